"""`sdg-gaps run --itemsets FILE`: an organizer's own item set, without code.

The QIDs below are taken from the bundled invasive-species list (real items); the climate QID
Q7942 is from the bundled climate list.
"""

from __future__ import annotations

import csv
import subprocess
import sys

from bot.snapshot import open_snapshot

INVASIVE = ["Q26283", "Q116667", "Q121439"]  # first lines of queries/pinned/sdg15-eu-…txt


def write_itemset(tmp_path, qids, *, goal=15, name="mine"):
    (tmp_path / f"{name}.txt").write_text("# my list\n" + "\n".join(qids) + "\n")
    toml = tmp_path / f"{name}.toml"
    toml.write_text(
        f'[[itemset]]\nid = "org-{name}"\ngoal = {goal}\ntitle = "Our list"\n'
        f'pinned = "{name}.txt"\n'
    )
    return toml


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--quiet", "--no-history", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_pinned_list_runs_on_the_snapshot_with_the_observed_wikis(tmp_path):
    toml = write_itemset(tmp_path, INVASIVE)
    out = tmp_path / "out"
    result = run("--itemsets", toml, "--out", out)
    assert result.returncode == 0, result.stderr
    with open(out / "coverage_itemsets.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["itemset"] for r in rows} == {"org-mine"}  # only the organizer's set
    assert len(rows) == 34  # the wikis observed for these (invasive-set) items
    assert all(r["items"] == "3" for r in rows)
    with open(out / "coverage.csv", newline="") as handle:
        en = [r for r in csv.DictReader(handle) if r["wiki"] == "enwiki"]
    assert en[0]["articles"] == "3"  # every invasive species has an enwiki article


def test_items_observed_by_different_sources_keep_only_the_common_wikis(tmp_path):
    toml = write_itemset(tmp_path, [INVASIVE[0], "Q7942"], goal=13)
    out = tmp_path / "out"
    result = run("--itemsets", toml, "--out", out)
    assert result.returncode == 0, result.stderr
    with open(out / "coverage.csv", newline="") as handle:
        wikis = {r["wiki"] for r in csv.DictReader(handle)}
    manifest = {info.id: set(info.observed_wikis) for info in open_snapshot().itemsets}
    common = manifest["sdg13-climate-change"] & manifest["sdg15-eu-invasive-alien-species"]
    assert wikis == common
    assert len(common) == 16 and {"ruwiki", "jawiki"}.isdisjoint(common)


def test_items_outside_the_snapshot_are_one_line(tmp_path):
    toml = write_itemset(tmp_path, ["Q1", INVASIVE[0]])  # Q1 is not in the bundled snapshot
    result = run("--itemsets", toml)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "sdg-gaps: error: item set org-mine: 1 of its 2 items are not in the bundled snapshot (Q1)"
    ]


def test_a_broken_itemset_file_is_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[itemset]]\nid = 'x'\n")
    result = run("--itemsets", bad)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml" in lines[0]
