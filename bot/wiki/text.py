"""How a report lives on a wiki page, as text: its markers, the text between them, its parts.

No pywikibot here: this is the writer's reading of wikitext, with mwparserfromhell. The markers
are two HTML comments carrying the report's id (:func:`markers`); :func:`region` finds them (a
marker quoted inside ``<nowiki>`` or ``<pre>`` is not one, and a page whose markers are missing,
duplicated or unbalanced is a :class:`bot.errors.Refusal`), :func:`splice` replaces what lies
between them and :func:`check_splice` makes sure a new text would be found again and changes
nothing outside them. :class:`Stats` counts what a report holds (table rows, linked Wikidata
items) for the shrink guard and the edit summaries. A body too large for one page is cut
between table rows by :func:`split_body`, every part a valid page of its own, with
:func:`index_body` on the report's own page.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import mwparserfromhell
from mwparserfromhell.nodes import Tag, Wikilink

from bot.errors import Refusal

HEADER = (
    "''This page is updated by the sdg-gaps bot. Everything between the two sdg-gaps "
    "comments is replaced at each run; write above or below them and your text stays.''\n"
)

_ITEM_LINK = re.compile(r"^:d:(Q\d+)$")


# --- markers and the text between them ---------------------------------------------------

# mwparserfromhell takes about a second for 100 KB of table, so each text is parsed once and
# what the writer needs from it (where the markers are, rows, item links) is remembered.
_MEMORY = 64


@dataclass(frozen=True)
class Stats:
    """Table rows (``|-`` rows, as mwparserfromhell reads them) and linked Wikidata items."""

    rows: int = 0
    items: tuple[tuple[str, int], ...] = ()  # (QID, times linked), sorted

    @classmethod
    def of(cls, nodes: Iterable) -> Stats:
        rows, items = 0, Counter()
        for node in mwparserfromhell.wikicode.Wikicode(list(nodes)).ifilter(
                forcetype=(Tag, Wikilink)):
            if isinstance(node, Tag):
                rows += node.tag == "tr"
            elif match := _ITEM_LINK.match(str(node.title).strip()):
                items[match.group(1)] += 1
        return cls(rows, tuple(sorted(items.items())))

    def counter(self) -> Counter:
        return Counter(dict(self.items))

    def __add__(self, other: Stats) -> Stats:
        return Stats(self.rows + other.rows,
                     tuple(sorted((self.counter() + other.counter()).items())))


@dataclass(frozen=True)
class Region:
    """Where a report sits on a page: just after its start marker, just before its end."""

    after_start: int
    before_end: int
    stats: Stats


def markers(report_id: str) -> tuple[str, str]:
    """The start and end comments that enclose report *report_id* on a page."""
    return f"<!-- sdg-gaps:start {report_id} -->", f"<!-- sdg-gaps:end {report_id} -->"


def new_page_text(report_id: str, body: str) -> str:
    """The text of a page that does not exist yet: a header editors may change, the report."""
    start, end = markers(report_id)
    return f"{HEADER}{start}\n{body.strip(chr(10))}\n{end}"


def region(text: str, report_id: str) -> Region:
    """Where report *report_id* sits in *text*, and what it holds.

    Raises :class:`Refusal` when the markers are not exactly one start followed by one end
    in the same block (not one inside a template and the other outside it).
    """
    found = locate(text, report_id)
    if isinstance(found, str):
        raise Refusal(found)
    return found


@lru_cache(maxsize=_MEMORY)
def locate(text: str, report_id: str) -> Region | str:
    """:func:`region`, remembered; a refusal comes back as its reason."""
    if "sdg-gaps:" not in text:
        return f"no sdg-gaps markers for {report_id} on the page"
    code = mwparserfromhell.parse(text)
    found: dict[str, list] = {"start": [], "end": []}
    for comment in code.ifilter_comments():
        words = str(comment.contents).split()
        if len(words) == 2 and words[1] == report_id and words[0].startswith("sdg-gaps:"):
            kind = words[0].removeprefix("sdg-gaps:")
            if kind in found:
                found[kind].append(comment)
    starts, ends = found["start"], found["end"]
    if not starts and not ends:
        return f"no sdg-gaps markers for {report_id} on the page"
    if not ends:
        return f"start marker for {report_id} without an end marker"
    if not starts:
        return f"end marker for {report_id} without a start marker"
    if len(starts) > 1 or len(ends) > 1:
        return f"{len(starts)} start and {len(ends)} end markers for {report_id}"
    start, end = starts[0], ends[0]
    if [id(node) for node in code.get_ancestors(start)] != [
        id(node) for node in code.get_ancestors(end)
    ]:
        return f"the markers for {report_id} are not in the same block"
    top = {id(node): i for i, node in enumerate(code.nodes)}
    if id(start) in top and id(end) in top:
        stats = Stats.of(code.nodes[top[id(start)] + 1:top[id(end)]])
    else:
        stats = None  # markers nested in a tag: count from the text between them below
    # mwparserfromhell gives no offsets. Swap the two marker comments for unique ones in the
    # round-tripped text; everything before each is unchanged, so their positions map back.
    token = "sdg-gaps-" + secrets.token_hex(8)
    old_start, old_end = str(start), str(end)
    start.contents, end.contents = f"{token}s", f"{token}e"
    marked = str(code)
    begin, end_at = marked.index(str(start)), marked.index(str(end))
    if end_at < begin:
        return f"the end marker for {report_id} comes before the start marker"
    after_start = begin + len(old_start)
    before_end = end_at - len(str(start)) + len(old_start)
    if text[begin:after_start] != old_start or text[before_end:][:len(old_end)] != old_end:
        raise AssertionError("marker offsets do not match the text")  # mwparserfromhell bug
    if stats is None:
        stats = stats_of(text[after_start:before_end])
    return Region(after_start, before_end, stats)


def splice(text: str, report_id: str, body: str) -> str:
    """*text* with the report between its markers replaced by *body*; the rest untouched."""
    found = region(text, report_id)
    return f"{text[:found.after_start]}\n{body.strip(chr(10))}\n{text[found.before_end:]}"


def check_splice(old: str | None, new: str, report_id: str) -> None:
    """Refuse a new text whose markers would not be found again on the next run (a body with
    an unclosed ``<nowiki>`` or comment would swallow the end marker) or that changes
    anything outside them."""
    try:
        found = region(new, report_id)
    except Refusal as refusal:
        raise Refusal(f"the new report would break the markers ({refusal})") from None
    if old is not None:
        was = region(old, report_id)
        if (new[:found.after_start] != old[:was.after_start]
                or new[found.before_end:] != old[was.before_end:]):
            raise Refusal("the new report would change text outside the markers")


def between(text: str | None, report_id: str) -> str:
    """The report currently between the markers, or "" when there is none."""
    if not text:
        return ""
    found = locate(text, report_id)
    return "" if isinstance(found, str) else text[found.after_start:found.before_end]


@lru_cache(maxsize=_MEMORY)
def stats_of(wikitext: str) -> Stats:
    """Rows and item links of *wikitext*, remembered."""
    return Stats.of(mwparserfromhell.parse(wikitext).nodes)


def count_rows(wikitext: str) -> int:
    """Table rows (``|-`` rows, as mwparserfromhell reads them) in *wikitext*."""
    return stats_of(wikitext).rows


def item_links(wikitext: str) -> Counter:
    """How many times each Wikidata item is linked (``[[:d:Q42|Q42]]``) in *wikitext*."""
    return stats_of(wikitext).counter()


def same_text(old: str | None, new: str) -> bool:
    """Whether saving *new* over *old* would change nothing (MediaWiki drops trailing space)."""
    return old is not None and old.rstrip() == new.rstrip()

# --- large reports -----------------------------------------------------------------------


@dataclass
class Part:
    """A piece of a report body that fits on one page, and what it holds."""

    text: str
    stats: Stats


def split_body(body: str, budget: int) -> list[Part]:
    """Cut *body* into parts of at most *budget* bytes, between table rows.

    A table cut in two is closed at the end of one part and opened again, header included,
    at the start of the next, so that every part is a valid page of its own. Headings and
    prose are kept whole. A single row larger than *budget* makes a part of its own.
    """
    if _size(body) <= budget:
        return [Part(body, stats_of(body))]
    parts: list[Part] = []
    part: list[str] = []
    stats = Stats()
    size = 0
    table: tuple[str, str] | None = None  # (head, tail) of the table open in this part
    for text, context, piece_stats in _pieces(mwparserfromhell.parse(body)):
        extra = _size(text)
        if context is not None and context is not table:
            extra += _size(context[0])
        if context is not None:
            extra += _size(context[1])  # room to close it
        if part and size + extra > budget:
            if table is not None:
                part.append(table[1])
            parts.append(Part("".join(part).strip("\n"), stats))
            part, size, table, stats = [], 0, None, Stats()
        if context is not table:
            if table is not None:
                part.append(table[1])
                size += _size(table[1])
            if context is not None:
                part.append(context[0])
                size += _size(context[0])
            table = context
        part.append(text)
        size += _size(text)
        stats += piece_stats
    if table is not None:
        part.append(table[1])
    if part:
        parts.append(Part("".join(part).strip("\n"), stats))
    return parts


def _pieces(code) -> Iterator[tuple[str, tuple[str, str] | None, Stats]]:
    """The smallest pieces a body may be cut between: each row of a wikitable along with the
    table's (head, tail) it belongs to, and every other top-level node alone."""
    for node in code.nodes:
        table = _table_rows(node)
        if table is None:
            yield str(node), None, Stats.of([node])
            continue
        head, rows, tail = table
        context = (head, tail)  # one object per table: split_body tells tables apart by it
        for row in rows:
            yield "".join(str(n) for n in row), context, Stats.of(row)


