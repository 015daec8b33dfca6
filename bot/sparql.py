"""SPARQL endpoints: one interface, an embedded store and the live query services.

The pipeline never builds a query runner itself: it is handed an :class:`Endpoint` and calls
:meth:`Endpoint.select`, which answers a DataFrame with one column per projected variable and one
string (missing, ``NaN``, for an unbound variable) per cell: :func:`results_frame`, pandas' own
``str`` dtype, held by Arrow. IRIs come back as their full text,
literals as their lexical form, blank nodes as ``_:label``; a query that needs a literal's
language selects ``LANG()`` explicitly. This is the only module (with :mod:`bot.snapshot`) that
knows SPARQLWrapper and pyoxigraph.

Three kinds exist:

* :class:`EmbeddedEndpoint` — pyoxigraph in this process, loaded from the bundled snapshot. It is
  the default, so that ``sdg-gaps`` works with no network.
* :class:`HttpEndpoint` — SPARQLWrapper against any SPARQL 1.1 protocol service: Wikidata's query
  service (WDQS), QLever, or a local ``oxigraph serve``. It is a good citizen of WDQS:

  - one query at a time (nothing here is concurrent);
  - a User-Agent that names the tool and a contact (``--contact`` / ``SDG_GAPS_CONTACT``);
  - ``429`` answered by waiting ``Retry-After`` (never less), up to ``max_retry_after``;
  - exponential backoff on ``500``/``502``/``503``/``504``, dropped connections and time-outs;
  - a per-run query-time budget (:class:`QueryBudget`), shared by every endpoint of the run;
  - results read as SPARQL 1.1 TSV by default (the smallest and fastest format WDQS and QLever
    offer), parsed straight into pandas; JSON and CSV are read too;
  - an optional on-disk cache (:class:`bot.cache.QueryCache`) keyed by (endpoint URL, query text).

  A sequential client cannot use more than 60 s of query time per minute, so WDQS's per-minute
  limit needs no pacing beyond "one query at a time".
* :class:`FallbackEndpoint` — a primary and a secondary service (WDQS ↔ QLever): a query that the
  primary cannot answer goes to the secondary; once the primary is rate-limited or down, the rest
  of the run goes to the secondary. Which service answered is recorded for the report.

Failures are classified so that callers can act on them (all are :class:`EndpointError`, one line
each):

* :class:`TooLargeError` — the query timed out, came back truncated, or kept failing with a server
  error: a smaller query may succeed, so :mod:`bot.fetch` partitions it;
* :class:`UnavailableError` — rate-limited beyond what this run may wait, or unreachable: another
  service may answer, so :class:`FallbackEndpoint` switches;
* :class:`BudgetExhaustedError` — the run's query-time budget is used up: the run stops;
* anything else (:class:`MalformedResultsError` for a result missing a variable, a ``400``
  malformed query) is a plain error.

The queries are the same text on every endpoint: portable SPARQL 1.1 with every prefix declared.
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import re
import socket
import time
import urllib.error
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import pandas as pd
import pyoxigraph
from SPARQLWrapper import CSV, JSON, POST, TSV, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from bot import TOOL_NAME, __version__
from bot.errors import EndpointError, MalformedResultsError, UsageError

if TYPE_CHECKING:
    from bot.cache import QueryCache

PRESETS = {
    "wdqs": "https://query.wikidata.org/sparql",
    "qlever": "https://qlever.dev/api/wikidata",
}
# The other preset a preset falls back to when it is rate-limited or down.
PRESET_FALLBACK = {"wdqs": "qlever", "qlever": "wdqs"}

DEFAULT_CONTACT = "set a contact with --contact or SDG_GAPS_CONTACT"

FORMATS = {"tsv": TSV, "json": JSON, "csv": CSV}
CONTENT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/tab-separated-values": "tsv",
    "text/csv": "csv",
}


class TooLargeError(EndpointError):
    """The query timed out, came back truncated or kept failing: a smaller one may succeed."""


class UnavailableError(EndpointError):
    """The service is rate-limiting us beyond what the run may wait, or cannot be reached."""


class BudgetExhaustedError(EndpointError):
    """The run's query-time budget is used up."""


class TruncatedResultsError(MalformedResultsError, TooLargeError):
    """An answer cut short (a service that times out mid-answer still says HTTP 200)."""


