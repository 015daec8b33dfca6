"""The command line keeps the C library to one heap for every thread (:func:`bot.memory.one_heap`)
— which works only before numpy's and Arrow's threads first allocate. Checked on the source: the
call comes before ``bot.cli`` imports anything but the standard library and ``bot.memory``, and
``bot.memory`` imports nothing else at its top (numpy and Arrow only inside ``release``)."""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _top(path: Path) -> list[ast.stmt]:
    return ast.parse(path.read_text(encoding="utf-8")).body


def _modules(statement: ast.stmt) -> list[str]:
    if isinstance(statement, ast.Import):
        return [alias.name for alias in statement.names]
    if isinstance(statement, ast.ImportFrom):
        return [statement.module or ""]
    return []


def _stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names or name == "__future__"


def test_bot_memory_imports_only_the_standard_library_at_its_top():
    imported = [m for s in _top(ROOT / "bot" / "memory.py") for m in _modules(s)]
    assert imported and all(_stdlib(m) for m in imported), imported


def test_the_command_line_calls_one_heap_before_importing_the_rest():
    seen = []
    for statement in _top(ROOT / "bot" / "cli" / "__init__.py"):
        if (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
                and getattr(statement.value.func, "id", None) == "one_heap"):
            break
        seen += _modules(statement)
    else:
        raise AssertionError("bot/cli/__init__.py never calls one_heap() at its top")
    assert all(_stdlib(m) or m == "bot.memory" for m in seen), seen
    assert "bot.memory" in seen


def test_the_package_itself_imports_nothing_before_the_command_line_runs():
    imported = [m for s in _top(ROOT / "bot" / "__init__.py") for m in _modules(s)]
    assert all(_stdlib(m) for m in imported), imported


def test_one_heap_turns_numpy_huge_page_advice_off_unless_the_user_chose(monkeypatch):
    from bot.memory import one_heap

    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    one_heap.__wrapped__()  # (cached: the command line calls it once)
    assert os.environ["NUMPY_MADVISE_HUGEPAGE"] == "0"
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    one_heap.__wrapped__()
    assert os.environ["NUMPY_MADVISE_HUGEPAGE"] == "1"
