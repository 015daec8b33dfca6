"""The maintainers' source folder, ``../shared/data``, for the checks that rebuild from it.

The tests read only what is committed (``tests/fixtures/``, the bundled snapshot, the catalogue
tables). A few checks go further and rebuild those from the sources they were made from (the
snapshot, the catalogue tables, the trimmed fixtures): they ask for the ``maintainers_data``
fixture. On a clone without the folder beside it they are not run, and the run says so in one
line, at the end of the run: ``rebuild-from-sources checks not run: …``.
"""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
FIXTURE = "maintainers_data"


ABSENT = (f"rebuild-from-sources checks not run: the maintainers' source folder {SHARED} "
          "is absent (they rebuild committed data from it)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED.is_dir():
        return
    left_out = [item for item in items if FIXTURE in getattr(item, "fixturenames", ())]
    if left_out:
        items[:] = [item for item in items if item not in left_out]
        config.hook.pytest_deselected(items=left_out)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    """Printed by the process that reports (the controller, under xdist)."""
    if not SHARED.is_dir():
        terminalreporter.write_line(ABSENT)


@pytest.fixture(scope="session")
def maintainers_data() -> Path:
    """``../shared/data`` (a test asking for it is not collected on a clone without it)."""
    if not SHARED.is_dir():  # only when collection was bypassed
        pytest.fail(ABSENT)
    return SHARED
