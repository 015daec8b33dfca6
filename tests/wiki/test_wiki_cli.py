"""`sdg-gaps post` and scripts/post_reports.py as a user runs them: exit codes, output, secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.report_bodies import ROOT, report

pytestmark = pytest.mark.wiki

REPO = Path(__file__).resolve().parents[2]


def run(*args, cwd):
    """The command, with ROOT (in the main namespace) allowed as a maintainer would allow it."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO),
                               "SDG_GAPS_ALLOW_ROOTS": ROOT}, timeout=120)


def test_post_prints_one_line_per_page_and_fails_when_a_page_failed(wiki, report_dir, tmp_path):
    wiki.protect(f"{ROOT}/fr")
    directory = report(report_dir, range(1, 5), range(1, 3))
    done = run("-m", "bot", "post", str(directory), "--root", ROOT, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["saved", "saved", "failed"]
    assert lines[2].startswith(f"failed    {ROOT}/fr: ")
    wiki.edit(f"{ROOT}/fr", "<!-- sdg-gaps:start lang-fr -->\n<!-- sdg-gaps:end lang-fr -->")
    again = run("-m", "bot", "post", str(directory), "--root", ROOT, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert [line.split()[0] for line in again.stdout.splitlines()] == [
        "unchanged", "unchanged", "saved"]


def test_the_script_posts_like_the_command(wiki, report_dir, tmp_path):
    directory = report(report_dir, range(1, 5))
    done = run(str(REPO / "scripts" / "post_reports.py"), str(directory), f"-root:{ROOT}",
               "-simulate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2 and "simulated" in done.stdout
    assert not wiki.exists(ROOT)
    done = run(str(REPO / "scripts" / "post_reports.py"), str(directory), f"-root:{ROOT}",
               cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert wiki.exists(f"{ROOT}/SDG 13")
    helped = run(str(REPO / "scripts" / "post_reports.py"), "-help", cwd=tmp_path)
    assert helped.returncode == 0 and "-root:PAGE" in helped.stdout


def test_an_unknown_pywikibot_option_is_one_clear_error(wiki, report_dir, tmp_path):
    directory = report(report_dir, range(1, 5))
    done = run("-m", "bot", "post", str(directory), "--root", ROOT, "-nosuchoption",
               cwd=tmp_path)
    assert done.returncode != 0
    assert "-nosuchoption" in done.stderr and "Traceback" not in done.stderr


def test_credentials_are_never_printed_or_logged_even_with_debug(wiki, report_dir, tmp_path):
    from tests.plugins.mediawiki import _plan

    directory = report(report_dir, range(1, 5))
    done = run("-m", "bot", "post", str(directory), "--root", ROOT, "-log", "-debug",
               "-verbose", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    logs = list((wiki.pywikibot_dir / "logs").glob("*.log*"))
    assert logs, "pywikibot wrote no log with -log -debug"
    written = done.stdout + done.stderr + "".join(p.read_text(errors="replace") for p in logs)
    assert "lgpassword=(hidden)" in written  # the login request was logged, blanked
    for secret in (_plan.bot_password, _plan.bot_account_password, _plan.admin_password):
        assert secret not in written


def test_a_password_file_others_can_read_is_refused(wiki, report_dir, tmp_path):
    password_file = wiki.pywikibot_dir / "user-password.py"
    directory = report(report_dir, range(1, 5))
    password_file.chmod(0o644)
    try:
        done = run("-m", "bot", "post", str(directory), "--root", ROOT, cwd=tmp_path)
    finally:
        password_file.chmod(0o600)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "user-password.py" in done.stderr
    assert "chmod 600" in done.stderr and done.stdout == ""
    assert not wiki.exists(ROOT)