def _table_rows(node) -> tuple[str, list[list], str] | None:
    """A wikitable's head (``{|`` line and header cells), its rows (each a list of nodes: the
    row and whatever stray text follows it) and its tail (``|}``)."""
    if not (isinstance(node, Tag) and node.tag == "table" and node.wiki_markup == "{|"):
        return None
    nodes = node.contents.nodes
    first = next((i for i, n in enumerate(nodes) if isinstance(n, Tag) and n.tag == "tr"), None)
    if first is None:
        return None
    last = max(i for i, n in enumerate(nodes) if isinstance(n, Tag) and n.tag == "tr")
    whole, inner = str(node), str(node.contents)
    opening = whole[: whole.index(inner)]
    closing = whole[len(opening) + len(inner):]
    rows: list[list] = []
    for n in nodes[first:last + 1]:
        if isinstance(n, Tag) and n.tag == "tr":
            rows.append([n])
        else:
            rows[-1].append(n)  # comments or stray lines travel with the row before them
    head = opening + "".join(str(n) for n in nodes[:first])
    tail = "".join(str(n) for n in nodes[last + 1:]) + closing
    return head, rows, tail


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def index_body(title: str, parts: list[Part]) -> str:
    """The list of parts that replaces a split report on its own page."""
    lines = [f"This report is split into {len(parts)} pages:"]
    for number, part in enumerate(parts, 1):
        lines.append(f"# [[{title}/{number}|Part {number}]] ({part.stats.rows:,} rows)")
    return "\n".join(lines)


def obsolete_body(title: str, count: int) -> str:
    """What stays on a part the report no longer needs."""
    return f"''This part is no longer used: [[{title}]] now has {count} part(s).''"

