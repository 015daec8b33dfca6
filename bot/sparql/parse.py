"""An answer's bytes → the frame, by the content type the service declared."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bot.errors import MalformedResultsError
from bot.sparql.results import parse_results_csv, parse_results_json
from bot.sparql.tsv import parse_results_tsv_fast

CONTENT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/tab-separated-values": "tsv",
    "text/csv": "csv",
}

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
