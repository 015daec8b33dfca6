"""Posting a report directory to a wiki: the one module of sdg-gaps that knows pywikibot.

A report page is owned by people first. The bot only ever rewrites what lies between two HTML
comments carrying the report's id::

    Text an editor wrote, kept byte for byte.
    <!-- sdg-gaps:start goal-13 -->
    ...the report, replaced at every run...
    <!-- sdg-gaps:end goal-13 -->
    More text an editor wrote, kept byte for byte.

The markers are found with mwparserfromhell, so a marker quoted inside ``<nowiki>`` or
``<pre>`` is not one. A page whose markers are missing, duplicated or unbalanced is refused and
left alone; a page that does not exist yet is created with a short header and the markers.

Everything on the wiki goes through pywikibot and its configuration: the account and
BotPassword or OAuth from ``user-config.py``, throttling, maxlag, the {{bots}}/{{nobots}}
convention, and the global options ``-simulate``, ``-dir:``, ``-user:`` and ``-pt:``. Saves
carry the revision they were based on, so an edit made by someone else in between is an edit
conflict: the page is read again and the report spliced into the fresh text; nobody's words are
overwritten. A report too large for one page is split between table rows into numbered
subpages with an index on its own page; ``local_dir`` writes the pages and their diffs to files
instead of saving them.

Nothing is written under a root the bot may not write (:mod:`bot.roots`): the writer,
:class:`ReportBot`, checks the root against the allowed roots before its first page, with the
titles spelt by the wiki, and :func:`check_root` lets a caller refuse a root before any work.

The front door is :func:`post_report`. Each page ends in one :class:`PageOutcome`: ``saved``,
``unchanged`` (nothing to do: a re-run on the same data makes no edit), ``skipped``
({{nobots}}), ``refused`` (markers, or the shrink guard) or ``failed`` (protection, rights,
conflicts that did not settle, API errors). One page failing does not stop the others.
"""

from __future__ import annotations

import copy
import difflib
import json
import logging
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import mwparserfromhell
import pywikibot
from mwparserfromhell.nodes import Tag, Wikilink
from pywikibot import config
from pywikibot.bot import SingleSiteBot
from pywikibot.exceptions import (
    APIError,
    EditConflictError,
    LockedPageError,
    NoCreateError,
    OtherPageSaveError,
)
from pywikibot.exceptions import Error as PywikibotError

from bot import roots
from bot.errors import UsageError, WikiError
from bot.markers import DEFAULT_MAX_SHRINK
from bot.roots import Origin

STATUSES = ("saved", "unchanged", "skipped", "refused", "failed")

# A report body above this many bytes is split into numbered subpages. MediaWiki refuses pages
# over 2 MB, but rendering time grows with the rows long before that: a quarter keeps the
# pages quick to open. Never more than half the wiki's own limit, to leave room for the
# editors' text around the markers.
DEFAULT_PAGE_BYTES = 500_000

# How often a save that hit an edit conflict is tried again on fresh text.
CONFLICT_ATTEMPTS = 3

HEADER = (
    "''This page is updated by the sdg-gaps bot. Everything between the two sdg-gaps "
    "comments is replaced at each run; write above or below them and your text stays.''\n"
)

_ITEM_LINK = re.compile(r"^:d:(Q\d+)$")


