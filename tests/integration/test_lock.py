"""The run lock: one run at a time; a second one exits with a clear message or waits; a lock
left by a killed process is no obstacle (the operating system released it)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.schedule import LockBusy, RunLock, lock_path

REPO = Path(__file__).resolve().parents[2]

HOLD = r"""
import sys, time
from pathlib import Path
from bot.schedule import RunLock
lock = RunLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""


def hold(path: Path, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)], cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_run_is_refused_with_the_holder_named(tmp_path):
    path = lock_path(tmp_path / "history.sqlite")
    holder = hold(path, 30)
    try:
        with pytest.raises(LockBusy) as refused:
            RunLock(path).acquire()
        message = str(refused.value)
        assert f"process {holder.pid}" in message and "started 20" in message
        assert "this run stops and changes nothing" in message and "--wait-lock" in message
        assert refused.value.exit_code == 75
        clock = time.monotonic()
        with pytest.raises(LockBusy, match="after waiting 0.5 s"):
            RunLock(path).acquire(wait=0.5)
        assert time.monotonic() - clock >= 0.5
    finally:
        holder.kill()
        holder.wait()


def test_a_waiting_run_goes_on_when_the_holder_ends(tmp_path):
    path = lock_path(tmp_path / "history.sqlite")
    holder = hold(path, 1.0)
    lock = RunLock(path)
    clock = time.monotonic()
    lock.acquire(wait=30)
    try:
        assert time.monotonic() - clock > 0.3
        assert lock.previous is None  # the holder finished normally
        assert json.loads(path.read_text())["pid"] == os.getpid()
    finally:
        lock.release()
        holder.wait()
    assert path.read_text() == ""


def test_a_lock_left_by_a_killed_run_is_taken_over_and_reported(tmp_path):
    path = lock_path(tmp_path / "history.sqlite")
    holder = hold(path, 60)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    lock = RunLock(path)
    lock.acquire()  # no wait needed: the kernel released the dead process's lock
    try:
        assert lock.previous["pid"] == holder.pid
    finally:
        lock.release()


def test_the_command_exits_75_while_the_lock_is_held(tmp_path):
    history = tmp_path / "history.sqlite"
    holder = hold(lock_path(history), 60)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "schedule", "--config-page", "Project:X",
             "--history", str(history)],
            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
            text=True, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 75
    assert done.stderr.startswith("sdg-gaps: error: another sdg-gaps run holds the lock")
    assert len(done.stderr.strip().splitlines()) == 1
