"""``items page``: a list of items kept on another wiki page (no wiki needed)."""

from pathlib import Path

from bot.catalogue import load_catalogue
from bot.languages import load_wikis
from bot.onwiki import apply_items_page, parse_config, read_items_list, resolve_report
from bot.schedule import snapshot_qids_observed

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "items-page.wiki"
LIST = "Test Wiki:SDG gaps/Our list"


def one_report(text):
    config = parse_config(text)
    return config.reports, config.messages


def test_every_accepted_line_style_and_the_lines_that_are_not_read():
    text = "\n".join([
        "Intro with a [[Main Page]] link and no item.",           # 1
        "== Q7 is a heading, not read ==",                       # 2
        "Q26283",                                                # 3: PagePile plain text
        "* [[d:Q116667]]",                                       # 4
        "# [[:d:Q121439|Raccoon]]",                              # 5
        "* [[wikidata:Q133189]] – common raccoon dog",           # 6
        "[[Q136668]]",                                           # 7
        "https://www.wikidata.org/wiki/Q148462",                 # 8
        "* [https://www.wikidata.org/entity/Q158035 a URL]",     # 9
        "<!-- Q1",                                               # 10
        "Q2 -->",                                                # 11
        "Q1 Q2",                                                 # 12: two items
        "* [[d:Q0]]",                                            # 13: not an item
        "Q79x",                                                  # 14: not an item
        "<nowiki>Q5</nowiki>",                                   # 15
        "<pre>",                                                 # 16
        "Q158295",                                               # 17
        "</pre>",                                                # 18
        "* [[d:Q26283|Q26283]] again",                           # 19: the same item twice
    ])
    found = read_items_list(text)
    assert found.qids == ("Q26283", "Q116667", "Q121439", "Q133189", "Q136668", "Q148462",
                          "Q158035", "Q158295")
    assert found.several == ((12, "Q1 Q2"),)
    assert found.malformed == ((13, "* [[d:Q0]]"), (14, "Q79x"))


def test_the_sample_list_page_reads_as_written():
    found = read_items_list(SAMPLE.read_text(encoding="utf-8"))
    assert found.qids == ("Q26283", "Q121439", "Q133189", "Q116667")
    assert found.several == () and found.malformed == ()


def test_items_page_is_a_parameter_and_needs_items_goal():
    [spec], messages = one_report(
        "{{SDG gaps report|page=Project:A|items page=Project:SDG gaps/Our list|items goal=15}}")
    assert messages == [] and spec.items_page == "Project:SDG gaps/Our list"
    assert spec.items == () and spec.items_goal == 15
    [spec], messages = one_report(
        "{{SDG gaps report|page=Project:A|goals=13|\nitems_page=Project:L}}")
    assert spec.items_page == "" and [m.key for m in messages] == ["items goal"]
    assert messages[0].line == 1 and "your items are left out" in str(messages[0])
    reports, messages = one_report("{{SDG gaps report|page=Project:A|items page=[[L]]}}")
    assert reports == [] and [m.key for m in messages] == ["items page", "goals"]
    assert "cannot be a page title" in str(messages[0])


def test_the_list_is_added_to_the_inline_items_and_checked_against_the_snapshot():
    [spec], _ = one_report("\n".join([
        "{{SDG gaps report", "| page = Project:A", "| items = Q136668 Q26283",
        "| items page = Project:SDG gaps/Our list", "| items goal = 15", "}}"]))
    text = "Q26283\n* [[d:Q121439]]\n* [[d:Q999999999]]\nQ1 Q2\n"
    spec, messages = apply_items_page(spec, LIST, text)
    assert spec.items == ("Q26283", "Q121439", "Q136668", "Q999999999")
    assert [str(m) for m in messages] == [
        "Line 4, report 1 (Project:A), parameter “items page”: on Test Wiki:SDG gaps/Our list, "
        "line 4 names more than one item (line 4: “Q1 Q2”); it is left out. Expected one item "
        "per line, e.g. Q7942 or * [[d:Q7942]]."]
    catalogue = load_catalogue()
    resolved, messages = resolve_report(
        spec, catalogue, load_wikis(), embedded=True, report_languages=["en"],
        snapshot_qids=snapshot_qids_observed(catalogue))
    assert resolved.custom == ("Q26283", "Q121439", "Q136668")
    assert [(m.key, m.line) for m in messages] == [("items", 3)]
    assert "1 of your 4 items are not in the bundled snapshot (Q999999999)" in str(messages[0])


def test_a_missing_empty_or_redirected_list_says_so_and_adds_nothing():
    [spec], _ = one_report(
        "{{SDG gaps report|page=Project:A|goals=13|items page=Project:L|items goal=15}}")
    for text, said in [
        (None, "the page Test Wiki:L does not exist; its items are left out. Expected a page "
               "listing one Wikidata item per line"),
        ("Nothing here yet.\n== Items ==\n", "Test Wiki:L lists no Wikidata item"),
        ("#REDIRECT [[Project:M]]", "Test Wiki:L is a redirect to Project:M"),
    ]:
        after, messages = apply_items_page(spec, "Test Wiki:L", text)
        assert after.items == () and len(messages) == 1, messages
        assert said in str(messages[0]) and messages[0].key == "items page"
    after, messages = apply_items_page(spec, "Project:L", None,
                                       problem="'Project:L' is not a valid page title: x")
    assert after.items == () and "not a valid page title" in str(messages[0])


def test_several_unread_lines_are_one_message_naming_them():
    [spec], _ = one_report("{{SDG gaps report|page=Project:A|items page=Project:L|items goal=15}}")
    spec, messages = apply_items_page(spec, "Test Wiki:L", "Q26283\nQ4x\nok\n[[d:Q0]]\n")
    assert spec.items == ("Q26283",) and len(messages) == 1
    assert "on Test Wiki:L, lines 2, 4 name something that is not a Wikidata item (line 2: " \
        "“Q4x”); they are left out." in str(messages[0])