@dataclass
class PostOptions:
    """How to post a report directory; the command line's ``post`` options."""

    root: str
    """The wiki page the report goes under: the summary on it, the others on subpages."""
    force: bool = False
    """Save even when the shrink guard would refuse."""
    max_shrink: float = DEFAULT_MAX_SHRINK
    """Refuse a report that would lose more than this share of its table rows."""
    allow_incomplete: bool = False
    """Post a report whose data is incomplete (``"complete": false`` in pages.json)."""
    local_dir: Path | None = None
    """Write the pages and a diff against the live text to this directory; save nothing."""
    pywikibot_args: list[str] = field(default_factory=list)
    """pywikibot's global options, such as ``-simulate`` or ``-user:Name``."""
    max_page_bytes: int | None = None
    """Split a report body larger than this (default :data:`DEFAULT_PAGE_BYTES`)."""
    summary_prefix: str = ""
    """Put in front of every edit summary."""
    before_save: Callable[[str], None] | None = None
    """Called with a page's title after it was read and before it is saved. Tests use it to
    make an edit in between, as a person could."""
    allow_roots: tuple[str, ...] = ()
    """Roots a maintainer allowed (``--allow-root``); those of ``SDG_GAPS_ALLOW_ROOTS`` are
    added. Without them only :attr:`root` itself is allowed, and not in the article namespace
    or another user's user space (see :mod:`bot.roots`)."""
    origin: Origin | None = None
    """Where a scheduled report was asked for. Its configuration page's base page is then the
    default allowed root (instead of :attr:`root`), and every edit summary names the page,
    the revision and the line."""


@dataclass
class PageOutcome:
    """What happened to one page: a status from :data:`STATUSES` and why."""

    title: str
    status: str
    reason: str = ""

    def __str__(self) -> str:
        return f"{self.status:<9} {self.title}: {self.reason}" if self.reason else (
            f"{self.status:<9} {self.title}"
        )


def post_report(
    report_dir: Path, options: PostOptions, echo: Callable[[str], object] = print
) -> list[PageOutcome]:
    """Post the pages of *report_dir* under ``options.root``; one outcome (and line) per page.

    Raises :class:`bot.errors.WikiError` for what stops every page: an incomplete report
    without ``allow_incomplete``, a password file others can read, a wiki that cannot be
    logged in to; :class:`bot.errors.UsageError` for an unreadable report directory or an
    unknown pywikibot option; :class:`bot.errors.RootRefused` (before logging in) for a root
    outside the allowed roots.
    """
    report = _Report.read(report_dir)
    if not report.complete and not options.allow_incomplete and options.local_dir is None:
        raise WikiError(
            f"report {report.run_id} is incomplete (part of its data could not be fetched); "
            "nothing posted. --allow-incomplete posts it anyway"
        )
    with _global_options(options.pywikibot_args):
        _check_password_file()
        if options.local_dir is not None:
            return _post_locally(report, options, echo)
        # Refused before logging in (the writer checks again, as it does for every caller).
        _guard(_site(), options.root, options.allow_roots, options.origin)
        site = _login()
        bot = ReportBot(site=site, report=report, options=options,
                        budget=_page_budget(site, options), echo=echo)
        bot.run()
    return bot.outcomes


# --- the report directory ----------------------------------------------------------------


@dataclass
class _ReportPage:
    id: str
    subpage: str
    body: str
    label: str


@dataclass
class _Report:
    run_id: str
    complete: bool
    pages: list[_ReportPage]

    @classmethod
    def read(cls, directory: Path) -> _Report:
        """Read ``pages.json`` and the wikitext files it names."""
        index = Path(directory) / "pages.json"
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            pages = [
                _ReportPage(
                    id=entry["id"],
                    subpage=entry.get("subpage", ""),
                    body=(Path(directory) / entry["file"]).read_text(encoding="utf-8"),
                    label=entry.get("summary") or f"{entry['id']}: {entry.get('gaps', 0):,} gaps",
                )
                for entry in data["pages"]
            ]
            return cls(run_id=str(data["run_id"]), complete=bool(data.get("complete", True)),
                       pages=pages)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(
                f"{directory} is not a readable report directory ({type(exc).__name__}: {exc})"
            ) from None


# --- markers and the text between them ---------------------------------------------------

# mwparserfromhell takes about a second for 100 KB of table, so each text is parsed once and
# what the writer needs from it (where the markers are, rows, item links) is remembered.
_MEMORY = 64


class Refusal(Exception):
    """A page the bot must not write; the message says why."""


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
    found = _locate(text, report_id)
    if isinstance(found, str):
        raise Refusal(found)
    return found


