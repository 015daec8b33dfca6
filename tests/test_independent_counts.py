"""Coverage counted independently, straight from the source files with the csv module.

The counts use neither pandas nor bot code: the source tables in ../shared/data/topics/ are read
again and, for each bundled item set and each Wikipedia its source looked at, the items, how
many have an article there, how many do not and the coverage in percent are counted; per goal,
an item in several sets of the goal is counted once in every Wikipedia one of its sets looked
at. The counts are checked against the bundled N-Triples (a plain SPARQL COUNT in pyoxigraph)
and against the ``coverage.csv`` and ``coverage_itemsets.csv`` that ``sdg-gaps run`` writes.

The sets are defined here as their sources give them: the climate and invasive tables whole,
Nominatim's article rows, and the Uganda corpus's items of the P31 classes listed in
:data:`UGANDA_CLASSES` (its women: humans whose P21 is Q6581072). Humaniki's women are not in
the default run (their sitelinks have no titles), so not here.

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

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
BUNDLE = REPO / "bot" / "data" / "snapshot"

CLIMATE = "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"
INVASIVE_QIDS = "topics/invasive_species_eu/unionconcern_invasive_species_qnumbers_2025.csv"
INVASIVE_LINKS = "topics/invasive_species_eu/unionconcern_invasive_species_wikipedia_links_2025.csv"
UGANDA = "topics/uganda_content_gap/ug_ccc_full_corpus.csv"
NOMINATIM = "topics/nominatim_places/wikimedia-importance.csv.gz"

LEAVE_OUT_WIKIMEDIA_INTERNAL = True

# The Wikimedia-internal classes, as bot/ids.py lists them (checked in a test of its own).
WIKIMEDIA_INTERNAL = frozenset({
    "Q4167836", "Q15647814", "Q24046192", "Q30432511", "Q56428020", "Q59541917", "Q11266439",
    "Q11753321", "Q4167410", "Q22808320", "Q4663903", "Q15184295", "Q14204246", "Q17362920",
    "Q21450877", "Q21623879",
})

# The Uganda sets: (goal, the P31 classes that select them). Compared with the manifest below.
UGANDA_CLASSES = {
    "sdg3-uganda-hospitals": (3, {
        "Q16917", "Q644264", "Q2387974", "Q5154967", "Q1059324", "Q64027457", "Q64027602"}),
    "sdg4-uganda-schools-universities": (4, {
        "Q3914", "Q9842", "Q159334", "Q9826", "Q269770", "Q22713629", "Q572835", "Q11146499",
        "Q2307291", "Q322563", "Q494230", "Q3918", "Q875538", "Q902104", "Q6082807", "Q38723",
        "Q4671277", "Q2385804", "Q62079009", "Q1743327", "Q576603", "Q1522839", "Q233324",
        "Q14911880"}),
    "sdg5-uganda-women": (5, {"Q5"}),
    "sdg6-uganda-water-bodies": (6, {
        "Q4022", "Q47521", "Q16465938", "Q108822533", "Q355304", "Q55659167", "Q7376362",
        "Q23397", "Q3505788", "Q188025", "Q204324", "Q100900880", "Q4862348", "Q3215290",
        "Q5926864", "Q55465414", "Q39594", "Q17018380", "Q15324", "Q166735", "Q30198",
        "Q170321", "Q55463449", "Q3177968", "Q124714", "Q177380"}),
    "sdg7-uganda-power": (7, {
        "Q15911738", "Q1003207", "Q2298412", "Q200297", "Q261604", "Q3498533", "Q1601458",
        "Q55364050", "Q30565277", "Q194356", "Q134447", "Q2144320", "Q18562917"}),
    "sdg10-uganda-refugee-settlements": (10, {"Q622499"}),
    "sdg11-uganda-settlements": (11, {
        "Q515", "Q133283077", "Q1549591", "Q902814", "Q15284", "Q110977456", "Q3957",
        "Q110977342", "Q110977362", "Q123705", "Q486972", "Q532", "Q1317251", "Q3539870"}),
    "sdg15-uganda-protected-areas": (15, {
        "Q473972", "Q46169", "Q18618832", "Q7315273", "Q20268591", "Q1377575", "Q179049",
        "Q1533036"}),
    "sdg15-uganda-forests": (15, {"Q4421"}),
}

Counts = tuple[int, int, int, float]


class SourceSet:
    """One item set as its source gives it: the goal, the items, the wikis looked at, the
    items with an article in each, and the items' P31 classes where the source gives them."""

    def __init__(self, goal: int, items: set[str], articles: dict[str, set[str]],
                 classes: dict[str, set[str]]):
        self.goal, self.items, self.articles, self.classes = goal, items, articles, classes

    def counted(self, leave_out: bool) -> set[str]:
        if not leave_out:
            return set(self.items)
        return {q for q in self.items if not self.classes.get(q, set()) & WIKIMEDIA_INTERNAL}


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        return list(csv.DictReader(handle, delimiter=delimiter, quoting=quoting))


