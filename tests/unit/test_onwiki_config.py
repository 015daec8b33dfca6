"""The organizers' configuration page: parsing, validation, messages (no wiki needed)."""

from pathlib import Path

import pytest

from bot.catalogue import load_catalogue
from bot.languages import load_wikis
from bot.onwiki import ConfigMessage, parse_config, resolve_report
from bot.schedule import snapshot_qids_observed

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "config-page.wiki"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def wikis():
    return load_wikis()


def resolve(spec, catalogue, wikis, embedded=True):
    return resolve_report(spec, catalogue, wikis, embedded=embedded, report_languages=["en"],
                          snapshot_qids=snapshot_qids_observed(catalogue) if embedded else None)


def test_the_sample_page_is_valid_and_runs_on_the_bundled_snapshot(catalogue, wikis):
    config = parse_config(SAMPLE.read_text(encoding="utf-8"))
    assert config.messages == []
    assert [r.page for r in config.reports] == [
        "Project:SDG gaps/Climate", "Project:SDG gaps/Invasive species",
        "Project:SDG gaps/Watchlist"]
    climate, species, watch = config.reports
    assert (climate.goals, climate.languages, climate.every_days, climate.rows) == (
        (13,), ("fr", "de", "es"), 7, 100)
    assert (species.goals, species.targets) == ((), ("15.8",))
    assert species.languages == ("de", "pl", "lt", "lv", "et", "fi", "sv", "da")
    assert watch.items == ("Q7942", "Q125928", "Q294804", "Q537615", "Q3278929")
    assert watch.items_goal == 13 and watch.items_title == "Our watchlist"
    for spec in config.reports:
        resolved, messages = resolve(spec, catalogue, wikis)
        assert messages == [] and resolved is not None
    resolved, _ = resolve(species, catalogue, wikis)
    assert resolved.itemsets == ("sdg15-eu-invasive-alien-species",)
    resolved, _ = resolve(watch, catalogue, wikis)
    assert resolved.custom == watch.items and "frwiki" in resolved.custom_observed


def test_every_mistake_names_its_line_and_what_is_expected(catalogue, wikis):
    text = "\n".join([
        "Intro text, {{Some other template}} and <nowiki>{{SDG gaps report}}</nowiki>.",  # 1
        "{{SDG gaps report",                                                   # 2
        "| page = Project:A",                                                  # 3
        "| goals = 13, 18, 15.8, 15.99",                                       # 4
        "| languages = fr, xx, sw",                                            # 5
        "| evry = 3",                                                          # 6
        "| rows = lots",                                                       # 7
        "| report language = tlh",                                             # 8
        "}}",                                                                  # 9
        "{{SDG gap report|page=Project:B|goals=15}}",                          # 10
        "{{SDG gaps report",                                                   # 11
        "| goals = 15",                                                        # 12
        "}}",                                                                  # 13
        "{{SDG gaps report|page=Project:A|goals=15}}",                         # 14
        "{{SDG gaps report|page=Project:C|items=Q7942 Q1 banana|languages=fr}}",  # 15
    ])
    config = parse_config(text)
    messages = [str(m) for m in config.messages]
    assert [m.line for m in config.messages] == [4, 6, 7, 10, 11, 14, 15, 15, 15], messages
    assert "“18” is not a goal or a target" in messages[0] and "Expected goal" in messages[0]
    assert "unknown parameter “evry”" in messages[1] and "Did you mean “every”?" in messages[1]
    assert "“lots” is not a row limit" in messages[2] and "1 to 5,000" in messages[2]
    assert "did you mean “SDG gaps report”" in messages[3]
    assert messages[4].startswith("Line 11, report 2, parameter “page”: no page given")
    assert "already the root of report 1" in messages[5]
    assert "“banana”" in messages[6] and "not a Wikidata item" in messages[6]
    assert "items goal" in messages[7] and "your items are left out" in messages[7]
    assert "this report is skipped" in messages[8]
    assert [r.page for r in config.reports] == ["Project:A"]
    [report] = config.reports
    assert report.goals == (13,) and report.targets == ("15.8", "15.99")
    resolved, found = resolve(report, catalogue, wikis)
    said = [str(m) for m in found]
    assert [m.line for m in found] == [4, 5, 5, 8], said
    assert "target 15.99 does not exist" in said[0]
    assert "“xx” is not a Wikipedia language code" in said[1]
    assert "sw was not looked at" in said[2]
    assert "no translation for “tlh”" in said[3] and "Expected one of: en" in said[3]
    assert resolved.itemsets == ("sdg13-climate-change", "sdg15-eu-invasive-alien-species")
    assert resolved.languages == ("frwiki",) and resolved.report_language == "en"


