"""Scheduled runs: the bot as a service that runs for weeks.

``sdg-gaps schedule --config-page PAGE`` (from cron or Toolforge's jobs framework):

1. takes the **lock** (``fcntl.flock`` on ``<history>.lock``, next to the history file): a
   second run started while one is going exits at once with a clear message, or waits for it
   with ``--wait-lock``. The operating system releases the lock when a process dies, however it
   dies, so a killed run never blocks the next; the next one notes that the previous run did
   not finish (the lock file still carries its process id) and carries on;
2. reads the **configuration page** (:mod:`bot.onwiki`) and validates it: every mistake
   becomes a message, the rest runs;
3. refuses every report whose root page lies outside the **allowed roots**
   (:mod:`bot.roots`: by default the configuration page's base page and its subpages) and
   lists it on the status page; then, for each report that is **due** — its root page last
   updated (by the history's record of its last run or by the bot's last edit of the page,
   whichever is later) at least ``every`` days ago — or only the report named with ``--page``
   (run by hand, whatever its frequency): analyses it, compares it with its previous run
   (:mod:`bot.history`), writes the report directory, posts it (:func:`bot.wiki.post_report`:
   pages are saved whole or not at all) and records the run in the history, in one
   transaction, last. Every edit summary names the configuration page, the revision read and
   the line that asked for the report;
4. writes the **status page** (default ``<config page>/Status``, allowed by the same rule):
   start, duration, per page the outcome, the refused roots, query time, data freshness, the
   configuration messages.

A run killed at any point leaves the wiki and the history consistent: an edit is one API
request, a run is one SQLite transaction at its very end, and the lock dies with its process.
Each report is run by :func:`bot.runs.run`, exactly as ``sdg-gaps run`` runs one.
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from bot.errors import LockBusy, RootRefused, SdgGapsError, UsageError
from bot.history import History
from bot.runs_facts import DataSource

LOCK_SUFFIX = ".lock"
KEEP_REPORT_DIRS = 3
# A report due every N days is run when its last update is at least this much less than N days
# old, so that a daily cron job whose start time drifts by minutes does not skip a day.
SLACK = timedelta(hours=1)


# --------------------------------------------------------------------------------------------
# The lock


class RunLock:
    """An exclusive lock on a file (``fcntl.flock``), held for the whole run.

    The file keeps the holder's process id and start time while it runs, and is emptied when
    the run ends normally; a lock file found non-empty by the next holder therefore tells that
    the previous run did not finish (:attr:`previous`).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None
        self.previous: dict | None = None

    def acquire(self, wait: float | None = None, *, poll: float = 0.2) -> None:
        """Take the lock; without *wait* fail at once with :class:`LockBusy`, else wait up to
        *wait* seconds for the holder to finish."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if deadline is None or time.monotonic() >= deadline:
                    holder = _describe_holder(_read_info(fd))
                    os.close(fd)
                    waited = "" if wait is None else f" after waiting {wait:g} s"
                    hint = " Pass --wait-lock to wait for it." if wait is None else ""
                    raise LockBusy(
                        f"another sdg-gaps run holds the lock {self.path}{holder}; this run "
                        f"stops{waited} and changes nothing.{hint}"
                    ) from None
                time.sleep(poll)
        previous = _read_info(fd)
        self.previous = previous or None
        info = {"pid": os.getpid(), "started": _now().isoformat(), "argv": sys.argv[1:4]}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_path(history_path: Path) -> Path:
    return Path(str(history_path) + LOCK_SUFFIX)


def _read_info(fd: int) -> dict:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {"pid": "?", "started": "?"}


def _describe_holder(info: dict) -> str:
    if not info:
        return ""
    return f" (process {info.get('pid', '?')}, started {info.get('started', '?')})"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------------------------
# Scheduled runs


@dataclass
class ScheduleOptions:
    config_page: str
    history: Path
    status_page: str | None = None  # default: <config page>/Status
    page: str | None = None  # run only this report, whatever its frequency
    wait_lock: float | None = None
    endpoint: str = "embedded"
    snapshot: Path | None = None
    contact: str | None = None
    out_dir: Path | None = None  # default: <history dir>/scheduled
    pywikibot_args: list[str] = field(default_factory=list)
    source: DataSource | None = None  # the data source; default: endpoint, snapshot, contact
    engine: str = "compact"
    master: str | None = None
    allow_roots: tuple[str, ...] = ()  # roots a maintainer allowed besides the default
    now: Callable[[], datetime] = _now
    echo: Callable[[str], object] = print


@dataclass
class ReportOutcome:
    number: int
    page: str
    status: str  # done | skipped | refused | failed (the pages' own outcomes: *outcomes*)
    reason: str = ""
    line: int | None = None  # refused: the line of the configuration page naming its root
    allowed: tuple[str, ...] = ()  # refused: the roots that were allowed
    outcomes: list = field(default_factory=list)
    run_id: str | None = None
    changes: dict | None = None
    queries: int = 0
    query_seconds: float = 0.0
    kind: str = "report"  # or "campaign" (a {{SDG gaps campaign}} template)


@dataclass
class ScheduleResult:
    started: datetime
    finished: datetime
    config_title: str
    config_revid: int | None
    reports: list[ReportOutcome]
    messages: list
    endpoint: str = ""
    queries: int = 0
    query_seconds: float = 0.0
    freshness: list[str] = field(default_factory=list)
    recovered: dict | None = None
    only_page: str | None = None
    status: object | None = None  # the status page's PageOutcome

    @property
    def exit_code(self) -> int:
        # A configuration page that does not exist is a failure: nothing could run.
        failed = self.config_revid is None
        failed = failed or any(r.status == "failed" for r in self.reports)
        failed = failed or any(o.status == "failed" for r in self.reports for o in r.outcomes)
        status_failed = self.status is not None and self.status.status == "failed"
        return 1 if failed or status_failed else 0


def run_schedule(options: ScheduleOptions) -> ScheduleResult:
    """One scheduled run, under the lock (see the module's description)."""
    lock = RunLock(lock_path(options.history))
    lock.acquire(options.wait_lock)
    try:
        if lock.previous:
            options.echo(
                "note: the previous run"
                f"{_describe_holder(lock.previous)} did not finish; carrying on from the last "
                "finished one"
            )
        with History.open(options.history) as history:
            result = _run(options, history)
        result.recovered = lock.previous
        status_title = options.status_page or f"{result.config_title}/Status"
        result.finished = options.now()
        result.status = _write_status(result, status_title, options)
        return result
    finally:
        lock.release()


def _run(options: ScheduleOptions, history: History) -> ScheduleResult:
    from bot.catalogue import load_catalogue
    from bot.languages import load_wikis
    from bot.onwiki import ConfigMessage, apply_items_page, parse_config, resolve_report
    from bot.roots import Origin
    from bot.wiki import check_root, read_pages

    started = options.now()
    echo = options.echo
    [config_page] = read_pages([options.config_page], options.pywikibot_args)
    result = ScheduleResult(
        started=started, finished=started, config_title=config_page.title,
        config_revid=config_page.revid, reports=[], messages=[], only_page=options.page,
    )
    if config_page.text is None:
        result.messages.append(ConfigMessage(
            1, f"the configuration page {config_page.title} does not exist. Expected a page "
            "with one {{SDG gaps report}} template per report (see samples/config-page.wiki)."))
        return result
    parsed = parse_config(config_page.text)
    result.messages += parsed.messages
    specs = parsed.reports
    if options.page:
        spec = parsed.report(options.page)
        if spec is None and specs:
            # Written another way ("Project:" for the project namespace's name, "_" for " "):
            # compare the titles as the wiki spells them.
            titles = [p.title for p in read_pages([options.page, *(s.page for s in specs)],
                                                  options.pywikibot_args)]
            spec = next((s for s, t in zip(specs, titles[1:], strict=True)
                         if t == titles[0]), None)
        if spec is None and _names_campaign(options.page, config_page.text,
                                            options.pywikibot_args):
            specs = []  # --page names a campaign: no report runs
        elif spec is None:
            known = ", ".join(s.page for s in specs) or "none"
            raise UsageError(
                f"--page {options.page!r}: no report on {config_page.title} has that root page "
                f"(reports: {known})"
            )
        specs = [spec] if spec is not None else []

    from bot.runs_facts import open_source

    source = options.source or DataSource(
        endpoint=options.endpoint, snapshot=options.snapshot, contact=options.contact)
    opened = open_source(source)
    endpoint, snapshot = opened.endpoint, opened.snapshot
    embedded = opened.snapshot_data or opened.files
    if snapshot is None:
        result.endpoint = endpoint.name if endpoint is not None else "files"
    elif snapshot.describe().get("bundled"):
        result.endpoint = "embedded (the bundled snapshot)"
    else:
        result.endpoint = "embedded (another snapshot)"
    catalogue = load_catalogue(snapshot)
    wikis = load_wikis()
    languages = _report_languages()
    snapshot_qids = _snapshot_qids(catalogue) if embedded else None
    # The lists of items kept on other pages ("items page"), all read at once.
    item_lists = _read_item_lists([s.items_page for s in specs if s.items_page],
                                  options.pywikibot_args)

    for spec in specs:
        try:
            [root] = read_pages([spec.page], options.pywikibot_args, bot_edits=True)
        except UsageError as exc:
            result.messages.append(ConfigMessage(
                spec.line_of("page"), f"{exc}; this report is skipped. Expected: the title of "
                "the report's root page.", spec.number, spec.page, "page"))
            result.reports.append(ReportOutcome(spec.number, spec.page, "skipped",
                                                "not run: its page is not a valid title"))
            continue
        written = spec
        # The wiki's own spelling of the title names the report's series in the history.
        spec = dataclasses.replace(spec, page=root.title)
        origin = Origin(config_page.title, config_page.revid, spec.line_of("page"))
        try:
            check_root(spec.page, allow_roots=options.allow_roots, origin=origin,
                       pywikibot_args=options.pywikibot_args)
        except RootRefused as exc:
            result.reports.append(ReportOutcome(spec.number, spec.page, "refused", exc.reason,
                                                line=origin.line, allowed=exc.allowed))
            echo(f"refused   {spec.page}: {exc}")
            continue
        waiting = None if options.page else _not_due(spec, root, history, options.now())
        if waiting:
            result.reports.append(ReportOutcome(spec.number, spec.page, "skipped", waiting))
            echo(f"skipped   {spec.page}: {waiting}")
            continue
        if written.items_page:
            listed = item_lists[written.items_page]
            if isinstance(listed, str):
                written, found = apply_items_page(written, written.items_page, None,
                                                  problem=listed)
            else:
                written, found = apply_items_page(written, listed.title, listed.text)
            result.messages += found
        resolved, found = resolve_report(written, catalogue, wikis, embedded=embedded,
                                         report_languages=languages, snapshot_qids=snapshot_qids)
        result.messages += found
        if resolved is not None:
            resolved = dataclasses.replace(resolved, spec=spec)
        if resolved is None:
            result.reports.append(ReportOutcome(
                spec.number, spec.page, "skipped",
                "not run: mistakes in its configuration (see the messages below)"))
            continue
        before = opened.stats()
        try:
            outcome = _run_report(resolved, catalogue, opened, options, origin)
        except SdgGapsError as exc:
            outcome = ReportOutcome(spec.number, spec.page, "failed", " ".join(str(exc).split()))
            echo(f"failed    {spec.page}: {outcome.reason}")
        after = opened.stats()
        outcome.queries = after.get("queries", 0) - before.get("queries", 0)
        outcome.query_seconds = round(
            after.get("query_seconds", 0.0) - before.get("query_seconds", 0.0), 3)
        result.reports.append(outcome)
    from bot.campaign.scheduled import run_campaigns

    run_campaigns(config_page.text, config_page.title, config_page.revid, history, opened,
                  result, options, not_due=_not_due, outcome=ReportOutcome,
                  snapshot_qids=snapshot_qids)
    stats = opened.stats()
    result.queries = int(stats.get("queries", 0))
    result.query_seconds = float(stats.get("query_seconds", 0.0))
    result.freshness = _freshness(snapshot, result, started)
    result.reports.sort(key=lambda r: (r.kind != "report", r.number))
    result.messages.sort(key=lambda m: m.line)
    return result


def _names_campaign(page: str, text: str, pywikibot_args) -> bool:
    from bot.campaign.scheduled import names_campaign

    return names_campaign(page, text, pywikibot_args)


def _read_item_lists(titles: list[str], pywikibot_args) -> dict:
    """Title → its PageText, or why it cannot be read. One batch; one title at a time only
    when a title is one the wiki cannot have, so that the others are still read."""
    from bot.wiki import read_pages

    titles = list(dict.fromkeys(titles))
    if not titles:
        return {}
    try:
        return dict(zip(titles, read_pages(titles, pywikibot_args), strict=True))
    except UsageError:
        found: dict = {}
        for title in titles:
            try:
                [found[title]] = read_pages([title], pywikibot_args)
            except UsageError as exc:
                found[title] = str(exc)
        return found


def _report_languages() -> list[str]:
    from bot.report import pages

    return sorted(p.stem for p in pages.MESSAGES.glob("*.json"))


def _snapshot_qids(catalogue) -> dict[str, tuple[str, ...]]:
    """QID → the wikis the snapshot's sources observed for it."""
    seen: dict[str, set[str]] = {}
    for itemset in catalogue.itemsets:
        if not itemset.in_snapshot or itemset.pinned is None:
            continue
        for qid in itemset.pinned_qids():
            seen.setdefault(qid, set()).update(itemset.observed_wikis or ())
    return {q: tuple(sorted(w)) for q, w in seen.items()}


def _not_due(spec, root, history: History, now: datetime) -> str | None:
    """Why the report is not due yet (None: it is due). Its last update is the later of the
    history's last finished run of the report and the bot's last edit of its root page."""
    if spec.every_days <= 0:
        return None
    stamps = []
    last = history.last_run(spec.page)
    if last is not None:
        stamps.append(datetime.fromisoformat(last.finished))
    if root.last_bot_edit:
        stamps.append(datetime.fromisoformat(root.last_bot_edit))
    if not stamps:
        return None
    latest = max(stamps)
    every = timedelta(days=spec.every_days)
    next_run = latest + every - min(SLACK, every / 10)
    if now >= next_run:
        return None
    return (
        f"updated {_age(now - latest)} ago, every {spec.every_days:g} day(s); next run after "
        f"{next_run:%Y-%m-%d %H:%M} UTC (--page runs it now)"
    )


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"


def _slug(title: str) -> str:
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", title).strip("_")[:60] or "report"
    return f"{plain}-{hashlib.sha1(title.encode()).hexdigest()[:8]}"


def _run_report(resolved, catalogue, opened, options: ScheduleOptions,
                origin=None) -> ReportOutcome:
    """Run one due report with :func:`bot.runs.run`: analyse, compare, write, post, record."""
    from bot.catalogue import ItemSet
    from bot.runs import RunRequest, run
    from bot.wiki import PostOptions

    spec = resolved.spec
    base = (options.out_dir or options.history.parent / "scheduled") / _slug(spec.page)
    base.mkdir(parents=True, exist_ok=True)
    itemsets = [catalogue.itemset(i) for i in resolved.itemsets]
    if resolved.custom:
        pinned = base / "items.txt"
        pinned.write_text(
            f"# Items of {spec.page}, from the configuration page\n"
            + "\n".join(resolved.custom) + "\n", encoding="utf-8")
        itemsets.append(ItemSet(
            id=f"onwiki-{hashlib.sha1(spec.page.encode()).hexdigest()[:10]}",
            goal=int(resolved.custom_goal), targets=(), title=spec.items_title,
            description=f"{len(resolved.custom):,} items listed on the configuration page"
            + (f" and on {spec.items_page}" if spec.items_page else ""),
            source=MappingProxyType({"kind": "configuration page", "page": spec.page,
                                     **({"items page": spec.items_page}
                                        if spec.items_page else {})}),
            pinned=pinned, query=None, observed_wikis=resolved.custom_observed,
            data_date=None, in_snapshot=opened.snapshot is not None,
        ))
    request = RunRequest(
        source=opened.source, itemsets=tuple(itemsets), languages=resolved.languages,
        engine=options.engine, master=options.master, out_parent=base,
        lang=resolved.report_language, gaps_per_wiki=spec.rows, rank=spec.rank,
        post=PostOptions(root=spec.page, pywikibot_args=list(options.pywikibot_args),
                         allow_roots=options.allow_roots, origin=origin),
        history=options.history, series=spec.page,
    )
    done = run(request, opened=opened, echo=options.echo)
    changes = done.analysis.changes.totals() if done.analysis.changes is not None else None
    if done.note:
        options.echo(f"{'failed' if done.posted is False else 'note':<9} {spec.page}: "
                     f"{done.note}")
    _prune_dirs(base)
    if done.posted is False:
        return ReportOutcome(spec.number, spec.page, "failed", done.note,
                             run_id=done.analysis.run_id, changes=changes)
    return ReportOutcome(spec.number, spec.page, "done", outcomes=done.outcomes,
                         run_id=done.analysis.run_id, changes=changes)


def _prune_dirs(base: Path) -> None:
    runs = sorted(p for p in base.glob("run-*") if p.is_dir())
    for old in runs[:-KEEP_REPORT_DIRS]:
        shutil.rmtree(old, ignore_errors=True)


def _freshness(snapshot, result: ScheduleResult, started: datetime) -> list[str]:
    if snapshot is None:
        return [f"live data from {result.endpoint}, queried {started:%Y-%m-%d %H:%M} UTC"]
    lines = []
    for info in snapshot.itemsets:
        lines.append(f"{info.title}: data of {info.data_date} (bundled snapshot)")
    return lines


def _write_status(result: ScheduleResult, title: str, options: ScheduleOptions):
    from bot.report.status import STATUS_ID, status_body
    from bot.roots import Origin
    from bot.wiki import PageOutcome, post_page

    body = status_body(result)
    failed = sum(1 for r in result.reports for o in r.outcomes if o.status == "failed")
    label = (f"status: {len(result.reports)} report(s), {failed} failed page(s), "
             f"{len(result.messages)} configuration message(s)")
    run_id = result.started.strftime("%Y%m%dT%H%M%SZ")
    try:
        outcome = post_page(title, STATUS_ID, body, run_id=run_id, label=label,
                            pywikibot_args=options.pywikibot_args, echo=options.echo,
                            allow_roots=options.allow_roots,
                            origin=Origin(result.config_title, result.config_revid))
    except SdgGapsError as exc:
        outcome = PageOutcome(title, "failed", " ".join(str(exc).split()))
        options.echo(str(outcome))
    return outcome
