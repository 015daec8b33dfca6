"""Selections too large for one query, asked in parts by ranges of the item id.

When the answer looks too large for the service — a time-out, an answer cut or an error after
the service worked on it for a while (:class:`bot.errors.TooLargeError`, as :mod:`bot.retry`
judges it), or as many rows as the part's row limit — a selection query is asked again in parts
(ranges of the numeric item id, a ``FILTER`` added to the query's own ``WHERE`` group), and a
failing part is split again, down to a bounded depth and a bounded number of parts. A failure
that arrives at once is the service's, not the query's: that part is not split. A part given up
is reported as a :class:`bot.sources.endpoint.FailedPart`, never silently dropped; the run then
marks its report incomplete.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import BudgetExhaustedError, ConfigError, ServiceFailureError, TooLargeError
from bot.ids import sorted_qids
from bot.sources.endpoint import DEFAULT_MAX_FAILURES, FailedPart, qid_of
from bot.sparql import Endpoint

# The numeric part of an item IRI; -1 for anything that is not a wd:Q… IRI (the cast fails), so
# that every solution falls into exactly one range and none is lost by the partitioning.
ITEM_KEY = (
    "COALESCE(<http://www.w3.org/2001/XMLSchema#integer>"
    '(STRAFTER(STR(?item), "http://www.wikidata.org/entity/Q")), -1)'
)
DEFAULT_TOP = 2**28  # above Wikidata's highest item id (Q1… to about Q140,000,000 in 2026)
DEFAULT_FANOUT = 8
MAX_KEY = 2**40  # an open-ended part starting this high is not split further
DEFAULT_MAX_DEPTH = 6  # splits of splits: 8**6 ranges of 1,024 ids below DEFAULT_TOP
DEFAULT_MAX_PARTS = 512  # queries one selection may send, its first included


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
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_parts: int = DEFAULT_MAX_PARTS,
    notify: Callable[[str], None] | None = None,
) -> Selection:
    """Run a selection query, in parts by item-id ranges if it is too large for one query.

    The whole query is asked first. A part that looks too large (:class:`bot.sparql.TooLargeError`)
    or answers *max_rows* rows (the LIMIT added to every part when *max_rows* is set) is split
    into *fanout* ranges, depth first; ranges above *top* form one open-ended part. A part is
    recorded in :attr:`Selection.failed` instead when the service failed it at once
    (:class:`bot.sparql.ServiceFailureError`: not its size), when it cannot be split (one item
    id), when it is *max_depth* splits deep, after *max_failures* failed queries in this
    selection, or when splitting it would take the selection past *max_parts* queries. A query
    with its own LIMIT or OFFSET is run as written (partitioning would change its meaning).
    Errors that a smaller query cannot cure (the budget, a service given up or unreachable, a
    malformed query, a result missing ``?item``) are raised.
    """
    shape = SelectionShape.of(query)
    if shape.limited:
        frame = endpoint.select(query, expect=("item",))
        qids = [qid_of(iri) for iri in frame["item"].dropna()]
        return Selection(sorted_qids(qids), parts=[{"part": "as written", "rows": len(frame)}])
    selection = Selection([])
    found: set[str] = set()
    pending: deque[tuple[Part, int]] = deque([(Part(), 0)])  # a part and its depth
    failures = 0
    asked = 0
    while pending:
        part, depth = pending.popleft()
        text = shape.query_for(part, limit=max_rows)
        asked += 1
        try:
            frame = endpoint.select(text, expect=("item",))
            reason = None
            if max_rows is not None and len(frame) >= max_rows:
                reason = f"answered {len(frame):,} rows, the row limit of a part"
        except BudgetExhaustedError:
            raise
        except ServiceFailureError as exc:
            selection.failed.append(FailedPart(label, part.describe(), _line(exc)))
            continue
        except TooLargeError as exc:
            frame, reason = None, _line(exc)
            failures += 1
        if reason is not None:
            children = part.split(fanout, top)
            if frame is not None and not children:
                reason = None  # one item id answering many rows: the item is there
            else:
                bound = _bound(children, depth, failures, asked + len(pending),
                               max_depth, max_failures, max_parts)
                if bound is not None:
                    selection.failed.append(FailedPart(label, part.describe(), reason + bound))
                    continue
                selection.splits += 1
                if notify:
                    notify(f"{label}: {part.describe()}: {reason}; asking in {len(children)} parts")
                pending.extendleft(reversed([(child, depth + 1) for child in children]))
                continue
        qids = [qid_of(iri) for iri in frame["item"].dropna()]
        found.update(qids)
        selection.parts.append({"part": part.describe(), "rows": len(frame)})
    selection.qids = sorted_qids(found)
    return selection


def _bound(children: list[Part], depth: int, failures: int, planned: int, max_depth: int,
           max_failures: int, max_parts: int) -> str | None:
    """Why a part may not be split (appended to its reason), or ``None`` if it may."""
    if not children:
        return ""  # a single item id: nothing smaller to ask
    if depth >= max_depth:
        return f"; not split further ({max_depth} splits deep)"
    if failures > max_failures:
        return f"; not split further ({failures} failed queries in this selection)"
    if planned + len(children) > max_parts:
        return f"; not split further (it would take more than {max_parts} queries)"
    return None


def _line(exc: Exception) -> str:
    return " ".join(str(exc).split())


