"""A module's underscore names are its own: no module of bot/ takes another's.

A name with one leading underscore (``_short``, ``_Report``) is private to its module. When two
modules need it, it is public in the module that owns it (no underscore), so a reader sees at
the definition that other modules depend on it. Every module of bot/ is read with :mod:`ast`:
``from bot.x import _name`` and ``x._name`` on a ``bot`` module imported as ``x`` fail, with
the place of each. Dunder names (``__version__``, ``__all__``) are not private.
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_uses(source: str, here: str, is_package: bool, modules: set[str]) -> list[str]:
    """Where *source* (the module *here*) takes another ``bot`` module's private names."""
    package = here if is_package else here.rpartition(".")[0]
    tree = ast.parse(source)
    found: list[str] = []
    aliases: dict[str, str] = {}  # a local name → the bot module it is
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base != "bot" and not base.startswith("bot."):
                continue
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
                elif is_private(alias.name) and base != here:
                    found.append(f"line {node.lineno}: from {base} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("bot.") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not is_private(node.attr):
            continue
        owner = None
        if isinstance(node.value, ast.Name):
            owner = aliases.get(node.value.id)
        elif isinstance(node.value, ast.Attribute):
            dotted = ast.unparse(node.value)
            owner = dotted if dotted in modules else None
        if owner is not None and owner != here:
            found.append(f"line {node.lineno}: {ast.unparse(node)} ({owner})")
    return sorted(found, key=lambda use: int(use.split()[1].rstrip(":")))


def test_the_check_sees_a_private_import_and_a_private_attribute():
    modules = {"bot", "bot.a", "bot.b", "bot.pkg", "bot.pkg.c"}
    source = (
        "from bot.a import _hidden, public, __version__\n"
        "from bot import b\n"
        "from . import c\n"
        "import bot.a as a\n"
        "b._secret()\n"
        "c._other\n"
        "a._third\n"
        "self._own\n"
    )
    assert private_uses(source, "bot.pkg.d", False, modules) == [
        "line 1: from bot.a import _hidden",
        "line 5: b._secret (bot.b)",
        "line 6: c._other (bot.pkg.c)",
        "line 7: a._third (bot.a)",
    ]
    assert private_uses("from . import _mine\n", "bot.pkg", True, modules) == []


def test_no_module_takes_another_modules_private_names():
    paths = sorted(BOT.rglob("*.py"))
    modules = {module_name(path, BOT.parent) for path in paths}
    found = []
    for path in paths:
        here = module_name(path, BOT.parent)
        for use in private_uses(path.read_text(encoding="utf-8"), here,
                                path.name == "__init__.py", modules):
            found.append(f"{path.relative_to(BOT.parent)} {use}")
    assert not found, (
        "another module's private name (make it public where it is defined, or move it to "
        "the module that uses it):\n" + "\n".join(found)
    )
