"""What counts as a topic, over HTTP: the P31 classes and untitled sitelinks fetched from the
bundled snapshot through the embedded store and a real ``oxigraph serve`` are the same.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bot.catalogue import read_pinned
from bot.languages import load_wikis
from bot.sources.endpoint import fetch_sitelinks, fetch_types
from bot.sparql import HttpEndpoint

REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------------------------
# P31 facts from the snapshot, through the endpoints a run uses


def _climate_qids() -> list[str]:
    return read_pinned(REPO / "queries" / "pinned" / "sdg13-climate-change.txt")


@pytest.mark.server
def test_types_and_untitled_sitelinks_are_the_same_over_http(
    embedded, oxigraph_snapshot_server, snapshot
):
    http = HttpEndpoint(oxigraph_snapshot_server.query_url, contact="tests@localhost")
    qids = _climate_qids()[:900]
    pd.testing.assert_frame_equal(fetch_types(http, qids), fetch_types(embedded, qids))
    women = read_pinned(REPO / "queries" / "pinned" / "sdg5-humaniki-women.txt")
    wikis = load_wikis()
    over_http = fetch_sitelinks(http, women, wikis)
    pd.testing.assert_frame_equal(over_http, fetch_sitelinks(embedded, women, wikis))
    assert len(over_http) == 2037 and over_http["title"].isna().all()
    assert over_http["title"].map(lambda t: t is None).all()
