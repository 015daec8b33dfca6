"""The configuration of one run, validated into a typed object.

Options come from the command line (or, later, from an on-wiki configuration page); whatever
their origin, they end up in a :class:`RunConfig`, and everything past this module trusts it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import UsageError
from bot.ids import parse_goals  # noqa: F401  (the one grammar; re-exported for the CLI)

REPORTS_DIR = Path(__file__).resolve().parents[1] / "reports"


@dataclass(frozen=True)
class RunConfig:
    endpoint: str = "embedded"  # embedded | wdqs | qlever | an http(s) URL
    goals: tuple[int, ...] | None = None  # None: every goal the endpoint can serve
    languages: tuple[str, ...] | None = None  # None: every observed Wikipedia
    out: Path | None = None  # None: a new directory under reports/
    contact: str | None = field(default_factory=lambda: os.environ.get("SDG_GAPS_CONTACT"))
    batch_size: int = 400
    page_rows: int = 200  # gap rows per goal on a language page
    snapshot: Path | None = None  # None: the bundled snapshot
    progress: bool = True
    # True when the endpoint serves the bundled snapshot (as the embedded store does, or an
    # `oxigraph serve` loaded with it); None: decide by the endpoint (embedded or live).
    snapshot_data: bool | None = None
    # Ids of organizers' own item sets (from --itemsets files), always analysed.
    extra_itemsets: tuple[str, ...] = ()


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
