"""A SPARQL 1.1 protocol service over HTTP (WDQS, QLever, ``oxigraph serve``): SPARQLWrapper.

Attempts, waits and what to do after a failure are :mod:`bot.retry`'s, the policy every HTTP
client of the project shares (:meth:`bot.retry.RetryPolicy.run`); this module sends one attempt,
says what SPARQLWrapper and urllib saw (:func:`failure_of`), and turns a request that ended
without an answer into an error of :mod:`bot.errors`.
"""

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

from bot import retry
from bot.errors import (
    BudgetExhaustedError,
    EndpointError,
    ServiceFailureError,
    TooLargeError,
    TruncatedResultsError,
    UnavailableError,
    UsageError,
    one_line,
)
from bot.retry import Ended, Failure, RetryPolicy
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
    limits the run's total query time. ``policy`` (a :class:`bot.retry.RetryPolicy`, shared by
    the services of a run) decides retries, waits and when to stop; without one the endpoint
    makes its own from ``max_retries``, ``backoff``, ``max_backoff``, ``max_retry_after``,
    ``give_up_after``, ``slow`` (seconds after which an error or a cut answer looks like the
    query's size), ``sleep`` and ``clock``.

    A failure ends :meth:`select` in one error: :class:`TooLargeError` when it looks like the
    query's size (a smaller query may do), :class:`ServiceFailureError` when the service failed
    the query at once every time, :class:`UnavailableError` when the service is not to be asked
    any more, and a plain :class:`EndpointError` for a request that would fail again.
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
        give_up_after: float = 120.0,
        slow: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.perf_counter,
        result_format: str = "tsv",
        cache: QueryCache | None = None,
        budget: QueryBudget | None = None,
        policy: RetryPolicy | None = None,
    ):
        if result_format not in FORMATS:
            raise UsageError(f"unknown result format {result_format!r}: tsv, json or csv")
        self.url = url
        self.name = name or url
        self.contact = contact
        self.agent = user_agent(contact)
        self.timeout = timeout
        self.policy = policy or RetryPolicy(
            max_retries=max_retries,
            backoff=backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            give_up_after=give_up_after,
            slow=slow,
            sleep=sleep,
            clock=clock,
        )
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
            "retry": self.policy.describe(),
        }

    def _once(self, query: str, timeout: float) -> _Answer:
        wrapper = SPARQLWrapper(self.url, agent=self.agent)
        wrapper.setQuery(query)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(FORMATS[self.result_format])
        wrapper.setOnlyConneg(True)  # the Accept header only: no format=/output= parameters
        wrapper.setTimeout(max(1, int(timeout)))
        wrapper.timeout = timeout  # setTimeout keeps whole seconds only; urllib takes any
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
        except EndpointError:
            return None
        self.stats.cache_hits += 1
        self.stats.log.append({"endpoint": self.name, "cached": True, "rows": len(frame)})
        return frame

    def select(self, query: str, expect: Sequence[str] = ()) -> pd.DataFrame:
        hit = self.cached(query, expect)
        if hit is not None:
            return hit
        clock = self.policy.clock

        def send(timeout: float) -> tuple[_Answer, pd.DataFrame, float]:
            self.budget.check(self.name)
            started = clock()
            try:
                answer = self._once(query, timeout)
            finally:
                elapsed = clock() - started
                self.budget.charge(elapsed)
            # A truncated answer is judged like a dropped connection, by its time (failure_of);
            # any other answer that is not results is raised: asking again would not do.
            frame = parse_results(answer.body, answer.content_type, self.name, expect)
            return answer, frame, elapsed

        def retried(attempt: int, failure: Failure) -> None:
            self.stats.retries += 1
            self.stats.log.append({"retry": attempt, "reason": f"{self.name}: {failure.what}"})

        try:
            outcome = self.policy.run(
                self.name,
                send,
                lambda exc, timeout: failure_of(exc, self.url, timeout, self.name),
                timeout=self.timeout,
                retried=retried,
            )
        except BudgetExhaustedError:
            raise
        except EndpointError:
            self.stats.failed += 1  # an answer, but not results
            raise
        if isinstance(outcome, Ended):
            self.stats.failed += 1
            error = _error(outcome)
            raise error(f"{self.name}: {outcome.decision.reason}") from outcome.error
        answer, frame, elapsed = outcome
        self.stats.record(elapsed, len(frame))
        self.stats.log.append({"endpoint": self.name, "rows": len(frame)})
        if self.cache is not None:
            self.cache.put(self.url, query, answer.body, answer.content_type)
        return frame


