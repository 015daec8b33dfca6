"""A compact index of the known cells: coverage and ranked gaps without materialising them.

Listing every known (group, item, wiki) cell would take, for 2 million items in 340
Wikipedias, 680 million rows. The rules need far less. A group's items fall into a
few *profiles* (the set of item sets an item belongs to within the group, hence the Wikipedias in
which its cells are known), so

* items per (group, wiki) = Σ over profiles: (items of the group with that profile) × (the
  profile observed the wiki) — a small matrix product;
* articles per (group, wiki) and sitelinks per (group, item) are ``bincount``\\ s over the
  article rows that fall in a known cell;
* the gaps of a (group, wiki) are the group's items, in rank order, that are known there and
  have no article: after one sort of the article rows by (wiki, rank position), the first *k*
  gaps of a wiki lie among the first *k* + (articles before them) positions, so a top-*k* list
  costs O(*k* + articles) and never touches the other items.

Everything works on integer codes (``pandas.factorize``): items are their QIDs' numbers
(:mod:`bot.facts`), wiki ids and group values are looked at once each. :mod:`bot.engines.compact`
computes every table of a run with it; the rules are stated in :mod:`bot.engines.base`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.engines.base import COVERAGE_COLUMNS, coverage_pct
from bot.facts import qids_of_numbers

BLOCK = 1 << 20  # rows per block where a row-sized temporary would be needed


def _coded(values: pd.Series) -> bool:
    dtype = values.dtype
    return isinstance(dtype, pd.CategoricalDtype) or (
        isinstance(dtype, pd.ArrowDtype) and str(dtype.pyarrow_dtype).startswith("dictionary")
    )


def _factorize(values: pd.Series, sort: bool = False) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1: missing) and distinct values; a coded column's values come out plain."""
    if _coded(values):
        codes, dictionary = _dictionary(values)
        remap, uniques = pd.factorize(dictionary, sort=sort, use_na_sentinel=True)
        out = np.asarray(remap)[np.maximum(codes, 0)]
        out[codes < 0] = -1
        return out, pd.Index(uniques)
    codes, uniques = pd.factorize(values, sort=sort, use_na_sentinel=True)
    return np.asarray(codes), pd.Index(uniques)


def _dictionary(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1: missing) into distinct-or-not *values*: free for coded columns.

    A categorical column (or an Arrow dictionary column, as read from Parquet) already is codes
    and a dictionary; anything else is factorized, hashing each row once.
    """
    if not _coded(values):
        return _factorize(values)
    if isinstance(values.dtype, pd.CategoricalDtype):
        return np.asarray(values.cat.codes), pd.Index(values.cat.categories)
    # An Arrow dictionary column (as pyarrow reads Parquet with read_dictionary).
    import pyarrow as pa

    chunked = values.array.__arrow_array__()
    if chunked.num_chunks > 1:
        head = chunked.chunk(0).dictionary
        if not all(c.dictionary.equals(head) for c in chunked.chunks[1:]):
            chunked = chunked.unify_dictionaries()
    if chunked.num_chunks:
        codes = np.empty(len(chunked), dtype=np.int32)
        at = 0
        for chunk in chunked.chunks:  # chunk by chunk: no second copy of the column
            indices = chunk.indices
            if indices.null_count:
                indices = indices.fill_null(-1)
            codes[at : at + len(chunk)] = indices.to_numpy(zero_copy_only=False)
            at += len(chunk)
        dictionary = chunked.chunk(0).dictionary
    else:
        codes, dictionary = np.zeros(0, dtype=np.int64), pa.array([], pa.string())
    return codes, pd.Index(pd.array(dictionary.to_pandas(types_mapper=None)))


def _lookup(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Codes of *values* in *index* (-1 where absent), hashing each distinct value once."""
    codes, uniques = _dictionary(values)
    if len(uniques) == 0:
        return np.full(len(values), -1, dtype=np.int32)
    where = index.get_indexer(uniques).astype(np.int32)
    out = where[codes]
    out[codes < 0] = -1
    return out


def _items(members: np.ndarray, articles: np.ndarray):
    """Item codes of the members' and the articles' rows (-1: not a member), the items' numbers."""
    item_code, numbers = pd.factorize(members)
    numbers = np.asarray(numbers, dtype=np.int64)
    where = pd.Index(numbers).get_indexer(articles).astype(np.int32) if len(numbers) else (
        np.full(len(articles), -1, dtype=np.int32)
    )
    return np.asarray(item_code), where, numbers


