"""A scheduled run on a live-style endpoint posts pages with quality figures, and a hand run of
the same report writes the same files.

The endpoint is a real ``oxigraph serve`` holding the bundled snapshot, asked as a live service
(every Wikipedia observable, no ``--snapshot-data``); page sizes come from the real test wiki's
API (``--pagesize-api``), on which a few of the invasive species' German article titles are
created first. The titles are the snapshot's real dewiki titles; the pages' texts are SYNTHETIC
(a repeated word, of sizes chosen to fall in each quality class), so the sizes the API reports
are measurements of those test pages, not of German Wikipedia.
"""

import csv
import json
import subprocess
import sys

import pytest

from bot.runs_facts import DataSource
from bot.schedule import ScheduleOptions, run_schedule

pytestmark = [pytest.mark.wiki, pytest.mark.server]

CONFIG = "Project:SDG gaps/Config"
ROOT = "Project:SDG gaps/Live"
SIZES = (2_000, 12_000, 40_000)  # a stub, an article, a long article (bytes)


def german_titles(n: int) -> list[str]:
    """The first *n* dewiki titles of the invasive species set, as the snapshot has them."""
    from bot.catalogue import load_catalogue
    from bot.languages import load_wikis
    from bot.sources.endpoint import fetch_sitelinks
    from bot.sparql import make_endpoint

    endpoint, snapshot = make_endpoint("embedded", contact=None, snapshot_dir=None)
    qids = load_catalogue(snapshot).itemset("sdg15-eu-invasive-alien-species").pinned_qids()
    links = fetch_sitelinks(endpoint, qids, load_wikis())
    return sorted(links.loc[links["wiki"] == "dewiki", "title"].tolist())[:n]


def read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_scheduled_live_run_posts_quality_and_a_hand_run_writes_the_same(
    wiki, oxigraph_snapshot_server, tmp_path
):
    for n, title in enumerate(german_titles(9)):
        wiki.edit(title, "Wort " * (SIZES[n % 3] // 5))
    wiki.edit(CONFIG, f"{{{{SDG gaps report | page = {ROOT} | goals = 15 | languages = de"
                      " | every = 0 | rows = 20}}")
    source = DataSource(endpoint=oxigraph_snapshot_server.query_url, fallback="none",
                        cache_dir=None, contact="tests@localhost", pagesize_api=wiki.api_url)
    lines = []
    result = run_schedule(ScheduleOptions(
        config_page=CONFIG, history=tmp_path / "history.sqlite", out_dir=tmp_path / "out",
        source=source, echo=lines.append))
    assert result.exit_code == 0, lines
    [report] = result.reports
    assert report.status == "done" and report.outcomes, report
    goal = wiki.text("Test Wiki:SDG gaps/Live/SDG 15")
    [scheduled] = list((tmp_path / "out").glob("*/run-*"))
    quality = {r["wiki"]: r for r in read(scheduled / "quality.csv")}
    de = quality["dewiki"]
    assert de["sized"] == "True" and de["score"] and float(de["score"]) > 0
    assert int(de["stub"]) == 3 and int(de["article"]) == 3 and int(de["long"]) == 3
    assert f"{float(de['score']):.2f}" in goal  # the posted goal page shows the figure

    hand = tmp_path / "hand"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--endpoint", oxigraph_snapshot_server.query_url,
         "--fallback", "none", "--no-cache", "--contact", "tests@localhost",
         "--pagesize-api", wiki.api_url, "--goals", "15", "--languages", "de",
         "--gaps-per-wiki", "20", "--history", str(tmp_path / "hand.sqlite"), "--series",
         "Test Wiki:SDG gaps/Live", "--quiet", "--out", str(hand)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for name in ("coverage.csv", "coverage_itemsets.csv", "coverage_targets.csv", "gaps.csv",
                 "quality.csv", "sources.csv"):
        assert (hand / name).read_text() == (scheduled / name).read_text(), name
    ids = {d: json.loads((d / "summary.json").read_text())["run_id"] for d in (scheduled, hand)}
    for name in ("wikitext/goal-15.wiki", "wikitext/lang-de.wiki"):
        texts = [(d / name).read_text().replace(ids[d], "RUN") for d in (scheduled, hand)]
        texts = ["\n".join(line for line in text.splitlines() if "finished" not in line)
                 for text in texts]
        assert texts[0] == texts[1], name
