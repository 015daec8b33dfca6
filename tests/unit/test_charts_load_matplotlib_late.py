"""matplotlib is loaded when a chart is drawn, never when a module of bot/ is imported.

Every chart draws with :func:`bot.report.chart.pyplot`, which imports matplotlib and selects
its file-only backend (Agg). Read with :mod:`ast`: no other place in bot/ imports matplotlib or
calls ``matplotlib.use``, and the helper does it inside its body, not at the module's top.
"""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
HELPER = ("bot/report/chart.py", "pyplot")
CHART_MODULES = ("bot.report.chart", "bot.report.trend", "bot.report.impact")


def matplotlib_uses(path: Path) -> list[tuple[str, str]]:
    """(where, what) for each import of matplotlib and each ``matplotlib.use(…)`` in *path*;
    *where* is the function it stands in (the innermost), or ``<module>``."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef) else where
            if isinstance(child, ast.Import):
                found.extend((where, f"import {a.name}") for a in child.names
                             if a.name.split(".")[0] == "matplotlib")
            elif isinstance(child, ast.ImportFrom) and not child.level and (
                    (child.module or "").split(".")[0] == "matplotlib"):
                found.append((where, f"from {child.module} import"))
            elif isinstance(child, ast.Call) and ast.unparse(child.func).endswith(
                    "matplotlib.use"):
                found.append((where, "matplotlib.use"))
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), "<module>")
    return found


def test_only_the_chart_helper_loads_matplotlib():
    uses = {str(p.relative_to(ROOT)): found for p in sorted(BOT.rglob("*.py"))
            if (found := matplotlib_uses(p))}
    path, helper = HELPER
    assert {where for where, _ in uses.pop(path, [])} == {helper}
    assert not uses, f"draw with {path}'s {helper}() instead: {uses}"


def test_the_finder_sees_imports_and_use_calls_wherever_they_stand(tmp_path):
    (tmp_path / "m.py").write_text(
        "import matplotlib\n"
        "matplotlib.use('Agg')\n"
        "if True:\n    from matplotlib import pyplot\n"
        "def draw():\n    import matplotlib.pyplot as plt\n"
        "class C:\n    def f(self):\n        from . import matplotlib\n",
        encoding="utf-8",
    )
    assert matplotlib_uses(tmp_path / "m.py") == [
        ("<module>", "import matplotlib"), ("<module>", "matplotlib.use"),
        ("<module>", "from matplotlib import"), ("draw", "import matplotlib.pyplot"),
    ]


def test_importing_the_chart_modules_does_not_load_matplotlib(monkeypatch):
    """Imported afresh, with matplotlib unloaded first (another test may have drawn a chart in
    this process); the modules and matplotlib as they were are put back afterwards."""
    for name in list(sys.modules):
        if name in CHART_MODULES or name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    package = importlib.import_module("bot.report")
    for name in CHART_MODULES:
        leaf = name.rpartition(".")[2]
        if hasattr(package, leaf):
            monkeypatch.setattr(package, leaf, getattr(package, leaf))
    for name in CHART_MODULES:
        importlib.import_module(name)
    assert "matplotlib" not in sys.modules
