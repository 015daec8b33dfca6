"""Reader demand (``--rank demand``) and the two kinds of gap, in whole runs and against a peer.

* Offline: ``sdg-gaps run --rank demand`` on the Uganda sets orders Luganda's gaps to translate
  by English Wikipedia page views and its gaps to write from scratch by the items' sitelinks in
  every project — checked against a ranking computed here from the Uganda corpus with the csv
  module only (the item sets as tests/source_sets.py reads them from the sources, the copies in
  tests/fixtures/).
* Live: the page views come from the pageviews REST API. The tests cannot reach it, so a local
  server answers in its published format with real figures (tests/pageviews_server.py); the
  client's requests, sums, cache and retries are checked against it, and a live run (a real
  ``oxigraph serve`` holding the snapshot, as an endpoint that sees every Wikipedia) asks it
  for exactly the English articles of its items.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.pageviews_server import PageviewsServer, april_2018_douglas_adams
from tests.source_sets import FIXTURES, UGANDA, UGANDA_CLASSES, source_sets

REPO = Path(__file__).resolve().parents[2]
UGANDA_GOALS = (3, 4, 5, 6, 7, 10, 11, 15)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def independent_lists(wiki: str, goals=UGANDA_GOALS):
    """(goal, kind) → QIDs in rank order, from the source files: a gap is an item of a set of
    the goal that looked at *wiki*, without an article there; translate when it has an article
    in another wiki one of its sets of the goal looked at, ranked by English page views (the
    corpus's en_views), then by those articles, then QID; scratch otherwise, ranked by the
    corpus's sitelink_count (0 for an item it lacks), then QID."""
    sets = source_sets(FIXTURES)
    corpus = {r["qitem"]: r for r in _csv(FIXTURES / UGANDA)}
    has = {(q, w) for s in sets.values() for w, qids in s.articles.items() for q in qids}
    out = {}
    for goal in goals:
        known: dict[str, set[str]] = {}
        for s in sets.values():
            if s.goal == goal:
                for q in s.counted(True):
                    known.setdefault(q, set()).update(s.articles)
        gaps = [q for q, wikis in known.items() if wiki in wikis and (q, wiki) not in has]
        links = {q: sum(1 for w in known[q] if (q, w) in has) for q in gaps}
        views = {q: int(corpus[q]["en_views"]) if q in corpus else 0 for q in gaps}
        count = {q: int(corpus[q]["sitelink_count"]) if q in corpus else 0 for q in gaps}
        out[(goal, "translate")] = sorted((q for q in gaps if links[q]),
                                          key=lambda q: (-views[q], -links[q], int(q[1:])))
        out[(goal, "scratch")] = sorted((q for q in gaps if not links[q]),
                                        key=lambda q: (-count[q], int(q[1:])))
    return out


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "run", "--quiet", "--no-history", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=900)


