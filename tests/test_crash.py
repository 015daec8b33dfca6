"""Killing a run at any point leaves the wiki and the history consistent, and the next run
completes.

A real ``sdg-gaps schedule`` (a subprocess, against the real test wiki) is killed with SIGKILL
at delays spread over its whole length — start-up, analysis, posting, recording. After each
kill: SQLite's integrity check passes and the recorded runs are whole (every run has its
coverage, its gap rows match its counts); every page is either its text from before the run or
exactly the text that run meant to write (the body of its report directory between intact
markers) — never a mix. A last run, not killed, completes and says that the one before it did
not finish.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.history import History
from bot.schedule import lock_path
from bot.wiki import between, markers
from tests.derived_snapshot import derive
from tests.test_history_wiki import choose

pytestmark = pytest.mark.wiki

REPO = Path(__file__).resolve().parents[1]
CONFIG = "Project:SDG gaps/Config"
ROOT = "Test Wiki:SDG gaps/Species"
PAGES = {ROOT: "summary", f"{ROOT}/SDG 15": "goal-15", f"{ROOT}/de": "lang-de"}
STATUS = "Test Wiki:SDG gaps/Config/Status"
KILLS = 4


def start(tmp_path, snapshot):
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "schedule", "--config-page", CONFIG,
         "--history", str(tmp_path / "history.sqlite"), "--out-dir", str(tmp_path / "out"),
         "--snapshot", str(snapshot)],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def texts(wiki):
    return {title: wiki.text(title) for title in [*PAGES, STATUS]}


def newest_report(tmp_path, before: set):
    """The report directory the killed run wrote, if it got that far."""
    found = [p for p in (tmp_path / "out").glob("*/run-*") if p not in before]
    return max(found) if found else None


def check_history(path: Path) -> list:
    with History.open(path) as history:
        assert history.check() == []
        runs = history.runs()
        assert all(r.complete and r.wikis == 1 and r.gaps > 0 for r in runs)
        return runs


def check_pages(wiki, old: dict, report_dir: Path | None):
    """Each page: the old text, or the new report whole between intact markers."""
    for title, page_id in PAGES.items():
        text = wiki.text(title)
        if text == old[title]:
            continue
        assert report_dir is not None, f"{title} changed, but no run wrote a report"
        start, end = markers(page_id)
        assert text.count(start) == 1 and text.count(end) == 1, title
        body = (report_dir / "wikitext" / f"{page_id}.wiki").read_text(encoding="utf-8")
        assert between(text, page_id).strip("\n") == body.strip("\n"), title
    status = wiki.text(STATUS)
    if status != old[STATUS]:
        start, end = markers("status")
        assert status.count(start) == 1 and status.count(end) == 1
        assert "== Configuration messages ==" in between(status, "status")


def test_killing_a_run_anywhere_never_corrupts_history_or_pages(wiki, tmp_path):
    de = choose({"de": 4})["de"]
    data = [
        derive(tmp_path / "s0", [(q, "de") for q in de[:2]]),
        derive(tmp_path / "s1", [(q, "de") for q in de[2:]]),
    ]
    wiki.edit(CONFIG, "{{SDG gaps report|page=Project:SDG gaps/Species|goals=15|"
                      "languages=de|every=0|rows=50}}")
    clock = time.monotonic()
    first = start(tmp_path, data[0])
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    length = time.monotonic() - clock
    runs = check_history(tmp_path / "history.sqlite")
    assert len(runs) == 1

    rng = random.Random(int(os.environ.get("SDG_GAPS_CRASH_SEED", "5")))
    # Spread over the whole run, start-up included, with jitter; a few beyond its usual end.
    delays = [length * (i + rng.random()) / KILLS for i in range(KILLS)]
    killed_with_lock = False
    for number, delay in enumerate(delays, 1):
        old = texts(wiki)
        dirs = set((tmp_path / "out").glob("*/run-*"))
        recorded = len(check_history(tmp_path / "history.sqlite"))
        process = start(tmp_path, data[number % 2])
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        runs = check_history(tmp_path / "history.sqlite")
        assert len(runs) in (recorded, recorded + 1), (number, delay)
        written = newest_report(tmp_path, dirs)
        check_pages(wiki, old, written)
        killed_with_lock = bool(lock_path(tmp_path / "history.sqlite").read_text().strip())
        changed = sum(wiki.text(title) != old[title] for title in [*PAGES, STATUS])
        print(f"kill {number} after {delay:.1f} s of a {length:.1f} s run: lock held "
              f"{killed_with_lock}, report written {written is not None}, pages changed "
              f"{changed}, run recorded {len(runs) > recorded}")

    # The next run completes, recovers by itself and says the previous one did not finish.
    old = texts(wiki)
    dirs = set((tmp_path / "out").glob("*/run-*"))
    recorded = len(check_history(tmp_path / "history.sqlite"))
    final = start(tmp_path, data[(KILLS + 1) % 2])
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert "schedule: 1 report(s) (1 done)" in out
    runs = check_history(tmp_path / "history.sqlite")
    assert len(runs) == recorded + 1
    check_pages(wiki, old, newest_report(tmp_path, dirs))
    if killed_with_lock:
        assert "did not finish" in out
        assert "did not finish" in wiki.text(STATUS)
    assert lock_path(tmp_path / "history.sqlite").read_text() == ""


KILL_IN_TRANSACTION = r"""
import sys, time
from pathlib import Path
from bot.history import History
from tests.test_history import small_analysis

class Slow:
    def __init__(self, db):
        self.db = db
    def __getattr__(self, name):
        return getattr(self.db, name)
    def executemany(self, sql, rows):
        result = self.db.executemany(sql, rows)
        if "INSERT INTO gaps" in sql:
            print("inside", flush=True)
            time.sleep(60)
        return result

history = History.open(Path(sys.argv[1]))
history._db = Slow(history._db)
history.record(small_analysis(["Q1", "Q2"], run_id="20261201T000000Z"), series="s")
"""


def test_a_run_killed_inside_its_history_transaction_leaves_no_trace(tmp_path):
    """Not left to chance: the kill lands after the run's rows are written, before COMMIT."""
    from tests.test_history import small_analysis

    path = tmp_path / "history.sqlite"
    with History.open(path) as history:
        history.record(small_analysis(["Q1"], run_id="20261130T000000Z"), series="s")
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_IN_TRANSACTION, str(path)], cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "inside"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert Path(str(path) + "-journal").exists()  # the transaction was really open
    with History.open(path) as history:
        assert history.check() == []
        assert [r.run_id for r in history.runs()] == ["20261130T000000Z"]
        record = history.record(small_analysis(["Q2"], run_id="20261201T000000Z"), series="s")
        assert record.gaps == 1 and len(history.runs()) == 2
