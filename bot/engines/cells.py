"""Compact indexes of the known cells: coverage and ranked gaps without materialising them.

Listing every known (group, item, wiki) cell would take, for 2 million items in 340
Wikipedias, 680 million rows. The rules need far less:

* the :class:`~bot.engines.universe.Universe` (:mod:`bot.engines.universe`) codes a run's
  facts once: items, wikis, and the article rows sorted by item, an item's articles one slice;
* a grouping (goal, item set, target) pairs each item with each group it belongs to; a pair's
  *profile* is the set of item sets it belongs to within the group, hence the Wikipedias in
  which its cells are known. Items per (group, wiki) = Σ over profiles (pairs with that
  profile) × (the profile observed the wiki) — a small matrix product; articles per (group,
  wiki) and sitelinks per pair are ``bincount``\\ s over the article rows that fall in a known
  cell (:func:`index_cells`);
* for the ranked gaps the pairs are put in rank order and the article rows sorted by (wiki,
  rank position) — one sort of integers; the first *k* gaps of a wiki and kind then lie among
  the first *k* + (articles before them) positions of that kind, so a top-*k* list costs
  O(*k* + articles) and never touches the other items (:mod:`bot.engines.ranking`).

:mod:`bot.engines.compact` computes every table of a run with these; the rules are stated in
:mod:`bot.engines.base`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.engines import ranking
from bot.engines.base import COVERAGE_COLUMNS, coverage_pct
from bot.engines.universe import (
    BLOCK,
    Universe,
    column_codes,
    factorize_sorted,
    spans,
)
from bot.facts import distinct_sorted
from bot.memory import release
from bot.parallel import ordered


@dataclass
class CellIndex:
    """The known cells of one grouping (goal, item set or target) in compact form.

    Build it with :func:`index_cells`. Pairs are the (group, item) combinations, by item then
    group; when the index is *ranked* they are kept in rank order
    (:func:`bot.engines.ranking.pair_order`): by group, then kind (translate, then scratch),
    then the kind's keys, then numeric QID ascending.
    """

    by: str
    groups: pd.Index  # the group values, sorted
    wikis: pd.Index  # the universe's wiki ids, sorted
    items: np.ndarray  # the universe's item numbers
    pair_group: np.ndarray  # per pair: group code
    pair_item: np.ndarray  # per pair: item code
    pair_profile: np.ndarray  # per pair: profile code
    profile_wikis: np.ndarray  # bool, profiles × wikis: the wikis where a profile's cells are known
    sitelinks: np.ndarray | None  # ranked: per pair, articles in the pair's known wikis
    articles: np.ndarray  # groups × wikis: articles in known cells
    group_start: np.ndarray | None = None  # ranked: pairs of group g are [start[g], start[g+1])
    kind_start: np.ndarray | None = None  # ranked: group g's scratch pairs from kind_start[g]
    everywhere: np.ndarray | None = None  # ranked: bool, groups × wikis, every item known there
    article_bounds: np.ndarray | None = None  # ranked: wikis × (groups + 1), in article_pos
    article_pos: np.ndarray | None = None  # ranked: article rows' pair positions, by (wiki, pos)

    # ---- coverage -----------------------------------------------------------------------------

    def items_matrix(self) -> np.ndarray:
        """Known cells per (group, wiki): groups × wikis, int64."""
        n_groups, n_profiles = len(self.groups), self.profile_wikis.shape[0]
        counts = np.bincount(self.pair_group * n_profiles + self.pair_profile,
                             minlength=n_groups * n_profiles).reshape(n_groups, n_profiles)
        return counts @ self.profile_wikis.astype(np.int64)

    def wiki_codes(self, wikis) -> np.ndarray:
        """The codes of *wikis* (``None``: every wiki), leaving out any this index lacks."""
        if wikis is None:
            return np.arange(len(self.wikis))
        codes = self.wikis.get_indexer(list(wikis))
        return np.sort(codes[codes >= 0])

    def coverage(self, wikis=None) -> pd.DataFrame:
        """``by, wiki, items, articles, missing, coverage_pct`` for the known (group, wiki)s of
        *wikis* (``None``: all), sorted by group then wiki."""
        items = self.items_matrix()
        keep = np.zeros(len(self.wikis), dtype=bool)
        keep[self.wiki_codes(wikis)] = True
        g, w = np.nonzero((items > 0) & keep[None, :])  # row-major: by group, then wiki
        n, a = items[g, w], self.articles[g, w]
        table = pd.DataFrame(
            {
                self.by: self.groups.take(g),
                "wiki": self.wikis.take(w),
                "items": n.astype("int64"),
                "articles": a.astype("int64"),
            }
        )
        table["missing"] = table["items"] - table["articles"]
        table["coverage_pct"] = [
            coverage_pct(x, i) for x, i in zip(a.tolist(), n.tolist(), strict=True)
        ]
        return table[[self.by, "wiki", *COVERAGE_COLUMNS]]

    def known_counts(self, items: np.ndarray, wikis: np.ndarray) -> np.ndarray:
        """How many of the (item code, wiki code) rows fall in a known cell, per (group, wiki):
        groups × wikis, int64. A row counts once in each group its item belongs to."""
        out = np.zeros((len(self.groups), len(self.wikis)), dtype=np.int64)
        ok = (items >= 0) & (wikis >= 0)
        pair, wiki = _Spread(self.pair_item, len(self.items))(items[ok], wikis[ok])
        known = self.profile_wikis[self.pair_profile[pair], wiki]
        np.add.at(out, (self.pair_group[pair[known]], wiki[known]), 1)
        return out

    # ---- gaps ---------------------------------------------------------------------------------

    def ranked_gaps(self, top: int | None = None, wikis=None) -> pd.DataFrame:
        """``by, wiki, rank, qid, sitelinks, kind``: the missing articles per (group, wiki,
        kind), ranked (:func:`bot.engines.ranking.ranked_gaps`)."""
        return ranking.ranked_gaps(self, top, wikis)


def _profiles(
    pair_of_row: np.ndarray, set_of_row: np.ndarray, n_pairs: int, n_sets: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Per pair, a code for its set of item sets, and the item sets of each code.

    Most items are in one set of a group: their profile is that set. Pairs in several sets get
    a code from a sum of random 64-bit keys of their sets, then every pair is checked exactly
    against its code's sets (same sets, same number), so a hash collision cannot pass unseen.
    """
    rows_per_pair = np.bincount(pair_of_row, minlength=n_pairs)
    alone = rows_per_pair[pair_of_row] <= 1  # the rows that are their pair's only row
    pair_set = np.full(n_pairs, -1, dtype=np.int64)
    pair_set[pair_of_row[alone]] = set_of_row[alone]
    used = np.flatnonzero(np.bincount(pair_set[pair_set >= 0], minlength=n_sets))
    code = np.full(n_sets, -1, dtype=np.int64)
    code[used] = np.arange(len(used))
    profile = np.where(pair_set >= 0, code[pair_set], -1)
    members = [np.array([s]) for s in used]
    if alone.all():
        return profile, members
    several = np.flatnonzero(~alone)  # (a profile may come twice, alone and so: harmless)
    local, pairs = factorize_sorted(pair_of_row[several].astype(np.int64))
    more, more_members = _signatures(local, set_of_row[several], n_sets)
    profile[pairs] = len(members) + more
    return profile, members + more_members


