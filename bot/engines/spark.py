"""Every table of a run on Apache Spark (PySpark): ``sdg-gaps run --engine spark [--master URL]``.

:class:`SparkEngine` computes the tables of :mod:`bot.engines.base` itself, from the facts of
the run — pandas frames, or the sitelinks files (a Wikidata JSON dump, Parquet) that Spark reads
and splits across its executors (:mod:`bot.engines.spark_io`). pandas computes none of them
first; the tables equal the compact engine's, value for value (the test suite checks it on the
bundled snapshot and on the real entity files). The plan never lists the (item × wiki) cells,
so it scales to all of Wikidata:

1. ``gq`` — each (group, item) once, with its *profile*: the sorted item sets it belongs to
   within the group; ``profiles`` counts the items per (group, profile), ``profile_wikis`` lists
   the wikis each profile observed (a few thousand rows);
2. ``known`` — the articles that fall in a known cell (a join of the articles with ``gq`` and
   ``profile_wikis``); coverage = Σ profile sizes per (group, wiki) and ``count(known)``;
3. ``ranked`` — the group's items split by kind (translate: an article in a known wiki;
   scratch: none) and numbered within (group, kind) by the kind's keys (demand or sitelinks,
   then sitelinks; sitelinks in every project), then numeric QID;
4. the first *top* gaps of a (group, wiki, kind) lie among its first top + articles + unknown
   positions of the kind: those positions are generated per (group, wiki, kind), joined to
   ``ranked`` on (group, kind, position), kept where the cell is known and has no article (an
   anti join), and numbered.

A dump's P31 classes and sitelink counts are read by Spark too (:mod:`bot.engines.spark_io`),
and the topic rule (:func:`bot.topics.split_topics`, the one rule) leaves the
Wikimedia-internal items out before anything is counted.

Only this module and :mod:`bot.engines.spark_io` know PySpark.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace

import pandas as pd

from bot.engines.base import (
    COVERAGE_COLUMNS,
    GAP_KINDS,
    QUALITY_CLASSES,
    QUALITY_COLUMNS,
    SOURCE_COLUMNS,
    Plan,
    Tables,
    coverage_pct,
    quality_score,
)
from bot.engines.spark_io import articles as spark_articles
from bot.engines.spark_io import dump_items as spark_dump_items
from bot.engines.spark_io import spark_frame
from bot.errors import EngineError
from bot.facts import Facts, qid_numbers, qids_of_numbers
from bot.topics import split_topics


def session(master: str | None = None, app: str = "sdg-gaps", conf: dict | None = None):
    """A SparkSession: local mode on this machine's cores unless *master* names a cluster."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(
            "--engine spark needs PySpark: pip install -c constraints.txt -e '.[spark]'"
        ) from exc
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


# One grouping's plan (see the module's description); {g} is the grouping's view prefix.
STEPS = [
    ("gq", """SELECT grp, qnum, concat_ws('\\u0001', sort_array(collect_set(itemset))) AS profile,
                     sort_array(collect_set(itemset)) AS sets
              FROM {g}_members GROUP BY grp, qnum"""),
    ("profiles", """SELECT grp, profile, first(sets) AS sets, count(*) AS n
                    FROM {g}_gq GROUP BY grp, profile"""),
    ("profile_wikis", """SELECT DISTINCT p.grp, p.profile, o.wiki
                         FROM (SELECT grp, profile, explode(sets) AS itemset FROM {g}_profiles) p
                         JOIN sg_observed o ON o.itemset = p.itemset"""),
    ("known", """SELECT DISTINCT g.grp, g.qnum, a.wiki
                 FROM sg_articles a
                 JOIN {g}_gq g ON g.qnum = a.qnum
                 JOIN {g}_profile_wikis pw
                   ON pw.grp = g.grp AND pw.profile = g.profile AND pw.wiki = a.wiki"""),
    ("cov", """SELECT i.grp, i.wiki, i.items, coalesce(k.articles, 0) AS articles
               FROM (SELECT pw.grp, pw.wiki, sum(p.n) AS items
                     FROM {g}_profile_wikis pw
                     JOIN {g}_profiles p ON p.grp = pw.grp AND p.profile = pw.profile
                     GROUP BY pw.grp, pw.wiki) i
               LEFT JOIN (SELECT grp, wiki, count(*) AS articles FROM {g}_known
                          GROUP BY grp, wiki) k
                 ON k.grp = i.grp AND k.wiki = i.wiki"""),
]
# Kind 0: translate (an article in a wiki known for the pair), 1: scratch. {first} is the
# translate gaps' first key: the demand (views) or the sitelinks.
RANKED = """SELECT grp, qnum, profile, sitelinks, kind,
                   row_number() OVER (PARTITION BY grp, kind
                                      ORDER BY key1 DESC, key2 DESC, qnum) AS pos
            FROM (SELECT g.grp, g.qnum, g.profile, coalesce(s.sitelinks, 0) AS sitelinks,
                         CASE WHEN s.sitelinks > 0 THEN 0 ELSE 1 END AS kind,
                         CASE WHEN s.sitelinks > 0 THEN {first}
                              ELSE coalesce(k.sitelinks, 0) END AS key1,
                         CASE WHEN s.sitelinks > 0 THEN s.sitelinks ELSE 0 END AS key2
                  FROM {g}_gq g
                  LEFT JOIN (SELECT grp, qnum, count(*) AS sitelinks FROM {g}_known
                             GROUP BY grp, qnum) s
                    ON s.grp = g.grp AND s.qnum = g.qnum
                  LEFT JOIN sg_demand d ON d.qnum = g.qnum
                  LEFT JOIN sg_all_sitelinks k ON k.qnum = g.qnum)"""
