"""The local preview of a post (``--local DIR``): each page and its diff written to files.

Nothing is saved. The wiki is read when it answers, with the same plan and the same guards as
a post (:mod:`bot.wiki.plan`, :mod:`bot.wiki.guard`); when it cannot be reached, every page is
written as new.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from urllib.parse import quote

import pywikibot
from pywikibot import config
from pywikibot.exceptions import Error as PywikibotError

from bot.errors import WikiError
from bot.wiki.guard import guard_root
from bot.wiki.plan import (
    DEFAULT_PAGE_BYTES,
    PageOutcome,
    PostOptions,
    Report,
    edit_summary,
    next_text,
    old_stats,
    plan_targets,
)
from bot.wiki.session import current_text, describe_error, page_budget


def post_locally(report: Report, options: PostOptions,
                  echo: Callable[[str], object]) -> list[PageOutcome]:
    """Write each page to ``options.local_dir`` with a unified diff against the live text.

    Nothing is saved. The wiki is read, and the root checked against the allowed roots, when it
    answers; when it cannot be reached at all, every page is written as new and its diff is
    against nothing (a warning says so). A page the wiki answers but will not give fails, with
    its whole report, as when posting.
    """
    # A preview should not wait minutes for a wiki that is down: try once.
    config.max_retries = min(config.max_retries, 1)
    try:
        site = pywikibot.Site()  # logs in from the cookie file, so it reaches the wiki
        budget = page_budget(site, options)
        guard_root(site, options.root, options.allow_roots, options.origin)
        pages: dict[str, pywikibot.Page] = {}

        def page_of(title: str) -> pywikibot.Page:
            return pages.setdefault(title, pywikibot.Page(site, title))

        def title_of(title: str) -> str:
            return page_of(title).title()

        def read(title: str) -> str | None:
            return current_text(page_of(title))

        def may_edit(title: str) -> bool:
            return page_of(title).botMayEdit()

        live = "live"
    except PywikibotError as exc:
        pywikibot.warning(f"wiki not reachable ({describe_error(exc)}): pages written as new")
        budget = options.max_page_bytes or DEFAULT_PAGE_BYTES

        def title_of(title: str) -> str:
            return title

        def read(title: str) -> None:
            return None

        def may_edit(title: str) -> bool:
            return True

        live = "wiki not reachable"
    outcomes = []
    directory = options.local_dir
    directory.mkdir(parents=True, exist_ok=True)
    for target in plan_targets(report, options, budget, title_of, read):
        try:
            old = None if target.failure else read(target.title)
        except WikiError as exc:
            target.failure = str(exc)
        new = next_text(target, old, old is None or may_edit(target.title))
        if isinstance(new, PageOutcome):
            outcome = new
        else:
            name = quote(target.title.replace(" ", "_"), safe="")
            (directory / f"{name}.wiki").write_text(new, encoding="utf-8")
            diff = "".join(difflib.unified_diff(
                (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                fromfile=f"{target.title} ({live if old is not None else 'new page'})",
                tofile=f"{target.title} (sdg-gaps)",
            ))
            (directory / f"{name}.diff").write_text(diff, encoding="utf-8")
            summary = edit_summary(target.label, old_stats(old, target.report_id),
                                   target.stats, report.run_id, options.summary_prefix,
                                   options.origin)
            outcome = PageOutcome(target.title, "saved",
                                  f"written to {name}.wiki, not posted; {summary}")
        outcomes.append(outcome)
        echo(str(outcome))
    return outcomes