def _signatures(pair_of_row: np.ndarray, set_of_row: np.ndarray, n_sets: int
                ) -> tuple[np.ndarray, list[np.ndarray]]:
    """:func:`_profiles` of pairs (numbered from 0, each with a row) by signatures."""
    combined = distinct_sorted(pair_of_row.astype(np.int64) * n_sets + set_of_row)
    pairs, sets = combined // n_sets, combined % n_sets
    keys = np.random.default_rng(20240917).integers(1, 2**63, size=n_sets, dtype=np.uint64)
    starts = np.flatnonzero(np.r_[True, pairs[1:] != pairs[:-1]])
    signature = np.add.reduceat(keys[sets], starts)
    profile, uniques = pd.factorize(signature)
    profile = np.asarray(profile, dtype=np.int64)
    first = np.zeros(len(uniques), dtype=np.int64)
    first[profile[::-1]] = starts[::-1]  # one pair per profile
    ends = np.r_[starts[1:], len(pairs)]
    members = [sets[first[p] : ends[np.searchsorted(starts, first[p])]] for p in range(len(first))]
    check = np.zeros((len(members), n_sets), dtype=bool)
    for p, s in enumerate(members):
        check[p, s] = True
    per_pair = np.diff(np.r_[starts, len(pairs)])
    row_profile = np.repeat(profile, per_pair)
    if not (
        check[row_profile, sets].all() and (check.sum(axis=1)[profile] == per_pair).all()
    ):  # pragma: no cover - a 64-bit collision between two different sets of item sets
        raise AssertionError("profile signature collision; please report")
    return profile, members


