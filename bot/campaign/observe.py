"""What a recorded run saw of the campaigns' frozen items: the looks impact is counted from.

Every run recorded in the history (``sdg-gaps run``, a scheduled report, a campaign's own
publish or impact run) is also a look at each campaign frozen in that history, in every wiki of
the campaign for which the run covered all the campaign's goals there (its coverage has those
goal × wiki cells) and whose data was complete. For each frozen item of such a wiki the run
tells, from its own facts, whether it has an article now — exactly, whatever the run listed:
the engines' facts hold every article of every member item, so nothing is asked again. An
item that is no longer in the run's item sets is ``unseen`` (neither created nor missing).
The titles of the items that have an article are asked of the run's source (its lookups:
only those few items).

:func:`attachment` is called by :mod:`bot.runs` before the run is recorded and gives the
writer that puts the looks in the run's own transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from bot.campaign import store

SEEN_COLUMNS = ["wiki", "qid", "state", "title"]


def attachment(history, analysis, gathered) -> Callable | None:
    """The writer of this run's looks at the history's campaigns (None: nothing to write)."""
    db = history.connection
    found = store.campaigns(db)
    if not found or not analysis.complete:
        return None
    cells = set(zip(analysis.coverage["goal"].tolist(), analysis.coverage["wiki"].tolist(),
                    strict=True))
    plans = []
    for campaign in found:
        frozen = store.items(db, campaign.key)
        covered = [wiki for wiki, part in frozen.groupby("wiki", sort=True)
                   if all((int(g), wiki) in cells for g in set(part["goal"].tolist()))]
        if not covered:
            continue
        part = frozen[frozen["wiki"].isin(covered)]
        plans.append((campaign.key, covered, see(part, analysis, gathered.facts,
                                                 gathered.lookups)))
    if not plans:
        return None

    def write(db, run: int) -> None:
        for key, wikis, seen in plans:
            store.look(db, campaign=key, run=run, wikis=wikis, seen=seen)

    return write


def see(frozen: pd.DataFrame, analysis, facts, lookups) -> pd.DataFrame:
    """``wiki, qid, state, title`` of the *frozen* items (wiki, qid) that have an article in
    the run's facts (``article``) or are not among its members (``unseen``)."""
    members = set(analysis.members["qid"].tolist()) if analysis.members is not None else set()
    is_member = frozen["qid"].isin(members)
    unseen = frozen.loc[~is_member, ["wiki", "qid"]].assign(state="unseen", title=None)
    looked = frozen.loc[is_member, ["wiki", "qid"]].astype(object)
    wikis = sorted(set(looked["wiki"].tolist()))
    if facts.articles is not None:
        numbers = facts.article_numbers()
        where = facts.articles["wiki"].astype(str).to_numpy()
        wanted = looked["qid"].str[1:].astype("int64").to_numpy()
        keep = np.isin(numbers, wanted) & np.isin(where, wikis)
        have = pd.DataFrame({"qid": ["Q" + str(n) for n in numbers[keep]],
                             "wiki": where[keep]})
    else:  # an engine that reads the files itself: ask the source
        have = lookups.articles(sorted(set(looked["qid"].tolist())))[["qid", "wiki"]].astype(
            object)
    created = looked.merge(have.drop_duplicates(), on=["qid", "wiki"])
    titles = _titles(created, lookups)
    created = created.merge(titles, on=["qid", "wiki"], how="left").assign(state="article")
    out = pd.concat([created[SEEN_COLUMNS], unseen[SEEN_COLUMNS]], ignore_index=True)
    return out.astype({"wiki": object, "qid": object, "state": object, "title": object})


def _titles(created: pd.DataFrame, lookups) -> pd.DataFrame:
    if created.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("qid", "wiki", "title")})
    found = lookups.articles(sorted(set(created["qid"].tolist())))
    found = found[["qid", "wiki", "title"]].drop_duplicates(["qid", "wiki"])
    found = found.astype({"qid": object, "wiki": object})
    return found
