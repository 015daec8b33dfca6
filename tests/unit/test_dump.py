"""The Wikidata JSON dump reader, on the real samples in tests/fixtures/wikidata_entities.

* the 2014 dump sample (400 items, one entity per line in a JSON array) gives exactly the
  Wikipedia sitelinks of ``wikibrain_2014_wikipedia_sitelinks.tsv``, a table made from the same
  file by another program (see SOURCES.md);
* the opentapioca sample (100 items, the current dump format, lines ending in ``,``) reads the
  same from .bz2, .gz and plain text, and an item set keeps only its items.

Memory as the dump grows: tests/integration/test_dump_memory.py.
"""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pandas as pd
import pytest

from bot.sources.dump import (
    COLUMNS,
    DumpError,
    DumpStats,
    is_wikipedia,
    iter_sitelinks,
    read_sitelinks,
)

REPO = Path(__file__).resolve().parents[2]

ENTITIES = REPO / "tests" / "fixtures" / "wikidata_entities"  # see tests/fixtures/SOURCES.md

OPENTAPIOCA = ENTITIES / "opentapioca" / "sample_wikidata_items.json.bz2"

DUMP_2014 = (
    ENTITIES / "wikidata_dump_sample_2014" / "wikibrain_testDump_400items_1304props.json.bz2"
)

SITELINKS_2014 = ENTITIES / "wikidata_dump_sample_2014" / "wikibrain_2014_wikipedia_sitelinks.tsv"


def test_the_2014_sample_gives_the_derived_table_exactly():
    stats = DumpStats()
    frame = read_sitelinks(DUMP_2014, stats=stats)
    expected = pd.read_csv(SITELINKS_2014, sep="\t", dtype=str, keep_default_na=False)
    got = set(zip(frame["qid"].astype(str), frame["wiki"].astype(str), frame["title"], strict=True))
    want = set(zip(expected["qid"], expected["site"], expected["title"], strict=True))
    assert got == want
    assert len(frame) == len(expected) == 36391
    assert stats.items == 400 and stats.sitelinks == 36391
    assert frame["wiki"].nunique() == 280
    assert list(frame.columns) == COLUMNS


def test_formats_agree_and_an_item_set_keeps_its_items(tmp_path):
    text = bz2.decompress(OPENTAPIOCA.read_bytes())
    (tmp_path / "d.json.gz").write_bytes(gzip.compress(text, 1))
    (tmp_path / "d.json").write_bytes(text)
    frames = [read_sitelinks(p) for p in (OPENTAPIOCA, tmp_path / "d.json.gz", tmp_path / "d.json")]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(other, frames[0])
    belgium = frames[0][frames[0]["qid"] == "Q31"]
    assert ("enwiki", "Belgium") in set(zip(belgium["wiki"], belgium["title"], strict=True))
    assert not {"commonswiki", "enwikivoyage", "specieswiki"} & set(belgium["wiki"].astype(str))
    # A featured-article badge is kept (afwiki's "België" carries Q17437796 in this sample).
    assert belgium.set_index("wiki").loc["afwiki", "badges"] == "Q17437796"

    stats = DumpStats()
    chosen = read_sitelinks(OPENTAPIOCA, {"Q31", "Q183", "Q999999999"}, stats=stats)
    assert set(chosen["qid"].astype(str)) == {"Q31", "Q183"}
    assert stats.found == {"Q31", "Q183"}  # the third QID is not in the sample


def test_wikipedia_keys():
    known = {"enwiki", "frwiki"}
    assert is_wikipedia("enwiki", known)
    assert is_wikipedia("zh_min_nanwiki", known)  # the shape of a language Wikipedia
    for key in ("commonswiki", "specieswiki", "wikidatawiki", "metawiki", "enwikiquote"):
        assert not is_wikipedia(key, known)


def test_a_broken_line_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[\n{"type":"item","id":"Q1","sitelinks":{}},\n{"type":"item","id":\n]\n')
    with pytest.raises(DumpError, match="line 3 is not one JSON entity"):
        list(iter_sitelinks(bad))
    with pytest.raises(DumpError, match="cannot open"):
        list(iter_sitelinks(tmp_path / "missing.json.gz"))
