"""A real report directory from `sdg-gaps run` posted to the test wiki; local mode offline."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.wiki

REPO = Path(__file__).resolve().parents[2]
ROOT = "Test Wiki:SDG gaps"
SMALL = ["--goals", "15", "--languages", "fr", "--no-history", "--quiet"]


def sdg_gaps(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_run_then_post_renders_every_item_link_and_reposts_nothing(wiki, tmp_path):
    out = tmp_path / "report"
    done = sdg_gaps("run", "--out", str(out), *SMALL, "--post", "--root", ROOT, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    titles = [ROOT, f"{ROOT}/SDG 15", f"{ROOT}/fr"]
    assert all(wiki.exists(title) for title in titles)
    for title in titles:
        parsed = wiki.parse(title)
        assert not [link for link in parsed["links"] if not link["exists"]], title  # no red links
        assert parsed["templates"] == [] and parsed["categories"] == []
    fr = wiki.parse(f"{ROOT}/fr")
    expected = (out / "wikitext" / "lang-fr.wiki").read_text(encoding="utf-8").count("[[:d:Q")
    assert len(fr["iwlinks"]) == expected > 0
    revids = {title: wiki.revid(title) for title in titles}

    again = sdg_gaps("post", str(out), "--root", ROOT, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert [line.split()[0] for line in again.stdout.splitlines()] == ["unchanged"] * 3
    assert {title: wiki.revid(title) for title in titles} == revids


def test_local_mode_works_with_the_wiki_out_of_reach(wiki, report_dir, tmp_path):
    out = report_dir([
        {"id": "summary", "subpage": "", "body": "Summary."},
        {"id": "goal-15", "subpage": "SDG 15", "body": "{|\n|-\n| [[:d:Q1|Q1]]\n|}"},
        {"id": "lang-fr", "subpage": "fr", "body": "{|\n|-\n| [[:d:Q2|Q2]]\n|}"},
    ])
    offline = tmp_path / "pywikibot"
    shutil.copytree(wiki.pywikibot_dir, offline, ignore=shutil.ignore_patterns("*.lwp", "logs"))
    config = offline / "user-config.py"
    config.write_text(config.read_text().replace(wiki.server, f"http://127.0.0.1:{closed_port()}"))
    (offline / "user-password.py").chmod(0o600)
    done = sdg_gaps("post", str(out), "--root", ROOT, "--local", str(tmp_path / "local"),
                    cwd=tmp_path, env={"PYWIKIBOT_DIR": str(offline)})
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3
    written = sorted(path.name for path in (tmp_path / "local").iterdir())
    names = ["Test_Wiki%3ASDG_gaps", "Test_Wiki%3ASDG_gaps%2FSDG_15", "Test_Wiki%3ASDG_gaps%2Ffr"]
    assert written == sorted(f"{name}.{kind}" for name in names for kind in ("wiki", "diff"))
    assert "wiki not reachable" in done.stderr
    assert not wiki.exists(ROOT)


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
