"""The default engine: every table of a run from compact cell indexes (:mod:`bot.engines.cells`).

One index per grouping — by goal, by item set, by SDG target: the first two are built at once,
on two threads (at 2 M items the pair costs about 30 MB more than one after the other, and
saves a tenth of the engine's time), the third after them. Nothing here lists the (item ×
wiki) cells: 2 million items in 340 Wikipedias fit in well under a gigabyte. The rules are stated in
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
from bot.engines.ranking import find_gaps, gap_table, rank_keys
from bot.engines.universe import Universe, universe
from bot.facts import Facts, distinct_sorted, qid_numbers, qids_of_numbers
from bot.memory import release
from bot.parallel import beside


class CompactEngine:
    """The cell-index engine (``--engine compact``, the default)."""

    name = "compact"

    def tables(self, facts: Facts, plan: Plan) -> Tables:
        if facts.articles is None:
            raise ValueError("the compact engine needs the articles in memory")
        members = _numbered(facts.members)
        observed = facts.observed
        if observed is None:  # the source observed every wiki its sitelinks hold
            observed = every_wiki(members, facts)
        u = universe(members["qnum"].to_numpy(np.int64), observed["wiki"].unique(), facts)
        keys = rank_keys(u.numbers, facts, plan.rank)
        observed_wikis = tuple(sorted(set(observed["wiki"].astype(str))))
        with beside(_coverage_by_set, u, members, observed, plan.wikis) as coverage_by_set:
            index = index_cells(u, members, observed, by="goal", keys=keys,
                                items=u.member_items)
            coverage = index.coverage(plan.wikis)
            found = find_gaps(index, plan.gaps_per_wiki, plan.wikis)
            gaps, gap_items = gap_table(index, found), index.pair_item[found.pair]
            quality = quality_table(index, u, facts, plan.quality_scale, plan.wikis)
            del index
            coverage_itemsets = coverage_by_set()
        release()  # the indexes' temporaries, before the next is built
        targets = target_members(members, plan.targets)
        if len(targets):
            by_target = index_cells(u, targets, observed, by="target", ranked=False)
            by_target = by_target.coverage(plan.wikis)
        else:
            by_target = _empty_coverage("target")
        sources = best_sources(u, facts.pagesizes, gap_items, plan.preference)
        del u
        release()
        return Tables(
            coverage=_goals_as_int(coverage),
            coverage_itemsets=coverage_itemsets,
            coverage_targets=by_target,
            quality=_goals_as_int(quality),
            gaps=_goals_as_int(gaps),
            sources=sources,
            wikis=observed_wikis,
        )


def _coverage_by_set(u: Universe, members: pd.DataFrame, observed: pd.DataFrame, wikis):
    return index_cells(u, members, observed, by="itemset", ranked=False,
                       items=u.member_items).coverage(wikis)


def _numbered(members: pd.DataFrame) -> pd.DataFrame:
    """The members with ``qnum`` (a row twice counts once: the indexes pair items by group)."""
    if "qnum" in members:  # a reader that numbered them already
        return members[["itemset", "goal", "qnum"]]
    return members[["itemset", "goal"]].assign(qnum=qid_numbers(members["qid"]))


def _goals_as_int(table: pd.DataFrame) -> pd.DataFrame:
    if "goal" in table:
        table["goal"] = table["goal"].astype("int64")
    return table


def every_wiki(members: pd.DataFrame, facts: Facts) -> pd.DataFrame:
    """``itemset, wiki``: every set observed every wiki in which one of the members has an
    article (what a dump or Parquet source can tell: a wiki it holds no article of the run's
    items in is one it cannot be seen to cover)."""
    articles = facts.articles
    members_index = pd.Index(distinct_sorted(members["qnum"].to_numpy(np.int64)))
    if "item" in articles and facts.item_numbers is not None:  # looked up once per item
        mine = (members_index.get_indexer(np.asarray(facts.item_numbers, dtype=np.int64))
                >= 0)[articles["item"].to_numpy()]
    else:
        mine = members_index.get_indexer(facts.article_numbers()) >= 0
    codes, names = _wiki_codes(articles["wiki"])
    used = np.bincount(codes[mine & (codes >= 0)], minlength=len(names)) > 0
    wikis = sorted(str(w) for w in names[used] if str(w) not in facts.closed_wikis)
    sets = sorted(pd.unique(members["itemset"].astype(str)))
    return pd.DataFrame(
        {"itemset": np.repeat(sets, len(wikis)), "wiki": np.tile(wikis, len(sets))}
    )


def _wiki_codes(values: pd.Series):
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.cat.codes), pd.Index(values.cat.categories)
    codes, names = pd.factorize(values)
    return np.asarray(codes), pd.Index(names)


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
    index: CellIndex, u: Universe, facts: Facts, scale: QualityScale, wikis=None
) -> pd.DataFrame:
    """Quality-weighted coverage per goal × wiki: ``goal, wiki, sized, absent, stub, article,
    long, unsized, items, score`` (see :mod:`bot.engines.base`)."""
    items = index.items_matrix()
    articles = index.articles
    sizes = facts.pagesizes
    classes = np.zeros((3, *items.shape), dtype=np.int64)  # stub, article, long
    if len(sizes):
        sizes = sizes.drop_duplicates(["qnum", "wiki"])
        s_item = u.item_codes(sizes["qnum"].to_numpy(np.int64))
        s_wiki = index.wikis.get_indexer(sizes["wiki"].astype(str).to_numpy())
        exists = u.find(s_item, s_wiki) >= 0  # a size never makes an article
        size = sizes["pagesize_bytes"].to_numpy(np.int64)
        cls = np.where(size < scale.stub_below, 0, np.where(size >= scale.long_from, 2, 1))
        for c in range(3):
            chosen = exists & (cls == c)
            classes[c] = index.known_counts(s_item[chosen], s_wiki[chosen])
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


def _known(sizes: np.ndarray):
    """Sizes as a nullable integer array, -1 (unknown) as missing."""
    out = pd.array(sizes, dtype="Int64")
    out[sizes < 0] = pd.NA
    return out


def _sizes_of(u: Universe, pagesizes: pd.DataFrame, items: np.ndarray, wikis: np.ndarray):
    """The known page size of each (item code, wiki code) row, -1 where unknown."""
    size = np.full(len(items), -1, dtype=np.int64)
    if not len(pagesizes) or not len(items):
        return size
    n = len(u.wikis)
    sizes = pagesizes.drop_duplicates(["qnum", "wiki"])
    s_item = u.item_codes(sizes["qnum"].to_numpy(np.int64))
    s_wiki = u.wikis.get_indexer(sizes["wiki"].astype(str).to_numpy())
    ok = (s_item >= 0) & (s_wiki >= 0)
    keys = pd.Index(s_item[ok] * n + s_wiki[ok])
    found = keys.get_indexer(items.astype(np.int64) * n + wikis)
    values = sizes["pagesize_bytes"].to_numpy(np.int64)[ok]
    size[found >= 0] = values[found[found >= 0]]
    return size


def best_sources(u: Universe, pagesizes: pd.DataFrame, items: np.ndarray, preference
                 ) -> pd.DataFrame:
    """``qid, source_wiki, source_bytes, source_rule`` for the item codes *items* (of *u*,
    perhaps repeated) that have an article (see :mod:`bot.engines.base` for the rule), sorted
    by numeric QID.

    An item's article rows are one slice of the universe, sorted by wiki code (= wiki id), so
    the choice is two reductions per item: the largest known size, then, among the rows of that
    size, the least (preference, wiki id).
    """
    rows, item = u.rows_of(distinct_sorted(np.asarray(items, dtype=np.int64)))
    if not len(rows):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SOURCE_COLUMNS}).astype(
            {"source_bytes": "Int64"}
        )
    item, wiki = item.astype(np.int64), u.a_wiki[rows].astype(np.int64)
    size = _sizes_of(u, pagesizes, item, wiki)
    rank = {w: i for i, w in enumerate(preference)}
    pref = np.array([rank.get(w, len(rank)) for w in u.wikis], dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, item[1:] != item[:-1]])
    counts = np.diff(np.r_[starts, len(item)])
    best_size = np.maximum.reduceat(size, starts)
    key = pref[wiki] * len(u.wikis) + wiki
    key[size != np.repeat(best_size, counts)] = np.iinfo(np.int64).max
    chosen = np.minimum.reduceat(key, starts) % len(u.wikis)
    return pd.DataFrame(
        {
            "qid": qids_of_numbers(u.numbers[item[starts]]).to_numpy(),
            "source_wiki": u.wikis.take(chosen).astype(str).to_numpy(),
            "source_bytes": _known(best_size),
            "source_rule": np.where(best_size >= 0, "size", "preference"),
        }
    )
