"""Facts asked of a SPARQL endpoint: the items of each set, their sitelinks, later their labels.

:func:`gather` selects the items of each item set (a pinned list as it is, a selection query in
parts when it is too large: :mod:`bot.sources.partition`), asks their P31 classes and leaves out
the Wikimedia-internal items (:mod:`bot.topics`: the same rule for queries and pinned lists),
fetches every remaining item's Wikipedia sitelinks in batches (:mod:`bot.sources.endpoint`) and
answers the run's :class:`bot.facts.Facts` and :class:`bot.facts.Lookups` (titles from the
sitelinks it holds, labels asked when the run knows which items its pages list). Pieces that
could not be fetched even in the smallest parts are returned as
:class:`bot.sources.endpoint.FailedPart`: the run is then incomplete and says which; an item
whose sitelinks could not be fetched is left out rather than counted missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from bot.errors import EndpointError
from bot.facts import Facts, Lookups, articles_frame, pairs_of, qid_numbers
from bot.ids import sorted_qids
from bot.languages import Wikis
from bot.sources.endpoint import (
    FailedPart,
    fetch_all_sitelinks,
    fetch_labels,
    fetch_sitelinks,
    fetch_types,
)
from bot.sources.partition import select_partitioned
from bot.sparql import Endpoint
from bot.topics import split_topics

Notify = Callable[[str], None]


def select_members(
    endpoint: Endpoint, itemsets, failed: list[FailedPart], notify: Notify
) -> pd.DataFrame:
    """``itemset, goal, qid`` of every item set: pinned lists read, queries asked."""
    frames = []
    for itemset in itemsets:
        if not itemset.is_query:
            qids = itemset.pinned_qids()
        else:
            notify(f"selecting items of {itemset.id}")
            selection = select_partitioned(
                endpoint,
                itemset.query_text() or "",
                label=f"item set {itemset.id}",
                notify=notify,
            )
            qids = selection.qids
            failed.extend(selection.failed)
        frames.append(pd.DataFrame({"itemset": itemset.id, "goal": itemset.goal, "qid": qids}))
    if not frames:
        return pd.DataFrame({"itemset": [], "goal": [], "qid": []})
    return pd.concat(frames, ignore_index=True)


def gather(
    endpoint: Endpoint,
    itemsets,
    wikis: Wikis,
    *,
    members: pd.DataFrame | None = None,
    batch_size: int = 400,
    notify: Notify = lambda message: None,
    progress=None,
) -> tuple[Facts, Lookups, pd.DataFrame, list[FailedPart]]:
    """The facts of *itemsets* from *endpoint*.

    Returns the facts (``observed`` left for the run to decide), the lookups, the articles with
    their titles (``qid, wiki, title``: what a page-size fetch asks about) and the failed parts.
    *members* (``itemset, goal, qid``) replaces the selection when the run already has them.
    """
    failed: list[FailedPart] = []
    if members is None:
        members = select_members(endpoint, itemsets, failed, notify)
    # The topic rule, before any sitelink is asked for: an item whose P31 could not be fetched
    # is kept (its class is unknown) and the run is incomplete, as for any failed part.
    selected = sorted_qids(members["qid"].tolist())
    types = fetch_types(endpoint, selected, batch_size=batch_size, progress=progress,
                        failures=failed)
    topics = split_topics(members, types)
    if topics.left_out:
        notify(f"{topics.left_out:,} Wikimedia-internal items left out (categories, templates, "
               "disambiguation pages …)")
    members = topics.members
    qids = sorted_qids(members["qid"].tolist())
    notify(f"{len(qids):,} items in {len(itemsets)} item set(s); fetching sitelinks")
    sitelinks = fetch_sitelinks(
        endpoint, qids, wikis, batch_size=batch_size, progress=progress, failures=failed
    )
    unfetched = {q for f in failed if f.stage == "sitelinks" for q in f.qids}
    if unfetched:
        members = members[~members["qid"].isin(unfetched)].reset_index(drop=True)
    if failed and members.empty:
        raise EndpointError(f"no data could be fetched; {failed[0].describe()}")
    articles = sitelinks.loc[~sitelinks["redirect"], ["qid", "wiki", "title"]]
    articles = articles.reset_index(drop=True)
    # How much the projects know of each item: the rank of the gaps no observed Wikipedia has
    # an article on (asked for every member: which those are depends on each goal's sets).
    counts = fetch_all_sitelinks(endpoint, sorted_qids(members["qid"].tolist()),
                                 batch_size=batch_size, progress=progress, failures=failed)

    def article_rows(wanted: Sequence[str], wikis=None) -> pd.DataFrame:
        return pairs_of(articles, wanted, wikis)

    def labels(wanted: Sequence[str], languages: Sequence[str]) -> pd.DataFrame:
        return fetch_labels(
            endpoint, sorted_qids(wanted), languages, batch_size=batch_size,
            progress=progress, failures=failed,
        )

    facts = Facts(
        members=members,
        observed=None,
        articles=articles_frame(qid_numbers(articles["qid"]), articles["wiki"]),
        counts={
            "items": len(qids) - len(unfetched),
            "sitelinks": int(len(sitelinks)),
            "articles": int(len(articles)),
            "redirect_sitelinks": int(sitelinks["redirect"].sum()),
            "types": int(len(types)),
        },
        left_out=topics,
        all_sitelinks=pd.DataFrame({"qnum": qid_numbers(counts["qid"]),
                                    "sitelinks": counts["sitelinks"].to_numpy("int64")}),
    )
    return facts, Lookups(articles=article_rows, labels=labels), articles, failed
