"""The maintainers' source folder, ``../shared/data``, for the checks that rebuild from it.

The tests read only what is committed (``tests/fixtures/``, the bundled snapshot, the catalogue
tables). A few checks go further and rebuild those from the sources they were made from (the
snapshot, the catalogue tables, the trimmed fixtures): they ask for the ``maintainers_data``
fixture, which gives the folder's path or, on a clone without it, skips them all from this
one line, so the skip summary says so once.
"""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
ABSENT = (f"the maintainers' source folder {SHARED} is absent: the rebuild-from-sources "
          "checks need it")


@pytest.fixture(scope="session")
def maintainers_data() -> Path:
    """``../shared/data``, or a skip (one reason, one line) when this clone has none beside it."""
    if not SHARED.is_dir():
        pytest.skip(ABSENT)
    return SHARED
