"""The order of the gaps in the compact engine: the rank keys, and the first *k* gaps of each kind.

The rules are stated in :mod:`bot.engines.base`. Here they become integers:

* :func:`rank_keys` puts each item's demand (:attr:`bot.facts.Facts.demand`) and its sitelinks
  in every project (:attr:`bot.facts.Facts.all_sitelinks`) on the universe's item codes;
* :func:`pair_order` sorts a grouping's (group, item) pairs by group, then kind (translate
  before scratch), then the kind's keys — one ``lexsort`` of integer arrays — so that within a
  group each kind is one run of positions;
* :func:`gap_positions` finds the first *k* gaps of one (group, wiki, kind) among those
  positions without looking at the others (the article rows before them bound how far to look),
  and :func:`ranked_gaps` lists them for every (group, wiki) of a
  :class:`bot.engines.cells.CellIndex`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.engines.base import GAP_KINDS as KINDS
from bot.engines.base import RANKS
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
    sitelinks in every project, most first; then the numeric QID (= item code) ascending."""
    scratch = sitelinks == 0
    if keys is None:
        primary = sitelinks
        known = np.zeros(len(pair_item), dtype=np.int64)
    else:
        primary = keys.demand[pair_item] if keys.by_demand else sitelinks
        known = keys.known[pair_item]
    primary = np.where(scratch, known, primary)
    secondary = np.where(scratch, 0, sitelinks)
    order = _lexsort_packed((pair_item, -secondary, -primary, scratch, pair_group))
    return order, scratch


def _lexsort_packed(columns) -> np.ndarray:
    """``numpy.lexsort(columns)`` (the last column the first key) of integer columns whose
    rows are distinct: when their ranges fit in 63 bits together, one argsort of one packed
    key, several times faster than a lexsort."""
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
    return np.argsort(packed)


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


def ranked_gaps(index, top: int | None = None, wikis=None) -> pd.DataFrame:
    """``by, wiki, rank, qid, sitelinks, kind``: the missing articles per (group, wiki, kind)
    of a ranked :class:`bot.engines.cells.CellIndex`, for *wikis* (``None``: all), translate
    before scratch; *top* keeps the first *top* of each kind (``None``: all)."""
    items = index.items_matrix()
    keep = np.zeros(len(index.wikis), dtype=bool)
    keep[index.wiki_codes(wikis)] = True
    parts, groups, wiki_parts, ranks, kinds = [], [], [], [], []
    for g, w in zip(*np.nonzero((items > 0) & keep[None, :]), strict=True):
        for kind in (0, 1):
            found = gap_positions(index, int(g), int(w), kind, top)
            if len(found):
                parts.append(found)
                groups.append(np.full(len(found), g, dtype=np.int64))
                wiki_parts.append(np.full(len(found), w, dtype=np.int64))
                ranks.append(np.arange(1, len(found) + 1, dtype=np.int64))
                kinds.append(np.full(len(found), kind, dtype=np.int64))
    if parts:
        pos = np.concatenate(parts)
        g_codes, w_codes, rank, kind = (np.concatenate(x)
                                        for x in (groups, wiki_parts, ranks, kinds))
    else:
        pos = g_codes = w_codes = rank = kind = np.zeros(0, dtype=np.int64)
    return pd.DataFrame(
        {
            index.by: index.groups.take(g_codes),
            "wiki": index.wikis.take(w_codes),
            "rank": rank,
            "qid": qids_of_numbers(index.items[index.pair_item[pos]]),
            "sitelinks": index.sitelinks[pos].astype("int64"),
            "kind": np.asarray(KINDS, dtype=object)[kind],
        }
    )
