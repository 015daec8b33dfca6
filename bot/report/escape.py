"""Escaping of untrusted text for wikitext (and HTML): the one place where it happens.

Labels and titles come from Wikidata and Wikipedia, where anyone can edit. Before any of them is
put on a wiki page it goes through :func:`text`, which turns every character that wikitext (or the
HTML that MediaWiki lets through) could read as markup into a numeric character reference. The
reader sees the same characters; the parser sees no template, link, table cell, signature, magic
word, list, heading, HTML tag or entity that the report did not mean to put there.

Why numeric references rather than ``<nowiki>``: a label can itself contain ``</nowiki>`` and
close the wrapper early, and ``<nowiki>`` does not stop the characters from ending a table cell
in every context. References carry no such risk and render identically.
"""

import html as _html
import re
from functools import lru_cache
from urllib.parse import quote

# Characters with a meaning somewhere in wikitext or HTML: links [[ ]] and [ ], templates and
# parameters {{ }} {{{ }}}, table syntax | ! and |- |}, bold/italic '', signatures ~~~,
# headings =, lists * # : ;, HTML < > and entities &, magic words __X__, horizontal rule ----,
# and " so that text stays safe inside an HTML attribute.
_SPECIAL = set("[]{}|!'~=*#:;<>&_-\"/\\^$%+")

# Control characters (tab and newline included) would start a new table row or line-level
# markup; MediaWiki also rejects some of them. They become a plain space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")

# Magic links: on wikis that enable them, "ISBN 0123456789", "RFC 1234" and "PMID 1234" become
# links (and tracking categories) however the characters around them are escaped. MediaWiki
# matches the keyword after an ASCII word boundary; encoding its last letter breaks the pattern.
_MAGIC_LINK = re.compile(r"(?<![0-9A-Za-z_])(?:ISBN|RFC|PMID)")


def text(value: object) -> str:
    """Return *value* as wikitext that renders as exactly its characters and nothing else.

    ``None`` becomes the empty string. Leading and trailing white space is dropped, because
    MediaWiki trims it inside table cells anyway and a leading space would start a
    preformatted block in other contexts.
    """
    if value is None:
        return ""
    return _text(str(value))


@lru_cache(maxsize=1 << 16)
def _text(value: str) -> str:
    # Cached: a report escapes the same labels and words in many pages.
    plain = _CONTROL.sub(" ", value).strip()
    escaped = "".join(f"&#{ord(ch)};" if ch in _SPECIAL else ch for ch in plain)
    return _MAGIC_LINK.sub(lambda m: f"{m[0][:-1]}&#{ord(m[0][-1])};", escaped)


def url_component(value: str) -> str:
    """Percent-encode *value* for use inside a URL query or path segment of an external link.

    Everything but unreserved characters is encoded, so the result cannot end the link
    (space, ``]``) or carry markup.
    """
    return quote(str(value), safe="")


def wiki_title(value: str) -> str:
    """Return a page title in the form MediaWiki uses in URLs (spaces as underscores), encoded."""
    return quote(str(value).replace(" ", "_"), safe="/:")


def html(value: object) -> str:
    """Return *value* as HTML text (also safe inside a double-quoted attribute).

    The HTML pages of a report get the same untrusted labels and titles as the wiki pages;
    this is their one escaping step. Control characters become a space, as in :func:`text`.
    """
    if value is None:
        return ""
    return _html_text(str(value))


@lru_cache(maxsize=1 << 16)
def _html_text(value: str) -> str:
    return _html.escape(_CONTROL.sub(" ", value), quote=True)
