"""Large SPARQL TSV answers into the pipeline's DataFrame, a column at a time.

:func:`bot.sparql.parse_results_tsv` is the exact reader: it checks every cell and names the row
of a cut or malformed answer. For answers of millions of rows that per-cell work dominates, so
:func:`plain_tsv_frame` reads the same bytes with a C CSV reader (pyarrow's when installed,
else pandas') and decodes each column with one regular expression over its *distinct* values
(an item or a wiki repeats on many rows). It gives exactly the exact reader's frame — object
columns, IRIs without brackets, literals' lexical forms, ``None`` for unbound — or ``None`` when
the answer is anything but plain (a cut or malformed answer, single-quoted literals, escapes in
IRIs, carriage returns), and the exact reader then decides and words the error.
"""

from __future__ import annotations

import io
import os
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

# One RDF term as SPARQL TSV writes it, or nothing (unbound). Group 1: an IRI's text; 2: a
# double-quoted literal's text (escapes still in); 3: a blank node, number or boolean as is.
TERM = (
    r'^(?:<([^\x00-\x20<>"{}|^`\\]*)>'
    r'|"((?:[^"\\]|\\.)*)"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>"{}|^`\\ ]*>)?'
    r"|(_:\S+|[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|true|false)"
    r"|)$"
)
_TERM = re.compile(TERM, re.DOTALL)
_VARIABLE = re.compile(r"\w+")


def _unescaper():
    from bot.sparql import _unescape  # the one rule for escapes, in the exact reader

    return _unescape


def _decode_python(values: np.ndarray) -> np.ndarray | None:
    """Decode distinct cells (object array of str) with Python's re; ``None`` if one is bad."""
    out = np.empty(len(values), dtype=object)
    unescape = _unescaper()
    for i, cell in enumerate(values.tolist()):
        match = _TERM.match(cell)
        if match is None:
            return None
        iri, literal, bare = match.groups()
        if iri is not None:
            out[i] = iri
        elif literal is not None:
            out[i] = unescape(literal) if "\\" in literal else literal
        elif bare is not None:
            out[i] = bare
        else:
            out[i] = None
    return out


IRIS = r'^<[^\x00-\x20<>"{}|^`\\]*>$'
SUFFIX = re.compile(r"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>\"{}|^`\\ ]*>)?")


PARALLEL_BYTES = 4 << 20  # from this size on, an answer is read and decoded with threads
_SUFFIXES: set[str] = set()  # language tags and datatypes already checked against SUFFIX


def _cells_with(values, byte: int) -> np.ndarray:
    """Rows of a string array (no nulls) whose text holds *byte* (an ASCII byte), ascending.

    One pass of numpy over the array's data buffer, then the rows of the hits by its offsets:
    much cheaper than a string kernel per cell when the byte is rare.
    """
    n = len(values)
    offsets = np.frombuffer(values.buffers()[1], np.int32, count=n + 1, offset=values.offset * 4)
    data = values.buffers()[2]
    if n == 0 or data is None or offsets[-1] == offsets[0]:
        return np.empty(0, dtype=np.intp)
    hits = np.flatnonzero(np.frombuffer(data, np.uint8)[offsets[0] : offsets[-1]] == byte)
    if not len(hits):
        return hits
    return np.unique(np.searchsorted(offsets, hits + offsets[0], side="right") - 1)


def _decode_literals(values) -> np.ndarray | None:
    """A column of double-quoted literals (titles, labels), split at its quotes.

    A plain cell splits into nothing, its text and its suffix (a language tag or a datatype;
    the suffixes are few and checked once each). Cells with a backslash or more quotes (rare)
    are checked and unescaped one by one, so the result is the exact reader's.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.split_pattern(values, '"')
    pieces = pc.list_value_length(parts).to_numpy(zero_copy_only=False)
    if len(pieces) and pieces.min() < 3:  # a cell without its closing quote
        return None
    odd = pieces > 3
    odd[_cells_with(values, 0x5C)] = True  # a backslash
    suffixes = pc.list_element(parts, 2)
    unseen = [x for x in pc.unique(suffixes).to_pylist() if x not in _SUFFIXES]
    bad = [x for x in unseen if not SUFFIX.fullmatch(x)]
    if len(_SUFFIXES) > 100_000:  # a bound on what is remembered
        _SUFFIXES.clear()
    _SUFFIXES.update(x for x in unseen if x not in bad)
    if bad:  # only an odd cell (checked one by one below) may split into something else
        where = pc.is_in(suffixes, value_set=pa.array(bad, pa.string()))
        if np.any(where.to_numpy(zero_copy_only=False) & ~odd):
            return None
    out = pc.list_element(parts, 1).to_numpy(zero_copy_only=False)
    unusual = np.flatnonzero(odd)
    if len(unusual):
        cells = values.take(unusual).to_numpy(zero_copy_only=False)
        decoded = _decode_python(np.asarray(cells, dtype=object))
        if decoded is None:
            return None
        out[unusual] = decoded
    return out


def _decode_iris(values) -> np.ndarray | None:
    """A column of IRIs and unbound cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    bound = pc.not_equal(values, "")
    iris = values.filter(bound)
    if len(iris) and not pc.all(pc.match_substring_regex(iris, IRIS)).as_py():
        return None
    text = pc.utf8_slice_codeunits(values, 1, -1)
    return pc.if_else(bound, text, pa.scalar(None, pa.string())).to_numpy(zero_copy_only=False)


