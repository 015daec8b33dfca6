"""The default engine: every table of a run from compact cell indexes (:mod:`bot.engines.cells`).

One index per grouping — by goal, by item set, by SDG target — built one after the other, so
that at most one is held at a time beside the facts. Nothing here lists the (item × wiki)
cells: 2 million items in 340 Wikipedias fit in well under a gigabyte. The rules are stated in
:mod:`bot.engines.base`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.engines.base import (
    QUALITY_CLASSES,
    QUALITY_COLUMNS,
    SOURCE_COLUMNS,
    Plan,
    QualityScale,
    Tables,
    quality_score,
)
from bot.engines.cells import CellIndex, index_cells
from bot.facts import Facts, qid_numbers, qids_of_numbers


class CompactEngine:
    """The cell-index engine (``--engine compact``, the default)."""

    name = "compact"

    def tables(self, facts: Facts, plan: Plan) -> Tables:
        if facts.articles is None:
            raise ValueError("the compact engine needs the articles in memory")
        members = _numbered(facts.members)
        observed = facts.observed
        if observed is None:  # the source observed every wiki its sitelinks hold
            observed = every_wiki(members, facts.articles)
        articles = facts.articles
        index = index_cells(members, observed, articles, by="goal")
        observed_wikis = tuple(index.wikis)
        coverage = index.coverage(plan.wikis)
        gaps = index.ranked_gaps(plan.gaps_per_wiki, plan.wikis)
        quality = quality_table(index, facts, plan.quality_scale, plan.wikis)
        del index
        by_set = index_cells(members, observed, articles, by="itemset").coverage(plan.wikis)
        targets = target_members(members, plan.targets)
        if len(targets):
            by_target = index_cells(targets, observed, articles, by="target").coverage(plan.wikis)
        else:
            by_target = _empty_coverage("target")
        sources = best_sources(articles, facts.pagesizes, gaps["qid"], plan.preference)
        return Tables(
            coverage=_goals_as_int(coverage),
            coverage_itemsets=by_set,
            coverage_targets=by_target,
            quality=_goals_as_int(quality),
            gaps=_goals_as_int(gaps),
            sources=sources,
            wikis=observed_wikis,
        )


def _numbered(members: pd.DataFrame) -> pd.DataFrame:
    """The members with ``qnum`` (and without duplicate rows)."""
    frame = members[["itemset", "goal", "qid"]].drop_duplicates(["itemset", "qid"])
    return frame.assign(qnum=qid_numbers(frame["qid"]))


def _goals_as_int(table: pd.DataFrame) -> pd.DataFrame:
    if "goal" in table:
        table["goal"] = table["goal"].astype("int64")
    return table


def every_wiki(members: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """``itemset, wiki``: every set observed every wiki in which one of the members has an
    article (what a dump or Parquet source can tell: a wiki it holds no article of the run's
    items in is one it cannot be seen to cover)."""
    mine = np.isin(articles["qnum"].to_numpy(np.int64), members["qnum"].to_numpy(np.int64))
    wikis = sorted(pd.unique(articles.loc[mine, "wiki"].astype(str)))
    sets = sorted(pd.unique(members["itemset"].astype(str)))
    return pd.DataFrame(
        {"itemset": np.repeat(sets, len(wikis)), "wiki": np.tile(wikis, len(sets))}
    )


def target_members(members: pd.DataFrame, targets) -> pd.DataFrame:
    """``target, itemset, qnum``: each member once for every target its item set is tied to."""
    links = pd.DataFrame(
        [(s, t) for s, codes in targets.items() for t in codes], columns=["itemset", "target"]
    )
    if links.empty:
        return pd.DataFrame({"target": [], "itemset": [], "qnum": []})
    return members[["itemset", "qnum"]].merge(links, on="itemset")


def _empty_coverage(by: str) -> pd.DataFrame:
    return pd.DataFrame(
        {by: pd.Series(dtype=object), "wiki": pd.Series(dtype=object),
         **{c: pd.Series(dtype="int64") for c in ("items", "articles", "missing")},
         "coverage_pct": pd.Series(dtype="float64")}
    )


def quality_table(
    index: CellIndex, facts: Facts, scale: QualityScale, wikis=None
) -> pd.DataFrame:
    """Quality-weighted coverage per goal × wiki: ``goal, wiki, sized, absent, stub, article,
    long, unsized, items, score`` (see :mod:`bot.engines.base`)."""
    items = index.items_matrix()
    articles = index.articles_matrix()
    sizes = facts.pagesizes
    classes = np.zeros((3, *items.shape), dtype=np.int64)  # stub, article, long
    if len(sizes):
        sizes = sizes.drop_duplicates(["qnum", "wiki"])
        # Only sizes of existing articles count (a size never makes an article).
        present = sizes.merge(
            facts.articles.drop_duplicates().astype({"wiki": str}),
            on=["qnum", "wiki"],
        )
        size = present["pagesize_bytes"].to_numpy(np.int64)
        cls = np.where(size < scale.stub_below, 0, np.where(size >= scale.long_from, 2, 1))
        codes = index.wikis.get_indexer(present["wiki"].astype(str).to_numpy())
        qnums = present["qnum"].to_numpy(np.int64)
        for c in range(3):
            chosen = cls == c
            classes[c] = index.known_counts(qnums[chosen], codes[chosen])
    if facts.sized_wikis is not None:
        sized = np.isin(np.asarray(index.wikis), list(facts.sized_wikis))[None, :] & (items > 0)
    else:
        sized = classes.sum(axis=0) > 0
    keep = np.zeros(len(index.wikis), dtype=bool)
    keep[index.wiki_codes(wikis)] = True
    g, w = np.nonzero((items > 0) & keep[None, :])
    rows = []
    for gi, wi in zip(g.tolist(), w.tolist(), strict=True):
        n, a = int(items[gi, wi]), int(articles[gi, wi])
        stub, article, long = (int(classes[c, gi, wi]) for c in range(3))
        unsized = a - stub - article - long
        is_sized = bool(sized[gi, wi])
        score = quality_score(scale, is_sized, n, n - a, stub, article, long, unsized)
        rows.append((index.groups[gi], index.wikis[wi], is_sized, n - a, stub, article, long,
                     unsized, n, score))
    table = pd.DataFrame(rows, columns=["goal", "wiki", "sized", *QUALITY_CLASSES, "unsized",
                                        "items", "score"])
    table = table.astype({"sized": bool, "absent": "int64", "items": "int64"})
    for column in ("stub", "article", "long", "unsized"):
        table[column] = table[column].astype("Int64").where(table["sized"], pd.NA)
    table["score"] = pd.array(table["score"].tolist(), dtype="Float64")
    return table[["goal", "wiki", *QUALITY_COLUMNS]]


def best_sources(
    articles: pd.DataFrame, pagesizes: pd.DataFrame, qids: pd.Series, preference
) -> pd.DataFrame:
    """``qid, source_wiki, source_bytes, source_rule`` for the items *qids* that have an
    article (see :mod:`bot.engines.base` for the rule), sorted by numeric QID."""
    wanted = np.unique(qid_numbers(pd.Series(pd.unique(qids), dtype=object)))
    frame = articles[np.isin(articles["qnum"].to_numpy(np.int64), wanted)]
    frame = frame.astype({"wiki": str}).drop_duplicates(["qnum", "wiki"])
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SOURCE_COLUMNS}).astype(
            {"source_bytes": "Int64"}
        )
    sizes = pagesizes[["qnum", "wiki", "pagesize_bytes"]].drop_duplicates(["qnum", "wiki"])
    frame = frame.merge(sizes.astype({"wiki": str}), on=["qnum", "wiki"], how="left")
    order = {wiki: i for i, wiki in enumerate(preference)}
    frame["pref"] = frame["wiki"].map(order).fillna(len(order)).astype("int64")
    frame["has_size"] = frame["pagesize_bytes"].notna()
    frame["size_key"] = frame["pagesize_bytes"].fillna(-1)
    frame = frame.sort_values(
        ["qnum", "has_size", "size_key", "pref", "wiki"],
        ascending=[True, False, False, True, True],
        ignore_index=True,
    )
    best = frame.drop_duplicates("qnum", keep="first")
    return pd.DataFrame(
        {
            "qid": qids_of_numbers(best["qnum"].to_numpy(np.int64)).to_numpy(),
            "source_wiki": best["wiki"].to_numpy(),
            "source_bytes": pd.array(best["pagesize_bytes"].to_numpy(), dtype="Int64"),
            "source_rule": ["size" if s else "preference" for s in best["has_size"]],
        }
    )
