"""The snapshot builder's own completeness checks refuse a source that does not agree with
itself: each test edits one file of a copy of the whole ``../shared/data`` folder and builds.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from bot.errors import SnapshotError
from bot.snapshot import build_snapshot

# --------------------------------------------------------------------------------------------
# The builder's checks refuse a source that disagrees with itself


def _copy_with(shared: Path, tmp_path: Path, rel: str, edit) -> Path:
    """A source folder like *shared*, where only the file *rel* is edited (its folder is
    copied; everything else is linked)."""
    root = tmp_path / "data"
    folder = (shared / rel).parent
    for entry in shared.iterdir():
        if entry.name != "topics":
            (root / entry.name).parent.mkdir(parents=True, exist_ok=True)
            (root / entry.name).symlink_to(entry)
    for entry in (shared / "topics").iterdir():
        target = root / "topics" / entry.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if entry == folder:
            shutil.copytree(entry, target)
        else:
            target.symlink_to(entry)
    path = root / rel
    path.chmod(0o644)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        text = handle.read()
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(edit(text))
    return root


def _build(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_snapshot(source, out / "snapshot", out / "pinned", out / "wikipedias.tsv")


def test_a_wiki_whose_counts_disagree_with_the_source_is_refused(maintainers_data, tmp_path):
    source = _copy_with(
        maintainers_data, tmp_path, "topics/uganda_content_gap/ug_coverage_by_language.csv",
        lambda text: text.replace("\nlg,3592,", "\nlg,3593,"))
    with pytest.raises(SnapshotError, match="lgwiki cannot be claimed observed"):
        _build(source, tmp_path)


def test_an_incomplete_humaniki_extract_is_refused(maintainers_data, tmp_path):
    source = _copy_with(
        maintainers_data, tmp_path, "topics/humaniki_denelezh/denelezh_human_sitelink_500.tsv",
        lambda text: text.replace("\n320\tfrwiki\n", "\n", 1))
    with pytest.raises(SnapshotError, match="Q320 counts .* the extract is not complete"):
        _build(source, tmp_path)


def test_a_nominatim_cut_without_an_article_the_dump_has_is_refused(maintainers_data, tmp_path):
    def drop_rhine_in_german(text: str) -> str:
        lines = text.splitlines(keepends=True)
        kept = [line for line in lines
                if not (line.startswith("de\ta\t") and line.rstrip("\r\n").endswith("\tQ584"))]
        assert len(kept) == len(lines) - 1
        return "".join(kept)

    source = _copy_with(
        maintainers_data, tmp_path, "topics/nominatim_places/wikimedia-importance.csv.gz",
        drop_rhine_in_german)
    with pytest.raises(SnapshotError, match="Q584 has articles in de that the Nominatim cut"):
        _build(source, tmp_path)
