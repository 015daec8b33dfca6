"""Report bodies for the writer's tests, rendered by the report's own wikitext renderer.

The writer (bot.wiki) is tested on bodies shaped like the generator's: a heading, a line of
prose and a sortable table of gap rows, one ``[[:d:Q…|Q…]]`` link each. The table is a
:class:`bot.report.model.Table` rendered by :class:`bot.report.wikitext.WikitextRenderer`, the
renderer every report page goes through. :func:`report` lays out a report directory of such
bodies under :data:`ROOT`, for the wiki tests that post one.
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


# In the main namespace, which the bot writes in only where a maintainer allowed it: the
# wiki tests allow it (see tests/wiki/test_allowed_roots_wiki.py for the rule itself).
ROOT = "SDG knowledge gaps"
RUN = "20261130T091500Z"


def gaps(qids, heading="Missing articles"):
    """A report body like the generator's: a heading, a line of prose, a gap table."""
    table = gap_table([f"Q{q}" for q in qids], [f"Item {q}" for q in qids],
                      [100 - i % 50 for i in range(len(qids))])
    return f"== {heading} ==\n{len(qids):,} articles are missing.\n{table}\n"


def report(report_dir, goal_qids, lang_qids=(), run_id=RUN, **kwargs):
    """A report directory (from the ``report_dir`` fixture): a summary, an SDG 13 page listing
    *goal_qids* and, when given, a French page listing *lang_qids*."""
    pages = [
        {"id": "summary", "subpage": "", "body": "== Summary ==\nTwo pages.\n",
         "summary": "2 goals, 59 wikis"},
        {"id": "goal-13", "subpage": "SDG 13", "body": gaps(goal_qids),
         "gaps": len(goal_qids), "summary": f"SDG 13: {len(goal_qids):,} gaps"},
    ]
    if lang_qids:
        pages.append({"id": "lang-fr", "subpage": "fr", "body": gaps(lang_qids),
                      "gaps": len(lang_qids), "summary": f"fr: {len(lang_qids):,} gaps"})
    return report_dir(pages, run_id=run_id, **kwargs)
