"""The exceptions of sdg-gaps, all in one place.

Everything that can go wrong because of input, data or a peer raises a subclass of
:class:`SdgGapsError`. The command line turns each one into a single line on stderr and a
non-zero exit status (:attr:`SdgGapsError.exit_code`), so a subclass's message must make sense
on its own: say what was wrong and, where it helps, what was expected.

Three more are internal signals, marked so below: each is raised and caught inside the code and
never reaches the user. :class:`Refusal` becomes a page's ``refused`` outcome
(:mod:`bot.wiki.plan`), :class:`Unanswered` the :class:`bot.retry.Failure` it carries
(:func:`bot.retry.requests_failure`), :class:`BadTerm` a :class:`MalformedResultsError`
(:mod:`bot.sparql.results`). They are not :class:`SdgGapsError`, so an ``except SdgGapsError``
never catches one by mistake, and one that escaped would be a bug and show its traceback.

The whole tree, every class of this module under its base (a second base is noted as "also")::

    Exception
    ├── SdgGapsError                      exit 1 unless noted
    │   ├── UsageError                    exit 2: bad input from the user
    │   │   ├── InvalidQidError           a value that is not a QID (Q + digits, no leading zero)
    │   │   └── RootRefused               a report root outside the roots a maintainer allowed
    │   ├── ConfigError                   a configuration file or page that does not validate
    │   ├── SnapshotError                 the snapshot is missing or unreadable
    │   │   └── DumpError                 a Wikidata dump or Parquet file that cannot be read
    │   ├── EndpointError                 a SPARQL service that cannot answer
    │   │   ├── MalformedResultsError     an answer that is not SPARQL results
    │   │   │   └── TruncatedResultsError an answer cut short (also a TooLargeError)
    │   │   ├── TooLargeError             timed out, or cut after a while: a smaller query may
    │   │   │                             succeed
    │   │   ├── ServiceFailureError       failed at once, retries included: the service's fault
    │   │   ├── UnavailableError          rate-limited beyond our wait, unreachable, or failing
    │   │   │                             every request for too long
    │   │   └── BudgetExhaustedError      the run's query-time budget is used up
    │   ├── EngineError                   an engine that cannot run here (Spark, Java)
    │   ├── HistoryError                  the history file cannot be opened, read or written
    │   ├── LockBusy                      exit 75: another run holds the lock
    │   └── WikiError                     a wiki that cannot be reached, logged in to or written
    ├── Refusal                           internal: a page the bot must not write
    └── Unanswered                        internal: an HTTP answer that is a failure
    ValueError
    └── BadTerm                           internal: a SPARQL TSV cell that is not an RDF term
"""

from __future__ import annotations

from typing import Any


class SdgGapsError(Exception):
    """Base of every error the command line reports as one line and exit status 1."""

    exit_code = 1


class UsageError(SdgGapsError):
    """Bad input from the user: an unknown goal or language, a malformed option value."""

    exit_code = 2


class InvalidQidError(UsageError):
    """A value that should be a Wikidata item id (``Q42``) and is not."""


class RootRefused(UsageError):
    """A page the bot was asked to write a report under (a report's root, the status page)
    that lies outside the roots a maintainer allowed (see :mod:`bot.roots`).

    Besides its one-line message it carries, for the status page, the root as the wiki spells
    it (:attr:`root`), the roots that were allowed (:attr:`allowed`) and why this one is not
    (:attr:`reason`).
    """

    def __init__(self, message: str, *, root: str, allowed: tuple[str, ...] = (),
                 reason: str = "") -> None:
        super().__init__(message)
        self.root = root
        self.allowed = tuple(allowed)
        self.reason = reason or message


class ConfigError(SdgGapsError):
    """A configuration file or page that cannot be read or does not validate."""


class SnapshotError(SdgGapsError):
    """The bundled snapshot (or one given with --snapshot) is missing or unreadable."""


class DumpError(SnapshotError):
    """A dump or a Parquet file of sitelinks or members that cannot be opened or read."""


class EndpointError(SdgGapsError):
    """A SPARQL endpoint that cannot be reached, refuses the query, or answers nonsense."""


class MalformedResultsError(EndpointError):
    """An answer that is not well-formed SPARQL results (truncated JSON, a missing variable)."""


class TooLargeError(EndpointError):
    """The query timed out or came back cut after the service worked on it: a smaller one may
    succeed."""


class ServiceFailureError(EndpointError):
    """The service failed this query at once every time it was asked (an HTTP 5xx, a dropped
    connection, an answer cut straight away): its own fault, not the query's size, so the query
    is not split; the piece it was for is reported."""


class UnavailableError(EndpointError):
    """The service is rate-limiting us beyond what the run may wait, cannot be reached, or has
    failed every request for longer than the run gives a failing service."""


class BudgetExhaustedError(EndpointError):
    """The run's query-time budget is used up."""


class TruncatedResultsError(MalformedResultsError, TooLargeError):
    """An answer cut short (a service that times out mid-answer still says HTTP 200)."""


class EngineError(SdgGapsError):
    """An engine that cannot be used here: pyspark or Java missing, the master unreachable."""


class HistoryError(SdgGapsError):
    """A history file that cannot be opened, read or written."""


class LockBusy(SdgGapsError):
    """Another run holds the lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class WikiError(SdgGapsError):
    """A wiki that cannot be reached or logged in to, or a page that cannot be written."""


# --- internal signals: raised and caught inside the code, never shown to the user -----------


class Refusal(Exception):
    """A page the bot must not write; the message says why (its markers are missing, duplicated
    or unbalanced, or a new text would break them or change what lies outside them).

    Raised by :mod:`bot.wiki.text`; :mod:`bot.wiki.plan` reports the page as ``refused``.
    """


class Unanswered(Exception):
    """Raised by a client's *send* for an answer that is a failure (an HTTP error status, an
    error in the body): it carries the :class:`bot.retry.Failure` (:attr:`failure`), which
    :func:`bot.retry.requests_failure` hands to the retry loop."""

    def __init__(self, failure: Any) -> None:  # a bot.retry.Failure (bot.retry imports this)
        super().__init__(failure.what)
        self.failure = failure


class BadTerm(ValueError):
    """A cell of SPARQL TSV results that is not a whole RDF term; :mod:`bot.sparql.results`
    reports the answer as a :class:`MalformedResultsError` naming the row."""


def one_line(exc: BaseException, size: int = 160) -> str:
    """The message of *exc* (a library's, quoted in one of ours) on one line of at most *size*
    characters."""
    return " ".join(str(exc).split())[:size]
