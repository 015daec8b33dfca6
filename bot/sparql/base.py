"""What every endpoint is: the :class:`Endpoint` interface, its statistics and the run's budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from bot import TOOL_NAME, __version__
from bot.errors import BudgetExhaustedError

DEFAULT_CONTACT = "set a contact with --contact or SDG_GAPS_CONTACT"


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



def user_agent(contact: str | None) -> str:
    """A User-Agent per Wikimedia's policy: tool name/version, contact, library."""
    return f"{TOOL_NAME}/{__version__} ({contact or DEFAULT_CONTACT}) SPARQLWrapper/2"