class _Spread:
    """Each (item, wiki) row once for every pair of its item: (pair, wiki) arrays.

    Most items are in one group: every row takes its item's first pair, and only the rows of
    items with several pairs are repeated for the others. Made once per index (*pair_item*:
    the item of each pair), applied to the article rows a block at a time. Pairs in item order
    (as :func:`index_cells` makes them) are their own listing by item; others are sorted.
    """

    def __init__(self, pair_item: np.ndarray, n_items: int) -> None:
        self.per_item = np.bincount(pair_item, minlength=n_items)
        self.starts = np.zeros(n_items + 1, dtype=np.int64)
        np.cumsum(self.per_item, out=self.starts[1:])
        in_order = len(pair_item) < 2 or bool((pair_item[1:] >= pair_item[:-1]).all())
        self.by_item = None if in_order else np.argsort(pair_item).astype(np.int32)
        has = self.per_item > 0
        self.first = np.full(n_items + 1, -1, dtype=np.int32)
        self.first[:-1][has] = self._pairs(self.starts[:-1][has])
        self.multi = self.per_item > 1
        self.any_multi = bool(self.multi.any())

    def _pairs(self, at: np.ndarray) -> np.ndarray:
        """The pairs at places *at* of the listing by item."""
        return at if self.by_item is None else self.by_item[at]

    def __call__(self, items: np.ndarray, wikis: np.ndarray):
        pair = self.first[items]
        keep = pair >= 0
        if self.any_multi:
            more = np.flatnonzero(self.multi[items])  # the rows of items with more pairs:
            at, of = spans(self.starts[items[more]] + 1, self.per_item[items[more]] - 1)
            rows = more[of]  # each again for every pair after its item's first
            pair = np.concatenate([pair, self._pairs(at)])
            wikis = np.concatenate([wikis, wikis[rows]])
            keep = np.concatenate([keep, np.ones(len(rows), dtype=bool)])
        if not keep.all():
            pair, wikis = pair[keep], wikis[keep]
        return pair, wikis


def _known_rows(u: Universe, spread: _Spread, pair_profile: np.ndarray, flat: np.ndarray, work):
    """``work(pair, wiki)`` for the article rows of *u* as (pair, wiki) blocks, only where the
    cell is known (*flat*: the profiles' observed wikis, raveled), yielded in order; the blocks
    are worked on two threads (:func:`bot.parallel.ordered`), and the rows of a run are never
    all held at once."""
    n_wikis = len(u.wikis)

    def block(at: int):
        pair, wiki = spread(u.items_of(at, at + BLOCK), u.a_wiki[at : at + BLOCK])
        known = flat[pair_profile[pair].astype(np.int64) * n_wikis + wiki]
        return work(pair, wiki) if known.all() else work(pair[known], wiki[known])

    return ordered(block, range(0, len(u.a_wiki), BLOCK))


