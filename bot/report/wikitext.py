"""Wikitext rendering of the report model.

Every untrusted string goes through :mod:`bot.report.escape`; this module only assembles markup
it owns (tables, headings, links whose targets it builds itself). Gap rows always carry a link
``[[:d:Q…|Q…]]`` to the Wikidata item: the writer counts those to tell what changed on a page.
"""

from collections.abc import Iterable, Sequence

import pandas as pd

from bot.report import escape


def item_link(qid: str) -> str:
    """A link to a Wikidata item; *qid* is checked, never escaped, because it is the link target."""
    if not (qid[:1] == "Q" and qid[1:].isdigit()):
        raise ValueError(f"not a Wikidata item id: {qid!r}")
    return f"[[:d:{qid}|{qid}]]"


def external_link(url: str, label: str) -> str:
    """An external link to a URL this program built, with an untrusted *label*."""
    if any(ch in url for ch in ' []<>"\n'):
        raise ValueError(f"URL would break the link markup: {url!r}")
    return f"[{url} {escape.text(label)}]"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    sortable: bool = True,
    numeric: Sequence[bool] | None = None,
) -> str:
    """A wikitable. *headers* are plain text and escaped here; cells must already be wikitext.

    Numeric columns are right-aligned and marked ``data-sort-type="number"`` so that sorting by
    them works on every wiki.
    """
    numeric = list(numeric or [False] * len(headers))
    classes = "wikitable sortable" if sortable else "wikitable"
    lines = [f'{{| class="{classes}"']
    head = []
    for name, is_number in zip(headers, numeric, strict=True):
        attrs = 'data-sort-type="number" | ' if is_number else ""
        head.append(f"! {attrs}{escape.text(name)}")
    lines.extend(head)
    for row in rows:
        lines.append("|-")
        for cell, is_number in zip(row, numeric, strict=True):
            lines.append(f'| style="text-align:right" | {cell}' if is_number else f"| {cell}")
    lines.append("|}")
    return "\n".join(lines)


def number(value: float | int, digits: int = 0) -> str:
    """A figure with thousands separators, as plain text (no markup needed)."""
    if digits:
        return f"{value:,.{digits}f}"
    return f"{int(value):,}"


def gap_table(gaps: pd.DataFrame, headers: Sequence[str] | None = None) -> str:
    """The ranked list of missing articles: rank, item, label, number of Wikipedias.

    *gaps* needs the columns ``rank``, ``qid``, ``label`` and ``sitelinks``.
    """
    headers = list(headers or ["#", "Item", "Label", "Wikipedias"])
    rows = (
        (str(int(r.rank)), item_link(r.qid), escape.text(r.label), number(r.sitelinks))
        for r in gaps.itertuples(index=False)
    )
    return table(headers, rows, numeric=[True, False, False, True])