FIRST_KEY = {"sitelinks": "s.sitelinks", "demand": "coalesce(d.views, 0)"}


def _gaps_sql(g: str, top: int | None, wikis: str) -> str:
    limit = "t.total" if top is None else f"least(t.total, {top} + c.articles + a.total - c.items)"
    keep = "" if top is None else f"WHERE rank <= {top}"
    return f"""
    SELECT grp, wiki, kind, rank, qnum, sitelinks FROM (
      SELECT r.grp, c.wiki, r.kind, r.qnum, r.sitelinks,
             row_number() OVER (PARTITION BY r.grp, c.wiki, r.kind ORDER BY r.pos) AS rank
      FROM (SELECT c.grp, c.wiki, t.kind, explode(sequence(1, CAST({limit} AS INT))) AS pos
            FROM {g}_cov c
            JOIN (SELECT grp, kind, count(*) AS total FROM {g}_ranked GROUP BY grp, kind) t
              ON t.grp = c.grp
            JOIN (SELECT grp, count(*) AS total FROM {g}_gq GROUP BY grp) a ON a.grp = c.grp
            WHERE {wikis}) c
      JOIN {g}_ranked r ON r.grp = c.grp AND r.kind = c.kind AND r.pos = c.pos
      JOIN {g}_profile_wikis pw
        ON pw.grp = r.grp AND pw.profile = r.profile AND pw.wiki = c.wiki
      LEFT ANTI JOIN {g}_known k ON k.grp = r.grp AND k.qnum = r.qnum AND k.wiki = c.wiki
    ) {keep}"""


def _wiki_filter(column: str, wikis) -> str:
    if wikis is None:
        return "true"
    quoted = ", ".join("'" + w.replace("'", "") + "'" for w in wikis) or "''"
    return f"{column} IN ({quoted})"


class SparkEngine:
    """The Spark engine: local mode on this machine, or the cluster at *master*."""

    name = "spark"

    def __init__(self, master: str | None = None, spark=None):
        self.master = master
        self.spark = spark

    def tables(self, facts: Facts, plan: Plan) -> Tables:
        own = self.spark is None
        spark = self.spark or session(self.master)
        try:
            return _tables(spark, facts, plan)
        finally:
            if own:
                spark.stop()


