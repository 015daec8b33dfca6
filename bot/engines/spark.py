"""Coverage and ranked gaps on Apache Spark (PySpark): the rules of :mod:`bot.coverage`, at scale.

The tables are the pandas engine's, value for value (tests/test_spark.py checks it on the real
entity files). The plan never lists the (item × wiki) cells, so it scales to all of Wikidata:

1. ``gq`` — each (group, item) once, with its *profile*: the sorted item sets it belongs to
   within the group; ``profiles`` counts the items per (group, profile), ``profile_wikis`` lists
   the wikis each profile observed (a few thousand rows);
2. ``known`` — the articles that fall in a known cell (a join of the sitelinks with ``gq`` and
   ``profile_wikis``); coverage = Σ profile sizes per (group, wiki) and ``count(known)``;
3. ``ranked`` — the group's items by sitelinks (descending) then numeric QID, numbered;
4. the first *top* gaps of a (group, wiki) lie among its first top + articles + unknown positions:
   those positions are generated per (group, wiki), joined to ``ranked`` on (group, position),
   kept where the cell is known and has no article (an anti join), and numbered.

Inputs are the pipeline's frames (pandas or Spark): ``members`` (itemset, goal, qid),
``observed`` (itemset, wiki), ``articles`` (qid, wiki). :func:`sitelinks_from_dump` and
:func:`sitelinks_from_parquet` read the articles straight from a Wikidata JSON dump (gzip or
bzip2, split across the cluster) or from Parquet. ``python -m bot.engines.spark`` runs the whole
job (see docs/spark.md for YARN).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import pandas as pd

from bot.errors import EngineError
from bot.ids import REDIRECT_BADGES
from bot.sources.dump import NOT_WIKIPEDIAS, known_wikipedias

COVERAGE_COLUMNS = ["items", "articles", "missing", "coverage_pct"]


def session(master: str | None = None, app: str = "sdg-gaps", conf: dict | None = None):
    """A SparkSession: local mode on this machine's cores unless *master* names a cluster."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(
            "--engine spark needs PySpark: pip install -c constraints.txt -e '.[spark]'"
        ) from exc
    import shutil

    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise EngineError("--engine spark needs a Java runtime (e.g. openjdk-17-jre-headless)")

    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    elif not _has_master():
        builder = builder.master("local[*]")
    defaults = {
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "8" if not master else "400",
        "spark.sql.session.timeZone": "UTC",
    }
    for key, value in {**defaults, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # a JVM that does not start, a master that does not answer
        message = " ".join(str(exc).split())[:200]
        raise EngineError(f"cannot start Spark ({master or 'local'}): {message}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _has_master() -> bool:
    """True under spark-submit (which sets the master itself)."""
    return "spark.master" in os.environ.get("PYSPARK_SUBMIT_ARGS", "") or bool(
        os.environ.get("SPARK_MASTER")
    )


def _spark_frame(spark, frame, columns: dict[str, str]):
    """A pandas frame (or a Spark one) as a Spark DataFrame with typed *columns*."""
    from pyspark.sql import DataFrame

    if isinstance(frame, DataFrame):
        return frame.select(*[frame[c].cast(t).alias(c) for c, t in columns.items()])
    data = pd.DataFrame(
        {c: frame[c].astype(object if t == "string" else "int64") for c, t in columns.items()}
    )
    schema = ", ".join(f"{c} {t}" for c, t in columns.items())
    rows = data.astype(object).where(data.notna(), None).itertuples(index=False, name=None)
    return spark.createDataFrame(list(rows), schema=schema)


def _register(spark, members, observed, articles, by: str) -> None:
    group_type = "bigint" if by == "goal" else "string"
    m = _spark_frame(spark, members, {"itemset": "string", by: group_type, "qid": "string"})
    m = m.select(m[by].alias("grp"), "itemset", "qid").dropna().distinct()
    m.createOrReplaceTempView("sg_members")
    _spark_frame(
        spark, observed, {"itemset": "string", "wiki": "string"}
    ).dropna().distinct().createOrReplaceTempView("sg_observed")
    _spark_frame(
        spark, articles, {"qid": "string", "wiki": "string"}
    ).dropna().distinct().createOrReplaceTempView("sg_articles")


STEPS = [
    (
        "sg_gq",
        """SELECT grp, qid, concat_ws('\\u0001', sort_array(collect_set(itemset))) AS profile,
                  sort_array(collect_set(itemset)) AS sets
           FROM sg_members GROUP BY grp, qid""",
    ),
    (
        "sg_profiles",
        """SELECT grp, profile, first(sets) AS sets, count(*) AS n
           FROM sg_gq GROUP BY grp, profile""",
    ),
    (
        "sg_profile_wikis",
        """SELECT DISTINCT p.grp, p.profile, o.wiki
           FROM (SELECT grp, profile, explode(sets) AS itemset FROM sg_profiles) p
           JOIN sg_observed o ON o.itemset = p.itemset""",
    ),
    (
        "sg_known",
        """SELECT DISTINCT g.grp, g.qid, a.wiki
           FROM sg_articles a
           JOIN sg_gq g ON g.qid = a.qid
           JOIN sg_profile_wikis pw
             ON pw.grp = g.grp AND pw.profile = g.profile AND pw.wiki = a.wiki""",
    ),
    (
        "sg_cov",
        """SELECT i.grp, i.wiki, i.items, coalesce(k.articles, 0) AS articles
           FROM (SELECT pw.grp, pw.wiki, sum(p.n) AS items
                 FROM sg_profile_wikis pw
                 JOIN sg_profiles p ON p.grp = pw.grp AND p.profile = pw.profile
                 GROUP BY pw.grp, pw.wiki) i
           LEFT JOIN (SELECT grp, wiki, count(*) AS articles FROM sg_known GROUP BY grp, wiki) k
             ON k.grp = i.grp AND k.wiki = i.wiki""",
    ),
    (
        "sg_ranked",
        """SELECT g.grp, g.qid, g.profile, coalesce(s.sitelinks, 0) AS sitelinks,
                  row_number() OVER (
                    PARTITION BY g.grp
                    ORDER BY coalesce(s.sitelinks, 0) DESC, CAST(substr(g.qid, 2) AS BIGINT)
                  ) AS pos
           FROM sg_gq g
           LEFT JOIN (SELECT grp, qid, count(*) AS sitelinks FROM sg_known GROUP BY grp, qid) s
             ON s.grp = g.grp AND s.qid = g.qid""",
    ),
]


def _gaps_sql(top: int | None) -> str:
    limit = "t.total" if top is None else f"least(t.total, {top} + c.articles + t.total - c.items)"
    keep = "" if top is None else f"WHERE rank <= {top}"
    return f"""
    SELECT grp, wiki, rank, qid, sitelinks FROM (
      SELECT r.grp, c.wiki, r.qid, r.sitelinks,
             row_number() OVER (PARTITION BY r.grp, c.wiki ORDER BY r.pos) AS rank
      FROM (SELECT c.grp, c.wiki, explode(sequence(1, CAST({limit} AS INT))) AS pos
            FROM sg_cov c JOIN (SELECT grp, count(*) AS total FROM sg_gq GROUP BY grp) t
              ON t.grp = c.grp) c
      JOIN sg_ranked r ON r.grp = c.grp AND r.pos = c.pos
      JOIN sg_profile_wikis pw ON pw.grp = r.grp AND pw.profile = r.profile AND pw.wiki = c.wiki
      LEFT ANTI JOIN sg_known k ON k.grp = r.grp AND k.qid = r.qid AND k.wiki = c.wiki
    ) {keep}"""


class SparkCoverage:
    """Coverage and ranked gaps of one grouping on a Spark session."""

    def __init__(self, spark, members, observed, articles, by: str = "goal"):
        self.spark, self.by = spark, by
        _register(spark, members, observed, articles, by)
        for name, sql in STEPS:
            frame = spark.sql(sql)
            if name in ("sg_gq", "sg_known", "sg_cov", "sg_ranked"):
                frame = frame.cache()
            frame.createOrReplaceTempView(name)

    def coverage_frame(self):
        """The coverage counts as a Spark DataFrame (``grp, wiki, items, articles``)."""
        return self.spark.sql("SELECT * FROM sg_cov")

    def gaps_frame(self, top: int | None = None):
        return self.spark.sql(_gaps_sql(top))

    def coverage(self) -> pd.DataFrame:
        """The table of :func:`bot.coverage.coverage`, collected."""
        table = self.coverage_frame().toPandas()
        table = table.rename(columns={"grp": self.by})
        table = table.sort_values([self.by, "wiki"], ignore_index=True)
        table["items"] = table["items"].astype("int64")
        table["articles"] = table["articles"].astype("int64")
        table["missing"] = table["items"] - table["articles"]
        table["coverage_pct"] = [
            round(100.0 * a / i, 2) if i else 0.0
            for a, i in zip(table["articles"], table["items"], strict=True)
        ]
        return table[[self.by, "wiki", *COVERAGE_COLUMNS]]

    def ranked_gaps(self, top: int | None = None) -> pd.DataFrame:
        """The table of :func:`bot.coverage.ranked_gaps`, collected."""
        gaps = self.gaps_frame(top).toPandas().rename(columns={"grp": self.by})
        gaps = gaps.sort_values([self.by, "wiki", "rank"], ignore_index=True)
        for column in ("rank", "sitelinks"):
            gaps[column] = gaps[column].astype("int64")
        return gaps[[self.by, "wiki", "rank", "qid", "sitelinks"]]


def _like(table: pd.DataFrame, members: pd.DataFrame, by: str) -> pd.DataFrame:
    """The pandas engine's dtypes: the group as the members have it, text as ``str``."""
    if by in members and len(table):
        table[by] = table[by].astype(members[by].dtype)
    for column in ("wiki", "qid"):
        if column in table:
            table[column] = table[column].astype(str)
    return table


def tables(members, observed, articles, *, by="goal", top=None, spark=None, master=None):
    """``(coverage, ranked_gaps)`` for pandas inputs, computed by Spark, as pandas tables."""
    own = spark is None
    spark = spark or session(master)
    try:
        engine = SparkCoverage(spark, members, observed, articles, by)
        cov = _like(engine.coverage(), members, by)
        gaps = _like(engine.ranked_gaps(top), members, by)
        return cov, gaps
    finally:
        if own:
            spark.stop()


def pipeline_tables(members, observed, rank_observed, articles, *, master=None, spark=None):
    """The pipeline's tables by Spark: coverage by goal, its ranked gaps, coverage by item set.

    *rank_observed* are the wikis the gaps are ranked over (every observed wiki, even when the
    run reports on fewer languages).
    """
    own = spark is None
    spark = spark or session(master)
    try:
        cov = _like(SparkCoverage(spark, members, observed, articles).coverage(), members, "goal")
        ranking = SparkCoverage(spark, members, rank_observed, articles)
        gaps = _like(ranking.ranked_gaps(), members, "goal")
        by_set = SparkCoverage(spark, members, observed, articles, by="itemset").coverage()
        return cov, gaps, _like(by_set, members, "itemset")
    finally:
        if own:
            spark.stop()


# ---- reading sitelinks at scale ---------------------------------------------------------------

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


def sitelinks_from_dump(spark, path: str):
    """Wikipedia sitelinks (``qid, wiki, title, badges, redirect``) of every item in a dump.

    Spark reads the text (``.bz2`` is split across executors, ``.gz`` is one task), one entity
    per line; only ``id``, ``type`` and ``sitelinks`` are parsed.
    """
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


def sitelinks_from_parquet(spark, path: str):
    """Sitelinks from Parquet with at least ``qid, wiki`` (and ``redirect`` if known)."""
    frame = spark.read.parquet(path)
    if "redirect" not in frame.columns:
        from pyspark.sql import functions as F

        frame = frame.withColumn("redirect", F.lit(False))
    return frame


def articles_of(sitelinks):
    """Articles: sitelinks that are not redirects (``qid, wiki``)."""
    return sitelinks.where(~sitelinks["redirect"]).select("qid", "wiki")


# ---- the whole job: python -m bot.engines.spark (or spark-submit) ----------------------------


def main(argv: list[str] | None = None, spark=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.engines.spark",
        description=(
            "Coverage per goal × Wikipedia and the top gaps, on Spark, from a Wikidata JSON dump "
            "or Parquet sitelinks and the item sets' members (Parquet or CSV: itemset, goal, "
            "qid) and observed wikis (itemset, wiki; default: every Wikipedia for every set)."
        ),
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dump", help="Wikidata JSON dump (.json.bz2/.json.gz), any Hadoop path")
    source.add_argument("--sitelinks", help="Parquet sitelinks: qid, wiki[, redirect]")
    parser.add_argument("--members", required=True, help="Parquet or CSV: itemset, goal, qid")
    parser.add_argument("--observed", help="Parquet or CSV: itemset, wiki")
    parser.add_argument("--top", type=int, default=100, help="gaps kept per goal and wiki")
    parser.add_argument("--out", required=True, help="output directory (coverage/, gaps/)")
    parser.add_argument("--master", help="Spark master URL (default: spark-submit's or local)")
    args = parser.parse_args(argv)

    own = spark is None
    spark = spark or session(args.master)

    def table(path: str):
        reader = spark.read.option("header", True)
        return reader.parquet(path) if not path.endswith(".csv") else reader.csv(path)

    sitelinks = (
        sitelinks_from_dump(spark, args.dump)
        if args.dump
        else sitelinks_from_parquet(spark, args.sitelinks)
    )
    members = table(args.members)
    members = members.select("itemset", members["goal"].cast("bigint"), "qid")
    if args.observed:
        observed = table(args.observed)
    else:
        from pyspark.sql import functions as F

        wikis = sitelinks.select("wiki").distinct()
        observed = members.select("itemset").distinct().crossJoin(wikis)
        observed = observed.select("itemset", F.col("wiki"))
    engine = SparkCoverage(spark, members, observed, articles_of(sitelinks), by="goal")
    engine.coverage_frame().withColumnRenamed("grp", "goal").write.mode("overwrite").parquet(
        f"{args.out}/coverage"
    )
    engine.gaps_frame(args.top).withColumnRenamed("grp", "goal").write.mode("overwrite").parquet(
        f"{args.out}/gaps"
    )
    print(json.dumps({"out": args.out, "top": args.top}))
    if own:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
