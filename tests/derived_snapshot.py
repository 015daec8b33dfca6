"""Modified copies of the bundled snapshot, for tests that need data to change between runs.

Only deletions: a copy may leave out some of the real sitelinks (every triple of those
articles), never add a fact. The copy's manifest records the new checksum and triple count, so
``open_snapshot`` accepts it exactly like the bundled one. :func:`choose` picks real articles to
leave out.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from bot.snapshot import MANIFEST_FILE, NTRIPLES_FILE, default_snapshot_dir

_ABOUT = "<http://schema.org/about>"
_PART = "<http://schema.org/isPartOf>"
_LINE = re.compile(r"^(<[^>]*>) (<[^>]*>) (.*) \.$")
GOAL_15_PINNED = "queries/pinned/sdg15-eu-invasive-alien-species.txt"


def sitelinks(source: Path | None = None) -> dict[tuple[str, str], str]:
    """Every article of the snapshot: ``(qid, site) → article URL`` (site like
    ``https://fr.wikipedia.org/``)."""
    return dict(_sitelinks(source or default_snapshot_dir()))


@functools.cache
def _sitelinks(source: Path) -> tuple:
    about: dict[str, str] = {}
    part: dict[str, str] = {}
    path = source / NTRIPLES_FILE
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            match = _LINE.match(line.rstrip("\n"))
            if not match:
                continue
            subject, predicate, obj = match.groups()
            if predicate == _ABOUT:
                about[subject] = obj.strip("<>").rsplit("/", 1)[-1]
            elif predicate == _PART:
                part[subject] = obj.strip("<>")
    return tuple(((about[s], part[s]), s) for s in about if s in part)


def derive(target: Path, drop: Iterable[tuple[str, str]], source: Path | None = None) -> Path:
    """Copy the snapshot to *target* without the articles *drop* names: ``(qid, subdomain)``
    pairs such as ``("Q42", "fr")``. Every pair must be a real sitelink of the snapshot."""
    source = source or default_snapshot_dir()
    links = sitelinks(source)
    subjects = set()
    for qid, subdomain in drop:
        site = f"https://{subdomain}.wikipedia.org/"
        if (qid, site) not in links:
            raise ValueError(f"{qid} has no article in {subdomain} in the snapshot")
        subjects.add(links[(qid, site)])
    target.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.name not in (NTRIPLES_FILE, MANIFEST_FILE):
            shutil.copyfile(path, target / path.name)
    kept = []
    with gzip.open(source / NTRIPLES_FILE, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.split(" ", 1)[0] not in subjects:
                kept.append(line)
    data = gzip.compress("".join(kept).encode("utf-8"), mtime=0)
    (target / NTRIPLES_FILE).write_bytes(data)
    manifest = json.loads((source / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["files"][NTRIPLES_FILE] = hashlib.sha256(data).hexdigest()
    manifest["triples"] = len(kept)
    (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return target


def choose(count: dict[str, int]) -> dict[str, list[str]]:
    """Real articles of the goal-15 items, in the order of the pinned list: *count* per wiki
    (a subdomain such as ``"fr"``)."""
    from bot.catalogue import ROOT as REPO
    from bot.catalogue import read_pinned

    links = sitelinks()
    qids = read_pinned(REPO / GOAL_15_PINNED)
    return {
        sub: [q for q in qids if (q, f"https://{sub}.wikipedia.org/") in links][:n]
        for sub, n in count.items()
    }
