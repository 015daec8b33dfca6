"""The universe of a run's cell indexes: its items, wikis and article rows as integer codes.

:func:`universe` codes a run's facts once: items are the members' distinct QID numbers
(:mod:`bot.facts`), wikis the sorted wiki ids, and the article rows — the members' articles,
each (item, wiki) once — are sorted by item, then wiki, so that an item's articles are one
slice. Only the rows' wikis are stored (16 bits each); the item of a row is read off the
slices' bounds. Every grouping of :mod:`bot.engines.cells` is built on the same universe.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.facts import positions
from bot.parallel import beside

BLOCK = 1 << 20  # rows per block where a row-sized temporary would be needed


def column_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (-1: missing) and distinct values; a categorical column costs nothing."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.array.codes, pd.Index(values.cat.categories)  # (a view, not a copy)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes), pd.Index(uniques)


def factorize_sorted(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize(keys, sort=True)`` of integer *keys* by one sort: each key's code
    (int64) and the distinct keys, sorted — three times faster than hashing on millions."""
    kind = keys.dtype
    if len(keys) and kind.itemsize > 4 and 0 <= keys.min() and keys.max() < 2**31:
        keys = keys.astype(np.int32)  # (a faster sort)
    order = np.argsort(keys)  # not stable: equal keys get one code whatever their order
    ordered = keys[order]
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    codes = np.empty(len(keys), dtype=np.int64)
    codes[order] = np.cumsum(new) - 1
    return codes, ordered[new].astype(kind, copy=False)


def spans(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``starts[i] + arange(lengths[i])`` for every i, concatenated, and each one's i."""
    of = np.repeat(np.arange(len(starts)), lengths)
    offset = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offset, of


def first_true(lo: np.ndarray, hi: np.ndarray, test) -> np.ndarray:
    """Per range ``[lo, hi)``, the first index where *test(indexes, ranges)* holds (``hi``
    where it never does), *test* being false then true along each range: a binary search in
    every range at once."""
    lo, hi = np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64)
    while True:
        open_ = np.flatnonzero(lo < hi)
        if not len(open_):
            return lo
        mid = (lo[open_] + hi[open_]) // 2
        true = test(mid, open_)
        hi[open_[true]] = mid[true]
        lo[open_[~true]] = mid[~true] + 1