def _error(ended: Ended) -> type[EndpointError]:
    """The error a request that ended without an answer ends :meth:`HttpEndpoint.select` with."""
    decision, failure, error = ended.decision, ended.failure, ended.error
    verdict = decision.verdict
    if verdict == retry.SMALLER:
        return TruncatedResultsError if isinstance(error, TruncatedResultsError) else TooLargeError
    if verdict == retry.UNAVAILABLE or failure is None or failure.sign == retry.THROTTLED:
        return UnavailableError
    if verdict == retry.REFUSED:
        unreachable = isinstance(error, (EndPointNotFound, Unauthorized)) or (
            isinstance(error, urllib.error.URLError)
            and not isinstance(error, urllib.error.HTTPError)
        )
        return UnavailableError if unreachable else EndpointError
    if isinstance(error, urllib.error.HTTPError) and error.code in (502, 503):
        return UnavailableError  # the gateway has no service behind it: another may answer
    return ServiceFailureError


def failure_of(exc: Exception, url: str, timeout: float, name: str) -> Failure:
    """What a failed request was, for :mod:`bot.retry`; an exception no request makes is
    re-raised."""
    if isinstance(exc, TruncatedResultsError):
        return Failure(str(exc).removeprefix(f"{name}: "), retry.CUT)
    if isinstance(exc, QueryBadFormed):
        return Failure(f"the service rejected the query: {one_line(exc)}", retry.FINAL)
    if isinstance(exc, (EndPointNotFound, Unauthorized)):
        return Failure(f"the service refused the request: {one_line(exc)}", retry.FINAL)
    if isinstance(exc, URITooLong):
        return Failure(f"the service refused the request: {one_line(exc)}", retry.TOO_LONG)
    if isinstance(exc, EndPointInternalError):
        text = str(exc)
        if "TimeoutException" in text or "timeout" in text.lower():
            # The service's own query time-out: the same query would time out again.
            return Failure("the query timed out on the service (HTTP 500)", retry.TIME_OUT)
        return Failure("HTTP 500 from the service")
    if isinstance(exc, urllib.error.HTTPError):
        code = exc.code
        after = retry.retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
        if code == 429:
            return Failure("HTTP 429 Too Many Requests", retry.THROTTLED, after)
        if 500 <= code < 600:
            return Failure(f"HTTP {code} from the service", retry.ERROR, after)
        return Failure(f"HTTP {code} from the service", retry.FINAL)
    if _is_timeout(exc):
        return Failure(f"no answer within {timeout:g} s", retry.TIME_OUT)
    if isinstance(exc, http.client.IncompleteRead):
        return Failure("the connection closed in the middle of the answer", retry.CUT)
    if isinstance(exc, urllib.error.URLError):
        return Failure(f"cannot reach {url}: {exc.reason}", retry.FINAL)
    if isinstance(exc, (ConnectionError, http.client.HTTPException, OSError)):
        return Failure(f"connection failed: {one_line(exc)}")
    if isinstance(exc, SPARQLWrapperException):
        return Failure(one_line(exc), retry.FINAL)
    raise exc


def _is_timeout(exc: Exception) -> bool:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return True
    return isinstance(exc, urllib.error.URLError) and isinstance(
        exc.reason, (socket.timeout, TimeoutError)
    )

