"""The report pages on the bundled snapshot: French language page, targets, drill-down queries,
report languages, and the contract with the writer (pages.json, one item link per gap row)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from bot.report import pages as report_pages
from tests.source_sets import CLIMATE, FIXTURES, WIKIMEDIA_INTERNAL

REPO = Path(__file__).resolve().parents[2]
CLIMATE_CSV = FIXTURES / CLIMATE
SIZES_TSV = FIXTURES / "topics/climate_change_25langs/climate_items_sitelinks_with_pagesize.tsv"
NON_ARTICLE = ("Category:", "Template:", "Portal:", "Draft:", "Wikipedia:", "Help:", "Module:")


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    """`sdg-gaps run --lang fr --gaps-per-wiki 500` on the bundled snapshot (the command
    line, as a user runs it)."""
    out = tmp_path_factory.mktemp("fr")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--lang", "fr", "--out", str(out), "--quiet",
         "--no-history", "--gaps-per-wiki", "500"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    return out


def sections(wikitext: str) -> dict[str, str]:
    """Level-2 sections of a page body: heading text → text."""
    parts = re.split(r"^== (.+?) ==$", wikitext, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def table_rows(text: str) -> list[list[str]]:
    """The data rows of the first wikitable in *text*, as lists of cell contents."""
    body = text[text.index("{|"): text.index("|}")]
    rows = []
    for chunk in body.split("\n|-")[1:]:
        cells = [line[2:] for line in chunk.splitlines() if line.startswith("| ")]
        rows.append([c.rsplit(" | ", 1)[-1] if " | " in c else c for c in cells])
    return rows


def source_facts():
    """From the source files: each topic's Wikipedias (an item whose instance_types include a
    Wikimedia-internal class is no topic), titles and known page sizes."""
    langs_of: dict[str, set[str]] = {}
    with CLIMATE_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            classes = {c.strip(" '") for c in row["instance_types"].strip("[]").split(",")}
            if classes & WIKIMEDIA_INTERNAL:
                continue
            langs_of[row["qid"]] = {
                c.removeprefix("article_") for c, v in row.items() if c.startswith("article_") and v
            }
    titles: dict[tuple[str, str], str] = {}
    sizes: dict[tuple[str, str], int] = {}
    with SIZES_TSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            lang = row["site"].removesuffix("wiki")
            titles[(row["qid"], lang)] = row["title"]
            if row["pagesize_bytes"]:
                sizes[(row["qid"], lang)] = int(row["pagesize_bytes"])
    return langs_of, titles, sizes


def test_french_sdg13_page_lists_the_missing_articles_ranked_with_cx_links(french):
    langs_of, titles, sizes = source_facts()
    wikitext = (french / "wikitext" / "lang-fr.wiki").read_text(encoding="utf-8")
    section = sections(wikitext)[
        "ODD 13 : Mesures relatives à la lutte contre les changements climatiques"
    ]
    assert "1\u00a0333 éléments sur 3\u00a0769 ont un article (35,37 %)" in section
    rows = table_rows(section)
    # independent ranking: items with no frwiki article, most of the 25 Wikipedias first
    missing = sorted(
        (q for q, langs in langs_of.items() if "fr" not in langs),
        key=lambda q: (-len(langs_of[q]), int(q[1:])),
    )
    assert len(missing) == 2436
    assert len(rows) == 500  # the page shows the first --gaps-per-wiki (500) of them
    assert "Affichage des 500 premiers sur 2\u00a0436" in section
    with_cx = 0
    for rank, (row, qid) in enumerate(zip(rows, missing[:500], strict=True), 1):
        number, item, _label, wikipedias, source, _size, start = row
        assert number == str(rank)
        assert item == f"[[:d:{qid}|{qid}]]"
        assert wikipedias == str(len(langs_of[qid]))
        known = {lang: sizes[(qid, lang)] for lang in langs_of[qid] if (qid, lang) in sizes}
        if known:
            biggest = max(known.values())
            assert known.get(source) == biggest, (qid, source, known)
        else:
            assert source == "en", qid  # the preference order starts with English
        if titles[(qid, "en")].startswith(NON_ARTICLE):
            assert start == "–"  # CX translates articles only
            continue
        with_cx += 1
        url, text = start.strip("[]").split(" ", 1)
        assert text == "traduire"
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == (
            "https", "fr.wikipedia.org", "/wiki/Special:ContentTranslation"
        )
        query = parse_qs(parts.query)
        assert query["from"] == [source] and query["to"] == ["fr"]
        assert query["page"] == [titles[(qid, source)].replace(" ", "_")]
    assert with_cx > 400


def test_french_pages_use_french_words_and_un_titles(french):
    summary = (french / "wikitext" / "summary.wiki").read_text(encoding="utf-8")
    assert "== Comment aider ==" in summary and "== Légende ==" in summary
    goal = (french / "wikitext" / "goal-15.wiki").read_text(encoding="utf-8")
    assert "Objectif de l’ONU : Préserver et restaurer les écosystèmes terrestres" in goal
    assert "== Par cible ==" in goal
    pages = json.loads((french / "pages.json").read_text(encoding="utf-8"))
    assert pages["lang"] == "fr"
    titles = {p["id"]: p["title"] for p in pages["pages"]}
    assert titles["goal-13"].startswith("ODD 13 : ")
    html = (french / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Comment aider" in html


def test_pages_json_contract_and_one_item_link_per_gap_row(french):
    pages = json.loads((french / "pages.json").read_text(encoding="utf-8"))
    for entry in pages["pages"]:
        assert set(entry) == {"id", "subpage", "file", "title", "rows", "gaps", "summary"}
        body = (french / entry["file"]).read_text(encoding="utf-8")
        links = re.findall(r"\[\[:d:(Q\d+)\|\1\]\]", body)
        if entry["id"].startswith("lang-"):
            assert len(links) == entry["rows"]  # every gap row, and nothing else
        else:
            assert links == []
        assert "[[:d:" not in re.sub(r"\[\[:d:(Q\d+)\|\1\]\]", "", body)


def test_target_breakdown_for_the_invasive_species_set(french):
    with (french / "coverage_targets.csv").open(encoding="utf-8", newline="") as handle:
        targets = [r for r in csv.DictReader(handle) if r["target"] == "15.8"]
    with (french / "coverage_itemsets.csv").open(encoding="utf-8", newline="") as handle:
        invasive = {r["wiki"]: r for r in csv.DictReader(handle)
                    if r["itemset"] == "sdg15-eu-invasive-alien-species"}
    assert len(targets) == 34
    for row in targets:  # the invasive set alone is tied to 15.8: the same figures
        same = invasive[row["wiki"]]
        assert (row["items"], row["articles"], row["missing"], row["coverage_pct"]) == (
            same["items"], same["articles"], same["missing"], same["coverage_pct"]
        )
    goal = (french / "wikitext" / "goal-15.wiki").read_text(encoding="utf-8")
    rows = {row[0]: row for row in table_rows(sections(goal)["Par cible"])}
    assert rows["15.8"][1].startswith("D’ici à 2020, prendre des mesures")
    assert rows["15.8"][2] == "88"
    lang = (french / "wikitext" / "lang-de.wiki").read_text(encoding="utf-8")
    assert "Cible 15.8 (" in lang


# --- drill-down: the query behind a figure reproduces it --------------------------------


def _query_of(url: str) -> str:
    assert url.startswith("https://query.wikidata.org/#")
    return unquote(url.removeprefix("https://query.wikidata.org/#"))


@pytest.fixture(scope="module")
def store():
    from bot.snapshot import open_snapshot
    from bot.sparql import EmbeddedEndpoint

    return EmbeddedEndpoint.from_ntriples(open_snapshot().ntriples_path)


def test_every_goal15_coverage_figure_is_reproduced_by_its_query(french, store):
    goal = (french / "wikitext" / "goal-15.wiki").read_text(encoding="utf-8")
    rows = table_rows(sections(goal)["Couverture par langue"])
    with (french / "coverage.csv").open(encoding="utf-8", newline="") as handle:
        expected = {r["language"]: r for r in csv.DictReader(handle) if r["goal"] == "15"}
    checked = 0
    for row in rows:
        code = re.search(r"\|(\w+)\]\]$", row[1])
        link = re.match(r"\[(\S+) requête\]", row[-1])
        if code is None:  # the totals row: every Wikipedia observed
            cells = sum(int(r["items"]) for r in expected.values())
            if link:
                assert int(store.select(_query_of(link.group(1))).iloc[0]["cells"]) == cells
            continue
        answer = store.select(_query_of(link.group(1))).iloc[0]
        exp = expected[code.group(1)]
        assert (int(answer["items"]), int(answer["articles"]), int(answer["missing"])) == (
            int(exp["items"]), int(exp["articles"]), int(exp["missing"])
        ), code.group(1)
        assert abs(float(answer["coverage_pct"]) - float(exp["coverage_pct"])) < 0.006
        checked += 1
    assert checked == len(expected) == 36


def test_the_ranked_list_query_reproduces_the_gap_list(french, store):
    page = (french / "wikitext" / "lang-lg.wiki").read_text(encoding="utf-8")
    section = sections(page)["ODD 7 : Energies propres et d&#39;un coût abordable"]
    match = re.search(r"Toute la liste classée sous forme de requête : \[(\S+) requête\]",
                      section)
    answer = store.select(_query_of(match.group(1)))
    with (french / "gaps.csv").open(encoding="utf-8", newline="") as handle:
        gaps = [r for r in csv.DictReader(handle) if r["goal"] == "7" and r["wiki"] == "lgwiki"]
    got = [(iri.rsplit("/", 1)[1], int(n)) for iri, n in zip(
        answer["item"], answer["wikipedias"], strict=True)]
    assert got == [(r["qid"], int(r["sitelinks"])) for r in gaps]


def test_a_set_too_long_for_a_link_says_where_its_list_is(french):
    goal = (french / "wikitext" / "goal-13.wiki").read_text(encoding="utf-8")
    rows = table_rows(sections(goal)["Couverture par langue"])
    assert all(row[-1] == "–" for row in rows)
    assert "3\u00a0769 éléments, trop pour un lien de requête" in goal
    assert "queries&#47;pinned&#47;sdg13&#45;climate&#45;change.txt" in goal
    copied = french / "itemsets" / "sdg13-climate-change.txt"
    assert copied.read_text() == (REPO / "queries/pinned/sdg13-climate-change.txt").read_text()
    html = (french / "html" / "goal-13.html").read_text(encoding="utf-8")
    assert 'href="../itemsets/sdg13-climate-change.txt"' in html


# --- report languages ---------------------------------------------------------------------


def test_message_files_are_complete_and_free_of_markup():
    english = report_pages.messages("en")
    assert set(report_pages.report_languages()) >= {"en", "fr", "es"}
    field = re.compile(r"\{(\w+)\}")
    for lang in report_pages.report_languages():
        raw = json.loads((report_pages.MESSAGES / f"{lang}.json").read_text(encoding="utf-8"))
        assert set(raw) == set(english), (lang, set(english) ^ set(raw))
        for key, text in raw.items():
            assert sorted(field.findall(text)) == sorted(field.findall(english[key])), (lang, key)
            for markup in ("[", "]", "<", ">", "|", "~~~", "''", "__", "&", "\n"):
                assert markup not in text, (lang, key, markup)


def test_numbers_follow_the_report_language():
    assert report_pages.Text("en").number(1234567.891, 2) == "1,234,567.89"
    assert report_pages.Text("fr").number(1234567.891, 2) == "1\u00a0234\u00a0567,89"
    assert report_pages.Text("es").number(3965) == "3\u00a0965"
    with pytest.raises(ValueError):
        report_pages.Text("xx")


def test_the_spanish_report_exists(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--goals", "15", "--languages", "es",
         "--lang", "es", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "wikitext" / "lang-es.wiki").read_text(encoding="utf-8")
    assert "== ODS 15: Vida de Ecosistemas Terrestres ==" in page
    assert "traducir]" in page and "== Cómo ayudar ==" in page


def test_an_unknown_report_language_is_refused(tmp_path, capsys):
    from bot.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["run", "--lang", "xx", "--out", str(tmp_path)])
    assert exit_.value.code == 2 and "--lang" in capsys.readouterr().err


def test_the_target_figures_are_reproduced_by_their_query(french, store):
    goal = (french / "wikitext" / "goal-15.wiki").read_text(encoding="utf-8")
    row = {r[0]: r for r in table_rows(sections(goal)["Par cible"])}["15.8"]
    url = re.match(r"\[(\S+) requête\]", row[-1]).group(1)
    answer = store.select(_query_of(url)).iloc[0]
    assert (int(answer["cells"]), int(answer["articles"]), int(answer["missing"])) == (
        88 * 34, 1219, 88 * 34 - 1219
    )  # 1,219 rows in the source's links CSV (SOURCES.md)
    assert row[4:7] == ["2\u00a0992", "1\u00a0219", "1\u00a0773"]
