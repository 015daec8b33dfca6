"""Coverage of SDG item sets in Wikipedias: DataFrames in, DataFrames out, no I/O.

The unit is the *cell*: one item in one Wikipedia. A cell is known only when the item's set
observed that wiki (a snapshot's source looked at it, or the endpoint is live and sees every
wiki). A known cell either holds an article (a sitelink that is not a redirect) or is a gap.
A cell that no source looked at is unknown and is counted nowhere: absence of evidence is not a
missing article.

An item that belongs to several item sets of one goal is counted once for that goal.

Input frames:

``members``
    ``itemset, goal, qid`` — which items each item set selected.
``observed``
    ``itemset, wiki`` — which Wikipedias each item set's data looked at.
``articles``
    ``qid, wiki`` — Wikipedia articles that exist (redirect sitelinks already removed).
"""

from __future__ import annotations

import pandas as pd

from bot.engines.cells import CellIndex
from bot.engines.cells import index_cells as _index_cells

COVERAGE_COLUMNS = ["items", "articles", "missing", "coverage_pct"]


def known_cells(
    members: pd.DataFrame, observed: pd.DataFrame, articles: pd.DataFrame, by: str = "goal"
) -> pd.DataFrame:
    """Every known (group, item, wiki) cell once, with ``has_article``.

    *by* is ``goal`` or ``itemset``: the grouping under which an item is counted once.
    """
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


def index_cells(
    members: pd.DataFrame, observed: pd.DataFrame, articles: pd.DataFrame, by: str = "goal"
) -> CellIndex:
    """The known cells of :func:`known_cells` in compact form, for any size of input.

    :func:`coverage` and :func:`ranked_gaps` take it in place of the cells and give the same
    tables, without the (items × wikis) rows: 2 M items in 340 Wikipedias fit in memory.
    """
    return _index_cells(members, observed, articles, by)


def coverage(cells: pd.DataFrame | CellIndex, by: str = "goal") -> pd.DataFrame:
    """Items, articles, missing and coverage % per (group, wiki), sorted by group then wiki.

    *cells* are :func:`known_cells` or their :func:`index_cells`.
    """
    if isinstance(cells, CellIndex):
        return cells.coverage()
    table = (
        cells.groupby([by, "wiki"], sort=True)
        .agg(items=("qid", "size"), articles=("has_article", "sum"))
        .reset_index()
    )
    table["articles"] = table["articles"].astype("int64")
    table["missing"] = table["items"] - table["articles"]
    # Python's round() on each value: the same rule an independent count would use.
    table["coverage_pct"] = [
        round(100.0 * a / i, 2) if i else 0.0
        for a, i in zip(table["articles"], table["items"], strict=True)
    ]
    return table[[by, "wiki", *COVERAGE_COLUMNS]]


def ranked_gaps(
    cells: pd.DataFrame | CellIndex, by: str = "goal", top: int | None = None
) -> pd.DataFrame:
    """The missing articles per (group, wiki), ranked: ``by, wiki, rank, qid, sitelinks``.

    ``sitelinks`` counts the item's articles in the Wikipedias its group observed. Items with
    more of them come first (the topic matters to more language communities); ties go to the
    lower numeric QID, so the order never depends on the input's order. *top* keeps the first
    *top* gaps of each (group, wiki); ``None`` keeps every gap.
    """
    if isinstance(cells, CellIndex):
        return cells.ranked_gaps(top)
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


def totals(cov: pd.DataFrame, by: str = "goal") -> pd.DataFrame:
    """Per group: wikis observed, known cells, articles, gaps and the overall coverage %."""
    table = (
        cov.groupby(by)
        .agg(
            wikis=("wiki", "size"),
            cells=("items", "sum"),
            articles=("articles", "sum"),
            missing=("missing", "sum"),
        )
        .reset_index()
    )
    table["coverage_pct"] = [
        round(100.0 * a / c, 2) if c else 0.0
        for a, c in zip(table["articles"], table["cells"], strict=True)
    ]
    return table


def display_labels(
    gaps: pd.DataFrame,
    labels: pd.DataFrame,
    titles: pd.DataFrame,
    wiki_language: dict[str, str],
) -> pd.Series:
    """The name to show for each gap row, in the language of the row's wiki.

    The chain: a label in the wiki's language → ``mul`` → ``en`` → any label → the item's
    English Wikipedia title → its title in any other Wikipedia (by wiki id) → the QID. The two
    title steps exist because a snapshot may carry articles but no labels; a title is a real
    name of the topic, never an invented one.

    *labels* has ``qid, lang, label`` (``lang`` ``*`` for the any-language label); *titles* has
    ``qid, wiki, title``.
    """
    by_item: dict[str, dict[str, str]] = {}
    for qid, lang, label in labels[["qid", "lang", "label"]].itertuples(index=False):
        by_item.setdefault(qid, {})[lang] = label
    title_of: dict[str, str] = {}
    for qid, wiki, title in titles.sort_values("wiki")[["qid", "wiki", "title"]].itertuples(
        index=False
    ):
        if wiki == "enwiki" or qid not in title_of:
            title_of[qid] = title

    def pick(qid: str, wiki: str) -> str:
        item_labels = by_item.get(qid, {})
        for lang in (wiki_language.get(wiki, ""), "mul", "en", "*"):
            if lang in item_labels:
                return item_labels[lang]
        return title_of.get(qid, qid)

    return pd.Series(
        [pick(q, w) for q, w in zip(gaps["qid"], gaps["wiki"], strict=True)],
        index=gaps.index,
        dtype=object,
    )
