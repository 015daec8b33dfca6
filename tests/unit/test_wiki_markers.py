"""The writer's text handling, without a wiki: markers, splicing, splitting, summaries."""

import re

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import Refusal
from bot.wiki import (
    HEADER,
    Stats,
    check_splice,
    count_rows,
    edit_summary,
    item_links,
    markers,
    new_page_text,
    region,
    splice,
    split_body,
)
from tests.report_bodies import gap_table

START, END = markers("goal-13")


def gaps(qids):
    table = gap_table([f"Q{q}" for q in qids], [f"Item {q}" for q in qids], [3] * len(qids))
    return f"== Missing ==\nSome prose.\n{table}\nA closing line."


def test_only_the_text_between_the_markers_changes():
    text = f"Above\n{START}\nold\n{END}\nBelow"
    assert splice(text, "goal-13", "new") == f"Above\n{START}\nnew\n{END}\nBelow"


def test_quoted_markers_and_other_reports_markers_are_not_markers():
    text = (f"<nowiki>{END}</nowiki> <pre>{START}</pre>\n{START}\nold\n{END}\n"
            f"{markers('goal-15')[0]}\nother\n{markers('goal-15')[1]}")
    new = splice(text, "goal-13", "new")
    assert new == text.replace(f"{START}\nold\n{END}", f"{START}\nnew\n{END}")


@pytest.mark.parametrize("text, reason", [
    (f"{START}\nno end", "without an end marker"),
    (f"no start\n{END}", "without a start marker"),
    (f"{START}{END}{START}{END}", "2 start and 2 end markers"),
    ("nothing", "no sdg-gaps markers"),
    (f"{END}\nx\n{START}", "comes before"),
    (f"{{{{Box|{START}}}}}\n{END}", "not in the same block"),
    (f"<!-- unclosed\n{START}\nx\n{END}", "without a start marker"),  # swallowed
])
def test_broken_markers_are_refused(text, reason):
    with pytest.raises(Refusal, match=reason):
        region(text, "goal-13")


def test_markers_inside_a_tag_still_work_and_count_their_rows():
    text = f"<div class=x>\n{START}\n{gaps([1, 2])}\n{END}\n</div>"
    found = region(text, "goal-13")
    assert found.stats.rows == 2 and found.stats.counter() == {"Q1": 1, "Q2": 1}
    assert splice(text, "goal-13", "new") == f"<div class=x>\n{START}\nnew\n{END}\n</div>"


def test_a_body_that_would_swallow_the_end_marker_is_refused():
    text = f"{START}\nold\n{END}"
    for body in ["<!-- unclosed", "x <!-- y"]:
        with pytest.raises(Refusal, match="break the markers"):
            check_splice(text, splice(text, "goal-13", body), "goal-13")
        with pytest.raises(Refusal, match="break the markers"):
            check_splice(None, new_page_text("goal-13", body), "goal-13")


def test_a_new_page_has_a_header_then_the_markers():
    text = new_page_text("goal-13", gaps([1]))
    assert text.startswith(HEADER + START + "\n") and text.endswith("\n" + END)
    check_splice(None, text, "goal-13")


human = st.lists(st.sampled_from(list("ab \n=*#:;|!{}[]<>-~'&/") + [
    "<nowiki>", "</nowiki>", "<!--", "-->", "{{x|", "}}", "<pre>", "</pre>", "<div>", "</div>",
    START, END, "{|", "|}"]), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(human, human, st.text(max_size=30))
def test_text_outside_the_markers_is_kept_byte_for_byte_or_the_page_refused(above, below, old):
    text = f"{above}{START}{old}{END}{below}"
    try:
        new = splice(text, "goal-13", "NEW")
    except Refusal:
        return  # e.g. an unclosed <nowiki> above swallows the start marker
    before, after = region(text, "goal-13").after_start, region(text, "goal-13").before_end
    assert new == f"{text[:before]}\nNEW\n{text[after:]}"
    assert new.startswith(text[:before]) and new.endswith(text[after:])


def test_rows_and_item_links_are_counted_as_mwparserfromhell_reads_them():
    body = gaps([5, 6, 7]) + "\n<nowiki>[[:d:Q9|Q9]]</nowiki> [[:d:Q5|again]] [[Q8]]"
    assert count_rows(body) == 3
    assert item_links(body) == {"Q5": 2, "Q6": 1, "Q7": 1}


def test_a_large_body_is_split_between_rows_into_valid_tables():
    body = gaps(range(1, 301))
    parts = split_body(body, 4000)
    assert len(parts) > 5
    seen = []
    for part in parts:
        assert len(part.text.encode()) <= 4000
        assert part.text.count("{|") == part.text.count("|}") == 1
        assert "! Item" in part.text  # the header, repeated
        assert part.stats == Stats.of(mwparserfromhell.parse(part.text).nodes)
        seen += re.findall(r"\[\[:d:(Q\d+)\|", part.text)
    assert parts[0].text.startswith("== Missing ==\nSome prose.\n{|")
    assert parts[-1].text.endswith("|}\nA closing line.")
    assert seen == [f"Q{q}" for q in range(1, 301)]
    assert split_body(body, 10**6)[0].text == body


def test_the_edit_summary_counts_items_removed_and_added_and_names_the_run():
    before = Stats.of(mwparserfromhell.parse(gaps([1, 2, 3])).nodes)
    after = Stats.of(mwparserfromhell.parse(gaps([2, 3, 4, 5])).nodes)
    assert edit_summary("SDG 13: 4 gaps", before, after, "20261130T091500Z", "sdg-gaps: ") == (
        "sdg-gaps: SDG 13: 4 gaps (\u22121, +2) \u00b7 run 20261130T091500Z")
