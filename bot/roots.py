"""Where the bot may write, and who asked it to: the allowed roots and the audit line.

ListeriaBot writes only on the page that holds its template. sdg-gaps writes on the pages a
configuration names: a report's root page and its subpages, and a status page. Anyone who can
edit an on-wiki configuration page could otherwise send the bot to create pages anywhere its
account may edit — in the encyclopedia itself, in other people's user space. So every page the
bot writes goes through :func:`check` first (called by :mod:`bot.wiki`, the writer, which
spells every title as the wiki does before it comes here: namespace aliases, ``_`` for space,
first-letter case). The rule, for a root R:

1. R is a page the bot can write on its own wiki: not a special page, not a page on another
   wiki, not a section of a page.
2. R is one of the allowed roots or a subpage of one (``Project:SDG gaps`` allows itself and
   ``Project:SDG gaps/…``, not ``Project:SDG gaps 2``). The allowed roots are a default and the
   roots a maintainer named: ``--allow-root PREFIX`` (on ``schedule``, ``post`` and ``run
   --post``) and the environment variable :data:`ENV`, several roots separated by ``|`` (a
   character no title may hold) or new lines. The default is, for a scheduled report and the
   status page, the base page of the configuration page (its parent; the page itself when it
   is not a subpage); for ``post`` and ``run --post``, the root typed on the command line.
3. A root in a content namespace (the articles) or in the user space (User, User talk) of an
   account other than the one the bot logs in with is allowed only by a root a maintainer
   named that holds it — never by a default.

A refusal is a :class:`bot.errors.RootRefused`: one line for the command line, and the root,
the roots allowed and the reason for the status page.

Every save of a scheduled run also says where it was asked for (:func:`audit`): the
configuration page, the revision the run read and the line naming the report, as a permanent
link, so that a patroller can follow any bot edit back to the person who asked for it.
:func:`fit_summary` keeps a summary within MediaWiki's limit, shortening the description and
never the audit line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.errors import RootRefused, UsageError

ENV = "SDG_GAPS_ALLOW_ROOTS"

# MediaWiki keeps at most 500 characters of an edit summary (CommentStore's character limit)
# and cuts the rest without telling.
SUMMARY_LIMIT = 500

USER_NAMESPACES = (2, 3)  # User, User talk


@dataclass(frozen=True)
class Place:
    """A title as the wiki spells it, and what the wiki says of its namespace."""

    title: str
    """The whole title, namespace included: ``Test Wiki:SDG gaps/Config``."""
    namespace: int
    name: str
    """The title without its namespace: ``SDG gaps/Config``."""
    namespace_name: str = ""
    content: bool = False
    """In a content namespace: the articles (the main namespace on Wikipedia)."""
    owner: str | None = None
    """The account whose user space holds the page (User and User talk only)."""
    problem: str | None = None
    """Why no page can be written there at all, if it cannot."""
    subpages: bool = True
    """Whether the namespace has subpages (``A/B`` is then a subpage of ``A``)."""

    @property
    def base(self) -> str:
        """The title of the base page: the parent of a subpage, else the page itself."""
        if not self.subpages or "/" not in self.name:
            return self.title
        return self.title[:len(self.title) - len(self.name)] + self.name.rsplit("/", 1)[0]


@dataclass(frozen=True)
class Origin:
    """Where a scheduled save was asked for: the configuration page as the wiki spells it, the
    revision the run read, and the line of that revision naming the report (none for the
    status page)."""

    page: str
    revid: int | None
    line: int | None = None


def named_roots(flags: Iterable[str] = ()) -> tuple[str, ...]:
    """The roots a maintainer named: *flags* (``--allow-root``), then those of :data:`ENV`."""
    found = [*flags, *re.split(r"[|\n]", os.environ.get(ENV, ""))]
    cleaned = (" ".join(entry.split()).rstrip("/").strip() for entry in found)
    return tuple(dict.fromkeys(entry for entry in cleaned if entry))


def covers(root: Place, place: Place) -> bool:
    """Whether *place* is *root* or one of its subpages."""
    return root.namespace == place.namespace and (
        place.name == root.name or place.name.startswith(f"{root.name}/"))


def guarded(place: Place, bot: str) -> str | None:
    """Why only a root a maintainer named may allow *place* (None: a default may, too)."""
    if place.content:
        if place.namespace == 0:
            return "it is in the article namespace"
        return f"it is in the content namespace “{place.namespace_name}”"
    if place.namespace in USER_NAMESPACES and place.owner != bot:
        return f"it is in the user space of {place.owner}, not of the bot's account {bot}"
    return None


def check(root: Place, default: Place, named: Sequence[Place], bot: str) -> None:
    """Raise :class:`bot.errors.RootRefused` unless the bot, logged in as *bot*, may write
    *root* and its subpages (the rule is in the module's description)."""
    for entry in named:
        if entry.problem:
            raise UsageError(f"--allow-root “{entry.title}”: {entry.problem}")
    usable = [p for p in (default, *named)
              if not p.problem and (p in named or guarded(p, bot) is None)]
    allowed = tuple(dict.fromkeys(p.title for p in usable))
    if root.problem:
        reason = root.problem
    elif (zone := guarded(root, bot)) is not None:
        if any(covers(p, root) for p in named):
            return
        reason = f"{zone}, where only a root a maintainer names allows the bot to write"
    elif any(covers(p, root) for p in usable):
        return
    else:
        reason = "it is neither one of the roots allowed nor a subpage of one"
    listed = ", ".join(f"“{title}”" for title in allowed) or "none"
    raise RootRefused(
        f"the bot may not write under “{root.title}”: {reason}. Roots allowed, with their "
        f"subpages: {listed}. A maintainer allows another with --allow-root PREFIX or {ENV}.",
        root=root.title, allowed=allowed, reason=reason)


def audit(origin: Origin | None) -> str:
    """The part of an edit summary that says where the save was asked for ("" without)."""
    if origin is None:
        return ""
    if origin.revid is None:
        return f"asked for on [[{origin.page}]]"
    line = f", line {origin.line}" if origin.line else ""
    return (f"asked for on [[Special:PermanentLink/{origin.revid}|{origin.page}]] "
            f"(revision {origin.revid}{line})")


def fit_summary(text: str, origin: Origin | None, limit: int = SUMMARY_LIMIT) -> str:
    """*text* followed by the audit line of *origin*, within *limit* characters: *text* is
    shortened (with "…") when both do not fit, the audit line never."""
    tail = audit(origin)
    tail = f" \u00b7 {tail}" if tail else ""
    if len(text) + len(tail) > limit:
        text = text[: max(0, limit - len(tail) - 1)].rstrip() + "\u2026"
    return f"{text}{tail}"
