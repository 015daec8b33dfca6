"""A real MediaWiki for the tests: Debian's 1.39 served by ``php -S`` on 127.0.0.1.

Every pytest process (each xdist worker) gets its own wiki in a temporary directory:

- at configuration time, before any test module is imported, a free port is chosen and a
  private ``PYWIKIBOT_DIR`` is written (``user-config.py`` naming the wiki's ``api.php``, a
  BotPassword in ``user-password.py``) and exported. pywikibot reads its configuration once,
  when it is first imported, so this has to happen before collection imports :mod:`bot.wiki`;
- the session fixture :func:`mediawiki` installs the wiki with ``maintenance/install.php``
  (SQLite, a private LocalSettings.php found through ``MW_CONFIG_FILE``; nothing in /etc is
  read or written), creates the accounts, keeps a pristine copy of the database and starts the
  server, which it stops at the end of the session;
- the function fixture :func:`wiki` puts the pristine database back (a file copy, milliseconds)
  and hands the test a :class:`TestWiki`: the API URL, the pywikibot directory, and helpers that
  talk to the wiki with plain ``requests``, independently of pywikibot, so that what the writer
  did is checked by a second client.

The wiki has an account ``Bot`` (bot group, logged in by pywikibot with a BotPassword) and
``Admin`` (sysop; the "human" of the tests, who edits and protects pages), and the interwiki
prefix ``d`` for Wikidata, so that ``[[:d:Q42|Q42]]`` renders as an interwiki link.

:func:`write_report` (and the fixture :func:`report_dir`) writes a report directory in the
layout ``sdg-gaps run`` produces (pages.json and one .wiki body per page), for the writer's tests.

When the Debian packages are missing the wiki tests fail (not skip) and say how to install
them: ``make test`` does it with tests/install-system-deps.sh.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

MEDIAWIKI = Path("/usr/share/mediawiki")
BOT = "Bot"
ADMIN = "Admin"
BOT_APP = "ci"
# MediaWiki accepts any BotPassword at creation but only logs in with 32+ characters of [0-9a-w].
_BOTPASSWORD_ALPHABET = "0123456789abcdefghijklmnopqrstuvw"
_INSTALL_HINT = "run `make test` or `bash tests/install-system-deps.sh` to install them"


class _Plan:
    """Where this process's wiki lives and how it is reached; fixed before collection."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sdg-gaps-wiki-"))
        self.port = _free_port()
        self.server = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.server}/api.php"
        self.data = self.root / "data"
        self.pristine = self.root / "pristine"
        self.settings = self.root / "LocalSettings.php"
        self.overrides = self.root / "overrides.php"
        self.pywikibot_dir = self.root / "pywikibot"
        self.server_log = self.root / "server.log"
        self.admin_password = "Adm-" + secrets.token_hex(12)
        self.bot_account_password = "Bot-" + secrets.token_hex(12)
        self.bot_password = "".join(secrets.choice(_BOTPASSWORD_ALPHABET) for _ in range(32))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_plan: _Plan | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Export a private PYWIKIBOT_DIR before any test module imports pywikibot."""
    global _plan
    _plan = _Plan()
    _write_pywikibot_dir(_plan)
    # Tests must never reach a developer's own wiki through an inherited configuration.
    os.environ["PYWIKIBOT_DIR"] = str(_plan.pywikibot_dir)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _plan is not None:
        shutil.rmtree(_plan.root, ignore_errors=True)


def _write_pywikibot_dir(plan: _Plan) -> None:
    plan.pywikibot_dir.mkdir()
    (plan.pywikibot_dir / "user-config.py").write_text(
        "# The private test wiki of one pytest process (tests/plugins/mediawiki.py).\n"
        f"family_files['testwiki'] = {plan.api_url!r}\n"
        "family = 'testwiki'\n"
        "mylang = 'testwiki'\n"
        f"usernames['testwiki']['testwiki'] = {BOT!r}\n"
        "password_file = 'user-password.py'\n"
        "# pywikibot's defaults are for production: 10 s between edits, 15 retries.\n"
        "put_throttle = 0\n"
        "minthrottle = 0\n"
        "read_maxlag = 0\n"
        "write_maxlag = 0\n"
        "max_retries = 1\n"
        "retry_wait = 1\n"
        "retry_max = 1\n",
        encoding="utf-8",
    )
    password_file = plan.pywikibot_dir / "user-password.py"
    password_file.write_text(
        f"({BOT!r}, BotPassword({BOT_APP!r}, {plan.bot_password!r}))\n", encoding="utf-8"
    )
    password_file.chmod(0o600)


# --- the wiki itself ---------------------------------------------------------------------


def _check_packages() -> None:
    """Fail with one clear message when the Debian packages are not there."""
    problems = []
    if shutil.which("php") is None:
        problems.append("`php` is not on PATH (Debian package php-cli)")
    if not (MEDIAWIKI / "maintenance" / "install.php").is_file():
        problems.append(f"{MEDIAWIKI} has no MediaWiki (Debian package mediawiki)")
    if not problems:
        modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.split()
        for module, package in [("pdo_sqlite", "php-sqlite3"), ("intl", "php-intl"),
                                ("mbstring", "php-mbstring"), ("xml", "php-xml")]:
            if module not in modules:
                problems.append(f"PHP module {module} is missing (Debian package {package})")
    if problems:
        pytest.fail(
            "the test wiki needs Debian packages: " + "; ".join(problems) + f"; {_INSTALL_HINT}",
            pytrace=False,
        )


def _php(plan: _Plan, script: str, *args: str) -> str:
    """Run a MediaWiki maintenance script against this process's wiki."""
    env = {**os.environ, "MW_CONFIG_FILE": str(plan.settings)}
    done = subprocess.run(
        ["php", str(MEDIAWIKI / "maintenance" / script), *args],
        env=env, capture_output=True, text=True, timeout=120,
    )
    if done.returncode != 0:
        pytest.fail(
            f"maintenance/{script} failed ({done.returncode}): {done.stdout[-2000:]}"
            f"{done.stderr[-2000:]}", pytrace=False,
        )
    return done.stdout