@lru_cache(maxsize=_MEMORY)
def _locate(text: str, report_id: str) -> Region | str:
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
    found = _locate(text, report_id)
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


# --- edit summaries ----------------------------------------------------------------------


def edit_summary(label: str, before: Stats, after: Stats, run_id: str, prefix: str = "",
                 origin: Origin | None = None) -> str:
    """What changed in numbers: items linked before and not now (−), now and not before (+);
    with *origin*, where the save was asked for (:func:`bot.roots.fit_summary`)."""
    removed = sum((before.counter() - after.counter()).values())
    added = sum((after.counter() - before.counter()).values())
    return roots.fit_summary(
        f"{prefix}{label} (\u2212{removed:,}, +{added:,}) \u00b7 run {run_id}", origin)


# --- what to write -----------------------------------------------------------------------


@dataclass
class _Target:
    """One page to write: which report id goes between its markers, and the new body."""

    title: str
    report_id: str
    body: str
    stats: Stats
    label: str
    refusal: str | None = None
    failure: str | None = None  # a page of its report could not be read: nothing is saved
    counted: bool = True  # its rows are the report's (not an index or a retired part)


def _targets(report: _Report, options: PostOptions, budget: int,
             title_of: Callable[[str], str],
             read: Callable[[str], str | None]) -> Iterator[_Target]:
    """The pages to write, report by report: a report larger than *budget* becomes numbered
    parts (written first) and an index on its own page. *title_of* normalises a title as the
    wiki would; *read* gives a page's current text (None when it does not exist) and raises
    :class:`WikiError` when it cannot be read: then every page of that report fails with the
    reason, so that none of it is saved without its current text known (the shrink guard and
    the diff of local mode both need it)."""
    for entry in report.pages:
        title = title_of(options.root if not entry.subpage
                         else f"{options.root}/{entry.subpage}")
        # MediaWiki stores text in NFC; composing in NFC keeps the comparison with it exact.
        parts = split_body(unicodedata.normalize("NFC", entry.body).strip("\n"), budget)
        try:
            targets = _plan(entry, title, parts, options, title_of, read)
        except WikiError as exc:
            targets = _unreadable(entry, title, parts, title_of, str(exc))
        yield from targets


def _plan(entry: _ReportPage, title: str, parts: list[Part], options: PostOptions,
          title_of: Callable[[str], str], read: Callable[[str], str | None]) -> list[_Target]:
    """The pages of one report, each with the shrink guard's verdict on the whole report."""
    old_main = read(title)
    old_parts = _linked_parts(title, old_main, entry.id)
    targets = []
    if len(parts) > 1:
        for number, part in enumerate(parts, 1):
            targets.append(_Target(
                title=title_of(f"{title}/{number}"), report_id=f"{entry.id}/{number}",
                body=part.text, stats=part.stats,
                label=f"{entry.label}, part {number} of {len(parts)}",
            ))
    kept = len(parts) if len(parts) > 1 else 0
    for number in range(kept + 1, old_parts + 1):
        targets.append(_Target(
            title=title_of(f"{title}/{number}"), report_id=f"{entry.id}/{number}",
            body=obsolete_body(title, kept), stats=Stats(),
            label=f"{entry.label}, part {number} no longer used", counted=False,
        ))
    if kept:
        targets.append(_Target(title=title, report_id=entry.id,
                               body=index_body(title, parts), stats=Stats(),
                               label=entry.label, counted=False))
    else:
        targets.append(_Target(title=title, report_id=entry.id, body=parts[0].text,
                               stats=parts[0].stats, label=entry.label))
    refusal = None if options.force else _shrink_refusal(
        targets, read, old_main, entry.id, old_parts, options.max_shrink)
    for target in targets:
        target.refusal = refusal
    return targets


