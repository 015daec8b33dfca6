"""``sdg-gaps post``: a report directory's pages onto a wiki, through :mod:`bot.wiki`."""

from __future__ import annotations

from pathlib import Path

from bot.cli import common
from bot.markers import DEFAULT_MAX_SHRINK


def add_parser(subparsers) -> None:
    post = subparsers.add_parser(
        "post",
        help="post a report directory to a wiki through pywikibot",
        description=(
            "Post the pages of a report directory made by `sdg-gaps run` under PAGE: the "
            "summary on PAGE, goals and languages on subpages. Only the text between the "
            "report's markers is replaced. pywikibot's global options (-simulate, -dir:DIR, "
            "-user:NAME, -pt:SECONDS, -family:, -lang:) may follow."
        ),
        epilog=common.EPILOG,
    )
    post.add_argument("report_dir", type=Path, metavar="REPORT_DIR")
    post.add_argument(
        "--root", required=True, metavar="PAGE", help="the page the report goes under"
    )
    post.add_argument("--force", action="store_true", help="save even if the shrink guard refuses")
    post.add_argument(
        "--max-shrink",
        default=f"{DEFAULT_MAX_SHRINK:.2f}",
        metavar="SHARE",
        help="refuse a page that would lose more than this share of its rows "
        f"({DEFAULT_MAX_SHRINK:.2f})",
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
    common.add_allow_root(post)
    post.set_defaults(handler=handle)


def handle(args) -> int:
    from bot.wiki import PostOptions, post_report

    options = PostOptions(
        root=args.root,
        force=args.force,
        max_shrink=common.share(args.max_shrink),
        allow_incomplete=args.allow_incomplete,
        local_dir=args.local,
        pywikibot_args=list(args.pywikibot_args),
        allow_roots=tuple(args.allow_root),
    )
    outcomes = post_report(args.report_dir, options)
    return 1 if any(o.status == "failed" for o in outcomes) else 0
