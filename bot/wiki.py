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
overwritten.

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
from pathlib import Path
from urllib.parse import quote

import mwparserfromhell
import pywikibot
from mwparserfromhell.nodes import Tag
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

from bot.errors import UsageError, WikiError

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
    max_shrink: float = 0.30
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

    Raises :class:`bot.errors.WikiError` for what stops every page: an unreadable report
    directory, an incomplete report without ``allow_incomplete``, a password file others can
    read, a wiki that cannot be logged in to.
    """
    report = _Report.read(report_dir)
    if not report.complete and not options.allow_incomplete and options.local_dir is None:
        raise WikiError(
            f"report {report.run_id} is incomplete (part of its data could not be fetched); "
            "nothing posted. --allow-incomplete posts it anyway"
        )
    with _global_options(options.pywikibot_args):
        _check_password_file()
        if options.local_dir is None:
            site = _login()
            bot_class = ReportBot
        else:
            # A preview should not wait minutes for a wiki that is down: try once.
            config.max_retries = min(config.max_retries, 1)
            site = pywikibot.Site()
            bot_class = LocalReportBot
        budget = _page_budget(site, options)
        bot = bot_class(site=site, report=report, options=options, budget=budget, echo=echo)
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


class Refusal(Exception):
    """A page the bot must not write; the message says why."""


def markers(report_id: str) -> tuple[str, str]:
    """The start and end comments that enclose report *report_id* on a page."""
    return f"<!-- sdg-gaps:start {report_id} -->", f"<!-- sdg-gaps:end {report_id} -->"


def new_page_text(report_id: str, body: str) -> str:
    """The text of a page that does not exist yet: a header editors may change, the report."""
    start, end = markers(report_id)
    return f"{HEADER}{start}\n{body.strip(chr(10))}\n{end}\n"


def region(text: str, report_id: str) -> tuple[int, int]:
    """Where the report sits in *text*: the offsets just after the start marker and just
    before the end marker.

    Raises :class:`Refusal` when the markers are not exactly one start followed by one end
    in the same block (not one inside a template and the other outside it).
    """
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
        raise Refusal(f"no sdg-gaps markers for {report_id} on the page")
    if not ends:
        raise Refusal(f"start marker for {report_id} without an end marker")
    if not starts:
        raise Refusal(f"end marker for {report_id} without a start marker")
    if len(starts) > 1 or len(ends) > 1:
        raise Refusal(f"{len(starts)} start and {len(ends)} end markers for {report_id}")
    start, end = starts[0], ends[0]
    if [id(node) for node in code.get_ancestors(start)] != [
        id(node) for node in code.get_ancestors(end)
    ]:
        raise Refusal(f"the markers for {report_id} are not in the same block")
    # mwparserfromhell gives no offsets. Swap the two marker comments for unique ones in the
    # round-tripped text; everything before each is unchanged, so their positions map back.
    token = "sdg-gaps-" + secrets.token_hex(8)
    old_start, old_end = str(start), str(end)
    start.contents, end.contents = f"{token}s", f"{token}e"
    marked = str(code)
    begin, end_at = marked.index(str(start)), marked.index(str(end))
    if end_at < begin:
        raise Refusal(f"the end marker for {report_id} comes before the start marker")
    after_start = begin + len(old_start)
    finish = end_at - len(str(start)) + len(old_start)
    if text[begin:after_start] != old_start or text[finish:finish + len(old_end)] != old_end:
        raise AssertionError("marker offsets do not match the text")  # mwparserfromhell bug
    return after_start, finish


def splice(text: str, report_id: str, body: str) -> str:
    """*text* with the report between its markers replaced by *body*; the rest untouched."""
    after_start, before_end = region(text, report_id)
    new = f"{text[:after_start]}\n{body.strip(chr(10))}\n{text[before_end:]}"
    _check_splice(text, new, report_id, (after_start, before_end))
    return new


def _check_splice(old: str, new: str, report_id: str, old_region: tuple[int, int]) -> None:
    """Refuse a body that would make the markers unreadable on the next run (an unclosed
    ``<nowiki>`` or comment swallowing the end marker) or change anything outside them."""
    try:
        after_start, before_end = region(new, report_id)
    except Refusal as refusal:
        raise Refusal(f"the new report would break the markers ({refusal})") from None
    if new[:after_start] != old[:old_region[0]] or new[before_end:] != old[old_region[1]:]:
        raise Refusal("the new report would change text outside the markers")


def between(text: str | None, report_id: str) -> str:
    """The report currently between the markers, or "" when there is none."""
    if not text:
        return ""
    try:
        after_start, before_end = region(text, report_id)
    except Refusal:
        return ""
    return text[after_start:before_end]


def count_rows(wikitext: str) -> int:
    """Table rows (``|-`` rows, as mwparserfromhell reads them) in *wikitext*."""
    return sum(
        1 for tag in mwparserfromhell.parse(wikitext).ifilter_tags() if tag.tag == "tr"
    )


def item_links(wikitext: str) -> Counter:
    """How many times each Wikidata item is linked (``[[:d:Q42|Q42]]``) in *wikitext*."""
    found: Counter = Counter()
    for link in mwparserfromhell.parse(wikitext).ifilter_wikilinks():
        match = _ITEM_LINK.match(str(link.title).strip())
        if match:
            found[match.group(1)] += 1
    return found


def same_text(old: str | None, new: str) -> bool:
    """Whether saving *new* over *old* would change nothing (MediaWiki drops trailing space)."""
    return old is not None and old.rstrip() == new.rstrip()


# --- large reports -----------------------------------------------------------------------


def split_body(body: str, budget: int) -> list[str]:
    """Cut *body* into parts of at most *budget* bytes, between table rows.

    A table cut in two is closed at the end of one part and opened again, header included,
    at the start of the next, so that every part is a valid page of its own. Headings and
    prose are kept whole. A single row larger than *budget* makes a part of its own.
    """
    if _size(body) <= budget:
        return [body]
    parts: list[str] = []
    part: list[str] = []
    size = 0
    table: tuple[str, str] | None = None  # (head, tail) of the table open in this part
    for text, context in _pieces(mwparserfromhell.parse(body)):
        extra = _size(text)
        if context is not None and context is not table:
            extra += _size(context[0])
        if context is not None:
            extra += _size(context[1])  # room to close it
        if part and size + extra > budget:
            if table is not None:
                part.append(table[1])
            parts.append("".join(part).strip("\n"))
            part, size, table = [], 0, None
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
    if table is not None:
        part.append(table[1])
    if part:
        parts.append("".join(part).strip("\n"))
    return parts


def _pieces(code) -> Iterator[tuple[str, tuple[str, str] | None]]:
    """The smallest pieces a body may be cut between: each row of a wikitable along with the
    table's (head, tail) it belongs to, and every other top-level node alone."""
    for node in code.nodes:
        rows = _table_rows(node)
        if rows is None:
            yield str(node), None
            continue
        head, body_rows, tail = rows
        context = (head, tail)
        for row in body_rows:
            yield row, context


