"""Facts from a SPARQL endpoint, in batches: Wikipedia sitelinks, badges, labels, P31 classes and
each item's count of sitelinks in every project.

Selection and detail are two steps. The selection (a query projecting ``?item``, or a pinned
list) names the items (:mod:`bot.sources.partition`); the details are then asked for in batches
of ``VALUES``, so that no single query grows with the size of the item set and none meets
WDQS's 60-second limit. The query texts live in ``queries/lib/`` and are the same for every
endpoint. A batch that looks too large for the service (:class:`bot.errors.TooLargeError`) is
asked in halves, down to one item; a batch the service failed at once
(:class:`bot.errors.ServiceFailureError`: not its size) is not halved. A piece that is given up
is a :class:`FailedPart`, named in the report, never silently dropped.

Everything here returns plain DataFrames; nothing is computed here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from string import Template

import pandas as pd

from bot.config import QUERIES_DIR
from bot.errors import (
    BudgetExhaustedError,
    ConfigError,
    MalformedResultsError,
    ServiceFailureError,
    TooLargeError,
)
from bot.ids import ENTITY, QID_PATTERN, REDIRECT_BADGES, check_qid, qid_of_iri
from bot.languages import Wikis
from bot.sparql import Endpoint

QUERY_LIB = QUERIES_DIR / "lib"

DEFAULT_BATCH = 400

Progress = Callable[[str, int, int], None]


def _template(name: str) -> Template:
    return Template((QUERY_LIB / name).read_text(encoding="utf-8"))


def qid_of(iri: str) -> str:
    """``http://www.wikidata.org/entity/Q42`` → ``Q42``; anything else is malformed data."""
    qid = qid_of_iri(iri)
    if qid is None:
        raise _not_an_item(iri)
    return qid


def _not_an_item(value: object) -> MalformedResultsError:
    return MalformedResultsError(f"expected a Wikidata item IRI, got {str(value)[:80]!r}")


def qids_of(column: pd.Series) -> pd.Series:
    """:func:`qid_of` over a column of IRIs at once (string kernels, no Python call per row).

    The first value that is not an item IRI is named in the error, as :func:`qid_of` does.
    """
    tails = column.str.slice(len(ENTITY))
    good = column.str.startswith(ENTITY) & tails.str.fullmatch(QID_PATTERN)
    if not good.all():
        raise _not_an_item(column[~good].iloc[0])
    return tails


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


def types_query(qids: Sequence[str]) -> str:
    """The P31 classes query for one batch (golden-tested)."""
    return _template("types.rq").substitute(items=values_block(qids))


def sitelink_counts_query(qids: Sequence[str]) -> str:
    """The query for each item's sitelinks in every project, for one batch (golden-tested)."""
    return _template("sitelink_counts.rq").substitute(items=values_block(qids))


