"""`sdg-gaps run` end to end on the bundled snapshot: the files a newcomer gets."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from bot.catalogue import load_catalogue


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out, result


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_writes_every_file(report):
    out, _ = report
    for name in (
        "coverage.csv",
        "gaps.csv",
        "summary.json",
        "pages.json",
        "coverage.png",
        "wikitext/summary.wiki",
        "wikitext/goal-13.wiki",
        "wikitext/goal-15.wiki",
        "wikitext/lang-fr.wiki",
    ):
        assert (out / name).stat().st_size > 0, name
    assert (out / "coverage.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_coverage_csv_columns_and_scope(report):
    out, _ = report
    rows = read_csv(out / "coverage.csv")
    assert list(rows[0])[:3] == ["goal", "wiki", "language"]
    assert {"items", "articles", "missing", "coverage_pct"} <= set(rows[0])
    by_goal = {}
    for row in rows:
        by_goal.setdefault(row["goal"], set()).add(row["wiki"])
        assert int(row["items"]) == int(row["articles"]) + int(row["missing"])
    assert len(by_goal["13"]) == 25  # only the observed wikis
    bundled = load_catalogue().itemsets_for(snapshot_only=True)
    for goal, wikis in by_goal.items():
        observed = {w for s in bundled if s.goal == int(goal) for w in s.observed_wikis}
        assert wikis == observed, goal
    assert len(by_goal) >= 8


def test_gaps_csv_is_ranked_and_bounded_per_goal_and_wiki(report, tmp_path):
    out, _ = report
    rows = read_csv(out / "gaps.csv")
    assert list(rows[0]) == ["goal", "wiki", "language", "rank", "qid", "label", "sitelinks",
                             "kind"]
    fr13 = [r for r in rows if r["goal"] == "13" and r["wiki"] == "frwiki"]
    assert {r["kind"] for r in fr13} == {"translate"}  # every climate item has an enwiki article
    keys = [(-int(r["sitelinks"]), int(r["qid"][1:])) for r in fr13]
    assert keys == sorted(keys)
    assert [int(r["rank"]) for r in fr13] == list(range(1, 201))  # the default bound: 200
    coverage = {(r["goal"], r["wiki"]): int(r["missing"]) for r in read_csv(out / "coverage.csv")}
    # exact: the 3,769 topics (3,965 items less 196 Wikimedia-internal ones) minus their
    # 1,333 frwiki articles (tests/integration/test_independent_counts.py counts both from
    # the source)
    assert coverage[("13", "frwiki")] == 3769 - 1333
    listed, per_kind = {}, {}
    for r in rows:
        listed[(r["goal"], r["wiki"])] = listed.get((r["goal"], r["wiki"]), 0) + 1
        key = (r["goal"], r["wiki"], r["kind"])
        per_kind[key] = per_kind.get(key, 0) + 1
        assert int(r["rank"]) == per_kind[key]  # 1, 2, … within goal × wiki × kind
    assert max(per_kind.values()) == 200  # the default bound, on each kind
    assert set(listed) == {cell for cell, n in coverage.items() if n}
    assert all(min(200, n) <= listed[cell] <= n for cell, n in coverage.items() if n)

    # --gaps-per-wiki all lists every gap; the first 200 of each are the bounded list.
    every = tmp_path / "all"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--goals", "13", "--languages", "fr",
         "--gaps-per-wiki", "all", "--out", str(every), "--quiet", "--no-history"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    whole = read_csv(every / "gaps.csv")
    assert len(whole) == 3769 - 1333
    assert [r["qid"] for r in whole[:200]] == [r["qid"] for r in fr13]


def test_summary_json_says_where_the_data_came_from(report):
    out, result = report
    summary = json.loads((out / "summary.json").read_text())
    assert summary["endpoint"]["name"] == "embedded"
    assert summary["complete"] is True
    bundled = load_catalogue().itemsets_for(snapshot_only=True)
    pinned = len({q for s in bundled for q in s.pinned_qids()})
    assert summary["counts"]["left_out"]["items"] == 196  # the climate set's internal items
    assert summary["counts"]["items"] == pinned - 196
    assert summary["counts"]["queries"] > 0
    assert {s["id"] for s in summary["itemsets"]} == {s.id for s in bundled}
    assert summary["provenance"]  # the snapshot's description
    assert "SPARQL queries" in result.stdout and "API calls" in result.stdout


def test_pages_manifest_names_each_page(report):
    out, _ = report
    pages = json.loads((out / "pages.json").read_text())
    ids = [p["id"] for p in pages["pages"]]
    assert ids[0] == "summary" and "goal-13" in ids and "lang-fr" in ids
    for page in pages["pages"]:
        assert (out / page["file"]).exists()


def test_progress_is_shown(report):
    _, result = report
    assert "sitelinks:" in result.stderr


def test_unobserved_language_is_a_warning_when_another_is_observed(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--goals",
            "13,15",
            "--languages",
            "fr,yo",
            "--out",
            str(tmp_path),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "yowiki was not observed" in result.stderr
    wikis = {r["wiki"] for r in read_csv(tmp_path / "coverage.csv")}
    assert wikis == {"frwiki"}
