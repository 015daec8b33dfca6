"""Writing a table as CSV, byte for byte as ``DataFrame.to_csv(path, index=False)`` writes it.

A report's ``gaps.csv`` has millions of rows of a few distinct values each: the same items,
labels and wikis again and again. pandas hands every cell to the :mod:`csv` module; here each
distinct value is spelled once by that same module (so the quoting is the one pandas
produces), and Arrow puts the rows together. Only integer and text columns take this way;
a table with any other column (floats, whose spelling pandas decides) is written by pandas.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

ROWS = 1 << 18  # rows put together at once


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write *table* (no index) to *path* as ``table.to_csv(path, index=False)`` would."""
    columns = None
    if len(table.columns) >= 2 and all(_ours(table[c].dtype) for c in table.columns):
        columns = [_column(table[name]) for name in table.columns]  # (a lone empty field is
    if columns is None or any(c is None for c in columns):  # spelled "" by the csv module)
        table.to_csv(path, index=False)
        return
    with open(path, "wb") as handle:
        handle.write(_spelled([str(c) for c in table.columns]).encode("utf-8") + b"\n")
        for at in range(0, len(table), ROWS):
            parts: list = []
            for column in columns:
                parts += [_cells(column, at), ","]
            parts[-1] = "\n"
            rows = pc.binary_join_element_wise(*parts, "")
            offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32, count=len(rows) + 1,
                                    offset=rows.offset * 4)
            handle.write(memoryview(rows.buffers()[2])[offsets[0] : offsets[-1]])


def _spelled(values: list[str]) -> str:
    """A CSV row of *values*, as the :mod:`csv` module (pandas' writer) spells it."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()[:-1]


def _column(values: pd.Series):
    """One column, ready to be spelled a block of rows at a time: an integer array, or
    ``(codes, spelled distinct values)``; None for a column pandas must spell."""
    if pd.api.types.is_integer_dtype(values.dtype):
        return values.to_numpy()
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    distinct = list(distinct)
    if not all(isinstance(v, str) for v in distinct):
        return None
    # Each distinct value as the csv module writes it in a row of several fields (a field
    # of its own, then ",x"); a missing value is pandas' na_rep, the empty string.
    try:
        spelled = pa.array([_spelled([v, "x"])[:-2] for v in distinct] + [""], pa.string())
    except (pa.ArrowException, UnicodeError):
        return None
    return np.where(codes < 0, len(distinct), codes), spelled


def _ours(dtype) -> bool:
    """Whether a column of *dtype* is spelled here: numpy integers, text."""
    if isinstance(dtype, np.dtype):
        return pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_object_dtype(dtype)
    return isinstance(dtype, pd.StringDtype)


def _cells(column, at: int) -> pa.Array:
    if isinstance(column, np.ndarray):
        return pc.cast(pa.array(column[at : at + ROWS]), pa.string())
    codes, spelled = column
    return spelled.take(pa.array(codes[at : at + ROWS]))
