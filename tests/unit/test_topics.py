"""What counts as a topic: the Wikimedia-internal rule on real rows, counted per class, and
untitled sitelinks as articles. Its P31 facts over HTTP: tests/integration/test_topics_http.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from bot.catalogue import load_catalogue, read_pinned
from bot.languages import load_wikis
from bot.sources.endpoint import fetch_sitelinks, fetch_types
from bot.topics import split_topics

REPO = Path(__file__).resolve().parents[2]

FIXTURES = REPO / "tests" / "fixtures"  # copies of the real files; see its SOURCES.md

ST14 = FIXTURES / "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"

# Real rows of the climate set (climate_items.tsv: qid, English title, instance_types).
CLIMATE_ROWS = [
    ("Q7942", "Climate change", ["Q4072190", "Q2144359", "Q574376"]),
    ("Q8794290", "Category:Climatologists", ["Q4167836"]),
    ("Q10136846", "Category:Climate change stubs", ["Q24046192", "Q4167836"]),
    ("Q7039010", "Category:Climate change policy", ["Q59541917"]),
    ("Q17489435", "Template:Greenpeace", ["Q11266439"]),
    ("Q18396887", "Portal:Climate change", ["Q4663903"]),
    ("Q106983683", "Carbon capture", ["Q4167410"]),
    ("Q1419355", "List of countries by carbon dioxide emissions", ["Q13406463"]),
    ("Q117476781", "Draft:Earth Observation in place and space", []),
]


def _members(qids, itemset="sdg13-climate-change", goal=13) -> pd.DataFrame:
    return pd.DataFrame({"itemset": itemset, "goal": goal, "qid": list(qids)})


def _types(rows) -> pd.DataFrame:
    pairs = [(qid, cls) for qid, _title, classes in rows for cls in classes]
    return pd.DataFrame(pairs, columns=["qid", "class"])


def test_internal_items_are_left_out_and_counted_per_class():
    members = _members(q for q, _t, _c in CLIMATE_ROWS)
    topics = split_topics(members, _types(CLIMATE_ROWS))
    # an article, a list article (an article too) and an item without P31 (kept: unknown)
    assert list(topics.members["qid"]) == ["Q7942", "Q1419355", "Q117476781"]
    assert list(topics.members.columns) == ["itemset", "goal", "qid"]
    assert list(topics.dropped["qid"]) == [
        "Q8794290", "Q10136846", "Q7039010", "Q17489435", "Q18396887", "Q106983683",
    ]
    assert topics.dropped.set_index("qid").loc["Q10136846", "classes"] == "Q4167836 Q24046192"
    assert topics.left_out == 6
    assert topics.by_class.to_dict("records") == [
        {"class": "Q4167836", "items": 2},
        {"class": "Q4167410", "items": 1},
        {"class": "Q4663903", "items": 1},
        {"class": "Q11266439", "items": 1},
        {"class": "Q24046192", "items": 1},
        {"class": "Q59541917", "items": 1},
    ]


def test_an_item_in_two_goals_is_left_out_of_both_and_counted_once():
    members = pd.concat([_members(["Q8794290", "Q7942"]),
                         _members(["Q8794290"], itemset="organizers", goal=15)])
    topics = split_topics(members, _types(CLIMATE_ROWS))
    assert list(topics.members["qid"]) == ["Q7942"]
    assert sorted(topics.dropped["goal"]) == [13, 15]
    assert topics.left_out == 1
    assert topics.by_class.to_dict("records") == [{"class": "Q4167836", "items": 1}]


def test_no_internal_item_leaves_everything_and_counts_nothing():
    members = _members(["Q7942", "Q117476781"])
    topics = split_topics(members, _types(CLIMATE_ROWS[:1]))
    pd.testing.assert_frame_equal(topics.members, members.reset_index(drop=True))
    assert topics.left_out == 0 and topics.dropped.empty and topics.by_class.empty
    assert list(topics.by_class.columns) == ["class", "items"]
    empty = split_topics(members, pd.DataFrame({"qid": [], "class": []}))
    assert len(empty.members) == 2 and empty.left_out == 0


# --------------------------------------------------------------------------------------------
# P31 facts from the snapshot, through the endpoints a run uses


def _climate_qids() -> list[str]:
    return read_pinned(REPO / "queries" / "pinned" / "sdg13-climate-change.txt")


def test_climate_set_left_out_per_class_equals_an_independent_count(embedded):
    """A reference count straight from st14's instance_types column (csv only)."""
    internal = {"Q4167836", "Q15647814", "Q24046192", "Q30432511", "Q56428020", "Q59541917",
                "Q11266439", "Q11753321", "Q4167410", "Q22808320", "Q4663903", "Q15184295",
                "Q14204246", "Q17362920", "Q21450877", "Q21623879"}
    expected: dict[str, int] = {}
    dropped = set()
    with ST14.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            classes = {c.strip(" '") for c in row["instance_types"].strip("[]").split(",")}
            hits = classes & internal
            if hits:
                dropped.add(row["qid"])
            for cls in hits:
                expected[cls] = expected.get(cls, 0) + 1
    qids = _climate_qids()
    types = fetch_types(embedded, qids, batch_size=500)
    assert list(types.columns) == ["qid", "class"] and len(types) == 3648
    topics = split_topics(_members(qids), types)
    assert dict(zip(topics.by_class["class"], topics.by_class["items"], strict=True)) == expected
    assert set(topics.dropped["qid"]) == dropped and topics.left_out == len(dropped) == 196
    assert len(topics.members) == 3965 - 196


def test_untitled_sitelinks_are_articles_without_a_title(embedded, snapshot):
    women = read_pinned(REPO / "queries" / "pinned" / "sdg5-humaniki-women.txt")
    climate = _climate_qids()[:50]
    links = fetch_sitelinks(embedded, women + climate, load_wikis())
    mine = links[links["qid"].isin(women)]
    assert len(mine) == 2037 and mine["title"].isna().all() and not mine["redirect"].any()
    merkel = set(mine.loc[mine["qid"] == "Q567", "wiki"])
    assert {"dewiki", "enwiki", "frwiki", "lgwiki"} & merkel == {"dewiki", "enwiki", "frwiki"}
    theirs = links[links["qid"].isin(climate)]
    assert theirs["title"].map(lambda t: isinstance(t, str) and t != "").all()


def test_the_default_catalogue_leaves_the_untitled_set_out(snapshot):
    ids = {s.id for s in load_catalogue(snapshot).itemsets_for(snapshot_only=True)}
    assert "sdg5-humaniki-women" not in ids and "sdg5-uganda-women" in ids