def test_a_goal_the_snapshot_lacks_is_left_out_on_the_embedded_store_only(catalogue, wikis):
    [spec] = parse_config("{{SDG gaps report|page=P|goals=2, 15|languages=de}}").reports
    resolved, found = resolve(spec, catalogue, wikis)
    assert len(found) == 1 and "goal 2 has no item set in the bundled snapshot" in str(found[0])
    assert resolved.itemsets == tuple(
        s.id for s in catalogue.itemsets_for([15], snapshot_only=True)
    )
    live, found = resolve(spec, catalogue, wikis, embedded=False)
    assert found == [] and {catalogue.itemset(i).goal for i in live.itemsets} == {2, 15}


def test_a_report_with_nothing_left_is_skipped_with_a_reason(catalogue, wikis):
    [spec] = parse_config("{{SDG gaps report|page=P|goals=1|languages=fr}}").reports
    resolved, found = resolve(spec, catalogue, wikis)
    assert resolved is None
    assert "this report is skipped" in str(found[-1])


def test_values_organizers_write_in_many_ways(catalogue, wikis):
    config = parse_config(
        "{{Template:SDG_gaps_report\n|Page=X\n|GOALS= SDG 13 ;sdg15\n|Languages=All\n"
        "|every=weekly\n|rows=1,000\n|report_language=EN}}\n"
        "{{sDG gaps report|page=Y|goals=15|every=0|lang=en}}"
    )
    assert config.messages == []
    x, y = config.reports
    assert x.goals == (13, 15) and x.languages is None and x.every_days == 7 and x.rows == 1000
    assert x.report_language == "en"
    assert y.every_days == 0


def test_a_page_with_no_report_says_so():
    config = parse_config("Nothing here yet.")
    assert config.reports == []
    assert [m.line for m in config.messages] == [1]
    assert "no {{SDG gaps report}} template" in str(config.messages[0])


def test_message_text_is_one_line_with_its_place():
    message = ConfigMessage(7, "what is wrong. Expected: this.", 2, "Project:X", "goals")
    assert str(message) == "Line 7, report 2 (Project:X), parameter “goals”: what is wrong. " \
        "Expected: this."


def test_only_an_unknown_code_becomes_a_message_other_errors_surface(catalogue, wikis):
    """A look-up that fails for any reason but "no such Wikipedia" is a bug, not an organizer's
    mistake: it must not be reported to the organizer as an unknown language code.

    The failing look-up is a stand-in (the real site table cannot be made to fail this way);
    the unknown code beside it goes through the real one.
    """
    from bot.languages import Wikis

    class FailingLookup(Wikis):
        def resolve(self, code):
            if code == "de":
                raise LookupError("the site table is broken")
            return super().resolve(code)

    broken = FailingLookup(wikis.get(w) for w in ("frwiki", "dewiki"))
    [spec] = parse_config("{{SDG gaps report|page=P|goals=15|languages=xx, de}}").reports
    with pytest.raises(LookupError, match="site table is broken"):
        resolve(spec, catalogue, broken)
    [spec] = parse_config("{{SDG gaps report|page=P|goals=15|languages=xx, fr}}").reports
    _, found = resolve(spec, catalogue, broken)
    assert "“xx” is not a Wikipedia language code" in str(found[0])


def test_rank_demand_is_read_and_a_wrong_ranking_is_one_message_naming_its_line():
    text = "\n".join([
        "{{SDG gaps report|page=Project:A|goals=13|rank=Demand}}",   # 1
        "{{SDG gaps report",                                          # 2
        "| page = Project:B",                                         # 3
        "| goals = 15",                                               # 4
        "| rank = popularity",                                        # 5
        "}}",                                                         # 6
        "{{SDG gaps report|page=Project:C|goals=15|ranking=sitelinks}}",  # 7
    ])
    config = parse_config(text)
    a, b, c = config.reports
    assert (a.rank, b.rank, c.rank) == ("demand", "sitelinks", "sitelinks")
    [message] = config.messages
    assert message.line == 5 and message.key == "rank"
    assert str(message) == (
        "Line 5, report 2 (Project:B), parameter “rank”: “popularity” is not a ranking; "
        "sitelinks is used. Expected sitelinks (the number of Wikipedias with an article) or "
        "demand (readers' page views).")
    [default] = parse_config("{{SDG gaps report|page=P|goals=15}}").reports
    assert default.rank == "sitelinks"
