"""`sdg-gaps run --sitelinks S.parquet --members M.parquet` on SYNTHETIC data of 300,000 items in
340 Wikipedias: it exits 0, its coverage.csv equals an independent count, and the whole process
stays under 2 GB.

The data is SYNTHETIC (``python -m bench.synthetic --run-files``: random QIDs, Zipf-weighted
Wikipedias named ``synNNNwiki``, a share of the sitelinks redirect-badged), never Wikidata facts.
The independent count reads the two Parquet files with pyarrow and counts with Python sets and
dicts, no bot code: such a source observes every Wikipedia in which it holds an article of one
of the run's items; a cell is an item of a goal in one of those Wikipedias; a sitelink with the
redirect badge is not an article.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
ITEMS = 300_000
REDIRECT = "Q70893996"  # the badge the synthetic files use ("sitelink to redirect")

# The run in a wrapper that reports the whole process's peak resident memory, in kB: VmHWM, the
# high-water mark of its own address space (ru_maxrss would include the pytest worker's at exec).
PEAK = (
    "import sys\n"
    "from pathlib import Path\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[2:])\n"
    "status = Path('/proc/self/status').read_text().splitlines()\n"
    "hwm = [line for line in status if line.startswith('VmHWM')]\n"
    "open(sys.argv[1], 'w').write(hwm[0].split()[1])\n"
    "sys.exit(code)\n"
)


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    done = subprocess.run(
        [sys.executable, "-m", "bench.synthetic", str(out), "--items", str(ITEMS),
         "--sitelinks", str(ITEMS * 17 // 2), "--run-files"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


def independent_coverage(data: Path) -> dict[tuple[int, str], tuple[int, int]]:
    """(goal, wiki) → (items, articles), from the files, with Python sets."""
    members = pq.read_table(data / "members.parquet", columns=["goal", "qid"]).to_pydict()
    goal_items: dict[int, set[str]] = {}
    for goal, qid in zip(members["goal"], members["qid"], strict=True):
        goal_items.setdefault(int(goal), set()).add(qid)
    everyone = set().union(*goal_items.values())
    sitelinks = pq.read_table(data / "sitelinks.parquet", columns=["qid", "wiki", "badges"])
    articles: dict[str, set[str]] = {}
    for qid, wiki, badges in zip(*(sitelinks.column(c).to_pylist() for c in
                                   ("qid", "wiki", "badges")), strict=True):
        if qid in everyone and REDIRECT not in (badges or "").split():
            articles.setdefault(wiki, set()).add(qid)
    counts = {}
    for goal, items in goal_items.items():
        for wiki, have in articles.items():
            counts[(goal, wiki)] = (len(items), len(items & have))
    return counts


@pytest.mark.slow
def test_a_run_of_300000_items_from_parquet(data, tmp_path):
    out, peak = tmp_path / "report", tmp_path / "peak"
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(peak), "run", "--sitelinks",
         str(data / "sitelinks.parquet"), "--members", str(data / "members.parquet"),
         "--no-history", "--quiet", "--out", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    with (out / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    got = {(int(r["goal"]), r["wiki"]): (int(r["items"]), int(r["articles"])) for r in rows}
    expected = independent_coverage(data)
    assert len(got) == 17 * 340 and got == expected
    for r in rows:
        assert int(r["missing"]) == int(r["items"]) - int(r["articles"])
    peak_mb = int(peak.read_text()) / 1024
    assert peak_mb < 2048, f"whole-process peak {peak_mb:.0f} MB"
    for name in ("gaps.csv", "index.html", "coverage.png", "wikitext/summary.wiki"):
        assert (out / name).stat().st_size > 0, name
