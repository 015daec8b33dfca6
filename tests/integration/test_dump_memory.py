"""The Wikidata JSON dump reader's memory stays flat while the dump grows tenfold: a SYNTHETIC
dump made of the real entities of tests/fixtures/wikidata_entities repeated under new ids is
streamed in a subprocess, and its peak RSS compared.
"""

from __future__ import annotations

import bz2
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

ENTITIES = REPO / "tests" / "fixtures" / "wikidata_entities"  # see tests/fixtures/SOURCES.md

OPENTAPIOCA = ENTITIES / "opentapioca" / "sample_wikidata_items.json.bz2"

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
