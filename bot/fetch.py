"""Fetching an item set's facts from an endpoint: members, sitelinks, badges, labels.

Selection and detail are two steps. The selection (a query projecting ``?item``, or a pinned list)
names the items; the details are then asked for in batches of ``VALUES``, so that no single
query grows with the size of the item set and none meets WDQS's 60-second limit. The query texts
live in ``queries/lib/`` and are the same for every endpoint.

Everything here returns plain DataFrames for :mod:`bot.coverage`; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from string import Template

import pandas as pd

from bot.errors import ConfigError, MalformedResultsError
from bot.languages import Wikis
from bot.sparql import Endpoint

ENTITY = "http://www.wikidata.org/entity/"
QUERY_LIB = Path(__file__).resolve().parents[1] / "queries" / "lib"

# Badges that mark a sitelink to a redirect: such a sitelink is not an article.
# Listed in queries/verify-live.tsv with their expected English labels.
REDIRECT_BADGES = frozenset({"Q70893996", "Q70894304"})

DEFAULT_BATCH = 400

Progress = Callable[[str, int, int], None]


def _template(name: str) -> Template:
    return Template((QUERY_LIB / name).read_text(encoding="utf-8"))


def qid_of(iri: str) -> str:
    """``http://www.wikidata.org/entity/Q42`` → ``Q42``; anything else is malformed data."""
    if (
        not isinstance(iri, str)
        or not iri.startswith(ENTITY)
        or not iri[len(ENTITY) + 1 :].isdigit()
    ):
        raise MalformedResultsError(f"expected a Wikidata item IRI, got {str(iri)[:80]!r}")
    return iri[len(ENTITY) :]


def check_qid(qid: str) -> str:
    if not (isinstance(qid, str) and qid[:1] == "Q" and qid[1:].isdigit()):
        raise ConfigError(f"not a Wikidata item id: {qid!r}")
    return qid


def values_block(qids: Iterable[str]) -> str:
    return " ".join(f"wd:{check_qid(q)}" for q in qids)


def sitelinks_query(qids: Sequence[str]) -> str:
    """The sitelinks-and-badges query for one batch (golden-tested)."""
    return _template("sitelinks.rq").substitute(items=values_block(qids))


def labels_query(qids: Sequence[str], languages: Sequence[str]) -> str:
    """The labels query for one batch in the languages of the fallback chain (golden-tested)."""
    for lang in languages:
        if not (lang and lang.replace("-", "").isalnum() and lang.isascii()):
            raise ConfigError(f"not a language code: {lang!r}")
    quoted = ", ".join(f'"{lang}"' for lang in languages)
    return _template("labels.rq").substitute(items=values_block(qids), languages=quoted)


def labels_any_query(qids: Sequence[str]) -> str:
    return _template("labels_any.rq").substitute(items=values_block(qids))


def batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def select_items(endpoint: Endpoint, query: str) -> list[str]:
    """Run a selection query and return its distinct ``?item`` QIDs, sorted by numeric id."""
    frame = endpoint.select(query, expect=("item",))
    qids = {qid_of(iri) for iri in frame["item"].dropna()}
    return sorted(qids, key=lambda q: int(q[1:]))


def fetch_sitelinks(
    endpoint: Endpoint,
    qids: Sequence[str],
    wikis: Wikis,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Wikipedia sitelinks of *qids*: columns ``qid, wiki, title, badges, redirect``.

    One row per (item, wiki). ``badges`` is a sorted, space-separated list of badge QIDs;
    ``redirect`` is true for a sitelink to a redirect, which is not an article.
    """
    frames = []
    done = 0
    for batch in batches(list(qids), batch_size):
        frames.append(endpoint.select(sitelinks_query(batch), expect=("item", "site", "title")))
        done += len(batch)
        if progress:
            progress("sitelinks", done, len(qids))
    columns = ["qid", "wiki", "title", "badges", "redirect"]
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns}).astype(
            {"redirect": bool}
        )
    if "badge" not in raw:
        raw["badge"] = None
    raw["qid"] = raw["item"].map(qid_of)
    raw["wiki"] = raw["site"].map(wikis.wiki_of_site)
    raw["badge"] = raw["badge"].map(lambda b: qid_of(b) if isinstance(b, str) else "")
    grouped = (
        raw.groupby(["qid", "wiki", "title"], sort=False)["badge"]
        .agg(lambda b: " ".join(sorted(x for x in set(b) if x)))
        .reset_index(name="badges")
    )
    grouped["redirect"] = grouped["badges"].map(
        lambda b: bool(REDIRECT_BADGES.intersection(b.split()))
    )
    grouped = grouped.sort_values(["qid", "wiki"], key=_qid_sort_key, ignore_index=True)
    return grouped[columns]


def fetch_labels(
    endpoint: Endpoint,
    qids: Sequence[str],
    languages: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Labels of *qids*: columns ``qid, lang, label``.

    Labels are asked for in *languages* (the fallback chain: the report languages, then
    ``mul`` and ``en``); items with none of those get one label in any language, chosen
    repeatably, in a second, smaller query.
    """
    chain = list(dict.fromkeys([*languages, "mul", "en"]))
    frames = []
    done = 0
    for batch in batches(list(qids), batch_size):
        frames.append(endpoint.select(labels_query(batch, chain), expect=("item", "lang", "label")))
        done += len(batch)
        if progress:
            progress("labels", done, len(qids))
    found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    have = set(found["item"].map(qid_of)) if not found.empty else set()
    lacking = [q for q in qids if q not in have]
    extra = []
    for batch in batches(lacking, batch_size):
        any_label = endpoint.select(labels_any_query(batch), expect=("item", "label"))
        any_label = any_label.dropna(subset=["label"])
        any_label["lang"] = "*"
        extra.append(any_label[["item", "lang", "label"]])
    labels = pd.concat([found, *extra], ignore_index=True) if (frames or extra) else found
    if labels.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("qid", "lang", "label")})
    labels["qid"] = labels["item"].map(qid_of)
    return labels[["qid", "lang", "label"]].drop_duplicates(["qid", "lang"]).reset_index(drop=True)


def _qid_sort_key(column: pd.Series) -> pd.Series:
    if column.name == "qid":
        return column.str[1:].astype("int64")
    return column
