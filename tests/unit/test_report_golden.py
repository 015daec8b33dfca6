"""Golden tests of the wikitext of small fixed pages (tests/golden/report-*.wiki).

The pages are those of SDG 15 (the 88 EU invasive species, and the two Uganda sets that observed
no Polish Wikipedia) reported for Polish only, five gap rows a goal, with the run's id and time
fixed, in English and in French. When a page changes on
purpose, regenerate the files with
``SDG_GAPS_UPDATE_GOLDEN=1 pytest tests/unit/test_report_golden.py``
(every golden test then fails, saying what it wrote: tests/golden.py), review the diff like any
other change and run the tests again.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.golden import check_golden, golden_dir


@pytest.fixture(scope="module")
def analysis():
    from tests.plugins.analyses import snapshot_analysis

    result = snapshot_analysis(goals=(15,), languages=("pl",))
    result.run_id = "20260101T000000Z"
    result.started = result.finished = datetime(2026, 1, 1, tzinfo=UTC)
    return result


CASES = [
    ("en", "summary", "report-summary-en.wiki"),
    ("en", "goal-15", "report-goal-15-en.wiki"),
    ("en", "lang-pl", "report-lang-pl-en.wiki"),
    ("fr", "lang-pl", "report-lang-pl-fr.wiki"),
]


@pytest.mark.parametrize("lang, page_id, name", CASES)
def test_page_matches_golden(analysis, lang, page_id, name):
    from bot.report.pages import build_pages

    pages = {p.id: p for p in build_pages(analysis, lang=lang, page_rows=5)}
    text = pages[page_id].body + "\n"
    check_golden(name, text)


def test_golden_pages_show_what_the_issue_asks(analysis):
    page = (golden_dir() / "report-lang-pl-en.wiki").read_text(encoding="utf-8")
    assert page.count("[[:d:") == 5 and page.count("Special:ContentTranslation?from=") == 5
    assert "Target 15.8 (" in page and "Showing the first 5 of 35" in page
    assert "The whole ranked list as a query: [https://query.wikidata.org/#" in page
    goal = (golden_dir() / "report-goal-15-en.wiki").read_text(encoding="utf-8")
    assert '|- class="sortbottom"' in goal and "== By target ==" in goal and "== Legend ==" in goal


def test_drill_down_follows_the_endpoint_to_qlever(analysis):
    from urllib.parse import unquote

    from bot.report.pages import build_pages

    pages = {p.id: p for p in build_pages(analysis, page_rows=5, service="qlever")}
    body = pages["lang-pl"].body
    assert "https://query.wikidata.org/" not in body
    links = [u for u in body.split("[") if u.startswith("https://qlever.dev/wikidata/?query=")]
    assert len(links) == 3  # the goal line, the target line and the ranked list
    query = unquote(links[0].split(" ", 1)[0].removeprefix("https://qlever.dev/wikidata/?query="))
    assert "PREFIX schema: <http://schema.org/>" in query and "COUNT(?article)" in query
    assert "on QLever" in body