def _local_settings(plan: _Plan) -> str:
    """What the tests need on top of what install.php wrote."""
    return f"""
# --- tests/plugins/mediawiki.py ---
# Debian's PlatformSettings.php points at system directories; keep everything private.
$wgCacheDirectory = "{plan.root}/cache";
$wgUploadDirectory = "{plan.root}/images";
$wgEnableUploads = false;
$wgDebugLogFile = "";
$wgDBerrorLog = false;
# No object cache survives a reset of the database, so nothing stale can be served after one.
$wgMainCacheType = CACHE_NONE;
$wgParserCacheType = CACHE_NONE;
$wgMessageCacheType = CACHE_NONE;
$wgSessionCacheType = CACHE_DB;
# Deferred jobs would run at the end of requests and slow the tests down; nothing needs them.
$wgJobRunRate = 0;
# Otherwise a failed login would silently edit as the IP address.
$wgGroupPermissions['*']['edit'] = false;
$wgGroupPermissions['*']['createpage'] = false;
$wgGroupPermissions['*']['createaccount'] = false;
# Many Wikipedias still have magic links; labels like "ISBN 0123456789" must not make one.
$wgEnableMagicLinks = ['ISBN' => true, 'PMID' => true, 'RFC' => true];
$wgShowExceptionDetails = true;
$wgPasswordAttemptThrottle = [];
$wgRateLimits = [];
# Settings a single test changes (TestWiki.configure); removed by every reset.
if ( is_file( "{plan.overrides}" ) ) {{
    require "{plan.overrides}";
}}
"""


def _install(plan: _Plan) -> None:
    plan.data.mkdir()
    _php(
        plan, "install.php",
        "--dbtype", "sqlite", "--dbpath", str(plan.data), "--dbname", "testwiki",
        "--server", plan.server, "--scriptpath", "", "--skins", "Vector",
        "--pass", plan.admin_password, "--confpath", str(plan.root),
        "Test Wiki", ADMIN,
    )
    with plan.settings.open("a", encoding="utf-8") as settings:
        settings.write(_local_settings(plan))
    _php(plan, "createAndPromote.php", "--bot", BOT, plan.bot_account_password)
    _php(
        plan, "createBotPassword.php", "--appid", BOT_APP,
        "--grants", "basic,highvolume,editpage,createeditmovepage", BOT, plan.bot_password,
    )
    # The reports link items as [[:d:Q42|Q42]], as on Wikimedia wikis.
    with sqlite3.connect(plan.data / "testwiki.sqlite") as db:
        db.execute(
            "INSERT OR REPLACE INTO interwiki"
            " (iw_prefix, iw_url, iw_api, iw_wikiid, iw_local, iw_trans)"
            " VALUES ('d', 'https://www.wikidata.org/wiki/$1', '', '', 0, 0)"
        )
    db.close()
    # Built once here, the localisation cache makes the first request fast.
    _php(plan, "rebuildLocalisationCache.php", "--lang", "en", "--quiet")
    shutil.copytree(plan.data, plan.pristine)


