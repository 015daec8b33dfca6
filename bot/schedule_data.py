"""What a scheduled run is asked and what it did: its options, its result, each report's outcome.

:class:`ScheduleOptions` are the options of ``sdg-gaps schedule``; :class:`ScheduleResult` is
what the run found and did — the configuration page read, one :class:`ReportOutcome` per report
or campaign template, the configuration messages, the queries and the data's freshness — from
which the status page is written (:mod:`bot.report.status`) and the exit code decided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.runs_facts import DataSource
from bot.schedule_lock import utc_now


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
    now: Callable[[], datetime] = utc_now
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
