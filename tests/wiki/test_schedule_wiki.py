"""Scheduled runs against the real test wiki: the organizers' configuration page, its mistakes
on the status page, the sample configuration, and the lock between two real runs."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.schedule import ScheduleOptions, lock_path, run_schedule

pytestmark = pytest.mark.wiki

REPO = Path(__file__).resolve().parents[2]
CONFIG = "Project:SDG gaps/Config"
STATUS = "Test Wiki:SDG gaps/Config/Status"

MISTAKES = """Our reports; mistakes on lines 4, 5 and 12.
{{SDG gaps report
| page      = Project:SDG gaps/Species
| goals     = 15, 18
| languages = de, xx
| rows      = 30
}}
{{SDG gaps report
| page      = Project:SDG gaps/Climate
| goals     = 13
| languages = fr
| evry      = 3
| rows      = 20
}}
"""


def schedule(tmp_path, **options):
    lines = []
    result = run_schedule(ScheduleOptions(
        config_page=CONFIG, history=tmp_path / "history.sqlite", out_dir=tmp_path / "out",
        echo=lines.append, **options))
    return result, lines


def section(text, heading):
    part = text[text.index(f"== {heading} ==") + len(heading) + 6:]
    return part[: part.index("\n==")] if "\n==" in part else part


def test_three_mistakes_give_three_clear_messages_and_the_rest_runs(wiki, tmp_path):
    wiki.edit(CONFIG, MISTAKES)
    result, lines = schedule(tmp_path)
    assert result.exit_code == 0, lines
    assert [str(m) for m in result.messages] == [
        "Line 4, report 1 (Project:SDG gaps/Species), parameter “goals”: “18” is not a goal or "
        "a target; it is left out. Expected goal numbers 1–17 or targets like 15.8, separated "
        "by commas.",
        "Line 5, report 1 (Project:SDG gaps/Species), parameter “languages”: “xx” is not a "
        "Wikipedia language code; it is left out. Expected codes like fr, de, sw (the subdomain "
        "of the Wikipedia).",
        "Line 12, report 2 (Project:SDG gaps/Climate): unknown parameter “evry”; it is ignored. "
        "Did you mean “every”? Expected one of: page, goals, items, items page, items goal, "
        "items title, languages, every, report language, rows, rank.",
    ]
    # The valid parts ran: both reports, with their valid goals and languages.
    assert [(r.page, r.status) for r in result.reports] == [
        ("Test Wiki:SDG gaps/Species", "done"), ("Test Wiki:SDG gaps/Climate", "done")]
    saved = {o.title for r in result.reports for o in r.outcomes if o.status == "saved"}
    assert saved == {
        "Test Wiki:SDG gaps/Species", "Test Wiki:SDG gaps/Species/SDG 15",
        "Test Wiki:SDG gaps/Species/de", "Test Wiki:SDG gaps/Climate",
        "Test Wiki:SDG gaps/Climate/SDG 13", "Test Wiki:SDG gaps/Climate/fr"}
    # The status page: the three messages, one bullet each, as the wiki renders them.
    status = wiki.text(STATUS)
    messages = section(status, "Configuration messages")
    bullets = [line for line in messages.splitlines() if line.startswith("* ")]
    assert len(bullets) == 3
    html = wiki.parse(STATUS)["text"]
    assert "Line 4, report 1" in html and "Line 5, report 1" in html and "Line 12, report 2" in html
    assert "Did you mean “every”?" in html
    assert "3 mistake(s) on the configuration page" in status
    pages = section(status, "Pages")
    for title in saved:
        assert f"[[:{title}|" in pages
    assert "6 saved" in status
    parsed = wiki.parse(STATUS)
    assert parsed["templates"] == [] and parsed["categories"] == []
    assert {link["title"] for link in parsed["links"]} >= saved | {"Test Wiki:SDG gaps/Config"}
    data = section(status, "Data")
    assert "SPARQL queries" in data and "Data freshness" in data and "2025&#45;11" in data
    assert "started" in status and "finished" in status


def test_the_sample_configuration_works_as_written(wiki, tmp_path):
    wiki.edit(CONFIG, (REPO / "samples" / "config-page.wiki").read_text(encoding="utf-8"))
    result, lines = schedule(tmp_path)
    assert result.exit_code == 0, lines
    assert result.messages == []
    assert [r.status for r in result.reports] == ["done", "done", "done"]
    assert {o.status for r in result.reports for o in r.outcomes} == {"saved"}
    assert wiki.exists("Test Wiki:SDG gaps/Watchlist/fr")
    assert wiki.exists("Test Wiki:SDG gaps/Invasive species/SDG 15")
    assert wiki.exists("Test Wiki:SDG gaps/Climate/es")
    assert "None: the configuration page is valid." in wiki.text(STATUS)
    assert result.status.status == "saved"


def _cli(tmp_path, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "schedule", "--config-page", CONFIG,
         "--history", str(tmp_path / "history.sqlite"), "--out-dir", str(tmp_path / "out"),
         *args],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_lock(tmp_path, process, timeout=60):
    path = lock_path(tmp_path / "history.sqlite")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return json.loads(path.read_text())
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the first run never took the lock")


def test_a_second_concurrent_run_is_refused_by_the_lock(wiki, tmp_path):
    wiki.edit(CONFIG, "{{SDG gaps report|page=Project:SDG gaps/Species|goals=15|languages=de}}")
    first = _cli(tmp_path)
    holder = _wait_for_lock(tmp_path, first)
    assert holder["pid"] == first.pid
    patient = _cli(tmp_path, "--wait-lock", "120")
    second = _cli(tmp_path)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 75, (out, err)
    assert "another sdg-gaps run holds the lock" in err and f"process {first.pid}" in err
    assert "Pass --wait-lock to wait for it" in err and out == ""
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert "schedule: 1 report(s) (1 done)" in out
    # The patient one waited for the first and then ran: the report was not due any more.
    out, err = patient.communicate(timeout=120)
    assert patient.returncode == 0, err
    assert "schedule: 1 report(s) (1 skipped)" in out
    assert lock_path(tmp_path / "history.sqlite").read_text() == ""  # released cleanly


def test_the_sample_user_config_works_as_written(wiki, tmp_path):
    """user-config.py.sample, with its test-wiki lines uncommented as it says (the URL and the
    account being this wiki's), logs in, reads the configuration and writes the status page."""
    directory = tmp_path / "pywikibot"
    directory.mkdir()
    sample = (REPO / "user-config.py.sample").read_text(encoding="utf-8")
    block = [
        "#     family_files['testwiki'] = 'http://127.0.0.1:8080/api.php'",
        "#     family = mylang = 'testwiki'",
    ]
    for line in block:
        assert line in sample, line
        sample = sample.replace(line, line.removeprefix("#     "))
    sample = sample.replace("http://127.0.0.1:8080/api.php", wiki.api_url)
    assert "# usernames['mywiki']['mywiki'] = 'ExampleSdgGapsBot'" in sample
    sample += f"\nusernames['testwiki']['testwiki'] = {wiki.bot_user!r}\n"
    (directory / "user-config.py").write_text(sample, encoding="utf-8")
    password = directory / "user-password.py"
    password.write_text((wiki.pywikibot_dir / "user-password.py").read_text(), encoding="utf-8")
    password.chmod(0o600)
    wiki.edit(CONFIG, "No report yet.")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "schedule", "--config-page", CONFIG,
         "--history", str(tmp_path / "history.sqlite")],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO),
                           "PYWIKIBOT_DIR": str(directory)},
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "status page: saved" in done.stdout
    assert wiki.revisions(STATUS)[-1]["user"] == wiki.bot_user
    assert "no {{SDG gaps report}} template" in wiki.parse(STATUS)["text"].replace(
        "&#123;", "{").replace("&#125;", "}")


def test_a_missing_configuration_page_fails_and_says_so_on_the_status_page(wiki, tmp_path):
    result, _ = schedule(tmp_path)
    assert result.exit_code == 1 and result.reports == []
    assert "does not exist" in str(result.messages[0])
    assert "does not exist" in wiki.text(STATUS)
