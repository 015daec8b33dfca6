"""The column-at-a-time TSV reader gives the exact reader's frame, or steps aside.

Random SPARQL TSV answers (IRIs, literals with language tags, datatypes and escapes, numbers,
booleans, blank nodes, unbound cells) are read by :func:`bot.sparql.tsv.plain_tsv_frame` with
both engines and by :func:`bot.sparql.parse_results_tsv`; the frames must be equal. Cut or
malformed answers must make the fast reader return ``None`` (the exact one words the error).
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import MalformedResultsError
from bot.sparql import PARSERS, parse_results_tsv
from bot.sparql.tsv import plain_tsv_frame

ENGINES = ["pandas", "arrow"]

iri_text = st.text(
    alphabet=st.characters(
        blacklist_characters='<>"{}|^`\\', blacklist_categories=("Cc", "Cs", "Zs")
    ),
    max_size=20,
).map(lambda t: "http://example.org/" + t)
literal_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=20
)


def _escape(text: str) -> str:
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\t", "\\t"), ("\n", "\\n")):
        text = text.replace(raw, escaped)
    return text


terms = st.one_of(
    st.just(""),
    iri_text.map(lambda t: f"<{t}>"),
    literal_text.map(lambda t: f'"{_escape(t)}"'),
    st.tuples(literal_text, st.sampled_from(["en", "fr", "zh-Hans", "x-syn001", "de-CH-1901"])).map(
        lambda p: f'"{_escape(p[0])}"@{p[1]}'
    ),
    st.tuples(literal_text, st.sampled_from(["integer", "date"])).map(
        lambda p: f'"{_escape(p[0])}"^^<http://www.w3.org/2001/XMLSchema#{p[1]}>'
    ),
    st.sampled_from(["12", "-3.5", "1e10", "true", "false", "_:b0", "_:node17"]),
)


def body_of(variables: list[str], rows: list[list[str]]) -> bytes:
    lines = ["\t".join("?" + v for v in variables), *("\t".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@st.composite
def answers(draw):
    width = draw(st.integers(1, 4))
    variables = [f"v{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(terms, min_size=width, max_size=width), max_size=30))
    return variables, rows


@settings(max_examples=150, deadline=None)
@given(answers())
def test_same_frame_as_the_exact_reader(answer):
    variables, rows = answer
    body = body_of(variables, rows)
    exact = parse_results_tsv(body, "test")
    for engine in ENGINES:
        fast = plain_tsv_frame(body, engine)
        assert fast is not None, engine
        pd.testing.assert_frame_equal(fast, exact)


@settings(max_examples=80, deadline=None)
@given(answers(), st.data())
def test_cut_answers_are_left_to_the_exact_reader(answer, data):
    variables, rows = answer
    body = body_of(variables, rows)
    cut = data.draw(st.integers(1, max(1, len(body) - 1)))
    piece = body[:cut]
    for engine in ENGINES:
        fast = plain_tsv_frame(piece, engine)
        if fast is None:
            continue
        # Cut at the end of a row: a whole (shorter) answer, read the same by both.
        pd.testing.assert_frame_equal(fast, parse_results_tsv(piece, "test"))


@pytest.mark.parametrize(
    "body",
    [
        b"?a\t?b\n<http://x>\n",  # a row with too few cells
        b"?a\n<http://x\n",  # an IRI without its end
        b'?a\n"unterminated\n',
        b"?a\n'single'\n",  # legal, but left to the exact reader
        b"?a\nnot a term\n",
        b"?a\n<http://x>",  # no end of line: cut
        b"?a b\n<http://x>\n",  # a bad header
    ],
)
def test_unusual_answers_step_aside(body):
    for engine in ENGINES:
        assert plain_tsv_frame(body, engine) is None


def test_the_pipeline_reads_tsv_through_the_fast_reader_and_keeps_its_errors():
    rows = [[f"<http://www.wikidata.org/entity/Q{n}>", f'"T {n}"@en'] for n in range(5000)]
    body = body_of(["item", "title"], rows)
    assert len(body) >= 1 << 16
    frame = PARSERS["tsv"](body, "test", expect=("item",))
    pd.testing.assert_frame_equal(frame, parse_results_tsv(body, "test"))
    with pytest.raises(MalformedResultsError):
        PARSERS["tsv"](body, "test", expect=("site",))
    with pytest.raises(MalformedResultsError):
        PARSERS["tsv"](body[:-40] + b"\n", "test")


def _large_answer(rows: int) -> tuple[list[str], list[list[str]]]:
    """A SYNTHETIC answer big enough for every path of the fast reader.

    Over :data:`bot.sparql.tsv.PARALLEL_BYTES` (read and decoded in row ranges on threads)
    and :data:`bot.sparql.tsv.DICTIONARY_ROWS` (repeated values decoded once each), with
    unbound cells, escaped and quoted titles, datatypes, and a column mixing kinds of terms.
    """
    variables = ["item", "site", "title", "badge", "size"]
    out = []
    for n in range(rows):
        title = 'say \\"hi\\" \\\\ ' if n % 997 == 3 else f"Título {n} — ŋ 漢字"
        out.append(
            [
                f"<http://www.wikidata.org/entity/Q{n // 7 + 1}>",
                f"<https://syn{n % 340:03d}.wikipedia.org/>",
                f'"{title} {n}"@x-syn{n % 340:03d}',
                "<http://www.wikidata.org/entity/Q17437796>" if n % 20 == 0 else "",
                f'"{n}"^^<http://www.w3.org/2001/XMLSchema#integer>' if n % 3 else str(n),
            ]
        )
    return variables, out


def test_a_large_answer_reads_the_same_on_every_path():
    from bot.sparql import tsv as ingest

    variables, rows = _large_answer(60_000)
    body = body_of(variables, rows)
    assert len(body) >= ingest.PARALLEL_BYTES and len(rows) >= ingest.DICTIONARY_ROWS
    exact = parse_results_tsv(body, "test")
    for engine in ENGINES:
        fast = plain_tsv_frame(body, engine)
        assert fast is not None, engine
        pd.testing.assert_frame_equal(fast, exact)
    assert exact["title"].iloc[3] == 'say "hi" \\  3'
    assert exact["badge"].isna().sum() == 57_000 and (exact.dtypes == "str").all()


@pytest.mark.parametrize(
    "row, column, cell",
    [
        (41_234, 0, "<http://www.wikidata.org/entity/Q1 2>"),  # a space in an IRI
        (41_234, 1, "<https://x.wikipedia.org/"),  # an IRI without its end
        (41_234, 2, '"a "quoted" word"@en'),  # quotes not escaped
        (41_234, 2, '"text"@en-'),  # a broken language tag
        (41_234, 4, "12abc"),  # not a term
    ],
)
def test_a_bad_cell_deep_in_a_large_answer_is_found_and_named(row, column, cell):
    variables, rows = _large_answer(60_000)
    rows[row][column] = cell
    body = body_of(variables, rows)
    assert plain_tsv_frame(body, "arrow") is None
    with pytest.raises(MalformedResultsError, match=f"row {row + 1}:"):
        PARSERS["tsv"](body, "test")
