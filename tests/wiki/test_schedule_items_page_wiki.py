"""``items page`` against the real test wiki: a list of items kept on its own page becomes a
report's item set; a missing list is named on the status page and the other reports run."""

import html
from pathlib import Path

import pytest

from bot.schedule import ScheduleOptions, run_schedule

pytestmark = pytest.mark.wiki

REPO = Path(__file__).resolve().parents[2]
CONFIG = "Project:SDG gaps/Config"
STATUS = "Test Wiki:SDG gaps/Config/Status"
LIST = "Project:SDG gaps/Our list"
# samples/items-page.wiki lists these four, all in the bundled snapshot's invasive species set
# (queries/pinned/sdg15-eu-invasive-alien-species.txt); Q136668 (Asian hornet) is inline.
LISTED = {"Q26283", "Q121439", "Q133189", "Q116667"}


def schedule(tmp_path):
    lines = []
    result = run_schedule(ScheduleOptions(
        config_page=CONFIG, history=tmp_path / "history.sqlite", out_dir=tmp_path / "out",
        echo=lines.append))
    return result, lines


def test_a_list_on_its_own_page_becomes_the_reports_items(wiki, tmp_path):
    wiki.edit(LIST, (REPO / "samples" / "items-page.wiki").read_text(encoding="utf-8"))
    wiki.edit(CONFIG, """{{SDG gaps report
| page        = Project:SDG gaps/Invasive
| items       = Q136668
| items page  = Project:SDG gaps/Our list
| items goal  = 15
| items title = Invasive mammals and birds
| languages   = de
}}""")
    result, lines = schedule(tmp_path)
    assert result.exit_code == 0, lines
    assert result.messages == []
    [report] = result.reports
    assert (report.page, report.status) == ("Test Wiki:SDG gaps/Invasive", "done")
    assert {o.status for o in report.outcomes} == {"saved"}
    # The set analysed: the list's four items and the inline one.
    [items] = (tmp_path / "out").glob("*/run-*/itemsets/onwiki-*.txt")  # none written to run
    assert set(items.read_text().split("\n")[1:-1]) == LISTED | {"Q136668"}
    summary = html.unescape(wiki.parse("Test Wiki:SDG gaps/Invasive")["text"])
    assert "Invasive mammals and birds: 5 items" in summary
    assert "5 items listed on the configuration page and on Project:SDG gaps/Our list" in summary
    german = wiki.text("Test Wiki:SDG gaps/Invasive/de")
    assert "5 of 5 items have an article" in german
    for qid in LISTED | {"Q136668"}:
        assert f"wd%3A{qid}%20" in german  # in the query that reproduces the figures
    assert "None: the configuration page is valid." in wiki.text(STATUS)


def test_a_missing_items_page_is_named_on_the_status_page_and_the_rest_runs(wiki, tmp_path):
    wiki.edit(CONFIG, """{{SDG gaps report
| page       = Project:SDG gaps/Invasive
| items page = Project:SDG gaps/No such list
| items goal = 15
| languages  = de
}}
{{SDG gaps report
| page      = Project:SDG gaps/Climate
| goals     = 13
| languages = fr
}}""")
    result, lines = schedule(tmp_path)
    assert result.exit_code == 0, lines
    assert [str(m) for m in result.messages] == [
        "Line 1, report 1 (Project:SDG gaps/Invasive), parameter “goals”: nothing left to "
        "report on after the mistakes above; this report is skipped.",
        "Line 3, report 1 (Project:SDG gaps/Invasive), parameter “items page”: the page "
        "Test Wiki:SDG gaps/No such list does not exist; its items are left out. Expected a "
        "page listing one Wikidata item per line, e.g. Q7942 or * [[d:Q7942]] (see "
        "samples/items-page.wiki).",
    ]
    assert [(r.page, r.status) for r in result.reports] == [
        ("Test Wiki:SDG gaps/Invasive", "skipped"), ("Test Wiki:SDG gaps/Climate", "done")]
    assert wiki.exists("Test Wiki:SDG gaps/Climate/fr")
    assert not wiki.exists("Test Wiki:SDG gaps/Invasive")
    html = wiki.parse(STATUS)["text"]
    assert "Line 3, report 1" in html and "No such list does not exist" in html