def _unreadable(entry: _ReportPage, title: str, parts: list[Part],
                title_of: Callable[[str], str], reason: str) -> list[_Target]:
    """The pages of a report one of whose pages cannot be read: all of them fail."""
    pages = [(title_of(f"{title}/{n}"), f"{entry.id}/{n}") for n in range(1, len(parts) + 1)]
    pages = [*(pages if len(parts) > 1 else []), (title, entry.id)]
    return [
        _Target(title=page, report_id=report_id, body="", stats=Stats(), label=entry.label,
                failure=f"{reason}; nothing of this report is saved")
        for page, report_id in pages
    ]


def _next_text(target: _Target, old: str | None, may_edit: bool) -> str | PageOutcome:
    """The text to save on *target*'s page given its current text *old*, or the outcome
    that ends the page's turn without a save."""
    if target.failure:
        return PageOutcome(target.title, "failed", target.failure)
    if target.refusal:
        return PageOutcome(target.title, "refused", target.refusal)
    if old is not None and not may_edit:
        return PageOutcome(target.title, "skipped", "{{bots}}/{{nobots}} excludes this bot")
    try:
        if old is None:
            new = new_page_text(target.report_id, target.body)
        else:
            new = splice(old, target.report_id, target.body)
        if same_text(old, new):
            return PageOutcome(target.title, "unchanged", "")
        check_splice(old, new, target.report_id)
    except Refusal as refusal:
        return PageOutcome(target.title, "refused", str(refusal))
    return new


def _read(page) -> str | None:
    """The page's current text, or None if it does not exist; :class:`WikiError` if the wiki
    will not give it (a read-protected page, an API error)."""
    try:
        return page.text if page.exists() else None
    except PywikibotError as exc:
        raise WikiError(f"cannot read {page.title()}: {_describe(exc)}") from None


def _old_stats(text: str | None, report_id: str) -> Stats:
    found = _locate(text, report_id) if text else None
    return found.stats if isinstance(found, Region) else Stats()


def _linked_parts(title: str, text: str | None, report_id: str) -> int:
    """How many numbered parts the report currently on *title* links to from its index."""
    numbers = [0]
    for link in mwparserfromhell.parse(between(text, report_id)).ifilter_wikilinks():
        target = str(link.title).strip()
        if target.startswith(f"{title}/") and target[len(title) + 1:].isdigit():
            numbers.append(int(target[len(title) + 1:]))
    return max(numbers)


def _shrink_refusal(targets: list[_Target], read: Callable[[str], str | None],
                    old_main: str | None, report_id: str, old_parts: int,
                    max_shrink: float) -> str | None:
    """Refuse the whole report if it would lose more than *max_shrink* of its rows."""
    old_rows = _old_stats(old_main, report_id).rows
    for target in targets:
        number = target.report_id.removeprefix(f"{report_id}/")
        if number.isdigit() and int(number) <= old_parts:
            old_rows += _old_stats(read(target.title), target.report_id).rows
    new_rows = sum(target.stats.rows for target in targets if target.counted)
    if old_rows and new_rows < old_rows * (1 - max_shrink):
        return (
            f"shrink guard: {old_rows:,} rows would become {new_rows:,} "
            f"({(old_rows - new_rows) / old_rows:.0%} fewer, limit {max_shrink:.0%}); "
            "--force saves anyway"
        )
    return None


# --- writing -----------------------------------------------------------------------------


