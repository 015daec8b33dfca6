"""``sdg-gaps schedule``: the reports an on-wiki configuration page asks for, when they are due."""

from __future__ import annotations

import sys
from pathlib import Path

from bot import TOOL_NAME
from bot.cli import common


def add_parser(subparsers) -> None:
    schedule = subparsers.add_parser(
        "schedule",
        help="the scheduled run: reports from an on-wiki configuration page, and a status page",
        description=(
            "Read the organizers' configuration page (one {{SDG gaps report}} template per "
            "report), run every report that is due (its root page updated at least `every` "
            "days ago) or only --page, post the pages, record the runs in the history and "
            "write the status page. Runs never overlap: a second one exits (status 75) unless "
            "--wait-lock. pywikibot's global options (-simulate, -dir:DIR, -user:NAME, -pt:N) "
            "may follow."
        ),
        epilog=common.EPILOG,
    )
    schedule.add_argument(
        "--config-page", required=True, metavar="PAGE", help="the organizers' configuration page"
    )
    schedule.add_argument(
        "--page", metavar="ROOT", help="run only the report with this root page, due or not"
    )
    schedule.add_argument(
        "--status-page", metavar="PAGE", help="where the status goes (default: CONFIG/Status)"
    )
    schedule.add_argument(
        "--history",
        type=Path,
        metavar="PATH",
        help="history file; the lock file is PATH.lock (default: $SDG_GAPS_HISTORY or "
        "reports/history.sqlite)",
    )
    schedule.add_argument(
        "--wait-lock",
        nargs="?",
        const="3600",
        metavar="SECONDS",
        help="if another run holds the lock, wait for it (up to SECONDS, default 3600)",
    )
    common.add_source_options(schedule)
    common.add_engine_options(schedule)
    schedule.add_argument(
        "--out-dir",
        type=Path,
        metavar="DIR",
        help="where report directories are written (default: next to the history, scheduled/)",
    )
    common.add_allow_root(schedule, "besides the configuration page's base page: ")
    schedule.set_defaults(handler=handle)


def handle(args) -> int:
    from bot.history import default_path
    from bot.schedule import ScheduleOptions, run_schedule

    wait = None if args.wait_lock is None else common.seconds(args.wait_lock, "--wait-lock")
    options = ScheduleOptions(
        config_page=args.config_page,
        history=args.history or default_path(),
        status_page=args.status_page,
        page=args.page,
        wait_lock=wait,
        source=common.source_of(args),
        engine=args.engine,
        master=args.master,
        out_dir=args.out_dir,
        pywikibot_args=args.pywikibot_args,
        allow_roots=tuple(args.allow_root),
    )
    common.check_engine(args)
    result = run_schedule(options)
    for message in result.messages:
        print(f"{TOOL_NAME}: configuration: {message}", file=sys.stderr)
    states: dict = {}
    for report in result.reports:
        states[report.status] = states.get(report.status, 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(states.items())) or "none"
    status = result.status.status if result.status is not None else "not written"
    print(
        f"schedule: {len(result.reports)} report(s) ({summary}), {len(result.messages)} "
        f"configuration message(s), {result.queries} SPARQL queries "
        f"({result.query_seconds:.1f} s); status page: {status}"
    )
    return result.exit_code


