"""Two services, one interface: the primary, and the other one when the primary cannot answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from bot.errors import BudgetExhaustedError, EndpointError, TooLargeError, UnavailableError
from bot.sparql.base import QueryStats
from bot.sparql.http import HttpEndpoint


class FallbackEndpoint:
    """A primary service and a secondary one for when the primary cannot answer.

    A query the primary fails goes to the secondary. Once the primary is rate-limited beyond
    the run's wait, unreachable, or has failed every request for longer than the run gives a
    failing service (:class:`UnavailableError`), the secondary becomes the first choice for the
    rest of the run, so that a service asking us to slow down, or a broken one, is left alone;
    :meth:`notes` says so.
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
        # The service asked first from now on decides: a piece it failed is reported and the
        # run goes on, even if the service it took over from was given up meanwhile.
        first = next((exc for member, exc in errors if member is self.active), errors[-1][1])
        raise type(first)(message)

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
            "retry": self.primary.policy.describe(),
        }

    def notes(self) -> list[str]:
        """One line per fact the report must state about where the answers came from."""
        notes = []
        if self.fallbacks:
            first = self.fallbacks[0]
            notes.append(
                f"{len(self.fallbacks)} of {self.asked} queries were answered by "
                f"{self.secondary.name} instead of {self.primary.name} (first: {first['reason']})"
            )
        if self.switched:
            moved = self.switched
            notes.append(
                f"{moved['from']} was set aside at query {moved['query']} ({moved['reason']}); "
                f"the rest of the run asked {moved['to']} first"
            )
        return notes


