"""The status page of a scheduled run: the freshness of its data, and posting the page.

The page's body is rendered by :mod:`bot.report.status` from the run's
:class:`bot.schedule_data.ScheduleResult`; :func:`write_status` posts it between the bot's
markers (under the same allowed roots as the reports, with the configuration page in the edit
summary) and gives the page's outcome, a failure included.
"""

from __future__ import annotations

from datetime import datetime

from bot.errors import SdgGapsError
from bot.schedule_data import ScheduleOptions, ScheduleResult


def freshness(snapshot, result: ScheduleResult, started: datetime) -> list[str]:
    """The status page's lines on the data's age: live, or each item set's date in the snapshot."""
    if snapshot is None:
        return [f"live data from {result.endpoint}, queried {started:%Y-%m-%d %H:%M} UTC"]
    lines = []
    for info in snapshot.itemsets:
        lines.append(f"{info.title}: data of {info.data_date} (bundled snapshot)")
    return lines


def write_status(result: ScheduleResult, title: str, options: ScheduleOptions):
    """Post the status page *title*; its outcome, a failed one when the post failed."""
    from bot.report.status import STATUS_ID, status_body
    from bot.roots import Origin
    from bot.wiki import PageOutcome, post_page

    body = status_body(result)
    failed = sum(1 for r in result.reports for o in r.outcomes if o.status == "failed")
    label = (f"status: {len(result.reports)} report(s), {failed} failed page(s), "
             f"{len(result.messages)} configuration message(s)")
    run_id = result.started.strftime("%Y%m%dT%H%M%SZ")
    try:
        outcome = post_page(title, STATUS_ID, body, run_id=run_id, label=label,
                            pywikibot_args=options.pywikibot_args, echo=options.echo,
                            allow_roots=options.allow_roots,
                            origin=Origin(result.config_title, result.config_revid))
    except SdgGapsError as exc:
        outcome = PageOutcome(title, "failed", " ".join(str(exc).split()))
        options.echo(str(outcome))
    return outcome
