"""Golden files (tests/golden/): the exact text a test expects, compared — or rewritten.

With ``SDG_GAPS_UPDATE_GOLDEN=1`` every golden test writes its file and then fails, saying which
file it wrote and whether it changed: a run that rewrites golden files is never a green run, so
a rewritten file cannot pass unreviewed. Review the diff, then run the tests again without it.

``SDG_GAPS_GOLDEN_DIR`` points the tests at another copy of the folder (the test of this rule
rewrites a copy, never the committed files).
"""

import os
from pathlib import Path

import pytest

UPDATE = "SDG_GAPS_UPDATE_GOLDEN"


def golden_dir() -> Path:
    return Path(os.environ.get("SDG_GAPS_GOLDEN_DIR") or Path(__file__).parent / "golden")


def check_golden(name: str, text: str) -> None:
    """Compare *text* with the golden file *name*; with SDG_GAPS_UPDATE_GOLDEN set, write it
    and fail."""
    path = golden_dir() / name
    if os.environ.get(UPDATE):
        before = path.read_text(encoding="utf-8") if path.is_file() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        what = "unchanged" if before == text else ("written" if before is None else "rewritten")
        pytest.fail(f"{UPDATE} is set: golden file {name} {what}; review the diff, then run "
                    f"the tests again without {UPDATE}", pytrace=False)
    assert path.is_file(), f"no golden file {name}: write it with {UPDATE}=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"
