"""Analyses of the bundled snapshot made the way ``sdg-gaps run`` makes them.

:func:`snapshot_analysis` calls :func:`bot.runs.run` with ``write=False`` (no report directory,
no post, no history), so that tests which render, record or post an analysis exercise the path
users run. Keyword arguments are :class:`bot.runs.RunRequest` fields.
"""

from __future__ import annotations


def snapshot_analysis(**fields):
    from bot.runs import RunRequest, run

    return run(RunRequest(write=False, **fields)).analysis
