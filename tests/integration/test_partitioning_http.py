"""Partitioned selections against a real ``oxigraph serve``: 100,000 items selected through
partitioned queries.

The 100,000 items are SYNTHETIC: generated in this module at test time (``wd:Q1`` … ``wd:Q100000``
as instances of one made-up class ``wd:Q900000001``, every fourth with a made-up sitelink), loaded
into a fresh in-memory server and never written to the repository. They stand for a large
selection; no fact in them is claimed about Wikidata.

Partitioning is really exercised in two ways: a row limit on every part (an answer as long as the
limit may be cut, so that part is split) on the selection of all 100,000 items, and the server's
own time-out (``--timeout-s 1``) on a selection of the 25,000 with a sitelink made slow per item,
which oxigraph answers with HTTP 200 and a truncated body.
"""

from __future__ import annotations

import re

import pytest

from bot.sources.partition import select_partitioned
from bot.sparql import HttpEndpoint
from tests.plugins.oxigraph_server import start_oxigraph

W = "http://www.wikidata.org/entity/"

# --- must show: 100,000 items against a real oxigraph server -------------------------------

N = 100_000

CLASS = "Q900000001"  # SYNTHETIC class id, far above real ones


def synthetic_items(n: int) -> bytes:
    """SYNTHETIC test data, made here and never committed: n items of one class."""
    out = []
    for i in range(1, n + 1):
        out.append(f"<{W}Q{i}> <http://www.wikidata.org/prop/direct/P31> <{W}{CLASS}> .")
        if i % 4 == 0:
            out.append(f"<https://xx.wikipedia.org/wiki/Synthetic_{i}> <http://schema.org/about> "
                       f"<{W}Q{i}> .")  # fmt: skip
    return ("\n".join(out) + "\n").encode()


SELECT_ALL = f"""PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item WHERE {{
  ?item wdt:P31 wd:{CLASS} .
}}
"""

# Slow per item: 192 chained hashes stand in for the joins and paths that make real selections
# slow (a few seconds for the whole, about a tenth of a second per part). The FILTER on the item
# id, placed before the hashes by the planner, is what makes a part cheaper than the whole.
SELECT_SLOW = f"""PREFIX schema: <http://schema.org/>
SELECT ?item WHERE {{
  ?article schema:about ?item .
  BIND({"SHA512(" * 192}STR(?item){")" * 192} AS ?hash)
  FILTER(STRLEN(?hash) = 128)
}}
"""


@pytest.fixture(scope="module")
def big_server():
    server = start_oxigraph(timeout_s=1)
    try:
        server.load_ntriples(synthetic_items(N))
        yield server
    finally:
        server.stop()


def _assert_every_item_once(selection):
    assert selection.complete, selection.failed
    assert selection.qids == [f"Q{i}" for i in range(1, N + 1)]
    assert sum(p["rows"] for p in selection.parts) == N  # disjoint parts: each item once


@pytest.mark.server
def test_100k_items_through_parts_limited_in_rows(big_server):
    endpoint = HttpEndpoint(big_server.query_url, timeout=30, max_retries=0)
    notes = []
    selection = select_partitioned(
        endpoint, SELECT_ALL, max_rows=25_000, top=2**18, fanout=4, notify=notes.append
    )
    _assert_every_item_once(selection)
    # The whole answer hit the limit; so did the first two of its five ranges (Q0–Q65535 and
    # Q65536–Q131071), split again into four each.
    assert selection.splits == 3 and len(notes) == 3
    assert "all items: answered 25,000 rows" in notes[0]
    assert "items below Q65536: answered 25,000 rows" in notes[1]
    assert "items Q65536–Q131071: answered 25,000 rows" in notes[2]
    assert max(p["rows"] for p in selection.parts) < 25_000
    assert endpoint.stats.queries == 1 + 5 + 2 * 4


@pytest.mark.server
def test_a_selection_the_server_times_out_on_completes_in_parts(big_server):
    """The 25,000 synthetic items with a sitelink, selected slowly: the server's time-out cuts
    the whole answer (HTTP 200, truncated body), the parts succeed."""
    endpoint = HttpEndpoint(big_server.query_url, timeout=30, max_retries=0)
    notes = []
    selection = select_partitioned(endpoint, SELECT_SLOW, top=2**17, fanout=32, notify=notes.append)
    assert selection.complete, selection.failed
    assert selection.qids == [f"Q{i}" for i in range(4, N + 1, 4)]
    assert sum(p["rows"] for p in selection.parts) == N // 4
    assert re.search(r"^selection: all items: .*truncated", notes[0]), notes[0]
    assert endpoint.stats.failed >= 1 and len(selection.parts) >= 32
