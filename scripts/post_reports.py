"""Post a report directory made by ``sdg-gaps run`` to a wiki; the same as ``sdg-gaps post``.

Usage (from the repository root):

    python scripts/post_reports.py REPORT_DIR -root:PAGE [options] [global options]

The summary goes on PAGE, goals and languages on its subpages. Only the text between a
report's markers (``<!-- sdg-gaps:start ID -->`` and ``<!-- sdg-gaps:end ID -->``) is
replaced; pages without them are refused, new pages are created with them.

Options:

  -root:PAGE          the page the report goes under (required)
  -force              save even when a report would lose more rows than -maxshrink allows
  -maxshrink:SHARE    refuse a report that would lose more than this share of its table
                      rows against the page's current version (default 0.30)
  -allowincomplete    post a report whose data is incomplete ("complete": false)
  -local:DIR          write each page and a unified diff against the live text to DIR;
                      save nothing
  -allowroot:PREFIX   allow reports on PREFIX and its subpages (repeatable; also
                      $SDG_GAPS_ALLOW_ROOTS): needed for a root in the article namespace or
                      in another user's user space
  -help               print this help

Global options are pywikibot's: -simulate, -dir:DIR (where user-config.py is), -user:NAME,
-pt:SECONDS (seconds between edits), -family:, -lang:, -log, -debug... The account, its
BotPassword or OAuth and the wiki come from pywikibot's user-config.py.

Prints one line per page: saved, unchanged, skipped ({{nobots}}), refused (markers, shrink
guard) or failed, with the reason. The exit status is 1 when a page failed or the run could
not start (the reason on stderr), 0 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.errors import SdgGapsError  # noqa: E402
from bot.wiki import PostOptions, post_report  # noqa: E402


def parse_args(argv: list[str]) -> tuple[Path, PostOptions] | None:
    """Split our options from pywikibot's; None when help was asked for.

    Raises ValueError on a missing or malformed option.
    """
    report_dir = None
    values: dict = {"pywikibot_args": [], "allow_roots": ()}
    for arg in argv:
        name, _, value = arg.partition(":")
        if name in ("-help", "--help", "-h"):
            return None
        if not arg.startswith("-"):
            if report_dir is not None:
                raise ValueError(f"more than one report directory: {arg!r}")
            report_dir = Path(arg)
        elif name == "-root" and value:
            values["root"] = value
        elif name == "-force" and not value:
            values["force"] = True
        elif name == "-maxshrink":
            share = float(value)
            if not 0 <= share <= 1:
                raise ValueError(f"-maxshrink needs a share between 0 and 1, got {value!r}")
            values["max_shrink"] = share
        elif name == "-allowincomplete" and not value:
            values["allow_incomplete"] = True
        elif name == "-local" and value:
            values["local_dir"] = Path(value)
        elif name == "-allowroot" and value:
            values["allow_roots"] += (value,)
        else:
            values["pywikibot_args"].append(arg)  # pywikibot's, or refused by it
    if report_dir is None or "root" not in values:
        raise ValueError("a report directory and -root:PAGE are required (try -help)")
    return report_dir, PostOptions(**values)


def main(argv: list[str] | None = None) -> int:
    try:
        parsed = parse_args(sys.argv[1:] if argv is None else argv)
    except ValueError as exc:
        print(f"post_reports: error: {exc}", file=sys.stderr)
        return 2
    if parsed is None:
        print(__doc__)
        return 0
    report_dir, options = parsed
    try:
        outcomes = post_report(report_dir, options)
    except SdgGapsError as exc:
        print(f"post_reports: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 1 if any(outcome.status == "failed" for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
