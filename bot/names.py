"""The name shown for an item on a page: the one chain, from labels and titles.

The chain: a label in the wiki's language → ``mul`` → ``en`` → any label → the item's English
Wikipedia title → the title of the article it would be translated from (or, given all of an
item's articles, its title in the first other Wikipedia by wiki id) → the QID. The two title
steps exist because a source may carry articles but no labels; a title is a real name of the
topic, never an invented one.
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

    The chain of the module's description. *labels* has ``qid, lang, label`` (``lang`` ``*``
    for the any-language label); *titles* has ``qid, wiki, title`` (the titles the run looked
    up: the English one and the translation source's; of those, English first, then the first
    by wiki id).
    """
    labels = labels[["qid", "lang", "label"]].drop_duplicates(["qid", "lang"], keep="last")
    labels = labels.astype({"qid": object, "lang": object})  # an empty frame reads as float
    qids = gaps["qid"].astype(str).reset_index(drop=True)
    wanted = pd.DataFrame({"qid": qids.astype(object), "lang": pd.Series(
        gaps["wiki"].map(wiki_language).fillna("").tolist(), dtype=object)})
    found = wanted.merge(labels, on=["qid", "lang"], how="left")["label"].astype(object)
    for lang in ("mul", "en", "*"):
        fallback = labels[labels["lang"] == lang].set_index("qid")["label"].astype(object)
        found = found.fillna(qids.map(fallback).astype(object))
    titled = titles[titles["title"].notna()]  # a source may not know a title
    titled = titled.assign(other=titled["wiki"] != "enwiki").sort_values(["qid", "other", "wiki"])
    title_of = titled.drop_duplicates("qid").set_index("qid")["title"]
    found = found.fillna(qids.map(title_of).astype(object)).fillna(qids.astype(object))
    return pd.Series(found.astype(object).tolist(), index=gaps.index, dtype=object)
