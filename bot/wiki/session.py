"""A session with the wiki through pywikibot: its options, the login, reading pages.

Everything on the wiki goes through pywikibot and its configuration: the account and
BotPassword or OAuth from ``user-config.py``, throttling, maxlag, and the global options
``-simulate``, ``-dir:``, ``-user:`` and ``-pt:``, applied for one call by
:func:`global_options` and put back afterwards. Passwords and tokens are blanked in
pywikibot's logs; a password file other users could read is refused before pywikibot reads it;
a wiki that cannot be logged in to stops the call before any page. :func:`read_pages` reads
pages for the scheduled runs (:mod:`bot.schedule`, :mod:`bot.campaign.scheduled`), logged in as
the bot.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pywikibot
from pywikibot import config
from pywikibot.exceptions import APIError
from pywikibot.exceptions import Error as PywikibotError

from bot.errors import UsageError, WikiError
from bot.wiki.plan import DEFAULT_PAGE_BYTES, PostOptions


def describe_error(exc: PywikibotError) -> str:
    """One line for a pywikibot error, without the stack."""
    if isinstance(exc, APIError):
        return f"API error {exc.code}: {exc.info}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def current_text(page) -> str | None:
    """The page's current text, or None if it does not exist; :class:`WikiError` if the wiki
    will not give it (a read-protected page, an API error)."""
    try:
        return page.text if page.exists() else None
    except PywikibotError as exc:
        raise WikiError(f"cannot read {page.title()}: {describe_error(exc)}") from None


# --- pywikibot's configuration -----------------------------------------------------------

# The settings pywikibot's global options change; put back afterwards so that posting is a
# function a caller (or a test) can call twice.
_GLOBAL_SETTINGS = ("simulate", "put_throttle", "usernames", "family", "mylang", "log",
                    "logfilename", "debug_log", "verbose_output", "cosmetic_changes",
                    "read_maxlag", "write_maxlag", "max_retries")


@contextmanager
def global_options(args: Iterable[str]) -> Iterator[None]:
    """Apply pywikibot's global options for the duration of a ``with`` block."""
    saved = {name: copy.deepcopy(getattr(config, name)) for name in _GLOBAL_SETTINGS}
    try:
        args = list(args)
        if args:  # handle_args([]) would read sys.argv instead
            rest = pywikibot.handle_args(args, do_help=False)
            if rest:
                raise UsageError(f"unknown pywikibot option(s): {' '.join(rest)}")
        _hide_secrets_in_logs()
        yield
    finally:
        for name, value in saved.items():
            setattr(config, name, value)


class _HideSecrets(logging.Filter):
    """Blanks passwords and tokens in log records.

    With ``-debug`` pywikibot writes the body of every API request to its log file, the login
    request and its password included.
    """

    _SECRET = re.compile(
        r"((?:lg)?password|(?:csrf|login|lg)?token|oauth_[a-z_]*secret)"
        r"(=|': '|\": \"|': \[')[^&'\"\s\]]*",
        re.IGNORECASE,
    )

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = self._SECRET.sub(r"\1\2(hidden)", message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True


def _hide_secrets_in_logs() -> None:
    """Put :class:`_HideSecrets` on every handler pywikibot logs through."""
    pywikibot.bot.init_handlers()  # idempotent; creates the handlers now, not at first output
    names = [name for name in logging.root.manager.loggerDict if name.startswith("pywiki")]
    for name in ["pywiki", "py.warnings", *names]:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, _HideSecrets) for f in handler.filters):
                handler.addFilter(_HideSecrets())


def check_password_file() -> None:
    """Refuse a password file that other users could read, before pywikibot reads it.

    (pywikibot itself would quietly change its mode, hiding that it has been exposed.)
    """
    name = config.password_file
    if not name:
        return
    path = Path(config.base_dir, name)
    if not path.is_file():
        path = Path(name)
    if path.is_file() and path.stat().st_mode & 0o077:
        raise WikiError(
            f"password file {path} can be read or written by other users "
            f"(mode {path.stat().st_mode & 0o777:o}); run: chmod 600 {path}"
        )


def logged_in_site():
    """The configured site, logged in; a failure stops the run before any page."""
    try:
        site = pywikibot.Site()
        site.login()
    except PywikibotError as exc:
        raise WikiError(f"cannot log in to the wiki: {describe_error(exc)}") from None
    if not site.logged_in():
        raise WikiError(f"cannot log in to {site}: check the account in user-config.py")
    return site


def page_budget(site, options: PostOptions) -> int:
    """Bytes a report body may take on one page."""
    budget = options.max_page_bytes or DEFAULT_PAGE_BYTES
    try:
        # Fresh, not pywikibot's cached copy: the limit is the wiki's to change.
        limit = site.siteinfo.get("general", expiry=True).get("maxarticlesize")
    except PywikibotError:
        limit = None  # local mode with the wiki out of reach
    return min(budget, int(limit) // 2) if limit else budget

def configured_site():
    """The configured site, its namespaces known (not logged in)."""
    try:
        site = pywikibot.Site()
        site.namespaces  # noqa: B018  (the siteinfo request, so that it fails here)
    except PywikibotError as exc:
        raise WikiError(f"cannot reach the wiki: {describe_error(exc)}") from None
    return site


# --- pages the scheduler reads and writes (bot.schedule) ---------------------------------


@dataclass
class PageText:
    """A page as the scheduler sees it: its text (None if it does not exist), its latest
    revision, and when the bot's own account last edited it."""

    title: str
    text: str | None
    revid: int | None = None
    timestamp: str | None = None  # ISO 8601, UTC, of the latest revision
    last_bot_edit: str | None = None  # ISO 8601, UTC; None if the bot never edited it


def read_pages(
    titles: Iterable[str], pywikibot_args: Iterable[str] = (), *, bot_edits: bool = False,
    history_depth: int = 50,
) -> list[PageText]:
    """Read *titles* (logged in, as the bot); with *bot_edits*, also find the bot's latest
    edit among each page's last *history_depth* revisions.

    A title the wiki cannot have raises :class:`bot.errors.UsageError` naming it; a wiki that
    cannot be reached or logged in to raises :class:`bot.errors.WikiError`.
    """
    found = []
    with global_options(list(pywikibot_args)):
        check_password_file()
        site = logged_in_site()
        user = site.username()
        for title in titles:
            try:
                page = pywikibot.Page(site, title)
                name = page.title()
            except (PywikibotError, ValueError) as exc:
                detail = describe_error(exc) if isinstance(exc, PywikibotError) else str(exc)
                raise UsageError(f"{title!r} is not a valid page title: {detail}") from None
            try:
                if not page.exists():
                    found.append(PageText(name, None))
                    continue
                text = page.text
                revid = page.latest_revision_id
                latest = page.latest_revision.timestamp
                last_bot = None
                if bot_edits:
                    for revision in page.revisions(total=history_depth):
                        if revision.user == user:
                            last_bot = revision.timestamp.isoformat()
                            break
            except PywikibotError as exc:
                raise WikiError(f"cannot read {name}: {describe_error(exc)}") from None
            found.append(PageText(name, text, revid, latest.isoformat(), last_bot))
    return found
