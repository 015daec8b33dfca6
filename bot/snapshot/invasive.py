"""The EU invasive alien species of Union concern (SDG 15.8), from iEcology-IAS-miner.

88 species and one row per (species, language) that has a Wikipedia article, in 34 European
languages: a language with no row for a species means no article there.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import SnapshotError
from bot.snapshot.rdf import Sitelink
from bot.snapshot.sources import SourceSet, check_qid, dbname, read_csv

INVASIVE_LINKS = "topics/invasive_species_eu/unionconcern_invasive_species_wikipedia_links_2025.csv"
INVASIVE_QIDS = "topics/invasive_species_eu/unionconcern_invasive_species_qnumbers_2025.csv"
INVASIVE_ID = "sdg15-eu-invasive-alien-species"

INVASIVE_META = {
    "id": INVASIVE_ID,
    "goal": 15,
    "targets": ["15.8"],
    "title": "EU invasive alien species of Union concern",
    "description": (
        "88 species on the EU list of invasive alien species of Union concern, and their "
        "Wikipedia articles in 34 European languages (bg bs ca cs cy da de el en es et eu fi fr "
        "ga gl hr hu is it lt lv mk nl no pl pt ro sk sl sq sr sv tr). A language with no row "
        "means no article."
    ),
    "data_date": "2025-11-05",
    "source": {
        "repository": "Simon-Reynaert/iEcology-IAS-miner",
        "path": "scripts/unionconcern_invasive_species_wikipedia_links_2025.csv",
        "commit": "e40a0caa4f55dda5f1096bd9cf860d8a4c11ba0b",
        "licence": "MIT (repository licence); Wikidata content CC0",
        "retrieved": "2025-11-05",
        "description": (
            "Scientific Name, Q-number, Language, Wikipedia Title: 88 species x 34 European "
            "languages. The 88 QIDs are from scripts/unionconcern_invasive_species_qnumbers_"
            "2025.csv at the same commit."
        ),
    },
    "observed_check": (
        "The observed Wikipedias are the 34 languages that occur in the table; the source "
        "looked up every species in each of them and wrote a row only where an article exists."
    ),
}


def read_invasive(qids_path: Path, links_path: Path, dbname_of: dict[str, str]) -> SourceSet:
    """The EU invasive species set: QIDs and sitelinks built from the titles."""
    qids = {check_qid(row["Wikidata Q-number"], qids_path) for row in read_csv(qids_path)}
    if not qids:
        raise SnapshotError(f"{qids_path}: no rows")
    sitelinks, langs, pairs = [], set(), set()
    for row in read_csv(links_path):
        qid, lang, title = row["Q-number"], row["Language"], row["Wikipedia Title"]
        if qid not in qids:
            raise SnapshotError(f"{links_path}: {qid!r} is not in {qids_path.name}")
        if not title or title != title.strip() or (qid, lang) in pairs:
            raise SnapshotError(f"{links_path}: empty, padded or duplicated title for {qid} {lang}")
        wiki = dbname(lang, dbname_of, links_path)
        pairs.add((qid, lang))
        langs.add(lang)
        sitelinks.append(Sitelink(qid, wiki, lang, title))
    observed = sorted(dbname_of[lang] for lang in langs)
    return SourceSet(INVASIVE_META, qids, sitelinks, observed)
