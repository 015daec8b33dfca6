"""Campaign templates in a scheduled run: ``{{SDG gaps campaign}}`` handled like a report.

:func:`run_campaigns` is called by :func:`bot.schedule.run_schedule`'s run, with the source it
opened for the reports. Every campaign template is read and checked (one message per mistake,
on the status page; the valid parts run), its root page is checked against the allowed roots
(the same guard, the same audit line in the edit summaries: the configuration page, its
revision and the template's line), and a campaign that is due — updated at least 7 days ago,
as a report without ``every`` — or named by ``--page`` is published (its pages updated; its
start frozen the first time) and then measured: its impact page, posted as ``<page>/Impact``.
The publication is itself the run's fresh look at the campaign.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from types import SimpleNamespace

from bot.errors import RootRefused, SdgGapsError, UsageError

EVERY_DAYS = 7.0  # a report's default `every`


def _slug(name: str) -> str:
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")[:60] or "campaign"
    return f"campaign-{plain}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def wanted(campaigns, page: str | None, titles) -> list:
    """The campaigns to consider: all, or the one whose root page is *page* (compared as
    *titles* — the wiki's spellings of ``[page, *campaign pages]`` — say)."""
    if page is None:
        return list(campaigns)
    return [c for c, t in zip(campaigns, titles[1:], strict=True) if t == titles[0]]


def run_campaigns(text: str, config_title: str, config_revid, history, opened, result, options,
                  *, not_due, outcome, snapshot_qids=None) -> None:
    """Run the campaign templates of the configuration page *text* into *result* (its messages
    and its reports, as :class:`bot.schedule_data.ReportOutcome` made by *outcome*); *not_due* is
    the schedule's rule (spec, root page, history, now) → why not due, or None."""
    from bot.campaign.impact import impact
    from bot.campaign.publish import open_campaign, publish
    from bot.campaign.spec import parse_campaigns
    from bot.onwiki import ConfigMessage
    from bot.roots import Origin
    from bot.wiki import PostOptions, check_root, read_pages

    campaigns, messages = parse_campaigns(text)
    result.messages += messages
    if options.page is not None and campaigns:
        titles = [p.title for p in read_pages([options.page, *(c.page for c in campaigns)],
                                              options.pywikibot_args)]
        campaigns = wanted(campaigns, options.page, titles)
    elif options.page is not None:
        campaigns = []
    echo = options.echo

    def note(campaign, status: str, reason: str = "", **more) -> None:
        result.reports.append(outcome(number=campaign.number, page=campaign.page,
                                      status=status, reason=reason, kind="campaign", **more))

    for campaign in campaigns:

        try:
            [root] = read_pages([campaign.page], options.pywikibot_args, bot_edits=True)
        except UsageError as exc:
            result.messages.append(ConfigMessage(
                campaign.line_of("page"), f"{exc}; this campaign is skipped. Expected: the "
                "title of the campaign's root page.", campaign.number, campaign.page, "page",
                "campaign"))
            note(campaign, "skipped", "not run: its page is not a valid title")
            continue
        campaign = dataclasses.replace(campaign, page=root.title)
        origin = Origin(config_title, config_revid, campaign.line_of("page"))
        try:
            check_root(campaign.page, allow_roots=options.allow_roots, origin=origin,
                       pywikibot_args=options.pywikibot_args)
        except RootRefused as exc:
            note(campaign, "refused", exc.reason, line=origin.line, allowed=exc.allowed)
            echo(f"refused   {campaign.page}: {exc}")
            continue
        due = SimpleNamespace(every_days=EVERY_DAYS, page=campaign.series)
        waiting = None if options.page else not_due(due, root, history, options.now())
        if waiting:
            note(campaign, "skipped", waiting)
            echo(f"skipped   {campaign.page}: {waiting}")
            continue
        checked = open_campaign(campaign, None, opened=opened, snapshot_qids=snapshot_qids)
        result.messages += checked.messages
        if checked.resolved is None:
            note(campaign, "skipped",
                 "not run: mistakes in its configuration (see the messages below)")
            continue
        post = PostOptions(root=campaign.page, pywikibot_args=list(options.pywikibot_args),
                           allow_roots=options.allow_roots, origin=origin)
        base = (options.out_dir or options.history.parent / "scheduled") / _slug(campaign.name)
        try:
            published = publish(campaign, history=options.history, out=base / "publish",
                                post=post, engine=options.engine, master=options.master,
                                checked=checked, echo=echo)
            outcomes = list(published.outcomes)
            run_id = published.record.run_id if published.record is not None else None
            if published.frozen is not None:
                measured = impact(campaign, history=options.history, out=base / "impact",
                                  post=post, echo=echo)
                outcomes += measured.outcomes
        except SdgGapsError as exc:
            reason = " ".join(str(exc).split())
            note(campaign, "failed", reason)
            echo(f"failed    {campaign.page}: {reason}")
            continue
        for line in published.notes:
            echo(f"note      {campaign.page}: {line}")
        note(campaign, "done", outcomes=outcomes, run_id=run_id)


def names_campaign(page: str, text: str, pywikibot_args) -> bool:
    """Does a campaign template of the configuration page *text* have the root *page*?"""
    from bot.campaign.spec import parse_campaigns
    from bot.wiki import read_pages

    campaigns = parse_campaigns(text)[0]
    if not campaigns:
        return False
    titles = [p.title for p in read_pages([page, *(c.page for c in campaigns)], pywikibot_args)]
    return bool(wanted(campaigns, page, titles))
