"""The compact cell index (bot.engines.cells) against a straightforward reference, table for table.

The reference below is the plain pandas statement of the rules (merge every item set's items with
the wikis it observed, mark the articles, group and sort), written here so that it cannot drift
with the code under test. Both run on real data from ``../shared/data`` (the SDG 13 climate set
and the SDG 15 invasive species set that the bundled snapshot is built from, and the 400 items of
a real 2014 Wikidata dump with their sitelinks in 280 Wikipedias) and on random small frames.

Where a test groups real items into item sets by a rule on the numeric QID, the grouping is an
illustration for exercising the rules, not a claim about the items.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import coverage

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
CLIMATE = "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"
INVASIVE_QIDS = "topics/invasive_species_eu/unionconcern_invasive_species_qnumbers_2025.csv"
INVASIVE_LINKS = "topics/invasive_species_eu/unionconcern_invasive_species_wikipedia_links_2025.csv"
WIKIBRAIN = "wikidata_entities/wikidata_dump_sample_2014/wikibrain_2014_wikipedia_sitelinks.tsv"


# ---- the reference ------------------------------------------------------------------------------


def ref_cells(members, observed, articles, by):
    keep = [by, "qid"] if by == "itemset" else [by, "itemset", "qid"]
    cells = (
        members[keep]
        .merge(observed[["itemset", "wiki"]], on="itemset")[[by, "qid", "wiki"]]
        .drop_duplicates(ignore_index=True)
    )
    present = articles[["qid", "wiki"]].drop_duplicates()
    cells = cells.merge(present.assign(has_article=True), on=["qid", "wiki"], how="left")
    cells["has_article"] = cells["has_article"].fillna(False).astype(bool)
    return cells


def ref_coverage(cells, by):
    table = (
        cells.groupby([by, "wiki"], sort=True)
        .agg(items=("qid", "size"), articles=("has_article", "sum"))
        .reset_index()
    )
    table["articles"] = table["articles"].astype("int64")
    table["missing"] = table["items"] - table["articles"]
    table["coverage_pct"] = [
        round(100.0 * a / i, 2) if i else 0.0
        for a, i in zip(table["articles"], table["items"], strict=True)
    ]
    return table[[by, "wiki", "items", "articles", "missing", "coverage_pct"]]


def ref_gaps(cells, by, top=None):
    sitelinks = cells.groupby([by, "qid"])["has_article"].sum().astype("int64").rename("sitelinks")
    gaps = cells.loc[~cells["has_article"], [by, "wiki", "qid"]].merge(
        sitelinks.reset_index(), on=[by, "qid"]
    )
    gaps["qnum"] = gaps["qid"].str[1:].astype("int64")
    gaps = gaps.sort_values(
        [by, "wiki", "sitelinks", "qnum"], ascending=[True, True, False, True], ignore_index=True
    )
    gaps["rank"] = gaps.groupby([by, "wiki"]).cumcount() + 1
    if top is not None:
        gaps = gaps[gaps["rank"] <= top].reset_index(drop=True)
    return gaps[[by, "wiki", "rank", "qid", "sitelinks"]]


def check_same(members, observed, articles, tops=(None, 1, 3, 100)):
    for by in ("goal", "itemset"):
        cells = ref_cells(members, observed, articles, by)
        index = coverage.index_cells(members, observed, articles, by=by)
        pd.testing.assert_frame_equal(coverage.coverage(index, by), ref_coverage(cells, by))
        # The public pandas path (known_cells → coverage/ranked_gaps) gives the same tables too.
        public = coverage.known_cells(members, observed, articles, by=by)
        pd.testing.assert_frame_equal(coverage.coverage(public, by), ref_coverage(cells, by))
        for top in tops:
            expected = ref_gaps(cells, by, top)
            pd.testing.assert_frame_equal(coverage.ranked_gaps(index, by, top=top), expected)
            pd.testing.assert_frame_equal(coverage.ranked_gaps(public, by, top=top), expected)
        order = [by, "wiki", "qid"]
        pd.testing.assert_frame_equal(
            index.frame().sort_values(order, ignore_index=True),
            cells.sort_values(order, ignore_index=True),
        )


# ---- real data ----------------------------------------------------------------------------------


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def snapshot_sources():
    return snapshot_frames()


def snapshot_frames():
    """The two real item sets of the bundled snapshot, straight from their source tables."""
    if not SHARED.is_dir():
        pytest.fail(f"the shared data folder {SHARED} is missing (CI lays it beside the clone)")
    climate = _rows(SHARED / CLIMATE)
    langs = [c.removeprefix("article_") for c in climate[0] if c.startswith("article_")]
    members = [("sdg13-climate-change", 13, r["qid"]) for r in climate]
    observed = [("sdg13-climate-change", f"{lang}wiki") for lang in langs]
    articles = [
        (r["qid"], f"{lang}wiki") for r in climate for lang in langs if r[f"article_{lang}"]
    ]
    invasive = _rows(SHARED / INVASIVE_QIDS)
    members += [("sdg15-eu-invasive-species", 15, r["Wikidata Q-number"]) for r in invasive]
    links = _rows(SHARED / INVASIVE_LINKS)
    observed += sorted({("sdg15-eu-invasive-species", f"{r['Language']}wiki") for r in links})
    articles += [(r["Q-number"], f"{r['Language']}wiki") for r in links]
    return (
        pd.DataFrame(members, columns=["itemset", "goal", "qid"]),
        pd.DataFrame(observed, columns=["itemset", "wiki"]),
        pd.DataFrame(articles, columns=["qid", "wiki"]),
    )


def test_same_tables_on_the_snapshot_item_sets(snapshot_sources):
    members, observed, articles = snapshot_sources
    assert len(members) == 3965 + 88
    check_same(members, observed, articles, tops=(None, 100))


def test_same_tables_with_overlapping_sets_on_the_snapshot_items(snapshot_sources):
    members, observed, articles = snapshot_sources
    # An illustrative third set in goal 13: every climate item with an even QID number, observed
    # in five of the 25 wikis (so those items have two profiles' worth of known wikis), and one
    # in goal 15 that repeats invasive species already there (an item counted once per goal).
    qnum = members["qid"].str[1:].astype(int)
    extra = members[(members["goal"] == 13) & (qnum % 2 == 0)].assign(itemset="even")
    again = members[members["goal"] == 15].head(30).assign(itemset="again")
    both = pd.concat([members, extra, again], ignore_index=True)
    seen = pd.concat(
        [
            observed,
            pd.DataFrame({"itemset": "even", "wiki": ["enwiki", "frwiki", "swwiki", "dewiki"]}),
            pd.DataFrame({"itemset": "again", "wiki": ["enwiki", "cywiki"]}),
        ],
        ignore_index=True,
    )
    check_same(both, seen, articles, tops=(None, 10))


def test_same_tables_on_a_real_2014_dump_sample():
    sitelinks = pd.read_csv(SHARED / WIKIBRAIN, sep="\t", dtype=str, keep_default_na=False)
    qids = sorted(set(sitelinks["qid"]), key=lambda q: int(q[1:]))
    third = [q for q in qids if int(q[1:]) % 3 == 0]
    fifth = [q for q in qids if int(q[1:]) % 5 == 0]
    members = pd.concat(
        [
            pd.DataFrame({"itemset": "all", "goal": 1, "qid": qids}),
            pd.DataFrame({"itemset": "third", "goal": 1, "qid": third}),
            pd.DataFrame({"itemset": "fifth", "goal": 2, "qid": fifth}),
        ],
        ignore_index=True,
    )
    wikis = sorted(set(sitelinks["site"]))
    big = sitelinks["site"].value_counts().index[:30].tolist()
    observed = pd.concat(
        [
            pd.DataFrame({"itemset": "all", "wiki": big[:20]}),
            pd.DataFrame({"itemset": "third", "wiki": big}),
            pd.DataFrame({"itemset": "fifth", "wiki": wikis}),
        ],
        ignore_index=True,
    )
    articles = sitelinks.rename(columns={"site": "wiki"})[["qid", "wiki"]]
    assert len(articles) == 36391
    check_same(members, observed, articles, tops=(None, 5, 100))


# ---- random inputs ------------------------------------------------------------------------------

# "P7" and "L99" are not item ids: with them in a frame, items are matched by text, not number.
QIDS = [f"Q{n}" for n in (1, 2, 3, 5, 8, 9, 10, 13, 21, 34, 55, 89, 100, 144, 1000)]
QIDS_ODD = [*QIDS, "P7", "L99"]
WIKIS = ["arwiki", "dewiki", "enwiki", "frwiki", "swwiki", "zh_yuewiki"]


@st.composite
def frames(draw):
    qids = draw(st.sampled_from([QIDS, QIDS, QIDS_ODD]))
    sets = draw(st.lists(st.sampled_from("abcde"), min_size=1, max_size=4, unique=True))
    goal_of = {s: draw(st.integers(1, 3)) for s in sets}
    member_rows = draw(
        st.lists(st.tuples(st.sampled_from(sets), st.sampled_from(qids)), max_size=40)
    )
    observed_rows = draw(
        st.lists(st.tuples(st.sampled_from([*sets, "z"]), st.sampled_from(WIKIS)), max_size=20)
    )
    article_rows = draw(
        st.lists(st.tuples(st.sampled_from([*qids, "Q77"]), st.sampled_from(WIKIS)), max_size=60)
    )
    members = pd.DataFrame(
        {
            "itemset": pd.Series([s for s, _ in member_rows], dtype=str),
            "goal": pd.Series([goal_of[s] for s, _ in member_rows], dtype="int64"),
            "qid": pd.Series([q for _, q in member_rows], dtype=str),
        }
    )
    observed = pd.DataFrame(
        {
            "itemset": pd.Series([s for s, _ in observed_rows], dtype=str),
            "wiki": pd.Series([w for _, w in observed_rows], dtype=str),
        }
    )
    articles = pd.DataFrame(
        {
            "qid": pd.Series([q for q, _ in article_rows], dtype=str),
            "wiki": pd.Series([w for _, w in article_rows], dtype=str),
        }
    )
    return members, observed, articles


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_same_tables_on_random_inputs(data):
    check_same(*data, tops=(None, 1, 2))


def test_categorical_columns_give_the_same_tables(snapshot_sources):
    members, observed, articles = snapshot_sources
    as_categories = articles.astype({"qid": "category", "wiki": "category"})
    for by in ("goal", "itemset"):
        plain = coverage.index_cells(members, observed, articles, by=by)
        coded = coverage.index_cells(members, observed, as_categories, by=by)
        pd.testing.assert_frame_equal(coverage.coverage(coded), coverage.coverage(plain))
        pd.testing.assert_frame_equal(
            coverage.ranked_gaps(coded, top=50), coverage.ranked_gaps(plain, top=50)
        )


def test_duplicate_article_rows_count_once():
    members = pd.DataFrame({"itemset": "a", "goal": 1, "qid": ["Q1", "Q2", "Q3"]})
    observed = pd.DataFrame({"itemset": "a", "wiki": ["enwiki", "frwiki"]})
    articles = pd.DataFrame({"qid": ["Q2", "Q2", "Q3", "Q2"], "wiki": ["enwiki"] * 3 + ["frwiki"]})
    check_same(members, observed, articles)
    index = coverage.index_cells(members, observed, articles)
    assert np.array_equal(index.sitelinks, [2, 1, 0])
