"""An on-disk cache of answers, keyed by (endpoint URL, query text), with a max age.

A re-run within the max age sends no query: :class:`bot.sparql.HttpEndpoint` asks the cache
first and stores every answer that parsed whole (never an error, never a truncated answer).
:mod:`bot.pageviews` keeps its answers here too, keyed by the request's URL and an empty query.
Entries are the raw answer bytes (gzip) and a small JSON record of what was asked; they are
parsed again on use, so a cached answer goes through exactly the checks a fresh one does and
nothing executable is ever read back. The embedded store is never cached.

Layout: ``DIR/ab/abcdef….json`` (url, query, content type, time fetched) next to
``DIR/ab/abcdef….body.gz``. Writes go to a temporary file first and are renamed into place, so
a run interrupted mid-write leaves no half entry. A folder that cannot be written turns the
cache's writes off for the rest of the run, with one warning line saying so (the run goes on;
reads still answer from whatever the folder holds).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot import TOOL_NAME
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


def warn_on_stderr(message: str) -> None:
    """A warning as the command line prints it: one line on stderr."""
    print(f"{TOOL_NAME}: warning: {message}", file=sys.stderr)


class QueryCache:
    """Answers by (endpoint URL, query text), each good for *max_age* seconds.

    *warn* is told, once, when the folder cannot be written (default: a line on stderr).
    """

    def __init__(
        self,
        directory: Path,
        max_age: float = DEFAULT_MAX_AGE,
        *,
        clock: Callable[[], float] = time.time,
        warn: Callable[[str], None] = warn_on_stderr,
    ):
        self.directory = Path(directory)
        self.max_age = max_age
        self.clock = clock
        self.warn = warn
        self.hits = 0
        self.stored = 0
        self.write_error: str | None = None  # why writing stopped, once it has

    def describe(self) -> dict:
        described = {"max_age_s": self.max_age, "hits": self.hits, "stored": self.stored}
        if self.write_error is not None:
            described["write_error"] = self.write_error
        return described

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
        """Store an answer that parsed whole. The first write that fails turns writing off
        for the rest of the run and is reported once through :attr:`warn`."""
        if self.max_age <= 0 or self.write_error is not None:
            return
        meta_path, body_path = self._paths(url, query)
        meta = {"url": url, "query": query, "content_type": content_type, "fetched": self.clock()}
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(body_path, gzip.compress(body, compresslevel=5, mtime=0))
            _write_atomic(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            self.write_error = f"{exc.strerror or exc}: {exc.filename or self.directory}"
            self.warn(
                f"the answer cache {self.directory} cannot be written ({self.write_error}); "
                "answers are not cached in this run"
            )
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
