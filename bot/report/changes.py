"""The "Since the last run" sections: what changed since the previous run, as report blocks.

:mod:`bot.history` computes the changes (a :class:`bot.history.Changes` on
``analysis.changes``); this module only shows them, on the language pages (per goal: the
coverage delta, the gaps closed and the new gaps, listed) and on the goal pages (per language:
the delta and how many gaps closed and opened).

The listed items link to Wikidata with *external* links (``[https://www.wikidata.org/wiki/Q42
Q42]``), never with the ``[[:d:Q42|Q42]]`` wikilinks of the gap tables, and the lists are
bullets, not table rows: the writer (:mod:`bot.wiki`) counts those wikilinks for its edit
summary and the table rows for its shrink guard, and a list of changes must move neither.
"""

from __future__ import annotations

import pandas as pd

from bot.report import links
from bot.report.model import Bullets, ExtLink, Heading, Number, Para, Plain, Span, span


def _changes(ctx):
    return getattr(ctx.analysis, "changes", None)


def when(iso: str) -> str:
    """``2026-11-23T09:00:00+00:00`` → ``2026-11-23 09:00 UTC``."""
    try:
        stamp = pd.Timestamp(iso)
    except (ValueError, TypeError):
        return str(iso)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def signed(value: float, digits: int = 2) -> Span:
    """+0.25 / −0.25 / ±0.00 as a piece: the sign, then the figure in the report's format."""
    value = round(float(value), digits)
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return span(Plain(sign), Number(abs(value), digits))


def _item(qid: str) -> ExtLink:
    return ExtLink(links.wikidata_url(qid), Plain(qid))


def _closed_line(subdomain: str, row) -> Span:
    title = row.title if isinstance(row.title, str) and row.title else None
    if title is None:
        return span(_item(row.qid))
    return span(ExtLink(links.article_url(subdomain, title), Plain(title)), " (",
                _item(row.qid), ")")


def _opened_line(ctx, row) -> Span:
    reason = {"article gone": "since.reason_gone", "new item": "since.reason_new"}.get(row.reason)
    parts = [Plain(str(row.label or row.qid)), " (", _item(row.qid), ")"]
    if reason:
        parts += [": ", ctx.t(reason)]
    return span(*parts)


def _listed(ctx, frame: pd.DataFrame, line) -> list:
    limit = max(1, int(ctx.page_rows))
    blocks = [Bullets(tuple(line(r) for r in frame.head(limit).itertuples(index=False)))]
    if len(frame) > limit:
        blocks.append(Para(ctx.t("since.more", more=Number(len(frame) - limit))))
    return blocks


def language_blocks(ctx, goal: int, wiki: str) -> list:
    """The "Since the last run" subsection of one goal on a language page."""
    changes = _changes(ctx)
    if changes is None:
        return []
    t = ctx.t
    row = changes.cell(goal, wiki)
    blocks: list = [Heading(3, t("since.heading"))]
    if row is None or pd.isna(row.get("baseline")):
        return blocks + [Para(t("since.first"))]
    blocks.append(Para(t(
        "since.line",
        run=row["baseline_run_id"],
        date=when(row["baseline_finished"]),
        before=Number(float(row["coverage_before"]), 2),
        after=Number(float(row["coverage_pct"]), 2),
        delta=signed(row["delta_pct"]),
        closed=Number(int(row["closed"])),
        opened=Number(int(row["opened"])),
    )))
    subdomain = ctx.subdomain(wiki)
    closed = changes.closed_in(goal, wiki)
    if len(closed):
        blocks.append(Para(t("since.closed")))
        blocks += _listed(ctx, closed, lambda r: _closed_line(subdomain, r))
    opened = changes.opened_in(goal, wiki)
    if len(opened):
        blocks.append(Para(t("since.opened")))
        blocks += _listed(ctx, opened, lambda r: _opened_line(ctx, r))
    if int(row["left"]):
        blocks.append(Para(t("since.left", left=Number(int(row["left"])))))
    return blocks


def goal_blocks(ctx, goal: int) -> list:
    """The "Since the last run" section of a goal page: one line per language that changed."""
    changes = _changes(ctx)
    if changes is None:
        return []
    t = ctx.t
    cells = changes.cells[changes.cells["goal"] == goal]
    blocks: list = [Heading(2, t("since.heading"))]
    known = cells[cells["baseline"].notna()]
    if known.empty:
        return blocks + [Para(t("since.goal_first"))]
    latest = known.sort_values("baseline").iloc[-1]
    blocks.append(Para(t(
        "since.goal_line",
        run=latest["baseline_run_id"],
        date=when(latest["baseline_finished"]),
        closed=Number(int(known["closed"].sum())),
        opened=Number(int(known["opened"].sum())),
    )))
    moved = known[(known["closed"] > 0) | (known["opened"] > 0) | (known["left"] > 0)
                  | (known["delta_pct"].abs() > 0)]
    if len(moved):
        blocks.append(Bullets(tuple(
            t(
                "since.goal_language",
                name=ctx.language_name(r.wiki),
                code=r.language,
                before=Number(float(r.coverage_before), 2),
                after=Number(float(r.coverage_pct), 2),
                delta=signed(r.delta_pct),
                closed=Number(int(r.closed)),
                opened=Number(int(r.opened)),
            )
            for r in moved.sort_values(["delta_pct", "wiki"], ascending=[False, True])
            .itertuples(index=False)
        )))
    unchanged = len(known) - len(moved)
    if unchanged:
        key = "since.goal_same" if len(moved) else "since.goal_unchanged"
        blocks.append(Para(t(key, count=Number(unchanged))))
    new = len(cells) - len(known)
    if new:
        blocks.append(Para(t("since.goal_new", count=Number(new))))
    return blocks
