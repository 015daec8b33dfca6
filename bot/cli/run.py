"""``sdg-gaps run``: one report written (with ``--post``, posted) by :func:`bot.runs.run`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bot import TOOL_NAME
from bot.cli import common
from bot.config import parse_goals, parse_languages, positive_int
from bot.engines.base import RANKS
from bot.errors import UsageError


def add_parser(subparsers) -> None:
    run = subparsers.add_parser(
        "run",
        help="analyse coverage and write a report directory",
        description=(
            "Select the SDG item sets, fetch their Wikipedia sitelinks (from an endpoint, or from "
            "a Wikidata dump or Parquet with --sitelinks), compute coverage per goal and "
            "Wikipedia, and write coverage.csv, gaps.csv, summary.json, wikitext and HTML pages "
            "and charts. With no options it runs offline on the bundled real snapshot. When some "
            "data cannot be fetched from a live service even in small parts, the report is still "
            "written, marked incomplete (it is not posted without --allow-incomplete), and the "
            "command exits with status 3."
        ),
        epilog=common.EPILOG,
    )
    run.add_argument(
        "--goals", metavar="N,N", help="goals to analyse, e.g. 13,15 (default: all served)"
    )
    run.add_argument(
        "--languages",
        metavar="CODE,CODE",
        help="Wikipedias to report on, e.g. fr,sw (default: all observed)",
    )
    run.add_argument(
        "--out", type=Path, metavar="DIR", help="report directory (default: reports/run-<id>)"
    )
    run.add_argument(
        "--itemsets",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="an organizer's item-set file (TOML: a query or a pinned QID list; see "
        "`sdg-gaps catalogue list --itemsets FILE`); repeatable. Without --goals only these run",
    )
    run.add_argument(
        "--gaps-per-wiki",
        default=str(_default_gaps()),
        metavar="N|all",
        help=f"missing articles listed per goal, Wikipedia and kind in gaps.csv and on the pages "
        f"(default {_default_gaps()}; all: every one). Coverage figures are exact either way",
    )
    run.add_argument(
        "--rank",
        choices=RANKS,
        default="sitelinks",
        help="how the topics to translate are ordered: sitelinks (default: the number of "
        "Wikipedias with an article, most first) or demand (the page views of their articles "
        "in --demand-from, most first; ties by sitelinks). Topics with no article anywhere "
        "looked at are listed apart, by their sitelinks in every Wikimedia project",
    )
    run.add_argument(
        "--page-rows",
        metavar="N",
        help="of those, the rows a language page shows per goal (default: all of them)",
    )
    common.add_source_options(run)
    common.add_report_options(run)
    common.add_history_options(run)
    common.add_engine_options(run)
    run.add_argument("--quiet", action="store_true", help="no progress output")
    run.add_argument("--post", action="store_true", help="post the pages afterwards (needs --root)")
    run.add_argument(
        "--root", metavar="PAGE", help="with --post: the wiki page the report goes under"
    )
    common.add_allow_root(run, "with --post: ")
    run.set_defaults(handler=handle)


def _default_gaps() -> int:
    from bot.runs import DEFAULT_GAPS_PER_WIKI

    return DEFAULT_GAPS_PER_WIKI


def handle(args) -> int:
    from bot.runs import RunRequest, run

    if args.post and not args.root:
        raise UsageError("--post needs --root PAGE")
    if args.allow_root and not args.post:
        raise UsageError("--allow-root needs --post")
    common.check_engine(args)
    source = common.source_of(args)
    post = None
    if args.post:
        from bot.wiki import PostOptions, check_root

        check_root(args.root, allow_roots=args.allow_root,  # refused before the analysis
                   pywikibot_args=args.pywikibot_args)
        post = PostOptions(root=args.root, pywikibot_args=list(args.pywikibot_args),
                           allow_roots=tuple(args.allow_root))
    request = RunRequest(
        source=source,
        goals=parse_goals(args.goals),
        languages=parse_languages(args.languages),
        itemset_files=tuple(args.itemsets),
        engine=args.engine,
        master=args.master,
        out=args.out,
        lang=args.lang,
        gaps_per_wiki=common.gaps_per_wiki(args.gaps_per_wiki),
        rank=args.rank,
        page_rows=positive_int(args.page_rows, "--page-rows") if args.page_rows else None,
        quality_scale=common.quality_scale(args),
        service=common.service_of(source),
        post=post,
        history=common.history_path(args),
        series=args.series,
    )
    progress = common.ProgressLine(not args.quiet)
    clock = time.perf_counter()
    done = run(request, notify=common.notifier(progress, TOOL_NAME), progress=progress)
    whole = time.perf_counter() - clock  # the analysis, and the report written (and posted)
    analysis, counts = done.analysis, done.analysis.counts
    print(
        f"{done.out}: {counts['items']:,} items, {counts['wikis']} Wikipedias, "
        f"{counts['gaps']:,} gaps ({counts['listed_gaps']:,} listed), {len(done.pages)} pages; "
        f"{counts.get('queries', 0)} SPARQL queries ({counts.get('query_seconds', 0.0):.1f} s), "
        f"{counts['api_calls']} API calls; analysed in {counts['seconds']:.1f} s, "
        f"{whole:.1f} s in all"
    )
    for warning in analysis.warnings:
        if analysis.complete:
            print(f"{TOOL_NAME}: warning: {warning}", file=sys.stderr)
    if not analysis.complete:
        # The report says so in its header and pages.json; it is not posted without
        # --allow-incomplete. Exit status 3 tells a scheduler the same.
        more = len(analysis.warnings) - 1
        print(
            f"{TOOL_NAME}: warning: incomplete data, report marked incomplete: "
            f"{analysis.warnings[0]}" + (f" (and {more} more)" if more > 0 else ""),
            file=sys.stderr,
        )
    if done.note:
        print(f"{TOOL_NAME}: {done.note}", file=sys.stderr)
    if done.record is not None:
        print(f"history: run {done.record.run_id} recorded in {request.history} "
              f"(series {request.series})")
    return done.status
