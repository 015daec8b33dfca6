"""The name shown for an item on a page: the one chain, from labels and titles.

The chain: a label in the wiki's language → ``mul`` → ``en`` → any label → the item's English
Wikipedia title → the title of the article it would be translated from (or, given all of an
item's articles, its title in the first other Wikipedia by wiki id) → the QID. The two title
steps exist because a source may carry articles but no labels; a title is a real name of the
topic, never an invented one.
"""

from __future__ import annotations

import numpy as np
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
    labels = labels[labels["label"].notna()]  # a missing label: the chain goes on
    # Rows hold codes into the distinct items and languages: a listed item is a row on many
    # wikis, and its name comes from its own few labels and titles.
    rows, qids = pd.factorize(gaps["qid"].astype(str).to_numpy(object), use_na_sentinel=False)
    qids = pd.Index(qids, dtype=object)
    wiki_codes, wiki_names = pd.factorize(gaps["wiki"].to_numpy(object))
    wiki_langs = [_language(wiki_language, w) for w in wiki_names] + [""]  # -1: no wiki
    langs = pd.Index(list(dict.fromkeys(wiki_langs)), dtype=object)
    row_langs = langs.get_indexer(wiki_langs)[wiki_codes]

    names = np.empty(len(qids), dtype=object)
    named = np.zeros(len(qids), dtype=bool)

    def fill(keys, values) -> None:  # the first name found for each item, in chain order
        at = qids.get_indexer(keys)
        take = at >= 0
        at, values = at[take], np.asarray(values, dtype=object)[take]
        new = ~named[at]
        names[at[new]] = values[new]
        named[at[new]] = True

    for lang in ("mul", "en", "*"):
        part = labels[labels["lang"] == lang]
        fill(part["qid"], part["label"].to_numpy(object))
    titled = titles[titles["title"].notna()]  # a source may not know a title
    titled = titled.assign(other=titled["wiki"] != "enwiki").sort_values(["qid", "other", "wiki"])
    title_of = titled.drop_duplicates("qid")
    fill(title_of["qid"].astype(object), title_of["title"].to_numpy(object))
    names[~named] = qids.to_numpy(object)[~named]

    found = names[rows]
    own_item = qids.get_indexer(labels["qid"])
    own_lang = langs.get_indexer(labels["lang"])
    keep = (own_item >= 0) & (own_lang >= 0)
    width = len(langs)
    own = pd.Index(own_item[keep].astype(np.int64) * width + own_lang[keep])
    at = own.get_indexer(rows.astype(np.int64) * width + row_langs)
    found[at >= 0] = labels["label"].to_numpy(object)[keep][at[at >= 0]]
    return pd.Series(found, index=gaps.index, dtype=object)


def _language(wiki_language: dict, wiki) -> str:
    """The language of *wiki* ("" when unknown), as a row of the gaps looks it up."""
    lang = wiki_language.get(wiki)
    return "" if lang is None or pd.isna(lang) else lang
