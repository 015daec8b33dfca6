"""A run from a real Wikidata dump gives the same coverage as the same items asked of a SPARQL
service: ``sdg-gaps run --sitelinks DUMP --members M.csv`` against ``sdg-gaps run --endpoint
URL --itemsets SET.toml`` on a real ``oxigraph serve`` loaded with the dump's sitelinks.

The dump is the real 2014 sample in tests/fixtures/wikidata_entities (400 items in 280
Wikipedias). Its Wikipedia sitelinks are written here as WDQS writes them (``schema:about``,
``schema:isPartOf`` the site, ``schema:name``, ``wikibase:badge``) and its truthy P31 classes
(``wdt:P31``: the preferred values, else the normal ones) with pyoxigraph, straight from the
dump's JSON, so that the two runs share nothing but the facts — both then leave out the same
Wikimedia-internal items. Both then produce the report
a user gets; their coverage.csv rows must agree for every Wikipedia the dump holds an article
in (a live service also observes the Wikipedias where none of the items has one: there, every
cell is missing).
"""

from __future__ import annotations

import bz2
import csv
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from bot.languages import load_wikis

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[2]
DUMP = (REPO / "tests" / "fixtures" / "wikidata_entities" / "wikidata_dump_sample_2014"
        / "wikibrain_testDump_400items_1304props.json.bz2")
S, WD = "http://schema.org/", "http://www.wikidata.org/entity/"


def entities():
    with bz2.open(DUMP, "rt", encoding="utf-8") as stream:
        for line in stream:
            line = line.strip().rstrip(",")
            if line.startswith("{"):
                yield json.loads(line)


def truthy_p31(entity) -> set[str]:
    """The classes WDQS would give as ``wdt:P31``: of the best rank present, never deprecated."""
    by_rank: dict[str, set[str]] = {"preferred": set(), "normal": set()}
    for statement in (entity.get("claims") or {}).get("P31") or ():
        value = (statement.get("mainsnak") or {}).get("datavalue", {}).get("value")
        if isinstance(value, dict) and statement.get("rank", "normal") in by_rank:
            number = value.get("numeric-id")
            by_rank[statement.get("rank", "normal")].add(value.get("id") or f"Q{number}")
    return by_rank["preferred"] or by_rank["normal"]


def wdqs_ntriples() -> tuple[bytes, list[str]]:
    """The dump's Wikipedia sitelinks as N-Triples shaped like WDQS's, and the items' QIDs."""
    wikis = load_wikis()
    quads, qids = [], []
    for entity in entities():
        if entity.get("type") != "item":
            continue
        qids.append(entity["id"])
        item = ox.NamedNode(WD + entity["id"])
        quads += [ox.Quad(item, ox.NamedNode("http://www.wikidata.org/prop/direct/P31"),
                          ox.NamedNode(WD + cls)) for cls in truthy_p31(entity)]
        for key, link in sorted((entity.get("sitelinks") or {}).items()):
            if not key.endswith("wiki") or key in ("commonswiki", "specieswiki", "metawiki"):
                continue
            site = wikis.get(key).site
            node = ox.NamedNode(site + "wiki/" + quote(link["title"].replace(" ", "_")))
            quads += [
                ox.Quad(node, ox.NamedNode(S + "about"), item),
                ox.Quad(node, ox.NamedNode(S + "isPartOf"), ox.NamedNode(site)),
                ox.Quad(node, ox.NamedNode(S + "name"), ox.Literal(link["title"])),
            ]
            quads += [ox.Quad(node, ox.NamedNode("http://wikiba.se/ontology#badge"),
                              ox.NamedNode(WD + b)) for b in link.get("badges") or ()]
    store = ox.Store()
    store.extend(quads)
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), qids


def coverage_of(out: Path) -> dict[tuple[str, str], tuple[str, str, str, str]]:
    with (out / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["goal"], r["wiki"]): (r["items"], r["articles"], r["missing"],
                                         r["coverage_pct"]) for r in csv.DictReader(handle)}


def run(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--quiet", "--no-history", *args],
                          capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, done.stderr


def test_a_dump_run_and_a_sparql_run_give_the_same_coverage(tmp_path):
    from tests.plugins.oxigraph_server import start_oxigraph

    data, qids = wdqs_ntriples()
    assert len(qids) == 400
    (tmp_path / "members.csv").write_text(
        "itemset,goal,qid\n" + "".join(f"dump-2014,1,{q}\n" for q in qids), encoding="utf-8")
    (tmp_path / "items.txt").write_text("\n".join(qids) + "\n", encoding="utf-8")
    (tmp_path / "set.toml").write_text(
        '[[itemset]]\nid = "dump-2014"\ngoal = 1\ntitle = "The 2014 dump sample"\n'
        'pinned = "items.txt"\n', encoding="utf-8")
    run("--sitelinks", str(DUMP), "--members", str(tmp_path / "members.csv"),
        "--out", str(tmp_path / "dump"))
    server = start_oxigraph()
    try:
        server.load_ntriples(data)
        run("--endpoint", server.query_url, "--itemsets", str(tmp_path / "set.toml"),
            "--fallback", "none", "--no-cache", "--no-pagesizes", "--out", str(tmp_path / "sparql"))
    finally:
        server.stop()
    from_dump, from_sparql = coverage_of(tmp_path / "dump"), coverage_of(tmp_path / "sparql")
    assert len(from_dump) > 200
    assert {cell: from_sparql[cell] for cell in from_dump} == from_dump
    assert all(row[1] == "0" for cell, row in from_sparql.items() if cell not in from_dump)
    left_out = [json.loads((tmp_path / side / "summary.json").read_text(encoding="utf-8"))
                ["counts"]["left_out"] for side in ("dump", "sparql")]
    assert left_out[0] == left_out[1] and left_out[0]["items"] == 3  # 2 disambiguations, 1 category
