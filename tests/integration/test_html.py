"""The static HTML report, opened in a real browser (headless Chromium, Debian `chromium`).

The HTML pages come from the same page model as the wikitext ones; here a browser loads them
from disk (no server), a screenshot shows something is drawn, and the DOM after the scripts ran
has the tables, the rows and the links the report meant.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _chromium_is_installed():
    """`make test` installs Chromium: its absence is a failure, never a silent skip."""
    if CHROMIUM is None:
        pytest.fail(
            "headless Chromium is not installed: run `make test` (tests/install-system-deps.sh)"
        )


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--goals",
            "15",
            "--out",
            str(out),
            "--quiet",
            "--page-rows",
            "40",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    return out


def test_index_links_every_page_and_the_charts(report):
    index = (report / "index.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="([^":]+)"', index))
    assert {"html/goal-15.html", "html/lang-de.html", "html/lang-pl.html"} <= hrefs
    assert 'src="coverage.png"' in index and 'src="quality.png"' in index
    for href in hrefs:
        assert (report / href).is_file(), href
    page = (report / "html" / "lang-de.html").read_text(encoding="utf-8")
    for href in set(re.findall(r'(?:href|src)="([^":#]+)"', page)):
        assert (report / "html" / href).resolve().is_file(), href


def test_the_screenshot_is_not_blank(report, tmp_path):
    from PIL import Image

    shot = tmp_path / "index.png"
    result = chromium(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1200,1600",
        (report / "index.html").as_uri(),
    )
    assert shot.is_file(), result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1600)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # text, tables, bars and a chart: not one flat colour
    white = sum(n for n, c in colours if c == (255, 255, 255))
    assert white < 0.9 * 1200 * 1600
    blue = sum(n for n, c in colours if c == (0x33, 0x66, 0xCC))  # the coverage bars
    assert blue > 100


def dump(tmp_path: Path, page: Path) -> str:
    result = chromium(tmp_path, "--dump-dom", "--virtual-time-budget=2000", page.as_uri())
    assert "<table" in result.stdout, result.stderr[-2000:]
    return result.stdout


def test_the_tables_are_there_after_the_browser_ran_the_page(report, tmp_path):
    dom = dump(tmp_path, report / "index.html")
    assert dom.count('data-sort-ready="1"') == 3  # the sort script ran on all three tables
    # summary: header + goal 15 (no totals row for one goal); languages: header + the 36 its
    # sets observed (34 for the invasive species, Luganda and Swahili for Uganda's); the same
    # languages again by speakers (equity)
    assert dom.count("<tr") == 2 + 37 + 37
    dom = dump(tmp_path, report / "html" / "lang-de.html")
    wiki = (report / "wikitext" / "lang-de.wiki").read_text(encoding="utf-8")
    qids_wiki = re.findall(r"\[\[:d:(Q\d+)\|", wiki)
    qids_html = re.findall(r'href="https://www.wikidata.org/wiki/(Q\d+)">', dom)
    assert qids_html == qids_wiki and len(qids_wiki) == 20  # the same rows, same order
    gap_table = dom[dom.index("Special:ContentTranslation") - 5000 :]
    assert gap_table.count("Special:ContentTranslation") == 20
    goal = dump(tmp_path, report / "html" / "goal-15.html")
    assert goal.count("<table") == 2  # by target, by language (no page sizes: no quality table)
    assert "15.8" in goal and "No page sizes are known" in goal
