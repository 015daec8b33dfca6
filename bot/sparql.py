"""SPARQL endpoints: one interface, an embedded store and the live query services.

The pipeline never builds a query runner itself: it is handed an :class:`Endpoint` and calls
:meth:`Endpoint.select`, which answers a DataFrame with one column per projected variable and one
string (or ``None`` for an unbound variable) per cell. IRIs come back as their full text,
literals as their lexical form; a query that needs a literal's language selects ``LANG()``
explicitly. This is the only module (with :mod:`bot.snapshot`) that knows SPARQLWrapper and
pyoxigraph.

Two kinds exist:

* :class:`EmbeddedEndpoint` — pyoxigraph in this process, loaded from the bundled snapshot. It is
  the default, so that ``sdg-gaps`` works with no network.
* :class:`HttpEndpoint` — SPARQLWrapper against any SPARQL 1.1 protocol service: Wikidata's query
  service (WDQS), QLever, or a local ``oxigraph serve``. It sends a User-Agent that follows
  Wikimedia's policy, honours ``429`` with ``Retry-After`` and retries ``5xx`` and time-outs with
  exponential backoff.

The queries are the same text on both: portable SPARQL 1.1 with every prefix declared.
"""

from __future__ import annotations

import gzip
import json
import socket
import time
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import pandas as pd
import pyoxigraph
from SPARQLWrapper import JSON, POST, SPARQLWrapper
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

PRESETS = {
    "wdqs": "https://query.wikidata.org/sparql",
    "qlever": "https://qlever.dev/api/wikidata",
}

DEFAULT_CONTACT = "set a contact with --contact or SDG_GAPS_CONTACT"


@dataclass
class QueryStats:
    """What an endpoint has been asked in this run: shown in the run summary."""

    queries: int = 0
    rows: int = 0
    seconds: float = 0.0
    retries: int = 0
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
        }


class Endpoint(Protocol):
    """What the pipeline needs from a SPARQL service."""

    name: str
    url: str | None
    stats: QueryStats

    def select(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame:
        """Run a SELECT query; *expect* names variables the answer must declare."""
        ...


def _frame(variables: Sequence[str], rows: list[list[str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(variables), dtype=object)
    return frame


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
        rows = [[_term_text(s[v]) for v in variables] for s in solutions]
        self.stats.record(time.perf_counter() - started, len(rows))
        return _frame(variables, rows)


def user_agent(contact: str | None) -> str:
    """A User-Agent per Wikimedia's policy: tool name/version, contact, library."""
    return f"{TOOL_NAME}/{__version__} ({contact or DEFAULT_CONTACT}) SPARQLWrapper/2"


def parse_results_json(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """Read SPARQL 1.1 JSON results into a DataFrame, refusing anything truncated or malformed.

    A service that times out mid-answer (oxigraph, Blazegraph) still sends HTTP 200 with a cut
    body, so every answer is parsed whole before it is believed.
    """
    try:
        doc = json.loads(body)
        variables = doc["head"]["vars"]
        bindings = doc["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedResultsError(
            f"{where}: malformed SPARQL results ({type(exc).__name__}: {str(exc)[:80]})"
        ) from exc
    if not isinstance(variables, list) or not isinstance(bindings, list):
        raise MalformedResultsError(f"{where}: malformed SPARQL results (head/results shape)")
    _check_vars(variables, expect, where)
    try:
        columns = {v: [(b.get(v) or {}).get("value") for b in bindings] for v in variables}
    except AttributeError as exc:
        raise MalformedResultsError(f"{where}: malformed SPARQL results (a binding)") from exc
    return pd.DataFrame(columns, columns=list(variables), dtype=object)


class HttpEndpoint:
    """A SPARQL 1.1 protocol service reached over HTTP with SPARQLWrapper.

    It behaves as a good citizen of WDQS: one query at a time (the pipeline is sequential),
    ``Retry-After`` honoured on ``429``, exponential backoff on ``5xx`` and time-outs, and a
    User-Agent that names the tool and a contact.
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
        max_retry_after: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = url
        self.name = name or url
        self.agent = user_agent(contact)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.stats = QueryStats()

    def _once(self, query: str) -> bytes:
        wrapper = SPARQLWrapper(self.url, agent=self.agent)
        wrapper.setQuery(query)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(int(self.timeout))
        result = wrapper.query()
        try:
            return result.response.read()
        finally:
            result.response.close()

    def select(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame:
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                body = self._once(query)
            except Exception as exc:  # classified just below; anything else is re-raised
                wait, reason = self._retry_decision(exc, attempt)
                if wait is None:
                    raise EndpointError(f"{self.name}: {reason}") from exc
                attempt += 1
                self.stats.retries += 1
                self.stats.log.append({"retry": attempt, "reason": reason, "wait": wait})
                self.sleep(wait)
                continue
            frame = parse_results_json(body, self.name, expect)
            self.stats.record(time.perf_counter() - started, len(frame))
            return frame

    def _retry_decision(self, exc: Exception, attempt: int) -> tuple[float | None, str]:
        """How long to wait before trying again, or ``None`` to give up, and why."""
        exhausted = attempt >= self.max_retries
        backoff = self.backoff * (2**attempt)
        if isinstance(exc, QueryBadFormed):
            return None, f"the service rejected the query as malformed: {_short(exc)}"
        if isinstance(exc, (EndPointNotFound, Unauthorized, URITooLong)):
            return None, f"the service refused the request: {_short(exc)}"
        if isinstance(exc, EndPointInternalError):
            reason = "HTTP 500 from the service"
            return (None if exhausted else backoff), reason + (
                f" (gave up after {attempt} retries)" if exhausted else ""
            )
        if isinstance(exc, urllib.error.HTTPError):
            code = exc.code
            if code == 429:
                retry_after = _retry_after(exc.headers.get("Retry-After"))
                wait = retry_after if retry_after is not None else backoff
                if exhausted:
                    return None, f"HTTP 429 Too Many Requests (gave up after {attempt} retries)"
                if wait > self.max_retry_after:
                    return None, (
                        f"HTTP 429 Too Many Requests with Retry-After {wait:.0f}s, "
                        f"longer than the {self.max_retry_after:.0f}s this run may wait"
                    )
                return wait, "HTTP 429 Too Many Requests"
            if 500 <= code < 600:
                if exhausted:
                    return None, f"HTTP {code} from the service (gave up after {attempt} retries)"
                return backoff, f"HTTP {code} from the service"
            return None, f"HTTP {code} from the service"
        if isinstance(exc, (socket.timeout, TimeoutError)) or (
            isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, TimeoutError)
        ):
            if exhausted:
                return (
                    None,
                    f"timed out after {self.timeout:.0f}s (gave up after {attempt} retries)",
                )
            return backoff, "timed out"
        if isinstance(exc, urllib.error.URLError):
            return None, f"cannot reach {self.url}: {exc.reason}"
        if isinstance(exc, (ConnectionError, OSError)):
            if exhausted:
                return None, f"connection failed: {exc} (gave up after {attempt} retries)"
            return backoff, f"connection failed: {exc}"
        if isinstance(exc, SPARQLWrapperException):
            return None, _short(exc)
        raise exc


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160]


def _retry_after(value: str | None) -> float | None:
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


def check_url(url: str) -> str:
    """Refuse anything that is not an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"bad endpoint {url!r}: expected embedded, wdqs, qlever or an http(s):// URL"
        )
    return url
