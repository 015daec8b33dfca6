"""Where the bot may write, against the real test wiki: a configuration page cannot send it
outside the roots a maintainer allowed, `post` and `run --post` refuse the article namespace
and other users' user space unless a maintainer named the place, and every scheduled save
says which configuration page and revision asked for it."""

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.roots import SUMMARY_LIMIT, Origin
from bot.wiki import PostOptions, post_report
from tests.report_bodies import report

pytestmark = pytest.mark.wiki

REPO = Path(__file__).resolve().parents[2]
CONFIG = "Project:SDG gaps/Config"
CONFIG_TITLE = "Test Wiki:SDG gaps/Config"
STATUS = "Test Wiki:SDG gaps/Config/Status"
SMALL = "| goals = 15.8 | languages = de | every = 0 | rows = 5"

# Lines 2 to 5; the spelling on line 4 is not the wiki's own ("project:", "_", first letter).
CONFIG_TEXT = f"""Our reports.
{{{{SDG gaps report | page = Climate change in Uganda {SMALL}}}}}
{{{{SDG gaps report | page = User:Someone else/SDG {SMALL}}}}}
{{{{SDG gaps report | page = project:sDG_gaps/Invasive {SMALL}}}}}
{{{{SDG gaps report | page = Project:SDG gaps 2 {SMALL}}}}}
"""


def sdg_gaps(*args, cwd, env=None):
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def schedule(tmp_path, *args, env=None):
    return sdg_gaps("schedule", "--config-page", CONFIG, "--history",
                    str(tmp_path / "history.sqlite"), "--out-dir", str(tmp_path / "out"), *args,
                    cwd=tmp_path, env=env)


def pages_in(wiki, namespace):
    found = wiki.query(list="allpages", apnamespace=namespace, aplimit="max")["allpages"]
    return {page["title"] for page in found}


def refused_rows(status_text):
    """The rows of the status page's "Roots not allowed" table, as lists of cell texts."""
    section = status_text[status_text.index("== Roots not allowed =="):]
    table = section[section.index("{|"):section.index("|}")]
    return [[html.unescape(cell.strip()) for cell in row.strip().removeprefix("| ").split("\n| ")]
            for row in table.split("|-")[1:]]


