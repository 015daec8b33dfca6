"""The HTTP endpoint against a real ``oxigraph serve``: result formats and the answer cache.

- TSV (the default), JSON and CSV answers of the same queries give the same DataFrame (CSV
  differs only where it cannot tell an empty literal from an unbound variable), and the same as
  the embedded store: the bundled snapshot's sitelinks, labels and selection queries, plus a
  query made of every kind of RDF term.
- A re-run within the cache's max age sends no query: counted at a forwarding proxy in front of
  the real server (tests/plugins/fault_server.py), then with the proxy shut down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bot.cache import QueryCache
from bot.catalogue import read_pinned
from bot.sources import endpoint as fetch
from bot.sparql import (
    HttpEndpoint,
    TruncatedResultsError,
)
from tests.plugins.fault_server import Body, FaultServer, Forward, Sleep

REPO = Path(__file__).resolve().parents[2]

PINNED = read_pinned(REPO / "queries" / "pinned" / "sdg13-climate-change.txt")

TERMS = """PREFIX ex: <http://example.org/>
SELECT ?int ?dec ?dbl ?bool ?typed ?lang ?empty ?unbound ?escaped ?iri ?neg ?uni WHERE {
  BIND(42 AS ?int) BIND(1.50 AS ?dec) BIND(1.5e0 AS ?dbl) BIND(true AS ?bool)
  BIND("x"^^ex:type AS ?typed) BIND(STRLANG("a b", "en-GB") AS ?lang) BIND("" AS ?empty)
  BIND("tab\\there\\nnew line \\"quoted\\" back\\\\slash\\r" AS ?escaped)
  BIND(<http://example.org/a%20b?c=1#f> AS ?iri) BIND(-3 AS ?neg)
  BIND("Kiswahili — ŋ 𝄞 漢字" AS ?uni)
}
"""


def _queries() -> dict[str, str]:
    first = PINNED[:400]
    goal_queries = sorted((REPO / "queries" / "goals").glob("*.rq"))[:3]
    return {
        "sitelinks": fetch.sitelinks_query(first),
        "labels": fetch.labels_query(first, ["fr", "sw", "mul", "en"]),
        "labels_any": fetch.labels_any_query(first),
        "terms": TERMS,
        **{path.stem: path.read_text(encoding="utf-8") for path in goal_queries},
    }


QUERIES = _queries()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), na_position="first", ignore_index=True)


def _lists(frame: pd.DataFrame) -> dict[str, list]:
    """A results frame's columns as lists, an unbound (missing) cell as ``None``."""
    return {c: [v if isinstance(v, str) else None for v in frame[c]] for c in frame.columns}


def _row(frame: pd.DataFrame) -> dict:
    return {c: values[0] for c, values in _lists(frame).items()}


@pytest.mark.server
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_tsv_json_and_the_embedded_store_agree(oxigraph_snapshot_server, embedded, name):
    query = QUERIES[name]
    tsv = HttpEndpoint(oxigraph_snapshot_server.query_url).select(query)
    json_ = HttpEndpoint(oxigraph_snapshot_server.query_url, result_format="json").select(query)
    local = embedded.select(query)
    assert list(tsv.columns) == list(json_.columns) == list(local.columns)
    assert all(dtype == "str" for dtype in (*tsv.dtypes, *json_.dtypes, *local.dtypes))
    pd.testing.assert_frame_equal(_sorted(tsv), _sorted(json_))
    pd.testing.assert_frame_equal(_sorted(tsv), _sorted(local))
    if name == "sitelinks":
        assert len(tsv) > 1000  # a real answer, not two empty ones


@pytest.mark.server
def test_every_kind_of_term_reads_the_same_in_tsv_and_json(oxigraph_snapshot_server):
    url = oxigraph_snapshot_server.query_url
    row = _row(HttpEndpoint(url).select(TERMS))
    assert row == _row(HttpEndpoint(url, result_format="json").select(TERMS))
    assert row == {
        "int": "42",
        "dec": "1.5",
        "dbl": "1.5",
        "bool": "true",
        "typed": "x",
        "lang": "a b",
        "empty": "",
        "unbound": None,
        "escaped": 'tab\there\nnew line "quoted" back\\slash\r',
        "iri": "http://example.org/a%20b?c=1#f",
        "neg": "-3",
        "uni": "Kiswahili — ŋ 𝄞 漢字",
    }


@pytest.mark.server
def test_csv_reads_the_same_but_for_empty_literals(oxigraph_snapshot_server):
    url = oxigraph_snapshot_server.query_url
    csv_row = _row(HttpEndpoint(url, result_format="csv").select(TERMS))
    json_row = _row(HttpEndpoint(url, result_format="json").select(TERMS))
    assert csv_row.pop("empty") is None and json_row.pop("empty") == ""
    assert csv_row == json_row


@pytest.mark.server
def test_tsv_is_the_smaller_answer(oxigraph_snapshot_server):
    import requests

    query = QUERIES["sitelinks"]
    sizes = {
        accept: len(
            requests.post(
                oxigraph_snapshot_server.query_url,
                data={"query": query},
                headers={"Accept": accept},
                timeout=30,
            ).content
        )
        for accept in ("text/tab-separated-values", "application/sparql-results+json")
    }
    assert sizes["text/tab-separated-values"] * 2 < sizes["application/sparql-results+json"]


@pytest.mark.server
def test_a_service_that_ignores_accept_is_read_by_its_content_type(oxigraph_snapshot_server):
    import requests

    body = requests.post(
        oxigraph_snapshot_server.query_url,
        data={"query": TERMS},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).content
    server = FaultServer(default=Body("application/sparql-results+json", body))
    try:
        frame = HttpEndpoint(server.url).select(TERMS)  # asks for TSV, gets JSON
    finally:
        server.stop()
    assert frame.iloc[0]["int"] == "42"


# --- the cache -----------------------------------------------------------------------------


@pytest.fixture
def proxy(oxigraph_snapshot_server):
    server = FaultServer(default=Forward(oxigraph_snapshot_server.query_url))
    yield server
    server.stop()


@pytest.mark.server
def test_a_cached_answer_is_not_asked_again(proxy, tmp_path):
    cache = QueryCache(tmp_path, max_age=3600)
    query = QUERIES["sitelinks"]
    first = HttpEndpoint(proxy.url, cache=cache).select(query)
    again = HttpEndpoint(proxy.url, cache=cache)
    second = again.select(query)
    assert proxy.count == 1 and again.stats.cache_hits == 1 and again.stats.queries == 0
    pd.testing.assert_frame_equal(first, second)
    HttpEndpoint(proxy.url, cache=cache).select(QUERIES["labels"])  # another query: asked
    assert proxy.count == 2


@pytest.mark.server
def test_the_cache_is_keyed_by_endpoint_and_expires(proxy, tmp_path):
    now = [1_000_000.0]
    cache = QueryCache(tmp_path, max_age=600, clock=lambda: now[0])
    HttpEndpoint(proxy.url, cache=cache).select(TERMS)
    now[0] += 599
    HttpEndpoint(proxy.url, cache=cache).select(TERMS)
    assert proxy.count == 1
    other = proxy.url.replace("/sparql", "/other")  # the same server under another URL
    HttpEndpoint(other, cache=cache).select(TERMS)
    assert proxy.count == 2
    now[0] += 2  # 601 s after the first answer
    HttpEndpoint(proxy.url, cache=cache).select(TERMS)
    assert proxy.count == 3


@pytest.mark.server
def test_a_failed_answer_is_never_cached(oxigraph_snapshot_server, tmp_path):
    server = FaultServer(default=Forward(oxigraph_snapshot_server.query_url))
    server.push(Sleep(1.3, Body("text/tab-separated-values", b"?int\n42")))  # cut after a while
    cache = QueryCache(tmp_path)
    try:
        with pytest.raises(TruncatedResultsError):
            HttpEndpoint(server.url, cache=cache).select(TERMS)
        assert HttpEndpoint(server.url, cache=cache).select(TERMS).iloc[0]["int"] == "42"
        assert server.count == 2
    finally:
        server.stop()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "PYWIKIBOT_NO_USER_CONFIG": "2"},
    )


