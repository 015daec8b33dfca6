"""The HTTP endpoint's readers and settings, with no server: the TSV reader turns
N-Triples-style terms into plain values (any literal as JSON would give it) and refuses
anything cut short or malformed; the cache's max age; the User-Agent. Against a real
``oxigraph serve``: tests/integration/test_sparql_http.py.
"""

from __future__ import annotations

import json

import pandas as pd
import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cache import QueryCache, parse_age
from bot.errors import MalformedResultsError, UsageError
from bot.sparql import (
    DEFAULT_CONTACT,
    TruncatedResultsError,
    parse_results_json,
    parse_results_tsv,
    user_agent,
)


def _lists(frame: pd.DataFrame) -> dict[str, list]:
    """A results frame's columns as lists, an unbound (missing) cell as ``None``."""
    return {c: [v if isinstance(v, str) else None for v in frame[c]] for c in frame.columns}


# --- the TSV reader ------------------------------------------------------------------------


def test_tsv_terms():
    body = (
        b"?a\t?b\n"
        b'<http://x/1>\t"plain"\n'
        b'_:b0\t"chat"@fr\n'
        b'\t"5"^^<http://www.w3.org/2001/XMLSchema#integer>\n'
        b"<http://x/\\u00E9>\t'single'\n"
        b'<http://x/2>\t"\\u00e9\\U0001D11E\\\\n"\n'
        b"<http://x/3>\t-1.5e3\n"
        b"<http://x/4>\tfalse\n"
    )
    frame = parse_results_tsv(body, "t")
    assert _lists(frame) == {
        "a": ["http://x/1", "_:b0", None, "http://x/é", "http://x/2", "http://x/3", "http://x/4"],
        "b": ["plain", "chat", "5", "single", "é𝄞\\n", "-1.5e3", "false"],
    }


def test_tsv_single_column_with_unbound_rows_and_crlf():
    frame = parse_results_tsv(b"?a\r\n<http://x/1>\r\n\r\n<http://x/2>\r\n", "t")
    assert _lists(frame) == {"a": ["http://x/1", None, "http://x/2"]}


def test_tsv_no_rows():
    frame = parse_results_tsv(b"?item\n", "t", expect=("item",))
    assert list(frame.columns) == ["item"] and len(frame) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"?a\n<http://x/1>\n<http://x/2",  # cut in the last row
        b"?a\n<http://x/1>\nThe SPARQL operation has been cancelled",
        b"?a\n<http://x/1>\nThe SPARQL operation has been cancelled\n",
        b'?a\n"unterminated\n',
        b'?a\n"bad"@\n',
        b"?a\n<http://x/has space>\n",
        b"?a\t?b\n<http://x/1>\n",  # a cell missing
        b"?a\n<http://x/1>\t<http://x/2>\n",  # a cell too many
        b'?a\n"bad escape \\q"\n',
    ],
)
def test_tsv_refuses_what_is_cut_or_malformed(body):
    with pytest.raises(TruncatedResultsError):
        parse_results_tsv(body, "t")


@pytest.mark.parametrize(
    "body",
    [
        b"?a\nnot-a-term\n<http://x/2>\n",
        b"?a\t?b\n<http://x/1>\n<http://x/2>\t<http://x/3>\n",
    ],
)
def test_tsv_a_bad_row_before_the_last_is_malformed_not_cut(body):
    """A format the reader does not know must not pass for a time-out (and be partitioned)."""
    with pytest.raises(MalformedResultsError) as caught:
        parse_results_tsv(body, "t")
    assert not isinstance(caught.value, TruncatedResultsError)
    assert "row 1" in str(caught.value)


def test_tsv_header_must_name_the_variables():
    with pytest.raises(MalformedResultsError, match="lack the variable"):
        parse_results_tsv(b"?x\n<http://x/1>\n", "t", expect=("item",))
    with pytest.raises(MalformedResultsError):
        parse_results_tsv(b"", "t")


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=20),
    lang=st.sampled_from([None, "en", "fr", "zh-Hant", "de-CH-1996"]),
)
def test_any_literal_survives_tsv_as_json_gives_it(texts, lang):
    """N-Triples forms as pyoxigraph writes them, read back to the JSON path's values."""
    texts = [t.replace("\x00", "") for t in texts]
    literals = [pyoxigraph.Literal(t, language=lang) if lang else pyoxigraph.Literal(t)
                for t in texts]  # fmt: skip
    iris = [pyoxigraph.NamedNode(f"http://www.wikidata.org/entity/Q{i}") for i in range(len(texts))]
    body = "?item\t?label\n" + "".join(
        f"{i}\t{lit}\n" for i, lit in zip(iris, literals, strict=True)
    )
    frame = parse_results_tsv(body.encode("utf-8"), "t")
    document = {
        "head": {"vars": ["item", "label"]},
        "results": {
            "bindings": [
                {"item": {"type": "uri", "value": i.value},
                 "label": {"type": "literal", "value": lit.value}}
                for i, lit in zip(iris, literals, strict=True)
            ]
        },
    }  # fmt: skip
    expected = parse_results_json(json.dumps(document).encode(), "j")
    pd.testing.assert_frame_equal(frame, expected)
    assert frame["label"].to_list() == texts


def test_max_age_parsing():
    assert parse_age("90") == 90 and parse_age("30m") == 1800
    assert parse_age("6h") == 21_600 and parse_age("1d") == 86_400 and parse_age("0") == 0
    with pytest.raises(UsageError):
        parse_age("soon")


def test_a_max_age_of_zero_turns_the_cache_off(tmp_path):
    cache = QueryCache(tmp_path, max_age=0)
    cache.put("http://x/sparql", "SELECT * {}", b"?a\n", "text/tab-separated-values")
    assert cache.get("http://x/sparql", "SELECT * {}") is None
    assert not any(tmp_path.iterdir())


def test_the_user_agent_names_the_tool_and_a_contact():
    assert user_agent("ops@example.org").startswith("sdg-gaps/")
    assert "(ops@example.org)" in user_agent("ops@example.org")
    assert DEFAULT_CONTACT in user_agent(None)
