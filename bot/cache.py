"""An on-disk cache of SPARQL answers, keyed by (endpoint URL, query text), with a max age.

A re-run within the max age sends no query: :class:`bot.sparql.HttpEndpoint` asks the cache
first and stores every answer that parsed whole (never an error, never a truncated answer).
Entries are the raw answer bytes (gzip) and a small JSON record of what was asked; they are
parsed again on use, so a cached answer goes through exactly the checks a fresh one does and
nothing executable is ever read back. The embedded store is never cached.

Layout: ``DIR/ab/abcdef….json`` (url, query, content type, time fetched) next to
``DIR/ab/abcdef….body.gz``. Writes go to a temporary file first and are renamed into place, so
a run interrupted mid-write leaves no half entry.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.errors import UsageError

DEFAULT_MAX_AGE = 86_400.0  # one day

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


def default_cache_dir() -> Path:
    """``$SDG_GAPS_CACHE_DIR``, else ``$XDG_CACHE_HOME/sdg-gaps/sparql``, else ``~/.cache/…``."""
    if os.environ.get("SDG_GAPS_CACHE_DIR"):
        return Path(os.environ["SDG_GAPS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sdg-gaps" / "sparql"


def parse_age(text: str) -> float:
    """``"90"``, ``"90s"``, ``"30m"``, ``"6h"``, ``"1d"`` → seconds (0 turns the cache off)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text or "")
    if not match:
        raise UsageError(f"--max-age needs a duration such as 3600, 30m, 6h or 1d, got {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


class QueryCache:
    """Answers by (endpoint URL, query text), each good for *max_age* seconds."""

    def __init__(
        self,
        directory: Path,
        max_age: float = DEFAULT_MAX_AGE,
        *,
        clock: Callable[[], float] = time.time,
    ):
        self.directory = Path(directory)
        self.max_age = max_age
        self.clock = clock
        self.hits = 0
        self.stored = 0

    def describe(self) -> dict:
        return {"max_age_s": self.max_age, "hits": self.hits, "stored": self.stored}

    @staticmethod
    def key(url: str, query: str) -> str:
        return hashlib.sha256(f"{url}\n{query}".encode()).hexdigest()

    def _paths(self, url: str, query: str) -> tuple[Path, Path]:
        key = self.key(url, query)
        folder = self.directory / key[:2]
        return folder / f"{key}.json", folder / f"{key}.body.gz"

    def get(self, url: str, query: str) -> tuple[bytes, str] | None:
        """The stored answer ``(body, content type)`` if it is younger than the max age."""
        if self.max_age <= 0:
            return None
        meta_path, body_path = self._paths(url, query)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("url") != url or meta.get("query") != query:
                return None
            if self.clock() - float(meta["fetched"]) > self.max_age:
                return None
            body = gzip.decompress(body_path.read_bytes())
        except (OSError, ValueError, KeyError, TypeError, EOFError, gzip.BadGzipFile):
            return None
        self.hits += 1
        return body, str(meta.get("content_type", ""))

    def put(self, url: str, query: str, body: bytes, content_type: str) -> None:
        """Store an answer that parsed whole. A cache that cannot be written is skipped."""
        if self.max_age <= 0:
            return
        meta_path, body_path = self._paths(url, query)
        meta = {"url": url, "query": query, "content_type": content_type, "fetched": self.clock()}
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(body_path, gzip.compress(body, compresslevel=5, mtime=0))
            _write_atomic(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        except OSError:
            return
        self.stored += 1


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
