"""The coverage rules on small tables, through the default engine (facts in, tables out).

The QIDs here are illustrative keys in hand-made frames, not claims about Wikidata.
"""

from __future__ import annotations

import pandas as pd

from bot.analysis import totals
from bot.engines import Plan, make_engine
from bot.facts import Facts, articles_frame, qid_numbers
from bot.names import display_labels


def tables(members, observed, articles, **plan):
    facts = Facts(members=members, observed=observed,
                  articles=articles_frame(qid_numbers(articles["qid"]), articles["wiki"]))
    return make_engine("compact").tables(facts, Plan(**{"gaps_per_wiki": None, **plan}))


def frames():
    members = pd.DataFrame(
        [
            ("a", 13, "Q1"),
            ("a", 13, "Q2"),
            ("a", 13, "Q3"),
            ("b", 13, "Q3"),
            ("b", 13, "Q4"),  # Q3 is in both sets of goal 13
            ("c", 15, "Q3"),
        ],
        columns=["itemset", "goal", "qid"],
    )
    observed = pd.DataFrame(
        [("a", "enwiki"), ("a", "frwiki"), ("b", "enwiki"), ("b", "dewiki"), ("c", "frwiki")],
        columns=["itemset", "wiki"],
    )
    articles = pd.DataFrame(
        [
            ("Q1", "enwiki"),
            ("Q2", "enwiki"),
            ("Q3", "enwiki"),
            ("Q3", "frwiki"),
            ("Q4", "dewiki"),
            ("Q1", "dewiki"),
        ],  # Q1 is in no set that observed dewiki
        columns=["qid", "wiki"],
    )
    return members, observed, articles


def test_item_in_two_sets_counts_once_and_unobserved_wikis_are_unknown():
    table = tables(*frames()).coverage.set_index(["goal", "wiki"])
    # enwiki was observed by a and b: Q1..Q4, Q3 once; Q4 has no enwiki article.
    assert table.loc[(13, "enwiki")].to_dict() == {
        "items": 4,
        "articles": 3,
        "missing": 1,
        "coverage_pct": 75.0,
    }
    # frwiki only by a: Q1..Q3 (Q4 unknown there, not missing).
    assert table.loc[(13, "frwiki")].to_dict() == {
        "items": 3,
        "articles": 1,
        "missing": 2,
        "coverage_pct": 33.33,
    }
    # dewiki only by b: Q3, Q4. Q1's dewiki article is outside what b observed.
    assert table.loc[(13, "dewiki")].to_dict() == {
        "items": 2,
        "articles": 1,
        "missing": 1,
        "coverage_pct": 50.0,
    }
    assert table.loc[(15, "frwiki")].to_dict() == {
        "items": 1,
        "articles": 1,
        "missing": 0,
        "coverage_pct": 100.0,
    }
    assert len(table) == 4


def test_gaps_are_ranked_by_sitelinks_then_numeric_qid():
    members = pd.DataFrame({"itemset": "a", "goal": 1, "qid": ["Q10", "Q9", "Q100", "Q2"]})
    observed = pd.DataFrame({"itemset": "a", "wiki": ["enwiki", "frwiki", "dewiki"]})
    articles = pd.DataFrame(
        [("Q10", "enwiki"), ("Q10", "frwiki"), ("Q9", "enwiki"), ("Q100", "enwiki")],
        columns=["qid", "wiki"],
    )
    gaps = tables(members, observed, articles).gaps
    dewiki = gaps[gaps["wiki"] == "dewiki"]
    # Q10 has 2 articles; Q9 and Q100 one each (numeric order: 9 < 100): to translate. Q2 has
    # none: to write from scratch, a list of its own, ranked from 1.
    assert dewiki["qid"].tolist() == ["Q10", "Q9", "Q100", "Q2"]
    assert dewiki["rank"].tolist() == [1, 2, 3, 1]
    assert dewiki["sitelinks"].tolist() == [2, 1, 1, 0]
    assert dewiki["kind"].tolist() == ["translate"] * 3 + ["scratch"]


def test_totals_add_up():
    summed = totals(tables(*frames()).coverage).set_index("goal")
    assert summed.loc[13, "cells"] == 4 + 3 + 2
    assert summed.loc[13, "articles"] == 3 + 1 + 1
    assert summed.loc[13, "missing"] == summed.loc[13, "cells"] - summed.loc[13, "articles"]


def test_gap_lists_are_bounded_and_languages_narrow_the_rows_not_the_ranking():
    members = pd.DataFrame({"itemset": "a", "goal": 1, "qid": ["Q10", "Q9", "Q100", "Q2"]})
    observed = pd.DataFrame({"itemset": "a", "wiki": ["enwiki", "frwiki", "dewiki"]})
    articles = pd.DataFrame(
        [("Q10", "enwiki"), ("Q10", "frwiki"), ("Q9", "enwiki"), ("Q100", "enwiki")],
        columns=["qid", "wiki"],
    )
    done = tables(members, observed, articles, gaps_per_wiki=2, wikis=("dewiki",))
    # ranked by every observed wiki; the bound is per kind: Q2, to write from scratch, stays
    assert done.gaps["qid"].tolist() == ["Q10", "Q9", "Q2"]
    assert done.gaps["sitelinks"].tolist() == [2, 1, 0]
    assert done.gaps["kind"].tolist() == ["translate", "translate", "scratch"]
    assert done.coverage["wiki"].tolist() == ["dewiki"]
    assert done.coverage["missing"].tolist() == [4]  # exact, though two are listed
    assert done.wikis == ("dewiki", "enwiki", "frwiki")


def test_display_label_fallback_chain():
    gaps = pd.DataFrame({"qid": ["Q1", "Q2", "Q3", "Q4", "Q5"], "wiki": ["frwiki"] * 5})
    labels = pd.DataFrame(
        [
            ("Q1", "fr", "un"),
            ("Q1", "en", "one"),
            ("Q2", "mul", "deux"),
            ("Q2", "en", "two"),
            ("Q3", "en", "three"),
            ("Q4", "*", "vier"),
        ],
        columns=["qid", "lang", "label"],
    )
    titles = pd.DataFrame(
        [("Q5", "dewiki", "Fünf"), ("Q4", "enwiki", "Four (title)")],
        columns=["qid", "wiki", "title"],
    )
    got = display_labels(gaps, labels, titles, {"frwiki": "fr"}).tolist()
    assert got == ["un", "deux", "three", "vier", "Fünf"]
    none = display_labels(
        pd.DataFrame({"qid": ["Q6"], "wiki": ["frwiki"]}), labels, titles, {"frwiki": "fr"}
    )
    assert none.tolist() == ["Q6"]
