"""The catalogue against real services and its sources.

The query tests run every catalogue query on the embedded store (pyoxigraph, loaded from the
bundled snapshot) and on a real ``oxigraph serve`` started here on 127.0.0.1, and require the
same answer from both. The live-drift tests load a small Turtle of real facts into another
``oxigraph serve`` and check the identifiers against it through :class:`bot.sparql.HttpEndpoint`.
The tables are rebuilt from the maintainers' ``../shared/data`` (``build_catalogue.py -check``,
``catalogue check --data``).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from bot import catalogue as cat
from bot.cli import main
from bot.snapshot import open_snapshot
from bot.sparql import EmbeddedEndpoint, HttpEndpoint
from tests.plugins.oxigraph_server import start_oxigraph

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue():
    return cat.load_catalogue()


def test_tables_rebuild_byte_for_byte_from_the_shared_data(maintainers_data):
    first = cat.build_tables(maintainers_data)
    second = cat.build_tables(maintainers_data)
    assert first == second
    for rel, text in first.items():
        assert (ROOT / rel).read_text(encoding="utf-8") == text, rel
    # and independently of the builder: the UN map's QIDs and target lists
    un_map = maintainers_data / "sdg" / "un_sdg_goals_wikidata_map.csv"
    with open(un_map, encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    loaded = cat.load_targets()
    for row in rows:
        assert cat.load_goals()[int(row["goal"])].qid == row["wikidata_qid"]
        mine = [c for c, t in loaded.items() if t.goal == int(row["goal"])]
        assert mine == row["targets"].split()


def test_build_script_check_mode_passes(maintainers_data):
    script = ROOT / "scripts" / "build_catalogue.py"
    out = subprocess.run([sys.executable, str(script), "-check", f"-data:{maintainers_data}"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_build_script_help_prints_docstring_and_a_missing_folder_is_refused():
    script = ROOT / "scripts" / "build_catalogue.py"
    out = subprocess.run([sys.executable, str(script), "-help"], capture_output=True, text=True)
    assert out.returncode == 0 and "Rebuild the catalogue's SDG tables" in out.stdout
    bad = subprocess.run([sys.executable, str(script), "-data:/nonexistent"], capture_output=True,
                         text=True)
    assert bad.returncode == 1 and "not found" in bad.stderr


def test_a_broken_snapshot_module_is_an_error_not_a_note():
    """The snapshot module is the project's own: if it cannot be imported the installation is
    broken, and `catalogue list` says so instead of listing a catalogue without bundled sets."""
    broken = ("import sys; sys.modules['bot.snapshot'] = None\n"  # import fails: ImportError
              "from bot.cli import main; sys.exit(main(['catalogue', 'list']))")
    out = subprocess.run([sys.executable, "-c", broken], capture_output=True, text=True,
                         cwd=ROOT)
    assert out.returncode != 0
    assert "ModuleNotFoundError: import of bot.snapshot" in out.stderr
    assert "sdg13-climate-change" not in out.stdout


# --------------------------------------------------------------------------------------------
# every query on the embedded store and on `oxigraph serve`


def _endpoint(server) -> HttpEndpoint:
    return HttpEndpoint(server.query_url, name="oxigraph", contact="tests@localhost", max_retries=0)


@pytest.fixture(scope="module")
def snapshot_stores(oxigraph_snapshot_server):
    snapshot = open_snapshot()
    embedded = EmbeddedEndpoint.from_ntriples(snapshot.ntriples_path)
    return embedded, _endpoint(oxigraph_snapshot_server)


def _rows(frame) -> list[tuple]:
    return sorted(tuple("" if v is None else v for v in row) for row in frame.itertuples(False))


def _catalogue_queries() -> list[Path]:
    return cat.query_files()


def _runnable(path: Path) -> str:
    """A catalogue query as run: the fetch templates get real items of the snapshot."""
    text = path.read_text(encoding="utf-8")
    items = "wd:Q7942 wd:Q21707860 wd:Q15715792 wd:Q50214636"  # climate change, Paris Agr., COP21
    return text.replace("$items", items).replace("$languages", '"en", "fr", "mul"')


@pytest.mark.server
@pytest.mark.parametrize("path", _catalogue_queries(), ids=lambda p: p.name)
def test_every_query_runs_the_same_on_embedded_and_oxigraph_serve(snapshot_stores, path):
    embedded, http = snapshot_stores
    query = _runnable(path)
    here = embedded.select(query)
    there = http.select(query)
    assert list(here.columns) == list(there.columns)
    assert _rows(here) == _rows(there)
    if path.parent.name == "goals":
        assert list(here.columns) == ["item"]
        header = cat.parse_query_header(path, query)
        # the topic sets always hold their own topics; the snapshot adds nothing for them
        # except P31, so a topic set answers exactly its listed topics here
        assert all(v.startswith("http://www.wikidata.org/entity/Q") for v in here["item"])
        if header["id"] == "sdg13-unfccc-conferences":
            qids = {v.rsplit("/", 1)[1] for v in here["item"]}
            assert len(qids) == 25  # 23 conferences in the climate set + UNFCCC + the series
            assert {"Q15715792", "Q208645", "Q7888355"} <= qids  # COP21, UNFCCC, the series
        elif header["id"] == "sdg15-threatened-species":
            assert here.empty  # the snapshot has no P141 statements
        else:
            assert len(here) >= 1
    if path.name == "sitelinks.rq":
        titles = set(here["title"])
        # the enwiki and frwiki titles of Q21707860, as in the climate set's sitelinks table
        assert {"Paris Agreement", "Accord de Paris sur le climat"} <= titles


# --------------------------------------------------------------------------------------------
# live drift, against a server loaded with real facts

# Real facts only. From shared/data/rdf/wdqs_small_dump.ttl (a 2019 WDQS dump excerpt): Q54872
# with its entity data node and enwiki article, the redirect Q6825 → Q26709563, and Q31's data
# node. From the 2014 dump sample (wikidata_dump_sample_2014): the English labels of Q31
# "Belgium" and of P31 "instance of". Q789 is absent: wbgetentities answers it as "missing"
# (shared/data/wikidata_entities/opentapioca/wbgetentities_response.json).
LIVE_TURTLE = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wikibase: <http://wikiba.se/ontology#> .
@prefix schema: <http://schema.org/> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix data: <https://www.wikidata.org/wiki/Special:EntityData/> .

data:Q54872 a schema:Dataset ;
    schema:about wd:Q54872 ;
    schema:version "1056380526"^^xsd:integer ;
    wikibase:sitelinks "35"^^xsd:integer .
<https://en.wikipedia.org/wiki/Resource_Description_Framework> a schema:Article ;
    schema:about wd:Q54872 ;
    schema:inLanguage "en" ;
    schema:isPartOf <https://en.wikipedia.org/> ;
    schema:name "Resource Description Framework"@en .

data:Q6825 a schema:Dataset ;
    schema:about wd:Q6825 ;
    schema:version "942411738"^^xsd:integer .
wd:Q6825 owl:sameAs wd:Q26709563 .

data:Q31 a schema:Dataset ;
    schema:about wd:Q31 ;
    schema:version "1055847656"^^xsd:integer .
wd:Q31 a wikibase:Item ;
    rdfs:label "Belgium"@en .
wd:P31 rdfs:label "instance of"@en .
"""