def batches(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def select_items(endpoint: Endpoint, query: str) -> list[str]:
    """Run a selection query and return its distinct ``?item`` QIDs, sorted by numeric id."""
    frame = endpoint.select(query, expect=("item",))
    qids = {qid_of(iri) for iri in frame["item"].dropna()}
    return sorted(qids, key=lambda q: int(q[1:]))


DEFAULT_MAX_FAILURES = 24  # failed queries in one selection or fetch before giving up


@dataclass(frozen=True)
class FailedPart:
    """A piece of the data that could not be fetched: named in the report, never dropped."""

    stage: str  # e.g. "item set sdg13-climate" or "sitelinks"
    part: str  # e.g. "items Q1000–Q1999" or "27 items (Q5 … Q99)"
    reason: str
    qids: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"{self.stage}: {self.part} could not be fetched ({self.reason})"



def select_batches(
    endpoint: Endpoint,
    qids: Sequence[str],
    make_query: Callable[[Sequence[str]], str],
    expect: Sequence[str],
    *,
    stage: str,
    batch_size: int,
    progress: Progress | None,
    failures: list[FailedPart] | None,
    max_failures: int = DEFAULT_MAX_FAILURES,
) -> list[pd.DataFrame]:
    """Answers for *qids* in batches; a batch too large for the service is asked in halves.

    A single item that still fails, a batch the service failed at once, or any batch once
    *max_failures* batches have failed, is appended to *failures* (or raised when *failures*
    is ``None``).
    """
    frames = []
    pending: deque[Sequence[str]] = deque(batches(list(qids), batch_size))
    done = 0
    failed = 0
    while pending:
        batch = pending.popleft()
        try:
            frames.append(endpoint.select(make_query(batch), expect=expect))
        except BudgetExhaustedError:
            raise
        except (TooLargeError, ServiceFailureError) as exc:
            failed += 1
            if isinstance(exc, TooLargeError) and len(batch) > 1 and failed <= max_failures:
                half = len(batch) // 2
                pending.extendleft([batch[half:], batch[:half]])
                continue
            if failures is None:
                raise
            what = (
                f"item {batch[0]}"
                if len(batch) == 1
                else (f"{len(batch)} items ({batch[0]} … {batch[-1]})")
            )
            failures.append(FailedPart(stage, what, " ".join(str(exc).split()), tuple(batch)))
        done += len(batch)
        if progress:
            progress(stage, done, len(qids))
    return frames


def fetch_sitelinks(
    endpoint: Endpoint,
    qids: Sequence[str],
    wikis: Wikis,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    failures: list[FailedPart] | None = None,
) -> pd.DataFrame:
    """Wikipedia sitelinks of *qids*: columns ``qid, wiki, title, badges, redirect``.

    One row per (item, wiki). ``title`` is missing (``None``) when the endpoint knows the
    sitelink but not its title (the bundled snapshot's Humaniki sitelinks: Wikidata has the
    article, the source did not give its name). ``badges`` is a sorted, space-separated list
    of badge QIDs; ``redirect`` is true for a sitelink to a redirect, which is not an article.
    Items whose batch could not be fetched are appended to *failures* (raised when it is
    ``None``).
    """
    frames = select_batches(
        endpoint,
        qids,
        sitelinks_query,
        ("item", "site", "title"),
        stage="sitelinks",
        batch_size=batch_size,
        progress=progress,
        failures=failures,
    )
    columns = ["qid", "wiki", "title", "badges", "redirect"]
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns}).astype(
            {"redirect": bool}
        )
    if "badge" not in raw:
        raw["badge"] = None
    raw["qid"] = qids_of(raw["item"])
    # A few hundred sites at most: each distinct one is looked up once.
    raw["wiki"] = raw["site"].map({s: wikis.wiki_of_site(s) for s in raw["site"].unique()})
    badge = raw["badge"].dropna()
    raw["badge"] = ""
    if len(badge):
        raw.loc[badge.index, "badge"] = qids_of(badge)
    # One row per sitelink and badge: most sitelinks have no badge, so only the few that do
    # are grouped (a Python-level aggregation over every row would dominate a run).
    keys = ["qid", "wiki", "title"]
    plain = raw.loc[raw["badge"] == "", keys].drop_duplicates()
    badged = raw.loc[raw["badge"] != ""]
    if len(badged):
        # Sorted, distinct badges per sitelink: most have one, so only those with several
        # are joined one group at a time.
        badged = badged[[*keys, "badge"]].drop_duplicates().sort_values([*keys, "badge"])
        several = badged.duplicated(keys, keep=False)
        joined = (
            badged.loc[several]
            .groupby(keys, sort=False)["badge"]
            .agg(" ".join)
            .reset_index(name="badges")
        )
        single = badged.loc[~several].rename(columns={"badge": "badges"})
        badged = pd.concat([single, joined], ignore_index=True)
        plain = plain.merge(badged[keys], on=keys, how="left", indicator=True)
        plain = plain.loc[plain["_merge"] == "left_only", keys]
    grouped = pd.concat(
        [plain.assign(badges=""), badged if len(badged) else None], ignore_index=True
    )
    # Only the few rows with badges are looked at one by one.
    grouped["redirect"] = False
    with_badges = grouped["badges"] != ""
    if with_badges.any():
        grouped.loc[with_badges, "redirect"] = [
            bool(REDIRECT_BADGES.intersection(b.split()))
            for b in grouped.loc[with_badges, "badges"]
        ]
    grouped = grouped.sort_values(["qid", "wiki"], key=_qid_sort_key, ignore_index=True)
    grouped["title"] = grouped["title"].astype(object).where(grouped["title"].notna(), None)
    return grouped[columns]


