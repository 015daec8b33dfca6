"""Engines that compute coverage and ranked gaps at scale.

:mod:`bot.coverage` states the rules and is the front door; the engines compute the same tables
without ever materialising every (item × wiki) cell:

* :mod:`bot.engines.cells` — a compact index of the known cells in numpy (integer codes,
  ``bincount``, one sort): the default behind :func:`bot.coverage.index_cells`.
* :mod:`bot.engines.spark` — the same computation on Apache Spark (PySpark), local or on a
  cluster (``sdg-gaps run --engine spark [--master URL]``; see ``docs/spark.md``).
"""

ENGINES = ("pandas", "spark")
