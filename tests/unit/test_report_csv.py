"""The report's CSV writer writes what pandas' ``to_csv(index=False)`` writes, byte for byte."""

import numpy as np
import pandas as pd
import pytest

from bot.report import csvfile

HOSTILE = ["a,b", 'he said "hi"', "line\nbreak", "cr\rhere", "a\r\nb", " lead", "trail ", "",
           None, np.nan, "ünï", "x\ty", "'q'", "=1+2", "\u2028", "e\u0301", "Q42"]


def frames():
    n = len(HOSTILE)
    yield pd.DataFrame({
        "goal": np.arange(n), "label": pd.Series(HOSTILE, dtype=object),
        "wiki": pd.array([v if isinstance(v, str) else None for v in HOSTILE], dtype="str"),
        "rank": -7 * np.arange(n, dtype=np.int32),
    })
    yield pd.DataFrame({"label": pd.Series(["", "a"], dtype=object)})  # one column: pandas
    yield pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["x", "y"]})
    yield pd.DataFrame({"pct": [0.1, 2 / 3], "s": ["x", "y"]})
    yield pd.DataFrame({"a": pd.Series([], dtype="int64"), "b": pd.Series([], dtype=object)})


@pytest.mark.parametrize("frame", list(frames()))
def test_same_bytes_as_pandas(tmp_path, monkeypatch, frame):
    monkeypatch.setattr(csvfile, "ROWS", 4)  # several blocks of rows
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    csvfile.write_csv(frame, tmp_path / "ours.csv")
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
