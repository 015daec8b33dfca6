"""The shape of the package: no import cycle anywhere in bot/ (function-level imports included),
no module over 450 lines, and no test module importing another.

Every ``import`` and ``from … import`` statement of every module is read with :mod:`ast`
(wherever it stands: at the top, in a function, under ``TYPE_CHECKING``), resolved to the
``bot`` modules it loads, and the graph is searched for strongly connected components.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def module_name(path: Path, root: Path = BOT.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str], root: Path = BOT.parent) -> set[str]:
    """The *modules* *path* imports (a package counts as its ``__init__``; ``from pkg import
    sub`` imports the module ``pkg.sub``)."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from pkg import sub`` loads the module pkg.sub; ``from pkg import name``
            # loads pkg (whose name it is).
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                     for a in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != here:
                found.add(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def graph_of(package: Path) -> dict[str, set[str]]:
    paths = sorted(package.rglob("*.py"))
    modules = {module_name(p, package.parent) for p in paths}
    return {module_name(p, package.parent): imports_of(p, modules, package.parent)
            for p in paths}


def test_no_import_cycle_in_bot():
    graph = graph_of(BOT)
    assert len(graph) > 40 and "bot.runs" in graph
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_function_level_cycle(tmp_path):
    """The check itself can fail: two modules importing each other inside functions."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from pkg import b\n")
    (package / "b.py").write_text("def g():\n    from . import c\n    import pkg.a\n")
    (package / "c.py").write_text("import os\n")
    assert cycles(graph_of(package)) == [["pkg.a", "pkg.b"]]


# --------------------------------------------------------------------------------------------
# No test module imports another: what tests share lives in helper modules (tests/*.py not named
# test_*, tests/plugins/), so that a test file can be run, moved or deleted on its own.

TESTS = Path(__file__).resolve().parents[1]

_TEST_IMPORT_IN_TEXT = re.compile(
    r"^\s*(?:from\s+(tests(?:\.\w+)*)\s+import|import\s+(tests(?:\.\w+)*))", re.M)
_A_TEST_MODULE = re.compile(r"tests(\.\w+)*\.test_\w+(\.\w+)*")


def imported_test_modules(path: Path, package: str = "tests") -> set[str]:
    """The test modules (``tests[.layer].test_*``) that *path*, a module of *package*, imports,
    wherever the statement stands — and in a string of code (a script handed to a
    subprocess), as ``from tests.….test_x import`` lines."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from within the tests' packages
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for a, b in _TEST_IMPORT_IN_TEXT.findall(node.value):
                found.add(a or b)
            found |= {f"{m}.{name}" for m, name in re.findall(
                r"from\s+(tests(?:\.\w+)*)\s+import\s+(\w+)", node.value)}
    return {name for name in found if _A_TEST_MODULE.fullmatch(name)}


def _package_of(path: Path) -> str:
    return ".".join(("tests", *path.parent.relative_to(TESTS).parts))


def test_no_test_module_imports_another():
    modules = sorted(TESTS.rglob("test_*.py"))
    offenders = {
        path.relative_to(TESTS).as_posix(): sorted(imported_test_modules(path, _package_of(path)))
        for path in modules
    }
    offenders = {name: found for name, found in offenders.items() if found}
    assert len(modules) > 40
    assert not offenders, "move what they share into a helper module (not test_*.py): " + "; ".join(
        f"{name} imports {', '.join(found)}" for name, found in offenders.items())


def test_the_test_import_check_finds_every_form(tmp_path):
    """The check itself can fail: each way of importing a test module is found (MOD stands for
    a test module's name, so that this file does not import one in a string)."""
    forms = {
        "a.py": "from tests.MOD import y\n",
        "b.py": "def f():\n    import tests.unit.MOD.z\n",
        "c.py": "from tests.unit import MOD, helpers\n",
        "d.py": "from .MOD import y\n",
        "e.py": "from . import MOD\n",
        "f.py": 'SCRIPT = """\nimport sys\nfrom tests.wiki.MOD import y\n"""\n',
        "g.py": "from ..integration import MOD\n",
    }
    for name, text in forms.items():
        (tmp_path / name).write_text(text.replace("MOD", "test_x"))
        assert imported_test_modules(tmp_path / name, "tests.unit"), name
    (tmp_path / "ok.py").write_text("from tests.report_bodies import report\nimport tests\n"
                                    "from tests.plugins import mediawiki\nfrom . import helpers\n")
    assert imported_test_modules(tmp_path / "ok.py", "tests.unit") == set()


def test_no_module_in_bot_is_over_450_lines():
    """Rooms of about 400 lines: a module past 450 is cut along its seams, not grown."""
    big = {
        str(path.relative_to(BOT.parent)): n
        for path in sorted(BOT.rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert len(list(BOT.rglob("*.py"))) > 100
    assert not big, f"over 450 lines: {big}"
