"""`sdg-gaps worklist`: the first missing articles per language, checked against an independent
ranking made straight from the source CSVs with the csv module (no pandas, no bot code)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"  # copies of the real files; see its SOURCES.md
INVASIVE = FIXTURES / "topics" / "invasive_species_eu"
QIDS_CSV = INVASIVE / "unionconcern_invasive_species_qnumbers_2025.csv"
LINKS_CSV = INVASIVE / "unionconcern_invasive_species_wikipedia_links_2025.csv"
LIMIT = 50


def independent_ranking(language: str, limit: int):
    """The first *limit* items with no article in *language* — (qid, number of the 34
    Wikipedias with an article), most Wikipedias first, then the lower numeric QID — and the
    titles and languages of every item's articles."""
    with QIDS_CSV.open(encoding="utf-8", newline="") as handle:
        items = {row["Wikidata Q-number"] for row in csv.DictReader(handle)}
    langs_of: dict[str, set[str]] = {q: set() for q in items}
    titles: dict[tuple[str, str], str] = {}
    with LINKS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Q-number"] in items:
                langs_of[row["Q-number"]].add(row["Language"])
                titles[(row["Q-number"], row["Language"])] = row["Wikipedia Title"]
    missing = [q for q in items if language not in langs_of[q]]
    missing.sort(key=lambda q: (-len(langs_of[q]), int(q[1:])))
    return [(q, len(langs_of[q])) for q in missing[:limit]], titles, langs_of


@pytest.fixture(scope="module")
def worklist(tmp_path_factory):
    out = tmp_path_factory.mktemp("worklist")
    result = subprocess.run(
        [
            sys.executable, "-m", "bot", "worklist", "--goals", "15", "--targets", "15.8",
            "--languages", "de,pl", "--limit", str(LIMIT), "--out", str(out), "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    with (out / "worklist.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return out, rows, result


@pytest.mark.parametrize("language", ["de", "pl"])
def test_worklist_is_exactly_the_independent_top_of_each_language(worklist, language):
    _, rows, _ = worklist
    expected, _, _ = independent_ranking(language, LIMIT)
    mine = [r for r in rows if r["language"] == language]
    assert [(r["qid"], int(r["sitelinks"])) for r in mine] == expected
    # ranks are gaps.csv ranks: 1, 2, 3 … for the whole goal (every goal-15 item is in 15.8)
    assert [int(r["rank"]) for r in mine] == list(range(1, len(mine) + 1))
    assert len(mine) == min(LIMIT, len(independent_ranking(language, 10_000)[0]))


def test_the_limit_cuts_the_list(tmp_path, capsys):
    from bot.cli import main

    args = ["worklist", "--goals", "15", "--languages", "pl,de", "--limit", "7"]
    assert main([*args, "--out", str(tmp_path), "--quiet"]) == 0
    assert "pl 7, de 7" in capsys.readouterr().out
    with (tmp_path / "worklist.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["language"] for r in rows] == ["pl"] * 7 + ["de"] * 7  # in the order asked
    for language in ("pl", "de"):
        expected, _, _ = independent_ranking(language, 7)
        assert [r["qid"] for r in rows if r["language"] == language] == [q for q, _ in expected]


def test_every_row_has_what_it_takes_to_start_the_article(worklist):
    _, rows, _ = worklist
    _, titles, langs_of = independent_ranking("de", LIMIT)
    for row in rows:
        assert row["wikidata_url"] == f"https://www.wikidata.org/wiki/{row['qid']}"
        assert row["label"]
        source = row["source_language"]
        # the source has an article (the invasive set has no page sizes: preference order)
        assert source in langs_of[row["qid"]] and source != row["language"]
        assert row["source_rule"] == "preference"
        assert row["source_title"] == titles[(row["qid"], source)]
        url = urlsplit(row["cx_url"])
        assert (url.scheme, url.netloc, url.path) == (
            "https", f"{row['language']}.wikipedia.org", "/wiki/Special:ContentTranslation"
        )
        query = parse_qs(url.query)
        assert query["from"] == [source] and query["to"] == [row["language"]]
        assert query["page"] == [row["source_title"].replace(" ", "_")]
        assert row["source_url"].startswith(f"https://{source}.wikipedia.org/wiki/")


def test_preference_order_picks_english_first_when_it_has_the_article(worklist):
    _, rows, _ = worklist
    _, _, langs_of = independent_ranking("de", LIMIT)
    for row in rows:
        if "en" in langs_of[row["qid"]]:
            assert row["source_language"] == "en"


def test_json_and_pages_carry_the_same_list(worklist):
    out, rows, result = worklist
    document = json.loads((out / "worklist.json").read_text(encoding="utf-8"))
    assert document["goals"] == [15] and document["targets"] == ["15.8"]
    assert document["limit"] == LIMIT and document["languages"] == ["de", "pl"]
    for language in ("de", "pl"):
        assert [r["qid"] for r in document["rows"][language]] == [
            r["qid"] for r in rows if r["language"] == language
        ]
    wiki = (out / "worklist.wiki").read_text(encoding="utf-8")
    html = (out / "worklist.html").read_text(encoding="utf-8")
    for row in rows:
        assert f"[[:d:{row['qid']}|{row['qid']}]]" in wiki
        assert row["cx_url"].replace("&", "&amp;") in html
    assert wiki.count("[[:d:") == len(rows)  # one item link per row, as the writer expects
    assert "(de 20, pl 35)" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--targets", "15.99", "--languages", "de"], "unknown target"),
        (["--goals", "13", "--targets", "15.8", "--languages", "de"], "not a target of goal"),
        (["--languages", "de"], "needs --goals or --targets"),
        (["--goals", "15", "--languages", "de", "--limit", "0"], "--limit"),
        (["--goals", "15", "--targets", "15.3", "--languages", "de"], "no item set"),
    ],
)
def test_bad_worklist_input_is_one_line(tmp_path, capsys, args, message):
    from bot.cli import main

    status = main(["worklist", *args, "--out", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert status != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
