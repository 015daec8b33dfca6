"""Wikipedias and their languages: wiki ids ↔ language codes ↔ names.

The table comes from MediaWiki's own site matrix (``action=sitematrix``), bundled as
``bot/data/wikipedias.tsv`` by ``scripts/build_snapshot.py``: for each Wikipedia its database
name (``frwiki``, the id Wikidata uses for sitelinks), its subdomain (``fr``), its language
code, its English name and its name in its own language. A wiki created after the bundled
matrix still works when it appears in live data: it is named by its code.

**Speakers.** :meth:`Wikis.speakers` gives the number of people who speak a Wikipedia's
language, as the Unicode CLDR estimates it (its territory data: each territory's population
times the share that speaks the language, summed), read from the ``language_data`` package
(CLDR 40) — never a table of our own. The wiki's MediaWiki language code is first turned into
the BCP 47 tag CLDR uses, by MediaWiki's own rule (:func:`bcp47`). CLDR has no figure for some
languages (``sh``, ``simple``, Tagalog under ``tl``); a figure of 0 is CLDR's "no data" (sign
languages, classical languages) and is reported as unknown too.

**Addresses.** This module is the one place that knows how a Wikipedia is addressed: its site
IRI (:func:`site_iri`, what Wikidata writes in ``schema:isPartOf``), an article's URL
(:func:`article_url`), its MediaWiki API (:func:`api_url`) and its Content Translation page
(:func:`content_translation_url`, with the language codes Content Translation uses,
:func:`cx_language`); and back from a host or a site IRI to the subdomain
(:func:`subdomain_of_host`, :func:`subdomain_of_site`) and the database name
(:meth:`Wikis.wiki_of_site`, :func:`wiki_of_subdomain`).

**The table.** :func:`read_table` is the one reader of ``bot/data/wikipedias.tsv``
(:data:`COLUMNS`); the snapshot builder writes it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from bot.errors import SnapshotError, UsageError

if TYPE_CHECKING:  # pandas is loaded by the readers only: the addresses stay light to import
    import pandas as pd

TABLE = Path(__file__).resolve().parent / "data" / "wikipedias.tsv"
COLUMNS = ("wiki", "subdomain", "language", "name_en", "autonym", "closed")

DOMAIN = "wikipedia.org"
_SUFFIX = "." + DOMAIN
_SUBDOMAIN = re.compile(r"[a-z0-9-]+")

# Content Translation names a few languages differently from their Wikipedia's subdomain
# (nb for the Norwegian Bokmål Wikipedia, whose subdomain is no, …). This is Wikimedia's
# $wgContentTranslationDomainCodeMapping (CX language code → subdomain), as Wikipedia serves it
# in mw.config; inverted below.
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


def site_iri(subdomain: str) -> str:
    """``fr`` → ``https://fr.wikipedia.org/``, the site IRI Wikidata uses in ``schema:isPartOf``."""
    return f"https://{subdomain}{_SUFFIX}/"


def article_url(subdomain: str, path: str) -> str:
    """``https://<subdomain>.wikipedia.org/wiki/<path>``.

    *path* is the page title already encoded for a URL: how is the caller's choice (the
    snapshot spells titles as MediaWiki's ``wfUrlencode`` does, as WDQS has them; the reports
    escape every character that could end an external link).
    """
    return f"https://{subdomain}{_SUFFIX}/wiki/{path}"


def api_url(subdomain: str) -> str:
    """The MediaWiki action API of the Wikipedia at *subdomain*."""
    return f"https://{subdomain}{_SUFFIX}/w/api.php"


def cx_language(subdomain: str) -> str:
    """The language code Content Translation uses for the Wikipedia at *subdomain*."""
    return _CX_CODE_OF_SUBDOMAIN.get(subdomain, subdomain)


def content_translation_url(target: str, source: str, page: str = "") -> str:
    """Content Translation on the *target* Wikipedia, translating *page* from *source*.

    ``https://<target>.wikipedia.org/wiki/Special:ContentTranslation?from=…&to=…&page=…``;
    *target* and *source* are subdomains, *page* the source title already encoded for a URL
    query (empty: the URL up to ``page=``, for the caller to complete).
    """
    return (
        article_url(target, "Special:ContentTranslation")
        + f"?from={quote(cx_language(source), safe='')}"
        + f"&to={quote(cx_language(target), safe='')}"
        + f"&page={page}"
    )


