"""The order of the gaps in the compact engine: the rank keys, and the first *k* gaps of each kind.

The rules are stated in :mod:`bot.engines.base`. Here they become integers:

* :func:`rank_keys` puts each item's demand (:attr:`bot.facts.Facts.demand`) and its sitelinks
  in every project (:attr:`bot.facts.Facts.all_sitelinks`) on the universe's item codes;
* :func:`pair_order` sorts a grouping's (group, item) pairs by group, then kind (translate
  before scratch), then the kind's keys — one ``lexsort`` of integer arrays — so that within a
  group each kind is one run of positions;
* :func:`gap_positions` finds the first *k* gaps of one (group, wiki, kind) among those
  positions without looking at the others (the article rows before them bound how far to look),
  and :func:`find_gaps` finds them for every (group, wiki) of a
  :class:`bot.engines.cells.CellIndex` at once (:func:`ranked_gaps`: as a table).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.engines.base import GAP_KINDS as KINDS
from bot.engines.base import RANKS
from bot.engines.universe import first_true, spans
from bot.facts import qids_of_numbers


@dataclass(frozen=True)
class RankKeys:
    """Per item code: its demand (views) and its sitelinks in every project; and whether the
    translate gaps rank by demand (``--rank demand``) or by sitelinks."""

    demand: np.ndarray
    known: np.ndarray
    by_demand: bool = False


def _per_item(numbers: np.ndarray, frame: pd.DataFrame | None, column: str) -> np.ndarray:
    out = np.zeros(len(numbers), dtype=np.int64)
    if frame is None or not len(frame) or not len(numbers):
        return out
    codes = pd.Index(numbers).get_indexer(frame["qnum"].to_numpy(np.int64))
    keep = codes >= 0
    np.add.at(out, codes[keep], frame[column].to_numpy(np.int64)[keep])
    return out


def rank_keys(numbers: np.ndarray, facts, rank: str = "sitelinks") -> RankKeys:
    """The :class:`RankKeys` of the universe's item *numbers* from *facts* (unknown: 0)."""
    if rank not in RANKS:
        raise ValueError(f"unknown rank {rank!r}: {' or '.join(RANKS)}")
    demand = _per_item(numbers, facts.demand, "views") if rank == "demand" else None
    return RankKeys(
        demand=demand if demand is not None else np.zeros(len(numbers), dtype=np.int64),
        known=_per_item(numbers, facts.all_sitelinks, "sitelinks"),
        by_demand=rank == "demand",
    )


def pair_order(pair_group: np.ndarray, pair_item: np.ndarray, sitelinks: np.ndarray,
               keys: RankKeys | None) -> tuple[np.ndarray, np.ndarray]:
    """The pairs' rank order and, per pair, whether it is a scratch gap candidate (no article
    in any wiki known for it). Order: group; translate before scratch; a translate pair by
    (demand when ranked by demand, then) sitelinks, most first; a scratch pair by its
    sitelinks in every project, most first; then the numeric QID (= item code) ascending.

    The pairs come by item within each group (as :func:`bot.engines.cells.index_cells` makes
    them), so the last key is the pair's own index: the order is then one sort of packed
    keys, not an argsort."""
    scratch = sitelinks == 0
    if keys is None:
        primary = sitelinks
        known = np.zeros(len(pair_item), dtype=np.int64)
    else:
        primary = keys.demand[pair_item] if keys.by_demand else sitelinks
        known = keys.known[pair_item]
    primary = np.where(scratch, known, primary)
    secondary = np.where(scratch, 0, sitelinks)
    order = _lexsort_indexed((-secondary, -primary, scratch, pair_group))
    return order, scratch


def _lexsort_indexed(columns) -> np.ndarray:
    """``numpy.lexsort((index, *columns))`` (the last column the first key, ties by the rows'
    own index) of integer columns: when their ranges and the index fit in 63 bits together,
    one sort of packed keys that carry the index in their lowest bits, several times faster
    than a lexsort."""
    columns = (np.arange(len(columns[0]), dtype=np.int64), *columns)
    packed = np.zeros(len(columns[0]), dtype=np.int64)
    bits = 0
    for column in reversed(columns):  # the first key first, in the highest bits
        low = int(column.min()) if len(column) else 0
        width = int(column.max() - low).bit_length() if len(column) else 0
        bits += width
        if bits > 63:
            return np.lexsort(columns)
        packed <<= width
        packed |= column - low
    packed.sort()
    return packed & ((1 << int(len(packed) - 1).bit_length()) - 1)


def gap_positions(index, group: int, wiki: int, kind: int, top: int | None) -> np.ndarray:
    """Pair positions of the gaps of one kind (0 translate, 1 scratch) of (group, wiki), best
    first, at most *top* of them."""
    start = int(index.group_start[group]) if kind == 0 else int(index.kind_start[group])
    end = int(index.kind_start[group]) if kind == 0 else int(index.group_start[group + 1])
    size = end - start
    if size <= 0:
        return np.zeros(0, dtype=np.int64)
    k = size if top is None else min(top, size)
    lo, hi = index.article_bounds[wiki, group], index.article_bounds[wiki, group + 1]
    taken = index.article_pos[lo:hi]  # sorted, distinct positions of the group's articles
    taken = taken[np.searchsorted(taken, start):np.searchsorted(taken, end)] - start
    if index.everywhere[group, wiki]:
        # The i-th article has taken[i] - i gaps before it: the first k gaps lie below
        # k + (the number of articles with fewer than k gaps before them).
        before = taken - np.arange(len(taken))
        m = int(np.searchsorted(before, k, side="left"))
        limit = min(size, k + m)
        free = np.ones(limit, dtype=bool)
        free[taken[:m]] = False
        return np.flatnonzero(free)[:k] + start
    free = index.profile_wikis[index.pair_profile[start:end], wiki]
    free[taken] = False
    return np.flatnonzero(free)[:k] + start


