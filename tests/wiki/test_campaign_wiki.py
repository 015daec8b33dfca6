"""Campaign pages on the real test wiki: hostile labels and titles render as plain text, the page
collection links exactly the worklists' items, and campaign templates run from the schedule.

The hostile standard is that of tests/wiki/test_hostile_labels.py: the same pages are posted once
with harmless labels and once with labels (and, on the impact page, article titles) full of
wikitext, and ``action=parse`` must find the same links, templates, categories, images and HTML
elements in both, each label cell showing the label's own characters. The labels and titles
here are generated test inputs, not facts; the items, ranks and sources are the bundled
snapshot's own.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote

import pandas as pd
import pytest

from bot.campaign.impact import Measured
from bot.campaign.spec import Campaign
from bot.campaign.store import Frozen
from bot.languages import load_wikis
from bot.report import links
from bot.report.campaign import write_campaign
from bot.report.impact import write_impact
from bot.report.pages import Context
from bot.schedule import ScheduleOptions, run_schedule
from bot.wiki import PostOptions, post_report
from bot.worklist import build_worklist
from tests.hostile_labels import EVERY_FRAGMENT, EVERY_PAIR, cells, shown

pytestmark = pytest.mark.wiki

ROWS = 40
CAMPAIGN = Campaign(name="Water and health (test)", page="Campaign/N", goals=(6,),
                    targets=("3.8",), languages=("sw", "lg"), start=date(2026, 12, 1),
                    end=date(2027, 6, 30), partner="Test partner", rows=ROWS)
KINDS = ("templates", "categories", "links", "externallinks", "images", "iwlinks")


@pytest.fixture(scope="module")
def analysis():
    from bot.catalogue import load_catalogue
    from tests.plugins.analyses import snapshot_analysis

    catalogue = load_catalogue()
    sets = tuple(catalogue.itemset(i) for i in ("sdg6-uganda-water-bodies",
                                                "sdg3-uganda-hospitals"))
    return snapshot_analysis(itemsets=sets, languages=("sw", "lg"), gaps_per_wiki=None)


@pytest.fixture(scope="module")
def worklist(analysis):
    return build_worklist(analysis, load_wikis(), ["swwiki", "lgwiki"], None, ROWS)


def posted(directory, root):
    outcomes = post_report(directory, PostOptions(root=root, allow_roots=("Campaign",)),
                           echo=lambda line: None)
    assert {o.status for o in outcomes} == {"saved"}, outcomes
    return outcomes


def things(wiki, title, root):
    parsed = wiki.parse(title)
    return parsed, {kind: sorted(str(x).replace(root, "Campaign/N") for x in parsed[kind])
                    for kind in KINDS}


def publish_pages(tmp_path, analysis, frame, number):
    out = tmp_path / f"campaign-{number}"
    ctx = Context(analysis, page_rows=ROWS)
    missing = {w: int(analysis.gaps.loc[analysis.gaps["wiki"] == w, "qid"].nunique())
               for w in ("swwiki", "lgwiki")}
    write_campaign(out, ctx, CAMPAIGN, frame, missing, run_id="20261201T000000Z",
                   generated="2026-12-01T00:00:00+00:00", complete=True,
                   frozen_at="2026-12-01T00:00:00+00:00")
    root = f"Campaign/{number}"
    posted(out, root)
    return root


def test_hostile_labels_on_the_worklist_pages_render_as_plain_text(wiki, tmp_path, analysis,
                                                                  worklist):
    harmless = worklist.assign(label=[f"Label {i}" for i in range(len(worklist))])
    frame_root = publish_pages(tmp_path, analysis, harmless, 0)
    for number, fragments in ((1, EVERY_FRAGMENT), (2, EVERY_PAIR)):
        labels = [fragments[i % len(fragments)] for i in range(len(worklist))]
        root = publish_pages(tmp_path, analysis, worklist.assign(label=labels), number)
        for code in ("sw", "lg"):
            frame_parsed, frame_made = things(wiki, f"{frame_root}/{code}", frame_root)
            parsed, made = things(wiki, f"{root}/{code}", root)
            assert made == frame_made, code
            assert len(made["iwlinks"]) >= ROWS  # one item link a row
            page, frame = cells(parsed), cells(frame_parsed)
            assert page.elements == frame.elements, code
            want = [lab for lab, c in zip(labels, worklist["language"], strict=True) if c == code]
            displayed = [row[2] for row in page.rows if len(row) == 7]
            assert [shown(d) for d in displayed] == [shown(w) for w in want]
        for sub in ("", "/Collection"):
            assert things(wiki, root + sub, root)[1] == things(wiki, frame_root + sub,
                                                               frame_root)[1]


def test_the_page_collection_links_exactly_the_worklist_items(wiki, tmp_path, analysis,
                                                              worklist):
    root = publish_pages(tmp_path, analysis, worklist, 3)
    parsed = wiki.parse(f"{root}/Collection")
    assert parsed["links"] == [] and parsed["externallinks"] == []
    assert parsed["templates"] == [] and parsed["categories"] == []
    # As Wikimedia's recommendation service reads a collection: its interwiki links (prop=
    # iwlinks, iwprop=url) whose title is a QID and whose URL is Wikidata's.
    [page] = wiki.query(prop="iwlinks", titles=f"{root}/Collection", iwprop="url",
                        iwlimit="max")["pages"]
    found = [(x["prefix"], x["title"], x["url"]) for x in page["iwlinks"]]
    assert sorted(found) == sorted(("d", q, f"https://www.wikidata.org/wiki/{q}")
                                   for q in set(worklist["qid"]))
    text = wiki.text(f"{root}/Collection")
    assert "<page-collection name=" in text  # kept for Meta-Wiki's parser tag


def impact_measured(frame, titles):
    """The impact of a campaign whose first worklist items got articles, titled *titles*."""
    frozen = frame.groupby("wiki").size()
    made = frame.groupby("wiki").head(len(titles) // 2)
    created = pd.DataFrame({
        "wiki": made["wiki"].tolist(), "qid": made["qid"].tolist(),
        "group": ["worklist"] * len(made), "title": titles[:len(made)],
        "month": ["2026-12"] * len(made)})
    months = pd.DataFrame([
        (w, "2026-12", int(n), int((made["wiki"] == w).sum()),
         int(n) - int((made["wiki"] == w).sum()), 500, 0) for w, n in frozen.items()],
        columns=["wiki", "month", "worklist_items", "created", "still_missing",
                 "control_items", "control_created"])
    runs = pd.DataFrame({"run": [2, 2], "run_id": ["20261201T000000Z"] * 2,
                         "series": ["cli"] * 2, "finished": ["2026-12-01T00:00:00"] * 2,
                         "wiki": list(frozen.index)})
    return Measured(months, runs, created, "2026-12", "2026-12-01T00:00:00")


def test_hostile_titles_on_the_impact_page_render_as_plain_text(wiki, tmp_path, worklist):
    frozen = Frozen(1, CAMPAIGN.name, CAMPAIGN.definition(), "2026-12-01T00:00:00", 1, "r1")
    pages = {}
    for number, titles in ((0, [f"Title {i}" for i in range(20)]),
                           (1, [EVERY_FRAGMENT[i] for i in range(20)])):
        out = tmp_path / f"impact-{number}"
        out.mkdir()
        measured = impact_measured(worklist, titles)
        write_impact(out, CAMPAIGN, measured, frozen, lang="en", run_id="r",
                     generated="2026-12-01T00:00:00")
        root = f"Campaign/I{number}"
        posted(out, root)
        parsed, made = things(wiki, f"{root}/Impact", root)
        articles = [u for u in made["externallinks"] if ".wikipedia.org/wiki/" in u]
        built = sorted(links.article_url(load_wikis().get(w).subdomain, t)
                       for w, t in zip(measured.created["wiki"], titles, strict=False))
        # One link per new article, to the URL built from its title (MediaWiki lists them
        # with some percent-escapes decoded).
        assert sorted(map(unquote, articles)) == sorted(map(unquote, built))
        made["externallinks"] = len(made["externallinks"])
        pages[number] = (made, cells(parsed), parsed["text"])
    assert pages[1][0] == pages[0][0]
    assert pages[1][1].elements == pages[0][1].elements
    for title in EVERY_FRAGMENT[:20]:
        assert shown(title) in shown(_text_of(pages[1][2]))


def _text_of(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts = []

        def handle_data(self, data):
            self.parts.append(data)

    reader = Text()
    reader.feed(html)
    return "".join(reader.parts)


CONFIG = "Project:SDG gaps/Config"
STATUS = "Test Wiki:SDG gaps/Config/Status"
MISTAKES = """Our campaign; mistakes on lines 5, 6, 9 and 11.
{{SDG gaps campaign
| name      = Water and health
| partner   = Test partner
| goals     = 6, 18, 3.8
| languages = sw, lg, xx
| start     = 2026-12-01
| end       = 2027-06-30
| evry      = 7
| page      = Project:SDG gaps/Water
| rows      = many
}}
"""


def test_campaign_template_mistakes_are_one_message_each_and_the_rest_runs(wiki, tmp_path):
    wiki.edit(CONFIG, MISTAKES)
    lines = []
    result = run_schedule(ScheduleOptions(
        config_page=CONFIG, history=tmp_path / "history.sqlite", out_dir=tmp_path / "out",
        echo=lines.append))
    assert result.exit_code == 0, lines
    texts = [str(m) for m in result.messages]
    assert [t.split(":")[0] for t in texts] == [
        "Line 5, campaign 1 (Project", "Line 6, campaign 1 (Test Wiki",
        "Line 9, campaign 1 (Project", "Line 11, campaign 1 (Project"]
    assert "“18” is not a goal or a target" in texts[0]
    assert "“xx” is not a Wikipedia language code" in texts[1]
    assert "unknown parameter “evry”" in texts[2] and "“many” is not a row limit" in texts[3]
    [campaign] = result.reports
    assert (campaign.kind, campaign.status) == ("campaign", "done"), campaign
    saved = {o.title for o in campaign.outcomes if o.status == "saved"}
    root = "Test Wiki:SDG gaps/Water"
    assert saved == {root, f"{root}/sw", f"{root}/lg", f"{root}/Collection", f"{root}/Impact"}
    status = wiki.text(STATUS)
    bullets = [line for line in status.split("== Configuration messages ==")[1].splitlines()
               if line.startswith("* ")]
    assert len(bullets) == 4
    assert "| campaign 1" in status
    # The edit summaries carry the audit line, as a report's do.
    assert "line 10" in wiki.revisions(f"{root}/sw")[-1]["comment"]
    # The valid parts ran: both languages, goal 6 and target 3.8 (the hospitals' set).
    assert "SDG 6, target 3.8, in sw, lg." in wiki.text(root)
