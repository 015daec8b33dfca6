"""The catalogue: goals, targets, item sets, organizers' files, `catalogue list/check`.

The query tests run every catalogue query on the embedded store (pyoxigraph, loaded from the
bundled snapshot) and on a real ``oxigraph serve`` started here on 127.0.0.1, and require the
same answer from both. The live-drift tests load a small Turtle of real facts into another
``oxigraph serve`` and check the identifiers against it through :class:`bot.sparql.HttpEndpoint`.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import catalogue as cat
from bot.cli import main
from bot.errors import ConfigError
from bot.snapshot import open_snapshot
from bot.sparql import EmbeddedEndpoint, HttpEndpoint
from tests.plugins.oxigraph_server import start_oxigraph

ROOT = Path(__file__).resolve().parents[1]

# The UN's goal → Wikidata matches, as quoted in shared/data/SOURCES.md from
# sdg/un_sdg_goals_metadata.ttl (skos:exactMatch).
UN_GOAL_QIDS = {
    1: "Q50214636", 2: "Q50215926", 3: "Q50216838", 4: "Q53581209", 5: "Q53581210",
    6: "Q48741129", 7: "Q53581213", 8: "Q53581217", 9: "Q53581219", 10: "Q53581222",
    11: "Q53581228", 12: "Q53581232", 13: "Q53581236", 14: "Q53581239", 15: "Q53581245",
    16: "Q53581248", 17: "Q53581254",
}


@pytest.fixture(scope="module")
def catalogue():
    return cat.load_catalogue()


# --------------------------------------------------------------------------------------------
# goals and targets


def test_goals_are_the_uns_seventeen_with_titles_in_eight_languages(catalogue):
    assert list(catalogue.goals) == list(range(1, 18))
    assert {n: g.qid for n, g in catalogue.goals.items()} == UN_GOAL_QIDS
    assert catalogue.goals[13].un_uri == "http://metadata.un.org/sdg/13"
    assert catalogue.goals[13].short["en"] == "Climate action"
    assert catalogue.goals[1].short["de"] == "Keine Armut"
    assert catalogue.goals[1].title["sw"] == "Kukomesha umaskini katika aina zake zote kila mahali"
    for goal in catalogue.goals.values():
        assert set(goal.title) == set(cat.LANGUAGES) == set(goal.short)
        assert all(goal.title.values()) and all(goal.short.values())


def test_169_targets_in_un_order_with_titles(catalogue):
    codes = list(catalogue.targets)
    assert len(codes) == 169
    assert codes[:8] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b", "2.1"]
    assert codes[-1] == "17.19"
    per_goal = {n: sum(1 for t in catalogue.targets.values() if t.goal == n) for n in range(1, 18)}
    assert per_goal[1] == 7 and per_goal[13] == 5 and per_goal[17] == 19
    assert sum(per_goal.values()) == 169
    assert catalogue.targets["15.8"].title["en"].startswith(
        "By 2020, introduce measures to prevent the introduction"
    )
    for target in catalogue.targets.values():
        assert all(target.title[lang] for lang in cat.LANGUAGES), target.code
        assert "\n" not in target.title["ru"]


def test_goal_qids_agree_with_the_snapshot_manifest(catalogue):
    snapshot = open_snapshot()
    assert dict(snapshot.goal_qids) == {n: g.qid for n, g in catalogue.goals.items()}


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
# item sets


def test_every_goal_has_an_item_set_and_bundled_sets_come_from_the_snapshot(catalogue):
    for number in range(1, 18):
        assert catalogue.itemsets_for([number]), number
    bundled = catalogue.itemsets_for(snapshot_only=True)
    manifest = json.loads((ROOT / "bot/data/snapshot/manifest.json").read_text(encoding="utf-8"))
    titled = {s["id"] for s in manifest["itemsets"] if s["titles"]}
    assert {s.id for s in bundled} == titled
    assert {"sdg13-climate-change", "sdg15-eu-invasive-alien-species", "sdg5-uganda-women",
            "sdg11-nominatim-places"} <= titled
    assert {s.goal for s in bundled} == {3, 4, 5, 6, 7, 10, 11, 13, 15}
    climate = catalogue.itemset("sdg13-climate-change")
    assert climate.in_snapshot and climate.goal == 13 and climate.query is None
    assert len(climate.observed_wikis) == 25 and "frwiki" in climate.observed_wikis
    assert len(climate.pinned_qids()) == 3965
    assert climate.source["commit"] == "9af8968c21be3efd36debe551a582ba964da4ee4"
    invasive = catalogue.itemset("sdg15-eu-invasive-alien-species")
    assert invasive.targets == ("15.8",) and len(invasive.pinned_qids()) == 88
    queries = [s for s in catalogue.itemsets if not s.in_snapshot]
    assert {s.goal for s in queries} == set(range(1, 18))
    for s in queries:
        assert s.observed_wikis is None and s.pinned is None and s.query.is_file()
        assert s.pinned_qids() == []


def test_a_bundled_set_without_titles_joins_only_when_asked():
    snapshot = open_snapshot()
    untitled = [info.id for info in snapshot.itemsets if not info.titles]
    assert untitled == ["sdg5-humaniki-women"]
    assert "sdg5-humaniki-women" not in {s.id for s in cat.snapshot_itemsets(snapshot)}
    women = next(s for s in cat.snapshot_itemsets(snapshot, untitled=True)
                 if s.id == "sdg5-humaniki-women")
    assert women.goal == 5 and women.in_snapshot and len(women.pinned_qids()) == 39
    assert len(women.observed_wikis) == 303


def test_itemsets_for_filters_by_goal_and_snapshot(catalogue):
    ids = [s.id for s in catalogue.itemsets_for([13])]
    assert ids[0] == "sdg13-climate-change"  # bundled first, then queries by id
    assert set(ids) == {"sdg13-climate-change", "sdg13-climate-action", "sdg13-unfccc-conferences"}
    assert [s.id for s in catalogue.itemsets_for([13], snapshot_only=True)] == [
        "sdg13-climate-change"
    ]
    assert catalogue.itemsets_for([1], snapshot_only=True) == ()
    assert len(catalogue.itemsets_for()) == len(catalogue.itemsets)


def test_target_sets_are_tied_to_real_targets_of_their_goal(catalogue):
    tied = {s.id: s.targets for s in catalogue.itemsets if s.targets}
    assert tied["sdg3-epidemics"] == ("3.3",)
    assert tied["sdg15-threatened-species"] == ("15.5",)
    for set_id, codes in tied.items():
        goal = catalogue.itemset(set_id).goal
        for code in codes:
            assert catalogue.targets[code].goal == goal


def test_query_headers_give_title_description_and_a_source_for_every_identifier():
    for path in sorted((ROOT / "queries" / "goals").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = cat.parse_query_header(path, text)
        assert header["title"] and header["description"] and header["goal"], path.name
        ids = cat.identifiers_in(text)
        assert ids and set(header["sources"]) == set(ids), path.name
        assert "SERVICE" not in text and "hint:" not in text


def test_identifiers_in_ignores_comments_but_not_iris():
    text = (
        "# Q1 in a comment\n"
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
        "SELECT ?item WHERE { ?item owl:sameAs <http://www.wikidata.org/entity/Q42> . "
        "?item wdt:P31 wd:Q5 } # Q7 trailing\n"
    )
    assert cat.identifiers_in(text) == ["P31", "Q5", "Q42"]


def test_pinned_list_is_sorted_by_number_and_rejects_a_bad_line(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("# header\nQ100\n\nQ9\nQ100\n  Q42  \n", encoding="utf-8")
    assert cat.read_pinned(good) == ["Q9", "Q42", "Q100"]
    bad = tmp_path / "bad.txt"
    bad.write_text("Q1\nQ2 Q3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.txt line 2: expected one QID"):
        cat.read_pinned(bad)


# --------------------------------------------------------------------------------------------
# organizers' item-set files


def _toml(tmp_path: Path, body: str, name: str = "sets.toml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_organizer_file_adds_pinned_and_query_sets(tmp_path):
    (tmp_path / "wells.txt").write_text("# our wells\nQ283\nQ7942\n", encoding="utf-8")
    (tmp_path / "forests.rq").write_text(
        "PREFIX wd: <http://www.wikidata.org/entity/>\n"
        "SELECT ?item WHERE { VALUES ?item { wd:Q4421 } }\n",
        encoding="utf-8",
    )
    path = _toml(
        tmp_path,
        '[[itemset]]\nid = "sdg6-wells"\ngoal = 6\ntargets = ["6.1", "6.b"]\n'
        'title = "Wells of our region"\npinned = "wells.txt"\n\n'
        '[[itemset]]\nid = "sdg15-forests"\ngoal = 15\ntitle = "Our forests"\n'
        'description = "Forests we edit"\nquery = "forests.rq"\n',
    )
    loaded = cat.load_catalogue(extra=[path])
    wells = loaded.itemset("sdg6-wells")
    assert wells.pinned_qids() == ["Q283", "Q7942"] and wells.targets == ("6.1", "6.b")
    assert not wells.in_snapshot and wells.observed_wikis is None
    forests = loaded.itemset("sdg15-forests")
    assert forests.query == (tmp_path / "forests.rq").resolve()
    assert forests in loaded.itemsets_for([15])
    assert cat.check_catalogue(loaded) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[[itemset]\n", "not valid TOML"),
        ('title = "x"\n', "unknown key"),
        ('[[itemset]]\nid = "a b"\ngoal = 1\ntitle = "t"\npinned = "p.txt"\n', "'id' must be"),
        ('[[itemset]]\nid = "x"\ngoal = 18\ntitle = "t"\npinned = "p.txt"\n', "goal must be"),
        ('[[itemset]]\nid = "x"\ngoal = 1\npinned = "p.txt"\n', "'title' is missing"),
        ('[[itemset]]\nid = "x"\ngoal = 1\ntitle = "t"\n', "exactly one of 'pinned' or 'query'"),
        ('[[itemset]]\nid = "x"\ngoal = 1\ntitle = "t"\npinned = "p.txt"\nquery = "q.rq"\n',
         "exactly one"),
        ('[[itemset]]\nid = "x"\ngoal = 1\ntitle = "t"\npinned = "nope.txt"\n', "not found"),
        ('[[itemset]]\nid = "x"\ngoal = 1\ntargets = ["1.9"]\ntitle = "t"\npinned = "p.txt"\n',
         "unknown target '1.9'"),
        ('[[itemset]]\nid = "x"\ngoal = 1\ntargets = ["2.1"]\ntitle = "t"\npinned = "p.txt"\n',
         "not a target of goal 1"),
        ('[[itemset]]\nid = "x"\ngoal = 1\ntitle = "t"\npinned = "bad.txt"\n', "line 1"),
        ('[[itemset]]\nid = "x"\ngoal = 1\ntitle = "t"\ncolour = "red"\npinned = "p.txt"\n',
         "unknown key"),
        ('[[itemset]]\nid = "sdg13-climate-action"\ngoal = 13\ntitle = "t"\npinned = "p.txt"\n',
         "used twice"),
    ],
)
def test_bad_organizer_file_is_one_clear_line(tmp_path, body, message):
    (tmp_path / "p.txt").write_text("Q1\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_text("not a qid\n", encoding="utf-8")
    path = _toml(tmp_path, body)
    with pytest.raises(ConfigError) as caught:
        cat.load_catalogue(extra=[path])
    text = str(caught.value)
    assert message in text
    assert "\n" not in text
    assert "sets.toml" in text or "sdg13-climate-action" in text


# --------------------------------------------------------------------------------------------
# catalogue check (offline) and catalogue list


def test_check_finds_nothing_wrong_with_the_committed_catalogue(catalogue):
    assert cat.check_catalogue(catalogue) == []


def test_every_wikimedia_internal_class_is_traced_or_to_verify_live():
    from bot.ids import WIKIMEDIA_INTERNAL_CLASSES

    traced = {e.id: e for e in cat.load_traced()}
    verify = {e.id: e for e in cat.load_verify_live()}
    for qid in WIKIMEDIA_INTERNAL_CLASSES:
        assert qid in traced or "bot/ids.py" in verify[qid].used_in, qid
    assert traced["Q4167410"].label_en == "Wikimedia disambiguation page"
    assert verify["Q4167836"].expected_label_en == "Wikimedia category"
    assert "Q13406463" not in WIKIMEDIA_INTERNAL_CLASSES  # a list article is an article


def test_check_names_an_internal_class_no_source_vouches_for(catalogue, monkeypatch):
    monkeypatch.setattr(cat.queries, "WIKIMEDIA_INTERNAL_CLASSES",
                        frozenset({"Q4167836", "Q987654321"}))
    findings = [str(f) for f in cat.check_catalogue(catalogue)]
    assert (
        "bot/ids.py: Q987654321 is traceable to no source file and is not listed in "
        "queries/verify-live.tsv"
    ) in findings
    # the classes taken out of the list are now traced for nothing, and the check says so
    assert "queries/sdg/traced.tsv: Q4167410 is used by no query (rebuild with " \
        "scripts/build_catalogue.py)" in findings


def test_check_reports_untraced_ids_non_portable_queries_and_missing_goals(tmp_path, catalogue):
    (tmp_path / "odd.rq").write_text(
        "PREFIX wd: <http://www.wikidata.org/entity/>\n"
        "PREFIX wikibase: <http://wikiba.se/ontology#>\n"
        "PREFIX bd: <http://www.bigdata.com/rdf#>\n"
        "SELECT ?item WHERE { VALUES ?item { wd:Q999999999 }\n"
        '  SERVICE wikibase:label { bd:serviceParam wikibase:language "en" . } }\n',
        encoding="utf-8",
    )
    (tmp_path / "noitem.rq").write_text(
        "PREFIX wd: <http://www.wikidata.org/entity/>\nSELECT ?x WHERE { VALUES ?x { wd:Q5 } }\n",
        encoding="utf-8",
    )
    (tmp_path / "federated.rq").write_text(
        "PREFIX wd: <http://www.wikidata.org/entity/>\n"
        "SELECT ?item WHERE { SERVICE <http://192.0.2.1/sparql> { VALUES ?item { wd:Q5 } } }\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.rq").write_text(
        "PREFIX wd: <http://www.wikidata.org/entity/>\nSELECT ?item WHERE { ?item wd:Q5 }\n",
        encoding="utf-8",
    )
    path = _toml(
        tmp_path,
        '[[itemset]]\nid = "odd"\ngoal = 2\ntitle = "Odd"\nquery = "odd.rq"\n'
        '[[itemset]]\nid = "fed"\ngoal = 2\ntitle = "Fed"\nquery = "federated.rq"\n'
        '[[itemset]]\nid = "broken"\ngoal = 2\ntitle = "Broken"\nquery = "broken.rq"\n',
    )
    loaded = cat.load_catalogue(extra=[path])
    findings = [str(f) for f in cat.check_catalogue(loaded)]
    assert any("Q999999999 is traceable to no source file" in f for f in findings)
    assert any("label service" in f for f in findings)
    assert any("bd:" in f for f in findings)
    # a federated query is reported, never run (the check sends nothing over the network)
    assert [f for f in findings if "(a federated query)" in f] == [
        f"{tmp_path / 'federated.rq'}: not portable SPARQL 1.1: uses SERVICE (a federated query)"
    ]
    assert any(f.startswith(f"{tmp_path / 'broken.rq'}: does not parse") for f in findings)
    # a catalogue with a goal that has no item set
    thin = cat.Catalogue(
        goals=catalogue.goals,
        targets=catalogue.targets,
        itemsets=tuple(s for s in catalogue.itemsets if s.goal != 4),
    )
    assert "goal 4: has no item set" in [str(f) for f in cat.check_catalogue(thin)]
    shape = cat.check_query_text(tmp_path / "noitem.rq",
                                 (tmp_path / "noitem.rq").read_text(), selection=True)
    assert [f.message for f in shape] == ["a selection query must SELECT ?item"]


def test_cli_catalogue_list_and_check(capsys):
    assert main(["catalogue", "list"]) == 0
    out = capsys.readouterr().out
    assert "17 goals, 169 targets" in out
    assert "Goal 13 · Climate action · Q53581236 · 5 targets" in out
    assert "item set sdg15-threatened-species [targets 15.5]" in out
    assert "9af8968c21be" in out  # the bundled climate set's source commit
    assert "13.a  Implement" not in out
    assert main(["catalogue", "list", "--targets"]) == 0
    assert "13.a  Implement the commitment" in capsys.readouterr().out
    assert main(["catalogue", "check"]) == 0
    assert "no problems" in capsys.readouterr().out


def test_cli_catalogue_check_fails_on_a_bad_organizer_set(tmp_path, capsys):
    (tmp_path / "q.rq").write_text(
        "PREFIX wd: <http://www.wikidata.org/entity/>\n"
        "SELECT ?item WHERE { VALUES ?item { wd:Q123456789 } }\n",
        encoding="utf-8",
    )
    path = _toml(tmp_path, '[[itemset]]\nid = "x"\ngoal = 3\ntitle = "X"\nquery = "q.rq"\n')
    assert main(["catalogue", "check", "--itemsets", str(path)]) == 1
    captured = capsys.readouterr()
    assert "Q123456789 is traceable to no source file" in captured.out
    assert "1 problem(s)" in captured.err
    broken = _toml(tmp_path, "[[itemset]]\nid = 1\n", name="broken.toml")
    assert main(["catalogue", "list", "--itemsets", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.toml" in err and "'id' must be" in err


def test_cli_check_refuses_the_embedded_endpoint(capsys):
    assert main(["catalogue", "check", "--endpoint", "embedded"]) == 2
    assert "needs a live endpoint" in capsys.readouterr().err


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