@dataclass
class QueryStats:
    """What an endpoint has been asked in this run: shown in the run summary."""

    queries: int = 0
    rows: int = 0
    seconds: float = 0.0
    retries: int = 0
    cache_hits: int = 0
    failed: int = 0
    log: list[dict] = field(default_factory=list)

    def record(self, seconds: float, rows: int) -> None:
        self.queries += 1
        self.rows += rows
        self.seconds += seconds

    def as_dict(self) -> dict:
        return {
            "queries": self.queries,
            "rows": self.rows,
            "query_seconds": round(self.seconds, 3),
            "retries": self.retries,
            "cache_hits": self.cache_hits,
            "failed_queries": self.failed,
        }

    @classmethod
    def merged(cls, parts: Sequence[QueryStats]) -> QueryStats:
        total = cls()
        for part in parts:
            total.queries += part.queries
            total.rows += part.rows
            total.seconds += part.seconds
            total.retries += part.retries
            total.cache_hits += part.cache_hits
            total.failed += part.failed
            total.log.extend(part.log)
        return total


class QueryBudget:
    """Seconds of query time one run may spend on live services, shared by its endpoints.

    Every request is charged its wall-clock time (the closest a client can get to the server's
    query time), failed ones included. :meth:`check` raises before a request once the budget is
    spent; ``None`` means no limit.
    """

    def __init__(self, seconds: float | None):
        self.limit = seconds
        self.spent = 0.0
        self.requests = 0

    def check(self, where: str) -> None:
        if self.limit is not None and self.spent >= self.limit:
            raise BudgetExhaustedError(
                f"{where}: the run's query-time budget of {self.limit:g} s is used up "
                f"({self.requests} requests, {self.spent:.1f} s); raise it with --query-budget"
            )

    def charge(self, seconds: float) -> None:
        self.spent += seconds
        self.requests += 1