@pytest.fixture(scope="module")
def live_server():
    server = start_oxigraph()
    try:
        server.load(LIVE_TURTLE.encode("utf-8"), "text/turtle")
        yield server
    finally:
        server.stop()


@pytest.mark.server
def test_live_check_reports_merged_missing_unlabelled_and_renamed(live_server):
    expected = {
        "Q31": "belgium",  # same label, other case: fine
        "P31": "subclass of",  # deliberately wrong expectation: drift
        "Q6825": "anything",  # a real redirect
        "Q789": "anything",  # really missing
        "Q54872": "Resource Description Framework",  # exists, but no label in this graph
    }
    findings = {f.where.split()[-1]: f.message for f in
                cat.check_live(expected, _endpoint(live_server))}
    assert set(findings) == {"P31", "Q6825", "Q789", "Q54872"}
    assert findings["P31"] == "label changed: expected 'subclass of', found 'instance of'"
    assert findings["Q6825"].startswith("merged: now a redirect to Q26709563")
    assert findings["Q789"].startswith("missing:")
    assert findings["Q54872"] == "has no English label (expected 'Resource Description Framework')"
    # None: existence only
    assert cat.check_live({"Q31": None, "Q54872": None, "Q789": None},
                          _endpoint(live_server))[0].message.startswith("missing:")


@pytest.mark.server
def test_live_check_runs_the_same_on_the_embedded_store(live_server, tmp_path):
    import pyoxigraph

    nt = tmp_path / "live.nt"
    store = pyoxigraph.Store()
    store.load(LIVE_TURTLE.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    store.dump(str(nt), format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    query = cat.live_query(["Q31", "P31", "Q6825", "Q789", "Q54872"])
    here = EmbeddedEndpoint.from_ntriples(nt).select(query)
    there = _endpoint(live_server).select(query)
    assert _rows(here) == _rows(there)
    assert len(here) == 5


@pytest.mark.server
def test_cli_check_against_an_endpoint_reports_drift_and_exits_1(live_server, capsys):
    url = f"{live_server.base}/query"
    assert main(["catalogue", "check", "--endpoint", url, "--contact", "tests@localhost"]) == 1
    out = capsys.readouterr().out
    # none of the catalogue's identifiers is in this small graph: each is reported missing
    assert f"{url} Q10294: missing: deleted, or a redirect the endpoint does not show " \
           "(expected 'poverty')" in out
    assert f"{url} Q50214636: missing" in out
    verify = cat.load_verify_live()
    for entry in verify:
        assert f"{url} {entry.id}: missing" in out


def test_catalogue_check_compares_the_committed_tables_with_the_shared_data(maintainers_data,
                                                                           capsys):
    """``catalogue check --data DIR``: the folder is named, never guessed, and the committed
    tables are what it gives."""
    assert main(["catalogue", "check", "--data", str(maintainers_data)]) == 0
    assert f"offline, tables against {maintainers_data}: no problems" in capsys.readouterr().out