def source_sets(data: Path) -> dict[str, SourceSet]:
    """Every bundled item set of the default run, read from the source files."""
    sets = {}
    climate = _rows(data / CLIMATE)
    langs = [c.removeprefix("article_") for c in climate[0] if c.startswith("article_")]
    sets["sdg13-climate-change"] = SourceSet(
        13,
        {r["qid"] for r in climate},
        {f"{lang}wiki": {r["qid"] for r in climate if r[f"article_{lang}"]} for lang in langs},
        {r["qid"]: {c.strip(" '") for c in r["instance_types"].strip("[]").split(",")}
         for r in climate},
    )
    invasive: dict[str, set[str]] = {}
    for row in _rows(data / INVASIVE_LINKS):
        invasive.setdefault(f"{row['Language']}wiki", set()).add(row["Q-number"])
    sets["sdg15-eu-invasive-alien-species"] = SourceSet(
        15, {r["Wikidata Q-number"] for r in _rows(data / INVASIVE_QIDS)}, invasive, {})
    corpus = _rows(data / UGANDA)
    for set_id, (goal, wanted) in UGANDA_CLASSES.items():
        rows = [r for r in corpus if wanted & set(r["types"].split("|"))
                and (set_id != "sdg5-uganda-women" or r["gender_qid"] == "Q6581072")]
        sets[set_id] = SourceSet(
            goal,
            {r["qitem"] for r in rows},
            {f"{lang}wiki": {r["qitem"] for r in rows if r[f"{lang}_title"]}
             for lang in ("en", "lg", "sw")},
            {r["qitem"]: set(r["types"].split("|")) for r in rows},
        )
    places: dict[str, set[str]] = {}
    items = set()
    for row in _rows(data / NOMINATIM, "\t"):
        places.setdefault(f"{row['language']}wiki", set())
        if row["type"] == "a":
            places[f"{row['language']}wiki"].add(row["wikidata_id"])
            items.add(row["wikidata_id"])
    sets["sdg11-nominatim-places"] = SourceSet(11, items, places, {})
    return sets


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
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared source data is absent ({SHARED}); only CI and developers have it")
    return SHARED


@pytest.fixture(scope="module")
def run_dir(shared, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, f"sdg-gaps run failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return out


def test_independent_counts_known_values(shared):
    """The sources' figures as they give them, every item counted (the topic rule off)."""
    counts = independent_coverage(shared, leave_out=False)
    assert counts[(13, "enwiki")] == (3965, 3965, 0, 100.0)
    assert counts[(13, "arwiki")] == (3965, 1388, 2577, 35.01)
    assert counts[(15, "nowiki")] == (88, 32, 56, 36.36)
    # goal 15 in English: the invasive species, the protected areas and the forests of Uganda
    sets = source_sets(shared)
    uganda_15 = sets["sdg15-uganda-protected-areas"].items | sets["sdg15-uganda-forests"].items
    assert counts[(15, "enwiki")][0] == 88 + len(uganda_15)
    assert counts[(5, "lgwiki")][0] == len(sets["sdg5-uganda-women"].items) == 1307
    assert {goal for goal, _wiki in counts} == {3, 4, 5, 6, 7, 10, 11, 13, 15}
    by_set = itemset_coverage(shared, leave_out=False)
    assert by_set[("sdg11-nominatim-places", "dewiki")] == (152, 125, 27, 82.24)
    assert sum(c[1] for (s, _w), c in by_set.items() if s == "sdg13-climate-change") == 18871


def test_only_the_climate_figures_depend_on_the_topic_rule(shared):
    off, on = independent_coverage(shared, False), independent_coverage(shared, True)
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


def test_bundled_ntriples_match_independent_count(shared):
    store = pyoxigraph.Store()
    with gzip.open(BUNDLE / "wikidata.nt.gz", "rb") as handle:
        store.bulk_load(handle, format=pyoxigraph.RdfFormat.N_TRIPLES)
    expected = itemset_coverage(shared, leave_out=False)
    seen = {}
    for set_id, s in source_sets(shared).items():
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


def test_coverage_csv_matches_independent_count(shared, run_dir):
    with (run_dir / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems = _compare(rows, lambda r: (int(r["goal"]), r["wiki"]),
                        independent_coverage(shared))
    assert not problems, "\n".join(problems[:50])


def test_coverage_itemsets_csv_matches_independent_count(shared, run_dir):
    with (run_dir / "coverage_itemsets.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    problems = _compare(rows, lambda r: (r["itemset"], r["wiki"]), itemset_coverage(shared))
    assert not problems, "\n".join(problems[:50])