def fetch_labels(
    endpoint: Endpoint,
    qids: Sequence[str],
    languages: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    failures: list[FailedPart] | None = None,
) -> pd.DataFrame:
    """Labels of *qids*: columns ``qid, lang, label``.

    Labels are asked for in *languages* (the fallback chain: the report languages, then
    ``mul`` and ``en``); items with none of those get one label in any language, chosen
    repeatably, in a second, smaller query. Batches that could not be fetched are appended to
    *failures* (raised when it is ``None``).
    """
    chain = list(dict.fromkeys([*languages, "mul", "en"]))
    frames = select_batches(
        endpoint,
        qids,
        lambda batch: labels_query(batch, chain),
        ("item", "lang", "label"),
        stage="labels",
        batch_size=batch_size,
        progress=progress,
        failures=failures,
    )
    found = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    have = set(found["item"].map(qid_of)) if not found.empty else set()
    lacking = [q for q in qids if q not in have]
    unfetched = {q for f in failures or () if f.stage == "labels" for q in f.qids}
    lacking = [q for q in lacking if q not in unfetched]
    extra = []
    for any_label in select_batches(
        endpoint,
        lacking,
        labels_any_query,
        ("item", "label"),
        stage="labels",
        batch_size=batch_size,
        progress=None,
        failures=failures,
    ):
        any_label = any_label.dropna(subset=["label"])
        any_label["lang"] = "*"
        extra.append(any_label[["item", "lang", "label"]])
    labels = pd.concat([found, *extra], ignore_index=True) if (frames or extra) else found
    if labels.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("qid", "lang", "label")})
    labels["qid"] = qids_of(labels["item"])
    return labels[["qid", "lang", "label"]].drop_duplicates(["qid", "lang"]).reset_index(drop=True)


def fetch_types(
    endpoint: Endpoint,
    qids: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    failures: list[FailedPart] | None = None,
) -> pd.DataFrame:
    """P31 (instance of) classes of *qids*: columns ``qid, class``, one row per pair.

    An item with no P31 on the endpoint has no row: its classes are unknown. A value that is
    not an item (an "unknown value" statement) is no class and is left out. Rows are sorted
    by numeric QID, then class. Batches that could not be fetched are appended to *failures*
    (raised when it is ``None``).
    """
    frames = select_batches(
        endpoint,
        qids,
        types_query,
        ("item", "class"),
        stage="types",
        batch_size=batch_size,
        progress=progress,
        failures=failures,
    )
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("qid", "class")})
    raw = raw.dropna(subset=["class"])
    items = raw["class"].str.startswith(ENTITY) & raw["class"].str.slice(
        len(ENTITY)
    ).str.fullmatch(QID_PATTERN)
    raw = raw.loc[items.fillna(False).astype(bool)]
    out = pd.DataFrame({"qid": qids_of(raw["item"]), "class": qids_of(raw["class"])})
    out = out.drop_duplicates().astype(object)
    order = pd.DataFrame(
        {"q": out["qid"].str[1:].astype("int64"), "c": out["class"].str[1:].astype("int64")}
    )
    return out.loc[order.sort_values(["q", "c"]).index].reset_index(drop=True)


def fetch_all_sitelinks(
    endpoint: Endpoint,
    qids: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Progress | None = None,
    failures: list[FailedPart] | None = None,
) -> pd.DataFrame:
    """Each item's number of sitelinks in every Wikimedia project (``wikibase:sitelinks``):
    columns ``qid, sitelinks`` (int64), one row per item the endpoint has a count of (none
    for the others: unknown). Batches that could not be fetched are appended to *failures*
    (raised when it is ``None``)."""
    frames = select_batches(
        endpoint, qids, sitelink_counts_query, ("item", "sitelinks"), stage="sitelink counts",
        batch_size=batch_size, progress=progress, failures=failures,
    )
    raw = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if raw.empty:
        return pd.DataFrame({"qid": pd.Series(dtype=object), "sitelinks": pd.Series(dtype="int64")})
    raw = raw.dropna(subset=["sitelinks"])
    counts = pd.to_numeric(raw["sitelinks"], errors="coerce")
    if counts.isna().any() or (counts < 0).any() or (counts % 1 != 0).any():
        bad = raw["sitelinks"][counts.isna() | (counts < 0) | (counts % 1 != 0)].iloc[0]
        raise MalformedResultsError(f"expected a count of sitelinks, got {str(bad)[:40]!r}")
    out = pd.DataFrame({"qid": qids_of(raw["item"]).astype(object),
                        "sitelinks": counts.astype("int64")})
    out = out.drop_duplicates("qid")
    return out.sort_values("qid", key=_qid_sort_key, ignore_index=True)


def _qid_sort_key(column: pd.Series) -> pd.Series:
    if column.name == "qid":
        return column.str[1:].astype("int64")
    return column
