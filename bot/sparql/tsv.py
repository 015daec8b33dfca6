"""Large SPARQL TSV answers into the pipeline's DataFrame, a column at a time.

:func:`bot.sparql.results.parse_results_tsv` is the exact reader: it checks every cell and
names the row of a cut or malformed answer. For answers of millions of rows that per-cell work
dominates, so :func:`plain_tsv_frame` reads the same bytes with a C CSV reader (pyarrow's when
installed, else pandas') and decodes each column as a whole (:func:`_decode_column`): the quotes
of a column of literals and the brackets of a column of IRIs are found with numpy over the column's
bytes, and the values are copied out of those bytes by Arrow — once per *distinct* value when a
long column repeats (an item or a wiki is on many rows). The values never become Python objects:
the Arrow arrays are the frame's ``str`` columns (:func:`bot.sparql.results.results_frame`).
Rare cells (escapes, a mix of kinds of terms) go through a regular expression.

It gives exactly the exact reader's frame, or ``None`` when the answer is anything but plain
(cut, malformed, single-quoted literals, escapes in IRIs, carriage returns): the exact reader
then decides and words the error.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from bot.sparql.results import (  # the one rule for escapes: the exact reader's
    check_vars,
    parse_results_tsv,
    results_frame,
    unescape_literal,
)

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


def _decode_python(values: np.ndarray) -> np.ndarray | None:
    """Decode distinct cells (object array of str) with Python's re; ``None`` if one is bad."""
    out = np.empty(len(values), dtype=object)
    for i, cell in enumerate(values.tolist()):
        match = _TERM.match(cell)
        if match is None:
            return None
        iri, literal, bare = match.groups()
        if iri is not None:
            out[i] = iri
        elif literal is not None:
            out[i] = unescape_literal(literal) if "\\" in literal else literal
        elif bare is not None:
            out[i] = bare
        else:
            out[i] = None
    return out


SUFFIX = re.compile(r"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^<[^<>\"{}|^`\\ ]*>)?")


PARALLEL_BYTES = 4 << 20  # from this size on, an answer is read and decoded with threads
# From this many rows on, a column whose values repeat is decoded once per distinct value
# (for fewer, hashing them costs more than it saves).
DICTIONARY_ROWS = 1 << 14
_SUFFIXES: set[str] = set()  # language tags and datatypes already checked against SUFFIX


def _patched(values, rows: np.ndarray, replacements) -> object:
    """*values* (an Arrow string array) with the cells at *rows* replaced, in order.

    The replacements go after the others and one take puts them in their rows (cheaper than
    Arrow's replace_with_mask).
    """
    import pyarrow as pa

    if not len(rows):
        return values
    picks = np.arange(len(values))
    picks[rows] = len(values) + np.arange(len(rows))
    extra = pa.array(list(replacements), pa.string())
    return pa.concat_arrays([values, extra]).take(pa.array(picks))


def _layout(values) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow string array's offsets and bytes as numpy arrays (no copy)."""
    n = len(values)
    offsets = np.frombuffer(values.buffers()[1], np.int32, count=n + 1, offset=values.offset * 4)
    data = values.buffers()[2]
    return offsets, (np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8))


def _views(values, cuts: np.ndarray, valid: np.ndarray | None = None):
    """Cells of *values*' own bytes between *cuts* (ascending), every other one, copied out.

    Cell ``k`` of the result is the bytes from ``cuts[2k]`` to ``cuts[2k + 1]``; *valid* (one
    flag per result cell) makes the others missing.
    """
    import pyarrow as pa

    count = len(cuts) - 1
    bitmap = None
    if valid is not None and not valid.all():
        flags = np.ones(count, dtype=bool)
        flags[0::2] = valid
        bitmap = pa.py_buffer(np.packbits(flags, bitorder="little"))
    view = pa.StringArray.from_buffers(count, pa.py_buffer(cuts), values.buffers()[2], bitmap)
    return view.take(pa.array(np.arange(0, count, 2)))


