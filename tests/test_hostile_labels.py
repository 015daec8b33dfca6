"""Hostile labels, rendered by the real wiki: nothing a label says may become markup.

Labels come from Wikidata, where anyone can edit. Generated labels full of wikitext
(templates, links, categories, signatures, magic words, tables, HTML, ``<nowiki>``, entities,
magic links) go through :func:`bot.report.wikitext.gap_table` and :func:`bot.wiki.post_report`
to the test wiki, and ``action=parse`` is the judge: the page must hold exactly the templates,
categories, links and HTML elements the same report holds with harmless labels, and each label
cell must display the label's own characters.
"""

import itertools
import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from bot.report.wikitext import gap_table
from bot.wiki import PostOptions, post_report

pytestmark = pytest.mark.wiki

ROWS = 100  # labels per page
PAGES = 10  # generated pages (hypothesis examples): 1,000 labels, and 3 explicit pages

HOSTILE = [
    "{{", "}}", "{{!}}", "{{PAGENAME}}", "{{subst:PAGENAME}}", "{{safesubst:x}}", "{{#if:1|yes}}",
    "{{{1}}}", "{{DISPLAYTITLE:x}}", "{{DEFAULTSORT:x}}", "{{nobots}}", "{{Template:X|a=b}}",
    "[[", "]]", "[[Foo]]", "[[Foo|bar]]", "[[Category:Hostile]]", "[[:Category:X]]",
    "[[File:X.png|thumb]]", "[[d:Q1]]", "[[:d:Q42|Q42]]", "[[en:Foo]]", "[[Special:Random]]",
    "[http://evil.example x]", "http://evil.example/a?b=c", "https://evil.example",
    "//evil.example", "mailto:a@evil.example", "[//evil.example y]",
    "~~~", "~~~~", "~~~~~", "__NOTOC__", "__TOC__", "__NOINDEX__", "__NEWSECTIONLINK__",
    "<b>", "</b>", "<i>x</i>", "<script>alert(1)</script>", "<div style=\"color:red\">",
    "<span title=x>", "<br/>", "<ref>x</ref>", "<references/>", "<nowiki>", "</nowiki>",
    "<nowiki/>", "<pre>", "</pre>", "<!--", "-->", "<noinclude>", "<includeonly>",
    "<onlyinclude>", "<math>x</math>", "<gallery>", "<a href=x>", "<img src=x onerror=y>",
    "|}", "{|", "|-", "||", "!!", "|", "!", "|+", "''", "'''", "'''''", "----",
    "\n*", "\n#", "\n:", "\n;", "\n=", "== x ==", "\n ", "\n{|",
    "&amp;", "&lt;b&gt;", "&#91;&#91;", "&#x5B;", "&nbsp;", "&", "&#", ";",
    "ISBN 0123456789", "ISBN 978-0-12-345678-9", "RFC 1234", "PMID 12345",
    "#REDIRECT [[X]]", "-{", "}-", "-{zh-hans:x}-", "{{int:edit}}", "{{urlencode:x}}",
    "<", ">", "=", ":", "*", "#", " ", "  ", "\t", "\u00a0", "\u200b", "\u202e", "é", "日本",
]

# Every fragment alone and next to another, whatever hypothesis draws.
EVERY_FRAGMENT = [HOSTILE[i % len(HOSTILE)] for i in range(ROWS)]
THE_OTHER_FRAGMENTS = [HOSTILE[(ROWS + i) % len(HOSTILE)] for i in range(ROWS)]
EVERY_PAIR = [f"x{HOSTILE[-i % len(HOSTILE)]}{HOSTILE[(7 * i + 3) % len(HOSTILE)]}y"
              for i in range(ROWS)]

labels = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE),
        st.text(st.characters(exclude_categories=("Cs",)), max_size=6),
    ),
    min_size=1, max_size=6,
).map("".join)


CONTROLS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")


def body(qids, page_labels):
    frame = pd.DataFrame({"rank": range(1, len(qids) + 1), "qid": qids, "label": page_labels,
                          "sitelinks": [5] * len(qids)})
    return f"== Missing articles ==\n{gap_table(frame)}\n"


class Cells(HTMLParser):
    """The elements of a parsed page (tag and attribute names) and the text of each cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: Counter = Counter()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.elements[(tag, tuple(sorted(name for name, _ in attrs)))] += 1
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_startendtag(self, tag, attrs):
        self.elements[(tag, tuple(sorted(name for name, _ in attrs)))] += 1

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def shown(text: str) -> str:
    """Text as a reader compares it: NFC (MediaWiki stores NFC), no-break spaces (which the
    parser puts before ``:``, ``;``, ``!``, ``?``) as spaces, each run of control characters
    as one space (the escaper's documented rule), ends trimmed as in any table cell."""
    text = unicodedata.normalize("NFC", text)
    text = CONTROLS.sub(" ", text)
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


def cells(parsed) -> Cells:
    parser = Cells()
    parser.feed(parsed["text"])
    return parser


def post_page(directory, number, page_labels):
    qids = [f"Q{number * 1000 + i}" for i in range(1, len(page_labels) + 1)]
    directory.mkdir()
    (directory / "wikitext").mkdir()
    (directory / "wikitext" / "page.wiki").write_text(body(qids, page_labels), encoding="utf-8")
    (directory / "pages.json").write_text(
        '{"run_id": "hostile", "complete": true, "pages": [{"id": "hostile", '
        f'"subpage": "{number}", "file": "wikitext/page.wiki", "summary": "hostile"}}]}}',
        encoding="utf-8",
    )
    # In the main namespace, where the bot writes only because the test allows it.
    outcomes = post_report(directory, PostOptions(root="Hostile", allow_roots=("Hostile",)),
                           echo=lambda line: None)
    assert [o.status for o in outcomes] == ["saved"], outcomes
    return qids


def test_hostile_labels_render_as_plain_text(wiki, tmp_path):
    # The frame: the same report with harmless labels.
    post_page(tmp_path / "frame", 0, [f"Label {i}" for i in range(ROWS)])
    frame = cells(wiki.parse("Hostile/0"))
    assert frame.elements[("td", ())] + frame.elements[("td", ("style",))] == 4 * ROWS
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
        number = next(numbers)  # a page of its own for each example, shrinking included
        qids = post_page(tmp_path / f"page-{number}", number, page_labels)
        parsed = wiki.parse(f"Hostile/{number}")
        made = {kind: parsed[kind] for kind in
                ("templates", "categories", "links", "externallinks", "images") if parsed[kind]}
        assert not made, f"labels made {made}"
        assert sorted(link["url"] for link in parsed["iwlinks"]) == sorted(
            f"https://www.wikidata.org/wiki/{qid}" for qid in qids)
        page = cells(parsed)
        assert page.elements == frame.elements, (
            f"extra elements {page.elements - frame.elements}, "
            f"missing {frame.elements - page.elements}")
        displayed = [row[2] for row in page.rows if len(row) == 4]
        assert len(displayed) == len(page_labels)
        for label, text in zip(page_labels, displayed, strict=True):
            assert shown(text) == shown(label), f"label {label!r} displayed as {text!r}"
        checked.append(page_labels)

    check()
    generated = [labels for labels in checked
                 if labels not in (EVERY_FRAGMENT, THE_OTHER_FRAGMENTS, EVERY_PAIR)]
    assert sum(map(len, generated)) >= 1000
