"""The Spark engine (local mode) and the default engine give identical tables — all of them.

Every table of :mod:`bot.engines.base` (coverage by goal, item set and target, quality, ranked
gaps, sources) is compared value for value: on the bundled snapshot (its item sets, sitelinks
and page sizes, as a run asks for them), and on the real entity files in
tests/fixtures/wikidata_entities (the opentapioca sample, the 2014 dump sample, the eight
wikibase-sdk entities re-wrapped one per line as a dump has them), which Spark reads three ways:
from the run's frames, straight from the dump files, and from Parquet. Then ``sdg-gaps run
--engine spark --sitelinks DUMP`` writes the same report files as the default engine.

Item sets here group the real items by a rule on the numeric QID: an illustration for exercising
the rules (an item in two sets of a goal, unknown cells), not a claim about the items.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyspark  # noqa: F401  installed by `make test` (the test extra): absent fails, never skips
import pytest

# PySpark 4.3 warns about pandas 3 on every conversion; the conversions used here are tested.
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")
if shutil.which("java") is None:
    pytest.fail("Spark needs a Java runtime (Debian openjdk-17-jre-headless): run `make test`")

from bot.engines import Plan, make_engine  # noqa: E402
from bot.engines.spark import SparkEngine, session  # noqa: E402
from bot.facts import Facts  # noqa: E402
from bot.sources import files  # noqa: E402
from bot.sources.dump import iter_sitelinks, write_parquet  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ENTITIES = REPO / "tests" / "fixtures" / "wikidata_entities"  # see tests/fixtures/SOURCES.md
OPENTAPIOCA = ENTITIES / "opentapioca" / "sample_wikidata_items.json.bz2"
DUMP_2014 = (
    ENTITIES / "wikidata_dump_sample_2014" / "wikibrain_testDump_400items_1304props.json.bz2"
)
TABLES = ("coverage", "coverage_itemsets", "coverage_targets", "quality", "gaps", "sources")


@pytest.fixture(scope="module")
def spark():
    conf = {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
    running = session("local[2]", conf=conf)
    yield running
    running.stop()


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


def members_of(qids) -> pd.DataFrame:
    qids = sorted(set(qids), key=lambda q: int(q[1:]))
    number = {q: int(q[1:]) for q in qids}
    return pd.concat([
        pd.DataFrame({"itemset": "all", "goal": 1, "qid": qids}),
        pd.DataFrame({"itemset": "even", "goal": 1,
                      "qid": [q for q in qids if number[q] % 2 == 0]}),
        pd.DataFrame({"itemset": "third", "goal": 2,
                      "qid": [q for q in qids if number[q] % 3 == 0]}),
    ], ignore_index=True)


def rows(tables) -> dict:
    """Every table as lists of plain values (missing → None), for a value-for-value compare."""
    def plain(frame):
        return [tuple(None if pd.isna(v) else v for v in row)
                for row in frame.astype(object).itertuples(index=False)]

    return {name: plain(getattr(tables, name)) for name in TABLES}


def same(spark, facts, plan):
    compact = make_engine("compact").tables(facts, plan)
    spark_tables = SparkEngine(spark=spark).tables(facts, plan)
    expected, got = rows(compact), rows(spark_tables)
    for name in TABLES:
        assert got[name] == expected[name], name
    assert spark_tables.wikis == compact.wikis
    return compact


def test_same_tables_on_the_bundled_snapshot(spark):
    """What `sdg-gaps run --engine spark` computes on the snapshot's real item sets."""
    from bot.catalogue import load_catalogue
    from bot.facts import qid_numbers
    from bot.languages import load_wikis
    from bot.runs_facts import DataSource, open_source
    from bot.sources import queried

    opened = open_source(DataSource())
    sets = [s for s in load_catalogue(opened.snapshot).itemsets if s.in_snapshot]
    facts, _, _, _ = queried.gather(opened.endpoint, sets, load_wikis())
    facts.observed = pd.DataFrame([(s.id, w) for s in sets for w in s.observed_wikis],
                                  columns=["itemset", "wiki"])
    sizes = opened.snapshot.pagesizes()
    facts.pagesizes = sizes.assign(qnum=qid_numbers(sizes["qid"]))[
        ["qnum", "wiki", "pagesize_bytes"]]
    views = opened.snapshot.pageviews()
    facts.demand = views.assign(qnum=qid_numbers(views["qid"]))[["qnum", "views"]]
    targets = {s.id: s.targets for s in sets if s.targets}
    for plan in (Plan(targets=targets),
                 Plan(targets=targets, wikis=("frwiki", "plwiki"), gaps_per_wiki=None),
                 Plan(targets=targets, wikis=("frwiki", "lgwiki", "swwiki"), rank="demand")):
        done = same(spark, facts, plan)
        assert len(done.gaps) and len(done.coverage_targets) and done.quality["sized"].any()
        # Luganda and Swahili lack topics no Wikipedia looked at has: gaps of both kinds
        assert plan.rank != "demand" or set(done.gaps["kind"]) == {"translate", "scratch"}


def test_same_tables_on_the_entity_files_from_frames_dumps_and_parquet(spark, dumps, tmp_path):
    qids = set()
    for path in dumps:
        for chunk in iter_sitelinks(path):
            qids |= set(chunk["qid"])
    members = members_of(qids)
    assert len(qids) > 400
    for n, path in enumerate(dumps):
        write_parquet(path, tmp_path / f"part-{n}.parquet")
    plan = Plan(gaps_per_wiki=10, targets={"third": ("2.1",)})
    for path in [dumps[1], tmp_path]:  # a dump file, and a folder of Parquet files
        facts, _ = files.gather(path, members)  # the compact engine's own reading
        assert len(facts.articles) > 30_000 or path == tmp_path
        files_facts = Facts(members=members, observed=None, articles=None,
                            files=(files.kind_of(path), str(path)))
        compact = rows(make_engine("compact").tables(facts, plan))
        spark_tables = SparkEngine(spark=spark).tables(files_facts, plan)
        from_files = rows(spark_tables)
        for name in TABLES:
            assert from_files[name] == compact[name], (path, name)
        if path == dumps[1]:  # two disambiguation pages and a category, by their P31 claims
            assert facts.left_out.left_out == spark_tables.left_out.left_out == 3
            assert list(spark_tables.left_out.by_class["items"]) == [2, 1]
        same(spark, facts, plan)  # and Spark handed the frames


def test_run_engine_spark_writes_the_same_report_from_a_dump(dumps, tmp_path):
    members = members_of(q for chunk in iter_sitelinks(dumps[1]) for q in chunk["qid"])
    members.to_csv(tmp_path / "members.csv", index=False)
    outs = {}
    for engine in ("compact", "spark"):
        out = tmp_path / engine
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--sitelinks", str(dumps[1]), "--members",
             str(tmp_path / "members.csv"), "--engine", engine, "--no-history", "--quiet",
             "--out", str(out), "--gaps-per-wiki", "20"],
            capture_output=True, text=True, timeout=600,
        )
        assert done.returncode == 0, done.stderr
        outs[engine] = {name: (out / name).read_text(encoding="utf-8") for name in (
            "coverage.csv", "coverage_itemsets.csv", "gaps.csv", "quality.csv", "sources.csv")}
    assert outs["spark"] == outs["compact"]


def test_master_needs_the_spark_engine(capsys):
    from bot.cli import main

    assert main(["run", "--master", "yarn", "--quiet"]) == 2
    assert "--master needs --engine spark" in capsys.readouterr().err
