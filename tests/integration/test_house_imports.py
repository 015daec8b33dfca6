"""The shape of the package: no import cycle anywhere in bot/, function-level imports included.

Every ``import`` and ``from … import`` statement of every module is read with :mod:`ast`
(wherever it stands: at the top, in a function, under ``TYPE_CHECKING``), resolved to the
``bot`` modules it loads, and the graph is searched for strongly connected components.
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
