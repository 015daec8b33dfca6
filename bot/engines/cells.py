"""A compact index of the known cells: coverage and ranked gaps without materialising them.

:func:`bot.coverage.known_cells` lists every known (group, item, wiki) cell: 2 million items in
340 Wikipedias would be 680 million rows. The rules need far less. A group's items fall into a
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

Everything works on integer codes (``pandas.factorize``); the strings (QIDs, wiki ids, group
values) are looked at once each. The results are the same tables, value for value and dtype for
dtype, as the straightforward pandas rules in :mod:`bot.coverage` (tests/test_coverage_equivalence
compares them on the bundled snapshot and on random inputs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

COVERAGE_COLUMNS = ["items", "articles", "missing", "coverage_pct"]
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


def _canonical_numbers(values: pd.Index) -> np.ndarray | None:
    """``Q42`` → 42 for each value, or ``None`` unless every value is a canonical QID.

    Canonical (``Q`` and digits, no leading zero) means the number names the string exactly,
    so items may be matched by number, which is much cheaper than by string.
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pandas alone: the same, more slowly
        text = pd.Series(values, dtype=str)
        if not text.str.fullmatch(r"Q[1-9][0-9]{0,17}").all():
            return None
        return text.str.slice(1).astype("int64").to_numpy()
    backing = values.array
    if hasattr(backing, "__arrow_array__"):  # Arrow-backed strings: no Python objects
        text = backing.__arrow_array__()
    else:
        text = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    if text.null_count:
        return None
    if not pc.all(pc.match_substring_regex(text, r"^Q[1-9][0-9]{0,17}$")).as_py():
        return None
    return pc.cast(pc.utf8_slice_codeunits(text, 1), pa.int64()).to_numpy()


def _lookup(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Codes of *values* in *index* (-1 where absent), hashing each distinct value once."""
    codes, uniques = _dictionary(values)
    if len(uniques) == 0:
        return np.full(len(values), -1, dtype=np.int32)
    where = index.get_indexer(uniques).astype(np.int32)
    out = where[codes]
    out[codes < 0] = -1
    return out


def qid_numbers(qids: pd.Index) -> np.ndarray:
    """``Q42`` → 42 for each distinct QID (the ranking's tie-break)."""
    if len(qids) == 0:
        return np.zeros(0, dtype=np.int64)
    return pd.Series(qids, dtype=str).str.slice(1).astype("int64").to_numpy()


def _items(members: pd.Series, articles: pd.Series):
    """Item codes of the members' and the articles' rows, the items' QIDs and numbers.

    Items are matched by QID number when every QID is canonical, else by the QID text.
    """
    m_codes, m_values = _dictionary(members)
    a_codes, a_values = _dictionary(articles)
    m_numbers, a_numbers = _canonical_numbers(m_values), _canonical_numbers(a_values)
    if m_numbers is not None and a_numbers is not None:
        value_item, numbers = pd.factorize(m_numbers)  # member dictionary value → item
        value_item = np.asarray(value_item)
        first = np.full(len(numbers), -1, dtype=np.int64)
        first[value_item[::-1]] = np.arange(len(value_item))[::-1]
        items = m_values.take(first)
        item_code = np.where(m_codes >= 0, value_item[np.maximum(m_codes, 0)], -1)
        where = pd.Index(numbers).get_indexer(a_numbers).astype(np.int32)
        a_item = where[a_codes]
        a_item[a_codes < 0] = -1
        return item_code, a_item, items, np.asarray(numbers, dtype=np.int64)
    item_code, items = _factorize(members)
    a_item = _lookup(articles, items)
    return item_code, a_item, items, qid_numbers(items)


@dataclass
class CellIndex:
    """The known cells of one grouping (``goal`` or ``itemset``) in compact form.

    Build it with :func:`index_cells`. Pairs are the (group, item) combinations, kept sorted in
    rank order: by group, then sitelinks descending, then numeric QID ascending.
    """

    by: str
    groups: pd.Index  # the group values, sorted
    wikis: pd.Index  # the wiki ids observed by some item set, sorted
    items: pd.Index  # the distinct QIDs of the members
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

    def coverage(self) -> pd.DataFrame:
        items = self.items_matrix()
        articles = self.articles_matrix()
        g, w = np.nonzero(items)  # row-major: sorted by group, then wiki
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
        # Python's round() on each value: the same rule as bot.coverage.coverage.
        table["coverage_pct"] = [
            round(100.0 * x / i, 2) if i else 0.0
            for x, i in zip(a.tolist(), n.tolist(), strict=True)
        ]
        return table[[self.by, "wiki", *COVERAGE_COLUMNS]]

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

    def ranked_gaps(self, top: int | None = None) -> pd.DataFrame:
        """``by, wiki, rank, qid, sitelinks``: the missing articles per (group, wiki), ranked.

        *top* keeps the first *top* of each (group, wiki); ``None`` keeps them all.
        """
        items = self.items_matrix()
        parts, groups, wikis, ranks = [], [], [], []
        for g, w in zip(*np.nonzero(items), strict=True):
            found = self.gap_positions(int(g), int(w), top)
            if len(found):
                parts.append(found)
                groups.append(np.full(len(found), g, dtype=np.int64))
                wikis.append(np.full(len(found), w, dtype=np.int64))
                ranks.append(np.arange(1, len(found) + 1, dtype=np.int64))
        if parts:
            pos = np.concatenate(parts)
            g_codes, w_codes, rank = (np.concatenate(x) for x in (groups, wikis, ranks))
        else:
            pos = g_codes = w_codes = rank = np.zeros(0, dtype=np.int64)
        return pd.DataFrame(
            {
                self.by: self.groups.take(g_codes),
                "wiki": self.wikis.take(w_codes),
                "rank": rank,
                "qid": self.items.take(self.pair_item[pos]),
                "sitelinks": self.sitelinks[pos].astype("int64"),
            }
        )

    # ---- the cells themselves -----------------------------------------------------------------

    def frame(self) -> pd.DataFrame:
        """Every known cell (``by, qid, wiki, has_article``), sorted by group, wiki and rank.

        This is what the index avoids building; it is here for tests and small data.
        """
        rows = []
        for w in range(len(self.wikis)):
            known = self.profile_wikis[self.pair_profile, w]
            has = np.zeros(len(self.pair_group), dtype=bool)
            has[self.article_pos[self.article_bounds[w, 0] : self.article_bounds[w, -1]]] = True
            pos = np.flatnonzero(known)
            rows.append((pos, np.full(len(pos), w), has[pos]))
        pos = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, dtype=np.int64)
        wiki = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, dtype=np.int64)
        has = np.concatenate([r[2] for r in rows]) if rows else np.zeros(0, dtype=bool)
        order = np.lexsort((pos, wiki, self.pair_group[pos]))
        pos, wiki, has = pos[order], wiki[order], has[order]
        return pd.DataFrame(
            {
                self.by: self.groups.take(self.pair_group[pos]),
                "qid": self.items.take(self.pair_item[pos]),
                "wiki": self.wikis.take(wiki),
                "has_article": has,
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
    """The :class:`CellIndex` of the inputs of :func:`bot.coverage.known_cells`."""
    # Item sets, items and groups of the members; the articles' items.
    item_code, a_item, items, qnum = _items(members["qid"], articles["qid"])
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
