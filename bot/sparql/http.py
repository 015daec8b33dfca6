"""A SPARQL 1.1 protocol service over HTTP (WDQS, QLever, ``oxigraph serve``): SPARQLWrapper."""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
from SPARQLWrapper import CSV, JSON, POST, TSV, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from bot.errors import (
    EndpointError,
    MalformedResultsError,
    TooLargeError,
    UnavailableError,
    UsageError,
)
from bot.sparql.base import QueryBudget, QueryStats, user_agent
from bot.sparql.parse import parse_results

if TYPE_CHECKING:
    from bot.cache import QueryCache

FORMATS = {"tsv": TSV, "json": JSON, "csv": CSV}


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

