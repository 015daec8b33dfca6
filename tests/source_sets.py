"""The bundled item sets as their sources give them, read with the csv module only.

The source tables are the real files laid out as in ../shared/data/topics/ — in the tests, their
committed copies in tests/fixtures/ (see tests/fixtures/SOURCES.md). :func:`source_sets` reads
each bundled item set of the default run from them: the climate and invasive tables whole,
Nominatim's article rows, and the Uganda corpus's items of the P31 classes listed in
:data:`UGANDA_CLASSES` (its women: humans whose P21 is Q6581072). :data:`WIKIMEDIA_INTERNAL` is
the topic rule's list of classes, as bot/ids.py lists them
(tests/integration/test_independent_counts.py checks that the two lists are the same). Used by
tests/integration/test_independent_counts.py, tests/integration/test_demand.py,
tests/integration/test_report_pages.py and tests/unit/test_report_quality.py.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CLIMATE = "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"
INVASIVE_QIDS = "topics/invasive_species_eu/unionconcern_invasive_species_qnumbers_2025.csv"
INVASIVE_LINKS = "topics/invasive_species_eu/unionconcern_invasive_species_wikipedia_links_2025.csv"
UGANDA = "topics/uganda_content_gap/ug_ccc_full_corpus.csv"
NOMINATIM = "topics/nominatim_places/wikimedia-importance.csv.gz"

LEAVE_OUT_WIKIMEDIA_INTERNAL = True

# The Wikimedia-internal classes, as bot/ids.py lists them
# (tests/integration/test_independent_counts.py checks it).
WIKIMEDIA_INTERNAL = frozenset({
    "Q4167836", "Q15647814", "Q24046192", "Q30432511", "Q56428020", "Q59541917", "Q11266439",
    "Q11753321", "Q4167410", "Q22808320", "Q4663903", "Q15184295", "Q14204246", "Q17362920",
    "Q21450877", "Q21623879",
})

# The Uganda sets: (goal, the P31 classes that select them). Compared with the manifest by
# tests/integration/test_independent_counts.py.
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


def read_rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        return list(csv.DictReader(handle, delimiter=delimiter, quoting=quoting))


def source_sets(data: Path) -> dict[str, SourceSet]:
    """Every bundled item set of the default run, read from the source files."""
    sets = {}
    climate = read_rows(data / CLIMATE)
    langs = [c.removeprefix("article_") for c in climate[0] if c.startswith("article_")]
    sets["sdg13-climate-change"] = SourceSet(
        13,
        {r["qid"] for r in climate},
        {f"{lang}wiki": {r["qid"] for r in climate if r[f"article_{lang}"]} for lang in langs},
        {r["qid"]: {c.strip(" '") for c in r["instance_types"].strip("[]").split(",")}
         for r in climate},
    )
    invasive: dict[str, set[str]] = {}
    for row in read_rows(data / INVASIVE_LINKS):
        invasive.setdefault(f"{row['Language']}wiki", set()).add(row["Q-number"])
    sets["sdg15-eu-invasive-alien-species"] = SourceSet(
        15, {r["Wikidata Q-number"] for r in read_rows(data / INVASIVE_QIDS)}, invasive, {})
    corpus = read_rows(data / UGANDA)
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
    for row in read_rows(data / NOMINATIM, "\t"):
        places.setdefault(f"{row['language']}wiki", set())
        if row["type"] == "a":
            places[f"{row['language']}wiki"].add(row["wikidata_id"])
            items.add(row["wikidata_id"])
    sets["sdg11-nominatim-places"] = SourceSet(11, items, places, {})
    return sets
