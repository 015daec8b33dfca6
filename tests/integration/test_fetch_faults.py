"""Fault tests: a local SPARQL endpoint that misbehaves on purpose.

The misbehaving peer is a small ``http.server`` on 127.0.0.1 (tests/plugins/fault_server.py).
It is the one fake peer of the test suite, and only because a real query service cannot be made
to answer 429 with Retry-After, 500, 503, 504, hang past the client's time-out, or cut its
answer short on demand. Every answer meant to be right is relayed from a real ``oxigraph serve``
loaded with the bundled snapshot.

Each fault must end in a retry, smaller queries, a fallback, or a one-line error (a non-zero exit
on the command line) — never in a report built from partial data that does not say so. A failure
that arrives at once is the service's and is retried; one that looks like the query's size (a
time-out, or an error or cut answer after the service worked on it for a while: SLOW below)
leads to smaller queries. Waits go through an injected ``sleep`` that records them, so most tests
take no backoff time; the command-line runs against a broken service wait as a user would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from bot.catalogue import read_pinned
from bot.errors import MalformedResultsError
from bot.sources.partition import select_partitioned
from bot.sparql import (
    BudgetExhaustedError,
    FallbackEndpoint,
    HttpEndpoint,
    QueryBudget,
    ServiceFailureError,
    TooLargeError,
    TruncatedResultsError,
    UnavailableError,
)
from tests.plugins.fault_server import Body, Cut, FaultServer, Forward, Sleep, Status

pytestmark = pytest.mark.server
REPO = Path(__file__).resolve().parents[2]

QUERY = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item WHERE {
  VALUES ?item { wd:Q7942 wd:Q125928 }
}
"""
EXPECTED = {"http://www.wikidata.org/entity/Q7942", "http://www.wikidata.org/entity/Q125928"}
JSON = "application/sparql-results+json"
TSV = "text/tab-separated-values; charset=utf-8"
OXIGRAPH_CANCELLED = b"The SPARQL operation has been cancelled"
# The endpoints here judge a failure after JUDGED seconds as the query's size (the default is
# 1 s; more here, so that an instant failure on a loaded machine is never taken for one), and a
# fault that waits SLOW seconds looks like a service that worked on the query.
JUDGED = 2.0
SLOW = 2.3
WDQS_TIMEOUT = b"java.util.concurrent.TimeoutException"  # what WDQS's 500 says of its time-out


@pytest.fixture
def faults():
    server = FaultServer()
    yield server
    server.stop()


@pytest.fixture
def real(oxigraph_snapshot_server):
    return oxigraph_snapshot_server.query_url


def endpoint(url: str, **options):
    waits: list[float] = []
    options.setdefault("timeout", 10)
    options.setdefault("slow", JUDGED)
    ep = HttpEndpoint(url, contact="fault-tests@example.org", sleep=waits.append, **options)
    return ep, waits


def items(frame) -> set[str]:
    return set(frame["item"])


def one_line(exc: Exception) -> str:
    text = str(exc)
    assert "\n" not in text and text.strip(), text
    return text


# --- 429 -----------------------------------------------------------------------------------


def test_429_waits_exactly_retry_after_then_succeeds(faults, real):
    faults.push(Status(429, {"Retry-After": "7"}), Forward(real))
    ep, waits = endpoint(faults.url)
    assert items(ep.select(QUERY, expect=("item",))) == EXPECTED
    assert waits == [7.0]
    assert faults.count == 2 and ep.stats.retries == 1


def test_429_retry_after_as_an_http_date(faults, real):
    faults.push(Status(429, {"Retry-After": formatdate(time.time() + 30, usegmt=True)}))
    faults.push(Forward(real))
    ep, waits = endpoint(faults.url)
    ep.select(QUERY)
    assert len(waits) == 1 and 25 <= waits[0] <= 31


def test_429_without_retry_after_backs_off(faults, real):
    faults.push(Status(429), Status(429), Forward(real))
    ep, waits = endpoint(faults.url, backoff=1.5)
    ep.select(QUERY)
    assert waits == [1.5, 3.0]


def test_429_longer_than_the_run_may_wait_is_unavailable_at_once(faults):
    faults.push(Status(429, {"Retry-After": "3600"}))
    ep, waits = endpoint(faults.url, max_retry_after=300)
    with pytest.raises(UnavailableError) as caught:
        ep.select(QUERY)
    assert "Retry-After 3600 s" in one_line(caught.value)
    assert waits == [] and faults.count == 1


