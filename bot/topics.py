"""What counts as a topic: the one rule that keeps Wikimedia-internal items out of a run.

An item whose P31 (instance of) classes include one of
:data:`bot.ids.WIKIMEDIA_INTERNAL_CLASSES` stands for a category, a template, a disambiguation
page or another page of the wikis' own machinery: no editor can write an article about it, so
it is never a gap and never counted. Every other item is a topic, and so is an item whose
classes are unknown (its source gives no P31): nothing says it is internal.

:func:`split_topics` is pure pandas, no I/O: it is given the members of a run's item sets and
the P31 facts known for them (from any source: the snapshot, a live endpoint through
:func:`bot.sources.endpoint.fetch_types`, a dump) and returns the members that are topics and
what was left out, and why. The rule looks at direct P31 values only; a new subclass of an
internal class is caught once it is added to the list.

Every source applies it the same way, before any figure is counted: a SPARQL endpoint (the
bundled snapshot, a live service) answers P31 for the selected and pinned items through
:func:`bot.sources.endpoint.fetch_types`; a Wikidata dump gives it in each entity's claims (the
Python reader and Spark's alike); a members file may give it in a ``types`` column; Parquet
sitelinks give none (every item kept). :func:`left_out_summary` is what the run summary records.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from bot.ids import WIKIMEDIA_INTERNAL_CLASS_NAMES, WIKIMEDIA_INTERNAL_CLASSES

MEMBER_COLUMNS = ["itemset", "goal", "qid"]


@dataclass(frozen=True)
class Topics:
    """The members that are topics, and those left out.

    ``members`` has the columns and the order of the members given, without the left-out rows.
    ``dropped`` has the left-out member rows, with ``classes``: the item's internal classes,
    space-separated in numeric order. ``by_class`` counts the left-out items per internal class
    (``class``, ``items``: distinct items; an item with two internal classes counts for each),
    most first, ties by numeric QID.
    """

    members: pd.DataFrame
    dropped: pd.DataFrame
    by_class: pd.DataFrame

    @property
    def left_out(self) -> int:
        """How many distinct items were left out."""
        return int(self.dropped["qid"].nunique())


def split_topics(
    members: pd.DataFrame,
    types: pd.DataFrame,
    internal: Collection[str] = WIKIMEDIA_INTERNAL_CLASSES,
) -> Topics:
    """Split *members* (``itemset, goal, qid``) into topics and Wikimedia-internal items.

    *types* has ``qid, class`` (one row per P31 value; several per item, none for an item
    whose classes are unknown). An item is left out when one of its classes is in *internal*.
    """
    wanted = sorted(set(internal))
    known = types.loc[types["class"].isin(wanted), ["qid", "class"]].drop_duplicates()
    if known.empty:  # (most sources without P31 classes: nothing to look for)
        none = pd.DataFrame({"class": pd.Series(dtype=object), "items": pd.Series(dtype="int64")})
        dropped = members.iloc[:0].assign(classes=pd.Series(dtype=object))
        return Topics(members.reset_index(drop=True), dropped, none)
    hit = members["qid"].isin(known["qid"])
    kept = members.loc[~hit].reset_index(drop=True)
    dropped = members.loc[hit].reset_index(drop=True)
    known = known[known["qid"].isin(dropped["qid"])].astype(str)  # the members' classes only
    if known.empty:
        none = pd.DataFrame({"class": pd.Series(dtype=object), "items": pd.Series(dtype="int64")})
        return Topics(kept, dropped.assign(classes=pd.Series(dtype=object)), none)
    known = known.assign(number=known["class"].str[1:].astype("int64"))
    known = known.sort_values(["qid", "number"])
    classes = known.groupby("qid", sort=False)["class"].agg(" ".join)
    dropped = dropped.assign(classes=dropped["qid"].map(classes).astype(object))
    by_class = known.groupby("class", sort=False).agg(
        items=("qid", "nunique"), number=("number", "first")
    )
    by_class = by_class.reset_index().sort_values(["items", "number"], ascending=[False, True])
    by_class = by_class[["class", "items"]].astype({"class": object, "items": "int64"})
    by_class = by_class.reset_index(drop=True)
    return Topics(members=kept, dropped=dropped, by_class=by_class)


def left_out_summary(parts: list[Topics | None]) -> dict:
    """What was left out and why, for ``summary.json``: ``items`` (distinct items) and
    ``classes`` (per internal class: its QID, English name and items, most first, ties by
    numeric QID), over the passes *parts* of one run (each leaves out items the earlier ones
    kept, so their counts add up)."""
    items, per_class = 0, {}
    for part in parts:
        if part is None:
            continue
        items += part.left_out
        for cls, n in zip(part.by_class["class"], part.by_class["items"], strict=True):
            per_class[str(cls)] = per_class.get(str(cls), 0) + int(n)
    order = sorted(per_class, key=lambda c: (-per_class[c], int(c[1:])))
    return {
        "items": items,
        "classes": [{"class": c, "name": WIKIMEDIA_INTERNAL_CLASS_NAMES.get(c, c),
                     "items": per_class[c]} for c in order],
    }
