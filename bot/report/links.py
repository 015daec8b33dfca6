"""URLs a report links to: Wikidata items, Wikipedia articles and Content Translation.

Every part that comes from data (a title, a language code) is percent-encoded with
:func:`bot.report.escape.url_component` (titles with :func:`bot.report.escape.wiki_title` in a
path), so a URL built here can never end an external link early or carry markup.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.report.escape import url_component, wiki_title

# Content Translation names a few languages differently from their Wikipedia's subdomain
# (nb for no.wikipedia.org, …). This is Wikimedia's $wgContentTranslationDomainCodeMapping
# (CX language code → subdomain), as Wikipedia serves it in mw.config; inverted here.
CX_DOMAIN_CODES = {
    "be-tarask": "be-x-old",
    "bho": "bh",
    "crh-latn": "crh",
    "gsw": "als",
    "lzh": "zh-classical",
    "nan": "zh-min-nan",
    "nb": "no",
    "rup": "roa-rup",
    "sgs": "bat-smg",
    "simple": "simple",
    "vro": "fiu-vro",
    "yue": "zh-yue",
}
_CX_CODE_OF_SUBDOMAIN = {domain: code for code, domain in CX_DOMAIN_CODES.items()}
_SUBDOMAIN = re.compile(r"^[a-z][a-z0-9-]*$")
_QID = re.compile(r"^Q[1-9][0-9]*$")


def _subdomain(value: str) -> str:
    if not _SUBDOMAIN.match(value):
        raise ValueError(f"not a Wikipedia subdomain: {value!r}")
    return value


def cx_language(subdomain: str) -> str:
    """The language code Content Translation uses for the Wikipedia at *subdomain*."""
    return _CX_CODE_OF_SUBDOMAIN.get(subdomain, subdomain)


def cx_url(target: str, source: str, title: str) -> str:
    """Content Translation on the *target* Wikipedia, translating *title* from *source*.

    ``https://<target>.wikipedia.org/wiki/Special:ContentTranslation?from=…&to=…&page=…``;
    *target* and *source* are subdomains, *title* the article's title in the source wiki.
    """
    return cx_prefix(target, source) + cx_page(title)


@lru_cache(maxsize=1 << 12)
def cx_prefix(target: str, source: str) -> str:
    """The part of :func:`cx_url` before the title: it ends with ``&page=``."""
    return (
        f"https://{_subdomain(target)}.wikipedia.org/wiki/Special:ContentTranslation"
        f"?from={url_component(cx_language(_subdomain(source)))}"
        f"&to={url_component(cx_language(target))}"
        "&page="
    )


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


def wikidata_url(qid: str) -> str:
    if not _QID.match(qid):
        raise ValueError(f"not a Wikidata item id: {qid!r}")
    return f"https://www.wikidata.org/wiki/{qid}"


def article_url(subdomain: str, title: str) -> str:
    return f"https://{_subdomain(subdomain)}.wikipedia.org/wiki/{wiki_title(title)}"


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
