"""The ``sdg-gaps`` command (also ``python -m bot``).

A thin layer: it parses options, calls the library and prints. Every
:class:`bot.errors.SdgGapsError` becomes one line on stderr (``sdg-gaps: error: …``) and a
non-zero exit status; nothing else is caught, so a real bug still shows its traceback.

Subcommands:

``run``
    analyse the chosen goals and languages and write a report directory
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
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot import TOOL_NAME, __version__
from bot.config import (
    REPORTS_DIR,
    RunConfig,
    parse_goals,
    parse_languages,
    positive_int,
)
from bot.errors import SdgGapsError, UsageError
from bot.sparql.factory import make_endpoint

EPILOG = "Errors print one line and exit non-zero. Docs: README.md."
INCOMPLETE = 3  # `run`: the report was written but is built on incomplete data


class ProgressLine:
    """Progress on stderr: a live bar on a terminal, a few plain lines otherwise."""

    def __init__(self, enabled: bool, stream=None):
        self.enabled = enabled
        self.stream = stream = stream if stream is not None else sys.stderr  # at call time
        self.tty = stream.isatty()
        self._last: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        share = done / total
        if self.tty:
            bar = "#" * int(share * 30)
            self.stream.write(f"\r{stage:<10} [{bar:<30}] {done:>8,}/{total:,}")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
            return
        quarter = int(share * 4)
        if self._last.get(stage) != quarter or done >= total:
            if quarter > self._last.get(stage, -1):
                self.stream.write(f"{stage}: {done:,}/{total:,}\n")
            self._last[stage] = quarter

    def note(self, message: str) -> None:
        if self.enabled:
            self.stream.write(message + "\n")


def _add_run_parser(subparsers) -> None:
    run = subparsers.add_parser(
        "run",
        help="analyse coverage and write a report directory",
        description=(
            "Select the SDG item sets, fetch their Wikipedia sitelinks, compute coverage per "
            "goal and Wikipedia, and write coverage.csv, gaps.csv, summary.json, wikitext pages "
            "and a PNG chart. With no options it runs offline on the bundled real snapshot. "
            "When some data cannot be fetched from a live service even in small parts, the "
            "report is still written, marked incomplete (the writer will not post it without "
            "--allow-incomplete), and the command exits with status 3."
        ),
        epilog=EPILOG,
    )
    run.add_argument(
        "--endpoint",
        default="embedded",
        metavar="NAME|URL",
        help="embedded (default: the bundled snapshot, no network), wdqs, qlever, or a SPARQL URL",
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
        "--contact", help="contact (URL or e-mail) sent in the User-Agent to live services"
    )
    run.add_argument(
        "--batch-size", default="400", metavar="N", help="items per sitelinks query (default 400)"
    )
    run.add_argument(
        "--page-rows", default="500", metavar="N", help="gap rows per goal on a language page"
    )
    run.add_argument("--snapshot", type=Path, metavar="DIR", help="use another snapshot directory")
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
        "--snapshot-data",
        action="store_true",
        help="the endpoint serves the bundled snapshot (e.g. oxigraph serve): report only the "
        "Wikipedias its sources observed, as the embedded store does",
    )
    _add_fetch_options(run)
    _add_report_options(run)
    _add_history_options(run)
    run.add_argument("--quiet", action="store_true", help="no progress output")
    run.add_argument(
        "--engine",
        choices=("pandas", "spark"),
        default="pandas",
        help="compute coverage and gaps with pandas (default) or Apache Spark (needs pyspark "
        "and Java; see docs/spark.md)",
    )
    run.add_argument(
        "--master",
        metavar="URL",
        help="with --engine spark: the Spark master (default local[*]; yarn, spark://HOST:7077)",
    )
    run.add_argument("--post", action="store_true", help="post the pages afterwards (needs --root)")
    run.add_argument(
        "--root", metavar="PAGE", help="with --post: the wiki page the report goes under"
    )
    run.set_defaults(handler=_cmd_run)


def _add_fetch_options(run) -> None:
    """How a run talks to live query services (ignored by the embedded store)."""
    live = run.add_argument_group("live query services (ignored by the embedded store)")
    live.add_argument(
        "--fallback",
        default="auto",
        metavar="NAME|URL|none",
        help="service asked when the endpoint is rate-limited, down or cannot answer "
        "(default: qlever for wdqs, wdqs for qlever, none for a URL)",
    )
    live.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="on-disk cache of answers by (endpoint, query) (default: $SDG_GAPS_CACHE_DIR or "
        "~/.cache/sdg-gaps/sparql)",
    )
    live.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    live.add_argument(
        "--max-age",
        default="1d",
        metavar="AGE",
        help="reuse cached answers younger than AGE: seconds or 30m, 6h, 1d (default 1d)",
    )
    live.add_argument(
        "--query-budget",
        default="3600",
        metavar="SECONDS",
        help="query time this run may spend on live services, retries included (default 3600)",
    )
    live.add_argument(
        "--retries",
        default="4",
        metavar="N",
        help="retries of a request the service failed at once (429, an instant 5xx, a dropped "
        "connection), with a backoff that grows (default 4); time-outs are asked in smaller "
        "parts instead, and a service failing every request for 120 s is given up",
    )
    live.add_argument(
        "--format",
        dest="result_format",
        default="tsv",
        choices=("tsv", "json", "csv"),
        help="result format asked for (default tsv, the fastest WDQS and QLever offer)",
    )


def _count(text: str, option: str) -> int:
    if not text.isdigit():
        raise UsageError(f"{option} needs a whole number of at least 0, got {text!r}")
    return int(text)


def _seconds(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise UsageError(f"{option} needs a number of seconds above 0, got {text!r}")
    return value


def _cmd_run(args) -> int:
    from bot.catalogue import load_catalogue
    from bot.languages import load_wikis
    from bot.pipeline import analyse
    from bot.report import write_report

    config = RunConfig(
        endpoint=args.endpoint,
        goals=parse_goals(args.goals),
        languages=parse_languages(args.languages),
        out=args.out,
        contact=args.contact or RunConfig().contact,
        batch_size=positive_int(args.batch_size, "--batch-size"),
        page_rows=positive_int(args.page_rows, "--page-rows"),
        snapshot=args.snapshot,
        progress=not args.quiet,
        snapshot_data=True if args.snapshot_data else None,
    )
    if args.post and not args.root:
        raise UsageError("--post needs --root PAGE")
    if args.master and args.engine != "spark":
        raise UsageError("--master needs --engine spark")
    progress = ProgressLine(config.progress)
    clock = time.perf_counter()
    from bot.cache import default_cache_dir, parse_age

    endpoint, snapshot = make_endpoint(
        config.endpoint,
        contact=config.contact,
        snapshot_dir=config.snapshot,
        fallback=args.fallback,
        cache_dir=None if args.no_cache else (args.cache_dir or default_cache_dir()),
        max_age=parse_age(args.max_age),
        query_budget=_seconds(args.query_budget, "--query-budget"),
        result_format=args.result_format,
        max_retries=_count(args.retries, "--retries"),
    )
    if snapshot is None and config.snapshot_data:
        from bot.snapshot import open_snapshot

        snapshot = open_snapshot(config.snapshot)
    catalogue = load_catalogue(snapshot, extra=args.itemsets)
    if args.itemsets:
        bundled = {s.id for s in load_catalogue(snapshot).itemsets}
        extra = tuple(s.id for s in catalogue.itemsets if s.id not in bundled)
        config = replace(config, extra_itemsets=extra)
    wikis = load_wikis()
    provenance = snapshot.describe() if snapshot else {"endpoint": endpoint.url}
    warnings: list[str] = []

    def notify(message: str) -> None:
        if message.startswith("warning:"):
            warnings.append(message.removeprefix("warning: "))
            print(f"{TOOL_NAME}: {message}", file=sys.stderr)
        else:
            progress.note(message)

    report = _report_options(args, snapshot, endpoint, wikis, config, progress)
    analysis = analyse(
        config, endpoint, catalogue, wikis, provenance=provenance, notify=notify, progress=progress,
        pagesizes=report["pagesizes"], quality_scale=report["scale"],
        engine=args.engine, master=args.master,
    )
    analysis.warnings.extend(warnings)
    analysis.counts["seconds"] = round(time.perf_counter() - clock, 3)
    history = _open_history(args)
    if history is not None:
        from bot.schedule import prepare_history

        prepare_history(history, analysis, args.series)
    out = config.out or REPORTS_DIR / f"run-{analysis.run_id}"
    pages = write_report(
        analysis, out, page_rows=config.page_rows, lang=report["lang"], service=report["service"]
    )
    if history is not None:
        from bot.schedule import write_history_files

        write_history_files(history, analysis, out, args.series)
    counts = analysis.counts
    print(
        f"{out}: {counts['items']:,} items, {counts['wikis']} Wikipedias, "
        f"{counts['gaps']:,} gaps, {len(pages)} pages; {counts['queries']} SPARQL queries "
        f"({counts['query_seconds']:.1f} s), {counts['api_calls']} API calls, "
        f"{counts['seconds']:.1f} s"
    )
    for note in getattr(endpoint, "notes", list)():
        print(f"{TOOL_NAME}: warning: {note}", file=sys.stderr)
    if not analysis.complete:
        # The report says so in its header and pages.json; the writer will not post it
        # without --allow-incomplete. Exit status 3 tells a scheduler the same.
        print(
            f"{TOOL_NAME}: warning: incomplete data, report marked incomplete: "
            f"{analysis.warnings[0]}"
            + (f" (and {len(analysis.warnings) - 1} more)" if len(analysis.warnings) > 1 else ""),
            file=sys.stderr,
        )
    status = 0 if analysis.complete else INCOMPLETE
    posted = None
    if args.post:
        posted = _post(
            out, args.root, [], force=False, max_shrink=0.30, allow_incomplete=False, local=None
        )
        status = posted or status
    if history is not None:
        with history:
            record = history.record(
                analysis, series=args.series, published=None if posted is None else posted == 0,
                baseline=analysis.changes,
            )
        print(f"history: run {record.run_id} recorded in {history.path} (series {args.series})")
    return status


def _add_post_parser(subparsers) -> None:
    post = subparsers.add_parser(
        "post",
        help="post a report directory to a wiki through pywikibot",
        description=(
            "Post the pages of a report directory made by `sdg-gaps run` under PAGE: the "
            "summary on PAGE, goals and languages on subpages. Only the text between the "
            "report's markers is replaced. pywikibot's global options (-simulate, -dir:DIR, "
            "-user:NAME, -pt:SECONDS, -family:, -lang:) may follow."
        ),
        epilog=EPILOG,
    )
    post.add_argument("report_dir", type=Path, metavar="REPORT_DIR")
    post.add_argument(
        "--root", required=True, metavar="PAGE", help="the page the report goes under"
    )
    post.add_argument("--force", action="store_true", help="save even if the shrink guard refuses")
    post.add_argument(
        "--max-shrink",
        default="0.30",
        metavar="SHARE",
        help="refuse a page that would lose more than this share of its rows (0.30)",
    )
    post.add_argument(
        "--allow-incomplete", action="store_true", help="post a report built on incomplete data"
    )
    post.add_argument(
        "--local",
        type=Path,
        metavar="DIR",
        help="write the pages and a diff against the live text to DIR; save nothing",
    )
    post.set_defaults(handler=_cmd_post)


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"--max-shrink needs a share between 0 and 1, got {text!r}")
    return value


def _cmd_post(args) -> int:
    return _post(
        args.report_dir,
        args.root,
        args.pywikibot_args,
        force=args.force,
        max_shrink=_share(args.max_shrink),
        allow_incomplete=args.allow_incomplete,
        local=args.local,
    )


def _post(
    report_dir: Path,
    root: str,
    pywikibot_args: list[str],
    *,
    force: bool,
    max_shrink: float,
    allow_incomplete: bool,
    local: Path | None,
) -> int:
    from bot.wiki import PostOptions, post_report

    options = PostOptions(
        root=root,
        force=force,
        max_shrink=max_shrink,
        allow_incomplete=allow_incomplete,
        local_dir=local,
        pywikibot_args=list(pywikibot_args),
    )
    outcomes = post_report(report_dir, options)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _add_catalogue_parser(subparsers) -> None:
    catalogue = subparsers.add_parser(
        "catalogue",
        help="list or check the SDG catalogue",
        description=(
            "List the goals, targets and item sets with their sources, or check the catalogue's "
            "files against each other (offline) and its Wikidata identifiers against a live "
            "endpoint (--endpoint)."
        ),
        epilog=EPILOG,
    )
    actions = catalogue.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list",
        help="goals, targets, item sets and their sources",
        description="Print the 17 goals, their targets and item sets, and where each comes from.",
        epilog=EPILOG,
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
            "changed, merged, deleted) is reported. Exits 1 when anything is found."
        ),
        epilog=EPILOG,
    )
    check.add_argument("--endpoint", metavar="NAME|URL", help="wdqs, qlever or a SPARQL URL")
    check.add_argument("--contact", help="contact sent in the User-Agent")
    for sub in (listing, check):
        sub.add_argument(
            "--itemsets",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="an organizer's item-set file (TOML, see bot/catalogue.py); repeatable",
        )
    catalogue.set_defaults(handler=_cmd_catalogue)


def _cmd_catalogue(args) -> int:
    from bot import catalogue as cat

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
    findings = cat.check_catalogue(loaded, endpoint)
    for finding in findings:
        print(finding)
    where = f" and against {endpoint.name}" if endpoint is not None else " offline"
    if findings:
        print(f"catalogue check{where}: {len(findings)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"catalogue check{where}: no problems ({len(loaded.goals)} goals, "
        f"{len(loaded.targets)} targets, {len(loaded.itemsets)} item sets)"
    )
    return 0


def _add_report_options(parser) -> None:
    """The report's language, quality thresholds and page sizes (run and worklist)."""
    from bot.report.pages import report_languages

    group = parser.add_argument_group("report")
    group.add_argument(
        "--lang",
        default="en",
        choices=report_languages(),
        help="language of the pages' headings and text (default en)",
    )
    group.add_argument(
        "--quality-thresholds",
        default="10000,30000",
        metavar="STUB,LONG",
        help="page sizes in bytes: a stub is under STUB, a long article at least LONG "
        "(default 10000,30000)",
    )
    group.add_argument(
        "--no-pagesizes",
        action="store_true",
        help="on a live endpoint, do not ask the Wikipedias for page sizes (quality unknown)",
    )


