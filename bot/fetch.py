"""Fetching an item set's facts from an endpoint: members, sitelinks, badges, labels.

Selection and detail are two steps. The selection (a query projecting ``?item``, or a pinned list)
names the items; the details are then asked for in batches of ``VALUES``, so that no single
query grows with the size of the item set and none meets WDQS's 60-second limit. The query texts
live in ``queries/lib/`` and are the same for every endpoint.

A selection too large for one query is partitioned (:func:`select_partitioned`): when the
service times out, answers truncated, keeps failing with server errors, or answers as many rows as
the part's row limit, the query is asked again in parts — ranges of the numeric item id, a
``FILTER`` added to the query's own ``WHERE`` group — and each failing part is split again until
it succeeds. A part that cannot be split further and still fails is reported as a
:class:`FailedPart`, never silently dropped; the pipeline then marks its analysis incomplete.
Batches of the detail queries are split the same way (in halves, down to one item).

Everything here returns plain DataFrames for :mod:`bot.coverage`; nothing is computed here.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import pandas as pd

from bot.errors import ConfigError, MalformedResultsError
from bot.languages import Wikis
from bot.sparql import BudgetExhaustedError, Endpoint, TooLargeError

ENTITY = "http://www.wikidata.org/entity/"
QUERY_LIB = Path(__file__).resolve().parents[1] / "queries" / "lib"

# Badges that mark a sitelink to a redirect: such a sitelink is not an article.
# Listed in queries/verify-live.tsv with their expected English labels.
REDIRECT_BADGES = frozenset({"Q70893996", "Q70894304"})

DEFAULT_BATCH = 400
ITEM = re.compile(r"Q[0-9]+")  # an item id, as it follows ENTITY in an item's IRI

Progress = Callable[[str, int, int], None]


def _template(name: str) -> Template:
    return Template((QUERY_LIB / name).read_text(encoding="utf-8"))


def qid_of(iri: str) -> str:
    """``http://www.wikidata.org/entity/Q42`` → ``Q42``; anything else is malformed data."""
    if not (isinstance(iri, str) and iri.startswith(ENTITY) and ITEM.fullmatch(iri, len(ENTITY))):
        raise _not_an_item(iri)
    return iri[len(ENTITY) :]


def _not_an_item(value: object) -> MalformedResultsError:
    return MalformedResultsError(f"expected a Wikidata item IRI, got {str(value)[:80]!r}")


def qids_of(column: pd.Series) -> pd.Series:
    """:func:`qid_of` over a column of IRIs at once (string kernels, no Python call per row).

    The first value that is not an item IRI is named in the error, as :func:`qid_of` does.
    """
    tails = column.str.slice(len(ENTITY))
    good = column.str.startswith(ENTITY) & tails.str.fullmatch(ITEM.pattern)
    if not good.all():
        raise _not_an_item(column[~good].iloc[0])
    return tails


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


# --- partitioned selections -----------------------------------------------------------------

# The numeric part of an item IRI; -1 for anything that is not a wd:Q… IRI (the cast fails), so
# that every solution falls into exactly one range and none is lost by the partitioning.
ITEM_KEY = (
    "COALESCE(<http://www.w3.org/2001/XMLSchema#integer>"
    '(STRAFTER(STR(?item), "http://www.wikidata.org/entity/Q")), -1)'
)
DEFAULT_TOP = 2**28  # above Wikidata's highest item id (Q1… to about Q140,000,000 in 2026)
DEFAULT_FANOUT = 8
MAX_KEY = 2**40  # an open-ended part starting this high is not split further
DEFAULT_MAX_FAILURES = 24  # failed queries in one selection before no more splitting


