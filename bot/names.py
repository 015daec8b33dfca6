"""The name shown for an item on a page: the one chain, from labels and titles.

The chain: a label in the wiki's language → ``mul`` → ``en`` → any label → the item's English
Wikipedia title → its title in any other Wikipedia (by wiki id) → the QID. The two title steps
exist because a source may carry articles but no labels; a title is a real name of the topic,
never an invented one.
"""

from __future__ import annotations

import pandas as pd


def display_labels(
    gaps: pd.DataFrame,
    labels: pd.DataFrame,
    titles: pd.DataFrame,
    wiki_language: dict[str, str],
) -> pd.Series:
    """The name to show for each gap row, in the language of the row's wiki.

    The chain: a label in the wiki's language → ``mul`` → ``en`` → any label → the item's
    English Wikipedia title → its title in any other Wikipedia (by wiki id) → the QID. The two
    title steps exist because a snapshot may carry articles but no labels; a title is a real
    name of the topic, never an invented one.

    *labels* has ``qid, lang, label`` (``lang`` ``*`` for the any-language label); *titles* has
    ``qid, wiki, title``.
    """
    labels = labels[["qid", "lang", "label"]].drop_duplicates(["qid", "lang"], keep="last")
    qids = gaps["qid"].astype(str).reset_index(drop=True)
    wanted = pd.DataFrame({"qid": qids,
                           "lang": gaps["wiki"].map(wiki_language).fillna("").tolist()})
    found = wanted.merge(labels, on=["qid", "lang"], how="left")["label"]
    for lang in ("mul", "en", "*"):
        fallback = labels[labels["lang"] == lang].set_index("qid")["label"]
        found = found.fillna(qids.map(fallback))
    titled = titles[titles["title"].map(lambda v: isinstance(v, str))]  # titles may be unknown
    titled = titled.assign(other=titled["wiki"] != "enwiki").sort_values(["qid", "other", "wiki"])
    title_of = titled.drop_duplicates("qid").set_index("qid")["title"]
    found = found.fillna(qids.map(title_of)).fillna(qids)
    return pd.Series(found.astype(object).tolist(), index=gaps.index, dtype=object)
