"""``catalogue check --data DIR``: the shared data folder is named, never guessed.

The folder the catalogue's tables are built from is the maintainers' and lies outside the
package (``../shared/data`` next to a checkout, nowhere once installed), so the check has no
default for it: without ``--data`` the tables are not compared with it, and a ``--data`` that is
not a folder is one line on stderr and exit status 2.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import catalogue as cat
from bot.cli import main
from bot.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_of_the_package_points_at_a_shared_folder():
    """No path in bot/ is built with a "shared" part (``ROOT.parent / "shared" / "data"``)."""
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)
                    and isinstance(node.right, ast.Constant) and node.right.value == "shared"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found


def test_a_data_folder_that_is_not_there_is_one_line_and_exit_2(tmp_path, capsys):
    missing = tmp_path / "nope"
    assert main(["catalogue", "check", "--data", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("sdg-gaps: error: catalogue check: ")
    assert str(missing) in captured.err and "pass the shared data folder" in captured.err
    with pytest.raises(UsageError, match="is not a folder"):
        cat.check_catalogue(cat.load_catalogue(None), data_dir=missing)


def test_a_folder_without_the_shared_data_is_a_finding(tmp_path, capsys):
    assert main(["catalogue", "check", "--data", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert f"{tmp_path / 'sdg'}" in captured.out and "not found" in captured.out
    assert f"catalogue check offline, tables against {tmp_path}: 1 problem(s)" in captured.err
