"""What the Spark engine reads itself: a run's articles from pandas, a Wikidata dump or Parquet.

A dump (``.json.bz2`` is split across executors, ``.gz`` is one task) is read as text, one
entity per line, and only ``id``, ``type`` and ``sitelinks`` are parsed; Parquet sitelinks have
the columns ``qid, wiki, title, badges`` (badges: space-separated QIDs, empty when none). Either
way the articles are the Wikipedia sitelinks (the rule of :func:`bot.sources.dump.is_wikipedia`)
that carry no redirect badge (:data:`bot.ids.REDIRECT_BADGES`), as the compact path reads them.
Paths are any the cluster can read (local files, ``hdfs://…``).
"""

from __future__ import annotations

import pandas as pd

from bot.facts import Facts
from bot.ids import REDIRECT_BADGES
from bot.sources.dump import NOT_WIKIPEDIAS, known_wikipedias

DUMP_SCHEMA = (
    "id STRING, type STRING, "
    "sitelinks MAP<STRING, STRUCT<site: STRING, title: STRING, badges: ARRAY<STRING>>>"
)


def wikipedia_condition(column: str = "wiki") -> str:
    """SQL for :func:`bot.sources.dump.is_wikipedia`: the bundled table, else its shape."""
    known = ", ".join(f"'{w}'" for w in sorted(known_wikipedias()))
    special = ", ".join(f"'{w}'" for w in sorted(NOT_WIKIPEDIAS))
    return (
        f"({column} IN ({known}) OR ({column} RLIKE '^[a-z][a-z0-9_]{{1,14}}wiki$' "
        f"AND {column} NOT IN ({special})))"
    )


def sitelinks_from_dump(spark, path):
    """Wikipedia sitelinks (``qid, wiki, title, badges, redirect``) of every item in a dump."""
    from pyspark.sql import functions as F

    lines = spark.read.text(path)
    body = F.regexp_replace(F.trim(F.col("value")), ",$", "")
    entities = (
        lines.select(body.alias("line"))
        .where(F.col("line").startswith("{"))
        .select(F.from_json("line", DUMP_SCHEMA).alias("e"))
        .where(F.col("e.type") == "item")
    )
    links = entities.select(F.col("e.id").alias("qid"), F.explode("e.sitelinks").alias("wiki", "s"))
    redirects = F.array(*[F.lit(b) for b in sorted(REDIRECT_BADGES)])
    badges = F.sort_array(F.array_distinct(F.coalesce(F.col("s.badges"), F.array())))
    return links.where(F.expr(wikipedia_condition())).select(
        "qid",
        "wiki",
        F.col("s.title").alias("title"),
        F.concat_ws(" ", badges).alias("badges"),
        F.arrays_overlap(badges, redirects).alias("redirect"),
    )


def sitelinks_from_parquet(spark, path):
    """Sitelinks (``qid, wiki, title, badges, redirect``) from Parquet ``qid, wiki, title,
    badges``."""
    from pyspark.sql import functions as F

    frame = spark.read.parquet(path)
    badges = F.split(F.coalesce(F.col("badges"), F.lit("")), " ")
    redirects = F.array(*[F.lit(b) for b in sorted(REDIRECT_BADGES)])
    return frame.where(F.expr(wikipedia_condition())).select(
        "qid", "wiki", "title", "badges", F.arrays_overlap(badges, redirects).alias("redirect")
    )


def articles_of(sitelinks):
    """Articles (``qnum, wiki``): the sitelinks that are not redirects, items by number."""
    from pyspark.sql import functions as F

    kept = sitelinks.where(~F.col("redirect") & F.col("qid").rlike("^Q[1-9][0-9]*$"))
    return kept.select(F.substring("qid", 2, 20).cast("bigint").alias("qnum"), "wiki")


def articles(spark, facts: Facts):
    """The run's articles as a Spark DataFrame ``qnum, wiki``: from the files when the facts
    name them, else from the facts' own frame."""
    if facts.files is not None:
        kind, path = facts.files
        reader = sitelinks_from_dump if kind == "dump" else sitelinks_from_parquet
        return articles_of(reader(spark, path))
    frame = pd.DataFrame({"qnum": facts.article_numbers(),
                          "wiki": facts.articles["wiki"].astype(str).to_numpy()})
    return spark_frame(spark, frame, {"qnum": "bigint", "wiki": "string"})


def spark_frame(spark, frame: pd.DataFrame, columns: dict[str, str]):
    """A pandas frame as a Spark DataFrame with typed *columns* (``string`` or ``bigint``)."""
    data = pd.DataFrame(
        {c: frame[c].astype(object if t == "string" else "int64") for c, t in columns.items()}
    )
    schema = ", ".join(f"{c} {t}" for c, t in columns.items())
    rows = data.astype(object).where(data.notna(), None).itertuples(index=False, name=None)
    return spark.createDataFrame(list(rows), schema=schema)
