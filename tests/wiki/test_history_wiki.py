"""Three scheduled runs over changing data, against the real test wiki: the "Since the last run"
sections list exactly the gaps closed and opened between the runs.

The data changes by deletion only: each run reads a copy of the bundled snapshot with some real
sitelinks left out (tests/derived_snapshot.py). A sitelink left out in one run and back in the
next is a gap closed; one present and then left out is a new gap.
"""

import re

import pytest

from bot.schedule import ScheduleOptions, run_schedule
from tests.derived_snapshot import choose, derive

pytestmark = pytest.mark.wiki

CONFIG = "Project:SDG gaps/Config"
ROOT = "Project:SDG gaps/Species"
CONFIG_TEXT = f"""Reports of our project.
{{{{SDG gaps report
| page      = {ROOT}
| goals     = 15
| languages = fr, de
| every     = 7
| rows      = 100
}}}}
"""
ITEM = re.compile(r"https://www\.wikidata\.org/wiki/(Q\d+)")


def schedule(tmp_path, snapshot, **options):
    lines = []
    result = run_schedule(ScheduleOptions(
        config_page=CONFIG, history=tmp_path / "history.sqlite", out_dir=tmp_path / "out",
        snapshot=snapshot, echo=lines.append, **options))
    return result, lines


def since(text: str, heading: str) -> dict[str, set[str]]:
    """The QIDs listed as closed and as new under *heading*'s "Since the last run"."""
    section = text[text.index(f"== {heading} =="):]
    section = section[section.index("=== Since the last run ==="):]
    section = section[: section.index("\n==", 5)] if "\n==" in section[5:] else section
    closed, opened = set(), set()
    bucket = None
    for line in section.splitlines():
        if line.startswith("Gaps closed"):
            bucket = closed
        elif line.startswith("New gaps"):
            bucket = opened
        elif line.startswith("* ") and bucket is not None:
            bucket.update(ITEM.findall(line)[-1:])
    return {"closed": closed, "opened": opened}


def test_three_runs_list_exactly_the_gaps_closed_and_opened(wiki, tmp_path):
    picked = choose({"fr": 6, "de": 3})
    fr, de = picked["fr"], picked["de"]
    a, b, c = fr[0:2], fr[2:4], fr[4:6]
    b_de, d_de = de[0:1], de[1:3]
    data = [
        derive(tmp_path / "s1", [(q, "fr") for q in a + b] + [(q, "de") for q in b_de]),
        derive(tmp_path / "s2", [(q, "fr") for q in b + c] + [(q, "de") for q in b_de]),
        derive(tmp_path / "s3", [(q, "de") for q in d_de]),
    ]
    expected = [
        None,  # the first run has nothing to compare with
        {"fr": {"closed": set(a), "opened": set(c)}, "de": {"closed": set(), "opened": set()}},
        {"fr": {"closed": set(b + c), "opened": set()},
         "de": {"closed": set(b_de), "opened": set(d_de)}},
    ]
    wiki.edit(CONFIG, CONFIG_TEXT)
    page = {sub: f"Test Wiki:SDG gaps/Species/{sub}" for sub in ("fr", "de")}
    for run, (snapshot, want) in enumerate(zip(data, expected, strict=True), 1):
        # --page: run by hand, although the report is due only every 7 days.
        result, lines = schedule(tmp_path, snapshot, page=ROOT)
        assert result.exit_code == 0, lines
        [report] = result.reports
        assert report.status == "done", report
        assert {o.status for o in report.outcomes} == {"saved"}, report.outcomes
        for sub in ("fr", "de"):
            text = wiki.text(page[sub])
            if want is None:
                assert "first run of this report" in text
                continue
            assert since(text, "SDG 15: Life on land") == want[sub], (run, sub)
            # The listed items are external links: the wiki's parser agrees.
            parsed = wiki.parse(page[sub])
            urls = {link for link in parsed["externallinks"] if ITEM.fullmatch(link)}
            listed = want[sub]["closed"] | want[sub]["opened"]
            assert {f"https://www.wikidata.org/wiki/{q}" for q in listed} <= urls
        # The writer's edit summary counts only the gap table's item links: −closed, +opened.
        comment = wiki.revisions(page["fr"])[-1]["comment"]
        if want is not None:
            fr_want = want["fr"]
            assert f"(\u2212{len(fr_want['closed'])}, +{len(fr_want['opened'])})" in comment
    # The goal page sums the languages up; the history holds the three runs.
    goal = wiki.text("Test Wiki:SDG gaps/Species/SDG 15")
    assert "== Since the last run ==" in goal
    assert "French (fr)" in goal and "4 closed, 0 new" in goal
    assert "German (de)" in goal and "1 closed, 2 new" in goal
    from bot.history import History

    with History.open(tmp_path / "history.sqlite") as history:
        runs = history.runs("Test Wiki:SDG gaps/Species")
        assert [r.published for r in runs] == [True, True, True]
        assert history.check() == []
        trend = history.trend(goal=15, language="fr")
        assert list(trend["missing"].diff().dropna()) == [0, -4]


def test_a_report_updated_recently_is_skipped_and_page_runs_it_by_hand(wiki, tmp_path):
    wiki.edit(CONFIG, CONFIG_TEXT)
    result, _ = schedule(tmp_path, None)
    assert [r.status for r in result.reports] == ["done"]
    revid = wiki.revid("Test Wiki:SDG gaps/Species/fr")
    result, lines = schedule(tmp_path, None)
    [report] = result.reports
    assert report.status == "skipped" and "every 7 day(s)" in report.reason, report
    assert wiki.revid("Test Wiki:SDG gaps/Species/fr") == revid
    status = wiki.text("Test Wiki:SDG gaps/Config/Status")
    assert "skipped" in status and "every 7 day(s)" in status
    # By hand (the title written as the wiki spells it): it runs; the data did not change, so
    # the pages are unchanged (no edit).
    result, _ = schedule(tmp_path, None, page="Test_Wiki:SDG_gaps/Species")
    [report] = result.reports
    assert report.status == "done"
    assert {o.status for o in report.outcomes} <= {"unchanged", "saved"}
    # Forgetting the history does not make it due: the bot's last edit of the page counts too.
    (tmp_path / "history.sqlite").unlink()
    result, _ = schedule(tmp_path, None)
    assert result.reports[0].status == "skipped"
