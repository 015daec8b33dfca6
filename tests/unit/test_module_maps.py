"""The maps of the house: every front door names its rooms, and only rooms that exist.

* Each package's ``__init__.py`` docstring names every module of the package, as
  ``:mod:`bot.<package>.<module>``` (the one spelling the docstrings use), and every
  ``:mod:`bot.…``` it names is a module of bot/.
* ``bot/__init__.py``'s docstring names every subpackage and top-level module of bot/ the same
  way (``:mod:`bot.<name>```).
* README's layout table (``| path | what |``): every path it names exists, and every top-level
  module and package of bot/ has a row.

The checks are run on small examples first, so that a check that can no longer fail is seen.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BOT = REPO / "bot"
README = REPO / "README.md"

_MOD = re.compile(r":mod:`~?(bot(?:\.\w+)*)`")
_CODE = re.compile(r"`([^`]+)`")


def docstring(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def all_modules(bot: Path = BOT) -> set[str]:
    """Every module of *bot* by its dotted name (a package is its ``__init__``)."""
    found = set()
    for path in bot.rglob("*.py"):
        parts = path.relative_to(bot.parent).with_suffix("").parts
        found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def rooms(package: Path) -> set[str]:
    """The dotted names of a package's modules and subpackages (not its ``__init__``)."""
    dotted = ".".join(package.relative_to(BOT.parent).parts)
    names = {p.stem for p in package.glob("*.py") if p.name != "__init__.py"}
    names |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    return {f"{dotted}.{name}" for name in names}


def map_problems(text: str, expected: set[str], modules: set[str]) -> list[str]:
    """What a front door's docstring *text* misses of *expected*, and what it names wrongly."""
    named = set(_MOD.findall(text))
    problems = [f"does not name :mod:`{name}`" for name in sorted(expected - named)]
    problems += [f"names :mod:`{name}`, which does not exist" for name in sorted(named - modules)]
    return problems


def layout_rows(readme: str) -> list[tuple[str, str]]:
    """The (path, what) cells of the table whose header is ``| path | what |``."""
    lines = readme.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "| path | what |")
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append((cells[0], " | ".join(cells[1:])))
    return rows


def row_paths(path_cell: str, what_cell: str) -> list[str]:
    """The repository paths a row names: its path cell's (a bare ``name.py`` beside the
    first), and, in its description, ``name.py`` files and ``dir/`` folders of the row's folder
    or paths from the top (``tests/plugins/``); globs and file kinds (``.rq``) are not paths."""
    first, *more = _CODE.findall(path_cell)
    base = first if first.endswith("/") else first.rpartition("/")[0] + "/"
    paths = [first] + [m if "/" in m else base + m for m in more]
    for code in _CODE.findall(what_cell):
        if "*" in code or code.startswith(".") or " " in code:
            continue
        if code.split("/")[0] in {"bot", "tests", "scripts", "queries", "samples", "bench",
                                  "docs"} and "/" in code:
            paths.append(code)
        elif first.endswith("/") and (code.endswith(".py") or code.endswith("/")):
            paths.append(first + code)
    return paths


def top_level(bot: Path = BOT) -> set[str]:
    """bot/'s top-level modules (``name.py``, not dunder) and packages (``name/``)."""
    found = {f"bot/{p.name}" for p in bot.glob("*.py") if not p.name.startswith("__")}
    found |= {f"bot/{p.name}/" for p in bot.iterdir() if (p / "__init__.py").is_file()}
    return found


# --- the checks on small examples -----------------------------------------------------------


def test_a_map_that_misses_a_room_or_names_a_gone_one_is_seen():
    text = "Rooms: :mod:`bot.pkg.a`, :mod:`~bot.pkg.b` and :mod:`bot.pkg.gone`; ``c`` is not one."
    modules = {"bot", "bot.pkg", "bot.pkg.a", "bot.pkg.b", "bot.pkg.c"}
    assert map_problems(text, {"bot.pkg.a", "bot.pkg.b", "bot.pkg.c"}, modules) == [
        "does not name :mod:`bot.pkg.c`",
        "names :mod:`bot.pkg.gone`, which does not exist",
    ]


def test_the_layout_table_is_read_with_its_paths():
    readme = (
        "intro\n\n| path | what |\n|---|---|\n"
        "| `bot/ids.py` | the vocabulary |\n"
        "| `bot/schedule.py` (+ `schedule_lock.py`) | scheduled runs |\n"
        "| `bot/wiki/` | `text.py`, `plan.py`; see `tests/plugins/`, `*.wiki`, `.rq` |\n"
        "\n| other | table |\n"
    )
    rows = layout_rows(readme)
    assert [cell for cell, _ in rows] == [
        "`bot/ids.py`", "`bot/schedule.py` (+ `schedule_lock.py`)", "`bot/wiki/`"]
    assert row_paths(*rows[1]) == ["bot/schedule.py", "bot/schedule_lock.py"]
    assert row_paths(*rows[2]) == [
        "bot/wiki/", "bot/wiki/text.py", "bot/wiki/plan.py", "tests/plugins/"]


# --- the house ------------------------------------------------------------------------------


def test_every_package_names_its_modules_and_no_other():
    modules = all_modules()
    packages = sorted(p.parent for p in BOT.rglob("__init__.py") if p.parent != BOT)
    assert packages, "no package found under bot/"
    problems = []
    for package in packages:
        init = package / "__init__.py"
        for problem in map_problems(docstring(init), rooms(package), modules):
            problems.append(f"{init.relative_to(REPO)}: {problem}")
    assert not problems, "\n".join(problems)


def test_bot_names_every_subpackage_and_top_level_module():
    modules = all_modules()
    expected = rooms(BOT)
    assert "bot.runs" in expected and "bot.sparql" in expected
    problems = map_problems(docstring(BOT / "__init__.py"), expected, modules)
    assert not problems, "bot/__init__.py: " + "; ".join(problems)


def test_the_errors_module_names_modules_that_exist():
    problems = map_problems(docstring(BOT / "errors.py"), set(), all_modules())
    assert not problems, "bot/errors.py: " + "; ".join(problems)


def test_readme_layout_names_existing_paths_and_every_top_level_room():
    rows = layout_rows(README.read_text(encoding="utf-8"))
    named = [path for row in rows for path in row_paths(*row)]
    missing = [path for path in named if not (REPO / path).exists()]
    assert not missing, f"README's layout table names paths that do not exist: {missing}"
    absent = sorted(top_level() - set(named))
    assert not absent, f"README's layout table has no row for: {absent}"
