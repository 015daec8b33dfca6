"""The embedded store: pyoxigraph in this process, loaded from the bundled snapshot."""

from __future__ import annotations

import gzip
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyoxigraph

from bot.errors import EndpointError
from bot.sparql.base import QueryStats
from bot.sparql.results import check_vars, results_frame


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
        check_vars(variables, expect, self.name)
        rows = list(solutions)
        columns = {v: [_term_text(row[v]) for row in rows] for v in variables}
        self.stats.record(time.perf_counter() - started, len(rows))
        return results_frame(columns, variables)