@dataclass
class Universe:
    """A run's items, wikis and article rows as integer codes, shared by its groupings.

    The article rows are sorted by item, then wiki, and each is there once; only their wikis
    are stored: an item's rows are the slice ``item_start[i]:item_start[i + 1]``, so the item
    of a row is read off *item_start* (:meth:`items_of`), never held per row.
    """

    numbers: np.ndarray  # the members' distinct item numbers, sorted (an item's code: its index)
    wikis: pd.Index  # wiki ids, sorted: the observed ones and the articles'
    a_wiki: np.ndarray  # per article row: wiki code (16 bits when the wikis fit)
    item_start: np.ndarray  # the rows of item i are [item_start[i], item_start[i + 1])
    member_items: np.ndarray | None = None  # per number given to universe(): its code (int32)
    # (the members' item codes, in the members' order: what index_cells takes as *items*)

    def item_codes(self, numbers: np.ndarray) -> np.ndarray:
        """Codes of item *numbers* (-1 for one that is not a member)."""
        numbers = np.asarray(numbers, dtype=np.int64)
        if not len(self.numbers):
            return np.full(len(numbers), -1, dtype=np.int64)
        return pd.Index(self.numbers).get_indexer(numbers).astype(np.int64)

    def items_of(self, start: int, stop: int) -> np.ndarray:
        """The item code of each article row in ``[start, stop)`` (int32)."""
        first = int(np.searchsorted(self.item_start, start, side="right")) - 1
        last = int(np.searchsorted(self.item_start, stop, side="left"))
        first, last = max(first, 0), max(last, first)
        bounds = np.clip(self.item_start[first : last + 1], start, stop)
        return np.repeat(np.arange(first, first + len(bounds) - 1, dtype=np.int32),
                         np.diff(bounds))

    def rows_of(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The article rows of the item codes *items*, and the item code of each row."""
        starts = self.item_start[items]
        rows, of = spans(starts, self.item_start[items + 1] - starts)
        return rows, items[of]

    def find(self, items: np.ndarray, wikis: np.ndarray) -> np.ndarray:
        """The article row of each (item code, wiki code), -1 where the item has no article
        there: a binary search in every item's slice at once (its wikis are sorted)."""
        items, wikis = np.asarray(items, np.int64), np.asarray(wikis, np.int64)
        out = np.full(len(items), -1, dtype=np.int64)
        asked = np.flatnonzero((items >= 0) & (wikis >= 0))
        start, end, wiki = (self.item_start[items[asked]], self.item_start[items[asked] + 1],
                            wikis[asked])
        lo = first_true(start, end, lambda at, i: self.a_wiki[at] >= wiki[i])
        there = lo < end
        there[there] = self.a_wiki[lo[there]] == wiki[there]
        out[asked[there]] = lo[there]
        return out


def universe(member_numbers: np.ndarray, observed_wikis, facts) -> Universe:
    """The :class:`Universe` of members (their item numbers, one per member row) and the
    articles of *facts* (``qnum, wiki``, or ``item, wiki`` codes into ``facts.item_numbers``).
    Each member row's item code is kept (:attr:`Universe.member_items`): the groupings of the
    same members need not look them up again."""
    member_numbers = np.asarray(member_numbers, dtype=np.int64)
    articles = facts.articles
    wiki_code, wiki_names = column_codes(articles["wiki"])
    wikis = pd.Index(sorted(set(map(str, wiki_names)) | set(map(str, observed_wikis))))
    remap = wikis.get_indexer(wiki_names.astype(str)).astype(np.int64)
    keyed = lambda lookup, n_items: _article_keys(  # noqa: E731
        lookup, len(articles), n_items, wiki_code, remap, len(wikis))
    if "item" in articles and facts.item_numbers is not None:
        # Codes into the reader's numbers, which are ours when the reader numbered the same
        # members (as `run` does): the members are coded beside the rows' keys, and only
        # numbers that differ need the rows' codes turned into ours.
        theirs = np.asarray(facts.item_numbers, dtype=np.int64)
        codes = articles["item"].to_numpy()
        with beside(factorize_sorted, member_numbers) as coded:
            keys = keyed(lambda block: codes[block], len(theirs))
            member_codes, numbers = coded()
        if not np.array_equal(theirs, numbers):
            into = positions(numbers, theirs)
            keys = keyed(lambda block: into[codes[block]], len(numbers))
    else:
        member_codes, numbers = factorize_sorted(member_numbers)
        index, qnum = pd.Index(numbers), articles["qnum"].to_numpy(np.int64)
        keys = keyed(lambda block: index.get_indexer(qnum[block]), len(numbers))
    n_wikis = max(len(wikis), 1)
    kind = keys.dtype.type
    a_wiki = np.empty(len(keys), dtype=np.int16 if n_wikis < 2**15 else np.int32)
    for at in range(0, len(keys), BLOCK):  # in blocks: no row-sized 64-bit temporaries
        a_wiki[at : at + BLOCK] = keys[at : at + BLOCK] % n_wikis
    # Item i's rows begin at its first key, i × wikis (sorted needles: each search starts
    # where the last ended).
    bounds = np.arange(len(numbers) + 1, dtype=kind) * kind(n_wikis)
    item_start = np.searchsorted(keys, bounds).astype(np.int64)
    del keys, bounds
    return Universe(numbers, wikis, a_wiki, item_start, member_codes.astype(np.int32))


def _article_keys(lookup, n_rows: int, n_items: int, wiki_code: np.ndarray, remap: np.ndarray,
                  n_wikis: int) -> np.ndarray:
    """The article rows' (item, wiki) keys — item code × wikis + wiki code, *lookup(block)*
    giving a block's item codes (-1: not a member) — sorted, each once; in 32 bits when they
    fit: half the memory and a faster sort."""
    n_wikis = max(n_wikis, 1)
    kind = np.int32 if n_items * n_wikis < 2**31 else np.int64
    keys = np.empty(n_rows, dtype=kind)
    filled = 0
    for at in range(0, n_rows, 4 * BLOCK):  # in blocks: no row-sized hash temporaries
        block = slice(at, at + 4 * BLOCK)
        item = lookup(block).astype(kind)
        code = wiki_code[block]
        keep = (item >= 0) & (code >= 0)
        if not keep.all():  # (a reader that matched the members kept only theirs)
            item, code = item[keep], code[keep]
        kept = item * kind(n_wikis)
        kept += remap.astype(kind)[code]
        keys[filled : filled + len(kept)] = kept
        filled += len(kept)
    keys = keys[:filled]
    keys.sort()
    if len(keys) > 1:
        distinct = np.r_[True, keys[1:] != keys[:-1]]
        if not distinct.all():  # the same article twice: it counts once
            keys = keys[distinct]
    return keys
