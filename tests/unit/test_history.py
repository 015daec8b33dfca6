"""The history, in process: runs in SQLite, changes since the last run (pure), trend, prune and
check. Whole runs on changing snapshot data: tests/integration/test_history_runs.py.
"""

import pandas as pd
import pytest

from bot.history import History, HistoryError, compute_changes
from tests.plugins.analyses import small_analysis


def test_changes_list_closed_new_and_departed_gaps(tmp_path):
    with History.open(tmp_path / "h.sqlite") as history:
        first = small_analysis(["Q1", "Q2", "Q3"], members=("Q1", "Q2", "Q3", "Q4"))
        assert not history.changes(first, "s").has_baseline
        history.record(first, series="s")
        # Q1: article written (closed); Q2 left the set; Q4 lost its article (new gap);
        # Q5 is a new item without article (new gap); Q3 still missing.
        titles = pd.DataFrame({"qid": ["Q1"], "wiki": ["frwiki"], "title": ["Un article"]})
        second = small_analysis(["Q3", "Q4", "Q5"], members=("Q1", "Q3", "Q4", "Q5"),
                                run_id="20261207T000000Z", articles=titles)
        changes = history.changes(second, "s")
        assert changes.closed[["qid", "title"]].values.tolist() == [["Q1", "Un article"]]
        assert changes.opened[["qid", "reason"]].values.tolist() == [
            ["Q4", "article gone"], ["Q5", "new item"]]
        cell = changes.cell(15, "frwiki")
        assert (cell["closed"], cell["opened"], cell["left"]) == (1, 2, 1)
        assert cell["baseline_run_id"] == "20261130T000000Z"
        assert cell["coverage_before"] == 25.0 and cell["delta_pct"] == 0.0
        record = history.record(second, series="s", baseline=changes)
        assert record.baseline == history.runs("s")[0].key
        # Another series has its own baselines.
        assert not history.changes(second, "other").has_baseline


def test_only_complete_published_runs_are_baselines(tmp_path):
    with History.open(tmp_path / "h.sqlite") as history:
        history.record(small_analysis(["Q1", "Q2"]), series="s", published=True)
        history.record(small_analysis(["Q1"], run_id="20261201T000000Z", complete=False),
                       series="s")
        history.record(small_analysis(["Q2"], run_id="20261202T000000Z"), series="s",
                       published=False)
        changes = history.changes(small_analysis([], run_id="20261203T000000Z"), "s")
        assert changes.cell(15, "frwiki")["baseline_run_id"] == "20261130T000000Z"
        assert set(changes.closed["qid"]) == {"Q1", "Q2"}
        assert history.last_run("s").run_id == "20261130T000000Z"


def test_compute_changes_is_pure_and_handles_new_cells():
    cov = pd.DataFrame({"goal": [13, 13], "wiki": ["dewiki", "frwiki"], "language": ["de", "fr"],
                        "items": [2, 2], "articles": [1, 2], "missing": [1, 0],
                        "coverage_pct": [50.0, 100.0]})
    gaps = pd.DataFrame({"goal": [13], "wiki": ["dewiki"], "qid": ["Q7"], "label": ["x"],
                         "rank": [1]})
    before = pd.DataFrame({"run": [4], "goal": [13], "wiki": ["frwiki"], "items": [2],
                           "articles": [1], "missing": [1], "coverage_pct": [50.0]})
    before_gaps = pd.DataFrame({"run": [4], "goal": [13], "wiki": ["frwiki"], "qid": ["Q7"]})
    changes = compute_changes(cov, gaps, None, before, before_gaps,
                              pd.DataFrame(columns=["run", "goal", "qid"]),
                              baselines={4: ("R4", "2026-11-01T00:00:00+00:00")})
    assert changes.closed["qid"].tolist() == ["Q7"] and changes.opened.empty
    de = changes.cell(13, "dewiki")
    assert pd.isna(de["baseline"]) and de["closed"] == 0  # no baseline: nothing compared
    assert changes.cell(13, "frwiki")["delta_pct"] == 50.0
    assert changes.totals()["cells_with_baseline"] == 1


def reserved(history, series, analysis):
    """*analysis* with the run id the history reserves for it, as bot.runs.run does."""
    analysis.run_id = history.reserve_run_id(series, analysis.run_id)
    return analysis


