"""The bundled snapshot: verified on open, shaped like WDQS. Rebuilt from its sources:
tests/integration/test_snapshot_rebuild.py.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import urllib.parse
from pathlib import Path

import pyoxigraph
import pytest

from bot.errors import SnapshotError
from bot.languages import read_table
from bot.snapshot import (
    DATA_FILES,
    MANIFEST_FILE,
    ItemSetInfo,
    article_url,
    build_snapshot,
    open_snapshot,
)

REPO = Path(__file__).resolve().parents[2]

FIXTURES = REPO / "tests" / "fixtures"  # copies of the real files; see its SOURCES.md

BUNDLE = REPO / "bot" / "data" / "snapshot"

ST14 = FIXTURES / "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"

SCHEMA = "http://schema.org/"

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

LINKED_PAGE = "https://www.wikidata.org/wiki/Special:GoToLinkedPage/"


@pytest.fixture(scope="module")
def triples():
    with gzip.open(BUNDLE / "wikidata.nt.gz", "rb") as handle:
        return list(pyoxigraph.parse(handle, format=pyoxigraph.RdfFormat.N_TRIPLES))


def test_gzip_members_carry_no_name_or_time():
    for name in DATA_FILES:
        header = (BUNDLE / name).read_bytes()[:10]
        assert header[3] == 0, f"{name}: gzip header has flags (a file name?)"
        assert header[4:8] == b"\0\0\0\0", f"{name}: gzip header has an mtime"


def test_open_bundle_matches_manifest():
    snap = open_snapshot()
    manifest = json.loads((BUNDLE / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert snap.manifest == manifest
    assert [s.id for s in snap.itemsets] == [
        "sdg3-uganda-hospitals",
        "sdg4-uganda-schools-universities",
        "sdg5-humaniki-women",
        "sdg5-uganda-women",
        "sdg6-uganda-water-bodies",
        "sdg7-uganda-power",
        "sdg10-uganda-refugee-settlements",
        "sdg11-nominatim-places",
        "sdg11-uganda-settlements",
        "sdg13-climate-change",
        "sdg15-eu-invasive-alien-species",
        "sdg15-uganda-forests",
        "sdg15-uganda-protected-areas",
    ]
    sets = {s.id: s for s in snap.itemsets}
    climate, invasive = sets["sdg13-climate-change"], sets["sdg15-eu-invasive-alien-species"]
    assert isinstance(climate, ItemSetInfo)
    assert (climate.goal, climate.targets, climate.items, climate.sitelinks) == (
        13,
        (),
        3965,
        18871,
    )
    assert len(climate.observed_wikis) == 25 and "enwiki" in climate.observed_wikis
    assert (invasive.goal, invasive.targets, invasive.items, invasive.sitelinks) == (
        15,
        ("15.8",),
        88,
        1219,
    )
    assert len(invasive.observed_wikis) == 34 and "nowiki" in invasive.observed_wikis
    for info in snap.itemsets:
        assert info.observed_check and info.source["commit"] and info.data_date
        if info.id.startswith("sdg") and "-uganda-" in info.id:
            assert info.observed_wikis == ("enwiki", "lgwiki", "swwiki")
            assert info.classes and info.titles
            assert "ug_coverage_by_language.csv" in info.observed_check
    women = sets["sdg5-humaniki-women"]
    assert (women.items, women.sitelinks, women.titles) == (39, 2037, False)
    assert len(women.observed_wikis) == 303 and "mowiki" not in women.observed_wikis
    places = sets["sdg11-nominatim-places"]
    assert (places.items, places.sitelinks, len(places.observed_wikis)) == (152, 1969, 39)
    assert sets["sdg5-uganda-women"].classes == (("Q5", "human"),)
    assert sets["sdg10-uganda-refugee-settlements"].targets == ("10.7",)
    assert snap.goal_qids[1] == "Q50214636" and snap.goal_qids[13] == "Q53581236"
    assert sorted(snap.goal_qids) == list(range(1, 18))
    assert snap.ntriples_path == BUNDLE / "wikidata.nt.gz"
    for info in snap.itemsets:
        pinned = (REPO / info.pinned).read_text(encoding="utf-8").splitlines()
        qids = [line for line in pinned if not line.startswith("# ")]
        assert len(qids) == info.items == len(set(qids))
        assert qids == sorted(qids, key=lambda q: int(q[1:]))
    json.dumps(snap.describe())
    assert snap.describe()["bundled"] is True
    assert snap.describe()["pageviews_source"]["wiki"] == "enwiki"


def test_pagesizes_frame():
    frame = open_snapshot().pagesizes()
    assert list(frame.columns) == ["qid", "wiki", "pagesize_bytes"]
    assert str(frame["pagesize_bytes"].dtype) == "int64"
    assert len(frame) == 16637
    assert frame["qid"].str.fullmatch(r"Q\d+").all() and frame["wiki"].str.endswith("wiki").all()
    keys = list(zip(frame["qid"].str[1:].astype(int), frame["wiki"], strict=True))
    assert keys == sorted(keys)
    assert not {"cswiki", "dawiki", "bgwiki"} & set(frame["wiki"])  # st01 has none of them


def test_pageviews_frame():
    frame = open_snapshot().pageviews()
    assert list(frame.columns) == ["qid", "wiki", "views"]
    assert str(frame["views"].dtype) == "int64" and (frame["views"] > 0).all()
    assert set(frame["wiki"]) == {"enwiki"} and frame["qid"].is_unique
    keys = list(frame["qid"].str[1:].astype(int))
    assert keys == sorted(keys)
    assert len(frame) == open_snapshot().manifest["pageviews_source"]["rows"]


def test_wikipedias_table():
    frame = read_table()
    assert len(frame) == 299 and frame["wiki"].is_unique
    assert list(frame["wiki"]) == sorted(frame["wiki"])
    assert frame["closed"].dtype == bool
    row = frame.set_index("wiki").loc["be_x_oldwiki"]
    assert (row["subdomain"], row["language"]) == ("be-tarask", "be-x-old")
    assert frame.set_index("wiki").loc["aawiki", "closed"]
    assert not frame.set_index("wiki").loc["nowiki", "closed"]


@pytest.mark.parametrize("damage", ["byte", "missing", "json", "gzip", "nodir"])
def test_damaged_copy_raises(tmp_path, damage):
    copy = tmp_path / "snap"
    shutil.copytree(BUNDLE, copy)
    nt = copy / "wikidata.nt.gz"
    if damage == "byte":
        data = bytearray(nt.read_bytes())
        data[len(data) // 2] ^= 0xFF
        nt.write_bytes(bytes(data))
    elif damage == "missing":
        (copy / "pageviews.tsv.gz").unlink()
    elif damage == "json":
        (copy / MANIFEST_FILE).write_text('{"format": 1, "files": ', encoding="utf-8")
    elif damage == "gzip":
        # a truncated gzip whose checksum was updated in the manifest: only decompression fails
        import hashlib

        data = nt.read_bytes()[:-100]
        nt.write_bytes(data)
        manifest = json.loads((copy / MANIFEST_FILE).read_text(encoding="utf-8"))
        manifest["files"]["wikidata.nt.gz"] = hashlib.sha256(data).hexdigest()
        (copy / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    else:
        copy = tmp_path / "nowhere"
    with pytest.raises(SnapshotError) as info:
        open_snapshot(copy)
    message = str(info.value)
    assert "\n" not in message
    assert str(copy) in message


def test_ntriples_parse_and_shape(triples):
    """Every article has the four WDQS triples, and a name exactly when it is not one of the
    title-less Special:GoToLinkedPage articles. (The counts are checked against the sources in
    tests/unit/test_snapshot_sources.py.)"""
    by_pred: dict[str, int] = {}
    for t in triples:
        by_pred[t.predicate.value] = by_pred.get(t.predicate.value, 0) + 1
    articles = {t.subject.value for t in triples if t.predicate.value == SCHEMA + "about"}
    typed = {
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == SCHEMA + "Article"
    }
    named = {t.subject.value for t in triples if t.predicate.value == SCHEMA + "name"}
    assert typed == articles and named <= articles
    for pred in ("about", "isPartOf", "inLanguage", "name"):
        assert by_pred[SCHEMA + pred] == len(articles if pred != "name" else named), pred
    assert articles - named == {a for a in articles if a.startswith(LINKED_PAGE)}
    assert all(a.startswith("https://") and ".wikipedia.org/wiki/" in a for a in named)
    labels = [t for t in triples if t.predicate.value == RDFS_LABEL]
    assert len(labels) == len({t.subject for t in labels})  # one English label per item
    assert {t.object.language for t in labels} == {"en"}
    assert by_pred["http://www.w3.org/2004/02/skos/core#exactMatch"] == 17
    assert not any("badge" in p for p in by_pred)
    assert len(triples) == open_snapshot().manifest["triples"]


def test_ntriples_names_match_urls(triples):
    names = {t.subject.value: t.object for t in triples if t.predicate.value == SCHEMA + "name"}
    langs = {
        t.subject.value: t.object.value
        for t in triples
        if t.predicate.value == SCHEMA + "inLanguage"
    }
    assert names
    for url, name in names.items():
        sub = url.split("//", 1)[1].split(".", 1)[0]
        assert name.language == sub == langs[url]
        assert article_url(sub, name.value) == url


def test_article_url_reproduces_st14_urls():
    with ST14.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    checked = 0
    for row in rows:
        for column, url in row.items():
            if column.startswith("article_") and url:
                lang = column.removeprefix("article_")
                title = urllib.parse.unquote(url.split("/wiki/", 1)[1]).replace("_", " ")
                assert article_url(lang, title) == url
                checked += 1
    assert checked == 18871


def test_bad_source_dir_raises(tmp_path):
    with pytest.raises(SnapshotError, match="source directory not found"):
        build_snapshot(tmp_path / "absent", tmp_path / "o", tmp_path / "p", tmp_path / "w.tsv")