def _table_rows(node) -> tuple[str, list[str], str] | None:
    """A wikitable's head (``{|`` line and header cells), its rows and its tail (``|}``)."""
    if not (isinstance(node, Tag) and node.tag == "table" and node.wiki_markup == "{|"):
        return None
    whole, inner = str(node), str(node.contents)
    opening = whole[: whole.index(inner)] if inner else whole[: -len("|}")]
    closing = whole[len(opening) + len(inner):]
    nodes = node.contents.nodes
    first = next((i for i, n in enumerate(nodes) if isinstance(n, Tag) and n.tag == "tr"), None)
    if first is None:
        return None
    last = max(i for i, n in enumerate(nodes) if isinstance(n, Tag) and n.tag == "tr")
    head = opening + "".join(str(n) for n in nodes[:first])
    rows = [str(n) for n in nodes[first:last + 1]]
    tail = "".join(str(n) for n in nodes[last + 1:]) + closing
    if not all(isinstance(n, Tag) and n.tag == "tr" for n in nodes[first:last + 1]):
        # Text between rows (comments, stray lines) travels with the row before it.
        rows = _group_rows(nodes[first:last + 1])
    return head, rows, tail


def _group_rows(nodes) -> list[str]:
    rows: list[str] = []
    for node in nodes:
        if isinstance(node, Tag) and node.tag == "tr" or not rows:
            rows.append(str(node))
        else:
            rows[-1] += str(node)
    return rows


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def index_body(title: str, parts: list[str]) -> str:
    """The list of parts that replaces a split report on its own page."""
    lines = [f"This report is split into {len(parts)} pages:"]
    for number, part in enumerate(parts, 1):
        rows = count_rows(part)
        lines.append(f"# [[{title}/{number}|Part {number}]] ({rows:,} rows)")
    return "\n".join(lines)


def obsolete_body(title: str, count: int) -> str:
    """What stays on a part the report no longer needs."""
    return f"''This part is no longer used: [[{title}]] now has {count} part(s).''"


# --- edit summaries ----------------------------------------------------------------------


def edit_summary(label: str, old: str, new: str, run_id: str, prefix: str = "") -> str:
    """What changed in numbers: items linked before and not now (−), now and not before (+)."""
    before, after = item_links(old), item_links(new)
    removed = sum((before - after).values())
    added = sum((after - before).values())
    return f"{prefix}{label} (\u2212{removed:,}, +{added:,}) \u00b7 run {run_id}"


