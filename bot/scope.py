"""What a run covers: its item sets, and the Wikipedias each set's data can tell about.

:func:`choose_itemsets` picks the catalogue's item sets for the chosen goals (on the bundled
snapshot only those it serves) plus organizers' own; :func:`itemsets_of_members` makes the item
sets of a members file; :func:`observed_wikis` says, for each set, which Wikipedias its cells
are known in — on a live endpoint every Wikipedia, on the snapshot only those its sources looked
at — narrowed to the chosen languages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from types import MappingProxyType

import pandas as pd

from bot.catalogue import Catalogue, ItemSet
from bot.errors import ConfigError, UsageError
from bot.languages import Wikis

Notify = Callable[[str], None]


def choose_itemsets(
    catalogue: Catalogue,
    goals: Sequence[int] | None,
    embedded: bool,
    extra: Sequence[str] = (),
) -> list[ItemSet]:
    """The item sets a run covers; on the embedded store only those the snapshot can serve.

    *extra* names organizers' own item sets (loaded into *catalogue* from their files); they
    are always included. On the snapshot such a set must be a pinned list of items the
    snapshot has, and its cells are known only in the Wikipedias that were observed for every
    one of its items — otherwise an absent article could not be told from an unknown one.
    """
    chosen = list(catalogue.itemsets_for(goals, snapshot_only=embedded))
    chosen = [s for s in chosen if s.id not in extra]
    if goals:
        served = {s.goal for s in chosen} | {catalogue.itemset(i).goal for i in extra}
        lacking = [g for g in goals if g not in served]
        if lacking:
            where = "the bundled snapshot" if embedded else "the catalogue"
            hint = " (use --endpoint wdqs or qlever for live data)" if embedded else ""
            names = ", ".join(str(g) for g in lacking)
            raise UsageError(f"goal {names} has no item set in {where}{hint}")
    if extra and goals is None:
        chosen = []  # an organizer's run of their own sets: only those
    for itemset_id in extra:
        itemset = catalogue.itemset(itemset_id)
        chosen.append(_on_snapshot(itemset, catalogue) if embedded else itemset)
    if not chosen:
        raise UsageError("no item set to analyse")
    return chosen


def _on_snapshot(itemset: ItemSet, catalogue: Catalogue) -> ItemSet:
    """An organizer's pinned set, narrowed to what the bundled snapshot observed."""
    if itemset.is_query:
        raise UsageError(
            f"item set {itemset.id} is a query; the bundled snapshot serves pinned lists only"
            " (use --endpoint wdqs or qlever to run queries)"
        )
    seen: dict[str, set[str]] = {}
    for bundled in catalogue.itemsets_for(None, snapshot_only=True):
        for qid in bundled.pinned_qids():
            seen.setdefault(qid, set()).update(bundled.observed_wikis or ())
    qids = itemset.pinned_qids()
    absent = [q for q in qids if q not in seen]
    if absent:
        raise UsageError(
            f"item set {itemset.id}: {len(absent)} of its {len(qids)} items are not in the bundled"
            f" snapshot ({', '.join(absent[:5])}{'…' if len(absent) > 5 else ''})"
        )
    common = set.intersection(*(seen[q] for q in qids)) if qids else set()
    if not common:
        raise UsageError(
            f"item set {itemset.id}: no Wikipedia was observed for all of its items"
            " in the bundled snapshot"
        )
    return replace(itemset, observed_wikis=tuple(sorted(common)))


def observed_wikis(
    itemsets: Sequence[ItemSet],
    live: bool,
    wikis: Wikis,
    languages: Sequence[str] | None,
    notify: Notify,
) -> pd.DataFrame:
    """``itemset, wiki``: what each item set's data can tell, narrowed to the chosen languages.

    On a live endpoint every Wikipedia is observable; on the snapshot only the wikis its
    sources looked at. A requested language that no chosen item set observed is reported and
    left out; if none is left, that is an error.
    """
    chosen = [wikis.resolve(code).wiki for code in languages] if languages else None
    every_open = [w.wiki for w in wikis.all_open()]
    rows = []
    for itemset in itemsets:
        seen = every_open if live or itemset.observed_wikis is None else itemset.observed_wikis
        keep = [w for w in seen if chosen is None or w in chosen]
        if live and chosen:
            keep = chosen
        rows.extend((itemset.id, w) for w in keep)
    frame = pd.DataFrame(rows, columns=["itemset", "wiki"])
    if chosen:
        seen_wikis = set(frame["wiki"].tolist())
        unobserved = [w for w in chosen if w not in seen_wikis]
        if len(unobserved) == len(chosen):
            raise UsageError(
                f"none of the chosen languages was observed by the chosen item sets"
                f" ({', '.join(unobserved)}; see `sdg-gaps catalogue list` for what is covered)"
            )
        for wiki in unobserved:
            notify(
                f"warning: {wiki} was not observed by the chosen item sets; its coverage is unknown"
            )
    return frame


def itemsets_of_members(members: pd.DataFrame, catalogue: Catalogue, path) -> list[ItemSet]:
    """The item sets a members file names: the catalogue's own (its title and targets) when an id
    is the catalogue's, else a set of the file's own."""
    known = {s.id: s for s in catalogue.itemsets}
    sets = []
    for itemset_id, part in members.groupby("itemset", sort=True):
        goal = int(part["goal"].iloc[0])
        found = known.get(itemset_id)
        if found is not None:
            if found.goal != goal:
                raise ConfigError(
                    f"{path}: item set {itemset_id!r} is the catalogue's set of goal "
                    f"{found.goal}, not {goal}"
                )
            sets.append(replace(found, observed_wikis=None))
            continue
        sets.append(ItemSet(
            id=str(itemset_id), goal=goal, targets=(), title=str(itemset_id),
            description=f"{part['qid'].nunique():,} items listed in {path}",
            source=MappingProxyType({"kind": "members file", "path": str(path)}),
            pinned=None, query=None, observed_wikis=None, data_date=None, in_snapshot=False,
        ))
    return sets
