"""The command line as a process: each bad input is one line and a non-zero exit, every script
prints its docstring as help, and ``python -m bot`` is the same command.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["run", "--goals", "99"], "unknown goal '99'"),
        (["run", "--goals", "climate"], "unknown goal 'climate'"),
        (["run", "--goals", "1"], "goal 1 has no item set in the bundled snapshot"),
        (["run", "--languages", "xx-notreal"], "unknown language 'xx-notreal'"),
        (["run", "--languages", "yo"], "none of the chosen languages was observed"),
        (
            ["run", "--endpoint", "ftp://example.org/sparql"],
            "bad endpoint 'ftp://example.org/sparql'",
        ),
        (["run", "--endpoint", "not a url"], "bad endpoint 'not a url'"),
        (["run", "--batch-size", "0"], "--batch-size needs a whole number"),
        (["run", "--snapshot", "/nonexistent/snapshot"], "/nonexistent/snapshot"),
        (["post", "/nonexistent/report", "--root", "X", "--max-shrink", "2"], "--max-shrink"),
        (["run", "--allow-root", "Project:X"], "--allow-root needs --post"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(args, fragment):
    result = run_cli(*args)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sdg-gaps: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_endpoint_is_one_line():
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    result = run_cli("run", "--endpoint", url, "--goals", "15", "--languages", "de", "--quiet")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"sdg-gaps: error: {url}: cannot reach {url}")


def test_unreadable_snapshot_is_one_line(tmp_path):
    broken = tmp_path / "snapshot"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    result = run_cli("run", "--snapshot", str(broken), "--quiet")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(broken) in lines[0], result.stderr


def test_python_dash_m_bot_is_the_same_command():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("sdg-gaps ")


SCRIPTS = sorted((Path(__file__).resolve().parents[2] / "scripts").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_prints_its_docstring_as_help(script):
    """pywikibot style: a script's module docstring is its -help."""
    import ast

    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
    assert docstring and len(docstring.splitlines()) >= 3, f"{script.name} has no real docstring"
    result = subprocess.run(
        [sys.executable, str(script), "-help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert docstring.splitlines()[0] in result.stdout
