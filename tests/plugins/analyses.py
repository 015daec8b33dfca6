"""Analyses of the bundled snapshot made the way ``sdg-gaps run`` makes them.

:func:`snapshot_analysis` calls :func:`bot.runs.run` with ``write=False`` (no report directory,
no post, no history), so that tests which render, record or post an analysis exercise the path
users run. Keyword arguments are :class:`bot.runs.RunRequest` fields.

:func:`small_analysis` is a hand-made analysis of one goal in one wiki, shaped like a run's,
for the history's tests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pandas as pd


def snapshot_analysis(**fields):
    from bot.runs import RunRequest, run

    return run(RunRequest(write=False, **fields)).analysis


def small_analysis(missing, *, members=("Q1", "Q2", "Q3", "Q4"), run_id="20261130T000000Z",
                   wiki="frwiki", goal=15, complete=True, articles=None):
    """An analysis of one goal in one wiki: *members* are the items, *missing* the gaps."""
    members = list(members)
    missing = [q for q in members if q in set(missing)]
    items = len(members)
    have = items - len(missing)
    when = datetime.strptime(run_id[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    coverage = pd.DataFrame({
        "goal": [goal], "wiki": [wiki], "language": [wiki.removesuffix("wiki")],
        "language_name": ["French"], "items": [items], "articles": [have],
        "missing": [len(missing)], "coverage_pct": [round(100 * have / items, 2)],
    })
    gaps = pd.DataFrame({
        "goal": goal, "wiki": wiki, "language": wiki.removesuffix("wiki"),
        "rank": range(1, len(missing) + 1), "qid": missing,
        "label": [f"label {q}" for q in missing], "sitelinks": 1,
    })
    return SimpleNamespace(
        run_id=run_id, started=when, finished=when, endpoint={"name": "embedded", "url": None},
        provenance={"test": True}, coverage=coverage, gaps=gaps,
        members=pd.DataFrame({"itemset": "s", "goal": goal, "qid": members}),
        articles=articles, counts={"queries": 1}, complete=complete,
    )
