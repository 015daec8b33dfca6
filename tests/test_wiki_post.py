"""The writer against the real test wiki: what it saves, what it keeps, what it refuses."""

import pandas as pd
import pytest

from bot.report.wikitext import gap_table
from bot.wiki import PostOptions, markers, post_report

pytestmark = pytest.mark.wiki

ROOT = "SDG knowledge gaps"
RUN = "20261130T091500Z"


def gaps(qids, heading="Missing articles"):
    """A report body like the generator's: a heading, a line of prose, a gap table."""
    frame = pd.DataFrame({
        "rank": range(1, len(qids) + 1),
        "qid": [f"Q{q}" for q in qids],
        "label": [f"Item {q}" for q in qids],
        "sitelinks": [100 - i % 50 for i in range(len(qids))],
    })
    return f"== {heading} ==\n{len(qids):,} articles are missing.\n{gap_table(frame)}\n"


def report(report_dir, goal_qids, lang_qids=(), run_id=RUN, **kwargs):
    pages = [
        {"id": "summary", "subpage": "", "body": "== Summary ==\nTwo pages.\n",
         "summary": "2 goals, 59 wikis"},
        {"id": "goal-13", "subpage": "SDG 13", "body": gaps(goal_qids),
         "gaps": len(goal_qids), "summary": f"SDG 13: {len(goal_qids):,} gaps"},
    ]
    if lang_qids:
        pages.append({"id": "lang-fr", "subpage": "fr", "body": gaps(lang_qids),
                      "gaps": len(lang_qids), "summary": f"fr: {len(lang_qids):,} gaps"})
    return report_dir(pages, run_id=run_id, **kwargs)


def post(directory, echo=None, **options):
    lines = []
    outcomes = post_report(directory, PostOptions(root=ROOT, **options),
                           echo=echo or lines.append)
    return {outcome.title: outcome for outcome in outcomes}


def statuses(outcomes):
    return {title: outcome.status for title, outcome in outcomes.items()}


def test_new_pages_are_created_with_markers_and_render_item_links(wiki, report_dir):
    outcomes = post(report(report_dir, range(1, 11), range(20, 25)))
    assert statuses(outcomes) == {ROOT: "saved", f"{ROOT}/SDG 13": "saved", f"{ROOT}/fr": "saved"}
    text = wiki.text(f"{ROOT}/SDG 13")
    start, end = markers("goal-13")
    assert text.count(start) == 1 and text.count(end) == 1
    assert text.index(start) > 0  # a header editors may change comes first
    parsed = wiki.parse(f"{ROOT}/SDG 13")
    assert parsed["links"] == [] and parsed["templates"] == [] and parsed["categories"] == []
    assert sorted(link["url"] for link in parsed["iwlinks"]) == sorted(
        f"https://www.wikidata.org/wiki/Q{q}" for q in range(1, 11))
    summary = wiki.revisions(f"{ROOT}/SDG 13")[-1]["comment"]
    assert summary == f"SDG 13: 10 gaps (\u22120, +10) \u00b7 run {RUN}"
