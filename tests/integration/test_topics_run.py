"""The topic rule in whole runs: the bundled snapshot (``make run``), a Wikidata dump and Parquet.

Each expectation is counted here from the source files with the csv and json modules, not by
bot code: the climate set's P31 classes from st14's ``instance_types`` column; the 2014 dump
sample's from its entities' claims (the truthy values: preferred statements when an item has
any, else normal ones). The item sets of the dump runs group the dump's 400 real items by a rule
on the numeric QID: an illustration, not a claim about the items.
"""

from __future__ import annotations

import bz2
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"  # copies of the real files; see its SOURCES.md
ST14 = FIXTURES / "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"
DUMP_2014 = (FIXTURES / "wikidata_entities" / "wikidata_dump_sample_2014"
             / "wikibrain_testDump_400items_1304props.json.bz2")

# The Wikimedia-internal classes, as bot/ids.py lists them
# (tests/integration/test_independent_counts.py checks that the two lists are the same).
INTERNAL = frozenset({
    "Q4167836", "Q15647814", "Q24046192", "Q30432511", "Q56428020", "Q59541917", "Q11266439",
    "Q11753321", "Q4167410", "Q22808320", "Q4663903", "Q15184295", "Q14204246", "Q17362920",
    "Q21450877", "Q21623879",
})

def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "run", "--quiet", "--no-history", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=900)


def climate_classes() -> dict[str, set[str]]:
    """qid → P31 classes, from st14's instance_types column."""
    return {r["qid"]: {c.strip(" '") for c in r["instance_types"].strip("[]").split(",")}
            for r in _csv(ST14)}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "run"
    done = _run("--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_no_gap_row_and_no_counted_item_is_wikimedia_internal(bundled):
    classes = climate_classes()
    internal = {q for q, c in classes.items() if c & INTERNAL}
    assert len(internal) == 196
    gaps = _csv(bundled / "gaps.csv")
    assert gaps and not {r["qid"] for r in gaps} & internal
    coverage = {(r["goal"], r["wiki"]): r for r in _csv(bundled / "coverage.csv")}
    assert coverage[("13", "enwiki")]["items"] == str(3965 - 196)
    # and the French SDG 13 list starts with a topic: neither its class nor its name internal
    first = next(r for r in gaps if r["goal"] == "13" and r["wiki"] == "frwiki")
    assert first["rank"] == "1" and not classes[first["qid"]] & INTERNAL
    assert not first["label"].startswith(("Category:", "Template:", "Portal:"))
    page = (bundled / "wikitext" / "lang-fr.wiki").read_text(encoding="utf-8")
    assert "Category:" not in page.split("== SDG 13")[1].split("\n== ")[0]


def test_the_summary_counts_what_was_left_out_per_class(bundled):
    expected: dict[str, int] = {}
    for classes in climate_classes().values():
        for cls in classes & INTERNAL:
            expected[cls] = expected.get(cls, 0) + 1
    summary = json.loads((bundled / "summary.json").read_text(encoding="utf-8"))
    left = summary["counts"]["left_out"]
    assert left["items"] == 196
    assert {c["class"]: c["items"] for c in left["classes"]} == expected
    assert left["classes"][0] == {"class": "Q4167836", "name": "Wikimedia category",
                                  "items": 158}
    page = (bundled / "wikitext" / "summary.wiki").read_text(encoding="utf-8")
    line = [x for x in page.splitlines() if "Wikimedia-internal" in x]
    assert len(line) == 1 and "196 items" in line[0] and "Wikimedia category (158)" in line[0]


# ---- a dump, and Parquet with a members file's types ----------------------------------------


def dump_classes() -> dict[str, set[str]]:
    """qid → truthy P31 classes of every item of the 2014 dump sample, read with json."""
    out = {}
    with bz2.open(DUMP_2014, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.strip().rstrip(",")
            if not line.startswith("{"):
                continue
            entity = json.loads(line)
            if entity.get("type") != "item":
                continue
            found: dict[str, set[str]] = {"preferred": set(), "normal": set()}
            for statement in (entity.get("claims") or {}).get("P31", []):
                snak = statement.get("mainsnak", {})
                value = (snak.get("datavalue") or {}).get("value")
                if snak.get("snaktype") != "value" or not isinstance(value, dict):
                    continue
                qid = value.get("id") or f"Q{value['numeric-id']}"
                if statement.get("rank", "normal") in found:
                    found[statement.get("rank", "normal")].add(qid)
            out[entity["id"]] = found["preferred"] or found["normal"]
    return out


@pytest.fixture(scope="module")
def members_file(tmp_path_factory) -> Path:
    classes = dump_classes()
    path = tmp_path_factory.mktemp("members") / "members.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["itemset", "goal", "qid", "types"])
        for qid in sorted(classes, key=lambda q: int(q[1:])):
            writer.writerow(["dump-all", 1, qid, " ".join(sorted(classes[qid]))])
            if int(qid[1:]) % 2 == 0:
                writer.writerow(["dump-even", 2, qid, "|".join(sorted(classes[qid]))])
    return path


def test_a_dump_run_leaves_out_the_dumps_internal_items(members_file, tmp_path):
    classes = dump_classes()
    internal = {q for q, c in classes.items() if c & INTERNAL}
    assert internal == {"Q910", "Q1161", "Q1281"}  # two disambiguation pages, a category
    plain = tmp_path / "members.csv"  # the same members without their types: the dump's own
    rows = _csv(members_file)
    with plain.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["itemset", "goal", "qid"])
        writer.writerows([r["itemset"], r["goal"], r["qid"]] for r in rows)
    done = _run("--sitelinks", str(DUMP_2014), "--members", str(plain),
                "--gaps-per-wiki", "all", "--out", str(tmp_path / "run"))
    assert done.returncode == 0, done.stderr[-2000:]
    gaps = _csv(tmp_path / "run" / "gaps.csv")
    assert gaps and not {r["qid"] for r in gaps} & internal
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["items"] == 400 - 3
    assert summary["counts"]["left_out"]["items"] == 3
    assert {c["class"]: c["items"] for c in summary["counts"]["left_out"]["classes"]} == {
        "Q4167410": 2, "Q4167836": 1}


def test_parquet_with_a_members_files_types_leaves_out_the_same(members_file, tmp_path):
    from bot.sources.dump import write_parquet

    parquet = tmp_path / "sitelinks.parquet"
    write_parquet(DUMP_2014, parquet)
    done = _run("--sitelinks", str(parquet), "--members", str(members_file),
                "--out", str(tmp_path / "run"))
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["items"] == 397 and summary["counts"]["left_out"]["items"] == 3
    # without types, Parquet gives no class: every item is kept
    bare = tmp_path / "bare.csv"
    bare.write_text("itemset,goal,qid\n" + "".join(
        f"dump-all,1,{r['qid']}\n" for r in _csv(members_file) if r["itemset"] == "dump-all"),
        encoding="utf-8")
    done = _run("--sitelinks", str(parquet), "--members", str(bare), "--out", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["items"] == 400 and summary["counts"]["left_out"]["items"] == 0


def test_a_members_file_with_bad_types_is_one_line(tmp_path):
    bad = tmp_path / "members.csv"
    bad.write_text("itemset,goal,qid,types\na,1,Q1,Q5 category\n", encoding="utf-8")
    done = _run("--sitelinks", str(DUMP_2014), "--members", str(bad), "--out", str(tmp_path / "r"))
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1].startswith("sdg-gaps: error: ")
    assert "row 2: types 'Q5 category' are not QIDs" in done.stderr