@dataclass(frozen=True)
class Part:
    """A range of numeric item ids, ``lo <= id < hi``.

    ``lo=None`` starts at the bottom and also holds whatever is not an item IRI (its key is -1);
    ``hi=None`` has no upper end. ``Part()`` is the whole selection.
    """

    lo: int | None = None
    hi: int | None = None

    @property
    def whole(self) -> bool:
        return self.lo is None and self.hi is None

    def condition(self) -> str | None:
        """The FILTER expression of this part (``None`` for the whole selection)."""
        terms = []
        if self.lo is not None:
            terms.append(f"{ITEM_KEY} >= {self.lo}")
        if self.hi is not None:
            terms.append(f"{ITEM_KEY} < {self.hi}")
        return " && ".join(terms) or None

    def describe(self) -> str:
        if self.whole:
            return "all items"
        if self.lo is None:
            return f"items below Q{self.hi}"
        if self.hi is None:
            return f"items from Q{self.lo} up"
        if self.hi - self.lo == 1:
            return f"item Q{self.lo}"
        return f"items Q{self.lo}–Q{self.hi - 1}"

    def split(self, fanout: int = DEFAULT_FANOUT, top: int = DEFAULT_TOP) -> list[Part]:
        """Smaller parts that together cover exactly this one (empty if it cannot be split).

        A bounded range is cut into *fanout* equal ranges; an open-ended one into the ranges
        below *top* (or below twice its start, above *top*) and one open-ended rest.
        """
        if self.hi is None:
            if self.lo is not None and self.lo >= MAX_KEY:
                return []
            end = top if self.lo is None or self.lo < top else 2 * self.lo
            below = Part(self.lo, end)
            return [*(below.split(fanout, top) or [below]), Part(end, None)]
        bottom = 0 if self.lo is None else self.lo
        span = self.hi - bottom
        if span <= 1:
            return []
        step = -(-span // min(fanout, span))  # ceiling, exact for any size
        parts = [Part(lo, min(lo + step, self.hi)) for lo in range(bottom, self.hi, step)]
        parts[0] = Part(self.lo, parts[0].hi)
        return parts


@dataclass(frozen=True)
class FailedPart:
    """A piece of the data that could not be fetched: named in the report, never dropped."""

    stage: str  # e.g. "item set sdg13-climate" or "sitelinks"
    part: str  # e.g. "items Q1000–Q1999" or "27 items (Q5 … Q99)"
    reason: str
    qids: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"{self.stage}: {self.part} could not be fetched ({self.reason})"


@dataclass
class Selection:
    """The items of a selection and how they were fetched."""

    qids: list[str]
    parts: list[dict] = field(default_factory=list)  # part, rows: every answered part
    splits: int = 0
    failed: list[FailedPart] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.failed


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def _mask(query: str) -> str:
    """The query with comments, strings and IRIs blanked out (same length, same positions)."""
    out = list(query)
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char == "#":
            end = query.find("\n", i)
            end = n if end < 0 else end
        elif char in "\"'":
            quote = query[i : i + 3] if query[i : i + 3] in ('"""', "'''") else char
            end = i + len(quote)
            while end < n and not query.startswith(quote, end):
                end += 2 if query[end] == "\\" else 1
            end = min(n, end + len(quote))
        elif char == "<" and (match := _IRIREF.match(query, i)):
            end = match.end()
        else:
            i += 1
            continue
        for k in range(i, end):
            if out[k] != "\n":
                out[k] = " "
        i = end
    return "".join(out)


@dataclass(frozen=True)
class SelectionShape:
    """Where a selection query's parts are: enough to add a FILTER and a LIMIT to it."""

    text: str
    select_at: int  # where SELECT starts (the prologue is before it)
    group_close: int  # the closing brace of the WHERE group
    limit_at: int  # where a LIMIT goes: the end, or before a trailing VALUES clause
    limited: bool  # the query has its own LIMIT or OFFSET
    aliased: bool  # ?item is made by the projection (… AS ?item), not bound in WHERE

    @classmethod
    def of(cls, query: str) -> SelectionShape:
        masked = _mask(query)
        select = re.search(r"\bSELECT\b", masked, re.IGNORECASE)
        opened = masked.find("{", select.end()) if select else -1
        if not select or opened < 0:
            raise ConfigError("a selection query must be a SELECT query with a WHERE clause")
        depth = 0
        close = -1
        for index in range(opened, len(masked)):
            if masked[index] == "{":
                depth += 1
            elif masked[index] == "}":
                depth -= 1
                if depth == 0:
                    close = index
                    break
        if close < 0:
            raise ConfigError("a selection query's WHERE clause has unbalanced braces")
        tail = masked[close + 1 :]
        values = re.search(r"\bVALUES\b", tail, re.IGNORECASE)
        projection = masked[select.end() : opened]
        return cls(
            text=query,
            select_at=select.start(),
            group_close=close,
            limit_at=close + 1 + values.start() if values else len(query),
            limited=bool(re.search(r"\b(LIMIT|OFFSET)\b", tail, re.IGNORECASE)),
            aliased=bool(re.search(r"\bAS\s+[?$]item\b", projection, re.IGNORECASE)),
        )

    def query_for(self, part: Part, limit: int | None = None) -> str:
        """The selection restricted to *part* (golden-tested); the text itself for the whole."""
        text = self.text
        condition = part.condition()
        if condition is None:
            return text if limit is None else _add_limit(text, self.limit_at, limit)
        line = f"FILTER({condition})  # sdg-gaps partition: {part.describe()}"
        if self.aliased:
            body = text[self.select_at :].rstrip()
            prologue = text[: self.select_at]
            query = f"{prologue}SELECT ?item WHERE {{\n  {{\n{body}\n  }}\n  {line}\n}}\n"
            return query if limit is None else _add_limit(query, len(query), limit)
        head = text[: self.group_close].rstrip()
        query = f"{head}\n  {line}\n{text[self.group_close :]}"
        if limit is None:
            return query
        return _add_limit(query, self.limit_at + len(query) - len(text), limit)


def _add_limit(query: str, at: int, limit: int) -> str:
    return f"{query[:at].rstrip()}\nLIMIT {limit}\n{query[at:].lstrip()}".rstrip() + "\n"


def select_partitioned(
    endpoint: Endpoint,
    query: str,
    *,
    label: str = "selection",
    fanout: int = DEFAULT_FANOUT,
    top: int = DEFAULT_TOP,
    max_rows: int | None = None,
    max_failures: int = DEFAULT_MAX_FAILURES,
    notify: Callable[[str], None] | None = None,
) -> Selection:
    """Run a selection query, in parts by item-id ranges if it is too large for one query.

    The whole query is asked first. A part that times out, comes back truncated or keeps
    failing (:class:`bot.sparql.TooLargeError`), or answers *max_rows* rows (the LIMIT added to
    every part when *max_rows* is set), is split into *fanout* ranges, depth first; ranges above
    *top* form one open-ended part. A part that cannot be split (one item id) or that fails after
    *max_failures* failed queries in this selection is recorded in :attr:`Selection.failed`. A
    query with its own LIMIT or OFFSET is run as written (partitioning would change its
    meaning). Errors that a smaller query cannot cure (the budget, an unreachable service, a
    malformed query, a result missing ``?item``) are raised.
    """
    shape = SelectionShape.of(query)
    if shape.limited:
        frame = endpoint.select(query, expect=("item",))
        qids = [qid_of(iri) for iri in frame["item"].dropna()]
        return Selection(_sorted(set(qids)), parts=[{"part": "as written", "rows": len(frame)}])
    selection = Selection([])
    found: set[str] = set()
    pending: deque[Part] = deque([Part()])
    failures = 0
    while pending:
        part = pending.popleft()
        text = shape.query_for(part, limit=max_rows)
        try:
            frame = endpoint.select(text, expect=("item",))
            reason = None
            if max_rows is not None and len(frame) >= max_rows:
                reason = f"answered {len(frame):,} rows, the row limit of a part"
        except BudgetExhaustedError:
            raise
        except TooLargeError as exc:
            frame, reason = None, " ".join(str(exc).split())
            failures += 1
        if reason is not None:
            children = part.split(fanout, top)
            if frame is not None and not children:
                reason = None  # one item id answering many rows: the item is there
            elif not children or failures > max_failures:
                selection.failed.append(FailedPart(label, part.describe(), reason))
                continue
            else:
                selection.splits += 1
                if notify:
                    notify(f"{label}: {part.describe()}: {reason}; asking in {len(children)} parts")
                pending.extendleft(reversed(children))
                continue
        qids = [qid_of(iri) for iri in frame["item"].dropna()]
        found.update(qids)
        selection.parts.append({"part": part.describe(), "rows": len(frame)})
    selection.qids = _sorted(found)
    return selection


def _sorted(qids: Iterable[str]) -> list[str]:
    return sorted(qids, key=lambda q: int(q[1:]))


def _select_batches(
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

    A single item that still fails, or any batch once *max_failures* batches have failed, is
    appended to *failures* (or raised when *failures* is ``None``).
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
        except TooLargeError as exc:
            failed += 1
            if len(batch) > 1 and failed <= max_failures:
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

    One row per (item, wiki). ``badges`` is a sorted, space-separated list of badge QIDs;
    ``redirect`` is true for a sitelink to a redirect, which is not an article. Items whose
    batch could not be fetched are appended to *failures* (raised when it is ``None``).
    """
    frames = _select_batches(
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
    frames = _select_batches(
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
    for any_label in _select_batches(
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


def _qid_sort_key(column: pd.Series) -> pd.Series:
    if column.name == "qid":
        return column.str[1:].astype("int64")
    return column
