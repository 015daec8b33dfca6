"""``sdg-gaps worklist``: the first missing articles per language, ready to start."""

from __future__ import annotations

from pathlib import Path

from bot import TOOL_NAME
from bot.cli import common
from bot.config import parse_goals, parse_languages, positive_int
from bot.errors import UsageError


def add_parser(subparsers) -> None:
    worklist = subparsers.add_parser(
        "worklist",
        help="write a partner worklist: the first missing articles per language",
        description=(
            "Analyse the chosen goals (the bundled snapshot by default) and write, for each "
            "language, the first LIMIT missing articles in the report's ranking, with the item, "
            "its label, the suggested source to translate from and a Content Translation link: "
            "worklist.csv, worklist.json, worklist.wiki and worklist.html."
        ),
        epilog=common.EPILOG,
    )
    worklist.add_argument("--goals", metavar="N,N", help="goals, e.g. 15 (default: the targets')")
    worklist.add_argument(
        "--targets", metavar="T,T", help="only items of item sets tied to these targets, e.g. 15.8"
    )
    worklist.add_argument(
        "--languages", required=True, metavar="CODE,CODE", help="Wikipedias, e.g. de,pl"
    )
    worklist.add_argument("--limit", default="50", metavar="N", help="articles per language (50)")
    worklist.add_argument(
        "--out", type=Path, metavar="DIR", help="output directory (default: reports/worklist-<id>)"
    )
    common.add_source_options(worklist)
    common.add_report_options(worklist)
    common.add_engine_options(worklist)
    worklist.add_argument("--quiet", action="store_true", help="no progress output")
    worklist.set_defaults(handler=handle)


def handle(args) -> int:
    from bot.worklist import make_worklist

    targets = tuple(dict.fromkeys(t.strip() for t in (args.targets or "").split(",") if t.strip()))
    goals = parse_goals(args.goals)
    if not goals and not targets:
        raise UsageError("worklist needs --goals or --targets, e.g. --goals 15 --targets 15.8")
    common.check_engine(args)
    progress = common.ProgressLine(not args.quiet)
    source = common.source_of(args)
    made = make_worklist(
        source,
        goals=goals,
        targets=targets,
        languages=parse_languages(args.languages),
        limit=positive_int(args.limit, "--limit"),
        out=args.out,
        lang=args.lang,
        quality_scale=common.quality_scale(args),
        engine=args.engine,
        master=args.master,
        notify=common.notifier(progress, TOOL_NAME),
        progress=progress,
    )
    per_language = made.frame.groupby("language", sort=False).size()
    shown = ", ".join(f"{code} {n}" for code, n in per_language.items())
    names = ", ".join(p.name for p in made.paths)
    print(f"{made.out}: {len(made.frame):,} articles ({shown or 'none'}); {names}")
    return 0
