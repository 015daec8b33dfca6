"""Places of Nominatim's test database (SDG 11), with their articles in 39 Wikipedias.

Nominatim imports the articles of 39 Wikipedias and the Wikidata item of each; its test cut
keeps those of 152 places (Liechtenstein's municipalities and mountains, neighbouring Swiss and
Austrian regions, Alabama counties and towns, the Rhine, the Alps). Rows of type ``a`` are
articles, ``r`` redirect titles leading to one; titles are in URL form (underscores for
spaces). Whether the cut keeps every article of an item is checked where another source can
tell: the items it shares with the 2014 Wikidata dump sample must have an article row in every
one of the 39 languages the dump gives them.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from bot.errors import SnapshotError
from bot.snapshot.rdf import Sitelink, one_line
from bot.snapshot.sources import SourceSet, check_qid, dbname, read_csv

IMPORTANCE = "topics/nominatim_places/wikimedia-importance.csv.gz"
DUMP_2014 = "wikidata_entities/wikidata_dump_sample_2014/wikibrain_2014_wikipedia_sitelinks.tsv"
SET_ID = "sdg11-nominatim-places"

META = {
    "id": SET_ID,
    "goal": 11,
    "targets": [],
    "title": "Places in Liechtenstein, its neighbours and Alabama (Nominatim test data)",
    "description": (
        "152 places of Nominatim's test database: Liechtenstein's municipalities, villages, "
        "mountains, castles and museums, neighbouring Swiss and Austrian municipalities and "
        "regions, counties, towns and roads of Alabama, the Rhine and the Alps, with their "
        "articles in the 39 Wikipedias Nominatim imports."
    ),
    "data_date": "unknown (the file was added to the repository on 2025-01-14, in 7552818)",
    "source": {
        "repository": "osm-search/Nominatim",
        "path": "test/testdb/wikimedia-importance.csv.gz",
        "commit": "86e7932db2ebcce941a189b942539e76dcd8a148",
        "licence": (
            "GPL-3.0 (repository licence); the content is Wikipedia titles (facts) and "
            "Wikidata ids (CC0)"
        ),
        "retrieved": "86e7932d (its date is not recorded in shared/data)",
        "description": (
            "Tab-separated language, type (a: article, r: redirect), title (URL form), "
            "importance, wikidata_id. Only the article rows are used; the titles' underscores "
            "become spaces."
        ),
    },
}


def read_nominatim(source_dir: Path, dbname_of: dict[str, str]) -> SourceSet:
    path = source_dir / IMPORTANCE
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise SnapshotError(f"{path}: cannot read: {one_line(exc)}") from exc
    if not rows or not {"language", "type", "title", "wikidata_id"} <= set(rows[0]):
        raise SnapshotError(f"{path}: no rows, or not Nominatim's importance columns")
    qids, sitelinks, langs = set(), [], set()
    pairs: set[tuple[str, str]] = set()
    titles: set[tuple[str, str]] = set()
    for row in rows:
        if row["type"] not in ("a", "r"):
            raise SnapshotError(f"{path}: unknown row type {row['type']!r}")
        lang = row["language"]
        wiki = dbname(lang, dbname_of, path)
        langs.add(lang)
        if row["type"] != "a":
            continue
        qid = check_qid(row["wikidata_id"], path)
        title = row["title"].replace("_", " ")
        if not title or title != title.strip() or "  " in title:
            raise SnapshotError(f"{path}: {qid} {lang}: bad title {row['title']!r}")
        if (qid, lang) in pairs or (lang, title) in titles:
            raise SnapshotError(f"{path}: {qid} {lang}: a second article row")
        pairs.add((qid, lang))
        titles.add((lang, title))
        qids.add(qid)
        sitelinks.append(Sitelink(qid, wiki, lang, title))
    observed = sorted(dbname_of[lang] for lang in langs)
    check = _check_against_dump(source_dir / DUMP_2014, pairs, observed, dbname_of)
    meta = {**META, "observed_check": check}
    return SourceSet(meta, qids, sitelinks, observed)


def _check_against_dump(
    path: Path, pairs: set[tuple[str, str]], observed: list[str], dbname_of: dict[str, str]
) -> str:
    lang_of = {wiki: lang for lang, wiki in dbname_of.items()}
    ours = {lang_of[w] for w in observed}
    dump: dict[str, set[str]] = {}
    for row in read_csv(path, delimiter="\t"):
        lang = lang_of.get(row["site"])
        if lang in ours:
            dump.setdefault(row["qid"], set()).add(lang)
    items = {qid for qid, _ in pairs}
    shared = sorted(items & set(dump), key=lambda q: int(q[1:]))
    for qid in shared:
        lacking = sorted(lang for lang in dump[qid] if (qid, lang) not in pairs)
        if lacking:
            raise SnapshotError(
                f"{path}: {qid} has articles in {', '.join(lacking)} that the Nominatim cut "
                "lacks: its absent rows cannot be read as missing articles"
            )
    checked = ", ".join(f"{q} ({len(dump[q])} languages)" for q in shared) or "none"
    return (
        f"The observed Wikipedias are the {len(observed)} languages of the file, the "
        "Wikipedias Nominatim imports. Items the file shares with the 2014 Wikidata dump "
        f"sample: {checked}; each has an article row in every one of these languages the "
        "dump gives it. No other source here can check the other items: for them an absent row "
        "is read as no article on the strength of how Nominatim builds the file (from every "
        "article of each imported Wikipedia). scripts/build_snapshot.py repeats the check at "
        "every build."
    )
