"""The package installed as users install it: ``pip install .`` (not editable) into a fresh
virtual environment, then ``sdg-gaps run`` and ``sdg-gaps catalogue list`` from another
directory.

The checkout is copied (its ``bot/queries`` link kept a link, so the wheel carries the
top-level ``queries/`` inside the package) and installed into the fresh environment (made
without pip; the test environment's pip installs into it with ``--python``). Tests never reach
the internet, so the fresh environment finds the dependencies (pandas, pywikibot,
pyoxigraph…) and the build backend in the test environment's site-packages, added
by a ``.pth`` line *after* its own (which puts the test environment's editable install of
``bot`` out of sight: a path line does not run the ``.pth`` files beside it). The copy is
deleted before the run, and the run's coverage.csv must be the checkout run's, byte for byte.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KEEP_OUT = shutil.ignore_patterns(".git", ".venv", "reports", "tests", "bench", "build",
                                  "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache")


PURELIB = "import sysconfig; print(sysconfig.get_paths()['purelib'])"


def run(args, cwd, env=None, timeout=600):
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_pip_install_into_a_fresh_venv_then_run_from_elsewhere_writes_the_checkouts_coverage(
        tmp_path):
    clone, venv, elsewhere = tmp_path / "clone", tmp_path / "venv", tmp_path / "elsewhere"
    shutil.copytree(REPO, clone, symlinks=True, ignore=KEEP_OUT)
    elsewhere.mkdir()
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python, command = venv / "bin" / "python", venv / "bin" / "sdg-gaps"
    own = run([str(python), "-c", PURELIB], cwd=tmp_path).stdout.strip()
    Path(own, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--disable-pip-version-check", "--no-index", "--no-deps", "--no-build-isolation",
         str(clone)], cwd=tmp_path)
    shutil.rmtree(clone)  # nothing may point back at the source tree
    installed = Path(own) / "bot"
    assert (installed / "queries" / "sdg" / "goals.tsv").is_file()
    assert not (installed / "queries").is_symlink()
    where = run([str(python), "-c", "import bot; print(bot.__file__)"], elsewhere)
    assert Path(where.stdout.strip()).is_relative_to(installed)

    run([str(command), "run", "--out", str(tmp_path / "installed"), "--no-history", "--quiet"],
        elsewhere)
    listed = run([str(command), "catalogue", "list"], elsewhere)
    assert listed.stdout.startswith("SDG catalogue: 17 goals")
    run([sys.executable, "-m", "bot", "run", "--out", str(tmp_path / "checkout"),
         "--no-history", "--quiet"], REPO)
    assert (tmp_path / "installed" / "coverage.csv").read_bytes() == (
        tmp_path / "checkout" / "coverage.csv").read_bytes()
    assert not (elsewhere / "reports").exists()  # --out was given; nothing else written here
