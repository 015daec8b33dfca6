"""The bundled real snapshot: the offline default data of sdg-gaps, and how it is built.

sdg-gaps can answer every question without a network because it ships a small, real extract of
Wikidata in ``bot/data/snapshot``. This module is the one front door to that extract. It has two
halves.

The building half, :func:`build_snapshot`, reads a folder laid out like the project's shared data
(``topics/``, ``sdg/``, ``mediawiki_api/`` …) and writes, deterministically, so that the same input
always gives the same bytes:

* ``wikidata.nt.gz``, sorted N-Triples shaped like the RDF the Wikidata Query Service serves:
  every Wikipedia article of an item is a ``schema:Article`` with ``schema:about``,
  ``schema:isPartOf``, ``schema:inLanguage`` and ``schema:name``; every Wikipedia that appears
  has its ``wikibase:wikiGroup``; the climate items carry their ``wdt:P31`` values; and the 17
  goals are tied to their Wikidata items by the UN's own ``skos:exactMatch``. Nothing else is
  written: the sources give Wikipedia titles, not Wikidata labels, so there are no
  ``rdfs:label`` triples, and they give no badges, so there are none of those either.
* ``pagesizes.tsv.gz``, the known page sizes of the climate articles (``qid``, ``wiki``,
  ``pagesize_bytes``).
* ``manifest.json``, which describes the item sets, the goals, the provenance of every source and
  the SHA-256 of each data file.
* one pinned QID list per item set (``queries/pinned/<id>.txt``) and the table of Wikipedias
  (``bot/data/wikipedias.tsv``) derived from a real ``action=sitematrix`` reply.

The loading half, :func:`open_snapshot`, checks a snapshot directory against its manifest and
returns a :class:`Snapshot`; :func:`load_wikipedias` reads the table of Wikipedias. Running SPARQL
over the triples is not done here: the query engine loads :attr:`Snapshot.ntriples_path` itself.

Every fact written comes from a file in the source folder; what a source does not say is left
out. Problems with a source or a snapshot raise :class:`bot.errors.SnapshotError` with a one-line
message that names the file.
"""

from __future__ import annotations

import ast
import csv
import gzip
import hashlib
import io
import json
import re
import urllib.parse
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.errors import SnapshotError

FORMAT = 1
BUILT_BY = "scripts/build_snapshot.py"
NTRIPLES_FILE = "wikidata.nt.gz"
PAGESIZES_FILE = "pagesizes.tsv.gz"
MANIFEST_FILE = "manifest.json"
DATA_FILES = (NTRIPLES_FILE, PAGESIZES_FILE)
WIKIPEDIAS_COLUMNS = ("wiki", "subdomain", "language", "name_en", "autonym", "closed")
PAGESIZES_COLUMNS = ("qid", "wiki", "pagesize_bytes")

WD = "http://www.wikidata.org/entity/"
WDT_P31 = "http://www.wikidata.org/prop/direct/P31"
SCHEMA = "http://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WIKIGROUP = "http://wikiba.se/ontology#wikiGroup"
SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"

# The characters MediaWiki's wfUrlencode() leaves unescaped in a title, besides the letters,
# digits and ``_.-~`` that urllib.parse.quote() never escapes. The st14 URLs confirm the style:
# they keep ``! ( ) , / : ~`` and escape ``" % & ' + ?``.
TITLE_SAFE = ";@$!*(),/~:"

_QID = re.compile(r"Q[1-9][0-9]*")

# Paths of the sources, relative to the source folder.
CLIMATE_CSV = "topics/climate_change_25langs/wellesley_st14_climate_items_25lang_sitelinks.csv"
CLIMATE_PAGESIZES = "topics/climate_change_25langs/climate_items_sitelinks_with_pagesize.tsv"
INVASIVE_LINKS = "topics/invasive_species_eu/unionconcern_invasive_species_wikipedia_links_2025.csv"
INVASIVE_QIDS = "topics/invasive_species_eu/unionconcern_invasive_species_qnumbers_2025.csv"
GOALS_CSV = "sdg/un_sdg_goals_wikidata_map.csv"
SITEMATRIX = "mediawiki_api/wptools/sitematrix.json"

