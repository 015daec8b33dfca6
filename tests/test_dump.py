"""The Wikidata JSON dump reader, on the real samples in tests/fixtures/wikidata_entities.

* the 2014 dump sample (400 items, one entity per line in a JSON array) gives exactly the
  Wikipedia sitelinks of ``wikibrain_2014_wikipedia_sitelinks.tsv``, a table made from the same
  file by another program (see SOURCES.md);
* the opentapioca sample (100 items, the current dump format, lines ending in ``,``) reads the
  same from .bz2, .gz and plain text, and an item set keeps only its items;
* memory stays flat while the dump grows tenfold: a SYNTHETIC dump made of the real entities
  repeated under new ids is streamed in a subprocess, and its peak RSS compared.
"""

from __future__ import annotations

import bz2
import gzip
import json
import re
import subprocess
import sys
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

REPO = Path(__file__).resolve().parents[1]
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


_ID = re.compile(rb'"id": "Q[0-9]+"')


def synthetic_dump(path: Path, copies: int) -> int:
    """SYNTHETIC: the 100 real opentapioca entities repeated *copies* times under new ids."""
    lines = [
        line.rstrip(b",\n")
        for line in bz2.decompress(OPENTAPIOCA.read_bytes()).splitlines()
        if line.startswith(b"{")
    ]
    n = 0
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(b"[\n")
        for _ in range(copies):
            for line in lines:
                n += 1
                renumbered = _ID.sub(f'"id": "Q{900_000_000 + n}"'.encode(), line, count=1)
                out.write(renumbered + b",\n")
        out.write(b"]\n")
    return n


STREAM = """
import json, resource, sys
from pathlib import Path
from bot.sources.dump import iter_sitelinks, DumpStats
stats = DumpStats()
rows = sum(len(chunk) for chunk in iter_sitelinks(Path(sys.argv[1]), chunk_rows=20000, stats=stats))
print(json.dumps({"rows": rows, "items": stats.items,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def stream_peak(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", STREAM, str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_memory_stays_flat_as_the_dump_grows_tenfold(tmp_path):
    small, large = tmp_path / "small.json.gz", tmp_path / "large.json.gz"
    n_small, n_large = synthetic_dump(small, 1), synthetic_dump(large, 10)
    one, ten = stream_peak(small), stream_peak(large)
    assert (one["items"], ten["items"]) == (n_small, n_large) == (100, 1000)
    assert ten["rows"] == 10 * one["rows"]
    # The large dump holds about 100 MB of JSON more; a reader that kept it would grow by
    # several times that. Streaming, the peak may move by a few chunks at most.
    assert ten["peak_kb"] <= one["peak_kb"] * 1.25, (one, ten)
