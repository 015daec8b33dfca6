"""The ``sdg-gaps`` command (also ``python -m bot``).

A thin layer: it parses options, calls the library and prints; one module per subcommand
(:mod:`bot.cli.run`, :mod:`bot.cli.post`, :mod:`bot.cli.catalogue`, :mod:`bot.cli.worklist`,
:mod:`bot.cli.history`, :mod:`bot.cli.schedule`, :mod:`bot.cli.campaign`), the option groups
they share, their parsing into requests and the progress lines in :mod:`bot.cli.common`. Every
:class:`bot.errors.SdgGapsError` becomes one line on stderr (``sdg-gaps: error: …``) and a
non-zero exit status; nothing else is caught, so a real bug still shows its traceback. A reader
that stops early (``sdg-gaps catalogue list | head -1``) ends the command quietly with exit
status 141, as a command killed by SIGPIPE has in a shell.

Subcommands:

``run``
    analyse the chosen goals and languages and write a report directory (:mod:`bot.runs`)
``post``
    post a report directory's pages to a wiki through pywikibot
``catalogue``
    list or check the SDG catalogue (goals, targets, item sets)
``worklist``
    write a partner worklist: the first missing articles per language, ready to start
``history``
    list the recorded runs, print a goal's or a language's trend, prune old runs
``schedule``
    the scheduled run: read the organizers' configuration page, run the reports that are due,
    post them and write the status page (under a lock)
``campaign``
    a partner's campaign: ``publish`` its worklists and page collection (freezing its start
    once), ``impact`` against the runs recorded since
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.memory import one_heap

one_heap()  # before numpy and Arrow start threads (see bot.memory)

from bot import TOOL_NAME, __version__  # noqa: E402
from bot.cli import (  # noqa: E402
    campaign,
    catalogue,
    common,
    history,
    post,
    run,
    schedule,
    worklist,
)
from bot.errors import SdgGapsError  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=TOOL_NAME,
        description=(
            "Find the knowledge the UN Sustainable Development Goals need that is missing from "
            "Wikipedia, and post gap reports to a wiki."
        ),
        epilog=common.EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"{TOOL_NAME} {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (run, post, catalogue, worklist, history, schedule, campaign):
        command.add_parser(subparsers)
    return parser


def split_pywikibot_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """pywikibot's global options are written ``-name`` or ``-name:value``: set them apart."""
    ours, theirs = [], []
    for arg in argv:
        if arg.startswith("-") and not arg.startswith("--") and len(arg) > 2:
            theirs.append(arg)
        else:
            ours.append(arg)
    return ours, theirs


# 128 + SIGPIPE, what a shell reports for a command whose reader went away (``| head``), as
# 130 (128 + SIGINT) is for an interrupted one.
PIPE_CLOSED = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; its exit status (argparse's ``--help`` and usage errors raise SystemExit).

    Output goes to stdout through buffered writes, so a reader that closed the pipe shows as a
    BrokenPipeError on a write, or on the flush done here before returning; either way stdout is
    pointed at the null device, so that the flush at the interpreter's exit does not fail again,
    and the command ends with :data:`PIPE_CLOSED` and nothing on stderr (the recipe of the
    :mod:`signal` documentation, "Note on SIGPIPE").
    """
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _stdout_to_devnull()
        return PIPE_CLOSED


def _stdout_to_devnull() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # a stdout without a file (a test's, a wrapper's)
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    finally:
        os.close(devnull)


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ours, pywikibot_args = split_pywikibot_args(argv)
    parser = build_parser()
    args = parser.parse_args(ours)
    if pywikibot_args and args.command not in ("post", "schedule", "run", "campaign"):
        parser.error(f"unrecognized arguments: {' '.join(pywikibot_args)}")
    args.pywikibot_args = pywikibot_args
    try:
        return args.handler(args)
    except SdgGapsError as exc:
        message = " ".join(str(exc).split())
        print(f"{TOOL_NAME}: error: {message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{TOOL_NAME}: interrupted at {datetime.now(UTC):%H:%M:%S}", file=sys.stderr)
        return 130
