"""The committed fixtures (tests/fixtures/) are what scripts/refresh_fixtures.py makes from the
shared data folder, and its -check says which file differs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "refresh_fixtures.py"
EDITED = "topics/climate_change_25langs/climate_items.tsv"  # a file copied whole


def refresh(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=300)


def _linked_copy(shared: Path, tmp_path: Path, edited: str) -> Path:
    """A data folder of links to the shared one's files, but for *edited*: a copy, one line
    shorter."""
    root = tmp_path / "data"
    for path in sorted(shared.rglob("*")):
        if path.is_file():
            rel = path.relative_to(shared).as_posix()
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel == edited:
                lines = path.read_bytes().splitlines(keepends=True)
                target.write_bytes(b"".join(lines[:-1]))
            else:
                target.symlink_to(path)
    return root


def test_committed_fixtures_are_what_the_script_makes_from_the_shared_data(maintainers_data,
                                                                          tmp_path):
    done = refresh("--check")
    assert done.returncode == 0, "rebuild with scripts/refresh_fixtures.py:\n" + done.stdout
    assert done.stdout == ""
    # and the check can fail: one line, naming the one file that would change
    other = refresh("-check", f"-data:{_linked_copy(maintainers_data, tmp_path, EDITED)}")
    assert other.returncode == 1
    [line] = other.stdout.splitlines()
    assert line.startswith(f"differs  tests/fixtures/{EDITED} ")


def test_help_is_the_docstring_and_an_absent_data_folder_is_one_line(tmp_path):
    done = refresh("-help")
    assert done.returncode == 0
    assert done.stdout.startswith("Rebuild tests/fixtures/ from the shared data folder")
    absent = refresh("--check", f"--data={tmp_path / 'absent'}")
    assert absent.returncode == 2 and absent.stdout == ""
    assert len(absent.stderr.strip().splitlines()) == 1
    assert "absent" in absent.stderr
    bad = refresh("-nosuchoption")
    assert bad.returncode == 2 and "unknown option" in bad.stderr
