"""Quality-weighted coverage and translation sources, checked against an independent computation
from the source page sizes (csv module only, no pandas, no bot code), and on small tables."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from bot.engines import Plan, QualityScale, make_engine
from bot.facts import Facts, articles_frame, qid_numbers
from tests.source_sets import FIXTURES, WIKIMEDIA_INTERNAL

CLIMATE = FIXTURES / "topics" / "climate_change_25langs"
SIZES_TSV = CLIMATE / "climate_items_sitelinks_with_pagesize.tsv"
ITEMS_TSV = CLIMATE / "climate_items.tsv"
LANGS = "en ja de fr es it zh pt pl id ru nl hi sv cs ko uk fi hu ar he ro da el bg".split()


def independent_quality(stub_below=10_000, long_from=30_000):
    """wiki → (absent, stub, article, long, unsized, score or None), from the source TSVs.

    The rules: an item with no sitelink in a wiki is absent; an article with a known size is a
    stub (< stub_below bytes), an article, or a long article (>= long_from); an article with no
    known size is "unsized" and counts with the average weight of the sized ones; score =
    100 × (average weight × articles) / (9 × items), rounded to 2 places, the weights being 1,
    4, 9; a wiki with no known size has no score. The items are the topics: an item whose
    instance_types include a Wikimedia-internal class is not counted.
    """
    with ITEMS_TSV.open(encoding="utf-8", newline="") as handle:
        items = {row["qid"] for row in csv.DictReader(handle, delimiter="\t")
                 if not {c.strip(" '") for c in row["instance_types"].strip("[]").split(",")}
                 & WIKIMEDIA_INTERNAL}
    assert len(items) == 3965 - 196
    sizes: dict[str, dict[str, str]] = {f"{lang}wiki": {} for lang in LANGS}
    with SIZES_TSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            sizes[row["site"]][row["qid"]] = row["pagesize_bytes"]
    out = {}
    for wiki, known in sizes.items():
        counts = {"absent": 0, "stub": 0, "article": 0, "long": 0, "unsized": 0}
        for qid in items:
            if qid not in known:
                counts["absent"] += 1
            elif known[qid] == "":
                counts["unsized"] += 1
            elif int(known[qid]) < stub_below:
                counts["stub"] += 1
            elif int(known[qid]) < long_from:
                counts["article"] += 1
            else:
                counts["long"] += 1
        with_size = counts["stub"] + counts["article"] + counts["long"]
        sized = with_size > 0
        score = None
        if sized:
            mean = (counts["stub"] + 4 * counts["article"] + 9 * counts["long"]) / with_size
            articles = with_size + counts["unsized"]
            score = round(100.0 * mean * articles / (9 * len(items)), 2)
        out[wiki] = (*counts.values(), score)
    return out


def analyse_climate(scale=None):
    """The analysis of goal 13 on the bundled snapshot, with its page sizes (in-process)."""
    from bot.engines import QualityScale
    from tests.plugins.analyses import snapshot_analysis

    return snapshot_analysis(goals=(13,), quality_scale=scale or QualityScale())


@pytest.fixture(scope="module")
def climate_report(tmp_path_factory):
    from bot.report import write_report

    out = tmp_path_factory.mktemp("climate")
    write_report(analyse_climate(), out, page_rows=20)
    return out


def _read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["wiki"]: row for row in csv.DictReader(handle)}


def _as_tuple(row):
    if row["sized"] != "True":
        return (int(row["absent"]), None, None, None, None, None)
    return (
        int(row["absent"]), int(row["stub"]), int(row["article"]), int(row["long"]),
        int(row["unsized"]), float(row["score"]),
    )


def test_quality_scores_of_the_25_climate_languages_match_the_source(climate_report):
    expected = independent_quality()
    found = _read(climate_report / "quality.csv")
    assert sorted(found) == sorted(expected) and len(found) == 25
    for wiki, exp in expected.items():
        if exp[-1] is None:  # cs, da, bg: the source has no size for them
            assert _as_tuple(found[wiki]) == (exp[0], None, None, None, None, None), wiki
        else:
            assert _as_tuple(found[wiki]) == exp, wiki
    assert {w for w, e in expected.items() if e[-1] is None} == {"cswiki", "dawiki", "bgwiki"}
    assert expected["enwiki"][0] == 0  # the set is enwiki-anchored: nothing absent there


def test_the_goal_page_states_thresholds_and_unknowns(climate_report):
    page = (climate_report / "wikitext" / "goal-13.wiki").read_text(encoding="utf-8")
    assert "under 10,000 bytes" in page and "30,000 bytes or more" in page
    section = page[page.index("== Quality-weighted coverage =="):]
    for name in ("Czech", "Danish", "Bulgarian"):
        row = section[section.index(f"| {name}"):].split("|-", 1)[0].split("|}", 1)[0]
        assert row.count("unknown") == 5, row  # stubs, articles, long, size unknown, score


def test_thresholds_are_configurable(tmp_path):
    from bot.report import write_report

    expected = independent_quality(5_000, 50_000)
    analysis = analyse_climate(QualityScale(5_000, 50_000))
    found = analysis.quality.set_index("wiki")
    for wiki in ("frwiki", "jawiki", "enwiki"):
        row = found.loc[wiki]
        got = tuple(int(row[c]) for c in ("absent", "stub", "article", "long", "unsized"))
        assert (*got, float(row["score"])) == expected[wiki]
    write_report(analysis, tmp_path, page_rows=5)
    page = (tmp_path / "wikitext" / "goal-13.wiki").read_text(encoding="utf-8")
    assert "under 5,000 bytes" in page and "50,000 bytes or more" in page  # stated on the page


def test_bad_thresholds_are_one_line(tmp_path, capsys):
    from bot.cli import main

    status = main(["run", "--quality-thresholds", "30000,10000", "--out", str(tmp_path),
                   "--quiet", "--goals", "15"])
    assert status == 2 and "--quality-thresholds" in capsys.readouterr().err


def test_best_source_is_the_largest_known_article(climate_report):
    biggest: dict[str, tuple[int, str, str]] = {}
    with SIZES_TSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["pagesize_bytes"]:
                size = int(row["pagesize_bytes"])
                if row["qid"] not in biggest or size > biggest[row["qid"]][0]:
                    biggest[row["qid"]] = (size, row["site"], row["title"])
    with (climate_report / "sources.csv").open(encoding="utf-8", newline="") as handle:
        sources = {row["qid"]: row for row in csv.DictReader(handle)}
    with (climate_report / "gaps.csv").open(encoding="utf-8", newline="") as handle:
        listed = {row["qid"] for row in csv.DictReader(handle)}
    assert set(sources) == listed  # a source for every listed gap (all have an article)
    for qid, (size, site, title) in biggest.items():
        if qid not in sources:
            continue
        row = sources[qid]
        assert (row["source_rule"], int(row["source_bytes"])) == ("size", size), qid
        assert (row["source_wiki"], row["source_title"]) == (site, title) or int(
            row["source_bytes"]
        ) == size  # a tie in size may pick another wiki of the same size
    unsized = [row for q, row in sources.items() if q not in biggest]
    assert unsized and all(r["source_rule"] == "preference" for r in unsized)
    assert all(r["source_wiki"] == "enwiki" for r in unsized)  # every item has enwiki


# --- the rules on small tables (QIDs here are illustrative keys, not claims about Wikidata) ---


def small_facts(members, observed, articles, sizes=(), sized_wikis=None):
    members = pd.DataFrame(members, columns=["itemset", "goal", "qid"])
    observed = pd.DataFrame(observed, columns=["itemset", "wiki"])
    articles = pd.DataFrame(articles, columns=["qid", "wiki"])
    sizes = pd.DataFrame(list(sizes), columns=["qid", "wiki", "pagesize_bytes"])
    return Facts(
        members=members, observed=observed,
        articles=articles_frame(qid_numbers(articles["qid"]), articles["wiki"]),
        pagesizes=sizes.assign(qnum=qid_numbers(sizes["qid"]))[["qnum", "wiki", "pagesize_bytes"]]
        .astype({"pagesize_bytes": "int64"}),
        sized_wikis=sized_wikis,
    )


def test_quality_rules_on_a_small_table():
    members = [("a", 1, f"Q{n}") for n in range(1, 6)] + [("b", 1, "Q1"), ("b", 1, "Q2")]
    observed = [("a", "xwiki"), ("b", "ywiki"), ("b", "zwiki")]
    # Q5's xwiki size is unknown; ywiki has no size at all; zwiki was asked (live) and gave none.
    articles = [("Q1", "xwiki"), ("Q2", "xwiki"), ("Q3", "xwiki"), ("Q5", "xwiki"),
                ("Q1", "ywiki"), ("Q1", "zwiki")]
    sizes = [("Q1", "xwiki", 9_999), ("Q2", "xwiki", 10_000), ("Q3", "xwiki", 30_000)]
    engine = make_engine("compact")
    table = engine.tables(small_facts(members, observed, articles, sizes), Plan()).quality
    table = table.set_index("wiki")
    x = table.loc["xwiki"]
    assert (x["absent"], x["stub"], x["article"], x["long"], x["unsized"], x["items"]) == (
        1, 1, 1, 1, 1, 5
    )
    mean = (1 + 4 + 9) / 3  # Q5 counts with the average weight of Q1..Q3
    assert x["score"] == round(100 * mean * 4 / (9 * 5), 2)
    y = table.loc["ywiki"]
    assert not y["sized"] and pd.isna(y["score"]) and pd.isna(y["stub"]) and y["absent"] == 1
    facts = small_facts(members, observed, articles, sizes, sized_wikis=frozenset({"xwiki",
                                                                                   "zwiki"}))
    live = engine.tables(facts, Plan()).quality.set_index("wiki")
    assert live.loc["zwiki", "sized"] and pd.isna(live.loc["zwiki", "score"])
    assert live.loc["zwiki", "unsized"] == 1 and live.loc["xwiki", "score"] == x["score"]
    facts = small_facts([("a", 1, "Q9")], [("a", "xwiki")], [], sizes,
                        sized_wikis=frozenset({"xwiki"}))
    empty = engine.tables(facts, Plan()).quality
    assert empty["score"].iloc[0] == 0.0  # nothing but absent items: a real zero


def test_best_source_rules_on_a_small_table():
    articles = [("Q1", "enwiki"), ("Q1", "dewiki"), ("Q1", "frwiki"), ("Q2", "dewiki"),
                ("Q2", "frwiki"), ("Q3", "xxwiki"), ("Q3", "aawiki")]
    sizes = [("Q1", "dewiki", 500), ("Q1", "frwiki", 700)]
    members = [("a", 1, "Q1"), ("a", 1, "Q2"), ("a", 1, "Q3")]
    # qqwiki has none of them: all three are its gaps, and each gets a source.
    facts = small_facts(members, [("a", "qqwiki"), ("a", "enwiki")], articles, sizes)
    best = make_engine("compact").tables(facts, Plan()).sources.set_index("qid")
    assert tuple(best.loc["Q1", ["source_wiki", "source_rule"]]) == ("frwiki", "size")
    assert best.loc["Q1", "source_bytes"] == 700  # a known size beats an unknown one (enwiki)
    assert tuple(best.loc["Q2", ["source_wiki", "source_rule"]]) == ("frwiki", "preference")
    assert best.loc["Q3", "source_wiki"] == "aawiki"  # neither preferred: the first by id
