"""SPARQL 1.1 results (JSON, TSV, CSV) into the frame every endpoint answers.

:func:`results_frame` is the one constructor: one column per projected variable, of pandas'
``str`` dtype held by Arrow, missing (``NaN``) for an unbound cell. IRIs come back as their full
text, literals as their lexical form, blank nodes as ``_:label``. The readers here are exact:
every cell is checked, and an answer cut short is refused as truncated
(:class:`bot.errors.TruncatedResultsError`), which the fetch layer may answer by asking in parts.
The fast reader for large TSV answers (:mod:`bot.sparql.tsv`) gives the same frames.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from bot.errors import BadTerm, MalformedResultsError, TruncatedResultsError


def results_frame(columns: Mapping[str, Any], variables: Sequence[str]) -> pd.DataFrame:
    """The frame every reader answers: one column per variable, of pandas' ``str`` dtype.

    ``str`` is pandas' default string dtype, held in Arrow arrays (pyarrow is a dependency), so a
    reader that already has Arrow arrays (:mod:`bot.sparql.tsv`) hands them over without
    making a Python object per cell; lists of Python strings are converted once here. An unbound
    cell (``None`` in a list, null in an Arrow array) is missing: ``NaN``, as pandas' ``str``
    dtype has it.
    """
    return pd.DataFrame(
        {v: pd.array(columns[v], dtype="str") for v in variables}, columns=list(variables)
    )


def check_vars(variables: Sequence[str], expect: Sequence[str], where: str) -> None:
    missing = [v for v in expect if v not in variables]
    if missing:
        raise MalformedResultsError(
            f"{where}: the results lack the variable(s) {', '.join('?' + v for v in missing)}"
        )



def parse_results_json(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """Read SPARQL 1.1 JSON results into a DataFrame, refusing anything truncated or malformed.

    A service that times out mid-answer (oxigraph, Blazegraph) still sends HTTP 200 with a cut
    body, so every answer is parsed whole before it is believed. A body that starts like SPARQL
    results but does not parse is reported as truncated (:class:`TruncatedResultsError`).
    """
    try:
        doc = json.loads(body)
        variables = doc["head"]["vars"]
        bindings = doc["results"]["bindings"]
    except (ValueError, KeyError, TypeError) as exc:
        cls = TruncatedResultsError if b'"head"' in body[:200] else MalformedResultsError
        what = "truncated" if cls is TruncatedResultsError else "malformed"
        raise cls(
            f"{where}: {what} SPARQL results ({type(exc).__name__}: {str(exc)[:80]})"
        ) from exc
    if not isinstance(variables, list) or not isinstance(bindings, list):
        raise MalformedResultsError(f"{where}: malformed SPARQL results (head/results shape)")
    check_vars(variables, expect, where)

    def value(cell: dict | None) -> str | None:
        if not cell:
            return None
        if cell.get("type") == "bnode":
            return "_:" + cell["value"]
        return cell["value"]

    try:
        columns = {v: [value(b.get(v)) for b in bindings] for v in variables}
    except (AttributeError, KeyError, TypeError) as exc:
        raise MalformedResultsError(f"{where}: malformed SPARQL results (a binding)") from exc
    return results_frame(columns, variables)


_LANGTAG = r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"
_DATATYPE = r"\^\^<[^<>\"{}|^`\\ ]*>"
_LITERAL = re.compile(
    r'^(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')(?:' + _LANGTAG + "|" + _DATATYPE + ")?$",
    re.DOTALL,
)
_BARE = re.compile(r"^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|true|false)$")
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


_SIMPLE_ESCAPES = (('\\"', '"'), ("\\t", "\t"), ("\\n", "\n"), ("\\r", "\r"), ("\\'", "'"))


def unescape_literal(text: str) -> str:
    if "\\" not in text:
        return text
    simple = text.replace("\\\\", "\x00")
    for escaped, char in _SIMPLE_ESCAPES:
        simple = simple.replace(escaped, char)
    if "\\" not in simple and "\x00" not in text:
        return simple.replace("\x00", "\\")

    def one(match: re.Match) -> str:
        if match.group(1) or match.group(2):
            return chr(int(match.group(1) or match.group(2), 16))
        char = match.group(3)
        if char not in _ECHAR:
            raise ValueError(f"bad escape \\{char}")
        return _ECHAR[char]

    return _ESCAPE.sub(one, text)


_NOT_IN_IRI = re.compile(r'[<>"{}|^`\x00-\x20]')
_SUFFIX = re.compile(_LANGTAG + "|" + _DATATYPE)


def _term(cell: str) -> str | None:
    """One TSV cell (an N-Triples-style term) → the value the JSON path gives."""
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        if cell[-1] != ">" or len(cell) < 2:
            raise BadTerm(cell)
        value = cell[1:-1]
        if _NOT_IN_IRI.search(value):
            raise BadTerm(cell)
        return unescape_literal(value) if "\\" in value else value
    if first == '"' or first == "'":
        end = cell.rfind(first)
        if end == 0:
            raise BadTerm(cell)
        if end != len(cell) - 1 and not _SUFFIX.fullmatch(cell, end + 1):
            raise BadTerm(cell)
        value = cell[1:end]
        if first in value:  # an escaped quote inside: check the whole literal
            if not _LITERAL.match(cell):
                raise BadTerm(cell)
        return unescape_literal(value) if "\\" in value else value
    if first == "_" and cell.startswith("_:"):
        return cell
    if _BARE.match(cell):
        return cell
    raise BadTerm(cell)


_IRI_FORBIDDEN = re.compile(r'["{}|^`\x00-\x09\x0b-\x20]')  # besides < > and the \n between


def _iri_column(cells: list[str]) -> list[str | None] | None:
    """A column of IRIs (or unbound cells) converted at C speed; ``None`` for any other."""
    bound = [c for c in cells if c]
    if not bound:
        return [None] * len(cells)
    joined = "\n".join(bound)
    n = len(bound)
    if (
        joined[0] != "<"
        or joined[-1] != ">"
        or joined.count("<") != n
        or joined.count(">") != n
        or joined.count(">\n<") != n - 1
        or "\\" in joined
        or _IRI_FORBIDDEN.search(joined)
    ):
        return None
    values = iter(joined[1:-1].split(">\n<"))
    if n == len(cells):
        return list(values)
    return [next(values) if c else None for c in cells]


def _column(cells: list[str]) -> list[str | None]:
    fast = _iri_column(cells)
    return fast if fast is not None else [_term(c) for c in cells]


def parse_results_tsv(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """Read SPARQL 1.1 TSV results into a DataFrame with the same values as the JSON path.

    TSV cells are N-Triples-style terms (``<iri>``, ``"lit"@lang``, ``"lit"^^<type>``, bare
    numbers and booleans, ``_:b``); an empty cell is unbound. Tabs and newlines inside terms are
    escaped, so rows and cells are split on the raw bytes' text and each column is turned into
    values in one pass. Every row must end with a newline, have one cell per variable, and every
    cell must be a whole term, so an answer cut short (or with an error message appended, as
    oxigraph does when it times out) is refused as truncated.
    """
    if not body.strip():
        raise MalformedResultsError(f"{where}: empty TSV results (no header line)")
    head, _, rest = body.partition(b"\n")
    variables = [v.strip().lstrip("?$") for v in head.decode("utf-8", "replace").split("\t")]
    if any(not re.fullmatch(r"\w+", v) for v in variables):
        raise MalformedResultsError(f"{where}: malformed TSV results (header {head[:80]!r})")
    check_vars(variables, expect, where)
    if rest and not rest.endswith(b"\n"):
        raise TruncatedResultsError(f"{where}: truncated TSV results (a row without end of line)")
    width = len(variables)
    try:
        text = rest.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedResultsError(f"{where}: TSV results that are not UTF-8") from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    rows = text.split("\n")
    rows.pop()  # the empty string after the last end of line
    if not rows:
        return results_frame({v: [] for v in variables}, variables)
    # Tabs inside terms are escaped: every row has exactly one tab fewer than it has cells.
    if text.count("\t") != len(rows) * (width - 1):
        bad = next(i for i, row in enumerate(rows) if row.count("\t") != width - 1)
        raise _tsv_error(where, bad, len(rows), f"{rows[bad].count(chr(9)) + 1} cells")
    cells = rows if width == 1 else "\t".join(rows).split("\t")
    columns = {}
    for k, name in enumerate(variables):
        column = cells[k::width]
        try:
            columns[name] = _column(column)
        except (BadTerm, ValueError):
            bad = next(i for i, cell in enumerate(column) if not _is_term(cell))
            what = f"not an RDF term: {column[bad][:40]!r}"
            raise _tsv_error(where, bad, len(rows), what) from None
    return results_frame(columns, variables)


def _is_term(cell: str) -> bool:
    try:
        _term(cell)
    except (BadTerm, ValueError):
        return False
    return True


def _tsv_error(where: str, row: int, rows: int, what: str) -> MalformedResultsError:
    """A bad last row is a cut answer (a smaller query may do); a bad row before it is not."""
    if row == rows - 1:
        return TruncatedResultsError(f"{where}: truncated TSV results (last row: {what})")
    return MalformedResultsError(f"{where}: malformed TSV results (row {row + 1}: {what})")


def parse_results_csv(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """Read SPARQL 1.1 CSV results: plain values, so an empty cell is read as unbound.

    CSV cannot tell an unbound variable from an empty literal, nor a cut answer from a whole
    one: TSV (the default) is preferred wherever a service offers it.
    """
    try:
        raw = pd.read_csv(
            io.BytesIO(body), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MalformedResultsError(f"{where}: malformed CSV results ({exc})") from exc
    variables = [str(c) for c in raw.columns]
    check_vars(variables, expect, where)
    return results_frame(
        {v: raw[v].astype(object).where(raw[v].notna(), None).to_list() for v in variables},
        variables,
    )


