"""What the subcommands share: option groups, their parsing into requests, progress, one-line
numbers. Nothing here runs anything."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import default_contact
from bot.errors import UsageError
from bot.languages import api_url

EPILOG = "Errors print one line and exit non-zero. Docs: README.md."


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


def notifier(progress: ProgressLine, tool: str, warnings: list[str] | None = None):
    """A *notify* callback: ``warning: …`` lines to stderr (and *warnings*), others as progress."""

    def notify(message: str) -> None:
        if message.startswith("warning:"):
            if warnings is not None:
                warnings.append(message.removeprefix("warning: "))
            print(f"{tool}: {message}", file=sys.stderr)
        else:
            progress.note(message)

    return notify


# ---- numbers ----------------------------------------------------------------------------------


def count(text: str, option: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise UsageError(f"{option} needs a whole number of at least 0, got {text!r}")
    return int(text)


def seconds(text: str, option: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise UsageError(f"{option} needs a number of seconds above 0, got {text!r}")
    return value


def share(text: str, option: str = "--max-shrink") -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise UsageError(f"{option} needs a share between 0 and 1, got {text!r}")
    return value


def gaps_per_wiki(text: str) -> int | None:
    """``--gaps-per-wiki``: a whole number of at least 1, or ``all``."""
    if text.strip().lower() == "all":
        return None
    from bot.config import positive_int

    return positive_int(text, "--gaps-per-wiki")


# ---- where the facts come from ----------------------------------------------------------------


def add_source_options(parser, *, files: bool = True) -> None:
    """``--endpoint`` and the live services' options; with *files*, ``--sitelinks/--members``."""
    parser.add_argument(
        "--endpoint",
        default="embedded",
        metavar="NAME|URL",
        help="embedded (default: the bundled snapshot, no network), wdqs, qlever, or a SPARQL URL",
    )
    parser.add_argument("--snapshot", type=Path, metavar="DIR", help="another snapshot directory")
    parser.add_argument(
        "--snapshot-data",
        action="store_true",
        help="the endpoint serves the bundled snapshot (e.g. oxigraph serve): report only the "
        "Wikipedias its sources observed, as the embedded store does",
    )
    parser.add_argument(
        "--contact", help="contact (URL or e-mail) sent in the User-Agent to live services"
    )
    parser.add_argument(
        "--batch-size", default="400", metavar="N", help="items per sitelinks query (default 400)"
    )
    if files:
        data = parser.add_argument_group("files instead of an endpoint")
        data.add_argument(
            "--sitelinks",
            type=Path,
            metavar="FILE",
            help="Wikipedia sitelinks from a Wikidata JSON dump (.json.gz, .json.bz2, streamed) "
            "or Parquet (qid, wiki, title, badges); every Wikipedia it holds is observed",
        )
        data.add_argument(
            "--members",
            type=Path,
            metavar="FILE",
            help="with --sitelinks: the item sets' items, CSV or Parquet with the columns "
            "itemset, goal, qid (default: the catalogue's pinned lists)",
        )
    live = parser.add_argument_group("live query services (ignored by the embedded store)")
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
        "--give-up-after",
        default="120",
        metavar="SECONDS",
        help="a service that fails every request, with no answer in between, for this long is "
        "given up: the run moves to --fallback or ends with one line (default 120)",
    )
    live.add_argument(
        "--format",
        dest="result_format",
        default="tsv",
        choices=("tsv", "json", "csv"),
        help="result format asked for (default tsv, the fastest WDQS and QLever offer)",
    )
    live.add_argument(
        "--no-pagesizes",
        action="store_true",
        help="do not ask the Wikipedias for page sizes (quality unknown)",
    )
    live.add_argument(
        "--demand-from",
        default="en",
        metavar="CODE,CODE",
        help="with --rank demand: the Wikipedias whose readers' page views of the items' "
        "articles are the demand (default en: the one the bundled snapshot's page views cover)",
    )
    live.add_argument(
        "--pageviews-api",
        metavar="URL",
        help="the pageviews REST API asked for page views (default "
        "https://wikimedia.org/api/rest_v1)",
    )
    live.add_argument(
        "--pagesize-api",
        metavar="URL",
        help="the MediaWiki API page sizes are asked of; {subdomain} stands for the wiki's "
        f"(default {api_url('{subdomain}')})",
    )


