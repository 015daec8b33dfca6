"""Report bodies for the writer's tests, rendered by the report's own wikitext renderer.

The writer (bot.wiki) is tested on bodies shaped like the generator's: a heading, a line of
prose and a sortable table of gap rows, one ``[[:d:Q…|Q…]]`` link each. The table is a
:class:`bot.report.model.Table` rendered by :class:`bot.report.wikitext.WikitextRenderer`, the
renderer every report page goes through.
"""

from bot.report.model import Cell, ItemLink, Number, Plain, Row, Table
from bot.report.pages import Text
from bot.report.wikitext import WikitextRenderer


def gap_table(qids, labels, sitelinks) -> str:
    """A table of gap rows: rank, item link, label, number of Wikipedias."""
    rows = tuple(
        Row((Cell(Number(rank)), Cell(ItemLink(qid)), Cell(Plain(label)), Cell(Number(count))))
        for rank, (qid, label, count) in enumerate(zip(qids, labels, sitelinks, strict=True), 1)
    )
    table = Table(("#", "Item", "Label", "Wikipedias"), (True, False, False, True), rows,
                  gap_rows=True)
    return WikitextRenderer("", {}, Text("en").number).block(table)