class Endpoint(Protocol):
    """What the pipeline needs from a SPARQL service."""

    name: str
    url: str | None
    stats: QueryStats

    def select(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame:
        """Run a SELECT query; *expect* names variables the answer must declare."""
        ...


def describe(endpoint: Endpoint) -> dict:
    """Where a run's answers came from, for summary.json (``name``, ``url`` and more)."""
    own = getattr(endpoint, "describe", None)
    if callable(own):
        return own()
    return {"name": endpoint.name, "url": endpoint.url}


def results_frame(columns: Mapping[str, Any], variables: Sequence[str]) -> pd.DataFrame:
    """The frame every reader answers: one column per variable, of pandas' ``str`` dtype.

    ``str`` is pandas' default string dtype, held in Arrow arrays (pyarrow is a dependency), so a
    reader that already has Arrow arrays (:mod:`bot.engines.ingest`) hands them over without
    making a Python object per cell; lists of Python strings are converted once here. An unbound
    cell (``None`` in a list, null in an Arrow array) is missing: ``NaN``, as pandas' ``str``
    dtype has it.
    """
    return pd.DataFrame(
        {v: pd.array(columns[v], dtype="str") for v in variables}, columns=list(variables)
    )


def _check_vars(variables: Sequence[str], expect: Sequence[str], where: str) -> None:
    missing = [v for v in expect if v not in variables]
    if missing:
        raise MalformedResultsError(
            f"{where}: the results lack the variable(s) {', '.join('?' + v for v in missing)}"
        )


def _term_text(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:" + term.value
    return term.value  # NamedNode and Literal both expose .value


class EmbeddedEndpoint:
    """A pyoxigraph store in this process.

    Build it with :meth:`from_ntriples` from the bundled snapshot (gzip N-Triples); loading is
    done once, in bulk, and the store lives in memory for the run.
    """

    def __init__(self, store: pyoxigraph.Store, name: str = "embedded"):
        self.store = store
        self.name = name
        self.url = None
        self.stats = QueryStats()

    @classmethod
    def from_ntriples(cls, path: Path, name: str = "embedded") -> EmbeddedEndpoint:
        store = pyoxigraph.Store()
        opener = gzip.open if str(path).endswith(".gz") else open
        try:
            with opener(path, "rb") as stream:
                store.bulk_load(stream, format=pyoxigraph.RdfFormat.N_TRIPLES)
        except (OSError, SyntaxError, ValueError) as exc:
            raise EndpointError(f"cannot load {path} into the embedded store: {exc}") from exc
        return cls(store, name)

    def select(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame:
        started = time.perf_counter()
        try:
            solutions = self.store.query(query)
        except SyntaxError as exc:
            raise EndpointError(f"embedded store rejected the query: {exc}") from exc
        if not isinstance(solutions, pyoxigraph.QuerySolutions):
            raise EndpointError("embedded store: expected a SELECT query")
        variables = [v.value for v in solutions.variables]
        _check_vars(variables, expect, self.name)
        rows = list(solutions)
        columns = {v: [_term_text(row[v]) for row in rows] for v in variables}
        self.stats.record(time.perf_counter() - started, len(rows))
        return results_frame(columns, variables)


def user_agent(contact: str | None) -> str:
    """A User-Agent per Wikimedia's policy: tool name/version, contact, library."""
    return f"{TOOL_NAME}/{__version__} ({contact or DEFAULT_CONTACT}) SPARQLWrapper/2"


# --- reading results ------------------------------------------------------------------------


def parse_results_json(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """Read SPARQL 1.1 JSON results into a DataFrame, refusing anything truncated or malformed.

    A service that times out mid-answer (oxigraph, Blazegraph) still sends HTTP 200 with a cut
    body, so every answer is parsed whole before it is believed. A body that starts like SPARQL
    results but does not parse is reported as truncated (:class:`TruncatedResultsError`).
    """
    try:
        doc = json.loads(body)
        variables = doc["head"]["vars"]
        bindings = doc["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        cls = TruncatedResultsError if b'"head"' in body[:200] else MalformedResultsError
        what = "truncated" if cls is TruncatedResultsError else "malformed"
        raise cls(
            f"{where}: {what} SPARQL results ({type(exc).__name__}: {str(exc)[:80]})"
        ) from exc
    if not isinstance(variables, list) or not isinstance(bindings, list):
        raise MalformedResultsError(f"{where}: malformed SPARQL results (head/results shape)")
    _check_vars(variables, expect, where)

    def value(cell: dict | None) -> str | None:
        if not cell:
            return None
        if cell.get("type") == "bnode":
            return "_:" + cell["value"]
        return cell["value"]

    try:
        columns = {v: [value(b.get(v)) for b in bindings] for v in variables}
    except (AttributeError, KeyError, TypeError) as exc:
        raise MalformedResultsError(f"{where}: malformed SPARQL results (a binding)") from exc
    return results_frame(columns, variables)


_LANGTAG = r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"
_DATATYPE = r"\^\^<[^<>\"{}|^`\\ ]*>"
_LITERAL = re.compile(
    r'^(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')(?:' + _LANGTAG + "|" + _DATATYPE + ")?$",
    re.DOTALL,
)
_BARE = re.compile(r"^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|true|false)$")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


_SIMPLE_ESCAPES = (('\\"', '"'), ("\\t", "\t"), ("\\n", "\n"), ("\\r", "\r"), ("\\'", "'"))


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    simple = text.replace("\\\\", "\x00")
    for escaped, char in _SIMPLE_ESCAPES:
        simple = simple.replace(escaped, char)
    if "\\" not in simple and "\x00" not in text:
        return simple.replace("\x00", "\\")

    def one(match: re.Match) -> str:
        if match.group(1) or match.group(2):
            return chr(int(match.group(1) or match.group(2), 16))
        char = match.group(3)
        if char not in _ECHAR:
            raise ValueError(f"bad escape \\{char}")
        return _ECHAR[char]

    return _ESCAPE.sub(one, text)


class _BadTerm(ValueError):
    pass


_NOT_IN_IRI = re.compile(r'[<>"{}|^`\x00-\x20]')
_SUFFIX = re.compile(_LANGTAG + "|" + _DATATYPE)


def _term(cell: str) -> str | None:
    """One TSV cell (an N-Triples-style term) → the value the JSON path gives."""
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        if cell[-1] != ">" or len(cell) < 2:
            raise _BadTerm(cell)
        value = cell[1:-1]
        if _NOT_IN_IRI.search(value):
            raise _BadTerm(cell)
        return _unescape(value) if "\\" in value else value
    if first == '"' or first == "'":
        end = cell.rfind(first)
        if end == 0:
            raise _BadTerm(cell)
        if end != len(cell) - 1 and not _SUFFIX.fullmatch(cell, end + 1):
            raise _BadTerm(cell)
        value = cell[1:end]
        if first in value:  # an escaped quote inside: check the whole literal
            if not _LITERAL.match(cell):
                raise _BadTerm(cell)
        return _unescape(value) if "\\" in value else value
    if first == "_" and cell.startswith("_:"):
        return cell
    if _BARE.match(cell):
        return cell
    raise _BadTerm(cell)


_IRI_FORBIDDEN = re.compile(r'["{}|^`\x00-\x09\x0b-\x20]')  # besides < > and the \n between


def _iri_column(cells: list[str]) -> list[str | None] | None:
    """A column of IRIs (or unbound cells) converted at C speed; ``None`` for any other."""
    bound = [c for c in cells if c]
    if not bound:
        return [None] * len(cells)
    joined = "\n".join(bound)
    n = len(bound)
    if (
        joined[0] != "<"
        or joined[-1] != ">"
        or joined.count("<") != n
        or joined.count(">") != n
        or joined.count(">\n<") != n - 1
        or "\\" in joined
        or _IRI_FORBIDDEN.search(joined)
    ):
        return None
    values = iter(joined[1:-1].split(">\n<"))
    if n == len(cells):
        return list(values)
    return [next(values) if c else None for c in cells]


def _column(cells: list[str]) -> list[str | None]:
    fast = _iri_column(cells)
    return fast if fast is not None else [_term(c) for c in cells]


def parse_results_tsv(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """Read SPARQL 1.1 TSV results into a DataFrame with the same values as the JSON path.

    TSV cells are N-Triples-style terms (``<iri>``, ``"lit"@lang``, ``"lit"^^<type>``, bare
    numbers and booleans, ``_:b``); an empty cell is unbound. Tabs and newlines inside terms are
    escaped, so rows and cells are split on the raw bytes' text and each column is turned into
    values in one pass. Every row must end with a newline, have one cell per variable, and every
    cell must be a whole term, so an answer cut short (or with an error message appended, as
    oxigraph does when it times out) is refused as truncated.
    """
    if not body.strip():
        raise MalformedResultsError(f"{where}: empty TSV results (no header line)")
    head, _, rest = body.partition(b"\n")
    variables = [v.strip().lstrip("?$") for v in head.decode("utf-8", "replace").split("\t")]
    if any(not re.fullmatch(r"\w+", v) for v in variables):
        raise MalformedResultsError(f"{where}: malformed TSV results (header {head[:80]!r})")
    _check_vars(variables, expect, where)
    if rest and not rest.endswith(b"\n"):
        raise TruncatedResultsError(f"{where}: truncated TSV results (a row without end of line)")
    width = len(variables)
    try:
        text = rest.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedResultsError(f"{where}: TSV results that are not UTF-8") from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    rows = text.split("\n")
    rows.pop()  # the empty string after the last end of line
    if not rows:
        return results_frame({v: [] for v in variables}, variables)
    # Tabs inside terms are escaped: every row has exactly one tab fewer than it has cells.
    if text.count("\t") != len(rows) * (width - 1):
        bad = next(i for i, row in enumerate(rows) if row.count("\t") != width - 1)
        raise _tsv_error(where, bad, len(rows), f"{rows[bad].count(chr(9)) + 1} cells")
    cells = rows if width == 1 else "\t".join(rows).split("\t")
    columns = {}
    for k, name in enumerate(variables):
        column = cells[k::width]
        try:
            columns[name] = _column(column)
        except (_BadTerm, ValueError):
            bad = next(i for i, cell in enumerate(column) if not _is_term(cell))
            what = f"not an RDF term: {column[bad][:40]!r}"
            raise _tsv_error(where, bad, len(rows), what) from None
    return results_frame(columns, variables)


def _is_term(cell: str) -> bool:
    try:
        _term(cell)
    except (_BadTerm, ValueError):
        return False
    return True


def _tsv_error(where: str, row: int, rows: int, what: str) -> MalformedResultsError:
    """A bad last row is a cut answer (a smaller query may do); a bad row before it is not."""
    if row == rows - 1:
        return TruncatedResultsError(f"{where}: truncated TSV results (last row: {what})")
    return MalformedResultsError(f"{where}: malformed TSV results (row {row + 1}: {what})")


def parse_results_csv(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """Read SPARQL 1.1 CSV results: plain values, so an empty cell is read as unbound.

    CSV cannot tell an unbound variable from an empty literal, nor a cut answer from a whole
    one: TSV (the default) is preferred wherever a service offers it.
    """
    try:
        raw = pd.read_csv(
            io.BytesIO(body), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MalformedResultsError(f"{where}: malformed CSV results ({exc})") from exc
    variables = [str(c) for c in raw.columns]
    _check_vars(variables, expect, where)
    return results_frame(
        {v: raw[v].astype(object).where(raw[v].notna(), None).to_list() for v in variables},
        variables,
    )


def parse_results_tsv_fast(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`parse_results_tsv`'s frame, read a column at a time when the answer is large.

    A plain answer is read by :func:`bot.engines.ingest.plain_tsv_frame` (a C CSV reader, one
    regular expression per distinct value); anything else (small, cut, malformed, unusual) by
    the exact reader above, which words the errors.
    """
    if len(body) >= 1 << 16:
        from bot.engines.ingest import plain_tsv_frame

        frame = plain_tsv_frame(body)
        if frame is not None:
            _check_vars(list(frame.columns), expect, where)
            return frame
    return parse_results_tsv(body, where, expect)


PARSERS = {"json": parse_results_json, "tsv": parse_results_tsv_fast, "csv": parse_results_csv}


def parse_results(
    body: bytes, content_type: str, where: str, expect: Sequence[str] = ()
) -> pd.DataFrame:
    """Parse an answer by its content type (a service may ignore the format asked for)."""
    kind = CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
    if kind is None:
        raise MalformedResultsError(
            f"{where}: the service answered {content_type or 'no content type'}, not SPARQL results"
        )
    return PARSERS[kind](body, where, expect)


# --- the live services ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    body: bytes
    content_type: str


class HttpEndpoint:
    """A SPARQL 1.1 protocol service reached over HTTP with SPARQLWrapper.

    ``result_format`` is ``tsv`` (default), ``json`` or ``csv``; whatever the service answers
    is parsed by its content type. ``cache`` (a :class:`bot.cache.QueryCache`) answers a query
    asked again within its max age without sending it. ``budget`` (a :class:`QueryBudget`)
    limits the run's total query time.
    """

    def __init__(
        self,
        url: str,
        *,
        name: str | None = None,
        contact: str | None = None,
        timeout: float = 65.0,
        max_retries: int = 4,
        backoff: float = 2.0,
        max_backoff: float = 120.0,
        max_retry_after: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.perf_counter,
        result_format: str = "tsv",
        cache: QueryCache | None = None,
        budget: QueryBudget | None = None,
    ):
        if result_format not in FORMATS:
            raise UsageError(f"unknown result format {result_format!r}: tsv, json or csv")
        self.url = url
        self.name = name or url
        self.contact = contact
        self.agent = user_agent(contact)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.clock = clock
        self.result_format = result_format
        self.cache = cache
        self.budget = budget if budget is not None else QueryBudget(None)
        self.stats = QueryStats()

    def describe(self) -> dict:
        return {
            "name": self.name,
            "url": self.url,
            "format": self.result_format,
            "cache": None if self.cache is None else self.cache.describe(),
            "budget_s": self.budget.limit,
        }

    def _once(self, query: str) -> _Answer:
        wrapper = SPARQLWrapper(self.url, agent=self.agent)
        wrapper.setQuery(query)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(FORMATS[self.result_format])
        wrapper.setOnlyConneg(True)  # the Accept header only: no format=/output= parameters
        wrapper.setTimeout(max(1, int(self.timeout)))
        wrapper.timeout = self.timeout  # setTimeout keeps whole seconds only; urllib takes any
        result = wrapper.query()
        try:
            return _Answer(result.response.read(), result.response.headers.get("Content-Type", ""))
        finally:
            result.response.close()

    def cached(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame | None:
        """The answer from the cache if it holds a fresh one, else ``None``; sends nothing."""
        if self.cache is None:
            return None
        hit = self.cache.get(self.url, query)
        if hit is None:
            return None
        body, content_type = hit
        try:
            frame = parse_results(body, content_type, f"{self.name} (cache)", expect)
        except MalformedResultsError:
            return None
        self.stats.cache_hits += 1
        self.stats.log.append({"endpoint": self.name, "cached": True, "rows": len(frame)})
        return frame

    def select(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame:
        hit = self.cached(query, expect)
        if hit is not None:
            return hit
        attempt = 0
        while True:
            self.budget.check(self.name)
            started = self.clock()
            try:
                answer = self._once(query)
                error = None
            except Exception as exc:  # classified just below; anything else is re-raised
                answer, error = None, exc
            elapsed = self.clock() - started
            self.budget.charge(elapsed)
            if error is not None:
                wait, failure = self._retry_decision(error, attempt)
                if wait is None:
                    self.stats.failed += 1
                    raise failure from error
                attempt += 1
                self.stats.retries += 1
                self.stats.log.append({"retry": attempt, "reason": str(failure), "wait": wait})
                self.sleep(wait)
                continue
            try:
                frame = parse_results(answer.body, answer.content_type, self.name, expect)
            except EndpointError:
                self.stats.failed += 1
                raise
            self.stats.record(elapsed, len(frame))
            self.stats.log.append({"endpoint": self.name, "rows": len(frame)})
            if self.cache is not None:
                self.cache.put(self.url, query, answer.body, answer.content_type)
            return frame

    def _backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * (2**attempt))

    def _retry_decision(self, exc: Exception, attempt: int) -> tuple[float | None, EndpointError]:
        """How long to wait before trying again (``None``: give up), and the error if we do."""
        exhausted = attempt >= self.max_retries
        backoff = self._backoff(attempt)
        gave_up = f" (gave up after {attempt} retries)" if exhausted else ""

        def fail(cls: type[EndpointError], reason: str) -> tuple[None, EndpointError]:
            return None, cls(f"{self.name}: {reason}")

        def retry(cls: type[EndpointError], reason: str, wait: float = backoff):
            if exhausted:
                return fail(cls, reason + gave_up)
            return wait, cls(f"{self.name}: {reason}")

        if isinstance(exc, QueryBadFormed):
            return fail(EndpointError, f"the service rejected the query: {_short(exc)}")
        if isinstance(exc, (EndPointNotFound, Unauthorized)):
            return fail(UnavailableError, f"the service refused the request: {_short(exc)}")
        if isinstance(exc, URITooLong):
            return fail(TooLargeError, f"the service refused the request: {_short(exc)}")
        if isinstance(exc, EndPointInternalError):
            text = str(exc)
            if "TimeoutException" in text or "timeout" in text.lower():
                # The service's own query time-out: the same query would time out again.
                return fail(TooLargeError, "the query timed out on the service (HTTP 500)")
            return retry(TooLargeError, "HTTP 500 from the service")
        if isinstance(exc, urllib.error.HTTPError):
            code = exc.code
            retry_after = retry_after_seconds(
                exc.headers.get("Retry-After") if exc.headers else None
            )
            if code == 429:
                wait = retry_after if retry_after is not None else backoff
                if exhausted:
                    return fail(UnavailableError, "HTTP 429 Too Many Requests" + gave_up)
                if wait > self.max_retry_after:
                    return fail(
                        UnavailableError,
                        f"HTTP 429 Too Many Requests with Retry-After {wait:.0f} s, "
                        f"longer than the {self.max_retry_after:.0f} s this run may wait",
                    )
                return wait, UnavailableError(f"{self.name}: HTTP 429 Too Many Requests")
            if code in (502, 503):
                wait = max(backoff, retry_after or 0.0)
                if wait > self.max_retry_after:
                    return fail(UnavailableError, f"HTTP {code}, Retry-After {wait:.0f} s")
                return retry(UnavailableError, f"HTTP {code} from the service", wait)
            if 500 <= code < 600:
                return retry(TooLargeError, f"HTTP {code} from the service")
            return fail(EndpointError, f"HTTP {code} from the service")
        if _is_timeout(exc):
            return retry(TooLargeError, f"no answer within {self.timeout:g} s")
        if isinstance(exc, http.client.IncompleteRead):
            return retry(TooLargeError, "the connection closed in the middle of the answer")
        if isinstance(exc, urllib.error.URLError):
            return fail(UnavailableError, f"cannot reach {self.url}: {exc.reason}")
        if isinstance(exc, (ConnectionError, http.client.HTTPException, OSError)):
            return retry(UnavailableError, f"connection failed: {_short(exc)}")
        if isinstance(exc, SPARQLWrapperException):
            return fail(EndpointError, _short(exc))
        raise exc


def _is_timeout(exc: Exception) -> bool:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return True
    return isinstance(exc, urllib.error.URLError) and isinstance(
        exc.reason, (socket.timeout, TimeoutError)
    )


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160]


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class FallbackEndpoint:
    """A primary service and a secondary one for when the primary cannot answer.

    A query the primary fails goes to the secondary. Once the primary is rate-limited beyond
    the run's wait or unreachable (:class:`UnavailableError`), the secondary becomes the first
    choice for the rest of the run, so that a service asking us to slow down is left alone.
    A run's budget error is never sent elsewhere. Which service answered each query is counted
    (``answered_by``) and every fallback is logged (``fallbacks``) for the report.
    """

    def __init__(self, primary: HttpEndpoint, secondary: HttpEndpoint):
        self.primary = primary
        self.secondary = secondary
        self.name = primary.name
        self.url = primary.url
        self.active = primary
        self.answered_by: Counter[str] = Counter()
        self.fallbacks: list[dict] = []
        self.switched: dict | None = None
        self.asked = 0

    @property
    def stats(self) -> QueryStats:
        return QueryStats.merged([self.primary.stats, self.secondary.stats])

    def _members(self) -> list[HttpEndpoint]:
        other = self.secondary if self.active is self.primary else self.primary
        return [self.active, other]

    def select(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame:
        self.asked += 1
        for member in (self.primary, self.secondary):
            hit = member.cached(query, expect)
            if hit is not None:
                self.answered_by[f"{member.name} (cache)"] += 1
                return hit
        errors: list[tuple[HttpEndpoint, EndpointError]] = []
        for member in self._members():
            try:
                frame = member.select(query, expect)
            except BudgetExhaustedError:
                raise
            except EndpointError as exc:
                errors.append((member, exc))
                if isinstance(exc, UnavailableError) and member is self.active:
                    other = self.secondary if member is self.primary else self.primary
                    self.active = other
                    self.switched = {
                        "query": self.asked,
                        "from": member.name,
                        "to": other.name,
                        "reason": str(exc),
                    }
                continue
            self.answered_by[member.name] += 1
            if member is not self.primary:
                self.fallbacks.append(
                    {
                        "query": self.asked,
                        "answered_by": member.name,
                        "instead_of": self.primary.name,
                        "reason": str(errors[0][1]) if errors else self._set_aside(),
                    }
                )
            return frame
        message = "; ".join(str(exc) for _, exc in errors)
        if any(isinstance(exc, TooLargeError) for _, exc in errors):
            raise TooLargeError(message)
        raise type(errors[-1][1])(message)

    def _set_aside(self) -> str:
        return f"set aside since query {self.switched['query']}: {self.switched['reason']}"

    def describe(self) -> dict:
        return {
            "name": self.name,
            "url": self.url,
            "format": self.primary.result_format,
            "fallback": {"name": self.secondary.name, "url": self.secondary.url},
            "answered_by": dict(self.answered_by),
            "fallback_used": bool(self.fallbacks),
            "switched": self.switched,
            "fallbacks": self.fallbacks[:200],
            "cache": None if self.primary.cache is None else self.primary.cache.describe(),
            "budget_s": self.primary.budget.limit,
        }

    def notes(self) -> list[str]:
        """One line per fact the report must state about where the answers came from."""
        if not self.fallbacks:
            return []
        first = self.fallbacks[0]
        return [
            f"{len(self.fallbacks)} of {self.asked} queries were answered by "
            f"{self.secondary.name} instead of {self.primary.name} (first: {first['reason']})"
        ]


def check_url(url: str) -> str:
    """Refuse anything that is not an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"bad endpoint {url!r}: expected embedded, wdqs, qlever or an http(s):// URL"
        )
    return url