def _tables(spark, facts: Facts, plan: Plan) -> Tables:
    left_out, all_sitelinks = None, facts.all_sitelinks
    if facts.files is not None and facts.files[0] == "dump":
        # The dump's own P31 and sitelink counts, read by Spark; the one topic rule applied.
        types, all_sitelinks = spark_dump_items(spark, facts.files[1], facts.members)
        left_out = split_topics(facts.members, types)
        facts = replace(facts, members=left_out.members)
    members = facts.members[["itemset", "goal", "qid"]].drop_duplicates(["itemset", "qid"])
    members = members.assign(qnum=qid_numbers(members["qid"]))
    m = spark_frame(spark, members, {"itemset": "string", "goal": "bigint", "qnum": "bigint"})
    m.cache().createOrReplaceTempView("sg_members_all")
    articles = spark_articles(spark, facts)
    articles.cache().createOrReplaceTempView("sg_articles")
    if facts.observed is None:
        # Every wiki in which one of the members has an article (as the compact engine).
        closed = ", ".join("'" + w.replace("'", "") + "'" for w in sorted(facts.closed_wikis))
        spark.sql(f"""SELECT s.itemset, w.wiki FROM (SELECT DISTINCT itemset FROM sg_members_all) s
                     CROSS JOIN (SELECT DISTINCT a.wiki FROM sg_articles a
                                 JOIN (SELECT DISTINCT qnum FROM sg_members_all) m
                                   ON m.qnum = a.qnum
                                 WHERE a.wiki NOT IN ({closed or "''"})) w
                  """).createOrReplaceTempView("sg_observed")
    else:
        spark_frame(spark, facts.observed, {"itemset": "string", "wiki": "string"}) \
            .dropna().distinct().createOrReplaceTempView("sg_observed")
    links = [(s, t) for s, codes in plan.targets.items() for t in codes]
    spark.createDataFrame(links or [("", "")], "itemset string, target string") \
        .where("target != ''").createOrReplaceTempView("sg_links")
    views = {
        "goal": "SELECT goal AS grp, itemset, qnum FROM sg_members_all",
        "itemset": "SELECT itemset AS grp, itemset, qnum FROM sg_members_all",
        "target": """SELECT l.target AS grp, m.itemset, m.qnum FROM sg_members_all m
                     JOIN sg_links l ON l.itemset = m.itemset""",
    }
    for g, sql in views.items():
        spark.sql(sql).createOrReplaceTempView(f"{g}_members")
        for name, step in STEPS:
            frame = spark.sql(step.format(g=g))
            if name in ("gq", "known", "cov"):
                frame = frame.cache()
            frame.createOrReplaceTempView(f"{g}_{name}")
    for name, frame, column in (("sg_demand", facts.demand, "views"),
                                ("sg_all_sitelinks", all_sitelinks, "sitelinks")):
        frame = frame if frame is not None else pd.DataFrame({"qnum": [], column: []})
        spark_frame(spark, frame.groupby("qnum", as_index=False)[column].sum(),
                    {"qnum": "bigint", column: "bigint"}).createOrReplaceTempView(name)
    ranked = RANKED.format(g="goal", first=FIRST_KEY[plan.rank])
    spark.sql(ranked).cache().createOrReplaceTempView("goal_ranked")
    wikis = tuple(sorted(r.wiki for r in spark.sql("SELECT DISTINCT wiki FROM sg_observed")
                         .collect()))
    coverage = _coverage(spark, "goal", plan.wikis)
    gaps = spark.sql(_gaps_sql("goal", plan.gaps_per_wiki, _wiki_filter("c.wiki", plan.wikis)))
    gaps = gaps.toPandas().rename(columns={"grp": "goal"})
    gaps = gaps.sort_values(["goal", "wiki", "kind", "rank"], ignore_index=True)
    gaps = pd.DataFrame({
        "goal": gaps["goal"].astype("int64"), "wiki": gaps["wiki"].astype(str),
        "rank": gaps["rank"].astype("int64"),
        "qid": qids_of_numbers(gaps["qnum"].to_numpy("int64")),
        "sitelinks": gaps["sitelinks"].astype("int64"),
        "kind": [GAP_KINDS[int(k)] for k in gaps["kind"]],
    })
    quality = _quality(spark, facts, plan, coverage)
    sources = _sources(spark, facts, plan, gaps)
    return Tables(
        coverage=coverage,
        coverage_itemsets=_coverage(spark, "itemset", plan.wikis),
        coverage_targets=_coverage(spark, "target", plan.wikis),
        quality=quality,
        gaps=gaps,
        sources=sources,
        wikis=wikis,
        left_out=left_out,
    )


def _coverage(spark, g: str, wikis) -> pd.DataFrame:
    table = spark.sql(f"SELECT * FROM {g}_cov WHERE {_wiki_filter('wiki', wikis)}").toPandas()
    table = table.rename(columns={"grp": g}).sort_values([g, "wiki"], ignore_index=True)
    if g == "goal":
        table["goal"] = table["goal"].astype("int64")
    else:
        table[g] = table[g].astype(str)
    table["wiki"] = table["wiki"].astype(str)
    for column in ("items", "articles"):
        table[column] = table[column].astype("int64")
    table["missing"] = table["items"] - table["articles"]
    table["coverage_pct"] = [
        coverage_pct(a, i)
        for a, i in zip(table["articles"].tolist(), table["items"].tolist(), strict=True)
    ]
    return table[[g, "wiki", *COVERAGE_COLUMNS]]


