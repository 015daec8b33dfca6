"""What every source reader of the snapshot returns, and the readers shared by all of them.

A reader turns one source of the shared data folder into :class:`SourceSet` objects: an item
set's description for the manifest, its QIDs, its Wikipedia sitelinks, the P31 classes and
English labels the source gives for its items, and the Wikipedias the source looked at. The
readers of the two tables every snapshot needs are here too: the Wikipedias of a real
``action=sitematrix`` reply and the UN's goal → Wikidata matches. Anything unexpected in a
source raises :class:`bot.errors.SnapshotError` naming the file.
"""

from __future__ import annotations

import csv
import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import SnapshotError
from bot.ids import GOALS, is_qid
from bot.languages import subdomain_of_host
from bot.snapshot.rdf import Sitelink, one_line

GOALS_CSV = "sdg/un_sdg_goals_wikidata_map.csv"
SITEMATRIX = "mediawiki_api/wptools/sitematrix.json"

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


@dataclass
class SourceSet:
    """One bundled item set as its source gives it.

    ``meta`` holds the manifest fields that describe it (id, goal, targets, title,
    description, data_date, source, and how its observed wikis were checked); ``labels`` are
    English Wikidata labels by QID; ``all_sitelinks`` each item's sitelink count over every
    Wikimedia project where the source gives it (written as WDQS's ``wikibase:sitelinks``);
    ``titles`` is false when the source gives its sitelinks without titles.
    """

    meta: dict
    qids: set[str]
    sitelinks: list[Sitelink]
    observed_wikis: list[str]
    p31: set[tuple[str, str]] = field(default_factory=set)
    labels: dict[str, str] = field(default_factory=dict)
    titles: bool = True
    all_sitelinks: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Wikipedias:
    """The sitematrix's Wikipedias: rows of ``wikipedias.tsv`` and look-ups over them."""

    rows: list[tuple[str, ...]]

    @property
    def dbname_of(self) -> dict[str, str]:
        """subdomain → dbname"""
        return {row[1]: row[0] for row in self.rows}

    @property
    def subdomain_of(self) -> dict[str, str]:
        """dbname → subdomain"""
        return {row[0]: row[1] for row in self.rows}

    @property
    def closed(self) -> set[str]:
        return {row[0] for row in self.rows if row[5] == "1"}


def check_qid(qid: str, path: Path) -> str:
    if not is_qid(qid):
        raise SnapshotError(f"{path}: {qid!r} is not a QID")
    return qid


def dbname(subdomain: str, dbname_of: dict[str, str], path: Path) -> str:
    try:
        return dbname_of[subdomain]
    except KeyError:
        raise SnapshotError(f"{path}: {subdomain!r} is not a Wikipedia in the sitematrix") from None


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
            return list(csv.DictReader(handle, delimiter=delimiter, quoting=quoting))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SnapshotError(f"{path}: cannot read: {one_line(exc)}") from exc


def need_columns(rows: list[dict[str, str]], columns: tuple[str, ...], path: Path) -> None:
    if not rows:
        raise SnapshotError(f"{path}: no rows")
    lacking = [c for c in columns if c not in rows[0]]
    if lacking:
        raise SnapshotError(f"{path}: no column {', '.join(lacking)}")


def read_sitematrix(path: Path) -> Wikipedias:
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
                subdomain = subdomain_of_host(urllib.parse.urlsplit(site["url"]).hostname or "")
                if subdomain is None:
                    raise ValueError(f"unexpected Wikipedia URL {site['url']}")
                closed = "closed" in site and site["closed"] is not False
                fields = (
                    site["dbname"],
                    subdomain,
                    group["code"],
                    group.get("localname", ""),
                    group.get("name", ""),
                    "1" if closed else "0",
                )
                if any(ch in f for f in fields for ch in "\t\r\n"):
                    raise ValueError(f"tab or newline in the entry for {site['dbname']}")
                rows.append(fields)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SnapshotError(f"{path}: cannot read the sitematrix: {one_line(exc)}") from exc
    if not rows or len({r[0] for r in rows}) != len(rows) or len({r[1] for r in rows}) != len(rows):
        raise SnapshotError(f"{path}: no Wikipedias, or duplicated dbnames or hosts")
    return Wikipedias(sorted(rows))


def read_goals(path: Path) -> list[dict]:
    goals = []
    for row in read_csv(path):
        try:
            goal = int(row["goal"])
        except (KeyError, ValueError) as exc:
            raise SnapshotError(f"{path}: bad goal number {row.get('goal')!r}") from exc
        un_uri = row["un_uri"]
        if not un_uri.startswith("http://metadata.un.org/sdg/"):
            raise SnapshotError(f"{path}: unexpected un_uri {un_uri!r}")
        goals.append({"goal": goal, "qid": check_qid(row["wikidata_qid"], path), "un_uri": un_uri})
    goals.sort(key=lambda g: g["goal"])
    if [g["goal"] for g in goals] != list(GOALS):
        raise SnapshotError(f"{path}: expected the {len(GOALS)} goals once each")
    return goals
