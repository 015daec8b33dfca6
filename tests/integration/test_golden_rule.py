"""The golden rule (tests/golden.py): a run that rewrites golden files is never green.

The golden tests of the report pages, the generated SPARQL and the partition queries run in a
pytest of their own against a copy of tests/golden/ (``SDG_GAPS_GOLDEN_DIR``; the committed
files are never written here): with ``SDG_GAPS_UPDATE_GOLDEN=1`` every one of them writes its
file and fails, naming it; the copy they wrote is what the code makes, so it is byte for byte
the committed folder; and without the variable the same tests compare, and pass.
"""

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "tests" / "golden"
FILES = [
    "tests/unit/test_report_golden.py", "tests/unit/test_queries_golden.py",
    "tests/unit/test_partitioning.py",
]


def golden_tests(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "-k", "matches_golden", *FILES],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def same_tree(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only:
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    return not mismatch and not errors and all(
        same_tree(left / name, right / name) for name in compared.common_dirs
    )


def test_rewriting_golden_files_fails_every_golden_test_and_comparing_passes(tmp_path):
    copy = tmp_path / "golden"
    shutil.copytree(COMMITTED, copy)
    (copy / "sparql" / "sitelinks.rq").write_text("stale\n", encoding="utf-8")
    (copy / "report-summary-en.wiki").unlink()
    env = {**os.environ, "SDG_GAPS_GOLDEN_DIR": str(copy)}

    stale = golden_tests(env)
    assert stale.returncode == 1
    assert "sitelinks.rq differs from its golden file" in stale.stdout
    assert "no golden file report-summary-en.wiki" in stale.stdout

    rewrite = golden_tests({**env, "SDG_GAPS_UPDATE_GOLDEN": "1"})
    assert rewrite.returncode == 1
    expected = sum(1 for path in COMMITTED.rglob("*") if path.is_file())
    assert f"{expected} failed" in rewrite.stdout and "passed" not in rewrite.stdout
    assert "golden file sparql/sitelinks.rq rewritten" in rewrite.stdout
    assert "golden file report-summary-en.wiki written" in rewrite.stdout
    assert "golden file partition/threatened-Q1000-Q1999.rq unchanged" in rewrite.stdout
    assert same_tree(copy, COMMITTED)

    compare = golden_tests(env)
    assert compare.returncode == 0, compare.stdout
    assert f"{expected} passed" in compare.stdout
