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

The rooms of the package:

* :mod:`bot.history.schema` — the tables, creating them, SQLite's errors, :class:`RunRecord`;
* :mod:`bot.history.changes` — :func:`compute_changes` and :class:`Changes` (pure pandas);
* :mod:`bot.history.store` — :class:`History`: opening the file, reading runs, baselines,
  changes and the trend;
* :mod:`bot.history.record` — reserving run ids, recording a run in one transaction, pruning,
  checking the file.
"""

from bot.errors import HistoryError
from bot.history.changes import Changes, compute_changes
from bot.history.record import FAILED_STATUSES, published
from bot.history.schema import DEFAULT_SERIES, SCHEMA_VERSION, RunRecord, default_path
from bot.history.store import History

__all__ = [
    "DEFAULT_SERIES", "FAILED_STATUSES", "SCHEMA_VERSION", "Changes", "History",
    "HistoryError", "RunRecord", "compute_changes", "default_path", "published",
]