CLIMATE_ID = "sdg13-climate-change"
INVASIVE_ID = "sdg15-eu-invasive-alien-species"

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
}
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
GOALS_SOURCE = {
    "repository": "issa-project/issa-pipeline",
    "path": "environment/datasets/sdgs-metadata/sdgs-metadata.ttl",
    "commit": "dbe2e3b0660f748a8b2bff692151921c89d88323",
    "licence": "Apache-2.0 (repository licence); content is the UN SDG KOS from metadata.un.org",
    "retrieved": "2024-07-05",
    "description": (
        "The UN's skos:exactMatch from each goal to its Wikidata item, read from "
        "shared/data sdg/un_sdg_goals_wikidata_map.csv (derived from the Turtle file). "
        "Not checked against live Wikidata."
    ),
}
WIKIPEDIAS_SOURCE = {
    "repository": "siznax/wptools",
    "path": "tests/sitematrix.py",
    "commit": "24409eb59e0d21792283e55867d6a1afb9f1a9c0",
    "licence": "MIT (repository licence)",
    "retrieved": "2017-09-15",
    "description": (
        "A real action=sitematrix reply (formatversion=2), extracted without executing the "
        "module; bot/data/wikipedias.tsv has one row per Wikipedia (site code 'wiki')."
    ),
}


# --------------------------------------------------------------------------------------------
# Building


def article_url(subdomain: str, title: str) -> str:
    """Return the article URL WDQS uses for ``title`` on ``https://<subdomain>.wikipedia.org``.

    Spaces become underscores and the title is percent-encoded (UTF-8, upper-case hex) the way
    MediaWiki's ``wfUrlencode`` does, which reproduces the URLs in the st14 climate table.
    """
    path = urllib.parse.quote(title.replace(" ", "_"), safe=TITLE_SAFE)
    return f"https://{subdomain}.wikipedia.org/wiki/{path}"


def title_from_url(url: str) -> str:
    """Return the page title of an article URL (the inverse of :func:`article_url`)."""
    _, sep, path = url.partition("/wiki/")
    if not sep:
        raise ValueError(f"not a /wiki/ article URL: {url}")
    return urllib.parse.unquote(path, errors="strict").replace("_", " ")


