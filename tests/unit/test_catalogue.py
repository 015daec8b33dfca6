"""The catalogue, in process: goals, targets, item sets, organizers' files, and
`catalogue list/check` on the committed catalogue and the embedded store. Against a real
``oxigraph serve``, and rebuilt from ``../shared/data``: tests/integration/test_catalogue_live.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import catalogue as cat
from bot.cli import main
from bot.errors import ConfigError
from bot.snapshot import open_snapshot

ROOT = Path(__file__).resolve().parents[2]

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
