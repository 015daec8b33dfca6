"""The history store: :class:`History`, one SQLite file opened, read and written.

It opens (and creates) the file, lists its runs and series, finds a new run's baseline and
the changes since it, and gives the coverage over runs; the writing methods come from
:class:`bot.history.record.Recording`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

from bot.campaign import store as campaign_store
from bot.errors import HistoryError
from bot.history.changes import CELL_COLUMNS, Changes, compute_changes
from bot.history.record import Recording
from bot.history.schema import (
    DEFAULT_SERIES,
    RESERVED,
    SCHEMA_VERSION,
    RunRecord,
    create_tables,
    default_path,
    run_record,
    sqlite_error,
)


class History(Recording):
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
            version = create_tables(db)
            db.execute(RESERVED)
            campaign_store.create(db)
        except sqlite3.Error as exc:
            if db is not None:
                db.close()
            raise sqlite_error(path, "cannot open", exc, timeout) from None
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
        return [run_record(row) for row in rows]

    def series(self) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT series FROM runs GROUP BY series ORDER BY min(id)")]

    def last_run(self, series: str, *, published_only: bool = True) -> RunRecord | None:
        """The latest run of *series* that counts as done (complete, not left unpublished)."""
        for record in reversed(self.runs(series)):
            if not published_only or record.eligible:
                return record
        return None


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
        before_cov = _concat(cov, ["run", "goal", "wiki", *CELL_COLUMNS])
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

def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("run", "goal") else object)
                             for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


