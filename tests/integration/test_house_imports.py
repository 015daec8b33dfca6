"""The report package is a front door: a fresh interpreter that imports ``bot.report.escape``
loads no page builder (and so no pandas).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def test_a_light_module_of_the_report_package_does_not_load_pandas():
    """``bot.report`` is a front door: importing ``bot.report.escape`` loads no page builder."""
    code = "import sys, bot.report.escape; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=BOT.parent, check=True)
    assert done.stdout.strip() == "False"
