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
    by_item: dict[str, dict[str, str]] = {}
    for qid, lang, label in labels[["qid", "lang", "label"]].itertuples(index=False):
        by_item.setdefault(qid, {})[lang] = label
    title_of: dict[str, str] = {}
    for qid, wiki, title in titles.sort_values("wiki")[["qid", "wiki", "title"]].itertuples(
        index=False
    ):
        if not isinstance(title, str):  # a sitelink whose title the source does not give
            continue
        if wiki == "enwiki" or qid not in title_of:
            title_of[qid] = title

    def pick(qid: str, wiki: str) -> str:
        item_labels = by_item.get(qid, {})
        for lang in (wiki_language.get(wiki, ""), "mul", "en", "*"):
            if lang in item_labels:
                return item_labels[lang]
        return title_of.get(qid, qid)

    return pd.Series(
        # .tolist() first: iterating an Arrow-backed column one cell at a time is slow.
        [pick(q, w) for q, w in zip(gaps["qid"].tolist(), gaps["wiki"].tolist(), strict=True)],
        index=gaps.index,
        dtype=object,
    )