# --- what to write -----------------------------------------------------------------------


@dataclass
class _Target:
    """One page to write: which report id goes between its markers, and the new body."""

    page: pywikibot.Page
    report_id: str
    body: str
    label: str
    refusal: str | None = None
    counted: bool = True  # its rows are the report's (not an index or a retired part)


def _targets(site, report: _Report, options: PostOptions, budget: int) -> Iterator[_Target]:
    """The pages to write, report by report: a report larger than *budget* becomes numbered
    parts (written first) and an index on its own page."""
    for entry in report.pages:
        main = pywikibot.Page(
            site, options.root if not entry.subpage else f"{options.root}/{entry.subpage}")
        title = main.title()
        # MediaWiki stores text in NFC; composing in NFC keeps the comparison with it exact.
        body = unicodedata.normalize("NFC", entry.body).strip("\n")
        bodies = split_body(body, budget)
        old_main = _read(main)
        old_parts = _linked_parts(title, old_main, entry.id)
        targets = []
        if len(bodies) > 1:
            for number, part_body in enumerate(bodies, 1):
                targets.append(_Target(
                    page=pywikibot.Page(site, f"{title}/{number}"),
                    report_id=f"{entry.id}/{number}", body=part_body,
                    label=f"{entry.label}, part {number} of {len(bodies)}",
                ))
            main_body = index_body(title, bodies)
        else:
            main_body = bodies[0]
        for number in range(len(bodies) + 1 if len(bodies) > 1 else 1, old_parts + 1):
            targets.append(_Target(
                page=pywikibot.Page(site, f"{title}/{number}"),
                report_id=f"{entry.id}/{number}",
                body=obsolete_body(title, len(bodies) if len(bodies) > 1 else 0),
                label=f"{entry.label}, part {number} no longer used", counted=False,
            ))
        targets.append(_Target(page=main, report_id=entry.id, body=main_body, label=entry.label,
                               counted=len(bodies) == 1))
        refusal = None if options.force else _shrink_refusal(targets, old_main, entry.id,
                                                             old_parts, options.max_shrink)
        for target in targets:
            target.refusal = refusal
            yield target


def _read(page) -> str | None:
    """The page's current text, or None if it does not exist (or cannot be read)."""
    try:
        return page.text if page.exists() else None
    except PywikibotError:
        return None


def _linked_parts(title: str, text: str | None, report_id: str) -> int:
    """How many numbered parts the report currently on *title* links to from its index."""
    numbers = [0]
    for link in mwparserfromhell.parse(between(text, report_id)).ifilter_wikilinks():
        target = str(link.title).strip()
        if target.startswith(f"{title}/") and target[len(title) + 1:].isdigit():
            numbers.append(int(target[len(title) + 1:]))
    return max(numbers)


def _shrink_refusal(targets: list[_Target], old_main: str | None, report_id: str,
                    old_parts: int, max_shrink: float) -> str | None:
    """Refuse the whole report if it would lose more than *max_shrink* of its rows."""
    old_rows = count_rows(between(old_main, report_id))
    for number in range(1, old_parts + 1):
        part = next((t for t in targets if t.report_id == f"{report_id}/{number}"), None)
        if part is not None:
            old_rows += count_rows(between(_read(part.page), part.report_id))
    new_rows = sum(count_rows(t.body) for t in targets if t.counted)
    if old_rows and new_rows < old_rows * (1 - max_shrink):
        return (
            f"shrink guard: {old_rows:,} rows would become {new_rows:,} "
            f"({(old_rows - new_rows) / old_rows:.0%} fewer, limit {max_shrink:.0%}); "
            "--force saves anyway"
        )
    return None


# --- the bots ----------------------------------------------------------------------------