def _report_options(args, snapshot, endpoint, wikis, config, progress) -> dict:
    from bot.coverage import QualityScale
    from bot.pagesizes import page_size_source

    try:
        scale = QualityScale.from_text(args.quality_thresholds)
    except ValueError as exc:
        raise UsageError(f"--quality-thresholds: {exc}") from None
    live = snapshot is None
    return {
        "lang": args.lang,
        "scale": scale,
        "service": "qlever" if config.endpoint == "qlever" else "wdqs",
        "pagesizes": page_size_source(
            snapshot, live, wikis, contact=config.contact, enabled=not args.no_pagesizes,
            progress=progress,
        ),
    }


def _add_worklist_parser(subparsers) -> None:
    worklist = subparsers.add_parser(
        "worklist",
        help="write a partner worklist: the first missing articles per language",
        description=(
            "Analyse the chosen goals (the bundled snapshot by default) and write, for each "
            "language, the first LIMIT missing articles in the report's ranking, with the item, "
            "its label, the suggested source to translate from and a Content Translation link: "
            "worklist.csv, worklist.json, worklist.wiki and worklist.html."
        ),
        epilog=EPILOG,
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
    worklist.add_argument(
        "--endpoint", default="embedded", metavar="NAME|URL", help="embedded, wdqs, qlever or a URL"
    )
    worklist.add_argument("--contact", help="contact sent in the User-Agent to live services")
    worklist.add_argument("--snapshot", type=Path, metavar="DIR", help="another snapshot directory")
    worklist.add_argument("--quiet", action="store_true", help="no progress output")
    _add_report_options(worklist)
    worklist.set_defaults(handler=_cmd_worklist)


def _cmd_worklist(args) -> int:
    from bot.catalogue import load_catalogue
    from bot.languages import load_wikis
    from bot.pipeline import analyse
    from bot.worklist import build_worklist, check_targets, write_worklist

    targets = tuple(dict.fromkeys(t.strip() for t in (args.targets or "").split(",") if t.strip()))
    goals = parse_goals(args.goals)
    if not goals and not targets:
        raise UsageError("worklist needs --goals or --targets, e.g. --goals 15 --targets 15.8")
    limit = positive_int(args.limit, "--limit")
    languages = parse_languages(args.languages)
    progress = ProgressLine(not args.quiet)
    endpoint, snapshot = make_endpoint(
        args.endpoint, contact=args.contact, snapshot_dir=args.snapshot
    )
    catalogue = load_catalogue(snapshot)
    goals = check_targets(catalogue, goals, targets)
    wikis = load_wikis()
    chosen = [wikis.resolve(code).wiki for code in languages]
    config = RunConfig(
        endpoint=args.endpoint,
        goals=goals,
        languages=languages,
        contact=args.contact or RunConfig().contact,
        snapshot=args.snapshot,
        progress=not args.quiet,
    )

    def notify(message: str) -> None:
        if message.startswith("warning:"):
            print(f"{TOOL_NAME}: {message}", file=sys.stderr)
        else:
            progress.note(message)

    report = _report_options(args, snapshot, endpoint, wikis, config, progress)
    provenance = snapshot.describe() if snapshot else {"endpoint": endpoint.url}
    analysis = analyse(
        config, endpoint, catalogue, wikis, provenance=provenance, notify=notify,
        progress=progress, pagesizes=report["pagesizes"], quality_scale=report["scale"],
    )
    frame = build_worklist(analysis, wikis, chosen, targets, limit)
    out = args.out or REPORTS_DIR / f"worklist-{analysis.run_id}"
    paths = write_worklist(
        analysis, frame, out, goals=goals, targets=targets, languages=chosen, limit=limit,
        lang=report["lang"],
    )
    per_language = frame.groupby("language", sort=False).size()
    shown = ", ".join(f"{code} {n}" for code, n in per_language.items())
    print(f"{out}: {len(frame):,} articles ({shown or 'none'}); {', '.join(p.name for p in paths)}")
    return 0


def _add_history_options(parser) -> None:
    """Where runs are recorded (run)."""
    group = parser.add_argument_group("history")
    group.add_argument(
        "--history",
        type=Path,
        metavar="PATH",
        help="the SQLite file runs are recorded in, for the \"since the last run\" sections "
        "(default: $SDG_GAPS_HISTORY or reports/history.sqlite)",
    )
    group.add_argument("--no-history", action="store_true", help="record nothing, compare nothing")
    group.add_argument(
        "--series",
        default="cli",
        metavar="NAME",
        help="the runs this one follows (default cli); scheduled reports use their root page",
    )


def _open_history(args):
    from bot.history import History, default_path

    if getattr(args, "no_history", False):
        return None
    return History.open(args.history or default_path())


def _add_history_parser(subparsers) -> None:
    history = subparsers.add_parser(
        "history",
        help="list recorded runs, print a trend, prune old runs",
        description=(
            "List the runs recorded in the history file; with --goal and/or --language print "
            "the coverage over runs; --prune KEEP keeps the newest KEEP runs of each series; "
            "--check runs SQLite's integrity check and the runs' own consistency checks."
        ),
        epilog=EPILOG,
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
    history.set_defaults(handler=_cmd_history)


def _cmd_history(args) -> int:
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


def _add_schedule_parser(subparsers) -> None:
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
        epilog=EPILOG,
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
    schedule.add_argument(
        "--endpoint",
        default="embedded",
        metavar="NAME|URL",
        help="embedded (default: the bundled snapshot), wdqs, qlever or a SPARQL URL",
    )
    schedule.add_argument("--snapshot", type=Path, metavar="DIR", help="another snapshot")
    schedule.add_argument("--contact", help="contact sent in the User-Agent to live services")
    schedule.add_argument(
        "--out-dir",
        type=Path,
        metavar="DIR",
        help="where report directories are written (default: next to the history, scheduled/)",
    )
    schedule.set_defaults(handler=_cmd_schedule)


def _cmd_schedule(args) -> int:
    from bot.history import default_path
    from bot.schedule import ScheduleOptions, run_schedule

    wait = None if args.wait_lock is None else _seconds(args.wait_lock, "--wait-lock")
    options = ScheduleOptions(
        config_page=args.config_page,
        history=args.history or default_path(),
        status_page=args.status_page,
        page=args.page,
        wait_lock=wait,
        endpoint=args.endpoint,
        snapshot=args.snapshot,
        contact=args.contact or RunConfig().contact,
        out_dir=args.out_dir,
        pywikibot_args=args.pywikibot_args,
    )
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=TOOL_NAME,
        description=(
            "Find the knowledge the UN Sustainable Development Goals need that is missing from "
            "Wikipedia, and post gap reports to a wiki."
        ),
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"{TOOL_NAME} {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run_parser(subparsers)
    _add_post_parser(subparsers)
    _add_catalogue_parser(subparsers)
    _add_worklist_parser(subparsers)
    _add_history_parser(subparsers)
    _add_schedule_parser(subparsers)
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
    if pywikibot_args and args.command not in ("post", "schedule"):
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
