"""Wikidata JSON dumps: the items of an item set and their Wikipedia sitelinks, streamed.

A full Wikidata JSON dump (``latest-all.json.gz`` / ``.bz2``) is one JSON array with one entity
per line::

    [
    {"type":"item","id":"Q31",...,"sitelinks":{"enwiki":{"site":"enwiki","title":"Belgium","badges":[]},...}},
    {"type":"item","id":"Q8",...},
    ]

:func:`iter_sitelinks` reads it line by line (gzip, bzip2 or plain, chosen by the file name)
and yields DataFrames of at most *chunk_rows* sitelinks with the columns that
:func:`bot.sources.endpoint.fetch_sitelinks` gives — ``qid, wiki, title, badges, redirect`` — so
memory stays bounded however large the dump is: one line and one chunk at a time. Given an item set
(QIDs), lines of other entities are skipped by their id before any JSON is parsed.

Given a list for *classes*, :func:`iter_sitelinks` also collects each kept item's P31 classes
from its claims (:func:`p31_classes`: the truthy values, as WDQS's ``wdt:P31``), for the topic
rule of :mod:`bot.topics`, and its count of sitelinks in every project (``all_sitelinks``).

Only Wikipedia sitelinks are kept: a key is a Wikipedia when it is in the bundled table of
Wikipedias (``bot/data/wikipedias.tsv``, from MediaWiki's site matrix), or when it has the shape of
a language Wikipedia's database name and is none of the other projects' ``*wiki`` keys
(``commonswiki``, ``specieswiki``, ``wikidatawiki``, ``metawiki`` …). Badges are kept as in
:mod:`bot.sources.endpoint`: a sorted, space-separated list of QIDs; a sitelink to a redirect is
marked.
"""

from __future__ import annotations

import bz2
import gzip
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bot.errors import DumpError
from bot.ids import QID_PATTERN, REDIRECT_BADGES
from bot.languages import Wikis, load_wikis

COLUMNS = ["qid", "wiki", "title", "badges", "redirect"]

# Database names ending in "wiki" that are not Wikipedias (Wikimedia's special wikis).
NOT_WIKIPEDIAS = frozenset(
    {
        "commonswiki",
        "specieswiki",
        "wikidatawiki",
        "metawiki",
        "mediawikiwiki",
        "sourceswiki",
        "wikimaniawiki",
        "outreachwiki",
        "incubatorwiki",
        "foundationwiki",
        "testwiki",
        "test2wiki",
        "testwikidatawiki",
        "testcommonswiki",
        "wikifunctionswiki",
        "labswiki",
        "nostalgiawiki",
        "tenwiki",
        "strategywiki",
        "usabilitywiki",
        "otrs_wikiwiki",
        "advisorywiki",
        "betawikiversitywiki",
        "donatewiki",
        "qualitywiki",
    }
)
_LANGUAGE_WIKI = re.compile(r"[a-z][a-z0-9_]{1,14}wiki")
_ID = re.compile(rb'"id"\s*:\s*"([A-Z]?[0-9]+)"')
_QID = re.compile(QID_PATTERN)


def known_wikipedias(wikis: Wikis | None = None) -> frozenset[str]:
    """The database names of the Wikipedias in *wikis* (the bundled table by default)."""
    return (wikis if wikis is not None else load_wikis()).names()


def is_wikipedia(key: str, known: Collection[str]) -> bool:
    """Is a sitelink key a Wikipedia's? (the bundled table, else the shape of one)"""
    if key in known:
        return True
    return key not in NOT_WIKIPEDIAS and bool(_LANGUAGE_WIKI.fullmatch(key))


def open_dump(path: Path):
    """A binary stream over the dump's text, by the file's name: .gz, .bz2 or plain."""
    name = str(path)
    try:
        if name.endswith(".gz"):
            return gzip.open(path, "rb")
        if name.endswith(".bz2"):
            return bz2.open(path, "rb")
        return open(path, "rb")
    except OSError as exc:
        raise DumpError(f"cannot open the dump {path}: {exc.strerror or exc}") from exc


@dataclass
class DumpStats:
    """What a pass over a dump saw (for the run summary)."""

    entities: int = 0
    items: int = 0  # items kept (in the item set, or all items)
    sitelinks: int = 0  # Wikipedia sitelinks kept
    other_sitelinks: int = 0  # sitelinks to other projects, left out
    found: set[str] = field(default_factory=set)

    def as_dict(self) -> dict:
        return {
            "entities": self.entities,
            "items": self.items,
            "sitelinks": self.sitelinks,
            "other_sitelinks": self.other_sitelinks,
        }


def iter_entities(path: Path, qids: Collection[str] | None = None) -> Iterator[dict]:
    """The entities of a dump, one at a time (only those in *qids* when given)."""
    wanted = None if qids is None else {q.encode("ascii") for q in qids}
    with open_dump(path) as stream:
        for number, line in enumerate(stream, 1):
            line = line.strip()
            if not line or line in (b"[", b"]"):
                continue
            if line.endswith(b","):
                line = line[:-1]
            if wanted is not None:
                found = _ID.search(line, 0, 400)
                if found and found.group(1) not in wanted:
                    continue
            try:
                entity = json.loads(line)
            except ValueError as exc:
                raise DumpError(
                    f"{path}: line {number} is not one JSON entity ({str(exc)[:60]}); "
                    "expected a Wikidata JSON dump with one entity per line"
                ) from exc
            if not isinstance(entity, dict):
                raise DumpError(f"{path}: line {number} is not a JSON object")
            yield entity


