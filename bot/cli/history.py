"""``sdg-gaps history``: the recorded runs, a goal's or a language's trend, pruning, checks."""

from __future__ import annotations

from pathlib import Path

from bot.cli import common
from bot.config import parse_goals, positive_int
from bot.errors import UsageError


def add_parser(subparsers) -> None:
    history = subparsers.add_parser(
        "history",
        help="list recorded runs, print a trend, prune old runs",
        description=(
            "List the runs recorded in the history file; with --goal and/or --language print "
            "the coverage over runs; --prune KEEP keeps the newest KEEP runs of each series; "
            "--check runs SQLite's integrity check and the runs' own consistency checks."
        ),
        epilog=common.EPILOG,
    )
    history.add_argument(
        "--history",
        type=Path,
        metavar="PATH",
        help="the history file (default: $SDG_GAPS_HISTORY or reports/history.sqlite)",
    )
    history.add_argument("--series", metavar="NAME", help="only the runs of this series")
    history.add_argument("--goal", metavar="N", help="the trend of one goal")
    history.add_argument("--language", metavar="CODE", help="the trend of one language (fr)")
    history.add_argument("--chart", type=Path, metavar="PNG", help="draw the trend to a PNG file")
    history.add_argument("--prune", metavar="KEEP", help="keep the newest KEEP runs per series")
    history.add_argument("--check", action="store_true", help="check the file; exit 1 on problems")
    history.set_defaults(handler=handle)


def handle(args) -> int:
    from bot.history import History, default_path

    path = args.history or default_path()
    if not path.exists():
        raise UsageError(f"no history at {path}: `sdg-gaps run` and `schedule` record runs there")
    with History.open(path) as history:
        if args.prune is not None:
            removed = history.prune(positive_int(args.prune, "--prune"), args.series)
            print(f"{path}: removed {removed} run(s); {len(history.runs())} kept")
            return 0
        if args.check:
            problems = history.check()
            for problem in problems:
                print(problem)
            print(f"{path}: {len(problems)} problem(s) in {len(history.runs())} run(s)")
            return 1 if problems else 0
        if args.goal is None and args.language is None and args.chart is None:
            runs = history.runs(args.series)
            print(f"{'run':<20} {'series':<28} {'finished':<25} {'endpoint':<10} "
                  f"{'state':<11} {'goals':<8} {'wikis':>5} {'gaps':>8}")
            for r in runs:
                state = "incomplete" if not r.complete else {
                    None: "local", True: "published", False: "not posted"}[r.published]
                print(f"{r.run_id:<20} {r.series[:28]:<28} {r.finished:<25} "
                      f"{str(r.endpoint.get('name'))[:10]:<10} {state:<11} "
                      f"{','.join(map(str, r.goals)):<8} {r.wikis:>5} {r.gaps:>8,}")
            print(f"{len(runs)} run(s) in {path}")
            return 0
        goal = parse_goals(args.goal)[0] if args.goal else None
        trend = history.trend(goal=goal, language=args.language, series=args.series)
        if trend.empty:
            print("no recorded run covers that goal and language")
            return 1
        previous: dict = {}
        print(f"{'run':<20} {'series':<24} {'goal':>4} {'lang':<6} {'items':>7} "
              f"{'articles':>8} {'missing':>8} {'coverage %':>10} {'change':>7}")
        for r in trend.itertuples(index=False):
            key = (r.series, r.goal, r.wiki)
            delta = "" if key not in previous else f"{r.coverage_pct - previous[key]:+.2f}"
            previous[key] = r.coverage_pct
            print(f"{r.run_id:<20} {r.series[:24]:<24} {r.goal:>4} {r.language:<6} {r.items:>7,} "
                  f"{r.articles:>8,} {r.missing:>8,} {r.coverage_pct:>10.2f} {delta:>7}")
        if args.chart:
            from bot.report.trend import trend_chart

            trend_chart(trend, args.chart)
            print(f"chart: {args.chart}")
    return 0


