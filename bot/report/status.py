"""The status page of scheduled runs: what the last run did, for the organizers.

After each ``sdg-gaps schedule`` the bot writes, between its markers on the status page: when
the run started and how long it took, the outcome of every page (saved / unchanged / skipped /
refused / failed, with the reason), the reports refused because their root lies outside the
roots allowed (with the line of the configuration page naming the root, the root asked for and
the roots allowed), the query time used, how fresh the data is, and every mistake found on the
configuration page. A root the bot refused is shown as text, not linked.

Rendered from a :class:`bot.schedule_data.ScheduleResult`; page titles, reasons and configuration
messages pass through :mod:`bot.report.escape` like every other untrusted text.
"""

from __future__ import annotations

from bot.report import escape
from bot.report.wikitext import table

STATUS_ID = "status"


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def _page(title: str) -> str:
    """A link to a page title the wiki accepted (pywikibot normalized it: no [ ] { } | < > #),
    with the title escaped as its text."""
    if any(ch in title for ch in "[]{}|<>#\n") or "~~~" in title:
        return escape.text(title)
    return f"[[:{title}|{escape.text(title)}]]"


def _number(report) -> str:
    """``3`` for the third report template; ``campaign 1`` for the first campaign template."""
    kind = getattr(report, "kind", "report")
    return str(report.number) if kind == "report" else f"{kind} {report.number}"


def _seconds(value: float) -> str:
    return f"{value:,.1f} s" if value < 120 else f"{value / 60:,.1f} min"


def status_body(result) -> str:
    """The wikitext between the status page's markers."""
    lines = []
    duration = (result.finished - result.started).total_seconds()
    lines.append(
        f"Last run of the sdg-gaps bot: started {escape.text(_when(result.started))}, finished "
        f"{escape.text(_when(result.finished))} ({escape.text(_seconds(duration))}). "
        f"Configuration: {_page(result.config_title)}"
        + (f" (revision {int(result.config_revid)})." if result.config_revid else ".")
    )
    if result.only_page:
        lines.append("")
        lines.append(f"Run by hand for one report only: {_page(result.only_page)}.")
    if result.recovered:
        lines.append("")
        lines.append(
            "The run before this one (process "
            f"{escape.text(result.recovered.get('pid', '?'))}, started "
            f"{escape.text(result.recovered.get('started', '?'))}) did not finish: it was "
            "stopped or crashed. Pages are saved whole or not at all and the history keeps only "
            "finished runs, so nothing was left half-done; this run carried on from the last "
            "finished one."
        )
    lines += ["", "== Pages =="]
    rows = []
    for report in result.reports:
        where = escape.text(report.page) if report.status == "refused" else _page(report.page)
        if not report.outcomes:
            rows.append((_number(report), where, escape.text(report.status),
                         escape.text(report.reason)))
            continue
        for outcome in report.outcomes:
            rows.append((_number(report), _page(outcome.title), escape.text(outcome.status),
                         escape.text(outcome.reason)))
    if rows:
        lines.append(table(["Report", "Page", "Outcome", "Details"], rows, sortable=False))
    else:
        lines.append("No report ran.")
    counts = {}
    for report in result.reports:
        for outcome in report.outcomes or [report]:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
    if counts:
        lines.append("Totals: " + escape.text(
            ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))) + ".")
    lines += _refused(result)
    changed = [r for r in result.reports if r.changes]
    if changed:
        lines += ["", "== Since the last run =="]
        for report in changed:
            c = report.changes
            if c.get("cells_with_baseline"):
                lines.append(f"* {_page(report.page)}: {c['closed']:,} gaps closed, "
                             f"{c['opened']:,} new gaps.")
            else:
                lines.append(f"* {_page(report.page)}: first run, nothing to compare with.")
    lines += ["", "== Data =="]
    lines.append(
        f"* Query service: {escape.text(result.endpoint)}; "
        f"{result.queries:,} SPARQL queries, {escape.text(_seconds(result.query_seconds))} "
        "of query time."
    )
    for fresh in result.freshness:
        lines.append(f"* Data freshness: {escape.text(fresh)}")
    lines += ["", "== Configuration messages =="]
    if result.messages:
        lines.append(
            f"{len(result.messages)} mistake(s) on the configuration page. The rest of the "
            "configuration ran; fix these and the next run picks them up."
        )
        lines += [f"* {escape.text(str(message))}" for message in result.messages]
    else:
        lines.append("None: the configuration page is valid.")
    return "\n".join(lines)


def _refused(result) -> list[str]:
    """The section on the reports whose root lies outside the roots allowed."""
    refused = [r for r in result.reports if r.status == "refused"]
    if not refused:
        return []
    rows = [(str(r.line or ""), _number(r), escape.text(r.page), escape.text(r.reason),
             escape.text(", ".join(f"“{t}”" for t in r.allowed) or "none")) for r in refused]
    return [
        "", "== Roots not allowed ==",
        f"{len(refused)} report(s) not run: the bot writes only under the roots a maintainer "
        "allowed (by default the configuration page's base page and its subpages), never in "
        "the article namespace or another user's user space unless a maintainer named that "
        "place. Choose a root under an allowed one, or ask a maintainer to allow yours.",
        table(["Line", "Report", "Root asked for", "Why not", "Roots allowed (with subpages)"],
              rows, sortable=False),
    ]
