"""A broken service ends a run in bounded time: the command line against a SPARQL endpoint that
fails every request, and the per-minute bound on failed requests.

The broken endpoints are tests/plugins/fault_server.py, a real HTTP server on 127.0.0.1, because
a real oxigraph cannot be made to close every connection before the announced Content-Length,
or to answer a plain HTTP 500 to every request. Every right answer is relayed from a real
``oxigraph serve`` loaded with the bundled snapshot.

The command-line runs are the real ``python -m bot run`` in a subprocess with the default retry
policy: they wait as a user would (about a minute each), and the subprocess is given 150 s.
The per-minute bound is counted on the server's side, by a clock the client shares
(:class:`ManualClock`), so that minutes of failures take no minutes of the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.catalogue import read_pinned
from bot.languages import load_wikis
from bot.retry import RetryPolicy
from bot.sources.endpoint import fetch_sitelinks
from bot.sparql import HttpEndpoint
from tests.plugins.fault_server import Cut, FaultServer, Forward, ManualClock, Status

pytestmark = pytest.mark.server
REPO = Path(__file__).resolve().parents[2]
TSV = "text/tab-separated-values; charset=utf-8"
# The start of a real answer, then the connection closes long before the announced length.
CUT = Cut(TSV, b"?item\n<http://www.wikidata.org/entity/Q", 1 << 16)
PLAIN_500 = Status(500, body=b"Internal Server Error")
INVASIVE = read_pinned(REPO / "queries" / "pinned" / "sdg15-eu-invasive-alien-species.txt")


@pytest.fixture
def faults():
    server = FaultServer()
    yield server
    server.stop()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=150,  # the bound the run must keep; TimeoutExpired fails the test
        env={**os.environ, "PYWIKIBOT_NO_USER_CONFIG": "2"},
    )


@pytest.mark.parametrize(
    "fault, what",
    [(CUT, "the connection closed in the middle of the answer"),
     (PLAIN_500, "HTTP 500 from the service")],
    ids=["every-answer-cut", "every-answer-500"],
)  # fmt: skip
def test_a_service_failing_every_request_ends_the_run_with_one_line(faults, tmp_path, fault, what):
    faults.default = fault
    out = tmp_path / "report"
    result = run_cli("run", "--endpoint", faults.url, "--goals", "13", "--no-cache", "--quiet",
                     "--out", str(out))  # fmt: skip
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"sdg-gaps: error: {faults.url}: ")
    assert "requests in a row failed" in line and what in line
    assert "giving up on this service" in line
    assert faults.count <= 8  # retried with backoff, never partitioned
    assert not any("partition" in seen.query for seen in faults.requests)
    assert not (out / "pages.json").exists()


def test_with_a_fallback_the_run_moves_to_the_other_service_and_says_so(
    faults, oxigraph_snapshot_server, tmp_path
):
    faults.default = CUT
    real = oxigraph_snapshot_server.query_url
    out = tmp_path / "report"
    result = run_cli("run", "--endpoint", faults.url, "--fallback", real, "--snapshot-data",
                     "--goals", "15", "--languages", "fr,de", "--no-cache", "--quiet",
                     "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    switched = summary["endpoint"]["switched"]
    assert switched["from"] == faults.url and switched["to"] == real
    assert "requests in a row failed" in switched["reason"]
    assert summary["complete"] is True
    assert summary["endpoint"]["answered_by"] == {real: summary["counts"]["queries"]}
    said = [line for line in result.stderr.splitlines() if "set aside" in line]
    assert len(said) == 1 and said[0].startswith("sdg-gaps: warning: ")
    assert f"the rest of the run asked {real} first" in said[0]
    asked = faults.count
    assert asked <= 8  # the broken service is not asked again once set aside


def test_failed_requests_never_exceed_30_a_minute(faults, oxigraph_snapshot_server):
    """Every other item fails at once (an answer in between each time, so no failure streak
    builds up): the sitelinks of the 88 invasive species asked one item a query make 44
    failed requests, and no 60 s of the server's clock sees more than 30 of them."""
    clock = ManualClock()
    faults.clock = clock
    failing = set(INVASIVE[::2])
    faults.when(lambda q: any(f"wd:{q_} " in q for q_ in failing), PLAIN_500)
    faults.default = Forward(oxigraph_snapshot_server.query_url)
    policy = RetryPolicy(max_retries=0, backoff=0.5, clock=clock, sleep=clock.sleep)
    endpoint = HttpEndpoint(faults.url, policy=policy)
    failed = []
    frame = fetch_sitelinks(endpoint, INVASIVE, load_wikis(), batch_size=1, failures=failed)
    assert sorted(f.qids[0] for f in failed) == sorted(failing)
    assert set(frame["qid"]) <= set(INVASIVE) - failing and len(frame) > 100
    assert sum(isinstance(seen.fault, Status) for seen in faults.requests) == len(failing)
    assert faults.most_in_a_minute(Status) == 30
    assert policy.paced > 0  # the bound, not the backoff, held them back


def test_time_outs_in_a_row_are_split_not_given_up():
    """A selection too large for the service times out, and so does its first part, with no
    answer in between: the parts are asked smaller, the service is not given up (splitting is
    the answer to size, bounded by depth, parts and the query budget)."""
    from bot.retry import TIME_OUT, Failure, RetryPolicy

    clock = [0.0]
    policy = RetryPolicy(give_up_after=120.0, clock=lambda: clock[0], sleep=lambda s: None)
    decisions = []
    for _ in range(3):  # three 60-second time-outs in a row: 180 s of no answer
        started = clock[0]
        clock[0] += 60.0
        decisions.append(policy.failed("wdqs", Failure("no answer within 60 s", TIME_OUT),
                                       attempt=0, started=started, finished=clock[0]).verdict)
    assert decisions == ["smaller"] * 3