def _decode_arrow(values) -> np.ndarray | None:
    """Decode cells with Arrow's compute functions (RE2); ``None`` if one is not a term."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(values) and pc.all(pc.starts_with(values, '"')).as_py():
        return _decode_literals(values)
    if len(values) and pc.all(pc.or_(pc.starts_with(values, "<"), pc.equal(values, ""))).as_py():
        return _decode_iris(values)
    parts = pc.extract_regex(
        values,
        TERM.replace("(?:<(", "(?:<(?P<iri>")
        .replace('|"((?:', '|"(?P<lit>(?:')
        .replace("|(_:", "|(?P<bare>_:"),
    )
    if parts.null_count:
        return None
    iri, literal, bare = (parts.field(name) for name in ("iri", "lit", "bare"))
    # extract_regex gives "" for a group that did not take part: tell them apart by the cell.
    first = pc.utf8_slice_codeunits(values, 0, 1)
    value = pc.if_else(
        pc.equal(first, "<"),
        iri,
        pc.if_else(pc.equal(first, '"'), literal, bare),
    )
    value = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), value)
    out = value.to_numpy(zero_copy_only=False)
    escaped = np.flatnonzero(
        pc.and_(pc.equal(first, '"'), pc.match_substring(literal, "\\")).to_numpy(
            zero_copy_only=False
        )
    )
    unescape = _unescaper()
    for i in escaped.tolist():
        out[i] = unescape(out[i])
    return out


def _read_arrow(rest, variables: list[str]):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    large = len(rest) >= PARALLEL_BYTES
    table = pcsv.read_csv(
        pa.BufferReader(rest),
        read_options=pcsv.ReadOptions(column_names=variables, use_threads=large),
        parse_options=pcsv.ParseOptions(
            delimiter="\t", quote_char=False, escape_char=False, ignore_empty_lines=False
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={v: pa.string() for v in variables},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )

    def one(name: str) -> np.ndarray | None:
        column = table.column(name).combine_chunks()
        if len(column) and pc.all(pc.starts_with(column, '"')).as_py():
            return _decode_literals(column)  # titles, labels: mostly distinct, no hashing
        sample = column.slice(0, 4096)
        if len(sample) and pc.count_distinct(sample).as_py() * 2 > len(sample):
            return _decode_arrow(column)  # mostly distinct values: no hashing
        encoded = column.dictionary_encode()
        decoded = _decode_arrow(encoded.dictionary)
        if decoded is None:
            return None
        return decoded[encoded.indices.to_numpy(zero_copy_only=False)]

    workers = min(len(variables), os.cpu_count() or 1)
    if large and workers > 1:
        # Arrow's kernels release the GIL: the columns of a large answer are decoded side by
        # side (for a small one, starting the threads costs more than they save).
        with ThreadPoolExecutor(max_workers=workers) as pool:
            decoded = list(pool.map(one, variables))
    else:
        decoded = [one(name) for name in variables]
    if any(d is None for d in decoded):
        return None
    return dict(zip(variables, decoded, strict=True))


def _read_pandas(rest: bytes, variables: list[str]):
    import csv

    raw = pd.read_csv(
        io.BytesIO(rest),
        sep="\t",
        header=None,
        names=variables,
        quoting=csv.QUOTE_NONE,
        dtype=object,
        na_filter=False,
        skip_blank_lines=False,
        engine="c",
    )
    if raw.isna().to_numpy().any():  # a row with too few cells
        return None
    columns = {}
    for name in variables:
        codes, uniques = pd.factorize(raw[name].to_numpy(dtype=object))
        decoded = _decode_python(np.asarray(uniques, dtype=object))
        if decoded is None:
            return None
        columns[name] = decoded[codes]
    return columns


def plain_tsv_frame(body: bytes, engine: str = "auto") -> pd.DataFrame | None:
    """The exact TSV reader's frame for a plain answer, or ``None`` (then ask the exact one).

    *engine*: ``arrow`` (pyarrow's CSV reader and RE2), ``pandas`` (pandas' C reader and
    Python's re over distinct values) or ``auto`` (arrow when pyarrow is installed).
    """
    if not body.endswith(b"\n") or b"\r" in body:
        return None
    head = body[: body.index(b"\n")]
    variables = [v.strip().lstrip("?$") for v in head.decode("utf-8", "replace").split("\t")]
    if any(not _VARIABLE.fullmatch(v) for v in variables) or len(set(variables)) < len(variables):
        return None
    if len(head) + 1 == len(body):
        return pd.DataFrame({v: pd.Series(dtype=object) for v in variables})
    if engine == "auto":
        try:
            import pyarrow.csv  # noqa: F401

            engine = "arrow"
        except ImportError:
            engine = "pandas"
    if engine == "arrow":
        import pyarrow as pa

        rest = pa.py_buffer(body).slice(len(head) + 1)  # no copy
    else:
        rest = body[len(head) + 1 :]
        # pandas' reader pads a short row and may skip a blank one: count the cells first.
        rows = rest.count(b"\n")
        if rest.count(b"\t") != rows * (len(variables) - 1):
            return None
        if len(variables) > 1 and (rest.startswith(b"\n") or b"\n\n" in rest):
            return None
        try:
            rest.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:  # Arrow's reader refuses a row with a wrong number of cells, and bad UTF-8
        columns = (_read_arrow if engine == "arrow" else _read_pandas)(rest, variables)
    except (ValueError, TypeError, pd.errors.ParserError):  # ArrowInvalid is a ValueError
        return None
    if columns is None or len({len(c) for c in columns.values()}) > 1:
        return None
    return pd.DataFrame(columns, columns=variables, dtype=object, copy=False)
