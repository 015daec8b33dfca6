"""Where the bot may write, asked of the wiki: the rule is :mod:`bot.roots`'s.

Nothing is written under a root the bot may not write. :func:`guard_root` checks a root against
the allowed roots with the titles spelt by the wiki (:func:`_place`: namespace, owner,
subpages), for the account pywikibot logs in with; the writer calls it before its first page,
and :func:`check_root` lets a caller refuse a root before any work.
"""

from __future__ import annotations

from collections.abc import Iterable

import pywikibot
from pywikibot.exceptions import Error as PywikibotError

from bot import roots
from bot.errors import UsageError
from bot.roots import Origin
from bot.wiki.session import configured_site, describe_error, global_options

# --- where the bot may write (the rule is bot.roots's) -----------------------------------


def check_root(title: str, *, allow_roots: Iterable[str] = (), origin: Origin | None = None,
               pywikibot_args: Iterable[str] = ()) -> str:
    """Check, as every save does, that the bot may write a report under *title* (*allow_roots*
    and *origin* as in :class:`PostOptions`); the title as the wiki spells it. The wiki is
    asked how it spells titles; nothing is written and no login is needed.

    Raises :class:`bot.errors.RootRefused` when it may not, :class:`bot.errors.UsageError`
    for a title the wiki cannot have, :class:`bot.errors.WikiError` when the wiki cannot be
    reached.
    """
    with global_options(list(pywikibot_args)):
        return guard_root(configured_site(), title, allow_roots, origin)


def guard_root(site, root: str, allow_roots: Iterable[str], origin: Origin | None) -> str:
    """:func:`bot.roots.check` on titles spelt by *site*, for the account pywikibot logs in
    with (its configured user name); the root as the wiki spells it."""
    site.namespaces  # noqa: B018  (a wiki out of reach fails here, not as a bad title)
    place = _place(site, root, "the root")
    if origin is None:
        default = place
    else:
        config = _place(site, origin.page, "the configuration page")
        default = config if config.base == config.title else _place(
            site, config.base, "the configuration page's base page")
    named = [_place(site, title, "--allow-root") for title in roots.named_roots(allow_roots)]
    bot = pywikibot.User(site, site.username()).username if site.username() else ""
    roots.check(place, default, named, bot)
    return place.title


def _place(site, title: str, what: str) -> roots.Place:
    """*title* as *site* spells it, and what the wiki says of its namespace."""
    try:
        page = pywikibot.Page(site, title)
        name = page.title()
        namespace = page.namespace()
        bare = page.title(with_ns=False)
    except (PywikibotError, ValueError) as exc:
        detail = describe_error(exc) if isinstance(exc, PywikibotError) else str(exc)
        raise UsageError(f"{what} {title!r} is not a valid page title: {detail}") from None
    problem = None
    if page.site != site:
        problem = f"it is a page of another wiki ({page.site})"
    elif int(namespace) < 0:
        problem = "it is a special page, which cannot be written"
    elif page.section():
        problem = "it names a section of a page (#…), not a page"
    return roots.Place(
        title=name, namespace=int(namespace), name=bare, namespace_name=namespace.custom_name,
        content=bool(getattr(namespace, "content", int(namespace) == 0)),
        owner=bare.split("/", 1)[0] if int(namespace) in roots.USER_NAMESPACES else None,
        problem=problem, subpages=bool(getattr(namespace, "subpages", True)))
