"""Coverage counted independently, straight from the source files with the csv module.

The counts use neither pandas nor bot code: the source tables (tests/fixtures/topics/, copies of
../shared/data's; see tests/fixtures/SOURCES.md) are read again and, for each bundled item set
and each Wikipedia its source looked at, the items, how many have an article there, how many do
not and the coverage in percent are counted; per goal, an item in several sets of the goal is
counted once in every Wikipedia one of its sets looked at. The counts are checked against the
bundled N-Triples (a plain SPARQL COUNT in pyoxigraph) and against the ``coverage.csv`` and
``coverage_itemsets.csv`` that ``sdg-gaps run`` writes.

The sets are defined in tests/source_sets.py as their sources give them: the climate and
invasive tables whole, Nominatim's article rows, and the Uganda corpus's items of the P31
classes listed in :data:`UGANDA_CLASSES` (its women: humans whose P21 is Q6581072). Humaniki's
women are not in the default run (their sitelinks have no titles), so not here.

The topic rule: with :data:`LEAVE_OUT_WIKIMEDIA_INTERNAL` true (as ``sdg-gaps run`` counts), an
item whose source's own P31 column (st14's ``instance_types``, the Uganda corpus's ``types``)
includes one of :data:`WIKIMEDIA_INTERNAL` is not counted. Only the goal-13 figures (the climate
set: 196 such items) depend on it: no item of the bundled Uganda sets has such a class, and the
invasive and Nominatim sources give no P31 (checked by
:func:`test_only_the_climate_figures_depend_on_the_topic_rule`).
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

from tests.source_sets import (
    FIXTURES,
    LEAVE_OUT_WIKIMEDIA_INTERNAL,
    UGANDA_CLASSES,
    WIKIMEDIA_INTERNAL,
    SourceSet,
    source_sets,
)

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "bot" / "data" / "snapshot"

Counts = tuple[int, int, int, float]


def _has_article(sets: dict[str, SourceSet]) -> set[tuple[str, str]]:
    """(qid, wiki) with an article, from whichever source gives it."""
    return {(q, wiki) for s in sets.values() for wiki, qids in s.articles.items() for q in qids}


def itemset_coverage(data: Path, leave_out: bool = LEAVE_OUT_WIKIMEDIA_INTERNAL):
    """(itemset, wiki) -> (items, articles, missing, coverage_pct)."""
    sets = source_sets(data)
    articles = _has_article(sets)
    out = {}
    for set_id, s in sets.items():
        items = s.counted(leave_out)
        for wiki in s.articles:
            a = sum(1 for q in items if (q, wiki) in articles)
            out[(set_id, wiki)] = _counts(len(items), a)
    return out


def independent_coverage(data: Path, leave_out: bool = LEAVE_OUT_WIKIMEDIA_INTERNAL):
    """(goal, wiki) -> (items, articles, missing, coverage_pct), counted from the sources."""
    sets = source_sets(data)
    articles = _has_article(sets)
    cells: dict[tuple[int, str], set[str]] = {}
    for s in sets.values():
        for wiki in s.articles:
            cells.setdefault((s.goal, wiki), set()).update(s.counted(leave_out))
    return {
        key: _counts(len(items), sum(1 for q in items if (q, key[1]) in articles))
        for key, items in cells.items()
    }


def _counts(n: int, a: int) -> Counts:
    return (n, a, n - a, round(100 * a / n, 2) if n else 0.0)


@pytest.fixture(scope="module")
def sources() -> Path:
    """The folder of source tables."""
    return FIXTURES


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, f"sdg-gaps run failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return out


def test_independent_counts_known_values(sources):
    """The sources' figures as they give them, every item counted (the topic rule off)."""
    counts = independent_coverage(sources, leave_out=False)
    assert counts[(13, "enwiki")] == (3965, 3965, 0, 100.0)
    assert counts[(13, "arwiki")] == (3965, 1388, 2577, 35.01)
    assert counts[(15, "nowiki")] == (88, 32, 56, 36.36)
    # goal 15 in English: the invasive species, the protected areas and the forests of Uganda
    sets = source_sets(sources)
    uganda_15 = sets["sdg15-uganda-protected-areas"].items | sets["sdg15-uganda-forests"].items
    assert counts[(15, "enwiki")][0] == 88 + len(uganda_15)
    assert counts[(5, "lgwiki")][0] == len(sets["sdg5-uganda-women"].items) == 1307
    assert {goal for goal, _wiki in counts} == {3, 4, 5, 6, 7, 10, 11, 13, 15}
    by_set = itemset_coverage(sources, leave_out=False)
    assert by_set[("sdg11-nominatim-places", "dewiki")] == (152, 125, 27, 82.24)
    assert sum(c[1] for (s, _w), c in by_set.items() if s == "sdg13-climate-change") == 18871