def _decode_literals(values, backslash: bool = True):
    """A column of double-quoted literals (titles, labels), cut at its quotes.

    The quotes of the whole column are found in one numpy pass over its bytes; a plain cell is
    its opening quote, its text, its closing quote (the last quote) and a suffix (a language
    tag or a datatype; the suffixes are few and checked once each). Texts and suffixes are
    copied out of the column's own bytes by Arrow (no Python object per cell). Cells with a
    backslash or more quotes (rare) are checked and unescaped one by one, so the result is the
    exact reader's. *backslash*: whether the answer has one at all (cheap to ask of its bytes).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    offsets, data = _layout(values)
    text = data[offsets[0] : offsets[-1]]
    if backslash:  # quotes and backslashes in one pass, told apart after
        marks = np.flatnonzero((text == 0x22) | (text == 0x5C)) + offsets[0]
        is_quote = data[marks] == 0x22
        quotes, slashes = marks[is_quote], marks[~is_quote]
    else:
        quotes, slashes = np.flatnonzero(text == 0x22) + offsets[0], None
    # The cells all start with a quote (checked by the caller): count each cell's quotes.
    bounds = np.searchsorted(quotes, offsets)  # the first quote of each cell (and the end)
    count = np.diff(bounds)
    if n and count.min() < 2:  # a cell without its closing quote
        return None
    last = quotes[bounds[1:] - 1].astype(np.int32)
    odd = count > 2
    if slashes is not None and len(slashes):
        odd[np.searchsorted(offsets, slashes, side="right") - 1] = True
    cuts = np.empty(2 * n + 1, dtype=np.int32)
    cuts[0:-1:2], cuts[1::2], cuts[-1] = offsets[:-1], last + 1, offsets[-1]
    suffixes = _views(values, np.concatenate([cuts[1:], cuts[-1:]]))  # [last + 1, next cell)
    unseen = [x for x in pc.unique(suffixes).to_pylist() if x not in _SUFFIXES]
    bad = [x for x in unseen if not SUFFIX.fullmatch(x)]
    if len(_SUFFIXES) > 100_000:  # a bound on what is remembered
        _SUFFIXES.clear()
    _SUFFIXES.update(x for x in unseen if x not in bad)
    if bad:  # only an odd cell (checked one by one below) may end in something else
        where = pc.is_in(suffixes, value_set=pa.array(bad, pa.string()))
        if np.any(where.to_numpy(zero_copy_only=False) & ~odd):
            return None
    cuts[0:-1:2], cuts[1::2] = offsets[:-1] + 1, last  # [opening quote + 1, last quote)
    unusual = np.flatnonzero(odd)
    if not len(unusual):
        return _views(values, cuts)
    cells = values.take(unusual).to_numpy(zero_copy_only=False)
    decoded = _decode_python(np.asarray(cells, dtype=object))
    if decoded is None:
        return None
    return _patched(_views(values, cuts), unusual, decoded)


# Bytes an IRI may hold as SPARQL TSV writes it: all but controls, space and <>"{}|^`\ .
_IRI_BYTES = bytes(b for b in range(0x21, 0x100) if b not in b'<>"{}|^`\\')


def _decode_iris(values):
    """A column of IRIs and unbound cells, checked and cut out of its bytes with numpy.

    Every bound cell starts with ``<`` (checked by the caller) and must end with ``>``, and
    those brackets must be the only bytes of the column that an IRI may not hold (so an escape,
    a space or a quote anywhere sends the answer to the exact reader).
    """
    offsets, data = _layout(values)
    starts, ends = offsets[:-1], offsets[1:]
    bound = ends > starts
    ones = int(np.count_nonzero(bound))
    if ones:
        if not (data[ends[bound] - 1] == 0x3E).all():
            return None
        # What is left of the bytes without those an IRI may hold: only the brackets, in
        # pairs (bytes.translate is one C loop, much cheaper than a lookup table in numpy).
        others = data[offsets[0] : offsets[-1]].tobytes().translate(None, _IRI_BYTES)
        if others != b"<>" * ones:
            return None
    cuts = np.empty(2 * len(starts) + 1, dtype=np.int32)
    cuts[0:-1:2] = np.where(bound, starts + 1, starts)
    cuts[1::2] = np.where(bound, ends - 1, starts)
    cuts[-1] = offsets[-1]
    return _views(values, cuts, bound)


def _decode_arrow(values):
    """Decode cells of any kind with Arrow's compute functions (RE2); ``None`` for a non-term.

    For columns that mix kinds of terms (numbers, blank nodes, IRIs, literals): the common
    columns of one kind are cut out of their bytes by the decoders above.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

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
    escaped = np.flatnonzero(
        pc.and_(pc.equal(first, '"'), pc.match_substring(literal, "\\")).to_numpy(
            zero_copy_only=False
        )
    )
    texts = value.take(escaped).to_pylist()
    return _patched(value, escaped, [unescape_literal(t) for t in texts])