class ReportBot(SingleSiteBot):
    """Writes the pages of one report directory, keeping one :class:`PageOutcome` per page.

    A pywikibot bot: :meth:`run` walks the generator of pages (planned report by report) and
    :meth:`treat` writes each one, so throttling, counters and the end-of-run statistics are
    pywikibot's own.
    """

    def __init__(self, *, site, report: _Report, options: PostOptions, budget: int,
                 echo: Callable[[str], object]) -> None:
        _guard(site, options.root, options.allow_roots, options.origin)
        self._report = report
        self._options = options
        self._echo = echo
        self._plans: dict[str, _Target] = {}
        self._planned_pages: dict[str, pywikibot.Page] = {}
        self.outcomes: list[PageOutcome] = []
        super().__init__(site=site, generator=self._pages(budget), always=True)

    def _pages(self, budget: int) -> Iterator[pywikibot.Page]:
        for target in _targets(self._report, self._options, budget,
                               lambda title: pywikibot.Page(self.site, title).title(),
                               self._read_once):
            self._plans[target.title] = target
            # The page as planning read it: its first save is based on that revision.
            yield self._planned_pages.pop(target.title, None) or pywikibot.Page(
                self.site, target.title)

    def _read_once(self, title: str) -> str | None:
        page = self._planned_pages.setdefault(title, pywikibot.Page(self.site, title))
        return _read(page)

    def treat(self, page: pywikibot.Page) -> None:
        target = self._plans[page.title()]
        try:
            outcome = self._write(page, target)
        except PywikibotError as exc:
            outcome = PageOutcome(target.title, "failed", _describe(exc))
        except WikiError as exc:  # the page could not be read again before saving
            outcome = PageOutcome(target.title, "failed", str(exc))
        self.counter[outcome.status] += 1
        self.outcomes.append(outcome)
        self._echo(str(outcome))

    def _write(self, page: pywikibot.Page, target: _Target) -> PageOutcome:
        if target.failure:
            return PageOutcome(target.title, "failed", target.failure)
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            if attempt > 1:
                page = pywikibot.Page(self.site, target.title)  # nothing cached from before
            old = _read(page)
            new = _next_text(target, old, old is None or page.botMayEdit())
            if isinstance(new, PageOutcome):
                return new
            summary = edit_summary(target.label, _old_stats(old, target.report_id),
                                   target.stats, self._report.run_id,
                                   self._options.summary_prefix, self._options.origin)
            if self._options.before_save is not None:
                self._options.before_save(target.title)
            try:
                return self._save(page, old, new, summary)
            except (EditConflictError, NoCreateError):
                continue  # saved or deleted in between: read again, splice into that text
            except LockedPageError:
                return PageOutcome(target.title, "failed", "protected: the bot may not edit it")
            except OtherPageSaveError as exc:  # pywikibot's wrapper for other save errors
                reason = exc.reason
                return PageOutcome(target.title, "failed", _describe(reason) if isinstance(
                    reason, PywikibotError) else " ".join(str(reason).split()))
        return PageOutcome(target.title, "failed",
                           f"edit conflict {CONFLICT_ATTEMPTS} times in a row")

    def _save(self, page, old: str | None, new: str, summary: str) -> PageOutcome:
        base = page.latest_revision_id if old is not None else None
        page.text = new
        # The base revision id, and no base timestamp: given a timestamp, MediaWiki suppresses
        # the conflict when no revision is newer than it, and a person's edit made in the same
        # second as the base revision is not newer. pywikibot sends one unless told otherwise.
        extra = ({"nocreate": True, "baserevid": base, "basetimestamp": None} if base
                 else {"createonly": True})
        page.save(summary=summary, watch="nochange", minor=False, quiet=True, **extra)
        self.counter["write"] += 1
        if config.simulate:
            return PageOutcome(page.title(), "saved", f"simulated, not sent: {summary}")
        if base and page.latest_revision_id == base:
            return PageOutcome(page.title(), "unchanged", "the wiki saw no change")
        return PageOutcome(page.title(), "saved", summary)


