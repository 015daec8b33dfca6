"""``sdg-gaps catalogue``: list the goals, targets and item sets, or check them."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.cli import common
from bot.errors import UsageError


def add_parser(subparsers) -> None:
    catalogue = subparsers.add_parser(
        "catalogue",
        help="list or check the SDG catalogue",
        description=(
            "List the goals, targets and item sets with their sources, or check the catalogue's "
            "files against each other (offline) and its Wikidata identifiers against a live "
            "endpoint (--endpoint)."
        ),
        epilog=common.EPILOG,
    )
    actions = catalogue.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list",
        help="goals, targets, item sets and their sources",
        description="Print the 17 goals, their targets and item sets, and where each comes from.",
        epilog=common.EPILOG,
    )
    listing.add_argument("--targets", action="store_true", help="list every target's title")
    check = actions.add_parser(
        "check",
        help="check the catalogue offline, or against an endpoint",
        description=(
            "Offline: every goal has an item set, every target named exists, pinned lists "
            "parse, every query is portable SPARQL and every QID/PID in it is traced to a "
            "source file or listed in queries/verify-live.tsv, goal QIDs match the UN's. With "
            "--endpoint: each identifier is looked up in one batched query and drift (label "
            "changed, merged, deleted) is reported. With --data: the committed tables are "
            "compared with what the shared data folder gives today. Exits 1 when anything is "
            "found."
        ),
        epilog=common.EPILOG,
    )
    check.add_argument("--endpoint", metavar="NAME|URL", help="wdqs, qlever or a SPARQL URL")
    check.add_argument("--contact", help="contact sent in the User-Agent")
    check.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="the shared data folder the tables are built from (maintainers; laid out as its "
        "SOURCES.md says): compare the committed tables with it. No default: without it the "
        "tables are not compared",
    )
    for sub in (listing, check):
        sub.add_argument(
            "--itemsets",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="an organizer's item-set file (TOML, see bot/catalogue/loading.py); repeatable",
        )
    catalogue.set_defaults(handler=handle)


def handle(args) -> int:
    from bot import catalogue as cat
    from bot.sparql import make_endpoint

    loaded = cat.load_catalogue(None, extra=args.itemsets)
    if args.action == "list":
        print(cat.list_catalogue(loaded, targets=args.targets))
        return 0
    endpoint = None
    if args.endpoint:
        if args.endpoint == "embedded":
            raise UsageError(
                "catalogue check --endpoint needs a live endpoint (wdqs, qlever or a URL): "
                "the bundled snapshot has no labels to check"
            )
        endpoint, _ = make_endpoint(args.endpoint, contact=args.contact, snapshot_dir=None)
    findings = cat.check_catalogue(loaded, endpoint, data_dir=args.data)
    for finding in findings:
        print(finding)
    where = f" and against {endpoint.name}" if endpoint is not None else " offline"
    if args.data is not None:
        where += f", tables against {args.data}"
    if findings:
        print(f"catalogue check{where}: {len(findings)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"catalogue check{where}: no problems ({len(loaded.goals)} goals, "
        f"{len(loaded.targets)} targets, {len(loaded.itemsets)} item sets)"
    )
    return 0


