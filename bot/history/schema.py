"""The history file itself: its tables, creating them, SQLite's errors, rows into records.

The tables are created, if needed, in one transaction (:func:`create_tables`), and the file says its
schema version; a version this sdg-gaps does not read is refused. An SQLite error becomes one
line (:func:`sqlite_error`), and a database another process keeps locked says so. A row of ``runs``
(with its coverage summed) is read into a :class:`RunRecord`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.config import REPORTS_DIR
from bot.errors import HistoryError

SCHEMA_VERSION = 1
DEFAULT_SERIES = "cli"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    series TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    recorded TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    provenance TEXT NOT NULL,
    complete INTEGER NOT NULL,
    published INTEGER,
    counts TEXT NOT NULL,
    outcomes TEXT NOT NULL,
    baseline INTEGER,
    UNIQUE (series, run_id)
);
CREATE TABLE IF NOT EXISTS coverage (
    run INTEGER NOT NULL,
    goal INTEGER NOT NULL,
    wiki TEXT NOT NULL,
    language TEXT NOT NULL,
    items INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    missing INTEGER NOT NULL,
    coverage_pct REAL NOT NULL,
    PRIMARY KEY (run, goal, wiki)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members (
    run INTEGER NOT NULL,
    goal INTEGER NOT NULL,
    qid INTEGER NOT NULL,
    PRIMARY KEY (run, goal, qid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS gaps (
    run INTEGER NOT NULL,
    goal INTEGER NOT NULL,
    wiki TEXT NOT NULL,
    qid INTEGER NOT NULL,
    PRIMARY KEY (run, goal, wiki, qid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS runs_series ON runs (series, id);
"""

# Run ids handed out and not yet recorded (a run reserves its id once, at its start). Created on
# every open, so that files written before it existed get it too.
RESERVED = """
CREATE TABLE IF NOT EXISTS reserved (
    series TEXT NOT NULL,
    run_id TEXT NOT NULL,
    reserved TEXT NOT NULL,
    PRIMARY KEY (series, run_id)
) WITHOUT ROWID
"""


def default_path() -> Path:
    """``$SDG_GAPS_HISTORY`` or ``reports/history.sqlite``."""
    env = os.environ.get("SDG_GAPS_HISTORY")
    return Path(env) if env else REPORTS_DIR / "history.sqlite"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def qid_int(qid: str) -> int:
    return int(str(qid)[1:])


@dataclass(frozen=True)
class RunRecord:
    """One recorded run, as :meth:`History.runs` lists it."""

    key: int
    run_id: str
    series: str
    started: str
    finished: str
    recorded: str
    endpoint: dict
    provenance: dict
    complete: bool
    published: bool | None
    counts: dict
    outcomes: list = field(default_factory=list)
    baseline: int | None = None
    goals: tuple[int, ...] = ()
    wikis: int = 0
    gaps: int = 0

    @property
    def eligible(self) -> bool:
        """Whether later runs compare themselves with this one."""
        return self.complete and self.published is not False


def create_tables(db: sqlite3.Connection) -> int:
    """Create the tables if needed (in one transaction); return the schema version.

    Whether the file has its tables yet is asked of SQLite's own catalogue (``sqlite_master``),
    so that any error reading it (a database locked by another process, a damaged file) is
    raised, never mistaken for a new file.
    """
    if _has_table(db, "meta"):
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is not None:
            return int(row[0])
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return int(db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0])


def sqlite_error(path: Path, doing: str, exc: sqlite3.Error, timeout: float) -> HistoryError:
    """One line for an SQLite error; a database another process keeps locked says so."""
    if getattr(exc, "sqlite_errorname", "") in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return HistoryError(
            f"history {path}: {doing}: the database is locked by another process "
            f"(waited {timeout:g} s); try again when that run has finished"
        )
    return HistoryError(f"history {path}: {doing}: {exc}")


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    found = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return found is not None


def run_record(row: Sequence) -> RunRecord:
    (key, run_id, series, started, finished, recorded, endpoint, provenance, complete,
     published, counts, outcomes, baseline, goals, wikis, gaps) = row
    return RunRecord(
        key=int(key), run_id=run_id, series=series, started=started, finished=finished,
        recorded=recorded, endpoint=json.loads(endpoint), provenance=json.loads(provenance),
        complete=bool(complete), published=None if published is None else bool(published),
        counts=json.loads(counts), outcomes=json.loads(outcomes),
        baseline=None if baseline is None else int(baseline),
        goals=tuple(sorted(int(g) for g in goals.split(","))) if goals else (),
        wikis=int(wikis), gaps=int(gaps),
    )


def iso_text(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
