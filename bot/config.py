"""Small checked settings the command line and the on-wiki configuration share: where reports
go, the contact for live services, language lists and whole numbers. A run's own options are
a :class:`bot.runs.RunRequest`."""

from __future__ import annotations

import os
from pathlib import Path

from bot.errors import UsageError
from bot.ids import parse_goals  # noqa: F401  (the one grammar; re-exported for the CLI)

PACKAGE = Path(__file__).resolve().parent
# Where queries/ is: beside the package in a checkout (an editable install), inside it once
# installed (the wheel carries a copy, through the bot/queries link to the top-level folder).
CHECKOUT = (PACKAGE.parent / "setup.cfg").is_file() and (PACKAGE.parent / "queries").is_dir()
ROOT = PACKAGE.parent if CHECKOUT else PACKAGE
QUERIES_DIR = ROOT / "queries"
# Reports go to the checkout's reports/, or, installed, to reports/ in the current directory.
REPORTS_DIR = ROOT / "reports" if CHECKOUT else Path("reports")
# Missing articles listed per goal and Wikipedia (gaps.csv and the pages; coverage stays exact):
# `--gaps-per-wiki` and the on-wiki `rows`.
DEFAULT_GAPS_PER_WIKI = 200


def default_contact() -> str | None:
    """The contact sent to live services when ``--contact`` is not given."""
    return os.environ.get("SDG_GAPS_CONTACT")


def parse_languages(text: str | None) -> tuple[str, ...] | None:
    """``"fr, sw"`` → ``("fr", "sw")``; validation against the Wikipedias happens later."""
    if text is None or not text.strip():
        return None
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise UsageError("--languages needs at least one language code, e.g. --languages fr,sw")
    return tuple(dict.fromkeys(codes))


def positive_int(text: str, option: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise UsageError(f"{option} needs a whole number of at least 1, got {text!r}")
    return value
