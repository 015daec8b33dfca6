"""What the Spark engine reads itself: a run's articles from pandas, a Wikidata dump or Parquet.

A dump (``.json.bz2`` is split across executors, ``.gz`` is one task) is read as text, one
entity per line, and only ``id``, ``type``, ``sitelinks`` and the P31 statements of ``claims``
are parsed (:func:`dump_items`: the members' truthy P31 classes, as
:func:`bot.sources.dump.p31_classes` reads them, and their sitelinks in every project); Parquet
sitelinks have the columns ``qid, wiki, title, badges`` (badges: space-separated QIDs, empty
when none). Either way the articles are the Wikipedia sitelinks (the rule of
:func:`bot.sources.dump.is_wikipedia`) that carry no redirect badge
(:data:`bot.ids.REDIRECT_BADGES`), as the compact path reads them. Paths are any the cluster can
read (local files, ``hdfs://…``).
"""

from __future__ import annotations

import pandas as pd

from bot.facts import Facts
from bot.ids import REDIRECT_BADGES
from bot.sources.dump import NOT_WIKIPEDIAS, known_wikipedias

DUMP_SCHEMA = (
    "id STRING, type STRING, "
    "sitelinks MAP<STRING, STRUCT<site: STRING, title: STRING, badges: ARRAY<STRING>>>, "
    "claims STRUCT<P31: ARRAY<STRUCT<rank: STRING, mainsnak: STRUCT<snaktype: STRING, "
    "datavalue: STRUCT<value: STRUCT<id: STRING, `numeric-id`: BIGINT, "
    "`entity-type`: STRING>>>>>>"
)


def wikipedia_condition(column: str = "wiki") -> str:
    """SQL for :func:`bot.sources.dump.is_wikipedia`: the bundled table, else its shape."""
    known = ", ".join(f"'{w}'" for w in sorted(known_wikipedias()))
    special = ", ".join(f"'{w}'" for w in sorted(NOT_WIKIPEDIAS))
    return (
        f"({column} IN ({known}) OR ({column} RLIKE '^[a-z][a-z0-9_]{{1,14}}wiki$' "
        f"AND {column} NOT IN ({special})))"
    )


def _entities(spark, path):
    from pyspark.sql import functions as F

    lines = spark.read.text(path)
    body = F.regexp_replace(F.trim(F.col("value")), ",$", "")
    return (
        lines.select(body.alias("line"))
        .where(F.col("line").startswith("{"))
        .select(F.from_json("line", DUMP_SCHEMA).alias("e"))
        .where(F.col("e.type") == "item")
    )


def dump_items(spark, path, members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The members' P31 classes (``qid, class``: the truthy values — the preferred statements
    if an item has any, else the normal ones — that are items) and their sitelinks in every
    project (``qnum, sitelinks``), read from the dump in one pass."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    wanted = spark_frame(spark, pd.DataFrame({"qid": pd.unique(members["qid"])}),
                         {"qid": "string"})
    items = _entities(spark, path).join(F.broadcast(wanted), F.col("e.id") == F.col("qid"))
    items = items.select("qid", F.size(F.coalesce("e.sitelinks", F.create_map()))
                         .alias("sitelinks"), F.col("e.claims.P31").alias("p31")).cache()
    counts = items.select("qid", "sitelinks").toPandas()
    value = F.col("s.mainsnak.datavalue.value")
    cls = F.coalesce(value["id"], F.when(value["entity-type"] == "item", F.concat(
        F.lit("Q"), value["numeric-id"].cast("string"))))
    statements = (
        items.select("qid", F.explode_outer("p31").alias("s"))
        .where((F.col("s.mainsnak.snaktype") == "value")
               & F.col("s.rank").isin("preferred", "normal"))
        .select("qid", F.col("s.rank").alias("rank"), cls.alias("class"))
        .where(F.col("class").rlike("^Q[1-9][0-9]*$"))
    )
    best = F.max(F.when(F.col("rank") == "preferred", 1).otherwise(0)).over(
        Window.partitionBy("qid"))
    truthy = statements.withColumn("best", best).where(
        (F.col("best") == 0) | (F.col("rank") == "preferred"))
    types = truthy.select("qid", "class").distinct().toPandas()
    items.unpersist()
    types = types.astype(object) if len(types) else pd.DataFrame(
        {"qid": pd.Series(dtype=object), "class": pd.Series(dtype=object)})
    numbers = pd.Series(counts["qid"].astype(str).str[1:].astype("int64"), name="qnum")
    return types, pd.DataFrame({"qnum": numbers.to_numpy("int64"),
                                "sitelinks": counts["sitelinks"].to_numpy("int64")})


def sitelinks_from_dump(spark, path):
    """Wikipedia sitelinks (``qid, wiki, title, badges, redirect``) of every item in a dump."""
    from pyspark.sql import functions as F

    entities = _entities(spark, path)
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