def subdomain_of_host(name: str) -> str | None:
    """``fr.wikipedia.org`` → ``fr``; ``None`` for a host that is not a Wikipedia's."""
    if name.endswith(_SUFFIX) and len(name) > len(_SUFFIX):
        return name[: -len(_SUFFIX)]
    return None


def subdomain_of_site(site: str) -> str | None:
    """``https://fr.wikipedia.org/`` (or without its last slash) → ``fr``; ``None`` for
    anything else."""
    try:
        subdomain = subdomain_of_host(urlsplit(site).hostname or "")
    except ValueError:  # not a URL at all (an unclosed IPv6 bracket, a bad port)
        return None
    if subdomain is None or not _SUBDOMAIN.fullmatch(subdomain):
        return None
    return subdomain if site in (site_iri(subdomain), site_iri(subdomain)[:-1]) else None


def wiki_of_subdomain(subdomain: str) -> str:
    """The database name a Wikipedia at *subdomain* has when it follows the usual rule
    (``zh-min-nan`` → ``zh_min_nanwiki``); the table knows the exceptions (``be-tarask``)."""
    return subdomain.replace("-", "_") + "wiki"


@dataclass(frozen=True)
class Wiki:
    """One Wikipedia, in each of the forms its identity takes.

    A run's tables and pages (``coverage.csv``'s ``language`` column, the pages' "code") name
    a wiki's language by its :attr:`subdomain`, the code readers see in its address and
    Wikidata uses for labels (``be-tarask``); :attr:`site_code` is the site matrix's own code
    for it, which differs for one open Wikipedia (``be-x-old``) and is used only to look its
    language up (:func:`bcp47`, a user's choice of language).
    """

    wiki: str  # database name, e.g. "frwiki"
    subdomain: str  # "fr" in fr.wikipedia.org
    site_code: str  # the site matrix's language code, e.g. "fr" ("be-x-old" for be-tarask)
    name: str  # English name, e.g. "French"
    autonym: str  # "français"
    closed: bool = False

    @property
    def site(self) -> str:
        """The site IRI Wikidata uses in ``schema:isPartOf``."""
        return site_iri(self.subdomain)


class Wikis:
    """Look-ups over the table of Wikipedias; build one with :func:`load_wikis`."""

    def __init__(self, wikis: Iterable[Wiki]):
        self._by_wiki = {w.wiki: w for w in wikis}
        self._by_subdomain = {w.subdomain: w for w in self._by_wiki.values()}

    def __contains__(self, wiki: str) -> bool:
        return wiki in self._by_wiki

    def names(self) -> frozenset[str]:
        """The database names of every Wikipedia of the table, closed ones included."""
        return frozenset(self._by_wiki)

    def get(self, wiki: str) -> Wiki:
        """The wiki with database name *wiki*; an unknown one is described by its code alone."""
        known = self._by_wiki.get(wiki)
        if known:
            return known
        code = wiki.removesuffix("wiki").replace("_", "-")
        return Wiki(wiki, code, code, code, code)

    def wiki_of_site(self, site: str) -> str:
        """``https://fr.wikipedia.org/`` → ``frwiki``."""
        name = urlsplit(site).hostname or ""
        subdomain = subdomain_of_host(name) or name
        known = self._by_subdomain.get(subdomain)
        return known.wiki if known else wiki_of_subdomain(subdomain)

    def resolve(self, code: str) -> Wiki:
        """A user's language choice (``fr``, ``frwiki`` or ``fr.wikipedia.org``) → the wiki.

        Raises :class:`UsageError` for a code that names no Wikipedia.
        """
        text = code.strip().lower()
        text = subdomain_of_host(text) or text
        found = self._by_wiki.get(text) or self._by_subdomain.get(text)
        if found is None:
            found = next((w for w in self._by_wiki.values() if w.site_code == text), None)
        if found is None:
            raise UsageError(
                f"unknown language {code!r}: not a Wikipedia language code (e.g. fr, sw, zh)"
            )
        return found

    def closed(self) -> list[str]:
        """The database names of the closed Wikipedias."""
        return sorted(w.wiki for w in self._by_wiki.values() if w.closed)

    def all_open(self) -> list[Wiki]:
        """Every Wikipedia that is not closed, by database name."""
        return sorted((w for w in self._by_wiki.values() if not w.closed), key=lambda w: w.wiki)

    def speakers(self, wiki: str) -> int | None:
        """How many people speak the language of Wikipedia *wiki* (CLDR), or None if unknown."""
        from language_data.population_data import LANGUAGE_SPEAKING_POPULATION

        figure = LANGUAGE_SPEAKING_POPULATION.get(bcp47(self.get(wiki).site_code))
        return int(figure) if figure else None

    def frame(self, wikis: Iterable[str]) -> pd.DataFrame:
        """``wiki, language, language_name`` for the given wikis, for joining onto tables."""
        import pandas as pd

        rows = [self.get(w) for w in wikis]
        return pd.DataFrame(
            {
                "wiki": [w.wiki for w in rows],
                "language": [w.subdomain for w in rows],
                "language_name": [w.name for w in rows],
            }
        )