def source_of(args):
    """The :class:`bot.runs_facts.DataSource` the parsed options describe."""
    from bot.cache import default_cache_dir, parse_age
    from bot.runs_facts import DataSource

    sitelinks = getattr(args, "sitelinks", None)
    members = getattr(args, "members", None)
    if members is not None and sitelinks is None:
        raise UsageError("--members needs --sitelinks FILE (an endpoint selects its own items)")
    if sitelinks is not None and args.endpoint != "embedded":
        raise UsageError("--sitelinks and --endpoint are two sources: give one of them")
    from bot.config import positive_int

    return DataSource(
        endpoint=args.endpoint,
        snapshot=args.snapshot,
        snapshot_data=True if args.snapshot_data else None,
        contact=args.contact or default_contact(),
        fallback=args.fallback,
        cache_dir=None if args.no_cache else (args.cache_dir or default_cache_dir()),
        max_age=parse_age(args.max_age),
        query_budget=seconds(args.query_budget, "--query-budget"),
        result_format=args.result_format,
        retries=count(args.retries, "--retries"),
        give_up_after=seconds(args.give_up_after, "--give-up-after"),
        batch_size=positive_int(args.batch_size, "--batch-size"),
        sitelinks=sitelinks,
        members=members,
        pagesizes=not args.no_pagesizes,
        pagesize_api=args.pagesize_api,
        demand_from=_demand_from(args.demand_from),
        pageviews_api=args.pageviews_api,
    )


def _demand_from(text: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip() for c in (text or "").split(",") if c.strip()))
    if not codes:
        raise UsageError("--demand-from needs at least one language code, e.g. --demand-from en")
    return codes


# ---- the report and the engine ----------------------------------------------------------------


def add_report_options(parser) -> None:
    """The report's language and quality thresholds (run, worklist, campaign)."""
    from bot.report.text import report_languages

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


def quality_scale(args):
    from bot.engines import QualityScale

    try:
        return QualityScale.from_text(args.quality_thresholds)
    except ValueError as exc:
        raise UsageError(f"--quality-thresholds: {exc}") from None


def add_engine_options(parser) -> None:
    parser.add_argument(
        "--engine",
        choices=("compact", "spark"),
        default="compact",
        help="compute every table with the compact cell index (default) or Apache Spark "
        "(needs pyspark and Java; see docs/spark.md)",
    )
    parser.add_argument(
        "--master",
        metavar="URL",
        help="with --engine spark: the Spark master (default local[*]; yarn, spark://HOST:7077)",
    )


def check_engine(args) -> None:
    if args.master and args.engine != "spark":
        raise UsageError("--master needs --engine spark")


def add_history_options(parser) -> None:
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


def history_path(args) -> Path | None:
    from bot.history import default_path

    if getattr(args, "no_history", False):
        return None
    return args.history or default_path()


def service_of(source) -> str:
    return "qlever" if source.endpoint == "qlever" else "wdqs"


def add_allow_root(parser, when: str = "") -> None:
    """Where the bot may write besides its default (post, run --post, schedule)."""
    parser.add_argument(
        "--allow-root",
        action="append",
        default=[],
        metavar="PREFIX",
        help=f"{when}allow reports on the page PREFIX and its subpages (repeatable; also "
        "$SDG_GAPS_ALLOW_ROOTS, roots separated by |). Needed for a root in the article "
        "namespace or in another user's user space; see README, \"Where the bot may write\"",
    )
