"""Page sizes from the MediaWiki API (bot.pagesizes): batches of 50 titles, normalised titles
mapped back, missing pages left out, retries on 429/5xx, an API failing every request given up
in bounded time, at most 30 failed requests a minute — against the real test wiki, and
tests/plugins/fault_server.py in front of it for the faults a real wiki cannot be made to
answer on demand (429, 503, 500); every right answer is the real wiki's, relayed."""

from __future__ import annotations

import pandas as pd
import pytest

from bot.languages import load_wikis
from bot.pagesizes import BATCH, PageSizeFetcher, user_agent
from bot.retry import RetryPolicy
from tests.plugins.fault_server import FaultServer, Forward, ManualClock, Status


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


@pytest.fixture
def faults():
    server = FaultServer()
    yield server
    server.stop()


@pytest.mark.wiki
def test_429_and_503_are_retried_and_the_user_agent_is_sent(wiki, faults):
    wiki.edit("A b", "x" * 42)
    faults.push(Status(429, {"Retry-After": "0"}), Status(503))
    faults.default = Forward(wiki.api_url)
    waits = []
    fetch = PageSizeFetcher(
        load_wikis(), url_for=lambda s: faults.url, contact="ops@example.org",
        sleep=waits.append, backoff=0.01,
    )
    found = fetch(frame([("Q1", "frwiki", "a_b"), ("Q2", "frwiki", "Gone")]))
    # Retry-After 0 is waited exactly (no sleep); the 503 backs off (second failure in a row).
    assert found.api_calls == 3 and faults.count == 3 and waits == [0.02]
    assert found.frame.to_dict("records") == [{"qid": "Q1", "wiki": "frwiki", "pagesize_bytes": 42}]
    assert found.wikis == {"frwiki"} and found.problems == []
    seen = faults.requests[-1]
    assert seen.headers["User-Agent"] == user_agent("ops@example.org")
    assert seen.form["prop"] == ["info"] and seen.form["maxlag"] == ["5"]


def test_a_wiki_that_keeps_failing_is_reported_and_left_unknown(faults):
    faults.default = Status(500)
    fetch = PageSizeFetcher(
        load_wikis(), url_for=lambda s: faults.url, sleep=lambda s: None, max_retries=1
    )
    found = fetch(frame([("Q1", "dewiki", "a_b")]))
    assert found.wikis == set() and found.frame.empty and faults.count == 2
    [problem] = found.problems
    assert problem == (
        "page sizes of dewiki: HTTP 500 (gave up after 1 retries); its quality is unknown"
    )


def test_an_api_failing_every_request_is_given_up_for_the_wikis_left_in_one_line(faults):
    clock = ManualClock()
    faults.clock = clock
    faults.default = Status(500)
    policy = RetryPolicy(clock=clock, sleep=clock.sleep)
    fetch = PageSizeFetcher(load_wikis(), url_for=lambda s: faults.url, policy=policy)
    found = fetch(frame([("Q1", "dewiki", "A"), ("Q2", "frwiki", "B"), ("Q3", "plwiki", "C")]))
    assert found.wikis == set() and found.frame.empty
    assert found.problems[0].startswith("page sizes of dewiki: HTTP 500 (gave up after 4 retries)")
    assert found.problems[1] == (
        "page sizes: the MediaWiki API 6 requests in a row failed over 62 s, with no answer in "
        "between (HTTP 500 ×6): giving up on this service; the quality of frwiki and 1 more "
        "is unknown"
    )
    assert faults.count == 6 and clock.slept == [2, 4, 8, 16, 32]  # plwiki is never asked
    assert clock.now - 1000 < 120


@pytest.mark.wiki
def test_page_size_failures_never_exceed_30_a_minute(wiki, faults):
    """40 wikis whose second batch fails at once, each after an answer: 40 failed requests
    with no streak between them, and no 60 s of the server's clock sees more than 30."""
    clock = ManualClock()
    faults.clock = clock
    faults.when(lambda titles: titles.startswith("Fail"), Status(500))
    faults.default = Forward(wiki.api_url)
    wikis = load_wikis()
    names = [w.wiki for w in wikis.all_open()[:40]]
    rows = [row for n, name in enumerate(names)
            for row in ((f"Q{2 * n + 1}", name, f"Good {n}"), (f"Q{2 * n + 2}", name, f"Fail {n}"))]
    policy = RetryPolicy(max_retries=0, backoff=0.5, clock=clock, sleep=clock.sleep)
    fetch = PageSizeFetcher(wikis, url_for=lambda s: faults.url, batch=1, policy=policy)
    found = fetch(frame(rows))
    assert len(found.problems) == 40 and found.wikis == set()
    assert sum(isinstance(seen.fault, Status) for seen in faults.requests) == 40
    assert faults.most_in_a_minute(Status) == 30
    assert policy.paced > 0


def test_batches_never_exceed_the_api_limit():
    with pytest.raises(ValueError):
        PageSizeFetcher(load_wikis(), batch=BATCH + 1)
