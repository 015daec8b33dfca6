"""The package installed as users install it: ``pip install .`` (not editable), then
``sdg-gaps run`` and ``sdg-gaps catalogue list`` from another directory.

The checkout is copied (its ``bot/queries`` link kept a link, so the wheel carries the
top-level ``queries/`` inside the package), built and installed into a target folder with the
test environment's own setuptools (no download: tests never reach the internet), and run with
that folder first on the path, from a directory that is not the checkout. The installed run's
coverage.csv must be the checkout run's, byte for byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KEEP_OUT = shutil.ignore_patterns(".git", ".venv", "reports", "tests", "bench", "build",
                                  "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache")


def run(args, cwd, env=None, timeout=600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_pip_install_then_run_from_elsewhere_writes_the_checkouts_coverage(tmp_path):
    clone, target, elsewhere = tmp_path / "clone", tmp_path / "site", tmp_path / "elsewhere"
    shutil.copytree(REPO, clone, symlinks=True, ignore=KEEP_OUT)
    elsewhere.mkdir()
    run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--no-build-isolation", "--target", str(target), str(clone)], cwd=tmp_path)
    shutil.rmtree(clone)  # nothing may point back at the source tree
    installed = target / "bot"
    assert (installed / "queries" / "sdg" / "goals.tsv").is_file()
    assert not (installed / "queries").is_symlink()
    env = {**os.environ, "PYTHONPATH": str(target)}
    where = run([sys.executable, "-c", "import bot; print(bot.__file__)"], elsewhere, env)
    assert Path(where.stdout.strip()).is_relative_to(target)

    run([sys.executable, "-m", "bot", "run", "--out", str(tmp_path / "installed"),
         "--no-history", "--quiet"], elsewhere, env)
    listed = run([sys.executable, "-m", "bot", "catalogue", "list"], elsewhere, env)
    assert listed.stdout.startswith("SDG catalogue: 17 goals")
    run([sys.executable, "-m", "bot", "run", "--out", str(tmp_path / "checkout"),
         "--no-history", "--quiet"], REPO)
    assert (tmp_path / "installed" / "coverage.csv").read_bytes() == (
        tmp_path / "checkout" / "coverage.csv").read_bytes()
    assert not (elsewhere / "reports").exists()  # --out was given; nothing else written here
