"""Page sizes from the MediaWiki API (bot.pagesizes): batches of 50 titles, normalised titles
mapped back, missing pages left out, retries on 429/5xx — against the real test wiki and a
small local server that misbehaves on purpose."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pandas as pd
import pytest

from bot.languages import load_wikis
from bot.pagesizes import BATCH, PageSizeFetcher, user_agent


def frame(rows):
    return pd.DataFrame(rows, columns=["qid", "wiki", "title"])


@pytest.mark.wiki
def test_sizes_come_from_the_wiki_in_batches_of_50(wiki):
    texts = {"Alpha": "a" * 1234, "Beta gamma": "Été " * 700, "Delta": "[[Alpha]] " * 10}
    for title, text in texts.items():
        wiki.edit(title, text)
    rows = [("Q1", "xxwiki", "Alpha"), ("Q2", "xxwiki", "Beta_gamma"), ("Q3", "xxwiki", "delta")]
    rows += [(f"Q{100 + i}", "xxwiki", f"Missing page {i}") for i in range(117)]
    fetch = PageSizeFetcher(load_wikis(), url_for=lambda subdomain: wiki.api_url, contact="test")
    found = fetch(frame(rows))
    assert found.api_calls == 3  # 120 titles, 50 a request
    assert found.wikis == {"xxwiki"} and found.problems == []
    sizes = dict(zip(found.frame["qid"], found.frame["pagesize_bytes"], strict=True))
    lengths = {
        page["title"]: page["length"]
        for page in wiki.query(prop="info", titles="|".join(texts))["pages"]
    }
    assert sizes == {
        "Q1": lengths["Alpha"], "Q2": lengths["Beta gamma"], "Q3": lengths["Delta"]
    }
    assert sizes["Q2"] == len(texts["Beta gamma"].strip().encode("utf-8"))


class _Flaky(BaseHTTPRequestHandler):
    """429 with Retry-After, then 503, then a real answer; records what it was sent."""

    calls: list = []

    def do_GET(self):  # noqa: N802 - the http.server API
        _Flaky.calls.append((self.path, self.headers.get("User-Agent")))
        if len(_Flaky.calls) == 1:
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        if len(_Flaky.calls) == 2:
            self.send_response(503)
            self.end_headers()
            return
        body = json.dumps(
            {
                "batchcomplete": True,
                "query": {
                    "normalized": [{"fromencoded": False, "from": "a_b", "to": "A b"}],
                    "pages": [
                        {"pageid": 1, "ns": 0, "title": "A b", "length": 42},
                        {"ns": 0, "title": "Gone", "missing": True},
                    ],
                },
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_server():
    _Flaky.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    server.shutdown()
    server.server_close()


def test_429_and_503_are_retried_and_the_user_agent_is_sent(flaky_server):
    waits = []
    fetch = PageSizeFetcher(
        load_wikis(), url_for=lambda s: flaky_server, contact="ops@example.org",
        sleep=waits.append, backoff=0.01,
    )
    found = fetch(frame([("Q1", "frwiki", "a_b"), ("Q2", "frwiki", "Gone")]))
    assert found.api_calls == 3 and len(waits) == 2 and waits[0] == 0.0
    assert found.frame.to_dict("records") == [{"qid": "Q1", "wiki": "frwiki", "pagesize_bytes": 42}]
    assert found.wikis == {"frwiki"}
    path, agent = _Flaky.calls[-1]
    assert agent == user_agent("ops@example.org") and "ops@example.org" in agent
    assert "prop=info" in path and "maxlag=5" in path


def test_a_wiki_that_keeps_failing_is_reported_and_left_unknown(flaky_server):
    fetch = PageSizeFetcher(
        load_wikis(), url_for=lambda s: flaky_server, sleep=lambda s: None, max_retries=1
    )
    found = fetch(frame([("Q1", "dewiki", "a_b")]))
    assert found.wikis == set() and found.frame.empty
    assert found.problems and "dewiki" in found.problems[0] and "unknown" in found.problems[0]


def test_batches_never_exceed_the_api_limit():
    with pytest.raises(ValueError):
        PageSizeFetcher(load_wikis(), batch=BATCH + 1)
