"""Killing a run in any phase leaves the wiki and the history consistent, and the next run
completes.

A real ``sdg-gaps schedule`` (a subprocess, against the real test wiki) is killed with SIGKILL in
each phase of its work: with the lock taken, once its report directory is written, while its
pages are being posted (after the first page is saved), and while its history is being written
(after its rows are inserted, before COMMIT). The kill is not left to chance: the child runs
the real command under a small harness that prints a line when the phase named on its command
line is reached and then waits there, so the test kills it exactly in that phase (this pause is
the only thing the harness adds; the code runs as users run it). After each kill: SQLite's
integrity check passes and the recorded runs are whole (every run has its coverage, its gap
rows match its counts); every page is either its text from before the run or exactly the text
that run meant to write (the body of its report directory between intact markers) — never a
mix. A last run, not killed, completes and says that the one before it did not finish.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.history import History
from bot.schedule import lock_path
from bot.wiki import between, markers
from tests.derived_snapshot import choose, derive

pytestmark = pytest.mark.wiki

REPO = Path(__file__).resolve().parents[2]
CONFIG = "Project:SDG gaps/Config"
ROOT = "Test Wiki:SDG gaps/Species"
PAGES = {ROOT: "summary", f"{ROOT}/SDG 15": "goal-15", f"{ROOT}/de": "lang-de"}
STATUS = "Test Wiki:SDG gaps/Config/Status"
PHASES = ("lock taken", "report written", "pages being posted", "history being written")

# `python -c HARNESS PHASE ARGS…`: the `sdg-gaps` command with ARGS, which prints
# "phase PHASE" and waits when it reaches PHASE.
HARNESS = r"""
import sys, time
phase, argv = sys.argv[1], sys.argv[2:]

def reached(name):
    if name == phase:
        print("phase " + name, flush=True)
        time.sleep(120)

import bot.history, bot.report, bot.schedule, bot.wiki

acquire = bot.schedule.RunLock.acquire
def acquire_then(self, *args, **kwargs):
    acquire(self, *args, **kwargs)
    reached("lock taken")
bot.schedule.RunLock.acquire = acquire_then

write_report = bot.report.write_report
def write_then(*args, **kwargs):
    pages = write_report(*args, **kwargs)
    reached("report written")
    return pages
bot.report.write_report = write_then

save = bot.wiki.ReportBot._save
def save_then(self, *args, **kwargs):
    outcome = save(self, *args, **kwargs)
    if outcome.status == "saved":
        reached("pages being posted")
    return outcome
bot.wiki.ReportBot._save = save_then

class Inserting:
    def __init__(self, db):
        self.db = db
    def __getattr__(self, name):
        return getattr(self.db, name)
    def executemany(self, sql, rows):
        result = self.db.executemany(sql, rows)
        if "INSERT INTO gaps" in sql:
            reached("history being written")
        return result

record = bot.history.History.record
def record_slowly(self, *args, **kwargs):
    self._db = Inserting(self._db)
    return record(self, *args, **kwargs)
bot.history.History.record = record_slowly

from bot.cli import main
sys.exit(main(argv))
"""


def start(tmp_path, snapshot, phase: str = ""):
    return subprocess.Popen(
        [sys.executable, "-c", HARNESS, phase, "schedule", "--config-page", CONFIG,
         "--history", str(tmp_path / "history.sqlite"), "--out-dir", str(tmp_path / "out"),
         "--snapshot", str(snapshot)],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def reached(process) -> str | None:
    """The child's "phase …" line, once it prints it (other lines are passed over)."""
    for line in process.stdout:
        if line.startswith("phase "):
            return line.strip()
    return None


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


def test_killing_a_run_in_every_phase_never_corrupts_history_or_pages(wiki, tmp_path):
    de = choose({"de": 4})["de"]
    data = [
        derive(tmp_path / "s0", [(q, "de") for q in de[:2]]),
        derive(tmp_path / "s1", [(q, "de") for q in de[2:]]),
    ]
    wiki.edit(CONFIG, "{{SDG gaps report|page=Project:SDG gaps/Species|goals=15|"
                      "languages=de|every=0|rows=50}}")
    first = start(tmp_path, data[0])
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert len(check_history(tmp_path / "history.sqlite")) == 1

    survived = []
    for number, phase in enumerate(PHASES, 1):
        old = texts(wiki)
        dirs = set((tmp_path / "out").glob("*/run-*"))
        recorded = len(check_history(tmp_path / "history.sqlite"))
        process = start(tmp_path, data[number % 2], phase)
        line = reached(process)
        assert line == f"phase {phase}", (phase, line, process.stderr.read()[-2000:])
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        assert lock_path(tmp_path / "history.sqlite").read_text().strip(), phase  # died holding
        runs = check_history(tmp_path / "history.sqlite")
        assert len(runs) == recorded, phase  # a run is recorded whole, last, or not at all
        written = newest_report(tmp_path, dirs)
        assert (written is not None) == (phase != "lock taken"), phase
        check_pages(wiki, old, written)
        changed = sum(wiki.text(title) != old[title] for title in PAGES)
        if phase in ("lock taken", "report written"):
            assert changed == 0, phase
        else:
            assert changed >= 1, phase  # posted, whole page by whole page
        survived.append(phase)
    assert survived == list(PHASES)

    # The next run completes, recovers by itself and says the previous one did not finish.
    old = texts(wiki)
    dirs = set((tmp_path / "out").glob("*/run-*"))
    recorded = len(check_history(tmp_path / "history.sqlite"))
    final = start(tmp_path, data[0])
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert "schedule: 1 report(s) (1 done)" in out
    runs = check_history(tmp_path / "history.sqlite")
    assert len(runs) == recorded + 1
    check_pages(wiki, old, newest_report(tmp_path, dirs))
    assert "did not finish" in out
    assert "did not finish" in wiki.text(STATUS)
    assert lock_path(tmp_path / "history.sqlite").read_text() == ""


KILL_IN_TRANSACTION = r"""
import sys, time
from pathlib import Path
from bot.history import History
from tests.plugins.analyses import small_analysis

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
    from tests.plugins.analyses import small_analysis

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
