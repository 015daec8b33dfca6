"""The report pages through the real MediaWiki parser (``action=parse``): what the wiki makes of
them is the judge. The French page of SDG 13 renders its ranked rows, one Content Translation
link each, and nothing the report did not mean (no template, category, stray link or markup)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.wiki

ROOT = "Project:SDG gaps"


@pytest.fixture(scope="module")
def french_report(tmp_path_factory):
    """The French report of the bundled snapshot, built in-process."""
    from bot.report import write_report
    from tests.plugins.analyses import snapshot_analysis

    analysis = snapshot_analysis(lang="fr")
    out = tmp_path_factory.mktemp("fr-wiki")
    pages = write_report(analysis, out, lang="fr")
    return analysis, {p.id: p for p in pages}


def no_broken_markup(parsed: dict) -> None:
    html = parsed["text"]
    visible = re.sub(r"<[^>]+>", "", html)
    for token in ("[[", "]]", "{|", "|}", "{{", "}}", "[https://", "__"):
        assert token not in visible, token
    for tag in ("span", "div", "table", "tr", "td", "th", "a"):
        assert f"&lt;{tag}" not in html and f"&lt;/{tag}" not in html, tag
    assert parsed["templates"] == [] and parsed["categories"] == [] and parsed["images"] == []
    assert "mw-parser-output" in html


def test_the_french_sdg13_page_renders_its_rows_and_cx_links(wiki, french_report):
    analysis, pages = french_report
    page = pages["lang-fr"]
    title = f"{ROOT}/fr"
    wiki.edit(title, page.body)
    parsed = wiki.parse(title)
    no_broken_markup(parsed)
    html = parsed["text"]
    missing = {
        goal: int(n)
        for goal, n in analysis.coverage[analysis.coverage["wiki"] == "frwiki"][
            ["goal", "missing"]
        ].itertuples(index=False)
    }
    from bot.runs import DEFAULT_GAPS_PER_WIKI

    shown = {goal: min(DEFAULT_GAPS_PER_WIKI, n) for goal, n in missing.items()}
    # French: Nominatim's places, climate, invasive
    assert shown == {11: 79, 13: DEFAULT_GAPS_PER_WIKI, 15: 11}
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    assert [t.count("<tr") for t in tables] == [shown[g] + 1 for g in sorted(shown)]
    assert page.rows == sum(shown.values())
    # every gap row links its item to Wikidata (interwiki), and there are no internal links
    items = [link for link in parsed["iwlinks"] if link["prefix"] == "d"]
    assert len(items) == page.rows
    assert parsed["links"] == []
    # the Content Translation links: on fr.wikipedia.org, to=fr, one per row whose item is an
    # article (categories, templates and portals get none: CX translates articles only)
    cx = [u for u in parsed["externallinks"] if "Special:ContentTranslation" in u]
    english = analysis.articles[analysis.articles["wiki"] == "enwiki"].set_index("qid")["title"]
    fr = analysis.gaps[(analysis.gaps["wiki"] == "frwiki") & (analysis.gaps["rank"] <= 500)]
    prefixes = ("Category:", "Template:", "Portal:", "Draft:")
    articles = [q for q in fr["qid"] if not str(english.get(q, "")).startswith(prefixes)]
    assert len(cx) == len(articles) > DEFAULT_GAPS_PER_WIKI * 0.9
    for url in cx:
        parts = urlsplit(url)
        assert parts.netloc == "fr.wikipedia.org"
        assert parts.path == "/wiki/Special:ContentTranslation"
        query = parse_qs(parts.query)
        assert query["to"] == ["fr"] and query["from"][0] != "fr" and query["page"][0]
    assert html.count(">traduire</a>") == len(cx)
    # the coverage bar is plain HTML/CSS that survives the sanitizer
    assert "display:inline-block;background:#eaecf0" in html
    assert "width:35.37%" in html  # 1,333 of the 3,769 topics (tests/integration/test_run.py)


def test_summary_and_goal_pages_link_their_subpages_and_sort(wiki, french_report):
    _, pages = french_report
    for page_id, title in (("summary", ROOT), ("goal-15", f"{ROOT}/SDG 15")):
        wiki.edit(title, pages[page_id].body)
        parsed = wiki.parse(title)
        no_broken_markup(parsed)
        linked = {link["title"].split(":", 1)[1] for link in parsed["links"]}
        assert all(link["ns"] == 4 for link in parsed["links"])
        if page_id == "summary":
            assert {"SDG gaps/SDG 13", "SDG gaps/SDG 15", "SDG gaps/fr", "SDG gaps/de"} <= linked
        else:
            assert "SDG gaps/de" in linked and "SDG gaps" not in linked
        html = parsed["text"]
        assert 'class="wikitable sortable"' in html
        assert 'data-sort-value="' in html and "sortbottom" in html
        queries = [u for u in parsed["externallinks"] if u.startswith("https://query.wikidata.org/")]
        assert queries  # the drill-down links survive as external links
        assert all(link["prefix"] != "d" for link in parsed["iwlinks"])  # no gap rows here