def _quality(spark, facts: Facts, plan: Plan, coverage: pd.DataFrame) -> pd.DataFrame:
    scale = plan.quality_scale
    sizes = facts.pagesizes.drop_duplicates(["qnum", "wiki"])
    spark_frame(spark, sizes, {"qnum": "bigint", "wiki": "string", "pagesize_bytes": "bigint"}) \
        .createOrReplaceTempView("sg_sizes")
    counts = spark.sql(f"""
        SELECT k.grp, k.wiki,
               CASE WHEN s.pagesize_bytes < {scale.stub_below} THEN 'stub'
                    WHEN s.pagesize_bytes >= {scale.long_from} THEN 'long'
                    ELSE 'article' END AS cls,
               count(*) AS n
        FROM goal_known k JOIN sg_sizes s ON s.qnum = k.qnum AND s.wiki = k.wiki
        GROUP BY k.grp, k.wiki, cls""").toPandas()
    found = {(int(r.grp), str(r.wiki), str(r.cls)): int(r.n) for r in counts.itertuples()}
    rows = []
    for r in coverage.itertuples(index=False):
        stub, article, long = (found.get((int(r.goal), r.wiki, c), 0)
                               for c in ("stub", "article", "long"))
        if facts.sized_wikis is not None:
            sized = r.wiki in facts.sized_wikis
        else:
            sized = stub + article + long > 0
        unsized = int(r.articles) - stub - article - long
        score = quality_score(scale, sized, int(r.items), int(r.missing), stub, article, long,
                              unsized)
        rows.append((int(r.goal), r.wiki, sized, int(r.missing), stub, article, long, unsized,
                     int(r.items), score))
    table = pd.DataFrame(rows, columns=["goal", "wiki", "sized", *QUALITY_CLASSES, "unsized",
                                        "items", "score"])
    table = table.astype({"goal": "int64", "sized": bool, "absent": "int64", "items": "int64"})
    for column in ("stub", "article", "long", "unsized"):
        table[column] = table[column].astype("Int64").where(table["sized"], pd.NA)
    table["score"] = pd.array(table["score"].tolist(), dtype="Float64")
    return table[["goal", "wiki", *QUALITY_COLUMNS]]


def _sources(spark, facts: Facts, plan: Plan, gaps: pd.DataFrame) -> pd.DataFrame:
    wanted = pd.DataFrame({"qnum": sorted(set(qid_numbers(pd.unique(gaps["qid"])).tolist()))})
    spark_frame(spark, wanted, {"qnum": "bigint"}).createOrReplaceTempView("sg_wanted")
    preference = pd.DataFrame({"wiki": list(plan.preference),
                               "pref": range(len(plan.preference))})
    spark_frame(spark, preference, {"wiki": "string", "pref": "bigint"}) \
        .createOrReplaceTempView("sg_preference")
    best = spark.sql(f"""
        SELECT qnum, wiki, pagesize_bytes FROM (
          SELECT a.qnum, a.wiki, s.pagesize_bytes,
                 row_number() OVER (PARTITION BY a.qnum ORDER BY
                   CASE WHEN s.pagesize_bytes IS NULL THEN 1 ELSE 0 END,
                   coalesce(s.pagesize_bytes, -1) DESC,
                   coalesce(p.pref, {len(plan.preference)}), a.wiki) AS n
          FROM (SELECT DISTINCT a.qnum, a.wiki FROM sg_articles a
                JOIN sg_wanted w ON w.qnum = a.qnum) a
          LEFT JOIN sg_sizes s ON s.qnum = a.qnum AND s.wiki = a.wiki
          LEFT JOIN sg_preference p ON p.wiki = a.wiki
        ) WHERE n = 1""").toPandas().sort_values("qnum", ignore_index=True)
    if best.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SOURCE_COLUMNS}).astype(
            {"source_bytes": "Int64"}
        )
    sized = best["pagesize_bytes"].notna()
    return pd.DataFrame(
        {
            "qid": qids_of_numbers(best["qnum"].to_numpy("int64")).to_numpy(),
            "source_wiki": best["wiki"].astype(str).to_numpy(),
            "source_bytes": pd.array(best["pagesize_bytes"].to_numpy(), dtype="Int64"),
            "source_rule": ["size" if s else "preference" for s in sized],
        }
    )
