"""Hostile label fragments and the reader's view of a parsed page, for the wiki tests.

Labels come from Wikidata, where anyone can edit: :data:`HOSTILE` lists wikitext, HTML and
magic-link fragments a label might carry; :data:`EVERY_FRAGMENT`, :data:`THE_OTHER_FRAGMENTS`
and :data:`EVERY_PAIR` are pages of :data:`ROWS` labels made of them. :func:`cells` parses an
``action=parse`` answer into its elements and table cells; :func:`shown` is a text as a reader
compares it. Used by tests/wiki/test_hostile_labels.py and tests/wiki/test_campaign_wiki.py.
"""

import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser

ROWS = 100  # labels per page

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

CONTROLS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")


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
