"""Wikipedias and their languages: wiki ids ↔ language codes ↔ names.

The table comes from MediaWiki's own site matrix (``action=sitematrix``), bundled as
``bot/data/wikipedias.tsv`` by ``scripts/build_snapshot.py``: for each Wikipedia its database
name (``frwiki``, the id Wikidata uses for sitelinks), its subdomain (``fr``), its language
code, its English name and its name in its own language. A wiki created after the bundled
matrix still works when it appears in live data: it is named by its code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from bot.errors import UsageError

TABLE = Path(__file__).resolve().parent / "data" / "wikipedias.tsv"


@dataclass(frozen=True)
class Wiki:
    wiki: str  # database name, e.g. "frwiki"
    subdomain: str  # "fr" in fr.wikipedia.org
    language: str  # language code, e.g. "fr"
    name: str  # English name, e.g. "French"
    autonym: str  # "français"
    closed: bool = False

    @property
    def site(self) -> str:
        """The site IRI Wikidata uses in ``schema:isPartOf``."""
        return f"https://{self.subdomain}.wikipedia.org/"


class Wikis:
    """Look-ups over the table of Wikipedias; build one with :func:`load_wikis`."""

    def __init__(self, wikis: Iterable[Wiki]):
        self._by_wiki = {w.wiki: w for w in wikis}
        self._by_subdomain = {w.subdomain: w for w in self._by_wiki.values()}

    def __contains__(self, wiki: str) -> bool:
        return wiki in self._by_wiki

    def get(self, wiki: str) -> Wiki:
        """The wiki with database name *wiki*; an unknown one is described by its code alone."""
        known = self._by_wiki.get(wiki)
        if known:
            return known
        code = wiki.removesuffix("wiki").replace("_", "-")
        return Wiki(wiki, code, code, code, code)

    def wiki_of_site(self, site: str) -> str:
        """``https://fr.wikipedia.org/`` → ``frwiki``."""
        host = urlsplit(site).hostname or ""
        subdomain = host.removesuffix(".wikipedia.org")
        known = self._by_subdomain.get(subdomain)
        return known.wiki if known else subdomain.replace("-", "_") + "wiki"

    def resolve(self, code: str) -> Wiki:
        """A user's language choice (``fr``, ``frwiki`` or ``fr.wikipedia.org``) → the wiki.

        Raises :class:`UsageError` for a code that names no Wikipedia.
        """
        text = code.strip().lower().removesuffix(".wikipedia.org")
        found = self._by_wiki.get(text) or self._by_subdomain.get(text)
        if found is None:
            found = next((w for w in self._by_wiki.values() if w.language == text), None)
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

    def frame(self, wikis: Iterable[str]) -> pd.DataFrame:
        """``wiki, language, language_name`` for the given wikis, for joining onto tables."""
        rows = [self.get(w) for w in wikis]
        return pd.DataFrame(
            {
                "wiki": [w.wiki for w in rows],
                "language": [w.subdomain for w in rows],
                "language_name": [w.name for w in rows],
            }
        )


def load_wikis(path: Path = TABLE) -> Wikis:
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    return Wikis(
        Wiki(
            wiki=row.wiki,
            subdomain=row.subdomain,
            language=row.language,
            name=row.name_en or row.language,
            autonym=row.autonym or row.language,
            closed=row.closed in ("1", "true", "True"),
        )
        for row in table.itertuples(index=False)
    )