@dataclass
class CellIndex:
    """The known cells of one grouping (goal, item set or target) in compact form.

    Build it with :func:`index_cells`. Pairs are the (group, item) combinations, kept sorted in
    rank order: by group, then sitelinks descending, then numeric QID ascending.
    """

    by: str
    groups: pd.Index  # the group values, sorted
    wikis: pd.Index  # the wiki ids observed by some item set, sorted
    items: np.ndarray  # the distinct items' numbers (Q42 → 42)
    pair_group: np.ndarray  # per pair (in rank order): group code
    pair_item: np.ndarray  # per pair: item code
    pair_profile: np.ndarray  # per pair: profile code
    profile_wikis: np.ndarray  # bool, profiles × wikis: the wikis where a profile's cells are known
    sitelinks: np.ndarray  # per pair: articles in the pair's known wikis
    group_start: np.ndarray  # pairs of group g are [group_start[g], group_start[g + 1])
    everywhere: np.ndarray  # bool, groups × wikis: every item of the group is known in the wiki
    article_bounds: np.ndarray  # wikis × (groups + 1): article rows of (g, w) in the sorted keys
    article_pos: np.ndarray  # the article rows' pair positions, sorted by (wiki, position)

    # ---- coverage -----------------------------------------------------------------------------

    def items_matrix(self) -> np.ndarray:
        """Known cells per (group, wiki): groups × wikis, int64."""
        n_groups, n_profiles = len(self.groups), self.profile_wikis.shape[0]
        counts = np.zeros((n_groups, n_profiles), dtype=np.int64)
        if len(self.pair_group):
            np.add.at(counts, (self.pair_group, self.pair_profile), 1)
        return counts @ self.profile_wikis.astype(np.int64)

    def articles_matrix(self) -> np.ndarray:
        """Articles in known cells per (group, wiki): groups × wikis, int64."""
        return np.diff(self.article_bounds, axis=1).T.astype(np.int64)

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
        articles = self.articles_matrix()
        keep = np.zeros(len(self.wikis), dtype=bool)
        keep[self.wiki_codes(wikis)] = True
        g, w = np.nonzero((items > 0) & keep[None, :])  # row-major: by group, then wiki
        n, a = items[g, w], articles[g, w]
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

    def known_counts(self, qnums: np.ndarray, wiki_codes: np.ndarray) -> np.ndarray:
        """How many of the (item number, wiki code) rows fall in a known cell, per (group,
        wiki): groups × wikis, int64. Rows of non-members or unknown wikis count nowhere; a
        row counts once in each group its item belongs to."""
        out = np.zeros((len(self.groups), len(self.wikis)), dtype=np.int64)
        if not len(qnums) or not len(self.items):
            return out
        item = pd.Index(self.items).get_indexer(qnums)
        ok = (item >= 0) & (wiki_codes >= 0)
        item, wiki = item[ok], np.asarray(wiki_codes)[ok]
        order = np.argsort(self.pair_item, kind="stable")
        starts = np.searchsorted(self.pair_item[order], np.arange(len(self.items) + 1))
        per_row = starts[item + 1] - starts[item]
        rows = np.repeat(np.arange(len(item)), per_row)
        offset = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        pair = order[starts[item[rows]] + offset]
        wiki = wiki[rows]
        known = self.profile_wikis[self.pair_profile[pair], wiki]
        np.add.at(out, (self.pair_group[pair[known]], wiki[known]), 1)
        return out

    # ---- gaps ---------------------------------------------------------------------------------

    def gap_positions(self, group: int, wiki: int, top: int | None) -> np.ndarray:
        """Pair positions of the gaps of (group, wiki), best first, at most *top* of them."""
        start, end = int(self.group_start[group]), int(self.group_start[group + 1])
        size = end - start
        if size == 0:
            return np.zeros(0, dtype=np.int64)
        k = size if top is None else min(top, size)
        lo, hi = self.article_bounds[wiki, group], self.article_bounds[wiki, group + 1]
        taken = self.article_pos[lo:hi] - start  # sorted, distinct local positions
        if self.everywhere[group, wiki]:
            # The i-th article has taken[i] - i gaps before it: the first k gaps lie below
            # k + (the number of articles with fewer than k gaps before them).
            before = taken - np.arange(len(taken))
            m = int(np.searchsorted(before, k, side="left"))
            limit = min(size, k + m)
            free = np.ones(limit, dtype=bool)
            free[taken[:m]] = False
            return np.flatnonzero(free)[:k] + start
        free = self.profile_wikis[self.pair_profile[start:end], wiki]
        free[taken] = False
        return np.flatnonzero(free)[:k] + start

    def ranked_gaps(self, top: int | None = None, wikis=None) -> pd.DataFrame:
        """``by, wiki, rank, qid, sitelinks``: the missing articles per (group, wiki), ranked,
        for *wikis* (``None``: all). *top* keeps the first *top* of each; ``None`` all."""
        items = self.items_matrix()
        keep = np.zeros(len(self.wikis), dtype=bool)
        keep[self.wiki_codes(wikis)] = True
        parts, groups, wiki_parts, ranks = [], [], [], []
        for g, w in zip(*np.nonzero((items > 0) & keep[None, :]), strict=True):
            found = self.gap_positions(int(g), int(w), top)
            if len(found):
                parts.append(found)
                groups.append(np.full(len(found), g, dtype=np.int64))
                wiki_parts.append(np.full(len(found), w, dtype=np.int64))
                ranks.append(np.arange(1, len(found) + 1, dtype=np.int64))
        if parts:
            pos = np.concatenate(parts)
            g_codes, w_codes, rank = (np.concatenate(x) for x in (groups, wiki_parts, ranks))
        else:
            pos = g_codes = w_codes = rank = np.zeros(0, dtype=np.int64)
        return pd.DataFrame(
            {
                self.by: self.groups.take(g_codes),
                "wiki": self.wikis.take(w_codes),
                "rank": rank,
                "qid": qids_of_numbers(self.items[self.pair_item[pos]]),
                "sitelinks": self.sitelinks[pos].astype("int64"),
            }
        )


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values, by a sort and a comparison of neighbours."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _profiles(
    pair_of_row: np.ndarray, set_of_row: np.ndarray, n_pairs: int, n_sets: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Per pair, a code for its set of item sets, and the item sets of each code.

    Most items are in one set of a group: their profile is that set. Pairs in several sets get
    a code from a sum of random 64-bit keys of their sets, then every pair is checked exactly
    against its code's sets (same sets, same number), so a hash collision cannot pass unseen.
    """
    rows_per_pair = np.bincount(pair_of_row, minlength=n_pairs)
    if n_pairs == 0 or rows_per_pair.max() <= 1:
        pair_set = np.empty(n_pairs, dtype=np.int64)
        pair_set[pair_of_row] = set_of_row
        used = np.flatnonzero(np.bincount(pair_set, minlength=n_sets))
        code = np.full(n_sets, -1, dtype=np.int64)
        code[used] = np.arange(len(used))
        return code[pair_set], [np.array([s]) for s in used]
    combined = _unique(pair_of_row.astype(np.int64) * n_sets + set_of_row)
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


def index_cells(
    members: pd.DataFrame, observed: pd.DataFrame, articles: pd.DataFrame, by: str = "goal"
) -> CellIndex:
    """The :class:`CellIndex` of one grouping.

    *members* has ``qnum`` (the item's number), ``itemset`` and the group column *by*;
    *observed* ``itemset, wiki``; *articles* ``qnum, wiki`` (see :mod:`bot.facts`).
    """
    # Item sets, items and groups of the members; the articles' items.
    item_code, a_item, items = _items(
        members["qnum"].to_numpy(np.int64), articles["qnum"].to_numpy(np.int64)
    )
    qnum = items
    set_code, sets = _factorize(members["itemset"])
    group_code, groups = _factorize(members[by], sort=True)
    keep = (item_code >= 0) & (set_code >= 0) & (group_code >= 0)
    if not keep.all():
        item_code, set_code, group_code = item_code[keep], set_code[keep], group_code[keep]
    n_items, n_sets = len(items), len(sets)

    # Which wikis each item set observed.
    obs_set = _lookup(observed["itemset"], sets)
    wiki_code, wikis = _factorize(observed["wiki"], sort=True)
    ok = (obs_set >= 0) & (wiki_code >= 0)
    set_wikis = np.zeros((n_sets, len(wikis)), dtype=bool)
    set_wikis[obs_set[ok], wiki_code[ok]] = True
    n_wikis = len(wikis)

    # Pairs (group, item) and their profiles.
    pair_key = group_code.astype(np.int64) * max(n_items, 1) + item_code
    pair_of_row, pair_keys = pd.factorize(pair_key)
    pair_of_row = np.asarray(pair_of_row, dtype=np.int64)
    pair_keys = np.asarray(pair_keys, dtype=np.int64)
    n_pairs = len(pair_keys)
    pair_group, pair_item = pair_keys // max(n_items, 1), pair_keys % max(n_items, 1)
    del pair_key, pair_keys
    pair_profile, profile_sets = _profiles(pair_of_row, set_code, n_pairs, n_sets)
    del pair_of_row
    pair_profile = pair_profile.astype(np.int32)
    profile_wikis = np.zeros((len(profile_sets), n_wikis), dtype=bool)
    for p, s in enumerate(profile_sets):
        profile_wikis[p] = set_wikis[s].any(axis=0)

    # Article rows → (pair, wiki), only where the cell is known.
    a_wiki = _lookup(articles["wiki"], wikis)
    ok = (a_item >= 0) & (a_wiki >= 0)
    if not ok.all():
        a_item, a_wiki = a_item[ok], a_wiki[ok]
    del ok
    pairs_per_item = np.bincount(pair_item, minlength=n_items).astype(np.int32)
    if n_pairs and pairs_per_item.max() > 1:  # an item in several groups: one row per group
        by_item = np.argsort(pair_item, kind="stable").astype(np.int32)
        first = np.r_[0, np.cumsum(pairs_per_item)[:-1]]
        first_pair = np.full(n_items, -1, dtype=np.int32)
        has = pairs_per_item > 0
        first_pair[has] = by_item[first[has]]
        row_pair = first_pair[a_item]
        more = np.flatnonzero(pairs_per_item[a_item] > 1)  # rows whose item has other pairs
        repeat = pairs_per_item[a_item[more]] - 1
        row = np.repeat(more, repeat)
        offset = 1 + np.arange(len(row)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        row_pair = np.concatenate([row_pair, by_item[first[a_item[row]] + offset]])
        row_wiki = np.concatenate([a_wiki, a_wiki[row]])
        del more, repeat, row, offset
        present = row_pair >= 0
        if not present.all():
            row_pair, row_wiki = row_pair[present], row_wiki[present]
    else:
        item_pair = np.full(n_items, -1, dtype=np.int32)
        item_pair[pair_item] = np.arange(n_pairs, dtype=np.int32)
        row_pair, row_wiki = item_pair[a_item], a_wiki
        present = row_pair >= 0
        if not present.all():
            row_pair, row_wiki = row_pair[present], row_wiki[present]
    del a_item, a_wiki
    known = np.empty(len(row_pair), dtype=bool)
    flat = profile_wikis.ravel()
    for at in range(0, len(row_pair), BLOCK):  # in blocks: no row-sized index temporaries
        block = slice(at, at + BLOCK)
        known[block] = flat[
            pair_profile[row_pair[block]].astype(np.int64) * n_wikis + row_wiki[block]
        ]
    if not known.all():
        row_pair, row_wiki = row_pair[known], row_wiki[known]
    del known

    stride = max(n_pairs, 1)
    for attempt in (0, 1):
        # Rank order: group, sitelinks descending, numeric QID ascending.
        sitelinks = np.bincount(row_pair, minlength=n_pairs)
        order = np.lexsort((qnum[pair_item], -sitelinks, pair_group))
        position = np.empty(n_pairs, dtype=np.int64)
        position[order] = np.arange(n_pairs)
        keys = row_wiki.astype(np.int64)
        keys *= stride
        for at in range(0, len(keys), BLOCK):
            keys[at : at + BLOCK] += position[row_pair[at : at + BLOCK]]
        keys.sort()
        duplicate = keys[1:] == keys[:-1]
        if attempt or not duplicate.any():
            break
        # The same article twice (e.g. two rows for one sitelink): count it once.
        keys = keys[np.r_[True, ~duplicate]]
        row_wiki = keys // stride
        row_pair = order[keys % stride]
    del row_pair, row_wiki, duplicate

    pair_group, pair_item = pair_group[order], pair_item[order]
    pair_profile, sitelinks = pair_profile[order], sitelinks[order]
    group_start = np.searchsorted(pair_group, np.arange(len(groups) + 1))
    present = np.zeros((len(groups), len(profile_sets)), dtype=bool)
    present[pair_group, pair_profile] = True
    everywhere = (present.astype(np.int64) @ (~profile_wikis).astype(np.int64)) == 0
    bounds = (np.arange(n_wikis)[:, None] * stride + group_start[None, :]).ravel()
    article_bounds = np.searchsorted(keys, bounds).reshape(n_wikis, len(groups) + 1)
    keys %= stride
    article_pos = keys.astype(np.int32) if stride < 2**31 else keys
    del keys
    return CellIndex(
        by=by,
        groups=groups,
        wikis=wikis,
        items=items,
        pair_group=pair_group,
        pair_item=pair_item,
        pair_profile=pair_profile,
        profile_wikis=profile_wikis,
        sitelinks=sitelinks,
        group_start=group_start,
        everywhere=everywhere,
        article_bounds=article_bounds,
        article_pos=article_pos,
    )