def _everywhere_gaps(index, group, wiki, start, end, k):
    """:func:`gap_positions` for many (group, wiki, kind) lists whose items are all known in
    the wiki, at once: per list, its gaps' positions (best first, at most *k*) and the list's
    number, by list."""
    article_pos = index.article_pos
    lo, hi = index.article_bounds[wiki, group], index.article_bounds[wiki, group + 1]
    # The group's articles in the wiki are sorted positions: those of this kind's run of them.
    a0 = first_true(lo, hi, lambda at, i: article_pos[at] >= start[i])
    a1 = first_true(a0, hi, lambda at, i: article_pos[at] >= end[i])
    # The j-th of them has (its position - start - j) gaps before it: the first k gaps lie
    # below k + m, m the number of articles with fewer than k gaps before them.
    m = first_true(a0, a1, lambda at, i: article_pos[at] - start[i] - (at - a0[i]) >= k[i]) - a0
    limit = np.minimum(end - start, k + m)
    candidate, of = spans(np.zeros(len(limit), dtype=np.int64), limit)
    free = np.ones(len(candidate), dtype=bool)
    taken, taken_of = spans(a0, m)
    base = np.cumsum(limit) - limit
    free[base[taken_of] + article_pos[taken] - start[taken_of]] = False
    kept = np.flatnonzero(free)
    # A free candidate's place in its list: the free ones before it there.
    first_free = np.searchsorted(kept, base)
    within = np.arange(len(kept)) - np.repeat(first_free, np.diff(np.r_[first_free, len(kept)]))
    kept = kept[within < k[of[kept]]]
    return candidate[kept] + start[of[kept]], of[kept]


@dataclass(frozen=True)
class Gaps:
    """The gaps :func:`find_gaps` found, one entry per gap, by (group, wiki, kind, rank): codes
    of the group, wiki and kind (0 translate, 1 scratch), the rank (from 1) and the pair's
    position in the index's rank order."""

    group: np.ndarray
    wiki: np.ndarray
    kind: np.ndarray
    rank: np.ndarray
    pair: np.ndarray


def find_gaps(index, top: int | None = None, wikis=None) -> Gaps:
    """The missing articles per (group, wiki, kind) of a ranked
    :class:`bot.engines.cells.CellIndex`, for *wikis* (``None``: all), translate before
    scratch; *top* keeps the first *top* of each kind (``None``: all).

    The lists whose items are all known in their wiki (most) are found at once
    (:func:`_everywhere_gaps`); the others one by one (:func:`gap_positions`)."""
    items = index.items_matrix()
    keep = np.zeros(len(index.wikis), dtype=bool)
    keep[index.wiki_codes(wikis)] = True
    g, w = np.nonzero((items > 0) & keep[None, :])  # by group, then wiki
    group, wiki = np.repeat(g, 2), np.repeat(w, 2)  # each (group, wiki) twice: translate,
    kind = np.tile(np.array([0, 1], dtype=np.int64), len(g))  # then scratch
    start = np.where(kind == 0, index.group_start[:-1][group], index.kind_start[group])
    end = np.where(kind == 0, index.kind_start[group], index.group_start[1:][group])
    start, end = start.astype(np.int64), end.astype(np.int64)
    k = end - start if top is None else np.minimum(top, end - start)
    every = index.everywhere[group, wiki] & (k > 0)
    listed = np.flatnonzero(every)
    pos, of = _everywhere_gaps(index, group[listed], wiki[listed], start[listed],
                               end[listed], k[listed])
    parts, lists = [pos], [listed[of]]
    for i in np.flatnonzero(~every & (k > 0)).tolist():
        found = gap_positions(index, int(group[i]), int(wiki[i]), int(kind[i]), top)
        parts.append(found)
        lists.append(np.full(len(found), i, dtype=np.int64))
    pos, of = np.concatenate(parts), np.concatenate(lists)
    if len(lists) > 1:  # by list, each list's gaps best first (they are, within a list)
        order = np.argsort(of, kind="stable")
        pos, of = pos[order], of[order]
    rank = np.arange(1, len(of) + 1, dtype=np.int64) - np.searchsorted(of, of)
    return Gaps(group=group[of], wiki=wiki[of], kind=kind[of], rank=rank, pair=pos)


def gap_table(index, gaps: Gaps) -> pd.DataFrame:
    """``by, wiki, rank, qid, sitelinks, kind``: the *gaps* of *index* as a table. An item
    listed in many wikis has its QID written once."""
    item = index.pair_item[gaps.pair]
    listed = np.zeros(len(index.items), dtype=bool)
    listed[item] = True
    at = (np.cumsum(listed) - 1)[item]
    qids = qids_of_numbers(index.items[np.flatnonzero(listed)])
    return pd.DataFrame(
        {
            index.by: index.groups.take(gaps.group),
            "wiki": index.wikis.take(gaps.wiki),
            "rank": gaps.rank,
            "qid": qids.take(at).reset_index(drop=True),
            "sitelinks": index.sitelinks[gaps.pair].astype("int64"),
            "kind": pd.Index(KINDS, dtype="str").take(gaps.kind),
        }
    )


def ranked_gaps(index, top: int | None = None, wikis=None) -> pd.DataFrame:
    """:func:`find_gaps` as a table (:func:`gap_table`)."""
    return gap_table(index, find_gaps(index, top, wikis))