def build_snapshot(
    source_dir: Path, out_dir: Path, pinned_dir: Path, wikipedias_path: Path
) -> None:
    """Build the snapshot from ``source_dir`` into ``out_dir``, ``pinned_dir`` and
    ``wikipedias_path``.

    ``source_dir`` has the layout of the project's shared data folder. The outputs are
    byte-for-byte reproducible: lines are sorted, gzip streams carry no name and mtime 0, and
    JSON is written with sorted keys and a fixed indent. Raises :class:`SnapshotError` when a
    source is missing or does not look as expected.
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise SnapshotError(f"source directory not found: {source_dir}")

    wikipedias = _read_sitematrix(source_dir / SITEMATRIX)
    dbname_of = {row[1]: row[0] for row in wikipedias}  # subdomain -> dbname

    climate = _read_climate(source_dir / CLIMATE_CSV, dbname_of)
    invasive = _read_invasive(source_dir / INVASIVE_QIDS, source_dir / INVASIVE_LINKS, dbname_of)
    goals = _read_goals(source_dir / GOALS_CSV)
    pagesizes = _read_pagesizes(source_dir / CLIMATE_PAGESIZES, climate, dbname_of)

    itemsets = []
    all_lines: set[str] = set()
    seen_urls: dict[str, str] = {}
    for meta, data in ((CLIMATE_META, climate), (INVASIVE_META, invasive)):
        lines = _itemset_triples(data)
        for url, _sub, _title, qid in data["sitelinks"]:
            if seen_urls.setdefault(url, qid) != qid:
                raise SnapshotError(f"{url} is a sitelink of both {seen_urls[url]} and {qid}")
        all_lines |= lines
        itemsets.append(
            {
                **meta,
                "pinned": f"queries/pinned/{meta['id']}.txt",
                "items": len(data["qids"]),
                "sitelinks": len(data["sitelinks"]),
                "observed_wikis": data["observed_wikis"],
                "triples": len(lines),
            }
        )
    subdomains = {sub for data in (climate, invasive) for _u, sub, _t, _q in data["sitelinks"]}
    for sub in subdomains:
        all_lines.add(
            _nt(_iri(f"https://{sub}.wikipedia.org/"), _iri(WIKIGROUP), _lit("wikipedia"))
        )
    for goal in goals:
        all_lines.add(_nt(_iri(goal["un_uri"]), _iri(SKOS_EXACT_MATCH), _iri(WD + goal["qid"])))

    out_dir = Path(out_dir)
    pinned_dir = Path(pinned_dir)
    wikipedias_path = Path(wikipedias_path)
    for directory in (out_dir, pinned_dir, wikipedias_path.parent):
        directory.mkdir(parents=True, exist_ok=True)

    nt_bytes = _gzip("".join(sorted(all_lines)).encode("utf-8"))
    ps_text = "\t".join(PAGESIZES_COLUMNS) + "\n"
    ps_text += "".join(f"{q}\t{w}\t{size}\n" for q, w, size in pagesizes)
    ps_bytes = _gzip(ps_text.encode("utf-8"))
    wp_text = (
        "\t".join(WIKIPEDIAS_COLUMNS) + "\n" + "".join("\t".join(r) + "\n" for r in wikipedias)
    )
    wp_bytes = wp_text.encode("utf-8")

    manifest = {
        "format": FORMAT,
        "built_by": BUILT_BY,
        "itemsets": itemsets,
        "goals": goals,
        "goals_source": GOALS_SOURCE,
        "pagesizes_source": PAGESIZES_SOURCE,
        "wikipedias_source": {
            **WIKIPEDIAS_SOURCE,
            "sha256": _sha256(wp_bytes),
            "rows": len(wikipedias),
        },
        "files": {NTRIPLES_FILE: _sha256(nt_bytes), PAGESIZES_FILE: _sha256(ps_bytes)},
        "triples": len(all_lines),
    }
    manifest_bytes = (
        json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    ).encode("utf-8")

    (out_dir / NTRIPLES_FILE).write_bytes(nt_bytes)
    (out_dir / PAGESIZES_FILE).write_bytes(ps_bytes)
    (out_dir / MANIFEST_FILE).write_bytes(manifest_bytes)
    wikipedias_path.write_bytes(wp_bytes)
    for meta, data in ((CLIMATE_META, climate), (INVASIVE_META, invasive)):
        (pinned_dir / f"{meta['id']}.txt").write_bytes(
            _pinned_text(meta, data["qids"]).encode("utf-8")
        )


def _read_sitematrix(path: Path) -> list[tuple[str, ...]]:
    """Rows of wikipedias.tsv (as strings, sorted by dbname) from a sitematrix reply."""
    try:
        reply = json.loads(path.read_text(encoding="utf-8"))
        matrix = reply["response"]["sitematrix"] if "response" in reply else reply["sitematrix"]
        rows = []
        for key, group in matrix.items():
            if not key.isdigit():
                continue
            for site in group.get("site", []):
                if site.get("code") != "wiki":
                    continue
                host = urllib.parse.urlsplit(site["url"]).hostname or ""
                if not host.endswith(".wikipedia.org"):
                    raise ValueError(f"unexpected Wikipedia URL {site['url']}")
                closed = "closed" in site and site["closed"] is not False
                fields = (
                    site["dbname"],
                    host.removesuffix(".wikipedia.org"),
                    group["code"],
                    group.get("localname", ""),
                    group.get("name", ""),
                    "1" if closed else "0",
                )
                if any(ch in f for f in fields for ch in "\t\r\n"):
                    raise ValueError(f"tab or newline in the entry for {site['dbname']}")
                rows.append(fields)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SnapshotError(f"{path}: cannot read the sitematrix: {_one_line(exc)}") from exc
    if not rows or len({r[0] for r in rows}) != len(rows) or len({r[1] for r in rows}) != len(rows):
        raise SnapshotError(f"{path}: no Wikipedias, or duplicated dbnames or hosts")
    return sorted(rows)


def _dbname(subdomain: str, dbname_of: dict[str, str], path: Path) -> str:
    try:
        return dbname_of[subdomain]
    except KeyError:
        raise SnapshotError(f"{path}: {subdomain!r} is not a Wikipedia in the sitematrix") from None


def _check_qid(qid: str, path: Path) -> str:
    if not _QID.fullmatch(qid):
        raise SnapshotError(f"{path}: {qid!r} is not a QID")
    return qid


def _read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
            return list(csv.DictReader(handle, delimiter=delimiter, quoting=quoting))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SnapshotError(f"{path}: cannot read: {_one_line(exc)}") from exc


def _read_climate(path: Path, dbname_of: dict[str, str]) -> dict:
    """The climate set: QIDs, sitelinks (url, subdomain, title, qid) and P31 pairs."""
    rows = _read_csv(path)
    if not rows:
        raise SnapshotError(f"{path}: no rows")
    langs = [col.removeprefix("article_") for col in rows[0] if col.startswith("article_")]
    observed = sorted(_dbname(lang, dbname_of, path) for lang in langs)
    qids, sitelinks, p31 = set(), [], set()
    for row in rows:
        qid = _check_qid(row["qid"], path)
        if row["item"] != WD + qid or qid in qids:
            raise SnapshotError(f"{path}: item {row['item']!r} duplicated or not matching {qid}")
        qids.add(qid)
        for lang in langs:
            url = row[f"article_{lang}"]
            if not url:
                continue
            prefix = f"https://{lang}.wikipedia.org/wiki/"
            if not url.startswith(prefix):
                raise SnapshotError(
                    f"{path}: {qid} article_{lang} is not on {lang}.wikipedia: {url}"
                )
            try:
                title = title_from_url(url)
            except (ValueError, UnicodeDecodeError) as exc:
                raise SnapshotError(f"{path}: {qid}: bad URL {url}: {_one_line(exc)}") from exc
            sitelinks.append((url, lang, title, qid))
        try:
            types = ast.literal_eval(row["instance_types"]) if row["instance_types"] else []
        except (ValueError, SyntaxError) as exc:
            raise SnapshotError(
                f"{path}: {qid}: bad instance_types {row['instance_types']!r}"
            ) from exc
        for cls in types:
            p31.add((qid, _check_qid(cls, path)))
    return {"qids": qids, "sitelinks": sitelinks, "p31": p31, "observed_wikis": observed}


def _read_invasive(qids_path: Path, links_path: Path, dbname_of: dict[str, str]) -> dict:
    """The EU invasive species set: QIDs and sitelinks built from the titles."""
    qids = {_check_qid(row["Wikidata Q-number"], qids_path) for row in _read_csv(qids_path)}
    if not qids:
        raise SnapshotError(f"{qids_path}: no rows")
    sitelinks, langs, pairs = [], set(), set()
    for row in _read_csv(links_path):
        qid, lang, title = row["Q-number"], row["Language"], row["Wikipedia Title"]
        if qid not in qids:
            raise SnapshotError(f"{links_path}: {qid!r} is not in {qids_path.name}")
        if not title or title != title.strip() or (qid, lang) in pairs:
            raise SnapshotError(f"{links_path}: empty, padded or duplicated title for {qid} {lang}")
        _dbname(lang, dbname_of, links_path)
        pairs.add((qid, lang))
        langs.add(lang)
        sitelinks.append((article_url(lang, title), lang, title, qid))
    observed = sorted(dbname_of[lang] for lang in langs)
    return {"qids": qids, "sitelinks": sitelinks, "p31": set(), "observed_wikis": observed}


def _read_goals(path: Path) -> list[dict]:
    goals = []
    for row in _read_csv(path):
        try:
            goal = int(row["goal"])
        except (KeyError, ValueError) as exc:
            raise SnapshotError(f"{path}: bad goal number {row.get('goal')!r}") from exc
        un_uri = row["un_uri"]
        if not un_uri.startswith("http://metadata.un.org/sdg/"):
            raise SnapshotError(f"{path}: unexpected un_uri {un_uri!r}")
        goals.append({"goal": goal, "qid": _check_qid(row["wikidata_qid"], path), "un_uri": un_uri})
    goals.sort(key=lambda g: g["goal"])
    if [g["goal"] for g in goals] != list(range(1, 18)):
        raise SnapshotError(f"{path}: expected the 17 goals once each")
    return goals


def _read_pagesizes(
    path: Path, climate: dict, dbname_of: dict[str, str]
) -> list[tuple[str, str, int]]:
    """Known page sizes of climate sitelinks, sorted by numeric QID then wiki."""
    known = {(qid, dbname_of[sub]): title for _url, sub, title, qid in climate["sitelinks"]}
    out = []
    for row in _read_csv(path, delimiter="\t"):
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


def _itemset_triples(data: dict) -> set[str]:
    lines = set()
    for url, sub, title, qid in data["sitelinks"]:
        art = _iri(url)
        lines.add(_nt(art, _iri(SCHEMA + "about"), _iri(WD + qid)))
        lines.add(_nt(art, _iri(SCHEMA + "isPartOf"), _iri(f"https://{sub}.wikipedia.org/")))
        lines.add(_nt(art, _iri(SCHEMA + "inLanguage"), _lit(sub)))
        lines.add(_nt(art, _iri(SCHEMA + "name"), _lit(title, sub)))
        lines.add(_nt(art, _iri(RDF_TYPE), _iri(SCHEMA + "Article")))
    for qid, cls in data["p31"]:
        lines.add(_nt(_iri(WD + qid), _iri(WDT_P31), _iri(WD + cls)))
    return lines


def _iri(value: str) -> str:
    if any(ch in value for ch in '<>"{}|^`\\ ') or any(ord(ch) <= 0x20 for ch in value):
        raise SnapshotError(f"not a valid IRI for N-Triples: {value!r}")
    return f"<{value}>"


def _lit(value: str, lang: str | None = None) -> str:
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


def _nt(subject: str, predicate: str, obj: str) -> str:
    return f"{subject} {predicate} {obj} .\n"


def _pinned_text(meta: dict, qids: Iterable[str]) -> str:
    source = meta["source"]
    header = [
        f"# {meta['title']} ({meta['id']})",
        f"# goal: {meta['goal']}",
        f"# targets: {' '.join(meta['targets']) if meta['targets'] else '(none)'}",
        f"# source: {source['repository']} {source['path']} @ {source['commit']}",
        f"# licence: {source['licence']}",
    ]
    ordered = sorted(qids, key=lambda q: int(q[1:]))
    return "\n".join(header) + "\n" + "".join(f"{q}\n" for q in ordered)


def _gzip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


# --------------------------------------------------------------------------------------------
# Loading


def default_snapshot_dir() -> Path:
    """The snapshot bundled with the package, ``bot/data/snapshot``."""
    return Path(__file__).parent / "data" / "snapshot"


def default_wikipedias_path() -> Path:
    """The bundled table of Wikipedias, ``bot/data/wikipedias.tsv``."""
    return Path(__file__).parent / "data" / "wikipedias.tsv"


@dataclass(frozen=True)
class ItemSetInfo:
    """One item set of the snapshot, as its manifest describes it.

    ``pinned`` is the path of its QID list relative to the repository root; ``observed_wikis``
    are the dbnames the source looked at (a wiki missing from it was not looked at, which is not
    the same as having no articles).
    """

    id: str
    goal: int
    targets: tuple[str, ...]
    title: str
    description: str
    pinned: str
    items: int
    sitelinks: int
    observed_wikis: tuple[str, ...]
    source: dict
    data_date: str


@dataclass(frozen=True)
class Snapshot:
    """A snapshot directory whose files were checked against its manifest.

    Use :func:`open_snapshot` to get one. ``goal_qids`` maps goal numbers 1–17 to the Wikidata
    items the UN matches them to.
    """

    directory: Path
    manifest: dict
    itemsets: tuple[ItemSetInfo, ...]
    goal_qids: dict[int, str]

    @property
    def ntriples_path(self) -> Path:
        """The gzip-compressed N-Triples file, for the SPARQL engine to load."""
        return self.directory / NTRIPLES_FILE

    def pagesizes(self) -> pd.DataFrame:
        """Known page sizes: columns ``qid``, ``wiki`` (str) and ``pagesize_bytes`` (int64)."""
        path = self.directory / PAGESIZES_FILE
        try:
            frame = pd.read_csv(
                path,
                sep="\t",
                compression="gzip",
                dtype={"qid": "str", "wiki": "str", "pagesize_bytes": "int64"},
                keep_default_na=False,
            )
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            raise SnapshotError(f"{path}: cannot read page sizes: {_one_line(exc)}") from exc
        if tuple(frame.columns) != PAGESIZES_COLUMNS:
            raise SnapshotError(f"{path}: expected columns {', '.join(PAGESIZES_COLUMNS)}")
        return frame

    def describe(self) -> dict:
        """Provenance of the snapshot as a JSON-ready dict (for ``summary.json``).

        It names no local path: ``bundled`` says whether this is the packaged snapshot, and
        ``manifest_sha256`` identifies the exact snapshot.
        """
        manifest_bytes = (self.directory / MANIFEST_FILE).read_bytes()
        try:
            bundled = self.directory.resolve() == default_snapshot_dir().resolve()
        except OSError:
            bundled = False
        return {
            "format": self.manifest["format"],
            "bundled": bundled,
            "manifest_sha256": _sha256(manifest_bytes),
            "triples": self.manifest["triples"],
            "itemsets": [
                {
                    "id": info.id,
                    "goal": info.goal,
                    "targets": list(info.targets),
                    "title": info.title,
                    "items": info.items,
                    "sitelinks": info.sitelinks,
                    "observed_wikis": list(info.observed_wikis),
                    "data_date": info.data_date,
                    "source": dict(info.source),
                }
                for info in self.itemsets
            ],
            "goals_source": dict(self.manifest.get("goals_source", {})),
            "pagesizes_source": dict(self.manifest.get("pagesizes_source", {})),
            "wikipedias_source": dict(self.manifest.get("wikipedias_source", {})),
        }


def open_snapshot(directory: Path | None = None) -> Snapshot:
    """Open and verify a snapshot directory (the bundled one by default).

    Checks that the manifest is valid JSON of a known format, that every data file it lists
    exists with the recorded SHA-256 and decompresses. Any problem raises
    :class:`SnapshotError` naming the path.
    """
    directory = Path(directory) if directory is not None else default_snapshot_dir()
    if not directory.is_dir():
        raise SnapshotError(f"snapshot directory not found: {directory}")
    manifest_path = directory / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SnapshotError(f"{manifest_path}: cannot read the manifest: {_one_line(exc)}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{manifest_path}: not a format-{FORMAT} snapshot manifest")
    files = manifest.get("files")
    if not isinstance(files, dict) or set(DATA_FILES) - set(files):
        raise SnapshotError(f"{manifest_path}: the manifest does not list {', '.join(DATA_FILES)}")
    for name, expected in sorted(files.items()):
        _verify_file(directory / name, expected)
    try:
        itemsets = tuple(
            ItemSetInfo(
                id=str(s["id"]),
                goal=int(s["goal"]),
                targets=tuple(str(t) for t in s["targets"]),
                title=str(s["title"]),
                description=str(s["description"]),
                pinned=str(s["pinned"]),
                items=int(s["items"]),
                sitelinks=int(s["sitelinks"]),
                observed_wikis=tuple(str(w) for w in s["observed_wikis"]),
                source=dict(s["source"]),
                data_date=str(s["data_date"]),
            )
            for s in manifest["itemsets"]
        )
        goal_qids = {int(g["goal"]): str(g["qid"]) for g in manifest["goals"]}
        int(manifest["triples"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{manifest_path}: malformed manifest: {_one_line(exc)}") from exc
    return Snapshot(directory=directory, manifest=manifest, itemsets=itemsets, goal_qids=goal_qids)


def _verify_file(path: Path, expected: object) -> None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SnapshotError(
            f"{path}: missing or unreadable snapshot file: {_one_line(exc)}"
        ) from exc
    if _sha256(data) != expected:
        raise SnapshotError(f"{path}: checksum does not match the manifest")
    if path.name.endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                while gz.read(1 << 20):
                    pass
        except (OSError, EOFError, zlib.error) as exc:
            raise SnapshotError(f"{path}: not a readable gzip file: {_one_line(exc)}") from exc


def load_wikipedias(path: Path | None = None) -> pd.DataFrame:
    """Read the table of Wikipedias (``bot/data/wikipedias.tsv`` by default).

    Columns ``wiki`` (dbname, e.g. ``be_x_oldwiki``), ``subdomain`` (e.g. ``be-tarask``),
    ``language`` (the sitematrix group code, e.g. ``be-x-old``), ``name_en``, ``autonym`` are
    strings; ``closed`` is a bool.
    """
    path = Path(path) if path is not None else default_wikipedias_path()
    try:
        frame = pd.read_csv(
            path, sep="\t", dtype="str", keep_default_na=False, quoting=csv.QUOTE_NONE
        )
    except (OSError, ValueError) as exc:
        raise SnapshotError(
            f"{path}: cannot read the table of Wikipedias: {_one_line(exc)}"
        ) from exc
    if tuple(frame.columns) != WIKIPEDIAS_COLUMNS or not frame["closed"].isin(["0", "1"]).all():
        raise SnapshotError(
            f"{path}: expected columns {', '.join(WIKIPEDIAS_COLUMNS)} with closed 0/1"
        )
    frame["closed"] = frame["closed"] == "1"
    return frame
