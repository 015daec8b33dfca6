"""The bundled snapshot against its sources, read again here with the csv module only.

Each fact of the triples (articles and their titles, P31 classes, English labels, page views)
is recounted from the source files (tests/fixtures/topics/, copies of ../shared/data's; see
tests/fixtures/SOURCES.md). The builder's refusals of a source that disagrees with itself:
tests/integration/test_snapshot_sources_rebuild.py.
"""

from __future__ import annotations

import csv
import gzip
import json
import urllib.parse
from pathlib import Path

import pyoxigraph
import pytest

from bot.snapshot import article_url, open_snapshot

REPO = Path(__file__).resolve().parents[2]

TOPICS = REPO / "tests" / "fixtures" / "topics"

BUNDLE = REPO / "bot" / "data" / "snapshot"

ENTITY = "http://www.wikidata.org/entity/"

SCHEMA = "http://schema.org/"

LINKED_PAGE = "https://www.wikidata.org/wiki/Special:GoToLinkedPage/"


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        return list(csv.DictReader(handle, delimiter=delimiter, quoting=quoting))


def _pinned(itemset_id: str) -> set[str]:
    text = (REPO / "queries" / "pinned" / f"{itemset_id}.txt").read_text(encoding="utf-8")
    return {line for line in text.splitlines() if line and not line.startswith("#")}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((BUNDLE / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def triples():
    with gzip.open(BUNDLE / "wikidata.nt.gz", "rb") as handle:
        return list(pyoxigraph.parse(handle, format=pyoxigraph.RdfFormat.N_TRIPLES))


@pytest.fixture(scope="module")
def uganda(manifest) -> dict[str, dict[str, str]]:
    """The Uganda corpus's rows of the items some bundled Uganda set holds."""
    members = set().union(*(_pinned(s["id"]) for s in manifest["itemsets"]
                            if "-uganda-" in s["id"]))
    rows = _rows(TOPICS / "uganda_content_gap/ug_ccc_full_corpus.csv")
    return {r["qitem"]: r for r in rows if r["qitem"] in members}


def _expected_articles(manifest, uganda) -> dict[str, str]:
    """article IRI → item IRI, from every source."""
    out = {}
    for row in _rows(TOPICS / "climate_change_25langs/"
                     "wellesley_st14_climate_items_25lang_sitelinks.csv"):
        for column, url in row.items():
            if column.startswith("article_") and url:
                out[url] = row["item"]
    for row in _rows(TOPICS / "invasive_species_eu/"
                     "unionconcern_invasive_species_wikipedia_links_2025.csv"):
        out[article_url(row["Language"], row["Wikipedia Title"])] = ENTITY + row["Q-number"]
    for qid, row in uganda.items():
        for lang in ("en", "lg", "sw"):
            if row[f"{lang}_title"]:
                out[article_url(lang, row[f"{lang}_title"])] = ENTITY + qid
    for row in _rows(TOPICS / "nominatim_places/wikimedia-importance.csv.gz", "\t"):
        if row["type"] == "a":
            title = row["title"].replace("_", " ")
            out[article_url(row["language"], title)] = ENTITY + row["wikidata_id"]
    women = _pinned("sdg5-humaniki-women")
    observed = set(next(s for s in manifest["itemsets"]
                        if s["id"] == "sdg5-humaniki-women")["observed_wikis"])
    for row in _rows(TOPICS / "humaniki_denelezh/denelezh_human_sitelink_500.tsv", "\t"):
        qid = "Q" + row["human"]
        if qid in women and row["sitelink"] in observed:
            out[f"{LINKED_PAGE}{row['sitelink']}/{qid}"] = ENTITY + qid
    return out


def test_every_article_matches_its_source(manifest, uganda, triples):
    about = {t.subject.value: t.object.value for t in triples
             if t.predicate.value == SCHEMA + "about"}
    assert about == _expected_articles(manifest, uganda)


def test_titles_are_the_sources_titles(uganda, triples):
    names = {t.subject.value: t.object.value for t in triples
             if t.predicate.value == SCHEMA + "name"}
    checked = 0
    for row in uganda.values():
        for lang in ("en", "lg", "sw"):
            if row[f"{lang}_title"]:
                assert names[article_url(lang, row[f"{lang}_title"])] == row[f"{lang}_title"]
                checked += 1
    assert checked > 7000  # en, lg and sw titles of the bundled Uganda items
    for url, name in names.items():
        assert urllib.parse.unquote(url.split("/wiki/", 1)[1]).replace("_", " ") == name


def test_humaniki_women_and_their_sitelinks(manifest, triples):
    humans = _rows(TOPICS / "humaniki_denelezh/denelezh_humans_500.tsv", "\t")
    women = {"Q" + r["id"] for r in humans if r["gender"] == "6581072"}
    assert _pinned("sdg5-humaniki-women") == women and len(women) == 39
    projects = _rows(TOPICS / "humaniki_denelezh/denelezh_project.tsv", "\t")
    wikipedias = {r["code"] for r in projects if r["type"] == "wikipedia"}
    entry = next(s for s in manifest["itemsets"] if s["id"] == "sdg5-humaniki-women")
    assert set(entry["observed_wikis"]) == wikipedias - {"mowiki", "howiki"}  # closed wikis
    untitled = [t for t in triples if t.subject.value.startswith(LINKED_PAGE)]
    assert not [t for t in untitled if t.predicate.value == SCHEMA + "name"]
    assert len({t.subject for t in untitled}) == entry["sitelinks"] == 2037


def test_p31_classes_are_the_sources(uganda, triples):
    expected = set()
    for row in _rows(TOPICS / "climate_change_25langs/climate_items.tsv", "\t"):
        text = row["instance_types"].strip("[]")
        expected |= {(row["qid"], c.strip(" '")) for c in text.split(",") if c.strip(" '")}
    for qid, row in uganda.items():
        expected |= {(qid, c) for c in row["types"].split("|") if c}
    got = {
        (t.subject.value.removeprefix(ENTITY), t.object.value.removeprefix(ENTITY))
        for t in triples
        if t.predicate.value == "http://www.wikidata.org/prop/direct/P31"
    }
    assert got == expected


def test_labels_are_the_sources_english_labels(uganda, triples):
    expected = {qid: row["label"] for qid, row in uganda.items() if row["label"]}
    women = _pinned("sdg5-humaniki-women")
    for row in _rows(TOPICS / "humaniki_denelezh/denelezh_label_500.tsv", "\t"):
        if "Q" + row["id"] in women:
            expected["Q" + row["id"]] = row["label"]
    got = {
        t.subject.value.removeprefix(ENTITY): t.object.value
        for t in triples
        if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
    }
    assert got == expected


def test_pageviews_are_the_sources_positive_counts(uganda):
    expected = {(qid, "enwiki", int(r["en_views"])) for qid, r in uganda.items()
                if int(r["en_views"]) > 0}
    frame = open_snapshot().pageviews()
    got = set(zip(frame["qid"], frame["wiki"], frame["views"].astype(int), strict=True))
    assert got == expected and len(got) == 904


def test_uganda_sets_are_the_items_of_their_classes(manifest, uganda):
    corpus = _rows(TOPICS / "uganda_content_gap/ug_ccc_full_corpus.csv")
    for entry in (s for s in manifest["itemsets"] if "-uganda-" in s["id"]):
        classes = {c["qid"] for c in entry["classes"]}
        expected = {
            r["qitem"] for r in corpus
            if classes & set(r["types"].split("|"))
            and (entry["id"] != "sdg5-uganda-women" or r["gender_qid"] == "Q6581072")
        }
        assert _pinned(entry["id"]) == expected, entry["id"]