# --- 5xx -----------------------------------------------------------------------------------


def test_500_is_retried_with_exponential_backoff(faults, real):
    faults.push(Status(500), Status(500), Status(500), Forward(real))
    ep, waits = endpoint(faults.url)
    assert items(ep.select(QUERY)) == EXPECTED
    assert waits == [2.0, 4.0, 8.0]


def test_an_instant_504_that_never_ends_is_the_services_failure_not_the_querys(faults):
    faults.default = Status(504, body=b"gateway time-out")
    ep, waits = endpoint(faults.url, max_retries=4)
    with pytest.raises(ServiceFailureError) as caught:
        ep.select(QUERY)
    assert "HTTP 504" in one_line(caught.value) and "gave up after 4 retries" in str(caught.value)
    assert not isinstance(caught.value, TooLargeError)
    assert waits == [2.0, 4.0, 8.0, 16.0] and faults.count == 5


def test_a_504_after_the_service_worked_on_the_query_is_too_large_and_not_retried(faults):
    faults.default = Sleep(SLOW, Status(504, body=b"gateway time-out"))
    ep, waits = endpoint(faults.url)
    with pytest.raises(TooLargeError, match="HTTP 504"):
        ep.select(QUERY)
    assert waits == [] and faults.count == 1


def test_backoff_is_capped(faults):
    faults.default = Status(502)
    ep, waits = endpoint(faults.url, max_retries=6, backoff=10, max_backoff=60)
    with pytest.raises(UnavailableError):
        ep.select(QUERY)
    assert waits == [10, 20, 40, 60, 60, 60]


def test_503_with_retry_after_waits_at_least_that_long(faults, real):
    faults.push(Status(503, {"Retry-After": "30"}), Forward(real))
    ep, waits = endpoint(faults.url)
    ep.select(QUERY)
    assert waits == [30.0]


def test_a_service_time_out_reported_as_500_is_not_retried(faults):
    """WDQS answers a query that ran out of its 60 s with a 500 naming TimeoutException."""
    faults.default = Status(500, body=WDQS_TIMEOUT)
    ep, waits = endpoint(faults.url)
    with pytest.raises(TooLargeError, match="timed out on the service"):
        ep.select(QUERY)
    assert waits == [] and faults.count == 1


# --- time-outs -----------------------------------------------------------------------------


def test_a_time_out_is_too_large_at_once_and_the_next_query_goes_without_waiting(faults, real):
    faults.push(Sleep(3, Forward(real)), Forward(real))
    ep, waits = endpoint(faults.url, timeout=0.4)
    with pytest.raises(TooLargeError) as caught:
        ep.select(QUERY)
    assert "no answer within 0.4 s" in one_line(caught.value)
    assert faults.count == 1  # the same query would time out again: not retried
    assert items(ep.select(QUERY)) == EXPECTED  # a (smaller) query next: no backoff
    assert waits == []


# --- answers that cannot be believed -------------------------------------------------------


def _real_answer(real: str, accept: str) -> bytes:
    import requests

    reply = requests.post(real, data={"query": QUERY}, headers={"Accept": accept}, timeout=30)
    reply.raise_for_status()
    return reply.content


