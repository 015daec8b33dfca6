"""Runs over time: every run recorded in one SQLite file, and what changed since the last one.

A *run* is one analysis (one :class:`bot.analysis.Analysis`) of one *series*: the runs of one
report that follow each other (a report page's root title for scheduled runs, ``cli`` for
``sdg-gaps run`` unless ``--series`` names another). For each run the store keeps

``runs``
    its id, series, times, endpoint and data provenance (JSON), whether its data was complete,
    whether it was published (``NULL``: not posted; ``1``: every page saved or unchanged; ``0``:
    some page failed or was refused), its counts and page outcomes (JSON), and the run its
    changes were computed against (``baseline``);
``coverage``
    per goal × wiki: items, articles, missing, coverage %;
``members``
    the items of each goal (to tell an article that appeared from an item that left the set);
``gaps``
    the listed missing items — the first ``gaps_per_wiki`` of each goal × wiki (of each kind,
    translate and scratch, in runs whose counts have ``gap_kinds``), as the report listed them
    (the bound is in the run's counts) — one row per (goal, wiki, item): a gap is a gap of its
    goal × wiki whichever its kind, so a topic that turns from scratch to translate (an article
    was written in another Wikipedia) is neither closed nor new;
``reserved``
    run ids handed out to runs under way: a run's id is chosen once, at its start;
``campaigns``, ``campaign_items``, ``campaign_looks``, ``campaign_seen``
    campaigns' frozen starts and what later runs saw of them (:mod:`bot.campaign.store`).

A run is written in **one transaction** at its very end (:meth:`History.record`): a process
killed at any point leaves either the whole run or nothing, never half of one.

"Since the last run" compares each goal × wiki of a new run with the same cell of the latest
earlier run of the same series that was complete and not left unpublished
(:func:`compute_changes`, pure pandas): the gaps closed (a gap the baseline listed whose article
exists now), the new gaps (a listed gap that is a new item, or whose article is gone — known
only where the baseline listed every gap of the cell), the items that left the set, and the
coverage delta. The coverage figures are exact; the lists are about the listed gaps.

The file's path is configurable (``--history PATH`` or ``SDG_GAPS_HISTORY``); by default it is
``reports/history.sqlite``. The scheduler's lock file sits next to it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from bot.campaign import store as campaign_store
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
_RESERVED = """
CREATE TABLE IF NOT EXISTS reserved (
    series TEXT NOT NULL,
    run_id TEXT NOT NULL,
    reserved TEXT NOT NULL,
    PRIMARY KEY (series, run_id)
) WITHOUT ROWID
"""

_CELL_COLUMNS = ["items", "articles", "missing", "coverage_pct"]


# Page outcomes (bot.wiki.STATUSES) that leave a page not up to date.
FAILED_STATUSES = ("failed", "refused")


def published(outcomes) -> bool | None:
    """What a run's page outcomes mean for the record: ``None`` when nothing was posted, else
    whether every page is now up to date."""
    outcomes = list(outcomes or [])
    if not outcomes:
        return None
    return not any(o.status in FAILED_STATUSES for o in outcomes)


def default_path() -> Path:
    """``$SDG_GAPS_HISTORY`` or ``reports/history.sqlite``."""
    env = os.environ.get("SDG_GAPS_HISTORY")
    return Path(env) if env else REPORTS_DIR / "history.sqlite"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _qid_int(qid: str) -> int:
    return int(str(qid)[1:])


# --------------------------------------------------------------------------------------------
# What changed: pure pandas


@dataclass
class Changes:
    """What changed per goal × wiki since the previous run of the same series.

    ``cells``: goal, wiki, language, baseline (history key or <NA>), baseline_run_id,
    baseline_finished, items_before, articles_before, missing_before, coverage_before, items,
    articles, missing, coverage_pct, delta_pct, closed, opened, left — one row per cell of the
    new run (cells without a baseline are new: no figures before).

    ``closed``: goal, wiki, language, qid, title — gaps the baseline listed whose article exists
    now (title: the article's title when known).

    ``opened``: goal, wiki, language, qid, label, rank, reason — listed gaps that were not gaps
    in the baseline; reason ``article gone`` (the item was a member, and the baseline listed
    every gap of the cell without it) or ``new item`` (it was not in the goal's item set), or ""
    when the baseline kept no members. A member the baseline's bounded list may simply not have
    reached is not called new.
    """

    cells: pd.DataFrame
    closed: pd.DataFrame
    opened: pd.DataFrame

    def cell(self, goal: int, wiki: str) -> dict | None:
        """The row of *cells* for one goal × wiki, as a dict (None if the run has no such cell)."""
        rows = self.cells[(self.cells["goal"] == goal) & (self.cells["wiki"] == wiki)]
        return None if rows.empty else rows.iloc[0].to_dict()

    def closed_in(self, goal: int, wiki: str) -> pd.DataFrame:
        frame = self.closed
        return frame[(frame["goal"] == goal) & (frame["wiki"] == wiki)]

    def opened_in(self, goal: int, wiki: str) -> pd.DataFrame:
        frame = self.opened
        return frame[(frame["goal"] == goal) & (frame["wiki"] == wiki)]

    @property
    def has_baseline(self) -> bool:
        return bool(self.cells["baseline"].notna().any()) if len(self.cells) else False

    def totals(self) -> dict:
        """Closed, opened and left gaps over every cell with a baseline."""
        return {
            "closed": int(len(self.closed)),
            "opened": int(len(self.opened)),
            "left": int(self.cells["left"].sum()) if len(self.cells) else 0,
            "cells": int(len(self.cells)),
            "cells_with_baseline": int(self.cells["baseline"].notna().sum())
            if len(self.cells) else 0,
        }


def compute_changes(
    coverage: pd.DataFrame,
    gaps: pd.DataFrame,
    members: pd.DataFrame | None,
    before_coverage: pd.DataFrame,
    before_gaps: pd.DataFrame,
    before_members: pd.DataFrame,
    *,
    articles: pd.DataFrame | None = None,
    baselines: dict[int, tuple[str, str]] | None = None,
) -> Changes:
    """Compare a run with its baseline, cell by cell. No I/O.

    *coverage* (goal, wiki, language, items, articles, missing, coverage_pct), *gaps* (goal,
    wiki, qid, label, rank: the listed gaps) and *members* (goal, qid; None when unknown)
    describe the new run. *before_coverage* (run, goal, wiki, items, articles, missing,
    coverage_pct) holds one row per cell of the new run that has a baseline, naming the baseline
    run; *before_gaps* (run, goal, wiki, qid) and *before_members* (run, goal, qid) are those
    runs' listed gaps and members. *articles* (qid, wiki, title) are the new run's articles of
    (at least) the items the baseline listed: a listed gap closed when its article exists now;
    without them, a baseline gap missing from the new list counts as closed only where the new
    run lists every gap of the cell. *baselines* maps a baseline's key to its (run id, finished).
    """
    baselines = baselines or {}
    cells = coverage[["goal", "wiki", "language", *_CELL_COLUMNS]].copy()
    before = before_coverage[["run", "goal", "wiki", *_CELL_COLUMNS]].rename(
        columns={"run": "baseline", **{c: f"{c}_before" for c in _CELL_COLUMNS}}
    )
    before = before.rename(columns={"coverage_pct_before": "coverage_before"})
    cells = cells.merge(before, on=["goal", "wiki"], how="left")
    cells["baseline"] = cells["baseline"].astype("Int64")
    cells["baseline_run_id"] = [
        baselines.get(int(b), ("", ""))[0] if pd.notna(b) else "" for b in cells["baseline"]
    ]
    cells["baseline_finished"] = [
        baselines.get(int(b), ("", ""))[1] if pd.notna(b) else "" for b in cells["baseline"]
    ]
    cells["delta_pct"] = (cells["coverage_pct"] - cells["coverage_before"]).round(2)

    keyed = cells.loc[cells["baseline"].notna(), ["goal", "wiki", "language", "baseline"]]
    keyed = keyed.astype({"baseline": "int64"})
    prev = before_gaps.rename(columns={"run": "baseline"})[["baseline", "goal", "wiki", "qid"]]
    prev = prev.astype({"baseline": "int64"}).merge(keyed, on=["baseline", "goal", "wiki"])
    now = gaps[["goal", "wiki", "qid", "label", "rank"]]
    # A list is whole when it holds every gap of its cell (the bound was not reached).
    listed_now = now.groupby(["goal", "wiki"]).size().rename("listed").reset_index()
    whole_now = cells[["goal", "wiki", "missing"]].merge(listed_now, on=["goal", "wiki"],
                                                         how="left")
    whole_now = whole_now[whole_now["listed"].fillna(0) >= whole_now["missing"]]
    listed_before = prev.groupby(["goal", "wiki"]).size().rename("listed").reset_index()
    whole_before = cells.loc[cells["missing_before"].notna(), ["goal", "wiki", "missing_before"]]
    whole_before = whole_before.merge(listed_before, on=["goal", "wiki"], how="left")
    whole_before = whole_before[whole_before["listed"].fillna(0).to_numpy()
                                >= whole_before["missing_before"].to_numpy()]

    # Gaps listed before that are not listed now: closed if the item is still counted and its
    # article exists now, left if it is no longer counted.
    gone = prev.merge(now[["goal", "wiki", "qid"]], on=["goal", "wiki", "qid"], how="left",
                      indicator=True)
    gone = gone[gone["_merge"] == "left_only"].drop(columns="_merge")
    if members is not None:
        current = members[["goal", "qid"]].drop_duplicates()
        gone = gone.merge(current, on=["goal", "qid"], how="left", indicator="found")
        gone["member"] = gone["found"] == "both"
        gone = gone.drop(columns="found")
    else:
        gone["member"] = True
    left = gone[~gone["member"]]
    closed = gone[gone["member"]].drop(columns=["member", "baseline"])
    if articles is not None:
        titles = articles[["qid", "wiki", "title"]].drop_duplicates(["qid", "wiki"])
        closed = closed.merge(titles, on=["qid", "wiki"], how="left", indicator="exists")
        whole = closed.merge(whole_now[["goal", "wiki"]], on=["goal", "wiki"], how="left",
                             indicator="whole")["whole"].to_numpy() == "both"
        closed = closed[(closed["exists"] == "both").to_numpy() | whole].drop(columns="exists")
    else:
        closed = closed.merge(whole_now[["goal", "wiki"]], on=["goal", "wiki"])
        closed = closed.assign(title=None)
    closed["title"] = closed["title"].astype(object).where(closed["title"].notna(), None)
    closed = _sort(closed[["goal", "wiki", "language", "qid", "title"]])

    # Gaps listed now that were not listed before, in cells that have a baseline: a new item,
    # or an article gone — which only a whole baseline list can tell.
    opened = now.merge(keyed, on=["goal", "wiki"])
    opened = opened.merge(prev[["baseline", "goal", "wiki", "qid"]],
                          on=["baseline", "goal", "wiki", "qid"], how="left", indicator="was")
    opened = opened[opened["was"] == "left_only"].drop(columns="was")
    if len(before_members):
        earlier = before_members.rename(columns={"run": "baseline"})[["baseline", "goal", "qid"]]
        earlier = earlier.astype({"baseline": "int64"}).drop_duplicates()
        opened = opened.merge(earlier, on=["baseline", "goal", "qid"], how="left",
                              indicator="found")
        opened = opened.merge(whole_before[["goal", "wiki"]].assign(whole=True),
                              on=["goal", "wiki"], how="left")
        member = (opened["found"] == "both").to_numpy()
        whole = opened["whole"].fillna(False).astype(bool).to_numpy()
        opened = opened[~member | whole]
        opened["reason"] = ["article gone" if f == "both" else "new item"
                            for f in opened["found"]]
        opened = opened.drop(columns=["found", "whole"])
    else:
        opened["reason"] = ""
    opened = opened.sort_values(["goal", "wiki", "rank"], kind="stable")
    opened = opened[["goal", "wiki", "language", "qid", "label", "rank", "reason"]]
    opened = opened.reset_index(drop=True)

    counts = {
        name: frame.groupby(["goal", "wiki"]).size().rename(name)
        for name, frame in (("closed", closed), ("opened", opened), ("left", left))
    }
    for name, series in counts.items():
        cells = cells.merge(series.reset_index(), on=["goal", "wiki"], how="left")
        cells[name] = cells[name].fillna(0).astype("int64")
    return Changes(cells=cells.reset_index(drop=True), closed=closed, opened=opened)


def _sort(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame.assign(_n=frame["qid"].map(_qid_int) if len(frame) else [])
    return order.sort_values(["goal", "wiki", "_n"]).drop(columns="_n").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# The store


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


class History:
    """The SQLite history file. Open it with :meth:`open`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path, timeout: float = 60.0):
        self._db = connection
        self.path = path
        self.timeout = timeout

    @classmethod
    def open(cls, path: Path | None = None, *, timeout: float = 60.0) -> History:
        path = Path(path) if path is not None else default_path()
        db = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
            db.execute("PRAGMA foreign_keys = OFF")
            db.execute("PRAGMA synchronous = FULL")
            version = _create(db)
            db.execute(_RESERVED)
            campaign_store.create(db)
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            raise _error(path, "cannot open", exc, timeout) from None
        except OSError as exc:
            raise HistoryError(f"history {path}: cannot open: {exc.strerror or exc}") from None
        if version != SCHEMA_VERSION:
            db.close()
            raise HistoryError(
                f"history {path}: schema version {version}, this sdg-gaps reads {SCHEMA_VERSION}"
            )
        return cls(db, path, timeout)

    def close(self) -> None:
        self._db.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection, for the tables kept beside the runs (campaigns)."""
        return self._db

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # reading

    def runs(self, series: str | None = None) -> list[RunRecord]:
        """Every recorded run (of *series*), oldest first."""
        where, params = ("WHERE r.series = ?", (series,)) if series else ("", ())
        rows = self._db.execute(
            f"""
            SELECT r.id, r.run_id, r.series, r.started, r.finished, r.recorded, r.endpoint,
                   r.provenance, r.complete, r.published, r.counts, r.outcomes, r.baseline,
                   (SELECT group_concat(DISTINCT goal) FROM coverage c WHERE c.run = r.id),
                   (SELECT count(DISTINCT wiki) FROM coverage c WHERE c.run = r.id),
                   (SELECT coalesce(sum(missing), 0) FROM coverage c WHERE c.run = r.id)
            FROM runs r {where} ORDER BY r.id
            """,
            params,
        ).fetchall()
        return [_record(row) for row in rows]

    def series(self) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT series FROM runs GROUP BY series ORDER BY min(id)")]

    def last_run(self, series: str, *, published_only: bool = True) -> RunRecord | None:
        """The latest run of *series* that counts as done (complete, not left unpublished)."""
        for record in reversed(self.runs(series)):
            if not published_only or record.eligible:
                return record
        return None

    def _taken(self, series: str, run_id: str) -> bool:
        return bool(
            self._db.execute(
                "SELECT 1 FROM runs WHERE series = ? AND run_id = ? UNION ALL "
                "SELECT 1 FROM reserved WHERE series = ? AND run_id = ?",
                (series, run_id, series, run_id),
            ).fetchone()
        )

    def reserve_run_id(self, series: str, run_id: str) -> str:
        """*run_id*, or *run_id* with a suffix if the series already has (or a run under way
        reserved) that id; reserved for this run until :meth:`record` writes it.

        Chosen under the write lock: two runs starting in the same second (a schedule and a
        hand run) get different ids, and each keeps its id from its report to its record.
        """
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            candidate, n = run_id, 1
            while self._taken(series, candidate):
                n += 1
                candidate = f"{run_id}-{n}"
            db.execute("INSERT INTO reserved VALUES (?, ?, ?)", (series, candidate, _now()))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise HistoryError(f"history {self.path}: cannot reserve a run id: {exc}") from None
        return candidate

    def baseline(self, series: str, cells: pd.DataFrame):
        """For each cell (goal, wiki) of *cells*: the latest eligible run of *series* with that
        cell. Returns (before_coverage, before_gaps, before_members, baselines)."""
        found = pd.read_sql_query(
            """
            SELECT c.goal, c.wiki, max(c.run) AS run FROM coverage c JOIN runs r ON r.id = c.run
            WHERE r.series = ? AND r.complete = 1 AND (r.published IS NULL OR r.published = 1)
            GROUP BY c.goal, c.wiki
            """,
            self._db,
            params=(series,),
        )
        found = found.merge(cells[["goal", "wiki"]].drop_duplicates(), on=["goal", "wiki"])
        runs = sorted(int(r) for r in found["run"].unique())
        cov, gaps, members = [], [], []
        for run in runs:
            cov.append(pd.read_sql_query(
                "SELECT run, goal, wiki, items, articles, missing, coverage_pct FROM coverage "
                "WHERE run = ?", self._db, params=(run,)))
            gaps.append(pd.read_sql_query(
                "SELECT run, goal, wiki, qid FROM gaps WHERE run = ?", self._db, params=(run,)))
            members.append(pd.read_sql_query(
                "SELECT run, goal, qid FROM members WHERE run = ?", self._db, params=(run,)))
        before_cov = _concat(cov, ["run", "goal", "wiki", *_CELL_COLUMNS])
        before_cov = before_cov.merge(found, on=["run", "goal", "wiki"])
        before_gaps = _concat(gaps, ["run", "goal", "wiki", "qid"])
        before_gaps["qid"] = "Q" + before_gaps["qid"].astype(str)
        before_members = _concat(members, ["run", "goal", "qid"])
        before_members["qid"] = "Q" + before_members["qid"].astype(str)
        baselines = {
            int(key): (run_id, finished)
            for key, run_id, finished in self._db.execute(
                f"SELECT id, run_id, finished FROM runs WHERE id IN ({','.join('?' * len(runs))})",
                runs,
            )
        } if runs else {}
        return before_cov, before_gaps, before_members, baselines

    def changes(self, analysis, series: str = DEFAULT_SERIES, articles_of=None) -> Changes:
        """What changed in *analysis* since the previous run of *series*.

        *articles_of* (QIDs, wikis → ``qid, wiki, title``: :attr:`bot.facts.Lookups.articles`)
        tells which of the gaps the baseline listed have an article now; without it, the
        analysis's own ``articles`` are used.
        """
        before_cov, before_gaps, before_members, baselines = self.baseline(
            series, analysis.coverage)
        articles = getattr(analysis, "articles", None)
        if articles_of is not None:
            pairs = before_gaps[["qid", "wiki"]].drop_duplicates()
            articles = articles_of(pairs["qid"].tolist(), pairs["wiki"].tolist())
        return compute_changes(
            analysis.coverage, analysis.gaps, getattr(analysis, "members", None),
            before_cov, before_gaps, before_members,
            articles=articles, baselines=baselines,
        )

    def trend(
        self, *, goal: int | None = None, language: str | None = None,
        series: str | None = None,
    ) -> pd.DataFrame:
        """Coverage over runs: key, run_id, series, finished, goal, wiki, language, items,
        articles, missing, coverage_pct — oldest first. *language* matches the language code
        or the wiki id."""
        clauses, params = [], []
        if goal is not None:
            clauses.append("c.goal = ?")
            params.append(goal)
        if language is not None:
            clauses.append("(c.language = ? OR c.wiki = ?)")
            params += [language, language]
        if series is not None:
            clauses.append("r.series = ?")
            params.append(series)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return pd.read_sql_query(
            f"""
            SELECT r.id AS key, r.run_id, r.series, r.finished, r.complete, r.published,
                   c.goal, c.wiki, c.language, c.items, c.articles, c.missing, c.coverage_pct
            FROM coverage c JOIN runs r ON r.id = c.run {where}
            ORDER BY r.id, c.goal, c.wiki
            """,
            self._db,
            params=params,
        )

    # writing

    def record(
        self,
        analysis,
        *,
        series: str = DEFAULT_SERIES,
        published: bool | None = None,
        outcomes: Iterable = (),
        baseline: Changes | None = None,
        attach=None,
    ) -> RunRecord:
        """Write the whole run in one transaction and return its record.

        *outcomes* are the pages' :class:`bot.wiki.PageOutcome` (or dicts with title, status,
        reason); *baseline* the :class:`Changes` computed for this run, whose baseline runs are
        noted; *attach* (``(connection, run key) → None``) writes rows of the tables kept
        beside the runs (a campaign's frozen start, its looks) in the same transaction.
        """
        outcome_list = [
            o if isinstance(o, dict) else {"title": o.title, "status": o.status,
                                          "reason": o.reason}
            for o in outcomes
        ]
        base = None
        if baseline is not None and baseline.has_baseline:
            base = int(baseline.cells["baseline"].dropna().max())
        cov = analysis.coverage
        cov_rows = [
            (int(r.goal), str(r.wiki), str(r.language), int(r.items), int(r.articles),
             int(r.missing), float(r.coverage_pct))
            for r in cov.itertuples(index=False)
        ]
        members = getattr(analysis, "members", None)
        member_rows = (
            sorted({(int(g), _qid_int(q)) for g, q in zip(members["goal"].tolist(),
                                                            members["qid"].tolist(),
                                                            strict=True)})
            if members is not None else []
        )
        gap_rows = [
            (int(g), str(w), _qid_int(q))
            for g, w, q in zip(analysis.gaps["goal"].tolist(), analysis.gaps["wiki"].tolist(),
                               analysis.gaps["qid"].tolist(), strict=True)
        ]
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            run_id = analysis.run_id  # chosen once, at the run's start (reserve_run_id)
            cursor = db.execute(
                """INSERT INTO runs (run_id, series, started, finished, recorded, endpoint,
                   provenance, complete, published, counts, outcomes, baseline)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    run_id, series, _iso(analysis.started), _iso(analysis.finished), _now(),
                    json.dumps(analysis.endpoint, default=str, sort_keys=True),
                    json.dumps(analysis.provenance, default=str, sort_keys=True),
                    int(bool(analysis.complete)),
                    None if published is None else int(bool(published)),
                    json.dumps(analysis.counts, default=str, sort_keys=True),
                    json.dumps(outcome_list, ensure_ascii=False),
                    base,
                ),
            )
            key = cursor.lastrowid
            db.executemany(
                "INSERT INTO coverage VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((key, *row) for row in cov_rows),
            )
            db.executemany("INSERT INTO members VALUES (?, ?, ?)",
                           ((key, *row) for row in member_rows))
            db.executemany("INSERT INTO gaps VALUES (?, ?, ?, ?)",
                           ((key, *row) for row in gap_rows))
            if attach is not None:
                attach(db, key)
            db.execute("DELETE FROM reserved WHERE series = ? AND run_id = ?", (series, run_id))
            db.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise HistoryError(
                f"history {self.path}: run {run_id} of {series} is recorded already ({exc})"
            ) from None
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _error(self.path, "cannot record the run", exc, self.timeout) from None
            raise
        return next(r for r in self.runs(series) if r.key == key)

    def prune(self, keep: int, series: str | None = None) -> int:
        """Keep the newest *keep* runs of each series (of *series* only, if given); return how
        many runs were removed. The file is compacted afterwards."""
        if keep < 1:
            raise HistoryError("--prune needs to keep at least 1 run per series")
        doomed = []
        for name in ([series] if series else self.series()):
            keys = [r.key for r in self.runs(name)]
            doomed += keys[:-keep]
        if not doomed:
            return 0
        db = self._db
        marks = ",".join("?" * len(doomed))
        try:
            db.execute("BEGIN IMMEDIATE")
            for table in ("gaps", "members", "coverage", *campaign_store.RUN_TABLES):
                db.execute(f"DELETE FROM {table} WHERE run IN ({marks})", doomed)
            db.execute(f"UPDATE runs SET baseline = NULL WHERE baseline IN ({marks})", doomed)
            db.execute(f"DELETE FROM runs WHERE id IN ({marks})", doomed)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("VACUUM")
        return len(doomed)

    def check(self) -> list[str]:
        """Problems with the file: SQLite's integrity check, then the runs' own consistency
        (every run has its coverage, its gap rows are the listed ones: per goal × wiki the
        missing count, or the run's bound ``gaps_per_wiki`` when lower — in a run whose gaps
        were bounded per kind, the ``listed_gaps`` of its counts, and never more rows in a
        goal × wiki than it has gaps; no orphan rows)."""
        problems = [row[0] for row in self._db.execute("PRAGMA integrity_check")]
        problems = [p for p in problems if p != "ok"]
        for record in self.runs():
            if record.wikis == 0:
                problems.append(f"run {record.run_id} ({record.series}): no coverage rows")
            counted = self._db.execute(
                "SELECT count(*) FROM gaps WHERE run = ?", (record.key,)).fetchone()[0]
            bound = record.counts.get("gaps_per_wiki")
            if "gap_kinds" in record.counts:  # bounded per kind: the listed ones are counted
                listed = int(record.counts.get("listed_gaps", 0))
                over = self._db.execute(
                    "SELECT count(*) FROM coverage c WHERE c.run = ? AND c.missing < "
                    "(SELECT count(*) FROM gaps g WHERE g.run = c.run AND g.goal = c.goal AND "
                    "g.wiki = c.wiki)", (record.key,)).fetchone()[0]
                if over:
                    problems.append(f"run {record.run_id} ({record.series}): {over} goal × "
                                    "wiki cell(s) with more gap rows than gaps")
            else:
                listed = self._db.execute(
                    "SELECT coalesce(sum(CASE WHEN ? IS NULL OR missing < ? THEN missing "
                    "ELSE ? END), 0) FROM coverage WHERE run = ?",
                    (bound, bound, bound, record.key)).fetchone()[0]
            if counted != listed:
                problems.append(
                    f"run {record.run_id} ({record.series}): {counted} gap rows, "
                    f"coverage says {listed} listed ({record.gaps} missing)")
        for table in ("coverage", "members", "gaps", *campaign_store.RUN_TABLES):
            orphans = self._db.execute(
                f"SELECT count(*) FROM {table} WHERE run NOT IN (SELECT id FROM runs)"
            ).fetchone()[0]
            if orphans:
                problems.append(f"{orphans} {table} rows of no run")
        return problems


def _create(db: sqlite3.Connection) -> int:
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


def _error(path: Path, doing: str, exc: sqlite3.Error, timeout: float) -> HistoryError:
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


def _record(row: Sequence) -> RunRecord:
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


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("run", "goal") else object)
                             for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def _iso(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