def index_cells(
    u: Universe,
    members: pd.DataFrame,
    observed: pd.DataFrame,
    by: str = "goal",
    *,
    ranked: bool = True,
    keys: ranking.RankKeys | None = None,
    items: np.ndarray | None = None,
) -> CellIndex:
    """The :class:`CellIndex` of one grouping of the universe *u*.

    *members* has ``qnum`` (the item's number), ``itemset`` and the group column *by*;
    *observed* ``itemset, wiki``. Without *ranked* the index counts (coverage, known counts)
    but cannot list gaps, and costs no sort of the article rows. *keys* (per item code:
    demand and sitelinks in every project, :func:`bot.engines.ranking.rank_keys`) rank the
    gaps; without them they rank by sitelinks and a scratch gap by QID alone. *items* are the
    members' item codes when the caller has them (:attr:`Universe.member_items`), else they
    are looked up.
    """
    item_code = (u.item_codes(members["qnum"].to_numpy(np.int64)) if items is None
                 else np.asarray(items, dtype=np.int64))
    itemsets = members["itemset"]
    if not isinstance(itemsets.dtype, pd.CategoricalDtype):
        itemsets = itemsets.astype(str)
    set_code, sets = column_codes(itemsets)  # a categorical column's codes: no copy of the names
    sets = pd.Index(sets.astype(str))
    group_code, groups = pd.factorize(members[by], sort=True)
    group_code, groups = np.asarray(group_code), pd.Index(groups)
    keep = (item_code >= 0) & (set_code >= 0) & (group_code >= 0)
    item_code, set_code, group_code = item_code[keep], set_code[keep], group_code[keep]
    n_items, n_sets, n_wikis = len(u.numbers), len(sets), len(u.wikis)

    # Which wikis each item set observed.
    obs_set = sets.get_indexer(observed["itemset"].astype(str))
    obs_wiki = u.wikis.get_indexer(observed["wiki"].astype(str))
    ok = (obs_set >= 0) & (obs_wiki >= 0)
    set_wikis = np.zeros((n_sets, n_wikis), dtype=bool)
    set_wikis[obs_set[ok], obs_wiki[ok]] = True

    # Pairs (group, item), sorted by item then group (in 32 bits when they fit: a faster
    # sort), and their profiles.
    n_groups = max(len(groups), 1)
    kind = np.int32 if n_items * n_groups < 2**31 else np.int64
    row_keys = item_code.astype(kind) * kind(n_groups) + group_code.astype(kind)
    pair_keys = np.sort(row_keys) if by == "itemset" else None
    if pair_keys is not None and not (pair_keys[1:] == pair_keys[:-1]).any():
        # Grouped by item set, each row once: the rows are the pairs, a set its own profile.
        set_of_group = np.zeros(len(groups), dtype=np.int64)
        set_of_group[group_code] = set_code
        pair_group = (pair_keys % n_groups).astype(np.int64)
        pair_profile, profile_sets = pair_group.astype(np.int32), [[s] for s in set_of_group]
    else:
        pair_of_row, pair_keys = factorize_sorted(row_keys)
        pair_group = (pair_keys % n_groups).astype(np.int64)
        pair_profile, profile_sets = _profiles(pair_of_row, set_code, len(pair_group), n_sets)
        pair_profile = pair_profile.astype(np.int32)
        del pair_of_row
    pair_item = (pair_keys // n_groups).astype(np.int64)
    del pair_keys, row_keys, item_code, set_code, group_code, keep  # row-sized: no longer needed
    profile_wikis = np.zeros((len(profile_sets), n_wikis), dtype=bool)
    for p, s in enumerate(profile_sets):
        profile_wikis[p] = set_wikis[s].any(axis=0)
    index = CellIndex(
        by=by, groups=groups, wikis=u.wikis, items=u.numbers, pair_group=pair_group,
        pair_item=pair_item, pair_profile=pair_profile, profile_wikis=profile_wikis,
        sitelinks=None, articles=np.zeros((len(groups), n_wikis), dtype=np.int64),
    )

    # Article rows → (pair, wiki), only where the cell is known; counted a block at a time.
    spread, flat = _Spread(pair_item, n_items), profile_wikis.ravel()
    rows = lambda work: _known_rows(u, spread, pair_profile, flat, work)  # noqa: E731
    cells = np.zeros(len(groups) * n_wikis, dtype=np.int64)
    cell_of = lambda pair, wiki: np.bincount(  # noqa: E731
        pair_group[pair] * n_wikis + wiki, minlength=len(cells))
    if ranked:
        most = int(np.diff(u.item_start)[pair_item].sum())  # rows, if every cell were known
        _rank(index, rows, cells, cell_of, most, keys)
    else:
        for per_cell in rows(cell_of):
            cells += per_cell
    index.articles = cells.reshape(len(groups), n_wikis)
    release()  # the blocks' temporaries
    return index


def _rank(index: CellIndex, rows, cells: np.ndarray, cell_of, most: int, keys) -> None:
    """Count *index*'s known article rows per pair (its sitelinks) and per cell (into *cells*,
    by *cell_of*), put its pairs in rank order and sort the rows by (wiki, position) — one
    pass over the rows (*rows(work)*: *work* applied to their (pair, wiki) blocks; at most
    *most* of them)."""
    n_pairs, n_wikis, n_groups = len(index.pair_group), len(index.wikis), len(index.groups)
    stride = max(n_pairs, 1)
    # (wiki, pair) keys, in 32 bits when they fit: half the memory and a faster sort.
    kind = np.int32 if n_wikis * stride < 2**31 else np.int64
    sorted_keys = np.empty(most, dtype=kind)  # one key per known row
    sitelinks = np.zeros(n_pairs, dtype=np.int64)
    filled = 0

    def work(pair, wiki):
        part = wiki.astype(kind)
        part *= stride
        part += pair.astype(kind)
        low = int(pair.min()) if len(pair) else 0  # a block's items are a run of items, so
        return cell_of(pair, wiki), low, np.bincount(pair - low), part  # its pairs too

    for per_cell, low, per_pair, part in rows(work):
        cells += per_cell
        sitelinks[low : low + len(per_pair)] += per_pair
        sorted_keys[filled : filled + len(part)] = part
        filled += len(part)
    index.sitelinks = sitelinks
    order, scratch = ranking.pair_order(index.pair_group, index.pair_item, sitelinks, keys)
    # Each key's pair becomes its position in rank order, a block at a time.
    shift = np.empty(n_pairs, dtype=kind)
    shift[order] = np.arange(n_pairs, dtype=kind)
    shift -= np.arange(n_pairs, dtype=kind)
    sorted_keys = sorted_keys[:filled]

    def move(at: int) -> None:
        block = sorted_keys[at : at + BLOCK]
        block += shift[block % kind(stride)]

    for _ in ordered(move, range(0, filled, BLOCK)):
        pass
    sorted_keys.sort()
    for name in ("pair_group", "pair_item", "pair_profile", "sitelinks"):
        setattr(index, name, getattr(index, name)[order])
    index.group_start = np.searchsorted(index.pair_group, np.arange(n_groups + 1))
    translate = np.bincount(index.pair_group[~scratch[order]], minlength=n_groups)
    index.kind_start = index.group_start[:-1] + translate
    present = np.zeros((n_groups, len(index.profile_wikis)), dtype=bool)
    present[index.pair_group, index.pair_profile] = True
    index.everywhere = (
        present.astype(np.int64) @ (~index.profile_wikis).astype(np.int64)
    ) == 0
    bounds = (np.arange(n_wikis)[:, None] * stride + index.group_start[None, :]).ravel()
    index.article_bounds = np.searchsorted(sorted_keys, bounds.astype(kind)).reshape(
        n_wikis, n_groups + 1)
    sorted_keys %= stride
    index.article_pos = (sorted_keys.astype(np.int32, copy=False) if stride < 2**31
                         else sorted_keys)
