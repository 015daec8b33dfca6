"""SPARQL endpoints: one interface, an embedded store and the live query services.

The pipeline never builds a query runner itself: it is handed an :class:`Endpoint` and calls
:meth:`Endpoint.select`, which answers a DataFrame with one column per projected variable and one
string (missing, ``NaN``, for an unbound variable) per cell: :func:`results_frame`, pandas' own
``str`` dtype, held by Arrow. IRIs come back as their full text,
literals as their lexical form, blank nodes as ``_:label``; a query that needs a literal's
language selects ``LANG()`` explicitly. This package is the only place that knows
SPARQLWrapper, and the only one that queries with pyoxigraph (:mod:`bot.catalogue.build` uses
it only to read the UN's Turtle).

Three kinds exist:

* :class:`EmbeddedEndpoint` — pyoxigraph in this process, loaded from the bundled snapshot. It is
  the default, so that ``sdg-gaps`` works with no network.
* :class:`HttpEndpoint` — SPARQLWrapper against any SPARQL 1.1 protocol service: Wikidata's query
  service (WDQS), QLever, or a local ``oxigraph serve``. It is a good citizen of WDQS:

  - one query at a time (nothing here is concurrent);
  - a User-Agent that names the tool and a contact (``--contact`` / ``SDG_GAPS_CONTACT``);
  - retries, waits and bounds decided by :mod:`bot.retry`, the policy every HTTP client of the
    project shares: ``429`` answered by waiting ``Retry-After`` (never less), up to
    ``max_retry_after``; exponential backoff on instant ``5xx`` answers and dropped connections;
    no more than 30 failed requests a minute; a service that fails every request for 120 s
    given up;
  - a per-run query-time budget (:class:`QueryBudget`), shared by every endpoint of the run;
  - results read as SPARQL 1.1 TSV by default (the smallest and fastest format WDQS and QLever
    offer), parsed straight into pandas; JSON and CSV are read too;
  - an optional on-disk cache (:class:`bot.cache.QueryCache`) keyed by (endpoint URL, query text).

  A sequential client cannot use more than 60 s of query time per minute, so WDQS's per-minute
  limit on query time needs no pacing beyond "one query at a time"; its limit on failed queries
  is kept by the retry policy.
* :class:`FallbackEndpoint` — a primary and a secondary service (WDQS ↔ QLever): a query that the
  primary cannot answer goes to the secondary; once the primary is rate-limited or down, the rest
  of the run goes to the secondary. Which service answered is recorded for the report.

Failures are classified so that callers can act on them (all are :class:`EndpointError`, one line
each):

* :class:`TooLargeError` — the query timed out, or came back cut or failed after the service had
  worked on it for a while: a smaller query may succeed, so :mod:`bot.sources.partition` splits
  it (and :mod:`bot.sources.endpoint` halves a batch);
* :class:`ServiceFailureError` — the service failed the query at once, retries included: its own
  fault, not the query's size; the piece is reported, not split;
* :class:`UnavailableError` — rate-limited beyond what this run may wait, unreachable, or failing
  every request for too long: another service may answer, so :class:`FallbackEndpoint` switches,
  and without one the run stops;
* :class:`BudgetExhaustedError` — the run's query-time budget is used up: the run stops;
* anything else (:class:`MalformedResultsError` for a result missing a variable, a ``400``
  malformed query) is a plain error.

The queries are the same text on every endpoint: portable SPARQL 1.1 with every prefix declared.

The rooms of the package:

* :mod:`bot.sparql.base` — the :class:`Endpoint` interface, :class:`QueryStats`,
  :class:`QueryBudget`, the User-Agent;
* :mod:`bot.sparql.results`, :mod:`bot.sparql.tsv`, :mod:`bot.sparql.parse` — answers into
  frames (the exact readers, the fast TSV reader, the choice by content type);
* :mod:`bot.sparql.embedded`, :mod:`bot.sparql.http`, :mod:`bot.sparql.fallback` — the three
  kinds of endpoint;
* :mod:`bot.sparql.factory` — :func:`make_endpoint`: a name or a URL → the endpoint a run asks.
"""

from bot.errors import (
    BudgetExhaustedError,
    EndpointError,
    MalformedResultsError,
    ServiceFailureError,
    TooLargeError,
    TruncatedResultsError,
    UnavailableError,
)
from bot.sparql.base import (
    DEFAULT_CONTACT,
    Endpoint,
    QueryBudget,
    QueryStats,
    describe,
    user_agent,
)
from bot.sparql.embedded import EmbeddedEndpoint
from bot.sparql.factory import PRESET_FALLBACK, PRESETS, check_url, make_endpoint
from bot.sparql.fallback import FallbackEndpoint
from bot.sparql.http import FORMATS, HttpEndpoint
from bot.sparql.parse import CONTENT_TYPES, PARSERS, parse_results
from bot.sparql.results import (
    parse_results_csv,
    parse_results_json,
    parse_results_tsv,
    results_frame,
)
from bot.sparql.tsv import parse_results_tsv_fast, plain_tsv_frame

__all__ = [
    "BudgetExhaustedError", "CONTENT_TYPES", "DEFAULT_CONTACT", "EmbeddedEndpoint", "Endpoint",
    "EndpointError", "FORMATS", "FallbackEndpoint", "HttpEndpoint", "MalformedResultsError",
    "PARSERS", "PRESETS", "PRESET_FALLBACK", "QueryBudget", "QueryStats", "ServiceFailureError",
    "TooLargeError",
    "TruncatedResultsError", "UnavailableError", "check_url", "describe", "make_endpoint",
    "parse_results", "parse_results_csv", "parse_results_json", "parse_results_tsv",
    "parse_results_tsv_fast", "plain_tsv_frame", "results_frame", "user_agent",
]
