"""Wikitext rendering of the report model.

Every untrusted string goes through :mod:`bot.report.escape`; this module only assembles markup
it owns (tables, headings, links whose targets it builds itself). Gap rows always carry a link
``[[:d:Q…|Q…]]`` to the Wikidata item: the writer counts those to tell what changed on a page.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence

from bot.report import escape, model, rowcache
from bot.report.links import item_qid


def item_link(qid: str) -> str:
    """A link to a Wikidata item; *qid* is checked, never escaped, because it is the link target."""
    item_qid(qid)
    return f"[[:d:{qid}|{qid}]]"


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


# --------------------------------------------------------------------------------------------
# The renderer of the report model (bot.report.model) into wikitext.


def subpage_target(current: str, target: str) -> str:
    """A relative link from subpage *current* to subpage *target* ("" is the report's root)."""
    if current == "":
        return f"/{target}" if target else "/"
    return f"../{target}" if target else "../"


class WikitextRenderer:
    """Render blocks and inline pieces as wikitext for the page at subpage *current*.

    *subpages* maps page ids to their subpage under the report's root; *number* formats a
    figure for the report language.
    """

    def __init__(self, current: str, subpages: dict[str, str], number):
        self.current = current
        self.subpages = subpages
        self.number = number

    def inline(self, piece) -> str:
        match piece:
            case model.Plain(text=text):
                return escape.text(text)
            case model.Number(value=value, digits=digits):
                return self.number(value, digits)
            case model.ItemLink(qid=qid):
                return item_link(qid)
            case model.PageLink(page=page, text=text):
                target = subpage_target(self.current, self.subpages[page])
                return f"[[{target}|{self.inline(text)}]]"
            case model.ExtLink(url=url, text=text):
                _check_url(url)
                return f"[{url} {self.inline(text)}]"
            case model.FileLink(text=text):
                return escape.text(text)
            case model.Bar(pct=pct):
                return bar(pct)
            case model.Span(parts=parts):
                return "".join(self.inline(p) for p in parts)
            case model.Msg():
                return "".join(
                    part if isinstance(part, str) else self.inline(part) for part in piece.pieces()
                )
        raise TypeError(f"not an inline piece: {piece!r}")

    def block(self, block) -> str:
        match block:
            case model.Heading(level=level, text=text):
                marks = "=" * level
                return f"{marks} {self.inline(text)} {marks}"
            case model.Para(text=text):
                return self.inline(text)
            case model.Bullets(items=items):
                return "\n".join(f"* {self.inline(item)}" for item in items)
            case model.Table():
                return self.table(block)
            case model.GapTable():
                return self.gap_table(block)
            case model.Image():
                return ""  # charts are files of the local report; the wiki shows bars instead
        raise TypeError(f"not a block: {block!r}")

    def table(self, block) -> str:
        classes = "wikitable sortable" if block.sortable else "wikitable"
        lines = [f'{{| class="{classes}"']
        for name, is_number in zip(block.headers, block.numeric, strict=True):
            attrs = 'data-sort-type="number" | ' if is_number else ""
            lines.append(f"! {attrs}{escape.text(name)}")
        for row in block.rows:
            lines.append('|- class="sortbottom"' if row.total else "|-")
            for c, is_number in zip(row.cells, block.numeric, strict=True):
                attrs = []
                if c.sort is not None:
                    attrs.append(f'data-sort-value="{escape.text(c.sort)}"')
                if is_number:
                    attrs.append('style="text-align:right"')
                text = self.inline(c.content)
                lines.append(f"| {' '.join(attrs)} | {text}" if attrs else f"| {text}")
        lines.append("|}")
        return "\n".join(lines)

    def gap_table(self, block) -> str:
        """A :class:`bot.report.model.GapTable`, as :meth:`table` would render its cells.

        The cells an item has on every page (all but its rank and its link) are spelled once
        per report (:mod:`bot.report.rowcache`)."""
        classes = "wikitable sortable" if block.sortable else "wikitable"
        lines = [f'{{| class="{classes}"']
        for name, is_number in zip(block.headers, block.numeric, strict=True):
            attrs = 'data-sort-type="number" | ' if is_number else ""
            lines.append(f"! {attrs}{escape.text(name)}")
        urls = [url for url in block.links if url is not None]
        if _BREAKS_LINK.search("\x01".join(urls)):
            _check_rows(block)  # raises as the rows, in order, would
        text = escape.text
        none = text(block.none)
        cached = rowcache.cache("wikitext", self.number, none)
        cx_none = f"| {none}"
        translate = self.inline(block.translate)
        for rank, qid, label, links, source, size, url in zip(
            block.ranks, block.qids, block.labels, block.sitelinks, block.sources, block.sizes,
            block.links, strict=True,
        ):
            first = cached.get(rank)
            if first is None:
                first = cached[rank] = (
                    f'|-\n| data-sort-value="{rank}" style="text-align:right" | '
                    f"{self.number(rank, 0)}")
            key = (qid, label, links, source, size)
            middle = cached.get(key)
            if middle is None:
                middle = cached[key] = self._gap_cells(qid, label, links, source, size, none)
            cx = cx_none if url is None else f"| [{url} {translate}]"
            lines.append(f"{first}\n{middle}\n{cx}")
        lines.append("|}")
        return "\n".join(lines)

    def _gap_cells(self, qid, label, links, source, size, none: str) -> str:
        """The cells of a gap row from the item link to the source's size."""
        text = escape.text
        none_size = f'| data-sort-value="{text("-1")}" style="text-align:right" | {none}'
        if source is None:
            source_cell, size_cell = f"| {none}", none_size
        else:
            source_cell = f'| data-sort-value="{text(source)}" | {text(source)}'
            size_cell = none_size if size is None else (
                f'| data-sort-value="{size}" style="text-align:right" | {self.number(size, 0)}')
        return "\n".join((
            f'| data-sort-value="{qid[1:]}" | {item_link(qid)}',
            f"| {text(label)}",
            f'| data-sort-value="{links}" style="text-align:right" | {self.number(links, 0)}',
            source_cell,
            size_cell,
        ))

    def page(self, blocks) -> str:
        """The page body, in Unicode NFC: MediaWiki normalises saved text to NFC, so anything
        else would differ from the saved page on every run (the UN titles have a few
        decomposed accents)."""
        parts = [self.block(b) for b in blocks]
        return unicodedata.normalize("NFC", "\n\n".join(p for p in parts if p))


def bar(pct: float) -> str:
    """A horizontal bar of *pct* % in plain HTML/CSS that any MediaWiki renders (no extension).

    Inline elements (``span``), so that a bar fits in a sentence as well as in a table cell.
    """
    width = f"{min(100.0, max(0.0, float(pct))):.2f}".rstrip("0").rstrip(".")
    return (
        '<span style="display:inline-block;background:#eaecf0;width:8em;height:0.8em">'
        f'<span style="display:block;background:#36c;width:{width}%;height:0.8em"></span></span>'
    )


_BREAKS_LINK = re.compile(r"[ \[\]<>\"'{}|\n\t]")


def _check_rows(block) -> None:
    """Check a gap table's links and items row by row, as rendering them would."""
    for qid, url in zip(block.qids, block.links, strict=True):
        if url is not None:
            _check_url(url)
        item_link(qid)


def _check_url(url: str) -> None:
    # ExtLink holds https URLs only; unescaped in wikitext, these characters would end the link.
    if _BREAKS_LINK.search(url):
        raise ValueError(f"URL would break the link markup: {url[:80]!r}")