class ReportBot(SingleSiteBot):
    """Writes the pages of one report directory, keeping one :class:`PageOutcome` per page.

    A pywikibot bot: :meth:`run` walks the generator of pages (planned report by report) and
    :meth:`treat` writes each one, so throttling, counters and the end-of-run statistics are
    pywikibot's own.
    """

    def __init__(self, *, site, report: _Report, options: PostOptions, budget: int,
                 echo: Callable[[str], object]) -> None:
        self._report = report
        self._options = options
        self._echo = echo
        self._plans: dict[str, _Target] = {}
        self.outcomes: list[PageOutcome] = []
        super().__init__(site=site, generator=self._pages(budget), always=True)

    def _pages(self, budget: int) -> Iterator[pywikibot.Page]:
        for target in _targets(self.site, self._report, self._options, budget):
            self._plans[target.page.title()] = target
            yield target.page

    def treat(self, page: pywikibot.Page) -> None:
        target = self._plans[page.title()]
        try:
            outcome = self._write(target)
        except PywikibotError as exc:
            outcome = PageOutcome(page.title(), "failed", _describe(exc))
        self.counter[outcome.status] += 1
        self.outcomes.append(outcome)
        self._echo(str(outcome))

    def _write(self, target: _Target) -> PageOutcome:
        title = target.page.title()
        if target.refusal:
            return PageOutcome(title, "refused", target.refusal)
        page = target.page
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            if attempt > 1:
                page = pywikibot.Page(self.site, title)  # nothing cached from the last read
            old = _read(page)
            if old is not None and not page.botMayEdit():
                return PageOutcome(title, "skipped", "{{bots}}/{{nobots}} excludes this bot")
            try:
                new = self._compose(old, target)
            except Refusal as refusal:
                return PageOutcome(title, "refused", str(refusal))
            if same_text(old, new):
                return PageOutcome(title, "unchanged", "")
            summary = edit_summary(target.label, between(old, target.report_id), target.body,
                                   self._report.run_id, self._options.summary_prefix)
            if self._options.before_save is not None:
                self._options.before_save(title)
            try:
                return self._save(page, old, new, summary)
            except EditConflictError:
                continue  # someone saved in between: read again and splice into their text
            except NoCreateError:
                continue  # deleted in between: create it again
            except OtherPageSaveError:
                return PageOutcome(title, "skipped", "{{bots}}/{{nobots}} excludes this bot")
            except LockedPageError:
                return PageOutcome(title, "failed", "protected: the bot may not edit it")
        return PageOutcome(title, "failed", f"edit conflict {CONFLICT_ATTEMPTS} times in a row")

    @staticmethod
    def _compose(old: str | None, target: _Target) -> str:
        if old is None:
            return new_page_text(target.report_id, target.body)
        return splice(old, target.report_id, target.body)

    def _save(self, page, old: str | None, new: str, summary: str) -> PageOutcome:
        base = page.latest_revision_id if old is not None else None
        page.text = new
        extra = {"nocreate": True, "baserevid": base} if base else {"createonly": True}
        # baserevid as well as pywikibot's basetimestamp: two saves in the same second have
        # the same timestamp, and only the revision id then tells MediaWiki they conflict.
        page.save(summary=summary, watch="nochange", minor=False, quiet=True, **extra)
        self.counter["write"] += 1
        if config.simulate:
            return PageOutcome(page.title(), "saved", f"simulated, not sent: {summary}")
        if base and page.latest_revision_id == base:
            return PageOutcome(page.title(), "unchanged", "the wiki saw no change")
        return PageOutcome(page.title(), "saved", summary)


class LocalReportBot(ReportBot):
    """Writes each page to a file with a unified diff against the live text; saves nothing."""

    def _save(self, page, old: str | None, new: str, summary: str) -> PageOutcome:
        directory = self._options.local_dir
        directory.mkdir(parents=True, exist_ok=True)
        name = quote(page.title().replace(" ", "_"), safe="")
        (directory / f"{name}.wiki").write_text(new, encoding="utf-8")
        live = "live" if old is not None else "new page (or wiki not reachable)"
        diff = "".join(difflib.unified_diff(
            (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
            fromfile=f"{page.title()} ({live})", tofile=f"{page.title()} (sdg-gaps)",
        ))
        (directory / f"{name}.diff").write_text(diff, encoding="utf-8")
        changed = sum(1 for line in diff.splitlines()
                      if line[:1] in "+-" and line[:3] not in ("+++", "---"))
        return PageOutcome(page.title(), "saved",
                           f"written to {name}.wiki, not posted ({changed:,} lines differ); "
                           f"{summary}")


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
        limit = site.siteinfo.get("maxarticlesize")
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
                raise UsageError(f"{title!r} is not a valid page title: {_describe(exc)}"
                                 if isinstance(exc, PywikibotError) else
                                 f"{title!r} is not a valid page title: {exc}") from None
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
) -> PageOutcome:
    """Write *body* between the markers of *report_id* on *title* (created if missing), with
    everything the report writer guarantees: text outside the markers kept, {{nobots}}
    honoured, edit conflicts retried on fresh text, no edit when nothing changed. The shrink
    guard does not apply (a status page is not a list of gaps)."""
    report = _Report(run_id=run_id, complete=True,
                     pages=[_ReportPage(id=report_id, subpage="", body=body, label=label)])
    options = PostOptions(root=title, force=True, pywikibot_args=list(pywikibot_args),
                          summary_prefix=summary_prefix)
    with _global_options(options.pywikibot_args):
        _check_password_file()
        site = _login()
        bot = ReportBot(site=site, report=report, options=options,
                        budget=_page_budget(site, options), echo=echo)
        bot.run()
    if not bot.outcomes:
        return PageOutcome(title, "failed", "not written")
    return bot.outcomes[-1]