def test_only_the_climate_figures_depend_on_the_topic_rule(sources):
    off, on = independent_coverage(sources, False), independent_coverage(sources, True)
    changed = {key for key in off if off[key] != on[key]}
    assert changed and {goal for goal, _wiki in changed} == {13}
    assert on[(13, "enwiki")] == (3965 - 196, 3965 - 196, 0, 100.0)


def test_the_classes_here_are_the_projects():
    """The one place this file looks at project code: are its class lists the same?"""
    from bot.ids import WIKIMEDIA_INTERNAL_CLASSES

    assert WIKIMEDIA_INTERNAL == WIKIMEDIA_INTERNAL_CLASSES
    manifest = json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))
    declared = {s["id"]: (s["goal"], {c["qid"] for c in s["classes"]})
                for s in manifest["itemsets"] if "-uganda-" in s["id"]}
    assert declared == UGANDA_CLASSES


def test_bundled_ntriples_match_independent_count(sources):
    store = pyoxigraph.Store()
    with gzip.open(BUNDLE / "wikidata.nt.gz", "rb") as handle:
        store.bulk_load(handle, format=pyoxigraph.RdfFormat.N_TRIPLES)
    expected = itemset_coverage(sources, leave_out=False)
    seen = {}
    for set_id, s in source_sets(sources).items():
        values = " ".join(f"wd:{q}" for q in sorted(s.items))
        query = f"""
            PREFIX schema: <http://schema.org/>
            PREFIX wd: <http://www.wikidata.org/entity/>
            SELECT ?site (COUNT(DISTINCT ?item) AS ?n) WHERE {{
              VALUES ?item {{ {values} }}
              ?article schema:about ?item ; schema:isPartOf ?site .
            }} GROUP BY ?site"""
        for row in store.query(query):
            host = row["site"].value.removeprefix("https://").split(".", 1)[0]
            wiki = f"{host.replace('-', '_')}wiki"
            if wiki in s.articles:
                seen[(set_id, wiki)] = int(row["n"].value)
        for wiki in s.articles:
            seen.setdefault((set_id, wiki), 0)
    assert seen == {key: value[1] for key, value in expected.items()}


def _compare(rows: list[dict[str, str]], key_of, expected: dict) -> list[str]:
    got, problems = {}, []
    for row in rows:
        key = key_of(row)
        if key in got:
            problems.append(f"duplicated row {key}")
        got[key] = row
        if not row.get("language"):
            problems.append(f"{key}: empty language")
    problems += [f"missing row {key}" for key in sorted(set(expected) - set(got))]
    problems += [f"extra row {key}" for key in sorted(set(got) - set(expected))]
    for key in sorted(set(got) & set(expected)):
        items, articles, missing, pct = expected[key]
        row = got[key]
        actual = (int(row["items"]), int(row["articles"]), int(row["missing"]))
        if actual != (items, articles, missing):
            problems.append(
                f"{key}: items/articles/missing {actual} != {(items, articles, missing)}"
            )
        value = float(row["coverage_pct"])
        exact = 100 * articles / items
        # any correct rounding to 2 decimals is accepted (round() and numpy may differ at ties)
        if value != pct and not (abs(value - exact) <= 0.005 + 1e-9 and round(value, 2) == value):
            problems.append(f"{key}: coverage_pct {row['coverage_pct']} != {pct}")
    return problems


def test_coverage_csv_matches_independent_count(sources, run_dir):
    with (run_dir / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems = _compare(rows, lambda r: (int(r["goal"]), r["wiki"]),
                        independent_coverage(sources))
    assert not problems, "\n".join(problems[:50])


def test_coverage_itemsets_csv_matches_independent_count(sources, run_dir):
    with (run_dir / "coverage_itemsets.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems = _compare(rows, lambda r: (r["itemset"], r["wiki"]), itemset_coverage(sources))
    assert not problems, "\n".join(problems[:50])
