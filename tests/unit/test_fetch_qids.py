"""Item IRIs become QIDs the same way one at a time (:func:`qid_of`) and a column at a time
(:func:`qids_of`, string kernels over an Arrow-backed column): the same ids, the same refusals."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import MalformedResultsError
from bot.ids import ENTITY
from bot.sources.endpoint import qid_of, qids_of

tails = st.one_of(
    st.integers(1, 10**12).map(lambda n: f"Q{n}"),
    st.text(max_size=12),  # anything: "P31", "Q", "Q4a", "Q²", "", …
)
values = st.one_of(
    tails.map(lambda t: ENTITY + t),
    st.text(max_size=40),
    st.just(None),
)


def _one_at_a_time(cells: list) -> list[str] | None:
    try:
        return [qid_of(c) for c in cells]
    except MalformedResultsError:
        return None


@settings(max_examples=300, deadline=None)
@given(st.lists(values, min_size=1, max_size=8))
def test_a_column_at_a_time_agrees_with_one_at_a_time(cells):
    column = pd.Series(cells, dtype="str")
    expected = _one_at_a_time([c if isinstance(c, str) else None for c in column.tolist()])
    if expected is None:
        with pytest.raises(MalformedResultsError, match="expected a Wikidata item IRI"):
            qids_of(column)
    else:
        assert qids_of(column).tolist() == expected


def test_the_error_names_the_first_bad_value():
    column = pd.Series([ENTITY + "Q1", ENTITY + "P31", "x"], dtype="str")
    with pytest.raises(MalformedResultsError, match="P31"):
        qids_of(column)


qid_texts = st.one_of(
    st.integers(1, 10**15).map(lambda n: f"Q{n}"),
    st.sampled_from(["Q0", "Q01", "Q١٢", "Q-5", "Q+5", "q5", "Q 5", "Q5 ", "Q", "Q²", "Q1e3"]),
    st.text(max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(qid_texts, min_size=1, max_size=8))
def test_a_column_of_qids_follows_the_one_rule(texts):
    """bot.facts.qid_numbers (a column at a time, as the file readers and engines use it)
    accepts exactly what bot.ids.is_qid accepts, and gives each QID's number."""
    from bot.errors import InvalidQidError
    from bot.facts import qid_numbers
    from bot.ids import is_qid

    if all(is_qid(t) for t in texts):
        assert qid_numbers(texts).tolist() == [int(t[1:]) for t in texts]
    else:
        with pytest.raises(InvalidQidError, match="not a Wikidata item id"):
            qid_numbers(texts)
