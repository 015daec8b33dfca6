"""Coverage counted independently, straight from the source files with the csv module.

Nothing here uses pandas or bot code: :func:`independent_coverage` reads the shared source
tables and counts, for each (goal, wiki) the source looked at, the items of the set, how many
have an article, how many do not, and the coverage in percent. The counts are checked against
the bundled N-Triples (with a plain SPARQL COUNT in pyoxigraph) and against the ``coverage.csv``
that ``sdg-gaps run`` writes.
"""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
BUNDLE_NT = REPO / "bot" / "data" / "snapshot" / "wikidata.nt.gz"

CLIMATE = "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"
INVASIVE_QIDS = "topics/invasive_species_eu/unionconcern_invasive_species_qnumbers_2025.csv"
INVASIVE_LINKS = "topics/invasive_species_eu/unionconcern_invasive_species_wikipedia_links_2025.csv"

Counts = tuple[int, int, int, float]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def source_sets(shared_data_dir: Path) -> dict[int, tuple[set[str], dict[str, set[str]]]]:
    """For each goal: its item QIDs and, per wiki looked at, the QIDs that have an article."""
    climate = _rows(shared_data_dir / CLIMATE)
    langs = [c.removeprefix("article_") for c in climate[0] if c.startswith("article_")]
    climate_items = {r["qid"] for r in climate}
    climate_articles = {
        f"{lang}wiki": {r["qid"] for r in climate if r[f"article_{lang}"]} for lang in langs
    }

    invasive_items = {r["Wikidata Q-number"] for r in _rows(shared_data_dir / INVASIVE_QIDS)}
    invasive_articles: dict[str, set[str]] = {}
    for row in _rows(shared_data_dir / INVASIVE_LINKS):
        invasive_articles.setdefault(f"{row['Language']}wiki", set()).add(row["Q-number"])
    return {13: (climate_items, climate_articles), 15: (invasive_items, invasive_articles)}


def independent_coverage(shared_data_dir: Path) -> dict[tuple[int, str], Counts]:
    """(goal, wiki) -> (items, articles, missing, coverage_pct), counted from the sources."""
    out = {}
    for goal, (items, by_wiki) in source_sets(shared_data_dir).items():
        for wiki, with_article in by_wiki.items():
            n, a = len(items), len(with_article & items)
            out[(goal, wiki)] = (n, a, n - a, round(100 * a / n, 2))
    return out


@pytest.fixture(scope="module")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared source data is absent ({SHARED}); only CI and developers have it")
    return SHARED


def test_independent_counts_known_values(shared):
    counts = independent_coverage(shared)
    assert len(counts) == 25 + 34
    assert counts[(13, "enwiki")] == (3965, 3965, 0, 100.0)
    assert counts[(13, "arwiki")] == (3965, 1388, 2577, 35.01)
    assert counts[(15, "enwiki")] == (88, 88, 0, 100.0)
    assert counts[(15, "nowiki")] == (88, 32, 56, 36.36)
    assert sum(c[1] for (g, _w), c in counts.items() if g == 13) == 18871
    assert sum(c[1] for (g, _w), c in counts.items() if g == 15) == 1219


def test_bundled_ntriples_match_independent_count(shared):
    store = pyoxigraph.Store()
    with gzip.open(BUNDLE_NT, "rb") as handle:
        store.bulk_load(handle, format=pyoxigraph.RdfFormat.N_TRIPLES)
    expected = independent_coverage(shared)
    seen = {}
    for goal, (items, by_wiki) in source_sets(shared).items():
        values = " ".join(f"wd:{q}" for q in sorted(items))
        query = f"""
            PREFIX schema: <http://schema.org/>
            PREFIX wd: <http://www.wikidata.org/entity/>
            SELECT ?site (COUNT(DISTINCT ?item) AS ?n) WHERE {{
              VALUES ?item {{ {values} }}
              ?article schema:about ?item ; schema:isPartOf ?site .
            }} GROUP BY ?site"""
        for row in store.query(query):
            host = row["site"].value.removeprefix("https://").split(".", 1)[0]
            seen[(goal, f"{host}wiki")] = int(row["n"].value)
        for wiki in by_wiki:
            seen.setdefault((goal, wiki), 0)
    assert seen == {key: value[1] for key, value in expected.items()}


def test_coverage_csv_matches_independent_count(shared, tmp_path):
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"sdg-gaps run failed ({proc.returncode}): {proc.stderr[-2000:]}"
    with (out / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = independent_coverage(shared)
    got, problems = {}, []
    for row in rows:
        key = (int(row["goal"]), row["wiki"])
        if key in got:
            problems.append(f"duplicated row {key}")
        got[key] = row
        if not row.get("language"):
            problems.append(f"{key}: empty language")
    for key in sorted(set(expected) - set(got)):
        problems.append(f"missing row {key}")
    for key in sorted(set(got) - set(expected)):
        problems.append(f"extra row {key}")
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
    assert not problems, "\n".join(problems[:50])