def _post_locally(report: _Report, options: PostOptions,
                  echo: Callable[[str], object]) -> list[PageOutcome]:
    """Write each page to ``options.local_dir`` with a unified diff against the live text.

    Nothing is saved. The wiki is read, and the root checked against the allowed roots, when it
    answers; when it cannot be reached at all, every page is written as new and its diff is
    against nothing (a warning says so). A page the wiki answers but will not give fails, with
    its whole report, as when posting.
    """
    # A preview should not wait minutes for a wiki that is down: try once.
    config.max_retries = min(config.max_retries, 1)
    try:
        site = pywikibot.Site()  # logs in from the cookie file, so it reaches the wiki
        budget = _page_budget(site, options)
        _guard(site, options.root, options.allow_roots, options.origin)
        pages: dict[str, pywikibot.Page] = {}

        def page_of(title: str) -> pywikibot.Page:
            return pages.setdefault(title, pywikibot.Page(site, title))

        def title_of(title: str) -> str:
            return page_of(title).title()

        def read(title: str) -> str | None:
            return _read(page_of(title))

        def may_edit(title: str) -> bool:
            return page_of(title).botMayEdit()

        live = "live"
    except PywikibotError as exc:
        pywikibot.warning(f"wiki not reachable ({_describe(exc)}): pages written as new")
        budget = options.max_page_bytes or DEFAULT_PAGE_BYTES

        def title_of(title: str) -> str:
            return title

        def read(title: str) -> None:
            return None

        def may_edit(title: str) -> bool:
            return True

        live = "wiki not reachable"
    outcomes = []
    directory = options.local_dir
    directory.mkdir(parents=True, exist_ok=True)
    for target in _targets(report, options, budget, title_of, read):
        try:
            old = None if target.failure else read(target.title)
        except WikiError as exc:
            target.failure = str(exc)
        new = _next_text(target, old, old is None or may_edit(target.title))
        if isinstance(new, PageOutcome):
            outcome = new
        else:
            name = quote(target.title.replace(" ", "_"), safe="")
            (directory / f"{name}.wiki").write_text(new, encoding="utf-8")
            diff = "".join(difflib.unified_diff(
                (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                fromfile=f"{target.title} ({live if old is not None else 'new page'})",
                tofile=f"{target.title} (sdg-gaps)",
            ))
            (directory / f"{name}.diff").write_text(diff, encoding="utf-8")
            summary = edit_summary(target.label, _old_stats(old, target.report_id),
                                   target.stats, report.run_id, options.summary_prefix,
                                   options.origin)
            outcome = PageOutcome(target.title, "saved",
                                  f"written to {name}.wiki, not posted; {summary}")
        outcomes.append(outcome)
        echo(str(outcome))
    return outcomes


def _describe(exc: PywikibotError) -> str:
    """One line for a pywikibot error, without the stack."""
    if isinstance(exc, APIError):
        return f"API error {exc.code}: {exc.info}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --- pywikibot's configuration -----------------------------------------------------------

# The settings pywikibot's global options change; put back afterwards so that posting is a
# function a caller (or a test) can call twice.
_GLOBAL_SETTINGS = ("simulate", "put_throttle", "usernames", "family", "mylang", "log",
                    "logfilename", "debug_log", "verbose_output", "cosmetic_changes",
                    "read_maxlag", "write_maxlag", "max_retries")


@contextmanager
def _global_options(args: Iterable[str]) -> Iterator[None]:
    """Apply pywikibot's global options for the duration of a ``with`` block."""
    saved = {name: copy.deepcopy(getattr(config, name)) for name in _GLOBAL_SETTINGS}
    try:
        args = list(args)
        if args:  # handle_args([]) would read sys.argv instead
            rest = pywikibot.handle_args(args, do_help=False)
            if rest:
                raise UsageError(f"unknown pywikibot option(s): {' '.join(rest)}")
        _hide_secrets_in_logs()
        yield
    finally:
        for name, value in saved.items():
            setattr(config, name, value)


class _HideSecrets(logging.Filter):
    """Blanks passwords and tokens in log records.

    With ``-debug`` pywikibot writes the body of every API request to its log file, the login
    request and its password included.
    """

    _SECRET = re.compile(
        r"((?:lg)?password|(?:csrf|login|lg)?token|oauth_[a-z_]*secret)"
        r"(=|': '|\": \"|': \[')[^&'\"\s\]]*",
        re.IGNORECASE,
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = self._SECRET.sub(r"\1\2(hidden)", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def _hide_secrets_in_logs() -> None:
    """Put :class:`_HideSecrets` on every handler pywikibot logs through."""
    pywikibot.bot.init_handlers()  # idempotent; creates the handlers now, not at first output
    names = [name for name in logging.root.manager.loggerDict if name.startswith("pywiki")]
    for name in ["pywiki", "py.warnings", *names]:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, _HideSecrets) for f in handler.filters):
                handler.addFilter(_HideSecrets())


def _check_password_file() -> None:
    """Refuse a password file that other users could read, before pywikibot reads it.

    (pywikibot itself would quietly change its mode, hiding that it has been exposed.)
    """
    name = config.password_file
    if not name:
        return
    path = Path(config.base_dir, name)
    if not path.is_file():
        path = Path(name)
    if path.is_file() and path.stat().st_mode & 0o077:
        raise WikiError(
            f"password file {path} can be read or written by other users "
            f"(mode {path.stat().st_mode & 0o777:o}); run: chmod 600 {path}"
        )


def _login():
    """The configured site, logged in; a failure stops the run before any page."""
    try:
        site = pywikibot.Site()
        site.login()
    except PywikibotError as exc:
        raise WikiError(f"cannot log in to the wiki: {_describe(exc)}") from None
    if not site.logged_in():
        raise WikiError(f"cannot log in to {site}: check the account in user-config.py")
    return site


def _page_budget(site, options: PostOptions) -> int:
    """Bytes a report body may take on one page."""
    budget = options.max_page_bytes or DEFAULT_PAGE_BYTES
    try:
        # Fresh, not pywikibot's cached copy: the limit is the wiki's to change.
        limit = site.siteinfo.get("general", expiry=True).get("maxarticlesize")
    except PywikibotError:
        limit = None  # local mode with the wiki out of reach
    return min(budget, int(limit) // 2) if limit else budget


# --- pages the scheduler reads and writes (bot.schedule) ---------------------------------


@dataclass
class PageText:
    """A page as the scheduler sees it: its text (None if it does not exist), its latest
    revision, and when the bot's own account last edited it."""

    title: str
    text: str | None
    revid: int | None = None
    timestamp: str | None = None  # ISO 8601, UTC, of the latest revision
    last_bot_edit: str | None = None  # ISO 8601, UTC; None if the bot never edited it


def read_pages(
    titles: Iterable[str], pywikibot_args: Iterable[str] = (), *, bot_edits: bool = False,
    history_depth: int = 50,
) -> list[PageText]:
    """Read *titles* (logged in, as the bot); with *bot_edits*, also find the bot's latest
    edit among each page's last *history_depth* revisions.

    A title the wiki cannot have raises :class:`bot.errors.UsageError` naming it; a wiki that
    cannot be reached or logged in to raises :class:`bot.errors.WikiError`.
    """
    found = []
    with _global_options(list(pywikibot_args)):
        _check_password_file()
        site = _login()
        user = site.username()
        for title in titles:
            try:
                page = pywikibot.Page(site, title)
                name = page.title()
            except (PywikibotError, ValueError) as exc:
                detail = _describe(exc) if isinstance(exc, PywikibotError) else str(exc)
                raise UsageError(f"{title!r} is not a valid page title: {detail}") from None
            try:
                if not page.exists():
                    found.append(PageText(name, None))
                    continue
                text = page.text
                revid = page.latest_revision_id
                latest = page.latest_revision.timestamp
                last_bot = None
                if bot_edits:
                    for revision in page.revisions(total=history_depth):
                        if revision.user == user:
                            last_bot = revision.timestamp.isoformat()
                            break
            except PywikibotError as exc:
                raise WikiError(f"cannot read {name}: {_describe(exc)}") from None
            found.append(PageText(name, text, revid, latest.isoformat(), last_bot))
    return found


def post_page(
    title: str,
    report_id: str,
    body: str,
    *,
    run_id: str,
    label: str,
    pywikibot_args: Iterable[str] = (),
    echo: Callable[[str], object] = print,
    summary_prefix: str = "",
    allow_roots: Iterable[str] = (),
    origin: Origin | None = None,
) -> PageOutcome:
    """Write *body* between the markers of *report_id* on *title* (created if missing), with
    everything the report writer guarantees: text outside the markers kept, {{nobots}}
    honoured, edit conflicts retried on fresh text, no edit when nothing changed. The shrink
    guard does not apply (a status page is not a list of gaps); the allowed roots do, with
    *allow_roots* and *origin* as in :class:`PostOptions`."""
    report = _Report(run_id=run_id, complete=True,
                     pages=[_ReportPage(id=report_id, subpage="", body=body, label=label)])
    options = PostOptions(root=title, force=True, pywikibot_args=list(pywikibot_args),
                          summary_prefix=summary_prefix, allow_roots=tuple(allow_roots),
                          origin=origin)
    with _global_options(options.pywikibot_args):
        _check_password_file()
        site = _login()
        bot = ReportBot(site=site, report=report, options=options,
                        budget=_page_budget(site, options), echo=echo)
        bot.run()
    if not bot.outcomes:
        return PageOutcome(title, "failed", "not written")
    return bot.outcomes[-1]


# --- where the bot may write (the rule is bot.roots's) -----------------------------------


def check_root(title: str, *, allow_roots: Iterable[str] = (), origin: Origin | None = None,
               pywikibot_args: Iterable[str] = ()) -> str:
    """Check, as every save does, that the bot may write a report under *title* (*allow_roots*
    and *origin* as in :class:`PostOptions`); the title as the wiki spells it. The wiki is
    asked how it spells titles; nothing is written and no login is needed.

    Raises :class:`bot.errors.RootRefused` when it may not, :class:`bot.errors.UsageError`
    for a title the wiki cannot have, :class:`bot.errors.WikiError` when the wiki cannot be
    reached.
    """
    with _global_options(list(pywikibot_args)):
        return _guard(_site(), title, allow_roots, origin)


def _site():
    """The configured site, its namespaces known (not logged in)."""
    try:
        site = pywikibot.Site()
        site.namespaces  # noqa: B018  (the siteinfo request, so that it fails here)
    except PywikibotError as exc:
        raise WikiError(f"cannot reach the wiki: {_describe(exc)}") from None
    return site


def _guard(site, root: str, allow_roots: Iterable[str], origin: Origin | None) -> str:
    """:func:`bot.roots.check` on titles spelt by *site*, for the account pywikibot logs in
    with (its configured user name); the root as the wiki spells it."""
    site.namespaces  # noqa: B018  (a wiki out of reach fails here, not as a bad title)
    place = _place(site, root, "the root")
    if origin is None:
        default = place
    else:
        config = _place(site, origin.page, "the configuration page")
        default = config if config.base == config.title else _place(
            site, config.base, "the configuration page's base page")
    named = [_place(site, title, "--allow-root") for title in roots.named_roots(allow_roots)]
    bot = pywikibot.User(site, site.username()).username if site.username() else ""
    roots.check(place, default, named, bot)
    return place.title


def _place(site, title: str, what: str) -> roots.Place:
    """*title* as *site* spells it, and what the wiki says of its namespace."""
    try:
        page = pywikibot.Page(site, title)
        name = page.title()
        namespace = page.namespace()
        bare = page.title(with_ns=False)
    except (PywikibotError, ValueError) as exc:
        detail = _describe(exc) if isinstance(exc, PywikibotError) else str(exc)
        raise UsageError(f"{what} {title!r} is not a valid page title: {detail}") from None
    problem = None
    if page.site != site:
        problem = f"it is a page of another wiki ({page.site})"
    elif int(namespace) < 0:
        problem = "it is a special page, which cannot be written"
    elif page.section():
        problem = "it names a section of a page (#…), not a page"
    return roots.Place(
        title=name, namespace=int(namespace), name=bare, namespace_name=namespace.custom_name,
        content=bool(getattr(namespace, "content", int(namespace) == 0)),
        owner=bare.split("/", 1)[0] if int(namespace) in roots.USER_NAMESPACES else None,
        problem=problem, subpages=bool(getattr(namespace, "subpages", True)))
