"""What posting a report means, before any wiki is asked: the pages to write and why not.

No pywikibot here. :class:`PostOptions` are the command line's ``post`` options and
:class:`PageOutcome` the end of one page's turn (a status of :data:`STATUSES` and why). A report
directory (``pages.json`` and its wikitext files) is read into a :class:`Report`; each of its
pages becomes one or more :class:`PageTarget` (numbered parts and an index when it is too large,
retired parts told so), each with the shrink guard's verdict on its whole report, and
:func:`next_text` says, given a page's current text, what to save on it or why nothing is
saved. The writers (:mod:`bot.wiki.writer`, :mod:`bot.wiki.local`) supply the reading.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import mwparserfromhell

from bot import roots
from bot.errors import Refusal, UsageError, WikiError
from bot.markers import DEFAULT_MAX_SHRINK
from bot.roots import Origin
from bot.wiki.text import (
    Part,
    Region,
    Stats,
    between,
    check_splice,
    index_body,
    locate,
    new_page_text,
    obsolete_body,
    same_text,
    splice,
    split_body,
)

STATUSES = ("saved", "unchanged", "skipped", "refused", "failed")

# A report body above this many bytes is split into numbered subpages. MediaWiki refuses pages
# over 2 MB, but rendering time grows with the rows long before that: a quarter keeps the
# pages quick to open. Never more than half the wiki's own limit, to leave room for the
# editors' text around the markers.
DEFAULT_PAGE_BYTES = 500_000


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


# --- the report directory ----------------------------------------------------------------


@dataclass
class ReportPage:
    id: str
    subpage: str
    body: str
    label: str


@dataclass
class Report:
    run_id: str
    complete: bool
    pages: list[ReportPage]

    @classmethod
    def read(cls, directory: Path) -> Report:
        """Read ``pages.json`` and the wikitext files it names."""
        index = Path(directory) / "pages.json"
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
            pages = [
                ReportPage(
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
class PageTarget:
    """One page to write: which report id goes between its markers, and the new body."""

    title: str
    report_id: str
    body: str
    stats: Stats
    label: str
    refusal: str | None = None
    failure: str | None = None  # a page of its report could not be read: nothing is saved
    counted: bool = True  # its rows are the report's (not an index or a retired part)


def plan_targets(report: Report, options: PostOptions, budget: int,
             title_of: Callable[[str], str],
             read: Callable[[str], str | None]) -> Iterator[PageTarget]:
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


def _plan(entry: ReportPage, title: str, parts: list[Part], options: PostOptions,
          title_of: Callable[[str], str], read: Callable[[str], str | None]) -> list[PageTarget]:
    """The pages of one report, each with the shrink guard's verdict on the whole report."""
    old_main = read(title)
    old_parts = _linked_parts(title, old_main, entry.id)
    targets = []
    if len(parts) > 1:
        for number, part in enumerate(parts, 1):
            targets.append(PageTarget(
                title=title_of(f"{title}/{number}"), report_id=f"{entry.id}/{number}",
                body=part.text, stats=part.stats,
                label=f"{entry.label}, part {number} of {len(parts)}",
            ))
    kept = len(parts) if len(parts) > 1 else 0
    for number in range(kept + 1, old_parts + 1):
        targets.append(PageTarget(
            title=title_of(f"{title}/{number}"), report_id=f"{entry.id}/{number}",
            body=obsolete_body(title, kept), stats=Stats(),
            label=f"{entry.label}, part {number} no longer used", counted=False,
        ))
    if kept:
        targets.append(PageTarget(title=title, report_id=entry.id,
                               body=index_body(title, parts), stats=Stats(),
                               label=entry.label, counted=False))
    else:
        targets.append(PageTarget(title=title, report_id=entry.id, body=parts[0].text,
                               stats=parts[0].stats, label=entry.label))
    refusal = None if options.force else _shrink_refusal(
        targets, read, old_main, entry.id, old_parts, options.max_shrink)
    for target in targets:
        target.refusal = refusal
    return targets


def _unreadable(entry: ReportPage, title: str, parts: list[Part],
                title_of: Callable[[str], str], reason: str) -> list[PageTarget]:
    """The pages of a report one of whose pages cannot be read: all of them fail."""
    pages = [(title_of(f"{title}/{n}"), f"{entry.id}/{n}") for n in range(1, len(parts) + 1)]
    pages = [*(pages if len(parts) > 1 else []), (title, entry.id)]
    return [
        PageTarget(title=page, report_id=report_id, body="", stats=Stats(), label=entry.label,
                failure=f"{reason}; nothing of this report is saved")
        for page, report_id in pages
    ]


def next_text(target: PageTarget, old: str | None, may_edit: bool) -> str | PageOutcome:
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


def old_stats(text: str | None, report_id: str) -> Stats:
    found = locate(text, report_id) if text else None
    return found.stats if isinstance(found, Region) else Stats()


def _linked_parts(title: str, text: str | None, report_id: str) -> int:
    """How many numbered parts the report currently on *title* links to from its index."""
    numbers = [0]
    for link in mwparserfromhell.parse(between(text, report_id)).ifilter_wikilinks():
        target = str(link.title).strip()
        if target.startswith(f"{title}/") and target[len(title) + 1:].isdigit():
            numbers.append(int(target[len(title) + 1:]))
    return max(numbers)


def _shrink_refusal(targets: list[PageTarget], read: Callable[[str], str | None],
                    old_main: str | None, report_id: str, old_parts: int,
                    max_shrink: float) -> str | None:
    """Refuse the whole report if it would lose more than *max_shrink* of its rows."""
    old_rows = old_stats(old_main, report_id).rows
    for target in targets:
        number = target.report_id.removeprefix(f"{report_id}/")
        if number.isdigit() and int(number) <= old_parts:
            old_rows += old_stats(read(target.title), target.report_id).rows
    new_rows = sum(target.stats.rows for target in targets if target.counted)
    if old_rows and new_rows < old_rows * (1 - max_shrink):
        return (
            f"shrink guard: {old_rows:,} rows would become {new_rows:,} "
            f"({(old_rows - new_rows) / old_rows:.0%} fewer, limit {max_shrink:.0%}); "
            "--force saves anyway"
        )
    return None