@pytest.mark.server
def test_a_rerun_within_the_max_age_sends_no_query(proxy, tmp_path):
    common = ["--endpoint", proxy.url, "--snapshot-data", "--goals", "15", "--quiet",
              "--languages", "fr,de", "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
    first = _run(*common, "--out", str(tmp_path / "one"))
    assert first.returncode == 0, first.stderr
    sent = proxy.count
    assert sent > 0
    proxy.stop()  # nothing answers at that address any more

    second = _run(*common, "--out", str(tmp_path / "two"))
    assert second.returncode == 0, second.stderr
    assert proxy.count == sent
    for name in ("coverage.csv", "gaps.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    counts = json.loads((tmp_path / "two" / "summary.json").read_text(encoding="utf-8"))["counts"]
    assert counts["queries"] == 0 and counts["cache_hits"] == sent


@pytest.mark.server
def test_an_unwritable_cache_folder_is_one_warning_and_the_run_goes_on(proxy, tmp_path):
    """--cache-dir inside a plain file cannot be created (whoever runs the tests, root too):
    the run answers from the service and says once that nothing is cached."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = _run("--endpoint", proxy.url, "--snapshot-data", "--goals", "15", "--quiet",
                  "--languages", "fr,de", "--cache-dir", str(blocker / "cache"),
                  "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sdg-gaps: warning: the answer cache ")
    assert "cannot be written (Not a directory" in lines[0] and "not cached" in lines[0]
    assert proxy.count > 1  # several answers, one warning
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert "Not a directory" in summary["endpoint"]["cache"]["write_error"]
    assert summary["endpoint"]["cache"]["stored"] == 0