def test_json_cut_after_a_while_is_too_large_without_retrying(faults, real):
    whole = _real_answer(real, JSON)
    faults.push(Sleep(SLOW, Body(JSON, whole[: len(whole) // 2])))
    ep, waits = endpoint(faults.url, result_format="json")
    with pytest.raises(TruncatedResultsError) as caught:
        ep.select(QUERY)
    assert "truncated" in one_line(caught.value)
    assert isinstance(caught.value, MalformedResultsError) and waits == []
    assert faults.count == 1


@pytest.mark.parametrize("fault", ["truncated", "connection-closed"])
def test_an_answer_cut_at_once_is_retried_as_the_services_failure(faults, real, fault):
    whole = _real_answer(real, TSV)
    cut = Body(TSV, whole[:-1]) if fault == "truncated" else Cut(TSV, whole[:30], len(whole))
    faults.push(cut, Forward(real))
    ep, waits = endpoint(faults.url)
    assert items(ep.select(QUERY)) == EXPECTED
    assert waits == [2.0] and faults.count == 2
    faults.default = cut
    with pytest.raises(ServiceFailureError) as caught:
        ep.select(QUERY)
    assert "gave up after 4 retries" in one_line(caught.value)
    reason = "truncated TSV" if fault == "truncated" else "closed in the middle of the answer"
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    "cut",
    [
        lambda body: body[:-1],  # the last row without its end of line
        lambda body: body[: body.index(b"\n") + 20],  # cut inside an IRI
        lambda body: body + OXIGRAPH_CANCELLED,  # what oxigraph appends when it times out
        lambda body: body + b"<a:b>\t<c:d>\n",  # a last row with a cell too many
    ],
    ids=["no-final-newline", "cut-iri", "oxigraph-cancelled", "cell-count"],
)
def test_truncated_tsv_is_refused(faults, real, cut):
    faults.push(Sleep(SLOW, Body(TSV, cut(_real_answer(real, TSV)))))
    ep, waits = endpoint(faults.url)
    with pytest.raises(TruncatedResultsError) as caught:
        ep.select(QUERY)
    one_line(caught.value)
    assert waits == [] and faults.count == 1


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_an_answer_missing_a_variable_is_a_plain_error(faults, fmt):
    body = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}' if fmt == "json" else b"?x\n<a:b>\n"
    faults.push(Body(JSON if fmt == "json" else TSV, body))
    ep, waits = endpoint(faults.url, result_format=fmt)
    with pytest.raises(MalformedResultsError) as caught:
        ep.select(QUERY, expect=("item",))
    assert "lack the variable(s) ?item" in one_line(caught.value)
    assert not isinstance(caught.value, TooLargeError) and waits == []


def test_an_html_page_with_status_200_is_not_results(faults):
    faults.push(Body("text/html", b"<html><body>Maintenance</body></html>"))
    ep, _ = endpoint(faults.url)
    with pytest.raises(MalformedResultsError, match="text/html, not SPARQL results"):
        ep.select(QUERY)


def test_an_unreachable_service_is_unavailable():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ep, waits = endpoint(f"http://127.0.0.1:{port}/sparql")
    with pytest.raises(UnavailableError, match="cannot reach"):
        ep.select(QUERY)
    assert waits == []


# --- what we send ----------------------------------------------------------------------------


def test_requests_carry_the_contact_and_ask_for_tsv_by_content_negotiation(faults, real):
    faults.default = Forward(real)
    ep, _ = endpoint(faults.url)
    ep.select(QUERY)
    seen = faults.requests[0]
    assert seen.headers["User-Agent"].startswith("sdg-gaps/")
    assert "fault-tests@example.org" in seen.headers["User-Agent"]
    assert seen.headers["Accept"] == "text/tab-separated-values"
    assert set(seen.form) == {"query"}  # no format=/output= parameters
    assert seen.query == QUERY


# --- the budget ----------------------------------------------------------------------------


def test_the_query_time_budget_stops_the_run(faults, real):
    faults.default = Forward(real)
    ticks = iter(range(0, 1000, 4))  # every request "takes" 4 s
    budget = QueryBudget(10)
    ep, _ = endpoint(faults.url, budget=budget, clock=lambda: next(ticks))
    for _ in range(3):  # 4 s, 8 s, then 12 s: over the budget after the third
        ep.select(QUERY)
    with pytest.raises(BudgetExhaustedError) as caught:
        ep.select(QUERY)
    assert "budget of 10 s is used up" in one_line(caught.value)
    assert "--query-budget" in str(caught.value)
    assert faults.count == 3


def test_failed_requests_count_against_the_budget(faults):
    faults.default = Status(500)
    ticks = iter(range(0, 1000, 1))  # each reading of the clock half a second after the last
    budget = QueryBudget(1.2)
    ep, _ = endpoint(faults.url, budget=budget, clock=lambda: next(ticks) / 2)
    with pytest.raises(BudgetExhaustedError):
        ep.select(QUERY)
    assert faults.count == 3 and budget.requests == 3  # instant 500s, retried
    assert budget.spent > 1.2


# --- fallback ------------------------------------------------------------------------------


def test_rate_limited_primary_falls_back_and_stays_aside(faults, real):
    faults.default = Status(429, {"Retry-After": "86400"})
    primary, _ = endpoint(faults.url, name="wdqs")
    secondary, _ = endpoint(real, name="qlever")
    both = FallbackEndpoint(primary, secondary)
    for _ in range(3):
        assert items(both.select(QUERY)) == EXPECTED
    assert faults.count == 1  # asked once, then left alone
    described = both.describe()
    assert described["answered_by"] == {"qlever": 3}
    assert described["fallback_used"] is True
    assert described["switched"]["from"] == "wdqs" and "429" in described["switched"]["reason"]
    assert [f["answered_by"] for f in described["fallbacks"]] == ["qlever"] * 3
    assert "3 of 3 queries were answered by qlever instead of wdqs" in both.notes()[0]


def test_a_query_the_primary_cannot_answer_goes_to_the_secondary_once(faults, real):
    whole = _real_answer(real, JSON)
    faults.push(Sleep(SLOW, Body(JSON, whole[:40])))
    faults.default = Forward(real)
    primary, _ = endpoint(faults.url, name="wdqs", result_format="json")
    secondary, _ = endpoint(real, name="qlever")
    both = FallbackEndpoint(primary, secondary)
    both.select(QUERY)
    both.select(QUERY)  # the primary is not set aside for one truncated answer
    assert both.describe()["answered_by"] == {"qlever": 1, "wdqs": 1}


def test_the_budget_is_never_sent_to_the_fallback(faults, real):
    budget = QueryBudget(0)
    primary, _ = endpoint(faults.url, name="wdqs", budget=budget)
    secondary, _ = endpoint(real, name="qlever", budget=budget)
    with pytest.raises(BudgetExhaustedError):
        FallbackEndpoint(primary, secondary).select(QUERY)
    assert faults.count == 0


def test_a_piece_the_primary_fails_at_once_is_reported_even_if_the_fallback_is_down(faults):
    """The fallback being unreachable must not end a run whose own service answers."""
    faults.default = Status(500)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    primary, _ = endpoint(faults.url, name="wdqs", max_retries=0)
    secondary, _ = endpoint(f"http://127.0.0.1:{port}/sparql", name="qlever")
    both = FallbackEndpoint(primary, secondary)
    with pytest.raises(ServiceFailureError) as caught:
        both.select(QUERY)
    message = one_line(caught.value)
    assert "wdqs: HTTP 500" in message and "qlever: cannot reach" in message
    assert both.active is primary


def test_when_both_fail_the_error_names_both(faults):
    faults.default = Status(504)
    other = FaultServer(default=Status(504))
    try:
        primary, _ = endpoint(faults.url, name="wdqs", max_retries=0)
        secondary, _ = endpoint(other.url, name="qlever", max_retries=0)
        with pytest.raises(ServiceFailureError) as caught:
            FallbackEndpoint(primary, secondary).select(QUERY)
    finally:
        other.stop()
    assert "wdqs: HTTP 504" in one_line(caught.value) and "qlever: HTTP 504" in str(caught.value)


# --- partitions over faults ----------------------------------------------------------------

SELECTION = """PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?item WHERE {
  ?article schema:about ?item ;
           schema:inLanguage "sw" .
}
"""


def test_a_selection_cut_after_a_long_wait_is_asked_again_in_parts(faults, real):
    truth, _ = endpoint(real)
    expected = sorted(truth.select(SELECTION)["item"])
    cut = Cut(TSV, b"?item\n<http://www.wikidata.org/", 4096)
    faults.when(lambda q: "partition" not in q, Sleep(SLOW, cut))
    faults.default = Forward(real)
    ep, _ = endpoint(faults.url)
    selection = select_partitioned(ep, SELECTION)
    assert selection.complete and selection.splits == 1
    assert ["http://www.wikidata.org/entity/" + q for q in selection.qids] == sorted(
        expected, key=lambda iri: int(iri.rsplit("Q", 1)[1])
    )
    assert sum(p["rows"] for p in selection.parts) == len(expected)


def test_a_selection_failed_at_once_is_not_split(faults):
    faults.default = Cut(TSV, b"?item\n<http://www.wikidata.org/", 4096)
    ep, waits = endpoint(faults.url)
    selection = select_partitioned(ep, SELECTION)
    assert selection.splits == 0 and selection.qids == []
    (failed,) = selection.failed
    assert failed.part == "all items" and "closed in the middle of the answer" in failed.reason
    assert faults.count == 5 and waits == [2.0, 4.0, 8.0, 16.0]  # retried, never split


def test_a_wdqs_time_out_splits_and_a_part_failed_at_once_is_reported_not_dropped(faults, real):
    # The whole selection runs out of the service's time; then every part answers except the
    # one holding items from Q1000 to Q1999, which fails at once every time.
    faults.when(lambda q: ">= 1000 &&" in q, Status(500))
    faults.when(lambda q: "partition" not in q, Status(500, body=WDQS_TIMEOUT))
    faults.default = Forward(real)
    ep, _ = endpoint(faults.url, max_retries=0)
    notes = []
    selection = select_partitioned(ep, SELECTION, top=4000, fanout=4, notify=notes.append)
    assert selection.splits == 1 and "timed out on the service" in notes[0]
    assert not selection.complete
    (failed,) = selection.failed
    assert failed.part == "items Q1000–Q1999" and "HTTP 500" in failed.reason
    assert "could not be fetched" in failed.describe()
    asked = [seen.query for seen in faults.requests if ">= 1000 &&" in seen.query]
    assert len(asked) == 1  # not split: an instant failure is not the part's size


def test_splitting_stops_at_the_depth_and_the_number_of_parts_and_names_what_was_left(
    faults, real
):
    """A selection that times out at every size: parts are asked only down to the bounds,
    and each part given up is named."""
    faults.default = Status(500, body=WDQS_TIMEOUT)
    ep, _ = endpoint(faults.url)
    deep = select_partitioned(ep, SELECTION, top=4096, fanout=2, max_depth=3, max_failures=99)
    assert faults.count == deep.splits + len(deep.failed)  # each query split or given up
    assert all("timed out" in f.reason and "3 splits deep" in f.reason for f in deep.failed)
    assert [f.part for f in deep.failed][:2] == ["items below Q512", "items Q512–Q1023"]
    asked = faults.count
    wide = select_partitioned(ep, SELECTION, top=4096, fanout=8, max_parts=12, max_failures=99)
    assert faults.count - asked == 1 + 9 and wide.splits == 1  # whole, its 9 parts, no more
    assert len(wide.failed) == 9
    assert all("more than 12 queries" in f.reason for f in wide.failed)


def test_an_unavailable_service_stops_a_partitioned_selection(faults):
    faults.default = Status(429, {"Retry-After": "99999"})
    ep, _ = endpoint(faults.url)
    with pytest.raises(UnavailableError):
        select_partitioned(ep, SELECTION)
    assert faults.count == 1


# --- the command line ----------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYWIKIBOT_NO_USER_CONFIG": "2"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )


def _error_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sdg-gaps: error: ")
    return lines[0]


@pytest.mark.parametrize(
    "fault, message",
    [
        (Status(429, {"Retry-After": "3600"}), "HTTP 429 Too Many Requests with Retry-After 3600"),
        (Body(JSON, b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'), "lack the variable"),
    ],
    ids=["429-too-long", "missing-variable"],
)
def test_cli_fault_is_one_line_and_a_non_zero_exit(faults, tmp_path, fault, message):
    faults.default = fault
    result = run_cli(
        "run", "--endpoint", faults.url, "--goals", "15", "--no-cache", "--quiet",
        "--out", str(tmp_path / "report"),
    )  # fmt: skip
    assert result.returncode == 1
    assert message in _error_line(result)
    assert not (tmp_path / "report" / "pages.json").exists()


def test_cli_nothing_fetched_is_one_line_error(faults, tmp_path):
    faults.default = Status(500)
    result = run_cli(
        "run", "--endpoint", faults.url, "--snapshot-data", "--goals", "15", "--no-cache",
        "--quiet", "--retries", "0", "--out", str(tmp_path / "report"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "no data could be fetched" in _error_line(result)


def test_cli_incomplete_report_says_so_and_is_not_posted(faults, real, tmp_path):
    # One item of the EU invasive species set cannot be fetched: every query holding it runs out
    # of the service's time (a WDQS-style time-out), so its batch is halved down to that item,
    # which is then reported, left out, and the report marked incomplete.
    pinned = REPO / "queries" / "pinned" / "sdg15-eu-invasive-alien-species.txt"
    lost = read_pinned(pinned)[0]
    timed_out = Status(500, body=WDQS_TIMEOUT)
    faults.when(lambda q: "VALUES ?item" in q and f"wd:{lost} " in q, timed_out)
    faults.default = Forward(real)
    out = tmp_path / "report"
    result = run_cli(
        "run", "--endpoint", faults.url, "--snapshot-data", "--goals", "15", "--no-cache",
        "--quiet", "--retries", "0", "--languages", "fr,de", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "incomplete data" in result.stderr and f"item {lost}" in result.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    pages = json.loads((out / "pages.json").read_text(encoding="utf-8"))
    assert summary["complete"] is False and pages["complete"] is False
    assert any(f"sitelinks: item {lost} could not be fetched" in w for w in summary["warnings"])
    summary_page = next(p for p in pages["pages"] if p["id"] == "summary")
    text = (out / summary_page["file"]).read_text(encoding="utf-8")
    assert text.lstrip().startswith("Incomplete data")
    gaps = (out / "gaps.csv").read_text(encoding="utf-8")
    assert f",{lost}," not in gaps  # left out, not listed as missing

    posted = run_cli("post", str(out), "--root", "User:Test/SDG")
    assert posted.returncode != 0
    assert "incomplete" in _error_line(posted)


def test_cli_falls_back_and_the_report_says_so(faults, real, tmp_path):
    faults.default = Status(429, {"Retry-After": "86400"})
    out = tmp_path / "report"
    result = run_cli(
        "run", "--endpoint", faults.url, "--fallback", real, "--snapshot-data", "--goals", "15",
        "--no-cache", "--quiet", "--languages", "fr,de", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert faults.count == 1
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    endpoint_info = summary["endpoint"]
    assert endpoint_info["fallback_used"] is True
    assert endpoint_info["answered_by"] == {real: summary["counts"]["queries"]}
    assert summary["complete"] is True
    assert any("answered by" in w for w in summary["warnings"])
    assert "answered by" in result.stderr


def test_a_primary_that_is_down_falls_back(real):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    primary, _ = endpoint(f"http://127.0.0.1:{port}/sparql", name="wdqs")
    secondary, _ = endpoint(real, name="qlever")
    both = FallbackEndpoint(primary, secondary)
    assert items(both.select(QUERY)) == EXPECTED
    assert both.describe()["switched"]["from"] == "wdqs"
    assert "cannot reach" in both.describe()["switched"]["reason"]


def test_presets_fall_back_to_each_other_sharing_budget_and_cache(tmp_path):
    from bot.sparql import make_endpoint

    wdqs, _ = make_endpoint(
        "wdqs", contact="x@example.org", snapshot_dir=None, cache_dir=tmp_path, query_budget=60
    )
    assert isinstance(wdqs, FallbackEndpoint)
    assert (wdqs.primary.name, wdqs.secondary.name) == ("wdqs", "qlever")
    assert wdqs.primary.budget is wdqs.secondary.budget and wdqs.primary.budget.limit == 60
    assert wdqs.primary.cache is wdqs.secondary.cache is not None
    assert wdqs.primary.result_format == "tsv"
    alone, _ = make_endpoint("qlever", contact=None, snapshot_dir=None, fallback="none")
    assert isinstance(alone, HttpEndpoint) and alone.cache is None
    url, _ = make_endpoint("http://127.0.0.1:9/sparql", contact=None, snapshot_dir=None)
    assert isinstance(url, HttpEndpoint)


@pytest.mark.parametrize(
    ("option", "value"),
    [("--query-budget", "0"), ("--retries", "-1"), ("--retries", "٣"), ("--fallback", "ftp://x")],
)
def test_bad_fetch_options_are_usage_errors(capsys, option, value):
    from bot.cli import main

    code = main(["run", "--endpoint", "wdqs", f"{option}={value}", "--quiet", "--no-history"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert (option in err or "bad endpoint" in err) and err.startswith("sdg-gaps: error:")


def test_cli_bad_max_age_is_one_line(tmp_path):
    result = run_cli("run", "--endpoint", "http://127.0.0.1:9/sparql", "--max-age", "soon")
    assert result.returncode == 2
    assert "--max-age" in _error_line(result)
