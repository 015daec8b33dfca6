"""Opening the bundled snapshot: check it against its manifest, read its tables.

:func:`open_snapshot` checks a snapshot directory against its manifest (format, the SHA-256 of
every data file, that each gzip file decompresses) and returns a :class:`Snapshot`, which
describes the item sets and reads the side tables: the page sizes of the climate articles
(:meth:`Snapshot.pagesizes`) and the English Wikipedia page views of the Uganda items
(:meth:`Snapshot.pageviews`). The table of Wikipedias is read by its one reader,
:func:`bot.languages.read_table`. Running SPARQL over the triples is not done here: the query
engine loads :attr:`Snapshot.ntriples_path` itself. Every problem raises
:class:`bot.errors.SnapshotError` with one line naming the path.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.errors import SnapshotError
from bot.snapshot.rdf import one_line, sha256

FORMAT = 1
BUILT_BY = "scripts/build_snapshot.py"
NTRIPLES_FILE = "wikidata.nt.gz"
PAGESIZES_FILE = "pagesizes.tsv.gz"
PAGEVIEWS_FILE = "pageviews.tsv.gz"
MANIFEST_FILE = "manifest.json"
DATA_FILES = (NTRIPLES_FILE, PAGESIZES_FILE, PAGEVIEWS_FILE)
PAGESIZES_COLUMNS = ("qid", "wiki", "pagesize_bytes")
PAGEVIEWS_COLUMNS = ("qid", "wiki", "views")


def default_snapshot_dir() -> Path:
    """The snapshot bundled with the package, ``bot/data/snapshot``."""
    return Path(__file__).resolve().parents[1] / "data" / "snapshot"


@dataclass(frozen=True)
class ItemSetInfo:
    """One item set of the snapshot, as its manifest describes it.

    ``pinned`` is the path of its QID list relative to the repository root; ``observed_wikis``
    are the dbnames the source looked at (a wiki missing from it was not looked at, which is not
    the same as having no articles), and ``observed_check`` says how that was checked.
    ``titles`` is false when the source gives the set's sitelinks without their titles (the
    articles exist; their names are unknown). ``classes`` are the P31 classes (QID, English
    label as the source gives it) that select the set's items from a larger source.
    """

    id: str
    goal: int
    targets: tuple[str, ...]
    title: str
    description: str
    pinned: str
    items: int
    sitelinks: int
    observed_wikis: tuple[str, ...]
    source: dict
    data_date: str
    observed_check: str = ""
    titles: bool = True
    classes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """A snapshot directory whose files were checked against its manifest.

    Use :func:`open_snapshot` to get one. ``goal_qids`` maps goal numbers 1–17 to the Wikidata
    items the UN matches them to.
    """

    directory: Path
    manifest: dict
    itemsets: tuple[ItemSetInfo, ...]
    goal_qids: dict[int, str]

    @property
    def ntriples_path(self) -> Path:
        """The gzip-compressed N-Triples file, for the SPARQL engine to load."""
        return self.directory / NTRIPLES_FILE

    def pagesizes(self) -> pd.DataFrame:
        """Known page sizes: columns ``qid``, ``wiki`` (str) and ``pagesize_bytes`` (int64)."""
        return self._table(PAGESIZES_FILE, PAGESIZES_COLUMNS, "page sizes")

    def pageviews(self) -> pd.DataFrame:
        """Known page views: columns ``qid``, ``wiki`` (str) and ``views`` (int64).

        ``views`` is the number of views of the item's article in ``wiki`` over the period the
        manifest's ``pageviews_source`` names (the Uganda set: English Wikipedia, six months).
        Only measured, positive counts are listed: an article without a row is unknown, not
        unread.
        """
        return self._table(PAGEVIEWS_FILE, PAGEVIEWS_COLUMNS, "page views")

    def _table(self, name: str, columns: tuple[str, str, str], what: str) -> pd.DataFrame:
        path = self.directory / name
        try:
            frame = pd.read_csv(
                path,
                sep="\t",
                compression="gzip",
                dtype={columns[0]: "str", columns[1]: "str", columns[2]: "int64"},
                keep_default_na=False,
            )
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            raise SnapshotError(f"{path}: cannot read {what}: {one_line(exc)}") from exc
        if tuple(frame.columns) != columns:
            raise SnapshotError(f"{path}: expected columns {', '.join(columns)}")
        return frame

    def describe(self) -> dict:
        """Provenance of the snapshot as a JSON-ready dict (for ``summary.json``).

        It names no local path: ``bundled`` says whether this is the packaged snapshot, and
        ``manifest_sha256`` identifies the exact snapshot.
        """
        manifest_bytes = (self.directory / MANIFEST_FILE).read_bytes()
        try:
            bundled = self.directory.resolve() == default_snapshot_dir().resolve()
        except OSError:
            bundled = False
        return {
            "format": self.manifest["format"],
            "bundled": bundled,
            "manifest_sha256": sha256(manifest_bytes),
            "triples": self.manifest["triples"],
            "itemsets": [
                {
                    "id": info.id,
                    "goal": info.goal,
                    "targets": list(info.targets),
                    "title": info.title,
                    "items": info.items,
                    "sitelinks": info.sitelinks,
                    "observed_wikis": list(info.observed_wikis),
                    "data_date": info.data_date,
                    "source": dict(info.source),
                }
                for info in self.itemsets
            ],
            "goals_source": dict(self.manifest.get("goals_source", {})),
            "pagesizes_source": dict(self.manifest.get("pagesizes_source", {})),
            "pageviews_source": dict(self.manifest.get("pageviews_source", {})),
            "wikipedias_source": dict(self.manifest.get("wikipedias_source", {})),
        }


def open_snapshot(directory: Path | None = None) -> Snapshot:
    """Open and verify a snapshot directory (the bundled one by default).

    Checks that the manifest is valid JSON of a known format, that every data file it lists
    exists with the recorded SHA-256 and decompresses. Any problem raises
    :class:`SnapshotError` naming the path.
    """
    directory = Path(directory) if directory is not None else default_snapshot_dir()
    if not directory.is_dir():
        raise SnapshotError(f"snapshot directory not found: {directory}")
    manifest_path = directory / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SnapshotError(f"{manifest_path}: cannot read the manifest: {one_line(exc)}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotError(f"{manifest_path}: not a format-{FORMAT} snapshot manifest")
    files = manifest.get("files")
    if not isinstance(files, dict) or set(DATA_FILES) - set(files):
        raise SnapshotError(f"{manifest_path}: the manifest does not list {', '.join(DATA_FILES)}")
    for name, expected in sorted(files.items()):
        _verify_file(directory / name, expected)
    try:
        itemsets = tuple(_itemset_info(s) for s in manifest["itemsets"])
        goal_qids = {int(g["goal"]): str(g["qid"]) for g in manifest["goals"]}
        int(manifest["triples"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{manifest_path}: malformed manifest: {one_line(exc)}") from exc
    return Snapshot(directory=directory, manifest=manifest, itemsets=itemsets, goal_qids=goal_qids)


def _itemset_info(s: dict) -> ItemSetInfo:
    titles = s.get("titles", True)
    if not isinstance(titles, bool):
        raise TypeError(f"item set {s.get('id')!r}: 'titles' is not true or false")
    return ItemSetInfo(
        id=str(s["id"]),
        goal=int(s["goal"]),
        targets=tuple(str(t) for t in s["targets"]),
        title=str(s["title"]),
        description=str(s["description"]),
        pinned=str(s["pinned"]),
        items=int(s["items"]),
        sitelinks=int(s["sitelinks"]),
        observed_wikis=tuple(str(w) for w in s["observed_wikis"]),
        source=dict(s["source"]),
        data_date=str(s["data_date"]),
        observed_check=str(s.get("observed_check", "")),
        titles=titles,
        classes=tuple((str(c["qid"]), str(c["label"])) for c in s.get("classes", ())),
    )


def _verify_file(path: Path, expected: object) -> None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SnapshotError(
            f"{path}: missing or unreadable snapshot file: {one_line(exc)}"
        ) from exc
    if sha256(data) != expected:
        raise SnapshotError(f"{path}: checksum does not match the manifest")
    if path.name.endswith(".gz"):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                while gz.read(1 << 20):
                    pass
        except (OSError, EOFError, zlib.error) as exc:
            raise SnapshotError(f"{path}: not a readable gzip file: {one_line(exc)}") from exc

