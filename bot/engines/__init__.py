"""Engines: every table of a run from its facts, never listing the (item × wiki) cells.

:mod:`bot.engines.base` states the interface and the rules (:class:`Plan`, :class:`Tables`,
:class:`Engine`); two engines follow them value for value:

* :mod:`bot.engines.compact` — compact cell indexes in numpy (:mod:`bot.engines.cells`, built
  on a run's :mod:`bot.engines.universe`; the order of the gaps and the first *k* of each kind
  in :mod:`bot.engines.ranking`), in this process: the default (``--engine compact``);
* :mod:`bot.engines.spark` — Apache Spark, local mode or a cluster (``--engine spark
  [--master URL]``), reading dumps and Parquet itself (:mod:`bot.engines.spark_io`; see
  ``docs/spark.md``).

The engines do no I/O of their own beyond what Spark reads; they know nothing of wikis,
endpoints or reports.
"""

from bot.engines.base import (
    SOURCE_PREFERENCE,
    Engine,
    Plan,
    QualityScale,
    Tables,
)

ENGINES = ("compact", "spark")


def make_engine(name: str = "compact", master: str | None = None) -> Engine:
    """The engine called *name* (``compact`` or ``spark``; *master* for Spark)."""
    if name == "spark":
        from bot.engines.spark import SparkEngine

        return SparkEngine(master)
    if name != "compact":
        raise ValueError(f"unknown engine {name!r}: compact or spark")
    from bot.engines.compact import CompactEngine

    return CompactEngine()


__all__ = ["ENGINES", "SOURCE_PREFERENCE", "Engine", "Plan", "QualityScale", "Tables",
           "make_engine"]
