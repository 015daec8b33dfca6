"""The same queries through a real ``oxigraph serve`` (HTTP, SPARQLWrapper) and the embedded
store give identical results, down to the report tables."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from bot.catalogue import load_catalogue
from bot.languages import load_wikis
from bot.runs_facts import DataSource
from bot.sources import endpoint as fetch
from bot.sparql import HttpEndpoint


@pytest.fixture(scope="module")
def http(oxigraph_snapshot_server):
    return HttpEndpoint(oxigraph_snapshot_server.query_url, contact="tests@localhost")


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.mark.parametrize(
    "make_query",
    [
        lambda qids: fetch.sitelinks_query(qids),
        lambda qids: fetch.labels_query(qids, ["fr", "mul", "en"]),
        lambda qids: fetch.labels_any_query(qids),
    ],
    ids=["sitelinks", "labels", "labels_any"],
)
def test_raw_results_are_identical(make_query, embedded, http, snapshot):
    qids = sorted(load_catalogue(snapshot).itemsets_for([15])[0].pinned_qids())
    query = make_query(qids)
    a = embedded.select(query)
    b = http.select(query)
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(canonical(a), canonical(b))


def test_sitelinks_query_returns_every_bundled_article(embedded, http, snapshot):
    catalogue = load_catalogue(snapshot)
    wikis = load_wikis()
    manifest = {info.id: info for info in snapshot.itemsets}
    for itemset in catalogue.itemsets_for([13, 15], snapshot_only=True):
        qids = itemset.pinned_qids()
        via_http = fetch.fetch_sitelinks(http, qids, wikis, batch_size=500)
        via_store = fetch.fetch_sitelinks(embedded, qids, wikis, batch_size=500)
        pd.testing.assert_frame_equal(via_http, via_store)
        # in the wikis the set's source looked at, its own sitelinks (18,871 and 1,219); other
        # sources may add some elsewhere (the Uganda corpus: Luganda articles of climate items)
        observed = via_http[via_http["wiki"].isin(manifest[itemset.id].observed_wikis)]
        assert len(observed) == manifest[itemset.id].sitelinks
        assert not via_http["redirect"].any()  # the sources give no badges


def test_whole_analysis_is_identical(oxigraph_snapshot_server):
    from tests.plugins.analyses import snapshot_analysis

    a = snapshot_analysis(goals=(13, 15))
    source = DataSource(endpoint=oxigraph_snapshot_server.query_url, snapshot_data=True,
                        contact="tests@localhost", cache_dir=None)
    b = snapshot_analysis(goals=(13, 15), source=source)
    for table in ("coverage", "gaps", "coverage_itemsets", "coverage_targets", "quality",
                  "sources"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    assert b.endpoint["url"] == oxigraph_snapshot_server.query_url
    assert b.counts["queries"] > 0


def test_cli_over_http_writes_the_same_coverage(oxigraph_snapshot_server, tmp_path):
    outputs = {}
    for name, endpoint in [("embedded", "embedded"), ("http", oxigraph_snapshot_server.query_url)]:
        out = tmp_path / name
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--endpoint",
                endpoint,
                "--snapshot-data",
                "--goals",
                "13,15",
                "--out",
                str(out),
                "--quiet",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        outputs[name] = (out / "coverage.csv").read_text(), (out / "gaps.csv").read_text()
    assert outputs["embedded"] == outputs["http"]