# MediaWiki's renamed language codes and its non-standard codes with their BCP 47 tags
# (includes/language/LanguageCode.php of MediaWiki 1.39: DEPRECATED_LANGUAGE_CODE_MAPPING and
# NON_STANDARD_LANGUAGE_CODE_MAPPING, the entries a Wikipedia's language can have).
_RENAMED = {"als": "gsw", "bat-smg": "sgs", "be-x-old": "be-tarask", "fiu-vro": "vro",
            "roa-rup": "rup", "zh-classical": "lzh", "zh-min-nan": "nan", "zh-yue": "yue"}
_NON_STANDARD = {"cbk-zam": "cbk", "eml": "egl", "map-bms": "jv-x-bms", "mo": "ro-Cyrl-MD",
                 "nrm": "nrf", "roa-tara": "nap-x-tara", "simple": "en-simple"}


def bcp47(code: str) -> str:
    """A MediaWiki language code → its BCP 47 tag, as MediaWiki's ``LanguageCode::bcp47``
    spells it (``zh-yue`` → ``yue``, ``als`` → ``gsw``; region subtags upper case)."""
    code = code.lower()
    code = _NON_STANDARD.get(_RENAMED.get(code, code), _RENAMED.get(code, code))
    parts = code.split("-")
    out = [parts[0]]
    for before, part in zip(parts, parts[1:], strict=False):
        if before == "x":
            out.append(part)
        elif len(part) == 2:
            out.append(part.upper())
        elif len(part) == 4:
            out.append(part.title())
        else:
            out.append(part)
    return "-".join(out)


def read_table(path: Path | None = None) -> pd.DataFrame:
    """Read the table of Wikipedias (``bot/data/wikipedias.tsv`` by default).

    Columns ``wiki`` (dbname, e.g. ``be_x_oldwiki``), ``subdomain`` (e.g. ``be-tarask``),
    ``language`` (the sitematrix group code, e.g. ``be-x-old``), ``name_en``, ``autonym`` are
    strings; ``closed`` is a bool. A table that cannot be read or has other columns raises
    :class:`SnapshotError` naming the path.
    """
    import pandas as pd

    path = Path(path) if path is not None else TABLE
    try:
        frame = pd.read_csv(
            path, sep="\t", dtype="str", keep_default_na=False, quoting=csv.QUOTE_NONE
        )
    except (OSError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise SnapshotError(f"{path}: cannot read the table of Wikipedias: {reason}") from exc
    if tuple(frame.columns) != COLUMNS or not frame["closed"].isin(["0", "1"]).all():
        raise SnapshotError(f"{path}: expected columns {', '.join(COLUMNS)} with closed 0/1")
    frame["closed"] = frame["closed"] == "1"
    return frame


def load_wikis(path: Path | None = None) -> Wikis:
    table = read_table(path)
    return Wikis(
        Wiki(
            wiki=row.wiki,
            subdomain=row.subdomain,
            site_code=row.language,
            name=row.name_en or row.language,
            autonym=row.autonym or row.language,
            closed=bool(row.closed),
        )
        for row in table.itertuples(index=False)
    )
