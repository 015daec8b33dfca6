"""The bundled real snapshot: the offline default data of sdg-gaps, and how it is built.

sdg-gaps can answer every question without a network because it ships a small, real extract of
Wikidata in ``bot/data/snapshot``. This package is the one front door to it; it re-exports and
holds no logic:

* :mod:`bot.snapshot.load` opens and verifies a snapshot (:func:`open_snapshot`,
  :class:`Snapshot`; the table of Wikipedias is :func:`bot.languages.read_table`'s);
* :mod:`bot.snapshot.build` builds one from the shared data folder (:func:`build_snapshot`),
  with one reader per source (:mod:`bot.snapshot.climate`, :mod:`bot.snapshot.invasive`,
  :mod:`bot.snapshot.uganda`, :mod:`bot.snapshot.humaniki`, :mod:`bot.snapshot.nominatim`),
  what every reader returns and the readers of the Wikipedias' site matrix and the UN's goal
  matches (:mod:`bot.snapshot.sources`), and the WDQS-shaped N-Triples writer
  :mod:`bot.snapshot.rdf`.
"""

from bot.snapshot.build import build_snapshot
from bot.snapshot.load import (
    DATA_FILES,
    FORMAT,
    MANIFEST_FILE,
    NTRIPLES_FILE,
    PAGESIZES_COLUMNS,
    PAGESIZES_FILE,
    PAGEVIEWS_COLUMNS,
    PAGEVIEWS_FILE,
    ItemSetInfo,
    Snapshot,
    default_snapshot_dir,
    open_snapshot,
)
from bot.snapshot.rdf import article_url, linked_page_iri, title_from_url

__all__ = [
    "DATA_FILES",
    "FORMAT",
    "MANIFEST_FILE",
    "NTRIPLES_FILE",
    "PAGESIZES_COLUMNS",
    "PAGESIZES_FILE",
    "PAGEVIEWS_COLUMNS",
    "PAGEVIEWS_FILE",
    "ItemSetInfo",
    "Snapshot",
    "article_url",
    "build_snapshot",
    "default_snapshot_dir",
    "linked_page_iri",
    "open_snapshot",
    "title_from_url",
]