def p31_classes(entity: dict) -> list[str]:
    """The truthy P31 values of an entity's claims, as WDQS's ``wdt:P31`` gives them: the
    preferred statements if there are any, else the normal ones (never the deprecated), and
    only values that are items (no "unknown value", no "no value")."""
    claims = entity.get("claims")
    statements = claims.get("P31") if isinstance(claims, dict) else None
    if not isinstance(statements, list):
        return []
    ranked: dict[str, list[str]] = {"preferred": [], "normal": []}
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        snak = statement.get("mainsnak")
        if not isinstance(snak, dict) or snak.get("snaktype", "value") != "value":
            continue
        cls = _item_id((snak.get("datavalue") or {}).get("value"))
        rank = statement.get("rank", "normal")
        if rank in ranked and cls is not None:
            ranked[rank].append(cls)
    return sorted(set(ranked["preferred"] or ranked["normal"]), key=lambda c: int(c[1:]))


def _item_id(value: object) -> str | None:
    """The QID of an item value: ``{"id": "Q5"}``, or ``{"entity-type": "item",
    "numeric-id": 5}`` as older dumps write it; ``None`` for anything else."""
    if not isinstance(value, dict):
        return None
    cls = value.get("id")
    if cls is None and value.get("entity-type") == "item" and isinstance(
            value.get("numeric-id"), int):
        cls = f"Q{value['numeric-id']}"
    return cls if isinstance(cls, str) and _QID.fullmatch(cls) else None


def iter_sitelinks(
    path: Path,
    qids: Collection[str] | None = None,
    *,
    chunk_rows: int = 200_000,
    stats: DumpStats | None = None,
    wikipedias: Collection[str] | None = None,
    classes: list[tuple[str, str]] | None = None,
    all_sitelinks: dict[str, int] | None = None,
) -> Iterator[pd.DataFrame]:
    """Frames of at most *chunk_rows* Wikipedia sitelinks (``qid, wiki, title, badges, redirect``).

    *qids*: the item set (``None``: every item). An item of the set with no Wikipedia sitelink
    yields no row; :attr:`DumpStats.found` tells which items the dump had. *classes*, when
    given, gets ``(qid, class)`` for each P31 class of each kept item (:func:`p31_classes`);
    *all_sitelinks* each kept item's number of sitelinks in every project.
    """
    known = known_wikipedias() if wikipedias is None else frozenset(wikipedias)
    wanted = None if qids is None else set(qids)
    stats = stats if stats is not None else DumpStats()
    rows: dict[str, list] = {c: [] for c in COLUMNS}
    for entity in iter_entities(path, wanted):
        stats.entities += 1
        qid = entity.get("id")
        if entity.get("type") != "item" or not isinstance(qid, str):
            continue
        if wanted is not None and qid not in wanted:
            continue
        stats.items += 1
        stats.found.add(qid)
        links = entity.get("sitelinks") or {}
        if not isinstance(links, dict):
            raise DumpError(f"{path}: {qid} has sitelinks that are not an object")
        if classes is not None:
            classes.extend((qid, cls) for cls in p31_classes(entity))
        if all_sitelinks is not None:
            all_sitelinks[qid] = len(links)
        for key in sorted(links):
            if not is_wikipedia(key, known):
                stats.other_sitelinks += 1
                continue
            link = links[key]
            badges = sorted(set(link.get("badges") or ()))
            rows["qid"].append(qid)
            rows["wiki"].append(key)
            rows["title"].append(link.get("title"))
            rows["badges"].append(" ".join(badges))
            rows["redirect"].append(bool(REDIRECT_BADGES.intersection(badges)))
            stats.sitelinks += 1
        if len(rows["qid"]) >= chunk_rows:
            yield _frame(rows)
            rows = {c: [] for c in COLUMNS}
    if rows["qid"]:
        yield _frame(rows)


def _frame(rows: dict[str, list]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["redirect"] = frame["redirect"].astype(bool)
    return frame


def read_sitelinks(
    path: Path, qids: Collection[str] | None = None, *, stats: DumpStats | None = None
) -> pd.DataFrame:
    """All the Wikipedia sitelinks of *qids* in the dump, sorted by numeric QID then wiki.

    ``qid`` and ``wiki`` come back categorical: one string per item and per wiki, however many
    rows (the coverage engines read the codes directly).
    """
    chunks = []
    for chunk in iter_sitelinks(path, qids, stats=stats):
        chunk["qid"] = chunk["qid"].astype("category")
        chunk["wiki"] = chunk["wiki"].astype("category")
        chunks.append(chunk)
    if not chunks:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        return empty.astype({"redirect": bool})
    frame = pd.concat(
        [c.astype({"qid": str, "wiki": str}) for c in chunks] if len(chunks) > 1 else chunks,
        ignore_index=True,
    )
    frame["qnum"] = frame["qid"].astype(str).str[1:].astype("int64")
    frame = frame.sort_values(["qnum", "wiki"], ignore_index=True).drop(columns="qnum")
    frame["qid"] = frame["qid"].astype("category")
    frame["wiki"] = frame["wiki"].astype("category")
    return frame


def write_parquet(
    path: Path, out: Path, qids: Collection[str] | None = None, *, chunk_rows: int = 500_000
) -> DumpStats:
    """Stream the Wikipedia sitelinks of *qids* into Parquet ``qid, wiki, title, badges`` — the
    format ``sdg-gaps run --sitelinks`` reads (with Spark or without)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    stats = DumpStats()
    schema = pa.schema(
        [("qid", pa.string()), ("wiki", pa.string()), ("title", pa.string()),
         ("badges", pa.string())]
    )
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for chunk in iter_sitelinks(path, qids, chunk_rows=chunk_rows, stats=stats):
            table = pa.Table.from_pandas(chunk[["qid", "wiki", "title", "badges"]],
                                         schema=schema, preserve_index=False)
            writer.write_table(table)
    return stats
