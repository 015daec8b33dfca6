"""The two renderers of the page model on hostile text: whatever a label holds, the wikitext
cell is exactly its escaped text (the escaping the real-wiki hostile-label test checks) and the
HTML page has no element, attribute or link the report did not put there."""

from __future__ import annotations

import unicodedata
from collections import Counter
from html.parser import HTMLParser

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.report import escape, model
from bot.report.html import HtmlRenderer
from bot.report.wikitext import WikitextRenderer

NASTY = st.lists(
    st.sampled_from(
        ["[[", "]]", "{{", "}}", "{|", "|}", "|-", "|", "!", "~~~~", "__TOC__", "<b>", "</td>",
         "<script>alert(1)</script>", "<!--", "-->", "&amp;", "&", "'''", "''", "\n", "\t",
         "* ", "# ", "= ", "ISBN 123", "http://x.y", "[http://x.y z]", '"', "'", "<nowiki>",
         "</nowiki>", "\u202e", "é", "e\u0301", " ", "Q42", "[[:d:Q1|Q1]]"]
    ) | st.text(max_size=4),
    min_size=1, max_size=8,
).map("".join)


def table(labels):
    rows = tuple(
        model.Row((model.cell(model.Number(i + 1)), model.Cell(model.ItemLink(f"Q{i + 1}")),
                   model.Cell(model.Plain(label))))
        for i, label in enumerate(labels)
    )
    return model.Table(("#", "Item", "Label"), (True, False, False), rows, gap_rows=True)


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = Counter()
        self.cells = []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        self.elements[(tag, tuple(sorted(n for n, _ in attrs)))] += 1
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_of(labels):
    renderer = HtmlRenderer("html/x.html", {"x": "html/x.html"}, lambda v, d: str(v))
    return renderer.document("T", "en", [table(labels)], [("x", "x")])


def elements(labels):
    parser = Elements()
    parser.feed(html_of(labels))
    return parser


ONE = elements(["plain"]).elements
PER_ROW = elements(["plain", "plain"]).elements - ONE


@settings(max_examples=300, deadline=None)
@given(st.lists(NASTY, min_size=1, max_size=5))
def test_html_has_only_the_elements_the_report_made(labels):
    parser = elements(labels)
    expected = ONE.copy()
    for _ in range(len(labels) - 1):
        expected.update(PER_ROW)
    assert parser.elements == expected
    label_cells = parser.cells[2::3]
    assert label_cells == [  # the same characters (NFC: the pages are normalised)
        unicodedata.normalize("NFC", escape._CONTROL.sub(" ", label)) for label in labels
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(NASTY, min_size=1, max_size=5))
def test_a_wikitext_label_cell_is_its_escaped_text_and_nothing_else(labels):
    text = WikitextRenderer("", {}, lambda v, d: str(v)).table(table(labels))
    rows = text.split("\n|-\n")[1:]
    assert len(rows) == len(labels)
    for row, label in zip(rows, labels, strict=True):
        lines = row.removesuffix("\n|}").split("\n")
        assert len(lines) == 3  # no label can open a new line, row or cell
        assert lines[1] == f"| [[:d:Q{rows.index(row) + 1}|Q{rows.index(row) + 1}]]"
        assert lines[2] == "| " + escape.text(label)


def test_gap_rows_keep_one_item_link_each():
    frame = pd.DataFrame({"rank": [1, 2], "qid": ["Q1", "Q2"], "label": ["[[x]]", "{{y}}"],
                          "sitelinks": [3, 2]})
    text = WikitextRenderer("", {}, lambda v, d: str(v)).table(table(list(frame["label"])))
    assert text.count("[[:d:") == 2