def _decode_column(column, backslash: bool = True):
    """One column of TSV cells → its values (an Arrow string array), or ``None``.

    Literals (titles, labels: mostly distinct) are cut at their quotes. A long column whose
    values repeat (items, sites, badges) is decoded once per distinct value and spread back by
    index; IRIs are cut at their brackets; anything else goes through the regular expression.
    """
    import pyarrow.compute as pc

    if not len(column):
        return column
    offsets, data = _layout(column)
    firsts = data[offsets[:-1][offsets[1:] > offsets[:-1]]]
    if len(firsts) == len(column) and (firsts == 0x22).all():
        return _decode_literals(column, backslash)
    sample = column.slice(0, 4096)
    if len(column) >= DICTIONARY_ROWS and pc.count_distinct(sample).as_py() * 2 <= len(sample):
        encoded = column.dictionary_encode()  # its dictionary is distinct: no second round
        decoded = _decode_column(encoded.dictionary, backslash)
        return None if decoded is None else decoded.take(encoded.indices)
    if (firsts == 0x3C).all():
        return _decode_iris(column)
    return _decode_arrow(column)


def _read_arrow(rest, variables: list[str], backslash: bool = True):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    large = len(rest) >= PARALLEL_BYTES
    table = pcsv.read_csv(
        pa.BufferReader(rest),
        # Blocks of a quarter of the answer (64 kB to 1 MB): a small answer is read by two
        # threads too, without waiting for a block size it never fills.
        read_options=pcsv.ReadOptions(
            column_names=variables,
            use_threads=True,
            block_size=min(max(len(rest) // 4, 1 << 16), 1 << 20),
        ),
        parse_options=pcsv.ParseOptions(
            delimiter="\t", quote_char=False, escape_char=False, ignore_empty_lines=False
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={v: pa.string() for v in variables},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )

    workers = os.cpu_count() or 1
    rows = table.num_rows
    if not large or workers < 2:
        decoded = [_decode_column(table.column(v).combine_chunks(), backslash) for v in variables]
        if any(d is None for d in decoded):
            return None
        return dict(zip(variables, decoded, strict=True))
    # numpy's and Arrow's kernels release the GIL: a large answer is decoded in pieces (each
    # column cut into row ranges, so that a long column of titles does not leave a core
    # idle), side by side; a column's pieces become the chunks of its array.
    ranges = [(rows * k // workers, rows * (k + 1) // workers) for k in range(workers)]
    pieces = [(v, lo, hi) for v in variables for lo, hi in ranges if hi > lo]

    def one(piece):
        name, lo, hi = piece
        return _decode_column(table.column(name).slice(lo, hi - lo).combine_chunks(), backslash)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        decoded = list(pool.map(one, pieces))
    if any(d is None for d in decoded):
        return None
    chunks: dict[str, list] = {v: [] for v in variables}
    for (name, _, _), d in zip(pieces, decoded, strict=True):
        chunks[name].append(d)
    return {v: pa.chunked_array(chunks[v]) for v in variables}


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
        return results_frame({v: [] for v in variables}, variables)
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
        if engine == "arrow":
            columns = _read_arrow(rest, variables, backslash=b"\\" in body)
        else:
            columns = _read_pandas(rest, variables)
    except (ValueError, TypeError, pd.errors.ParserError):  # ArrowInvalid is a ValueError
        return None
    if columns is None or len({len(c) for c in columns.values()}) > 1:
        return None
    return results_frame(columns, variables)


def parse_results_tsv_fast(body: bytes, where: str, expect: Sequence[str] = ()) -> pd.DataFrame:
    """:func:`parse_results_tsv`'s frame: a large plain answer read by :func:`plain_tsv_frame`,
    anything else (small, cut, malformed, unusual) by the exact reader, which words the errors.
    """
    if len(body) >= 1 << 16:
        frame = plain_tsv_frame(body)
        if frame is not None:
            check_vars(list(frame.columns), expect, where)
            return frame
    return parse_results_tsv(body, where, expect)
