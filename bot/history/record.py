"""Writing the history: reserving run ids, recording a run, pruning, checking the file.

A run is written in one transaction at its very end (:meth:`Recording.record`): a process
killed at any point leaves either the whole run or nothing. These are the writing methods of
:class:`bot.history.History`, kept in :class:`Recording`, which it inherits; they use its
connection (``_db``), ``path`` and ``timeout``, and its reading methods ``runs`` and
``series``. :func:`published` says what a run's page outcomes mean for its record.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from bot.campaign import store as campaign_store
from bot.errors import HistoryError
from bot.history.changes import Changes
from bot.history.schema import DEFAULT_SERIES, RunRecord, iso_text, now_iso, qid_int, sqlite_error

# Page outcomes (bot.wiki.STATUSES) that leave a page not up to date.
FAILED_STATUSES = ("failed", "refused")


def published(outcomes) -> bool | None:
    """What a run's page outcomes mean for the record: ``None`` when nothing was posted, else
    whether every page is now up to date."""
    outcomes = list(outcomes or [])
    if not outcomes:
        return None
    return not any(o.status in FAILED_STATUSES for o in outcomes)


class Recording:
    """The writing side of :class:`bot.history.History` (and its check of the file)."""

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
            db.execute("INSERT INTO reserved VALUES (?, ?, ?)", (series, candidate, now_iso()))
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise HistoryError(f"history {self.path}: cannot reserve a run id: {exc}") from None
        return candidate

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
            sorted({(int(g), qid_int(q)) for g, q in zip(members["goal"].tolist(),
                                                            members["qid"].tolist(),
                                                            strict=True)})
            if members is not None else []
        )
        gap_rows = [
            (int(g), str(w), qid_int(q))
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
                    run_id, series, iso_text(analysis.started), iso_text(analysis.finished),
                    now_iso(),
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
                raise sqlite_error(self.path, "cannot record the run", exc, self.timeout) from None
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
