"""A campaign over three recorded runs with changing data, counted again independently.

The data changes between the runs through DERIVED snapshots (tests/derived_snapshot.py: copies
of the bundled snapshot with some real sitelinks left out, never a fact added): the campaign
is published on a copy without the articles of sets A and B (so those items are missing), a
hand ``sdg-gaps run`` then sees a copy without B only (A's articles "created"), and
``campaign impact`` takes its fresh look at the bundled snapshot itself (B's too). A and B each
hold, in both Wikipedias, an item with articles in all three observed Wikipedias (which lands
near the top of the worklist) and an item with the fewest other articles (ranked low: the
comparison group).

The expected counts use no bot code: the snapshot's sitelinks (read from its N-Triples by the
test helper), the item sets' pinned QID lists, the ranking rule of the README (most observed
Wikipedias with an article first, then the lower QID number; each item once per wiki) and the
csv module to read ``impact.csv``.
"""

from __future__ import annotations

import csv
import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import mwparserfromhell
import pytest

from bot.cli import main
from tests import derived_snapshot

REPO = Path(__file__).resolve().parents[2]
SETS = ("sdg6-uganda-water-bodies", "sdg3-uganda-hospitals")  # goal 6, and target 3.8's set
OBSERVED = {"enwiki": "en", "lgwiki": "lg", "swwiki": "sw"}
WIKIS = ("swwiki", "lgwiki")
ROWS = 100
NAME = "Water and health in Swahili and Luganda (test)"


def pinned(set_id: str) -> list[str]:
    lines = (REPO / "queries" / "pinned" / f"{set_id}.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def members() -> list[str]:
    return list(dict.fromkeys(q for s in SETS for q in pinned(s)))


def has_article(links, qid: str, wiki: str) -> bool:
    return (qid, f"https://{OBSERVED[wiki]}.wikipedia.org/") in links


def choose_drops(links) -> tuple[set, set]:
    """Sets A and B of (qid, subdomain): per wiki, an item with all three articles and an item
    with the fewest other articles (the lowest QID of the first kind, the highest of the
    second: ranked last among its peers), one of each for A, the next for B."""
    a, b = set(), set()
    items = sorted(members(), key=lambda q: int(q[1:]))
    for wiki in WIKIS:
        code = OBSERVED[wiki]
        everywhere = [q for q in items if all(has_article(links, q, w) for w in OBSERVED)]
        fewest = sorted((q for q in items if has_article(links, q, wiki)),
                        key=lambda q: (sum(has_article(links, q, w) for w in OBSERVED),
                                       -int(q[1:])))
        assert len(everywhere) >= 2 and len(fewest) >= 2, wiki
        a |= {(everywhere[0], code), (fewest[0], code)}
        b |= {(everywhere[1], code), (fewest[1], code)}
    return a, b


def expected_start(links, dropped: set) -> dict:
    """Per wiki: the worklist (first ROWS gaps in the ranking) and the comparison group."""
    start = {}
    for wiki in WIKIS:
        code = OBSERVED[wiki]

        def article(q, w):
            return has_article(links, q, w) and (q, OBSERVED[w]) not in dropped

        gaps = [q for q in members() if not article(q, wiki)]
        ranked = sorted(gaps, key=lambda q: (-sum(article(q, w) for w in OBSERVED), int(q[1:])))
        start[wiki] = {"worklist": set(ranked[:ROWS]), "control": set(ranked[ROWS:]),
                       "code": code}
    return start


def counts(start: dict, created: set) -> dict:
    """Per wiki: worklist created and comparison created, when *created* (qid, code) got one."""
    out = {}
    for wiki, part in start.items():
        made = {q for q, code in created if code == part["code"]}
        out[wiki] = (len(part["worklist"] & made), len(part["control"] & made))
    return out


@pytest.fixture(scope="module")
def campaign_run(tmp_path_factory):
    """Publish, a hand run, and impact with a fresh look — three recorded runs."""
    base = tmp_path_factory.mktemp("campaign")
    links = derived_snapshot.sitelinks()
    a, b = choose_drops(links)
    s0 = derived_snapshot.derive(base / "derived-without-a-and-b", a | b)
    s1 = derived_snapshot.derive(base / "derived-without-b", b)
    start = datetime.now(UTC).date().replace(day=1)
    toml = base / "campaign.toml"
    toml.write_text(
        f'name = "{NAME}"\npartner = "Test partner"\ngoals = "6, 3.8"\n'
        f'languages = ["sw", "lg"]\nstart = {start.isoformat()}\nend = 2027-06-30\n'
        f'page = "Project:SDG gaps/Campaign test"\nrows = {ROWS}\n', encoding="utf-8")
    history = base / "history.sqlite"
    common = ["--history", str(history), "--quiet"]
    assert main(["campaign", "publish", str(toml), "--snapshot", str(s0),
                 "--out", str(base / "publish"), *common]) == 0
    assert main(["run", "--snapshot", str(s1), "--goals", "3,6", "--languages", "sw,lg",
                 "--out", str(base / "hand"), *common]) == 0
    assert main(["campaign", "impact", str(toml), "--endpoint", "embedded",
                 "--out", str(base / "impact"), *common]) == 0
    return {"base": base, "links": links, "a": a, "b": b, "s0": s0, "toml": toml,
            "history": history, "start": expected_start(links, a | b)}


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_impact_counts_exactly_the_articles_created_per_language(campaign_run):
    start = campaign_run["start"]
    expected = counts(start, campaign_run["a"] | campaign_run["b"])
    # The derived data did what it is for: created articles on and off the worklist.
    for wiki in WIKIS:
        assert expected[wiki][0] >= 1 and expected[wiki][1] >= 1, (wiki, expected)
    path = campaign_run["base"] / "impact" / "impact.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == ["wiki", "month", "worklist_items", "created",
                                             "still_missing", "control_items",
                                             "control_created"]
    rows = read_rows(path)
    month = datetime.now(UTC).strftime("%Y-%m")
    assert [(r["wiki"], r["month"]) for r in rows] == [("lgwiki", month), ("swwiki", month)]
    for row in rows:
        part = start[row["wiki"]]
        made, made_control = expected[row["wiki"]]
        assert int(row["worklist_items"]) == len(part["worklist"]) == ROWS
        assert int(row["created"]) == made
        assert int(row["still_missing"]) == ROWS - made
        assert int(row["control_items"]) == len(part["control"])
        assert int(row["control_created"]) == made_control


