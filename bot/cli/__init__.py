"""The ``sdg-gaps`` command (also ``python -m bot``).

A thin layer: it parses options, calls the library and prints; one module per subcommand
(``bot.cli.run``, ``post``, ``catalogue``, ``worklist``, ``history``, ``schedule``,
``campaign``), the option
groups they share in :mod:`bot.cli.common`. Every
:class:`bot.errors.SdgGapsError` becomes one line on stderr (``sdg-gaps: error: …``) and a
non-zero exit status; nothing else is caught, so a real bug still shows its traceback.

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
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot import TOOL_NAME, __version__
from bot.cli import campaign, catalogue, common, history, post, run, schedule, worklist
from bot.errors import SdgGapsError


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


def main(argv: Sequence[str] | None = None) -> int:
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
