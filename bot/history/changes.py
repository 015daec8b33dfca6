"""What changed since the last run, cell by cell: pure pandas, no I/O.

:func:`compute_changes` compares each goal × wiki of a new run with the same cell of its
baseline run: the gaps closed, the new gaps, the items that left the set, the coverage delta.
The result is a :class:`Changes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bot.history.schema import qid_int

CELL_COLUMNS = ["items", "articles", "missing", "coverage_pct"]


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
    cells = coverage[["goal", "wiki", "language", *CELL_COLUMNS]].copy()
    before = before_coverage[["run", "goal", "wiki", *CELL_COLUMNS]].rename(
        columns={"run": "baseline", **{c: f"{c}_before" for c in CELL_COLUMNS}}
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
    order = frame.assign(_n=frame["qid"].map(qid_int) if len(frame) else [])
    return order.sort_values(["goal", "wiki", "_n"]).drop(columns="_n").reset_index(drop=True)

