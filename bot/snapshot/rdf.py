"""Writing the snapshot's N-Triples the way the Wikidata Query Service shapes its RDF.

A Wikipedia article of an item is a ``schema:Article`` whose IRI is the article's URL, with
``schema:about`` (the item), ``schema:isPartOf`` (the Wikipedia's site IRI),
``schema:inLanguage`` and ``schema:name`` (its title). A sitelink whose title the source does
not give (Denelezh lists sitelinks by wiki only) gets the IRI of Wikidata's own
``Special:GoToLinkedPage/<wiki>/<QID>``, which leads to the same article, and no
``schema:name``: the title is unknown, so none is written. Everything here is deterministic
text; nothing is read.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import urllib.parse
from dataclasses import dataclass

from bot import languages
from bot.errors import SnapshotError
from bot.ids import ENTITY, check_qid

WDT_P31 = "http://www.wikidata.org/prop/direct/P31"
WIKIBASE_SITELINKS = "http://wikiba.se/ontology#sitelinks"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
SCHEMA = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
WIKIGROUP = "http://wikiba.se/ontology#wikiGroup"
SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
LINKED_PAGE = "https://www.wikidata.org/wiki/Special:GoToLinkedPage/"

# The characters MediaWiki's wfUrlencode() leaves unescaped in a title, besides the letters,
# digits and ``_.-~`` that urllib.parse.quote() never escapes. The st14 URLs confirm the style:
# they keep ``! ( ) , / : ~`` and escape ``" % & ' + ?``.
TITLE_SAFE = ";@$!*(),/~:"


@dataclass(frozen=True)
class Sitelink:
    """One Wikipedia article of an item: the wiki's dbname and subdomain, and its title when
    the source gives it (``None`` when it does not)."""

    qid: str
    wiki: str
    subdomain: str
    title: str | None

    @property
    def iri(self) -> str:
        if self.title is None:
            return linked_page_iri(self.wiki, self.qid)
        return article_url(self.subdomain, self.title)

    @property
    def site(self) -> str:
        return languages.site_iri(self.subdomain)


def article_url(subdomain: str, title: str) -> str:
    """Return the article URL WDQS uses for ``title`` on the Wikipedia at *subdomain*.

    Spaces become underscores and the title is percent-encoded (UTF-8, upper-case hex) the way
    MediaWiki's ``wfUrlencode`` does, which reproduces the URLs in the st14 climate table.
    """
    path = urllib.parse.quote(title.replace(" ", "_"), safe=TITLE_SAFE)
    return languages.article_url(subdomain, path)


def title_from_url(url: str) -> str:
    """Return the page title of an article URL (the inverse of :func:`article_url`)."""
    _, sep, path = url.partition("/wiki/")
    if not sep:
        raise ValueError(f"not a /wiki/ article URL: {url}")
    return urllib.parse.unquote(path, errors="strict").replace("_", " ")


def linked_page_iri(wiki: str, qid: str) -> str:
    """``Special:GoToLinkedPage/<wiki>/<QID>`` on Wikidata: the article an item's sitelink to
    *wiki* names, for a sitelink whose title is not known."""
    if not wiki.replace("_", "").isalnum() or not wiki.isascii():
        raise SnapshotError(f"not a wiki database name: {wiki!r}")
    return f"{LINKED_PAGE}{wiki}/{check_qid(qid)}"


def sitelink_lines(link: Sitelink) -> set[str]:
    """The triples of one article (``schema:name`` only when its title is known)."""
    art = iri(link.iri)
    lines = {
        nt(art, iri(SCHEMA + "about"), iri(ENTITY + link.qid)),
        nt(art, iri(SCHEMA + "isPartOf"), iri(link.site)),
        nt(art, iri(SCHEMA + "inLanguage"), lit(link.subdomain)),
        nt(art, iri(RDF_TYPE), iri(SCHEMA + "Article")),
    }
    if link.title is not None:
        lines.add(nt(art, iri(SCHEMA + "name"), lit(link.title, link.subdomain)))
    return lines


def p31_line(qid: str, cls: str) -> str:
    return nt(iri(ENTITY + qid), iri(WDT_P31), iri(ENTITY + cls))


def sitelinks_count_line(qid: str, count: int) -> str:
    """``wd:Q… wikibase:sitelinks "n"^^xsd:integer``: the item's sitelinks in every project."""
    return nt(iri(ENTITY + qid), iri(WIKIBASE_SITELINKS), f'"{int(count)}"^^{iri(XSD_INTEGER)}')


def label_line(qid: str, label: str, lang: str) -> str:
    return nt(iri(ENTITY + qid), iri(RDFS_LABEL), lit(label, lang))


def iri(value: str) -> str:
    if any(ch in value for ch in '<>"{}|^`\\ ') or any(ord(ch) <= 0x20 for ch in value):
        raise SnapshotError(f"not a valid IRI for N-Triples: {value!r}")
    return f"<{value}>"


def lit(value: str, lang: str | None = None) -> str:
    escaped = []
    for ch in value:
        if ch == "\\":
            escaped.append("\\\\")
        elif ch == '"':
            escaped.append('\\"')
        elif ch == "\n":
            escaped.append("\\n")
        elif ch == "\r":
            escaped.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            escaped.append(f"\\u{ord(ch):04X}")
        else:
            escaped.append(ch)
    text = '"' + "".join(escaped) + '"'
    return f"{text}@{lang}" if lang else text


def nt(subject: str, predicate: str, obj: str) -> str:
    return f"{subject} {predicate} {obj} .\n"


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0, so that the same data gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
