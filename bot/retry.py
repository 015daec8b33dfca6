"""The one retry policy of every HTTP client of sdg-gaps: the SPARQL services and the MediaWiki API.

Each client sends one request at a time through :meth:`RetryPolicy.run`, the one loop of
attempts: it waits whatever the policy decided before each attempt, gives the attempt the
time-out left to it, and after a failure asks :meth:`RetryPolicy.failed` what to do. The
client says how to send (a callable given the time-out) and what a failure was (a
:class:`Failure`: one line saying what happened, and its :attr:`Failure.sign`); the loop returns
the answer, or an :class:`Ended` holding the :class:`Decision` that ended the request, which the
client turns into its own error or report (:mod:`bot.sparql.http`, :mod:`bot.pagesizes`). A
client built on :mod:`requests` needs no describing of its own: :func:`check_status` and
:func:`requests_failure` say what an HTTP status and the exceptions of requests mean (the
page-size fetcher uses them, and any later requests-based client can). The verdicts:

``retry``
    an instant failure (an HTTP 5xx, a dropped connection, an answer cut at once) is the
    service's, not the query's: the same request is sent again, up to ``max_retries`` times;
``give up``
    …after which this request is given up: the caller reports the piece it was for and goes on;
``smaller``
    the failure looks like the query's size: a time-out (the client's, or the service saying its
    query timed out), or an error or a cut answer that came after the service worked on the
    request for at least ``slow`` seconds (measured). The same query would fail again, so it is
    not retried: the caller asks smaller ones (:mod:`bot.sources.partition` splits a selection,
    :mod:`bot.sources.endpoint` halves a batch);
``refused``
    the same request would fail the same way again (a malformed query, 404, 401, an unreachable
    host): no retry;
``unavailable``
    the service has failed every request for too long, or asks us to wait longer than this run
    may: the run stops asking it (a fallback service takes over, or the run ends with one line).

The bounds:

* backoff — a request after a failed one waits ``backoff × 2**(n-1)`` seconds (at most
  ``max_backoff``), where *n* counts the service's failures in a row, whichever queries they
  were for; a ``Retry-After`` the service sent (429, 503; read by urllib3) is waited exactly,
  up to ``max_retry_after``. After a size-like failure the next (smaller) query goes at once;
* give up — a service whose failures in a row, with no answer in between, would go on past
  ``give_up_after`` seconds (120) from the start of the first is unavailable for the rest of
  the run (a size-like failure starts no such streak, since splitting is its answer, but counts
  in one under way): decided as soon as the next request could not start in time, and a
  request in that time is given only what is left of it as its time-out, so a broken service
  ends a run (or sends it to the fallback) in bounded time whatever its queries;
* failures per minute — never more than ``failures_per_minute`` (30, what WDQS allows) failed
  requests in any 60 seconds, retries included: :meth:`before` waits while the last minute
  holds that many. One policy is shared by every service of a run (:func:`bot.sparql.make_endpoint`
  gives the primary and the fallback the same one), and the page-size fetcher has its own.

Times come from *clock* (monotonic seconds) and waits go through *sleep*; both are injectable.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import requests
from urllib3.exceptions import InvalidHeader
from urllib3.util import Retry

from bot.errors import Unanswered

RETRY = "retry"
GIVE_UP = "give up"
SMALLER = "smaller"
REFUSED = "refused"
UNAVAILABLE = "unavailable"

# What a client saw; see Failure.sign.
TIME_OUT, TOO_LONG, CUT, ERROR, THROTTLED, FINAL = (
    "time-out", "too long", "cut", "error", "throttled", "final",
)
T = TypeVar("T")
WINDOW = 60.0  # seconds: the per-minute bound's window
MARGIN = 0.5  # seconds added to that window, for the service's clock


@dataclass(frozen=True)
class Failure:
    """One failed request as its client saw it.

    *what* is one line (``HTTP 500 from the service``). *sign* is ``time-out`` (no answer in
    time, or the service said the query timed out), ``too long`` (the service refused the
    request's size), ``cut`` (an answer cut short), ``error`` (an HTTP error status or a
    dropped connection), ``throttled`` (429) or ``final`` (the same request would fail again).
    *retry_after* is the service's ``Retry-After``, in seconds.
    """

    what: str
    sign: str = ERROR
    retry_after: float | None = None


@dataclass(frozen=True)
class Decision:
    """What to do after a failure: a verdict (``retry``, ``give up``, ``smaller``, ``refused``,
    ``unavailable``) and the line that says why (without the service's name)."""

    verdict: str
    reason: str


@dataclass(frozen=True)
class Ended:
    """A request that ended without an answer: the decision that ended it, and what its last
    attempt saw (``None`` when the decision came before any attempt: a service given up)."""

    decision: Decision
    failure: Failure | None = None
    error: Exception | None = None


@dataclass
class _Streak:
    """A service's failures in a row, since its last answer."""

    started: float
    failures: int = 0
    whats: Counter = field(default_factory=Counter)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), as urllib3 reads
    it; ``None`` when there is none or it cannot be read."""
    if not value:
        return None
    try:
        return float(Retry().parse_retry_after(value))
    except (InvalidHeader, ValueError, OverflowError):  # no value urllib3 can read
        return None


class RetryPolicy:
    """Retries, waits and bounds for the requests of one run; see the module's description."""

    def __init__(
        self,
        *,
        max_retries: int = 4,
        backoff: float = 2.0,
        max_backoff: float = 120.0,
        max_retry_after: float = 300.0,
        give_up_after: float = 120.0,
        failures_per_minute: int = 30,
        slow: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.give_up_after = give_up_after
        self.failures_per_minute = failures_per_minute
        self.slow = slow
        self.clock = clock
        self.sleep = sleep
        self._streaks: dict[str, _Streak] = {}
        self._owed: dict[str, float] = {}
        self._failed_at: deque[float] = deque()  # start times of failed requests
        self._given_up: dict[str, str] = {}  # services not to be asked again, and why
        self.paced = 0  # requests held back by the per-minute bound
        self.waited = 0.0  # seconds slept in all

    def describe(self) -> dict:
        return {
            "max_retries": self.max_retries,
            "give_up_after_s": self.give_up_after,
            "failures_per_minute": self.failures_per_minute,
            "paced": self.paced,
            "waited_s": round(self.waited, 3),
        }

    # --- the loop of attempts ------------------------------------------------------------------

    def run(
        self,
        service: str,
        send: Callable[[float], T],
        failure_of: Callable[[Exception, float], Failure],
        *,
        timeout: float,
        smaller: bool = True,
        retried: Callable[[int, Failure], None] | None = None,
    ) -> T | Ended:
        """Send one request to *service* until it answers or a decision ends it.

        *send* makes one attempt, given the seconds it may wait for its answer (*timeout*, or
        less once the service is failing), and returns the answer or raises; *failure_of*
        says what it raised (given the same time-out) and re-raises whatever no request makes
        (an error of the run itself, such as its budget). *retried* is told of each retry.
        *smaller* is passed on to :meth:`failed`.
        """
        attempt = 0
        while True:
            stop = self.before(service)
            if stop is not None:
                return Ended(stop)
            started = self.clock()
            left = min(timeout, self.time_left(service, started))
            try:
                answer = send(left)
            except Exception as exc:  # what it was is failure_of's to say, or to re-raise
                failure, error = failure_of(exc, left), exc
            else:
                self.succeeded(service)
                return answer
            decision = self.failed(service, failure, attempt=attempt, started=started,
                                   finished=self.clock(), smaller=smaller)  # fmt: skip
            if decision.verdict != RETRY:
                return Ended(decision, failure, error)
            attempt += 1
            if retried is not None:
                retried(attempt, failure)

    # --- around each request ----------------------------------------------------------------

    def before(self, service: str) -> Decision | None:
        """Sleep what *service* is owed (backoff, Retry-After) and what the per-minute bound
        asks; an ``unavailable`` decision instead (and no wait) once the service has been given
        up, or if its give-up time would come before the wait ends."""
        if service in self._given_up:
            return Decision(UNAVAILABLE, self._given_up[service])
        wait = self._owed.pop(service, 0.0)
        paced = self._pace(wait)
        if paced > wait:
            self.paced += 1
            wait = paced
        streak = self._streaks.get(service)
        if streak is not None and self.time_left(service, self.clock() + wait) <= 0:
            return self._give_up(service, self._unavailable(streak))  # decided without waiting
        if wait > 0:
            self.waited += wait
            self.sleep(wait)
        return None

    def time_left(self, service: str, now: float) -> float:
        """Seconds *service* may still take before its failures in a row make it unavailable
        (infinite while it is not failing): the most a request may wait for its answer."""
        streak = self._streaks.get(service)
        if streak is None:
            return float("inf")
        return streak.started + self.give_up_after - now

    def succeeded(self, service: str) -> None:
        self._streaks.pop(service, None)
        self._owed.pop(service, None)

    def failed(
        self,
        service: str,
        failure: Failure,
        *,
        attempt: int,
        started: float,
        finished: float,
        smaller: bool = True,
    ) -> Decision:
        """The decision after a request that started at *started* and failed at *finished*;
        *attempt* counts the retries of this request already made. A client that cannot ask a
        smaller request (*smaller* false: the page-size batches are already small) has a
        size-like failure retried as any other."""
        self._failed_at.append(started)
        took = finished - started
        size = smaller and (
            failure.sign in (TIME_OUT, TOO_LONG)
            or (failure.sign in (CUT, ERROR) and took >= self.slow)
        )
        if size and service not in self._streaks:
            # The query's size, not the service's fault: it starts no streak (a selection too
            # large for WDQS times out part after part while it is split; the depth and number
            # of parts, and the run's query budget, bound that), but extends one under way.
            self._owed[service] = 0.0
            return Decision(SMALLER, failure.what)
        streak = self._streaks.setdefault(service, _Streak(started))
        streak.failures += 1
        streak.whats[failure.what] += 1
        if failure.sign == FINAL or (failure.sign == TOO_LONG and not smaller):
            return Decision(REFUSED, failure.what)
        if size:
            wait = 0.0
        elif failure.retry_after is not None:
            if failure.retry_after > self.max_retry_after:
                return self._give_up(
                    service,
                    f"{failure.what} with Retry-After {failure.retry_after:.0f} s, longer than "
                    f"the {self.max_retry_after:.0f} s this run may wait",
                )
            wait = failure.retry_after
        else:
            wait = min(self.max_backoff, self.backoff * 2 ** (streak.failures - 1))
        if finished + wait - streak.started >= self.give_up_after:
            return self._give_up(service, self._unavailable(streak, finished - streak.started))
        self._owed[service] = wait
        if size:
            return Decision(SMALLER, failure.what)
        if attempt >= self.max_retries:
            return Decision(GIVE_UP, f"{failure.what} (gave up after {attempt} retries)")
        return Decision(RETRY, failure.what)

    # --- the bounds ---------------------------------------------------------------------------

    def _pace(self, owed: float) -> float:
        """Seconds to wait so that the next request keeps every minute under the bound."""
        if len(self._failed_at) < self.failures_per_minute:
            return 0.0
        now = self.clock()
        while self._failed_at and self._failed_at[0] <= now + owed - WINDOW - MARGIN:
            self._failed_at.popleft()
        if len(self._failed_at) < self.failures_per_minute:
            return 0.0
        oldest = self._failed_at[-self.failures_per_minute]
        return oldest + WINDOW + MARGIN - now

    def _give_up(self, service: str, reason: str) -> Decision:
        self._given_up[service] = reason
        return Decision(UNAVAILABLE, reason)

    def _unavailable(self, streak: _Streak, seconds: float | None = None) -> str:
        seconds = self.clock() - streak.started if seconds is None else seconds
        seen = "; ".join(
            what if count == 1 else f"{what} ×{count}" for what, count in streak.whats.most_common()
        )
        return (
            f"{streak.failures} requests in a row failed over {seconds:.0f} s, with no answer in "
            f"between ({seen}): giving up on this service"
        )


# --- clients built on requests -------------------------------------------------------------------


def check_status(answer: requests.Response) -> requests.Response:
    """*answer* if its status says it succeeded; else :class:`Unanswered`: 429 is ``throttled``
    and any 5xx an ``error`` (each with the ``Retry-After`` it sent), anything else ``final``."""
    code = answer.status_code
    if 200 <= code < 300:
        return answer
    after = retry_after_seconds(answer.headers.get("Retry-After"))
    if code == 429:
        raise Unanswered(Failure("HTTP 429 Too Many Requests", THROTTLED, after))
    if code >= 500:
        raise Unanswered(Failure(f"HTTP {code}", ERROR, after))
    raise Unanswered(Failure(f"HTTP {code}", FINAL))


def requests_failure(exc: Exception, timeout: float) -> Failure:
    """What an attempt made with :mod:`requests` raised, as a :class:`Failure` (for
    :meth:`RetryPolicy.run`); anything requests does not raise is re-raised."""
    if isinstance(exc, Unanswered):
        return exc.failure
    if isinstance(exc, requests.Timeout):
        return Failure(f"no answer within {timeout:g} s", TIME_OUT)
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return Failure("the connection closed in the middle of the answer", CUT)
    if isinstance(exc, requests.ConnectionError):
        return Failure(f"connection failed: {' '.join(str(exc).split())[:160]}")
    raise exc