def test_each_recorded_run_is_counted_by_what_it_saw(campaign_run):
    start = campaign_run["start"]
    document = json.loads((campaign_run["base"] / "impact" / "impact.json").read_text())
    runs = {}
    for row in document["runs"]:
        runs.setdefault(row["series"], {})[row["wiki"]] = (row["created"], row["control_created"])
    hand = counts(start, campaign_run["a"])
    fresh = counts(start, campaign_run["a"] | campaign_run["b"])
    assert runs == {"cli": hand, f"campaign: {NAME}": fresh}
    assert hand != fresh  # the runs saw different data
    # The new articles are listed by title, each the snapshot's own.
    listed = {(r["wiki"], r["qid"]): r for r in document["created"]}
    assert len(listed) == sum(sum(v) for v in fresh.values())
    for (wiki, qid), row in listed.items():
        site = f"https://{OBSERVED[wiki]}.wikipedia.org/"
        subject = campaign_run["links"][(qid, site)]
        assert subject.endswith(row["title"].replace(" ", "_")) or row["title"]


def test_the_frozen_start_is_the_worklist_and_the_rest_of_the_gaps(campaign_run):
    start = campaign_run["start"]
    rows = read_rows(campaign_run["base"] / "publish" / "start.csv")
    for wiki in WIKIS:
        mine = [r for r in rows if r["wiki"] == wiki]
        assert {r["qid"] for r in mine if r["position"]} == start[wiki]["worklist"]
        assert {r["qid"] for r in mine if not r["position"]} == start[wiki]["control"]


def test_publishing_again_never_changes_the_frozen_start(campaign_run, tmp_path):
    import sqlite3

    history = campaign_run["history"]
    before = sqlite3.connect(history).execute(
        "SELECT wiki, qid, position FROM campaign_items ORDER BY wiki, qid").fetchall()
    # Published again on other data (the bundled snapshot): the pages change, the start not.
    assert main(["campaign", "publish", str(campaign_run["toml"]), "--history", str(history),
                 "--out", str(tmp_path / "again"), "--quiet"]) == 0
    db = sqlite3.connect(history)
    after = db.execute("SELECT wiki, qid, position FROM campaign_items ORDER BY wiki, qid")
    assert after.fetchall() == before
    assert db.execute("SELECT count(*) FROM campaigns").fetchone() == (1,)
    assert not (tmp_path / "again" / "start.csv").exists()
    worklist = read_rows(tmp_path / "again" / "worklist.csv")
    assert not {(r["qid"], r["language"]) for r in worklist} & (
        campaign_run["a"] | campaign_run["b"])  # those have their articles now


def test_the_page_collection_links_each_worklist_item_once_and_nothing_else(campaign_run):
    start = campaign_run["start"]
    text = (campaign_run["base"] / "publish" / "wikitext" / "collection.wiki").read_text()
    code = mwparserfromhell.parse(text)
    links = [str(link.title) for link in code.filter_wikilinks()]
    worklists = set().union(*(start[w]["worklist"] for w in WIKIS))
    assert sorted(links) == sorted(f"d:{q}" for q in worklists)
    assert len(links) == len(set(links))
    assert code.filter_external_links() == []
    # The marker, as the WikimediaCampaignEvents parser tag reads it (its attribute values
    # decoded as MediaWiki decodes them: character references).
    first = text.splitlines()[0]
    marker = re.fullmatch(r'<page-collection name="([^"<>]*)" description="([^"<>]*)" '
                          r'end-date="(\d{4}-\d{2}-\d{2})"></page-collection>', first)
    assert marker, first
    assert html.unescape(marker.group(1)) == NAME
    assert marker.group(3) == "2027-06-30"
    assert len(text.splitlines()) == 1 + len(worklists)  # the marker, then one item a line
