"""Spark (local mode) and pandas give identical coverage and gap tables on the real entity files.

The entities are the real ones in ../shared/data/wikidata_entities: the opentapioca sample (100
items, current dump format), the 2014 dump sample (400 items) and the eight single entities of
wikibase-sdk (re-wrapped one per line, as a dump has them). Spark reads the sitelinks three ways —
from the pipeline's pandas frames, straight from the dump files, and from Parquet written by
:func:`bot.sources.dump.write_parquet` — and each time the tables equal the pandas engine's.

Item sets here group the real items by a rule on the numeric QID: an illustration for exercising
the rules (an item in two sets of a goal, unknown cells), not a claim about the items.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="pyspark is installed by `make test` (the test extra)")
# PySpark 4.3 warns about pandas 3 on every conversion; the conversions used here are tested.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")
if shutil.which("java") is None:
    pytest.fail("Spark needs a Java runtime (Debian openjdk-17-jre-headless): run `make test`")

from bot import coverage  # noqa: E402
from bot.engines import spark as engine  # noqa: E402
from bot.sources.dump import read_sitelinks, write_parquet  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ENTITIES = REPO.parent / "shared" / "data" / "wikidata_entities"
OPENTAPIOCA = ENTITIES / "opentapioca" / "sample_wikidata_items.json.bz2"
DUMP_2014 = (
    ENTITIES / "wikidata_dump_sample_2014" / "wikibrain_testDump_400items_1304props.json.bz2"
)


@pytest.fixture(scope="module")
def spark():
    conf = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
    session = engine.session("local[2]", conf=conf)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dumps(tmp_path_factory) -> list[Path]:
    """The real dump files, and the wikibase-sdk entities as a one-per-line dump."""
    here = tmp_path_factory.mktemp("dumps")
    lines = []
    for path in sorted((ENTITIES / "wikibase_sdk").glob("Q*.json")):
        entity = json.loads(path.read_text(encoding="utf-8"))  # one entity per file
        lines.append(json.dumps(entity, ensure_ascii=False))
    sdk = here / "wikibase_sdk.json"
    sdk.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    return [OPENTAPIOCA, DUMP_2014, sdk]


@pytest.fixture(scope="module")
def frames(dumps):
    sitelinks = pd.concat([read_sitelinks(p) for p in dumps], ignore_index=True)
    sitelinks = sitelinks.astype({"qid": str, "wiki": str})
    qids = sorted(set(sitelinks["qid"]), key=lambda q: int(q[1:]))
    qnum = {q: int(q[1:]) for q in qids}
    members = pd.concat(
        [
            pd.DataFrame({"itemset": "all", "goal": 1, "qid": qids}),
            pd.DataFrame(
                {"itemset": "even", "goal": 1, "qid": [q for q in qids if qnum[q] % 2 == 0]}
            ),
            pd.DataFrame(
                {"itemset": "third", "goal": 2, "qid": [q for q in qids if qnum[q] % 3 == 0]}
            ),
        ],
        ignore_index=True,
    )
    wikis = sorted(set(sitelinks["wiki"]))
    big = sitelinks["wiki"].value_counts().index[:25].tolist()
    observed = pd.concat(
        [
            pd.DataFrame({"itemset": "all", "wiki": big[:15]}),
            pd.DataFrame({"itemset": "even", "wiki": big}),
            pd.DataFrame({"itemset": "third", "wiki": wikis}),
        ],
        ignore_index=True,
    )
    articles = sitelinks.loc[~sitelinks["redirect"], ["qid", "wiki"]]
    assert len(qids) > 400 and len(articles) > 40_000
    return members, observed, articles


def pandas_tables(members, observed, articles, top):
    index = coverage.index_cells(members, observed, articles, by="goal")
    return coverage.coverage(index), coverage.ranked_gaps(index, top=top)


def check(spark, members, observed, articles, spark_articles, tops=(100,)):
    run = engine.SparkCoverage(spark, members, observed, spark_articles, by="goal")
    for top in tops:
        cov, gaps = pandas_tables(members, observed, articles, top)
        pd.testing.assert_frame_equal(engine._like(run.coverage(), members, "goal"), cov)
        pd.testing.assert_frame_equal(engine._like(run.ranked_gaps(top), members, "goal"), gaps)


def test_spark_equals_pandas_on_the_pipeline_frames(spark, frames):
    members, observed, articles = frames
    check(spark, members, observed, articles, articles)


def test_spark_reads_the_dumps_itself(spark, frames, dumps):
    members, observed, articles = frames
    sitelinks = engine.sitelinks_from_dump(spark, [str(p) for p in dumps])
    check(spark, members, observed, articles, engine.articles_of(sitelinks), tops=(10,))


def test_spark_reads_parquet_sitelinks(spark, frames, dumps, tmp_path):
    pytest.importorskip("pyarrow")
    members, observed, articles = frames
    for n, path in enumerate(dumps):
        write_parquet(path, tmp_path / f"part-{n}.parquet")
    sitelinks = engine.sitelinks_from_parquet(spark, str(tmp_path))
    check(spark, members, observed, articles, engine.articles_of(sitelinks), tops=(10,))


def test_the_job_writes_coverage_and_gaps(spark, frames, dumps, tmp_path):
    members, observed, articles = frames
    only_2014 = read_sitelinks(dumps[1]).astype({"qid": str, "wiki": str})
    only_2014 = only_2014.loc[~only_2014["redirect"], ["qid", "wiki"]]
    members = members[members["qid"].isin(set(only_2014["qid"]))]
    members.to_csv(tmp_path / "members.csv", index=False)
    observed.to_csv(tmp_path / "observed.csv", index=False)
    out = tmp_path / "out"
    argv = ["--dump", str(dumps[1]), "--members", str(tmp_path / "members.csv")]
    argv += ["--observed", str(tmp_path / "observed.csv"), "--top", "5", "--out", str(out)]
    assert engine.main(argv, spark=spark) == 0
    got = pd.read_parquet(out / "gaps").sort_values(["goal", "wiki", "rank"], ignore_index=True)
    cov, gaps = pandas_tables(members, observed, only_2014, 5)
    assert (
        got[["goal", "wiki", "rank", "qid", "sitelinks"]]
        .astype({"goal": "int64", "rank": "int64", "sitelinks": "int64", "wiki": str, "qid": str})
        .equals(gaps.astype({"wiki": str, "qid": str}))
    )
    counts = pd.read_parquet(out / "coverage").sort_values(["goal", "wiki"], ignore_index=True)
    assert counts["items"].astype("int64").tolist() == cov["items"].tolist()
    assert counts["articles"].astype("int64").tolist() == cov["articles"].tolist()


def test_the_pipeline_tables_equal_pandas_on_the_snapshot_sources(spark):
    """What `sdg-gaps run --engine spark` computes, on the bundled snapshot's real item sets."""
    from tests.test_coverage_equivalence import snapshot_frames

    members, observed, articles = snapshot_frames()
    few = observed[observed["wiki"].isin(["dewiki", "frwiki", "plwiki"])]
    cov, gaps, by_set = engine.pipeline_tables(members, few, observed, articles, spark=spark)
    pd.testing.assert_frame_equal(
        cov, coverage.coverage(coverage.index_cells(members, few, articles))
    )
    pd.testing.assert_frame_equal(
        gaps, coverage.ranked_gaps(coverage.index_cells(members, observed, articles))
    )
    pd.testing.assert_frame_equal(
        by_set, coverage.coverage(coverage.index_cells(members, few, articles, by="itemset"))
    )


def test_master_needs_the_spark_engine(capsys):
    from bot.cli import main

    assert main(["run", "--master", "yarn", "--quiet"]) == 2
    assert "--master needs --engine spark" in capsys.readouterr().err