def _start_server(plan: _Plan) -> subprocess.Popen:
    env = {**os.environ, "MW_CONFIG_FILE": str(plan.settings)}
    log = plan.server_log.open("ab")
    process = subprocess.Popen(
        ["php", "-d", "opcache.enable_cli=1", "-S", f"127.0.0.1:{plan.port}",
         "-t", str(MEDIAWIKI)],
        env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as a whole
    )
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"php -S exited ({process.returncode}): {_tail(plan.server_log)}",
                        pytrace=False)
        try:
            answer = requests.get(plan.api_url, params={
                "action": "query", "meta": "siteinfo", "format": "json"}, timeout=5)
            if answer.ok and "query" in answer.json():
                return process
        except (requests.ConnectionError, ValueError):
            pass
        time.sleep(0.1)
    _stop_server(process)
    pytest.fail(f"the test wiki did not answer on {plan.api_url}: {_tail(plan.server_log)}",
                pytrace=False)


def _stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _tail(path: Path, size: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return "(no log)"


def _reset(plan: _Plan) -> None:
    """Put the pristine database back; no request is in flight between two tests."""
    for path in plan.data.iterdir():
        if path.is_file() and not (plan.pristine / path.name).exists():
            path.unlink()  # journals and anything a test created
    for path in plan.pristine.iterdir():
        if path.is_file():
            shutil.copyfile(path, plan.data / path.name)
    plan.overrides.unlink(missing_ok=True)


def _forget_bot_sessions() -> None:
    """Make this process's pywikibot forget the sessions the reset took from the wiki.

    The reset empties the wiki's session store; pywikibot, which caches one Site per process,
    would go on trusting the login it remembers. After a test that ended between a login and a
    save (a crash), that stale login made every later wiki test of the process fail with
    "Unable to continue login": one failure became twenty. Each test starts as a fresh bot
    process does: no cached site, no cookies.
    """
    import pywikibot  # imported here: the plugin must not import it before configuring it
    from pywikibot.comms import http

    pywikibot._sites.clear()
    http.cookie_jar.clear()


@pytest.fixture(scope="session")
def mediawiki():
    """This process's wiki, installed and served for the whole session."""
    assert _plan is not None, "tests.plugins.mediawiki was not configured"
    _check_packages()
    _install(_plan)
    process = _start_server(_plan)
    try:
        yield _plan
    finally:
        _stop_server(process)


@pytest.fixture
def wiki(mediawiki):
    """A freshly reset wiki and the helpers to look at it from outside pywikibot."""
    _reset(mediawiki)
    _forget_bot_sessions()
    test_wiki = TestWiki(mediawiki)
    yield test_wiki
    test_wiki.close()


# --- what a test sees --------------------------------------------------------------------


class TestWiki:
    """The test wiki, seen through plain HTTP requests to its API.

    Reads are anonymous; :meth:`edit` and :meth:`protect` act as the sysop ``Admin``, standing
    in for a human editor.
    """

    __test__ = False  # not a test class, whatever its name

    def __init__(self, plan: _Plan) -> None:
        self._plan = plan
        self.api_url = plan.api_url
        self.server = plan.server
        self.pywikibot_dir = plan.pywikibot_dir
        self.bot_user = BOT
        self.admin_user = ADMIN
        self._reader = requests.Session()
        self._admin: requests.Session | None = None

    def close(self) -> None:
        self._reader.close()
        if self._admin is not None:
            self._admin.close()

    # reading

    def query(self, **params) -> dict:
        """An anonymous ``action=query`` (formatversion 2); API errors raise AssertionError."""
        return self._call(self._reader, "get", action="query", **params)["query"]

    def text(self, title: str) -> str | None:
        """The current wikitext of *title*, or None if the page does not exist."""
        revision = self._latest(title, "content")
        return None if revision is None else revision["slots"]["main"]["content"]

    def revid(self, title: str) -> int | None:
        """The id of the current revision of *title*, or None if the page does not exist."""
        revision = self._latest(title, "ids")
        return None if revision is None else revision["revid"]

    def revisions(self, title: str) -> list[dict]:
        """All revisions of *title*, oldest first: revid, user, comment, size."""
        page = self.query(prop="revisions", titles=title, rvprop="ids|user|comment|size",
                          rvlimit="max", rvdir="newer")["pages"][0]
        return page.get("revisions", [])

    def exists(self, title: str) -> bool:
        return self.revid(title) is not None

    def all_pages(self, prefix: str = "") -> list[str]:
        """Titles of the main namespace starting with *prefix*."""
        pages = self.query(list="allpages", apprefix=prefix, aplimit="max")["allpages"]
        return [page["title"] for page in pages]

    def parse(self, title: str) -> dict:
        """What MediaWiki makes of the page: ``action=parse`` with links, templates, categories,
        interwiki and external links, sections and the HTML (formatversion 2)."""
        return self._call(
            self._reader, "get", action="parse", page=title,
            prop="text|links|templates|categories|externallinks|iwlinks|sections|images",
            disablelimitreport=1, disableeditsection=1,
        )["parse"]

    def siteinfo(self) -> dict:
        return self.query(meta="siteinfo", siprop="general")["general"]

    # acting as a human

    def edit(self, title: str, text: str, summary: str = "human edit") -> int:
        """Save *text* on *title* as Admin; returns the new revision id."""
        result = self._call(self._session(), "post", action="edit", title=title, text=text,
                            summary=summary, token=self._csrf())["edit"]
        assert result["result"] == "Success", result
        return result.get("newrevid") or self.revid(title)

    def protect(self, title: str, level: str = "sysop") -> None:
        """Protect *title* (or its creation, if it does not exist) at *level*."""
        kinds = ("edit", "move") if self.exists(title) else ("create",)
        self._call(self._session(), "post", action="protect", title=title,
                   protections="|".join(f"{kind}={level}" for kind in kinds),
                   reason="test", token=self._csrf())

    def configure(self, php: str) -> None:
        """Add PHP settings (e.g. ``$wgMaxArticleSize = 64;``) until the next reset."""
        with self._plan.overrides.open("a", encoding="utf-8") as overrides:
            if overrides.tell() == 0:
                overrides.write("<?php\n")
            overrides.write(php + "\n")

    # plumbing

    def _latest(self, title: str, props: str) -> dict | None:
        page = self.query(prop="revisions", titles=title, rvprop=props,
                          rvslots="main")["pages"][0]
        if page.get("missing") or "revisions" not in page:
            return None
        return page["revisions"][0]

    def _session(self) -> requests.Session:
        """Admin's session, logged in on first use (a reset forgets every session)."""
        if self._admin is None:
            session = requests.Session()
            token = self._call(session, "get", action="query", meta="tokens",
                               type="login")["query"]["tokens"]["logintoken"]
            result = self._call(session, "post", action="clientlogin", username=ADMIN,
                                password=self._plan.admin_password, logintoken=token,
                                loginreturnurl=self.server)["clientlogin"]
            assert result["status"] == "PASS", result
            self._admin = session
        return self._admin

    def _csrf(self) -> str:
        return self._call(self._session(), "get", action="query", meta="tokens")[
            "query"]["tokens"]["csrftoken"]

    def _call(self, session: requests.Session, method: str, **params) -> dict:
        params.update(format="json", formatversion="2")
        if method == "get":
            answer = session.get(self.api_url, params=params, timeout=60)
        else:
            answer = session.post(self.api_url, data=params, timeout=60)
        answer.raise_for_status()
        body = answer.json()
        assert "error" not in body, body["error"]
        return body


# --- report directories ------------------------------------------------------------------


def write_report(directory: Path, pages: list[dict], run_id: str = "20261130T091500Z",
                 complete: bool = True) -> Path:
    """Write a report directory as ``sdg-gaps run`` does.

    Each of *pages* has ``id``, ``subpage`` and ``body`` (the wikitext), and optionally
    ``summary``, ``rows`` and ``gaps``.
    """
    (directory / "wikitext").mkdir(parents=True, exist_ok=True)
    entries = []
    for page in pages:
        file = f"wikitext/{page['id']}.wiki"
        (directory / file).write_text(page["body"], encoding="utf-8")
        entries.append({
            "id": page["id"], "subpage": page["subpage"], "file": file,
            "rows": page.get("rows", 0), "gaps": page.get("gaps", 0),
            "summary": page.get("summary", f"{page['id']}: {page.get('gaps', 0):,} gaps"),
        })
    (directory / "pages.json").write_text(json.dumps({
        "run_id": run_id, "generated": "2026-11-30T09:15:00Z", "complete": complete,
        "pages": entries,
    }, indent=1), encoding="utf-8")
    return directory


@pytest.fixture
def report_dir(tmp_path):
    """``report_dir(pages, run_id=..., complete=...)`` → a fresh report directory."""
    count = 0

    def make(pages: list[dict], **kwargs) -> Path:
        nonlocal count
        count += 1
        return write_report(tmp_path / f"report-{count}", pages, **kwargs)

    return make
