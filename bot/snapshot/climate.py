"""The climate-change set (SDG 13) and its page sizes, from the Wellesley CS234 tables.

The wide st14 table gives, for 3,965 items, the article URL in each of 25 Wikipedias (empty:
no article) and the items' P31 classes; the st01 table, joined to it in the shared data, gives
page sizes. Every fact written comes from these files.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.errors import SnapshotError
from bot.ids import ENTITY
from bot.languages import article_url
from bot.snapshot.rdf import Sitelink, one_line, title_from_url
from bot.snapshot.sources import SourceSet, check_qid, dbname, read_csv

CLIMATE_CSV = "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"
CLIMATE_PAGESIZES = "topics/climate_change_25langs/climate_items_sitelinks_with_pagesize.tsv"
CLIMATE_ID = "sdg13-climate-change"

# Provenance, copied from shared/data/SOURCES.md. "retrieved" is the date of the commit the
# file was copied from; "data_date" is when the data itself was gathered, as far as it is known.
CLIMATE_META = {
    "id": CLIMATE_ID,
    "goal": 13,
    "targets": [],
    "title": "Climate change: Wikidata items in 25 Wikipedias",
    "description": (
        "3,965 Wikidata items about climate change, each with an English Wikipedia article, and "
        "their articles in 25 Wikipedias (en ja de fr es it zh pt pl id ru nl hi sv cs ko uk fi "
        "hu ar he ro da el bg). Gathered about November 2025 for the Wellesley CS234 course "
        "(fall 2025)."
    ),
    "data_date": "2025-11",
    "source": {
        "repository": "Wellesley-CS234/final-project-part-1-preparation-beatrixkim",
        "path": "data/st14_data.csv",
        "commit": "9af8968c21be3efd36debe551a582ba964da4ee4",
        "licence": "GPL-3.0 (repository licence); Wikidata content CC0",
        "retrieved": "2026-01-05",
        "description": (
            "Wide table: item, title_en, article_<lang> (full Wikipedia URL or empty when there "
            "is no article) for 25 languages, qid, instance_types (P31 QIDs) and category. "
            "Every item has enwiki, so the set is enwiki-anchored. The same file is at "
            "Wellesley-CS234/wellesley-cs234-fa25-final-project-part-1-aggregate-finalproject_"
            "part1 @ c2b0637f."
        ),
    },
    "observed_check": (
        "The table has one article_<lang> column per Wikipedia it looked at; an empty cell is "
        "the source's own statement that the item has no article there."
    ),
}
PAGESIZES_SOURCE = {
    "repository": "Wellesley-CS234/final-project-part-1-aggregate-kellyc721",
    "path": "data/st01_data.csv",
    "commit": "52ce69a0f5a2335d282c878c41c028ac9b1d468a",
    "licence": "Apache-2.0 (repository licence)",
    "retrieved": "2025-11-18",
    "description": (
        "Page length in bytes from the MediaWiki API for climate-change articles in 25 wikis, "
        "joined to the st14 sitelinks on (language, title) in shared/data "
        "(climate_items_sitelinks_with_pagesize.tsv). st01 has no QID column and no cs, da or "
        "bg articles, so some sitelinks have no known size; those rows are left out."
    ),
}


def read_climate(path: Path, dbname_of: dict[str, str]) -> SourceSet:
    """The climate set: QIDs, sitelinks and P31 pairs."""
    rows = read_csv(path)
    if not rows:
        raise SnapshotError(f"{path}: no rows")
    langs = [col.removeprefix("article_") for col in rows[0] if col.startswith("article_")]
    observed = sorted(dbname(lang, dbname_of, path) for lang in langs)
    qids, sitelinks, p31 = set(), [], set()
    for row in rows:
        qid = check_qid(row["qid"], path)
        if row["item"] != ENTITY + qid or qid in qids:
            raise SnapshotError(f"{path}: item {row['item']!r} duplicated or not matching {qid}")
        qids.add(qid)
        for lang in langs:
            url = row[f"article_{lang}"]
            if not url:
                continue
            prefix = article_url(lang, "")
            if not url.startswith(prefix):
                raise SnapshotError(
                    f"{path}: {qid} article_{lang} is not on {lang}.wikipedia: {url}"
                )
            try:
                title = title_from_url(url)
            except (ValueError, UnicodeDecodeError) as exc:
                raise SnapshotError(f"{path}: {qid}: bad URL {url}: {one_line(exc)}") from exc
            link = Sitelink(qid, dbname_of[lang], lang, title)
            if link.iri != url:
                raise SnapshotError(f"{path}: {qid}: {url} is not in MediaWiki's URL form")
            sitelinks.append(link)
        try:
            types = ast.literal_eval(row["instance_types"]) if row["instance_types"] else []
        except (ValueError, SyntaxError) as exc:
            raise SnapshotError(
                f"{path}: {qid}: bad instance_types {row['instance_types']!r}"
            ) from exc
        for cls in types:
            p31.add((qid, check_qid(cls, path)))
    return SourceSet(CLIMATE_META, qids, sitelinks, observed, p31=p31)


def read_pagesizes(path: Path, climate: SourceSet) -> list[tuple[str, str, int]]:
    """Known page sizes of climate sitelinks, sorted by numeric QID then wiki."""
    known = {(link.qid, link.wiki): link.title for link in climate.sitelinks}
    out = []
    for row in read_csv(path, delimiter="\t"):
        key = (row["qid"], row["site"])
        if known.get(key) != row["title"]:
            raise SnapshotError(
                f"{path}: {key} {row['title']!r} is not a sitelink of the climate set"
            )
        size = row["pagesize_bytes"]
        if size == "":
            continue
        if not size.isdigit():
            raise SnapshotError(f"{path}: bad page size {size!r} for {key}")
        out.append((row["qid"], row["site"], int(size)))
    out.sort(key=lambda r: (int(r[0][1:]), r[1]))
    return out
