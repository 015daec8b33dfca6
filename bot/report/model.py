"""The report model: a page is a list of blocks made of inline pieces, rendered twice.

:mod:`bot.report.pages` builds every page once, as these small frozen objects; the wikitext
renderer (:mod:`bot.report.wikitext`) and the HTML renderer (:mod:`bot.report.html`) turn the
same objects into their markup. No figure, link or sentence is decided in a renderer: they only
spell what the model says, each escaping untrusted text through :mod:`bot.report.escape`.

Inline pieces
    :class:`Plain` (any text, untrusted: always escaped), :class:`Number` (a figure, formatted
    for the report language), :class:`ItemLink` (a Wikidata item), :class:`PageLink` (another
    page of the report, by id), :class:`ExtLink` (a URL this program built), :class:`Bar` (a
    coverage bar), :class:`Msg` (a sentence from the message files with inline arguments) and
    :class:`Span` (several pieces in a row).
Blocks
    :class:`Heading`, :class:`Para`, :class:`Bullets`, :class:`Table` and :class:`Image` (a chart;
    only the HTML pages show it, the wiki has no uploaded file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Formatter
from typing import Union


@dataclass(frozen=True)
class Plain:
    text: str


@dataclass(frozen=True)
class Number:
    value: float | int
    digits: int = 0


@dataclass(frozen=True)
class ItemLink:
    qid: str


@dataclass(frozen=True)
class PageLink:
    page: str  # the id of a page of this report ("summary", "goal-13", "lang-fr")
    text: Inline


@dataclass(frozen=True)
class ExtLink:
    """A link out of the wiki: always https, whatever the page is rendered to."""

    url: str
    text: Inline

    def __post_init__(self):
        if not self.url.startswith("https://"):
            raise ValueError(f"not an https URL: {self.url[:80]!r}")


@dataclass(frozen=True)
class FileLink:
    """A file of the report directory (e.g. an item set's QID list): a link in HTML, its
    repository path as plain text on the wiki, where the file is not uploaded."""

    path: str  # relative to the report directory
    text: str  # what the wiki shows (e.g. the file's path in the repository)


@dataclass(frozen=True)
class Bar:
    pct: float  # 0–100


@dataclass(frozen=True)
class Span:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Msg:
    """A sentence of the message files: its template and the pieces that fill its fields.

    The template is fixed text of this project (a test keeps it free of markup); its fields
    are filled by inline pieces, so a label in a sentence is escaped like any other.
    """

    template: str
    args: tuple[tuple[str, Inline], ...]

    def pieces(self) -> list[str | Inline]:
        """The template cut into literal text and filled fields, in order."""
        out: list[str | Inline] = []
        values = dict(self.args)
        for literal, name, _spec, _conv in Formatter().parse(self.template):
            if literal:
                out.append(literal)
            if name is not None:
                out.append(values[name])
        return out


Inline = Union[Plain, Number, ItemLink, PageLink, ExtLink, FileLink, Bar, Span, Msg]  # noqa: UP007
_PIECES = (Plain, Number, ItemLink, PageLink, ExtLink, FileLink, Bar, Span, Msg)


def inline(value: object) -> Inline:
    """Text → :class:`Plain`, a number → :class:`Number`, a piece stays itself."""
    if isinstance(value, _PIECES):
        return value
    if isinstance(value, bool):
        return Plain(str(value))
    if isinstance(value, int):
        return Number(value)
    if isinstance(value, float):
        return Number(value, 2)
    return Plain("" if value is None else str(value))


def span(*parts: object) -> Span:
    return Span(tuple(inline(p) for p in parts))


@dataclass(frozen=True)
class Heading:
    level: int  # 2 or 3 (the page title itself is level 1 and not part of the body)
    text: Inline


@dataclass(frozen=True)
class Para:
    text: Inline


@dataclass(frozen=True)
class Bullets:
    items: tuple[Inline, ...]


@dataclass(frozen=True)
class Cell:
    content: Inline
    sort: str | None = None  # the value a sortable table sorts this cell by


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    total: bool = False  # a totals row: kept at the bottom when the table is sorted


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]  # plain text, escaped by the renderer
    numeric: tuple[bool, ...]
    rows: tuple[Row, ...]
    sortable: bool = True
    gap_rows: bool = False  # one row per missing article (each carries one item link)


@dataclass(frozen=True)
class GapTable:
    """A ranked list of missing articles, one row per gap, held as columns.

    The renderers write it row by row without a :class:`Cell` per value (a report may list a
    million gaps), exactly as the :class:`Table` of the same cells would render: rank (sorts
    by its number), the item link (sorts by the QID's number), the label, the Wikipedias with
    an article, the source language (*none* when the item has no article anywhere known), the
    source's size in bytes (*none*, sorting as -1, when unknown) and the Content Translation
    link (*none* where there is none).
    """

    headers: tuple[str, ...]
    ranks: tuple[int, ...]
    qids: tuple[str, ...]
    labels: tuple[str, ...]
    sitelinks: tuple[int, ...]
    sources: tuple[str | None, ...]  # the source Wikipedia's subdomain
    sizes: tuple[int | None, ...]
    links: tuple[str | None, ...]  # Content Translation URLs (https)
    translate: Inline  # the text of a Content Translation link
    none: str  # the word for "none", plain text
    numeric: tuple[bool, ...] = (True, False, False, True, False, True, False)
    sortable: bool = True
    gap_rows: bool = True  # one row per missing article (each carries one item link)


@dataclass(frozen=True)
class Image:
    src: str  # a file of the report directory, relative to it
    alt: str


Block = Union[Heading, Para, Bullets, Table, GapTable, Image]  # noqa: UP007


def cell(value: object, sort: object | None = None) -> Cell:
    """A cell; numbers sort by their value unless *sort* says otherwise."""
    piece = inline(value)
    if sort is None and isinstance(piece, Number):
        sort = piece.value
    return Cell(piece, None if sort is None else _sort_text(sort))


def _sort_text(value: object) -> str:
    if isinstance(value, float):  # numpy's floats too: their repr names the type
        return repr(round(float(value), 6))
    return str(value)


@dataclass
class PageModel:
    """A page before rendering: what both renderers receive."""

    id: str
    subpage: str
    title: str
    blocks: list[Block] = field(default_factory=list)
