"""Campaign definitions (TOML and templates), the month-by-month count, and speakers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bot.campaign.impact import CSV_COLUMNS, measure
from bot.campaign.spec import parse_campaigns, read_file
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]

TEMPLATE = """Our campaigns.
{{SDG gaps campaign
| name      = Water in Swahili
| partner   = Test partner
| goals     = 6, 18, 3.8
| languages = sw, lg
| start     = 2026-12-01
| end       = 2027-02-30
| page      = Project:SDG gaps/Water
| evry      = 7
| rows      = many
}}
{{SDG gaps campaign
| name  = No languages
| goals = 6
| start = 2026-12-01
| page  = Project:SDG gaps/Nothing
}}
"""


def test_the_sample_campaign_reads_as_written():
    campaign = read_file(REPO / "samples" / "campaign.toml")
    assert (campaign.goals, campaign.targets, campaign.languages) == ((6,), ("3.8",),
                                                                     ("sw", "lg"))
    assert (campaign.start, campaign.end) == (date(2026, 12, 1), date(2027, 6, 30))
    assert campaign.rows == 100 and campaign.page.startswith("Project:SDG gaps/")
    assert campaign.series == f"campaign: {campaign.name}"


def test_each_mistake_in_a_template_is_one_message_and_the_rest_runs():
    campaigns, messages = parse_campaigns(TEMPLATE)
    assert [str(m) for m in messages] == [
        "Line 5, campaign 1 (Project:SDG gaps/Water), parameter “goals”: “18” is not a goal or "
        "a target; it is left out. Expected goal numbers 1–17 or targets like 15.8, separated "
        "by commas.",
        "Line 8, campaign 1 (Project:SDG gaps/Water), parameter “end”: “2027-02-30” is not a "
        "date; it is left out (the campaign has no end date). Expected: the last day as "
        "YYYY-MM-DD, e.g. 2027-06-30.",
        "Line 10, campaign 1 (Project:SDG gaps/Water): unknown parameter “evry”; it is "
        "ignored. Expected one of: name, partner, goals, languages, start, end, page, rows.",
        "Line 11, campaign 1 (Project:SDG gaps/Water), parameter “rows”: “many” is not a row "
        "limit; 100 is used. Expected a whole number from 1 to 5,000.",
        "Line 13, campaign 2 (Project:SDG gaps/Nothing), parameter “languages”: no language "
        "given; this campaign is skipped. Expected: Wikipedia language codes, e.g. sw, lg.",
    ]
    [water] = campaigns  # the second cannot run; the first runs with its valid values
    assert (water.goals, water.targets, water.languages, water.end, water.rows) == (
        (6,), ("3.8",), ("sw", "lg"), None, 100)
    assert water.line_of("goals") == 5


def test_a_report_page_with_only_campaigns_is_not_called_empty():
    from bot.onwiki import parse_config

    assert parse_config(TEMPLATE).messages == []


def test_a_campaign_file_with_mistakes_is_one_line_naming_them_all(tmp_path):
    path = tmp_path / "campaign.toml"
    path.write_text('name = "X"\ngoals = [6, 99]\nlanguages = "sw"\nstart = "2026-12-01"\n'
                    'page = "Project:X"\nrowz = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        read_file(path)
    message = str(error.value)
    assert "\n" not in message
    assert "Line 6: unknown parameter “rowz”" in message and "Did you mean “rows”?" in message
    assert "Line 2, parameter “goals”: “99” is not a goal or a target" in message
    path.write_text("name = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a TOML file"):
        read_file(path)


# Real items of the bundled snapshot (Uganda hospitals and water bodies).
ITEMS = pd.DataFrame({
    "wiki": ["swwiki", "swwiki", "swwiki", "lgwiki"],
    "qid": ["Q3825255", "Q5617907", "Q6050951", "Q3825255"],
    "goal": [3, 3, 3, 3],
    "position": pd.array([1, 2, None, 1], dtype="Int64"),
    "label": ["a", "b", "c", "a"],
})


def test_months_carry_the_latest_look_and_start_from_the_publication():
    looks = pd.DataFrame({
        "run": [2, 3, 3, 5], "run_id": ["r2", "r3", "r3", "r5"],
        "series": ["cli", "x", "x", "cli"],
        "finished": ["2027-01-10T00:00:00+00:00", "2027-01-20T00:00:00+00:00",
                     "2027-01-20T00:00:00+00:00", "2027-03-02T00:00:00+00:00"],
        "complete": [1, 1, 1, 1], "wiki": ["swwiki", "swwiki", "lgwiki", "swwiki"]})
    seen = pd.DataFrame({
        "run": [2, 3, 3, 5, 5], "wiki": ["swwiki", "swwiki", "swwiki", "swwiki", "swwiki"],
        "qid": ["Q3825255", "Q3825255", "Q6050951", "Q3825255", "Q5617907"],
        "state": ["article", "article", "article", "article", "unseen"],
        "title": [None] * 5})
    got = measure(ITEMS, looks, seen, start=date(2026, 12, 1), frozen_at="2026-12-05T10:00:00")
    assert list(got.months.columns) == CSV_COLUMNS
    rows = [tuple(r) for r in got.months.itertuples(index=False)]
    assert rows == [
        ("lgwiki", "2026-12", 1, 0, 1, 0, 0), ("lgwiki", "2027-01", 1, 0, 1, 0, 0),
        ("lgwiki", "2027-02", 1, 0, 1, 0, 0), ("lgwiki", "2027-03", 1, 0, 1, 0, 0),
        ("swwiki", "2026-12", 2, 0, 2, 1, 0), ("swwiki", "2027-01", 2, 1, 1, 1, 1),
        ("swwiki", "2027-02", 2, 1, 1, 1, 1),  # no look: January's carried
        ("swwiki", "2027-03", 2, 1, 0, 1, 0),  # one created, one unseen, none missing
    ]
    # Looks before the start are not counted.
    later = measure(ITEMS, looks, seen, start=date(2027, 2, 1), frozen_at="2026-12-05")
    assert later.months["month"].min() == "2027-02"
    assert set(later.runs["run"]) == {5}


def test_speakers_come_from_cldr_through_language_data():
    from language_data.population_data import LANGUAGE_SPEAKING_POPULATION

    from bot.languages import bcp47, load_wikis

    wikis = load_wikis()
    assert wikis.speakers("swwiki") == LANGUAGE_SPEAKING_POPULATION["sw"]
    assert wikis.speakers("zh_yuewiki") == LANGUAGE_SPEAKING_POPULATION["yue"]
    assert bcp47("als") == "gsw" and bcp47("simple") == "en-simple"
    assert wikis.speakers("simplewiki") is None  # CLDR has no figure: unknown, not invented