def test_rank_demand_orders_lugandas_gaps_by_english_page_views(tmp_path):
    goals = ",".join(map(str, UGANDA_GOALS))
    done = _run("--rank", "demand", "--goals", goals, "--languages", "lg",
                "--gaps-per-wiki", "all", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    rows = _csv(tmp_path / "gaps.csv")
    assert list(rows[0]) == ["goal", "wiki", "language", "rank", "qid", "label", "sitelinks",
                             "kind"]
    got: dict[tuple[int, str], list[str]] = {}
    for r in rows:
        assert r["wiki"] == "lgwiki"
        got.setdefault((int(r["goal"]), r["kind"]), []).append(r["qid"])
        assert int(r["rank"]) == len(got[(int(r["goal"]), r["kind"])])  # 1, 2, … per kind
    expected = {k: v for k, v in independent_lists("lgwiki").items() if v}
    assert got == expected
    # English page views do decide: in the lists to translate, the order is not the sitelinks'
    corpus = {r["qitem"]: int(r["en_views"]) for r in _csv(FIXTURES / UGANDA)}
    water = got[(6, "translate")]
    assert [corpus.get(q, 0) for q in water] == sorted((corpus.get(q, 0) for q in water),
                                                       reverse=True)
    assert corpus[water[0]] > 0
    sitelinks = _run("--goals", "6", "--languages", "lg", "--gaps-per-wiki", "all",
                     "--out", str(tmp_path / "by-sitelinks"))
    assert sitelinks.returncode == 0, sitelinks.stderr[-2000:]
    default = [r["qid"] for r in _csv(tmp_path / "by-sitelinks" / "gaps.csv")
               if r["kind"] == "translate"]
    assert sorted(default) == sorted(water) and default != water


def test_each_kind_is_bounded_on_its_own(tmp_path):
    done = _run("--rank", "demand", "--goals", "6", "--languages", "lg", "--gaps-per-wiki", "5",
                "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    rows = _csv(tmp_path / "gaps.csv")
    expected = independent_lists("lgwiki", goals=(6,))
    kinds = {kind: [r["qid"] for r in rows if r["kind"] == kind]
             for kind in ("translate", "scratch")}
    assert kinds == {k: expected[(6, k)][:5] for k in kinds}
    assert len(expected[(6, "translate")]) > 5 and len(expected[(6, "scratch")]) > 5
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["gap_kinds"] == {"translate": 5, "scratch": 5}


def test_the_analysis_says_which_ranking_it_uses():
    from bot.runs import RunRequest, run

    by_demand = run(RunRequest(goals=(7,), languages=("lg",), rank="demand", write=False))
    assert by_demand.analysis.rank == "demand"
    assert by_demand.analysis.demand["wikis"] == ["enwiki"]
    assert "Uganda-Content-Gap-Observatory" in by_demand.analysis.demand["source"]
    assert set(by_demand.analysis.gaps["kind"]) <= {"translate", "scratch"}
    plain = run(RunRequest(goals=(7,), languages=("lg",), write=False))
    assert plain.analysis.rank == "sitelinks" and plain.analysis.demand is None


# ---- the pageviews API, through a local server in its format ------------------------------------


@pytest.fixture()
def pageviews():
    server = PageviewsServer().start()
    yield server
    server.stop()


def _fetcher(server, tmp_path=None, **options):
    from bot.cache import QueryCache
    from bot.languages import load_wikis
    from bot.pageviews import PageviewFetcher

    cache = QueryCache(tmp_path / "cache", 3600) if tmp_path is not None else None
    return PageviewFetcher(load_wikis(), contact="tests@localhost", base=server.url,
                           cache=cache, today=date(2018, 5, 22), **options)


ARTICLES = [("Q42", "enwiki", "Douglas Adams"), ("Q7942", "enwiki", "Climate change")]


def _frame(rows):
    import pandas as pd

    return pd.DataFrame(rows, columns=["qid", "wiki", "title"])


def test_the_client_sums_the_months_of_an_article_and_skips_one_without_views(pageviews):
    fetched = _fetcher(pageviews, months=1)(_frame(ARTICLES))
    assert (fetched.start, fetched.end) == ("20180401", "20180430")
    assert fetched.frame.to_dict("records") == [
        {"qid": "Q42", "wiki": "enwiki", "views": april_2018_douglas_adams()}]
    assert fetched.problems == [] and fetched.api_calls == 2
    paths = sorted(path for path, _agent in pageviews.requests)
    assert paths == [
        "/api/rest_v1/metrics/pageviews/per-article/en.wikipedia/all-access/user/"
        "Climate_change/monthly/20180401/20180430",
        "/api/rest_v1/metrics/pageviews/per-article/en.wikipedia/all-access/user/"
        "Douglas_Adams/monthly/20180401/20180430",
    ]
    assert all("tests@localhost" in agent for _path, agent in pageviews.requests)


def test_a_title_is_percent_encoded_and_the_period_is_whole_months(pageviews):
    from bot.pageviews import article_url, period

    assert period(date(2026, 1, 15)) == ("20250701", "20251231")
    assert period(date(2024, 3, 1), months=1) == ("20240201", "20240229")
    url = article_url("https://wikimedia.org/api/rest_v1", "en", "Are You the One?", *period(
        date(2026, 1, 15)))
    assert url.endswith("/en.wikipedia/all-access/user/Are_You_the_One%3F/monthly/20250701/"
                        "20251231")
    fetched = _fetcher(pageviews, months=2)(_frame([("Q42", "enwiki", "AC/DC (band)")]))
    assert fetched.frame.empty and fetched.problems == []
    assert pageviews.requests[0][0].endswith("/user/AC%2FDC_%28band%29/monthly/20180301/"
                                             "20180430")


def test_answers_are_cached_like_sparql_answers(pageviews, tmp_path):
    first = _fetcher(pageviews, tmp_path, months=1)(_frame(ARTICLES))
    asked = len(pageviews.requests)
    again = _fetcher(pageviews, tmp_path, months=1)(_frame(ARTICLES))
    assert len(pageviews.requests) == asked == 2  # the 200 and the 404 both came from the cache
    assert again.api_calls == 0 and again.cache_hits == 2
    assert again.frame.to_dict("records") == first.frame.to_dict("records")


def test_a_throttled_request_is_retried_and_a_failing_api_is_given_up():
    throttled = PageviewsServer(faults=[(429, {"Retry-After": "0"})]).start()
    try:
        waits = []
        fetched = _fetcher(throttled, months=1, sleep=waits.append)(_frame(ARTICLES[:1]))
        assert fetched.frame["views"].tolist() == [april_2018_douglas_adams()]
        assert fetched.api_calls == 2 and fetched.problems == [] and waits == []
    finally:
        throttled.stop()
    broken = PageviewsServer(faults=[(503, {})] * 50).start()
    try:
        from bot.retry import RetryPolicy

        clock = [0.0]

        def sleep(seconds):
            clock[0] += seconds

        policy = RetryPolicy(max_retries=2, give_up_after=10, clock=lambda: clock[0],
                             sleep=sleep)
        fetched = _fetcher(broken, months=1, policy=policy)(_frame(ARTICLES))
        assert fetched.frame.empty
        [problem] = fetched.problems
        assert problem.startswith("page views: the pageviews API ") and "HTTP 503" in problem
        assert "the demand of 2 article(s) is unknown and counts 0" in problem or (
            "could not be fetched" in problem)
    finally:
        broken.stop()


@pytest.mark.server
def test_a_live_run_asks_the_api_for_its_items_english_articles(oxigraph_snapshot_server,
                                                                pageviews):
    from urllib.parse import unquote

    from bot.catalogue import load_catalogue
    from bot.runs import RunRequest, run
    from bot.runs_facts import DataSource

    source = DataSource(endpoint=oxigraph_snapshot_server.query_url, contact="tests@localhost",
                        fallback="none", cache_dir=None, pagesizes=False,
                        pageviews_api=pageviews.url)
    power = load_catalogue().itemset("sdg7-uganda-power")
    done = run(RunRequest(source=source, itemsets=(power,), languages=("lg",), rank="demand",
                          write=False))
    _goal, classes = UGANDA_CLASSES["sdg7-uganda-power"]
    titles = {r["en_title"] for r in _csv(FIXTURES / UGANDA)
              if classes & set(r["types"].split("|")) and r["en_title"]}
    asked = {unquote(path.split("/user/")[1].split("/monthly/")[0]).replace("_", " ")
             for path, _ in pageviews.requests}
    assert asked == titles and len(asked) > 40
    analysis = done.analysis
    assert analysis.rank == "demand" and analysis.counts["pageview_calls"] == len(titles)
    assert analysis.demand["source"].startswith(pageviews.url)
    assert analysis.provenance["demand"]["wikis"] == ["enwiki"]
