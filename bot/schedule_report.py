"""One report of a scheduled run: whether it is due, and running it.

:func:`not_due` tells why a report is not due yet: its root page was last updated — by the
history's record of its last run or by the bot's last edit of the page, whichever is later —
less than ``every`` days ago (less a little slack, so that a daily cron job whose start time
drifts by minutes does not skip a day). :func:`run_report` runs a due report with
:func:`bot.runs.run`, exactly as ``sdg-gaps run`` runs one — analyse, compare with the previous
run, write the report directory, post it, record the run — in a directory of its own under the
scheduled runs' directory, which keeps the last few report directories of each report.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from bot.history import History
from bot.schedule_data import ReportOutcome, ScheduleOptions

KEEP_REPORT_DIRS = 3
# A report due every N days is run when its last update is at least this much less than N days
# old, so that a daily cron job whose start time drifts by minutes does not skip a day.
SLACK = timedelta(hours=1)


def not_due(spec, root, history: History, now: datetime) -> str | None:
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


def run_report(resolved, catalogue, opened, options: ScheduleOptions,
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
        itemsets.append(ItemSet(
            id=f"onwiki-{hashlib.sha1(spec.page.encode()).hexdigest()[:10]}",
            goal=int(resolved.custom_goal), targets=(), title=spec.items_title,
            description=f"{len(resolved.custom):,} items listed on the configuration page"
            + (f" and on {spec.items_page}" if spec.items_page else ""),
            source=MappingProxyType({"kind": "configuration page", "page": spec.page,
                                     **({"items page": spec.items_page}
                                        if spec.items_page else {})}),
            pinned=None, query=None, observed_wikis=resolved.custom_observed,
            data_date=None, in_snapshot=opened.snapshot is not None,
            qids=tuple(resolved.custom),
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
