"""URLs a report links to: Wikidata items, Wikipedia articles and Content Translation.

Every part that comes from data (a title, a language code) is percent-encoded with
:func:`bot.report.escape.url_component` (titles with :func:`bot.report.escape.wiki_title` in a
path), so a URL built here can never end an external link early or carry markup.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot import languages
from bot.ids import is_qid
from bot.report.escape import url_component, wiki_title

_SUBDOMAIN = re.compile(r"^[a-z][a-z0-9-]*$")


def _subdomain(value: str) -> str:
    if not _SUBDOMAIN.match(value):
        raise ValueError(f"not a Wikipedia subdomain: {value!r}")
    return value


def cx_url(target: str, source: str, title: str) -> str:
    """Content Translation on the *target* Wikipedia, translating *title* from *source*
    (:func:`bot.languages.content_translation_url`; *target* and *source* are subdomains,
    *title* the article's title in the source wiki)."""
    return cx_prefix(target, source) + cx_page(title)


@lru_cache(maxsize=1 << 12)
def cx_prefix(target: str, source: str) -> str:
    """The part of :func:`cx_url` before the title: it ends with ``&page=``."""
    return languages.content_translation_url(_subdomain(target), _subdomain(source))


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


@lru_cache(maxsize=1 << 15)
def cx_page(title: str) -> str:
    """The part of :func:`cx_url` after ``&page=``: *title*, encoded."""
    # An item's source title is the same for every target wiki: encode it once. A title of
    # unreserved characters only is its own encoding (url_component would return it as is).
    underscored = title.replace(" ", "_")
    if _UNRESERVED.fullmatch(underscored):
        return underscored
    return url_component(underscored)


def item_qid(qid: str) -> str:
    """*qid*, checked to be a Wikidata item id (:func:`bot.ids.is_qid`; ValueError if not):
    it goes into links and link targets as it is, never escaped."""
    if not is_qid(qid):
        raise ValueError(f"not a Wikidata item id: {qid!r}")
    return qid


def wikidata_url(qid: str) -> str:
    return f"https://www.wikidata.org/wiki/{item_qid(qid)}"


def article_url(subdomain: str, title: str) -> str:
    return languages.article_url(_subdomain(subdomain), wiki_title(title))


# Namespaces of the English Wikipedia (canonical names, which it uses in its titles) whose pages
# are not articles. A sitelink title there that starts with one of them is not an article.
NON_ARTICLE_NAMESPACES = frozenset(
    {
        "User", "Wikipedia", "File", "MediaWiki", "Template", "Help", "Category", "Portal",
        "Draft", "TimedText", "Module",
    }
)


def non_article_items(articles) -> dict[str, str]:
    """``qid → namespace`` for items whose English Wikipedia page is not an article.

    *articles* has ``qid, wiki, title``. Only English Wikipedia titles are read, because only
    there are the namespace names known without asking the wiki; an item without one counts
    as an article.
    """
    english = articles[articles["wiki"] == "enwiki"]
    found = {}
    for qid, title in zip(english["qid"].tolist(), english["title"].tolist(), strict=True):
        prefix, sep, _ = str(title).partition(":")
        if sep and prefix in NON_ARTICLE_NAMESPACES:
            found[qid] = prefix
    return found
