"""The lock of scheduled runs: one run at a time per history file.

:class:`RunLock` takes ``fcntl.flock`` on ``<history>.lock``, next to the history file
(:func:`lock_path`): a second run started while one is going fails at once with
:class:`bot.errors.LockBusy`, or waits for it. The operating system releases the lock when a
process dies, however it dies, so a killed run never blocks the next; the lock file carries the
holder's process id while it runs, so the next holder knows that the previous run did not
finish (:attr:`RunLock.previous`).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import LockBusy

LOCK_SUFFIX = ".lock"


class RunLock:
    """An exclusive lock on a file (``fcntl.flock``), held for the whole run.

    The file keeps the holder's process id and start time while it runs, and is emptied when
    the run ends normally; a lock file found non-empty by the next holder therefore tells that
    the previous run did not finish (:attr:`previous`).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None
        self.previous: dict | None = None

    def acquire(self, wait: float | None = None, *, poll: float = 0.2) -> None:
        """Take the lock; without *wait* fail at once with :class:`LockBusy`, else wait up to
        *wait* seconds for the holder to finish."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    os.close(fd)
                    raise
                if deadline is None or time.monotonic() >= deadline:
                    holder = describe_holder(_read_info(fd))
                    os.close(fd)
                    waited = "" if wait is None else f" after waiting {wait:g} s"
                    hint = " Pass --wait-lock to wait for it." if wait is None else ""
                    raise LockBusy(
                        f"another sdg-gaps run holds the lock {self.path}{holder}; this run "
                        f"stops{waited} and changes nothing.{hint}"
                    ) from None
                time.sleep(poll)
        previous = _read_info(fd)
        self.previous = previous or None
        info = {"pid": os.getpid(), "started": utc_now().isoformat(), "argv": sys.argv[1:4]}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_path(history_path: Path) -> Path:
    return Path(str(history_path) + LOCK_SUFFIX)


def _read_info(fd: int) -> dict:
    try:
        data = os.pread(fd, 4096, 0)
        return json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {"pid": "?", "started": "?"}


def describe_holder(info: dict) -> str:
    """The holder recorded in a lock file, as a parenthesis for a message ("" if none)."""
    if not info:
        return ""
    return f" (process {info.get('pid', '?')}, started {info.get('started', '?')})"


def utc_now() -> datetime:
    """Now, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)

