"""Partitioned selections, in process: the generated SPARQL (golden), the ranges (properties),
splitting again and again down to single ids, and partitioned equal to unpartitioned on the
embedded store. Against a real ``oxigraph serve``: tests/integration/test_partitioning_http.py.
"""

from __future__ import annotations

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import ConfigError
from bot.sources.partition import ITEM_KEY, Part, SelectionShape, select_partitioned
from bot.sparql import EmbeddedEndpoint
from tests.golden import check_golden

W = "http://www.wikidata.org/entity/"

THREATENED = """# Threatened species (a catalogue-style selection)
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT DISTINCT ?item WHERE {
  # critically endangered, endangered, vulnerable
  VALUES ?status { wd:Q219127 wd:Q11394 wd:Q278113 }
  ?item wdt:P141 ?status .
}
"""

TRICKY = """PREFIX schema: <http://schema.org/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
# a comment with a brace } and the word LIMIT 5
SELECT ?item WHERE {
  ?item wdt:P31 ?class .
  OPTIONAL { ?article schema:about ?item ; schema:name "a } brace \\" LIMIT 9" . }
  FILTER(?class != <http://example.org/#brace>)
}
ORDER BY ?item
VALUES ?class { <http://www.wikidata.org/entity/Q5> }
"""

ALIASED = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT (?work AS ?item) WHERE {
  ?work wdt:P921 ?topic .
}
"""

CASES = {
    "threatened-Q1000-Q1999.rq": lambda: SelectionShape.of(THREATENED).query_for(Part(1000, 2000)),
    "threatened-below-Q16384-limit.rq": lambda: SelectionShape.of(THREATENED).query_for(
        Part(None, 16384), limit=25000
    ),
    "threatened-from-Q268435456.rq": lambda: SelectionShape.of(THREATENED).query_for(
        Part(2**28, None)
    ),
    "threatened-whole-limit.rq": lambda: SelectionShape.of(THREATENED).query_for(
        Part(), limit=25000
    ),
    "tricky-Q5-Q9-limit.rq": lambda: SelectionShape.of(TRICKY).query_for(Part(5, 10), limit=100),
    "aliased-Q1-Q99-limit.rq": lambda: SelectionShape.of(ALIASED).query_for(
        Part(1, 100), limit=100
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_partition_query_matches_golden(name):
    """The exact text sent for a part. Regenerate with SDG_GAPS_UPDATE_GOLDEN=1 (the test then
    fails, saying what it wrote) and review."""
    text = CASES[name]()
    check_golden(f"partition/{name}", text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_partition_queries_are_valid_portable_sparql(name):
    text = CASES[name]()
    pyoxigraph.Store().query(text)  # parses (and runs on an empty store)
    assert "SERVICE" not in text.upper() and "hint:" not in text
    assert ITEM_KEY in text or "partition" not in text


def test_the_whole_selection_is_sent_as_written():
    assert SelectionShape.of(THREATENED).query_for(Part()) == THREATENED


def test_shape_of_a_query_with_its_own_limit():
    assert SelectionShape.of(THREATENED.rstrip() + "\nLIMIT 10\n").limited
    assert not SelectionShape.of(TRICKY).limited  # LIMIT in a comment and a string only


@pytest.mark.parametrize("text", ["ASK { ?s ?p ?o }", "SELECT ?item WHERE { ?item ?p ?o "])
def test_not_a_selection(text):
    with pytest.raises(ConfigError):
        SelectionShape.of(text)


# --- the ranges ----------------------------------------------------------------------------


def covered(part: Part, key: int) -> bool:
    return (part.lo is None or key >= part.lo) and (part.hi is None or key < part.hi)


bounds = st.one_of(st.none(), st.integers(min_value=0, max_value=10**6))


@settings(max_examples=300, deadline=None)
@given(lo=bounds, span=st.integers(min_value=1, max_value=10**6), fanout=st.integers(2, 20),
       top=st.integers(1, 2**20), open_top=st.booleans(), keys=st.lists(
           st.integers(min_value=-1, max_value=3 * 10**6), max_size=40))  # fmt: skip
def test_a_split_covers_its_part_exactly_once(lo, span, fanout, top, open_top, keys):
    hi = None if open_top else (0 if lo is None else lo) + span
    part = Part(lo, hi)
    children = part.split(fanout, top)
    for key in keys:
        inside = covered(part, key)
        assert sum(covered(child, key) for child in children) == (inside if children else 0)
    for child in children:
        assert child != part
        assert child.hi is None or child.lo is None or child.hi > child.lo
    if hi is not None and hi - (0 if lo is None else lo) <= 1:
        assert children == []  # one id: cannot be split
    elif hi is not None:
        assert 2 <= len(children) <= fanout


def test_splitting_again_and_again_ends_in_single_ids():
    parts, done = [Part()], []
    while parts:
        part = parts.pop()
        children = part.split(8, 4096)
        if children:
            parts.extend(c for c in children if c.hi is None or c.hi <= 4096 or c.lo is None)
            parts = [p for p in parts if not (p.lo is not None and p.lo >= 4096)]
        else:
            done.append(part)
    keys = [k for p in done for k in range(0 if p.lo is None else p.lo, p.hi)]
    assert sorted(keys) == list(range(4096)) and len(done) == 4096


MIXED = """
<http://www.wikidata.org/entity/Q1> <http://ex/p> "a" .
<http://www.wikidata.org/entity/Q17> <http://ex/p> "b" .
<http://www.wikidata.org/entity/Q17> <http://ex/p> "b2" .
<http://www.wikidata.org/entity/Q999> <http://ex/p> "c" .
<http://www.wikidata.org/entity/L5> <http://ex/p> "lexeme" .
<http://www.wikidata.org/entity/Q12abc> <http://ex/p> "not a number" .
<http://www.wikidata.org/entity/Q> <http://ex/p> "empty" .
<http://example.org/Q55> <http://ex/p> "elsewhere" .
_:b <http://ex/p> "blank" .
"""


def test_every_solution_lands_in_exactly_one_part_even_odd_ones():
    """Lexemes, odd IRIs, blank nodes and literals fall into the lowest part, never nowhere."""
    store = pyoxigraph.Store()
    store.load(MIXED.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    query = "SELECT ?item ?v WHERE { ?item <http://ex/p> ?v }"
    shape = SelectionShape.of(query)
    whole = sorted(str(s["v"]) for s in store.query(query))
    pieces = []
    stack = [Part()]
    while stack:
        part = stack.pop()
        children = part.split(3, 64)
        small = part.hi is not None and part.hi - (part.lo or 0) <= 4
        if children and not small and (part.lo or 0) < 4096:
            stack.extend(children)
            continue
        pieces += [str(s["v"]) for s in store.query(shape.query_for(part))]
    assert sorted(pieces) == whole


def test_partitioned_equals_unpartitioned_on_the_embedded_store():
    lines = [f"<{W}Q{i}> <http://ex/p> <{W}Q42> ." for i in range(1, 3001, 7)]
    store = pyoxigraph.Store()
    store.load("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    endpoint = EmbeddedEndpoint(store)
    query = f"SELECT ?item WHERE {{ ?item <http://ex/p> <{W}Q42> }}"
    selection = select_partitioned(endpoint, query, max_rows=50, top=4096, fanout=4)
    assert selection.complete and selection.splits > 1
    assert selection.qids == [f"Q{i}" for i in range(1, 3001, 7)]
    assert sum(p["rows"] for p in selection.parts) == len(selection.qids)


def test_a_query_with_its_own_limit_is_not_partitioned():
    store = pyoxigraph.Store()
    store.load(f"<{W}Q1> <http://ex/p> \"1\" .\n<{W}Q2> <http://ex/p> \"2\" .".encode(),
               format=pyoxigraph.RdfFormat.N_TRIPLES)  # fmt: skip
    endpoint = EmbeddedEndpoint(store)
    selection = select_partitioned(
        endpoint, "SELECT ?item WHERE { ?item <http://ex/p> ?v } LIMIT 1", max_rows=1
    )
    assert len(selection.qids) == 1 and selection.parts == [{"part": "as written", "rows": 1}]
