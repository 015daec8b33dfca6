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

This module is the run itself (:func:`run_schedule`: the configuration, the allowed roots, the
loop over the reports, then the campaign templates). The lock is :mod:`bot.schedule_lock`; the
options, the result and each report's outcome are :mod:`bot.schedule_data`; one report — whether
it is due, running it — is :mod:`bot.schedule_report`; the status page is
:mod:`bot.schedule_status`. The names the command line and the tests use are re-exported here.
"""

from __future__ import annotations

import dataclasses

from bot.errors import LockBusy, RootRefused, SdgGapsError, UsageError
from bot.history import History
from bot.runs_facts import DataSource
from bot.schedule_data import ReportOutcome, ScheduleOptions, ScheduleResult
from bot.schedule_lock import RunLock, describe_holder, lock_path
from bot.schedule_report import not_due, run_report
from bot.schedule_status import freshness, write_status

__all__ = [
    "LockBusy",
    "ReportOutcome",
    "RunLock",
    "ScheduleOptions",
    "ScheduleResult",
    "lock_path",
    "run_schedule",
]


def run_schedule(options: ScheduleOptions) -> ScheduleResult:
    """One scheduled run, under the lock (see the module's description)."""
    lock = RunLock(lock_path(options.history))
    lock.acquire(options.wait_lock)
    try:
        if lock.previous:
            options.echo(
                "note: the previous run"
                f"{describe_holder(lock.previous)} did not finish; carrying on from the last "
                "finished one"
            )
        with History.open(options.history) as history:
            result = _run(options, history)
        result.recovered = lock.previous
        status_title = options.status_page or f"{result.config_title}/Status"
        result.finished = options.now()
        result.status = write_status(result, status_title, options)
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
    snapshot_qids = snapshot_qids_observed(catalogue) if embedded else None
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
        waiting = None if options.page else not_due(spec, root, history, options.now())
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
            outcome = run_report(resolved, catalogue, opened, options, origin)
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
                  result, options, not_due=not_due, outcome=ReportOutcome,
                  snapshot_qids=snapshot_qids)
    stats = opened.stats()
    result.queries = int(stats.get("queries", 0))
    result.query_seconds = float(stats.get("query_seconds", 0.0))
    result.freshness = freshness(snapshot, result, started)
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
    from bot.report.text import MESSAGES

    return sorted(p.stem for p in MESSAGES.glob("*.json"))


def snapshot_qids_observed(catalogue) -> dict[str, tuple[str, ...]]:
    """QID → the wikis the snapshot's sources observed for it."""
    seen: dict[str, set[str]] = {}
    for itemset in catalogue.itemsets:
        if not itemset.in_snapshot or itemset.is_query:
            continue
        for qid in itemset.pinned_qids():
            seen.setdefault(qid, set()).update(itemset.observed_wikis or ())
    return {q: tuple(sorted(w)) for q, w in seen.items()}

