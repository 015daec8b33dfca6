"""Posting through pywikibot: :func:`post_report`, :func:`post_page` and the bot that saves.

:class:`ReportBot` is a pywikibot bot: its generator is the plan of :mod:`bot.wiki.plan` and
:meth:`ReportBot.treat` writes each page. Saves carry the revision they were based on, so an
edit made by someone else in between is an edit conflict: the page is read again and the report
spliced into the fresh text, up to :data:`CONFLICT_ATTEMPTS` times; nobody's words are
overwritten. One page failing does not stop the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pywikibot
from pywikibot import config
from pywikibot.bot import SingleSiteBot
from pywikibot.exceptions import (
    EditConflictError,
    LockedPageError,
    NoCreateError,
    OtherPageSaveError,
)
from pywikibot.exceptions import Error as PywikibotError

from bot.errors import WikiError
from bot.roots import Origin
from bot.wiki.guard import guard_root
from bot.wiki.local import post_locally
from bot.wiki.plan import (
    PageOutcome,
    PageTarget,
    PostOptions,
    Report,
    ReportPage,
    edit_summary,
    next_text,
    old_stats,
    plan_targets,
)
from bot.wiki.session import (
    check_password_file,
    configured_site,
    current_text,
    describe_error,
    global_options,
    logged_in_site,
    page_budget,
)

# How often a save that hit an edit conflict is tried again on fresh text.
CONFLICT_ATTEMPTS = 3


def post_report(
    report_dir: Path, options: PostOptions, echo: Callable[[str], object] = print
) -> list[PageOutcome]:
    """Post the pages of *report_dir* under ``options.root``; one outcome (and line) per page.

    Raises :class:`bot.errors.WikiError` for what stops every page: an incomplete report
    without ``allow_incomplete``, a password file others can read, a wiki that cannot be
    logged in to; :class:`bot.errors.UsageError` for an unreadable report directory or an
    unknown pywikibot option; :class:`bot.errors.RootRefused` (before logging in) for a root
    outside the allowed roots.
    """
    report = Report.read(report_dir)
    if not report.complete and not options.allow_incomplete and options.local_dir is None:
        raise WikiError(
            f"report {report.run_id} is incomplete (part of its data could not be fetched); "
            "nothing posted. --allow-incomplete posts it anyway"
        )
    with global_options(options.pywikibot_args):
        check_password_file()
        if options.local_dir is not None:
            return post_locally(report, options, echo)
        # Refused before logging in (the writer checks again, as it does for every caller).
        guard_root(configured_site(), options.root, options.allow_roots, options.origin)
        site = logged_in_site()
        bot = ReportBot(site=site, report=report, options=options,
                        budget=page_budget(site, options), echo=echo)
        bot.run()
    return bot.outcomes


# --- writing -----------------------------------------------------------------------------


class ReportBot(SingleSiteBot):
    """Writes the pages of one report directory, keeping one :class:`PageOutcome` per page.

    A pywikibot bot: :meth:`run` walks the generator of pages (planned report by report) and
    :meth:`treat` writes each one, so throttling, counters and the end-of-run statistics are
    pywikibot's own.
    """

    def __init__(self, *, site, report: Report, options: PostOptions, budget: int,
                 echo: Callable[[str], object]) -> None:
        guard_root(site, options.root, options.allow_roots, options.origin)
        self._report = report
        self._options = options
        self._echo = echo
        self._plans: dict[str, PageTarget] = {}
        self._planned_pages: dict[str, pywikibot.Page] = {}
        self.outcomes: list[PageOutcome] = []
        super().__init__(site=site, generator=self._pages(budget), always=True)

    def _pages(self, budget: int) -> Iterator[pywikibot.Page]:
        for target in plan_targets(self._report, self._options, budget,
                               lambda title: pywikibot.Page(self.site, title).title(),
                               self._read_once):
            self._plans[target.title] = target
            # The page as planning read it: its first save is based on that revision.
            yield self._planned_pages.pop(target.title, None) or pywikibot.Page(
                self.site, target.title)

    def _read_once(self, title: str) -> str | None:
        page = self._planned_pages.setdefault(title, pywikibot.Page(self.site, title))
        return current_text(page)

    def treat(self, page: pywikibot.Page) -> None:
        target = self._plans[page.title()]
        try:
            outcome = self._write(page, target)
        except PywikibotError as exc:
            outcome = PageOutcome(target.title, "failed", describe_error(exc))
        except WikiError as exc:  # the page could not be read again before saving
            outcome = PageOutcome(target.title, "failed", str(exc))
        self.counter[outcome.status] += 1
        self.outcomes.append(outcome)
        self._echo(str(outcome))

    def _write(self, page: pywikibot.Page, target: PageTarget) -> PageOutcome:
        if target.failure:
            return PageOutcome(target.title, "failed", target.failure)
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            if attempt > 1:
                page = pywikibot.Page(self.site, target.title)  # nothing cached from before
            old = current_text(page)
            new = next_text(target, old, old is None or page.botMayEdit())
            if isinstance(new, PageOutcome):
                return new
            summary = edit_summary(target.label, old_stats(old, target.report_id),
                                   target.stats, self._report.run_id,
                                   self._options.summary_prefix, self._options.origin)
            if self._options.before_save is not None:
                self._options.before_save(target.title)
            try:
                return self._save(page, old, new, summary)
            except (EditConflictError, NoCreateError):
                continue  # saved or deleted in between: read again, splice into that text
            except LockedPageError:
                return PageOutcome(target.title, "failed", "protected: the bot may not edit it")
            except OtherPageSaveError as exc:  # pywikibot's wrapper for other save errors
                reason = exc.reason
                return PageOutcome(target.title, "failed", describe_error(reason) if isinstance(
                    reason, PywikibotError) else " ".join(str(reason).split()))
        return PageOutcome(target.title, "failed",
                           f"edit conflict {CONFLICT_ATTEMPTS} times in a row")

    def _save(self, page, old: str | None, new: str, summary: str) -> PageOutcome:
        base = page.latest_revision_id if old is not None else None
        page.text = new
        # The base revision id, and no base timestamp: given a timestamp, MediaWiki suppresses
        # the conflict when no revision is newer than it, and a person's edit made in the same
        # second as the base revision is not newer. pywikibot sends one unless told otherwise.
        extra = ({"nocreate": True, "baserevid": base, "basetimestamp": None} if base
                 else {"createonly": True})
        page.save(summary=summary, watch="nochange", minor=False, quiet=True, **extra)
        self.counter["write"] += 1
        if config.simulate:
            return PageOutcome(page.title(), "saved", f"simulated, not sent: {summary}")
        if base and page.latest_revision_id == base:
            return PageOutcome(page.title(), "unchanged", "the wiki saw no change")
        return PageOutcome(page.title(), "saved", summary)


def post_page(
    title: str,
    report_id: str,
    body: str,
    *,
    run_id: str,
    label: str,
    pywikibot_args: Iterable[str] = (),
    echo: Callable[[str], object] = print,
    summary_prefix: str = "",
    allow_roots: Iterable[str] = (),
    origin: Origin | None = None,
) -> PageOutcome:
    """Write *body* between the markers of *report_id* on *title* (created if missing), with
    everything the report writer guarantees: text outside the markers kept, {{nobots}}
    honoured, edit conflicts retried on fresh text, no edit when nothing changed. The shrink
    guard does not apply (a status page is not a list of gaps); the allowed roots do, with
    *allow_roots* and *origin* as in :class:`PostOptions`."""
    report = Report(run_id=run_id, complete=True,
                     pages=[ReportPage(id=report_id, subpage="", body=body, label=label)])
    options = PostOptions(root=title, force=True, pywikibot_args=list(pywikibot_args),
                          summary_prefix=summary_prefix, allow_roots=tuple(allow_roots),
                          origin=origin)
    with global_options(options.pywikibot_args):
        check_password_file()
        site = logged_in_site()
        bot = ReportBot(site=site, report=report, options=options,
                        budget=page_budget(site, options), echo=echo)
        bot.run()
    if not bot.outcomes:
        return PageOutcome(title, "failed", "not written")
    return bot.outcomes[-1]