def test_run_ids_are_unique_per_series_and_prune_keeps_the_newest(tmp_path):
    with History.open(tmp_path / "h.sqlite") as history:
        for _ in range(3):
            history.record(reserved(history, "a", small_analysis(["Q1"])), series="a")
        history.record(reserved(history, "b", small_analysis(["Q1"])), series="b")
        assert [r.run_id for r in history.runs("a")] == [
            "20261130T000000Z", "20261130T000000Z-2", "20261130T000000Z-3"]
        assert history.prune(1) == 2
        assert [r.run_id for r in history.runs()] == ["20261130T000000Z-3", "20261130T000000Z"]
        assert history.check() == []
        with pytest.raises(HistoryError):
            history.prune(0)


def test_a_file_that_is_not_a_history_is_a_clear_error(tmp_path):
    path = tmp_path / "h.sqlite"
    path.write_text("not a database, just text " * 100)
    with pytest.raises(HistoryError, match="cannot open"):
        History.open(path)


def test_an_sqlite_file_that_is_not_a_history_is_refused_and_left_as_it_was(tmp_path):
    """Whether the file holds a history is asked of SQLite's catalogue: an error reading the
    tables (here another program's ``meta`` table, without the column a history has) is one
    line, and no table of a history is added to that program's file."""
    import sqlite3

    path = tmp_path / "theirs.sqlite"
    theirs = sqlite3.connect(path)
    theirs.execute("CREATE TABLE meta (key TEXT, setting TEXT)")
    theirs.execute("INSERT INTO meta VALUES ('owner', 'another program')")
    theirs.commit()
    theirs.close()
    with pytest.raises(HistoryError) as caught:
        History.open(path)
    assert f"history {path}: cannot open: no such column: value" == str(caught.value)
    with sqlite3.connect(path) as check:
        tables = [row[0] for row in check.execute("SELECT name FROM sqlite_master")]
        rows = check.execute("SELECT * FROM meta").fetchall()
    assert tables == ["meta"] and rows == [("owner", "another program")]


@pytest.mark.parametrize("existing", [True, False], ids=["history", "new-file"])
def test_a_history_locked_by_another_process_is_one_clear_error(tmp_path, existing):
    """Another connection holds SQLite's exclusive lock: opening (an existing history or a new
    file) and recording are each one line saying the database is locked, never a traceback
    and never a history opened as if it were new."""
    import sqlite3

    path = tmp_path / "h.sqlite"
    if existing:
        with History.open(path) as history:
            history.record(small_analysis(["Q1"]), series="s")
    other = sqlite3.connect(path, isolation_level=None)
    opened = History.open(path, timeout=0.1) if existing else None
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(HistoryError) as caught:
            History.open(path, timeout=0.1)
        message = str(caught.value)
        assert "\n" not in message
        assert f"history {path}: cannot open: the database is locked by another process" in message
        if opened is not None:
            with pytest.raises(HistoryError, match="cannot record the run: the database is locked"):
                opened.record(small_analysis(["Q2"], run_id="20261201T000000Z"), series="s")
    finally:
        other.execute("ROLLBACK")
        other.close()
    if opened is not None:
        assert [r.run_id for r in opened.runs("s")] == ["20261130T000000Z"]
        opened.close()


def test_two_runs_starting_in_the_same_second_get_two_ids(tmp_path):
    """A run that reserves its id while another holds the write lock waits, then takes the next
    id, and keeps it from its report to its record: the id is chosen once.

    The other run is a second real connection holding SQLite's write lock while it reserves the
    same run id; this one, started meanwhile, must wait and then pick ``…-2``.
    """
    import sqlite3
    import threading

    path = tmp_path / "h.sqlite"
    History.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    result = {}

    def start():
        with History.open(path) as history:
            result["id"] = history.reserve_run_id("s", "20261130T000000Z")

    worker = threading.Thread(target=start)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive()  # waiting for the write lock
    other.execute("INSERT INTO reserved VALUES ('s', '20261130T000000Z', 'now')")
    other.execute("COMMIT")
    other.close()
    worker.join(30)
    assert result["id"] == "20261130T000000Z-2"
    with History.open(path) as history:
        history.record(small_analysis(["Q1"]), series="s")
        history.record(small_analysis(["Q2"], run_id=result["id"]), series="s")
        assert [r.run_id for r in history.runs("s")] == ["20261130T000000Z", "20261130T000000Z-2"]
        assert history._db.execute("SELECT count(*) FROM reserved").fetchone()[0] == 0


def test_recording_an_id_twice_is_a_clear_error(tmp_path):
    with History.open(tmp_path / "h.sqlite") as history:
        history.record(small_analysis(["Q1"]), series="s")
        with pytest.raises(HistoryError, match="recorded already"):
            history.record(small_analysis(["Q2"]), series="s")
