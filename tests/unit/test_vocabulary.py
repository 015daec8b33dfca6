"""One definition of each basic word: the modules of bot/ are read to find a second one.

* How a Wikipedia is addressed (``…wikipedia.org…``: its site IRI, an article's URL, its API,
  Content Translation) is written in :mod:`bot.languages` only.
* The table of Wikipedias, ``bot/data/wikipedias.tsv``, is read by :mod:`bot.languages` only
  (:func:`bot.languages.read_table`); the snapshot builder's sources module, which describes
  the table it writes, is the one other module that names it.
* The goals 1–17 are :data:`bot.ids.GOALS`: no ``range(1, 18)`` and no comparison with 17 or
  18 elsewhere.

The checks are run on small examples first, so that a check that can no longer fail is seen.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot import languages
from bot.ids import parse_goals_and_targets

REPO = Path(__file__).resolve().parents[2]
BOT = REPO / "bot"

ADDRESSES = {"bot/languages.py"}  # the one module that spells a Wikipedia's host
TABLE_READER = {"bot/languages.py"}
TABLE_WRITER = {"bot/snapshot/sources.py"}  # describes the table build_snapshot writes
GOAL_RANGE = {"bot/ids.py"}

_HOST = re.compile(r"wikipedia\\?\.org")


def modules() -> dict[str, str]:
    return {path.relative_to(REPO).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(BOT.rglob("*.py"))}


def names_a_wikipedia_host(source: str) -> list[int]:
    """Lines that spell the Wikipedias' domain, as text or as a regular expression."""
    return [n for n, line in enumerate(source.splitlines(), 1) if _HOST.search(line)]


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def opens_the_table(source: str) -> list[int]:
    """Lines that name ``wikipedias.tsv`` in code (docstrings may mention it) or take
    :data:`bot.languages.TABLE` (the path only its reader needs)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and "wikipedias.tsv" in node.value and id(node) not in docs):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "bot.languages":
            lines.extend(node.lineno for a in node.names if a.name == "TABLE")
        elif (isinstance(node, ast.Attribute) and node.attr == "TABLE"
              and isinstance(node.value, ast.Name) and node.value.id == "languages"):
            lines.append(node.lineno)
    return sorted(lines)


def spells_the_goal_range(source: str) -> list[int]:
    """Lines with ``range(1, 18)`` or a comparison with 17 or 18 (``<= 17``, ``> 17`` …)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "range"
                and [getattr(a, "value", None) for a in node.args] == [1, 18]):
            lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and type(o.value) is int and o.value in (17, 18)
                   for o in operands):
                lines.append(node.lineno)
    return sorted(lines)


def offenders(check, allowed: set[str]) -> list[str]:
    return [f"{name}:{line}" for name, source in modules().items() if name not in allowed
            for line in check(source)]


def test_the_checks_can_fail():
    assert names_a_wikipedia_host('URL = f"https://{s}.wikipedia.org/"\n') == [1]
    assert names_a_wikipedia_host('HOST = re.compile(r"([a-z]+)\\.wikipedia\\.org")\n') == [1]
    assert names_a_wikipedia_host('URL = "https://www.wikidata.org/"\n') == []
    table = 'def f():\n    """Reads wikipedias.tsv."""\n    return open("data/wikipedias.tsv")\n'
    assert opens_the_table(table) == [3]
    assert opens_the_table("from bot.languages import TABLE, load_wikis\n") == [1]
    assert opens_the_table("from bot import languages\nx = languages.TABLE\n") == [2]
    assert opens_the_table("from bot.languages import load_wikis\n") == []
    goals = "for g in range(1, 18):\n    pass\nok = 1 <= g <= 17\nbad = g > 17\nr = range(18)\n"
    assert spells_the_goal_range(goals) == [1, 3, 4]


def test_only_bot_languages_spells_a_wikipedia_address():
    assert offenders(names_a_wikipedia_host, ADDRESSES) == [], (
        "build Wikipedia URLs with bot.languages (site_iri, article_url, api_url, "
        "content_translation_url) and read them back with subdomain_of_host/subdomain_of_site"
    )


def test_only_bot_languages_reads_the_table_of_wikipedias():
    assert offenders(opens_the_table, TABLE_READER | TABLE_WRITER) == [], (
        "read bot/data/wikipedias.tsv with bot.languages.load_wikis or read_table"
    )


def test_the_goals_are_written_once():
    assert offenders(spells_the_goal_range, GOAL_RANGE) == [], (
        "use bot.ids.GOALS or bot.ids.is_goal for the goals 1-17"
    )


def test_the_addresses_of_a_wikipedia():
    assert languages.site_iri("fr") == "https://fr.wikipedia.org/"
    assert languages.article_url("fr", "Paris") == "https://fr.wikipedia.org/wiki/Paris"
    assert languages.api_url("zh-min-nan") == "https://zh-min-nan.wikipedia.org/w/api.php"
    assert languages.content_translation_url("no", "zh-yue", "A_b") == (
        "https://no.wikipedia.org/wiki/Special:ContentTranslation?from=yue&to=nb&page=A_b")
    assert languages.subdomain_of_host("fr.wikipedia.org") == "fr"
    assert languages.subdomain_of_host("commons.wikimedia.org") is None
    assert languages.subdomain_of_host(".wikipedia.org") is None
    for site in ("https://fr.wikipedia.org/", "https://fr.wikipedia.org"):
        assert languages.subdomain_of_site(site) == "fr"
    for other in ("https://fr.wikipedia.org/wiki/X", "http://fr.wikipedia.org/",
                  "https://FR.wikipedia.org/", "https://fr.wikipedia.org.example/",
                  "https://[fr.wikipedia.org/"):
        assert languages.subdomain_of_site(other) is None, other


def test_every_wikipedia_of_the_table_round_trips_through_its_site_iri():
    wikis = languages.load_wikis()
    table = languages.read_table()
    assert len(table) == len(wikis.names()) > 250
    for wiki, subdomain in zip(table["wiki"], table["subdomain"], strict=True):
        site = wikis.get(wiki).site
        assert languages.subdomain_of_site(site) == subdomain
        assert wikis.wiki_of_site(site) == wiki
        assert wikis.resolve(f"{subdomain}.wikipedia.org").wiki == wiki
    assert wikis.wiki_of_site("https://xx-new.wikipedia.org/") == "xx_newwiki"


def test_one_grammar_of_goals_and_targets():
    assert parse_goals_and_targets("SDG 13 ;sdg15, 6.B SDG15.8 18 x") == (
        (13, 15), ("6.b", "15.8"), ["18", "x"])
    assert parse_goals_and_targets("١٣ 0 17 18.1") == ((17,), (), ["١٣", "0", "18.1"])
