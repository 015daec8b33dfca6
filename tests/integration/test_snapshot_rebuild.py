"""The bundled snapshot rebuilt from the maintainers' ``../shared/data``: the build is
deterministic and gives the committed bundle byte for byte.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from bot.snapshot import (
    build_snapshot,
)

REPO = Path(__file__).resolve().parents[2]

BUNDLE = REPO / "bot" / "data" / "snapshot"

PINNED = REPO / "queries" / "pinned"

WIKIPEDIAS = REPO / "bot" / "data" / "wikipedias.tsv"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _build(source: Path, target: Path) -> Path:
    build_snapshot(source, target / "snapshot", target / "pinned", target / "wikipedias.tsv")
    return target


@pytest.fixture(scope="module")
def built_twice(tmp_path_factory, maintainers_data):
    return (_build(maintainers_data, tmp_path_factory.mktemp("a")),
            _build(maintainers_data, tmp_path_factory.mktemp("b")))


def test_build_is_deterministic(built_twice):
    first, second = built_twice
    assert _tree(first) == _tree(second)


def test_committed_bundle_is_reproducible(built_twice):
    built = built_twice[0]
    hint = f"rebuild with scripts/build_snapshot.py (zlib {zlib.ZLIB_RUNTIME_VERSION})"
    assert _tree(built / "snapshot") == _tree(BUNDLE), hint
    assert _tree(built / "pinned") == _tree(PINNED), hint
    assert (built / "wikipedias.tsv").read_bytes() == WIKIPEDIAS.read_bytes(), hint
