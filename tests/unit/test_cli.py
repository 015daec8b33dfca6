"""The command line's surface: every command has help, and every command is in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import build_parser, main


def all_commands(parser=None, prefix=()):
    """Every (sub)command path of the parser, e.g. ('catalogue', 'list')."""
    parser = parser or build_parser()
    yield prefix
    for action in parser._actions:  # argparse has no public API for walking subparsers
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield from all_commands(sub, (*prefix, name))


COMMANDS = list(all_commands())


def test_the_walk_finds_the_commands():
    names = {" ".join(c) for c in COMMANDS}
    assert {"", "run", "post", "catalogue", "catalogue list", "catalogue check"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "sdg-gaps")
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "usage:" in text
    # A description of its own, not just the usage line.
    assert len([line for line in text.splitlines() if line.strip()]) >= 3


README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.parametrize("command", [c for c in COMMANDS if c], ids=" ".join)
def test_every_command_is_in_the_readme(command):
    """A command users cannot find in the README is as good as missing (sqlite-utils habit):
    the README shows ``sdg-gaps <command>`` for every command and subcommand."""
    assert f"sdg-gaps {' '.join(command)}" in README.read_text(encoding="utf-8"), (
        f"README.md never shows `sdg-gaps {' '.join(command)}`"
    )