def test_a_configuration_creates_no_page_outside_the_allowed_roots(wiki, tmp_path):
    wiki.edit(CONFIG, CONFIG_TEXT)
    done = schedule(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "schedule: 4 report(s) (1 done, 3 refused)" in done.stdout
    assert "refused   Climate change in Uganda: the bot may not write under" in done.stdout
    # Nothing in the article namespace, nothing in anybody's user space, nothing beside the
    # configuration page's base page; the report under it saved.
    assert pages_in(wiki, 0) == {"Main Page"}
    assert pages_in(wiki, 2) == set() and pages_in(wiki, 3) == set()
    assert pages_in(wiki, 4) == {
        CONFIG_TITLE, STATUS, "Test Wiki:SDG gaps/Invasive", "Test Wiki:SDG gaps/Invasive/SDG 15",
        "Test Wiki:SDG gaps/Invasive/de"}
    # The status page says which lines asked for what, and what is allowed.
    status = wiki.text(STATUS)
    rows = refused_rows(status)
    assert [row[:3] for row in rows] == [
        ["2", "1", "Climate change in Uganda"],
        ["3", "2", "User:Someone else/SDG"],
        ["5", "4", "Test Wiki:SDG gaps 2"]]
    assert "article namespace" in rows[0][3]
    assert "user space of Someone else, not of the bot's account Bot" in rows[1][3]
    assert "neither one of the roots allowed nor a subpage of one" in rows[2][3]
    assert {row[4] for row in rows} == {"“Test Wiki:SDG gaps”"}
    assert "3 report(s) not run" in status
    # A refused root is named, not linked.
    links = {link["title"] for link in wiki.parse(STATUS)["links"]}
    assert "Test Wiki:SDG gaps/Invasive" in links
    assert not links & {"Climate change in Uganda", "User:Someone else/SDG", "Test Wiki:SDG gaps 2"}


def test_every_scheduled_save_names_the_configuration_page_and_revision(wiki, tmp_path):
    config_revid = wiki.edit(CONFIG, CONFIG_TEXT)
    done = schedule(tmp_path)
    assert done.returncode == 0, done.stderr
    audit = f"[[Special:PermanentLink/{config_revid}|{CONFIG_TITLE}]] (revision {config_revid}"
    for title in ("Test Wiki:SDG gaps/Invasive", "Test Wiki:SDG gaps/Invasive/de"):
        [revision] = wiki.revisions(title)
        assert revision["user"] == wiki.bot_user
        assert revision["comment"].endswith(f"asked for on {audit}, line 4)")
    [status] = wiki.revisions(STATUS)
    assert status["comment"].endswith(f"asked for on {audit})")
    # The link leads a patroller to the very revision that holds the line.
    linked = wiki.query(prop="revisions", revids=config_revid, rvprop="content",
                        rvslots="main")["pages"][0]["revisions"][0]["slots"]["main"]["content"]
    assert linked.splitlines()[3].startswith("{{SDG gaps report | page = project:sDG_gaps/Invasive")


def test_a_maintainer_allows_a_root_by_naming_that_exact_prefix(wiki, tmp_path):
    wiki.edit(CONFIG, f"""Allowed by a maintainer, but for the last one.
{{{{SDG gaps report | page = Climate change in Uganda {SMALL}}}}}
{{{{SDG gaps report | page = User:Someone else/SDG {SMALL}}}}}
{{{{SDG gaps report | page = User:Someone else/Other {SMALL}}}}}
""")
    # One root on the command line, spelt otherwise than the wiki does, and one in the
    # environment a scheduled job reads.
    done = schedule(tmp_path, "--allow-root", "climate_change_in_Uganda",
                    env={"SDG_GAPS_ALLOW_ROOTS": "User:Someone else/SDG|Project:Elsewhere/"})
    assert done.returncode == 0, done.stderr
    assert "schedule: 3 report(s) (2 done, 1 refused)" in done.stdout
    assert wiki.exists("Climate change in Uganda/SDG 15")
    assert wiki.exists("User:Someone else/SDG/de")
    assert not wiki.exists("User:Someone else/Other")
    [row] = refused_rows(wiki.text(STATUS))
    assert row[:3] == ["4", "3", "User:Someone else/Other"]
    assert row[4] == ("“Test Wiki:SDG gaps”, “Climate change in Uganda”, "
                      "“User:Someone else/SDG”, “Test Wiki:Elsewhere”")


def test_post_refuses_an_article_unless_a_maintainer_allowed_it(wiki, report_dir, tmp_path):
    directory = report(report_dir, range(1, 5))
    done = sdg_gaps("post", str(directory), "--root", "Some article", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(
        "sdg-gaps: error: the bot may not write under “Some article”: it is in the article "
        "namespace")
    assert "Roots allowed, with their subpages: none" in done.stderr
    assert not wiki.exists("Some article")
    # Local mode says the same, rather than preview what would never be posted.
    local = sdg_gaps("post", str(directory), "--root", "Some article", "--local",
                     str(tmp_path / "local"), cwd=tmp_path)
    assert local.returncode == 2 and "the bot may not write under" in local.stderr
    allowed = sdg_gaps("post", str(directory), "--root", "Some article",
                       "--allow-root", "Some article", cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    assert wiki.exists("Some article") and wiki.exists("Some article/SDG 13")


def test_the_script_refuses_and_allows_like_the_command(wiki, report_dir, tmp_path):
    directory = report(report_dir, range(1, 5))
    script = str(REPO / "scripts" / "post_reports.py")
    done = subprocess.run([sys.executable, script, str(directory), "-root:Some article"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("post_reports: error: the bot may not write under")
    allowed = subprocess.run(
        [sys.executable, script, str(directory), "-root:Some article",
         "-allowroot:Some article"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert allowed.returncode == 0, allowed.stderr
    assert wiki.exists("Some article/SDG 13")


def test_run_post_refuses_another_users_space_before_the_analysis(wiki, tmp_path):
    out = tmp_path / "report"
    small = ["run", "--out", str(out), "--goals", "15", "--languages", "de", "--no-history",
             "--quiet", "--post", "--root", "User:Someone else/SDG"]
    done = sdg_gaps(*small, cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "it is in the user space of Someone else, not of the bot's account Bot" in done.stderr
    assert not out.exists() and not wiki.exists("User:Someone else/SDG")
    allowed = sdg_gaps(*small, "--allow-root", "user:Someone_else/SDG", cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    assert wiki.exists("User:Someone else/SDG") and wiki.exists("User:Someone else/SDG/de")


def test_the_bots_own_user_space_is_its_own_and_another_users_talk_page_is_not(
        wiki, report_dir, tmp_path):
    directory = report(report_dir, range(1, 5))
    # pywikibot logs in as Bot@ci (a BotPassword): the user space is the account's, User:Bot.
    own = sdg_gaps("post", str(directory), "--root", "User:Bot/SDG gaps", cwd=tmp_path)
    assert own.returncode == 0, own.stderr
    assert wiki.exists("User:Bot/SDG gaps/SDG 13")
    talk = sdg_gaps("post", str(directory), "--root", "User talk:Someone else/SDG",
                    cwd=tmp_path)
    assert talk.returncode == 2 and "user space of Someone else" in talk.stderr
    broad = sdg_gaps("post", str(directory), "--root", "User talk:Someone else/SDG",
                     "--allow-root", "User talk:Someone", cwd=tmp_path)
    assert broad.returncode == 2  # a prefix of the name is not that user's space
    assert not wiki.exists("User talk:Someone else/SDG")
    special = sdg_gaps("post", str(directory), "--root", "Special:Preferences", cwd=tmp_path)
    assert special.returncode == 2 and "special page" in special.stderr


def test_a_status_page_outside_the_allowed_roots_is_not_written(wiki, tmp_path):
    wiki.edit(CONFIG, "No report yet.")
    done = schedule(tmp_path, "--status-page", "Some article")
    assert done.returncode == 1
    assert "status page: failed" in done.stdout
    assert "the bot may not write under “Some article”" in done.stdout
    assert not wiki.exists("Some article")


def test_a_long_summary_keeps_its_audit_line_within_the_wikis_limit(wiki, report_dir):
    config = "Test Wiki:" + " ".join(["Long configuration"] * 10) + "/Config"
    revid = wiki.edit(config, "{{SDG gaps report | page = …}}")
    root = config.removesuffix("/Config") + "/Report"
    directory = report_dir([{"id": "summary", "subpage": "", "body": "Text.",
                             "summary": "a very long description " * 30}])
    [outcome] = post_report(directory, PostOptions(
        root=root, origin=Origin(config, revid, 1)), echo=lambda line: None)
    assert outcome.status == "saved", outcome
    [revision] = wiki.revisions(root)
    comment = revision["comment"]
    assert len(comment) <= SUMMARY_LIMIT and comment == outcome.reason
    assert comment.startswith("a very long description")
    assert comment.endswith(
        f"\u2026 \u00b7 asked for on [[Special:PermanentLink/{revid}|{config}]] "
        f"(revision {revid}, line 1)")
