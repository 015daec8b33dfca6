"""Hostile labels, rendered by the real wiki: nothing a label says may become markup.

Labels come from Wikidata, where anyone can edit. The report is made the way ``sdg-gaps run``
and ``sdg-gaps post`` make it: an analysis of the bundled snapshot (SDG 13 for the Hindi
Wikipedia, 3,709 missing articles, real items, sources and sizes) whose first 100 gap labels are
replaced by generated ones full of wikitext (templates, links, categories, signatures, magic
words, tables, HTML, ``<nowiki>``, entities, magic links), written by
:func:`bot.report.write_report` (the production renderer: table attributes, sort values,
translation links and all) and posted by :func:`bot.wiki.post_report` to the test wiki.
``action=parse`` is the judge: the language page must hold exactly the templates, categories,
links and HTML elements the same report holds with harmless labels, and each label cell must
display the label's own characters.
"""

import copy
import itertools

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.report import write_report
from bot.wiki import PostOptions, post_report
from tests.hostile_labels import (
    EVERY_FRAGMENT,
    EVERY_PAIR,
    HOSTILE,
    ROWS,
    THE_OTHER_FRAGMENTS,
    cells,
    shown,
)

pytestmark = pytest.mark.wiki

PAGES = 10  # generated pages (hypothesis examples): 1,000 labels, and 3 explicit pages
WIKI, CODE, GOAL = "hiwiki", "hi", 13

labels = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
    ),
    min_size=1, max_size=6,
).map("".join)


GAP_COLUMNS = 7  # rank, item, label, Wikipedias, source language, source size, translate
LABEL = 2


@pytest.fixture(scope="module")
def analysis():
    """The run's analysis of SDG 13 for the Hindi Wikipedia, on the bundled snapshot."""
    from tests.plugins.analyses import snapshot_analysis

    result = snapshot_analysis(goals=(GOAL,), languages=(CODE,), gaps_per_wiki=ROWS)
    shown = result.gaps[(result.gaps["wiki"] == WIKI) & (result.gaps["rank"] <= ROWS)]
    assert len(shown) == ROWS and shown["rank"].is_unique
    return result


def with_labels(analysis, page_labels):
    """The same analysis with the first ROWS gaps (by rank) labelled *page_labels*."""
    changed = copy.copy(analysis)
    gaps = analysis.gaps.copy()
    shown = gaps.index[(gaps["wiki"] == WIKI) & (gaps["rank"] <= ROWS)]
    gaps.loc[shown, "label"] = [page_labels[r - 1] for r in gaps.loc[shown, "rank"]]
    changed.gaps = gaps
    return changed


def post_page(analysis, directory, number, page_labels):
    """Write the report as `run` does and post it as `post` does, under Hostile/<number>; the
    parse of its language page."""
    write_report(with_labels(analysis, page_labels), directory, page_rows=ROWS)
    # In the main namespace, where the bot writes only because the test allows it.
    outcomes = post_report(directory, PostOptions(root=f"Hostile/{number}",
                                                  allow_roots=("Hostile",)),
                           echo=lambda line: None)
    assert [o.status for o in outcomes] == ["saved"] * 3, outcomes
    return outcomes


def made(wiki, number):
    """What MediaWiki made of the language page of Hostile/<number>: its parse, and every
    link, template, category, image and interwiki link with the root's number taken out."""
    parsed = wiki.parse(f"Hostile/{number}/{CODE}")
    root = f"Hostile/{number}"
    things = {
        kind: sorted(str(item).replace(root, "Hostile/N") for item in parsed[kind])
        for kind in ("templates", "categories", "links", "externallinks", "images", "iwlinks")
    }
    return parsed, things


def test_hostile_labels_render_as_plain_text(wiki, tmp_path, analysis):
    # The frame: the same report with harmless labels.
    post_page(analysis, tmp_path / "frame", 0, [f"Label {i}" for i in range(ROWS)])
    frame_parsed, frame_made = made(wiki, 0)
    frame = cells(frame_parsed)
    gap_rows = [row for row in frame.rows if len(row) == GAP_COLUMNS]
    assert [shown(row[LABEL]) for row in gap_rows] == [f"Label {i}" for i in range(ROWS)]
    assert len(frame_made["iwlinks"]) >= ROWS  # an item link a row, as the writer needs
    translate = [u for u in frame_made["externallinks"] if "Special:ContentTranslation" in u]
    assert len(translate) > ROWS // 2  # the production page, translation links and all
    checked = []
    numbers = itertools.count(1)

    # No shrinking: against a real wiki it takes many minutes. The assertions name the labels.
    @settings(max_examples=PAGES, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(labels, min_size=ROWS, max_size=ROWS))
    @example(EVERY_FRAGMENT)
    @example(THE_OTHER_FRAGMENTS)
    @example(EVERY_PAIR)
    def check(page_labels):
        number = next(numbers)  # a page of its own for each example
        post_page(analysis, tmp_path / f"page-{number}", number, page_labels)
        parsed, things = made(wiki, number)
        assert things == frame_made, "the labels made or lost links, templates or categories"
        page = cells(parsed)
        assert page.elements == frame.elements, (
            f"extra elements {page.elements - frame.elements}, "
            f"missing {frame.elements - page.elements}")
        displayed = [row[LABEL] for row in page.rows if len(row) == GAP_COLUMNS]
        assert len(displayed) == len(page_labels)
        for label, text in zip(page_labels, displayed, strict=True):
            assert shown(text) == shown(label), f"label {label!r} displayed as {text!r}"
        checked.append(page_labels)

    check()
    generated = [labels for labels in checked
                 if labels not in (EVERY_FRAGMENT, THE_OTHER_FRAGMENTS, EVERY_PAIR)]
    assert sum(map(len, generated)) >= 1000
