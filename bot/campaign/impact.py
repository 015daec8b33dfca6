"""A campaign's impact: its frozen start against every look recorded since.

:func:`measure` (pure pandas) counts, per language and month from the campaign's start (or its
publication, when later) to the latest look: the worklist's items (``worklist_items``), how
many of them have an article at the month's latest look (``created``), how many are still
missing (``still_missing``), and the same for the comparison group — the scope's other items
missing at publication (``control_items``, ``control_created``). A month without a look of its
own carries the latest earlier look; before any, the publication's state (nothing created).
Items a look could not see (no longer in its item sets) are neither created nor missing; the
per-run figures (``runs``) count them. The month rows follow the per-category, monthly shape of
Wikimedia's Knowledge Gaps metrics.

:func:`impact` first takes, when given a data source, a fresh look at the current data — a run
of the campaign's scope recorded in the history like any other (series ``campaign: <name>``) —
then measures and writes ``impact.csv`` (exactly :data:`CSV_COLUMNS`), ``impact.json``,
``impact.png`` (created articles per month and language) and the impact page, in wikitext and
HTML (:mod:`bot.report.impact`), posted with a post under the campaign's root page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from bot.campaign import store
from bot.campaign.spec import Campaign
from bot.errors import UsageError

CSV_COLUMNS = ["wiki", "month", "worklist_items", "created", "still_missing", "control_items",
               "control_created"]
RUN_COLUMNS = ["run", "run_id", "series", "finished", "month", "wiki", "worklist_items",
               "created", "still_missing", "unseen", "control_items", "control_created",
               "control_unseen"]


@dataclass
class Measured:
    months: pd.DataFrame  # CSV_COLUMNS
    runs: pd.DataFrame  # RUN_COLUMNS: every look since the start
    created: pd.DataFrame  # wiki, qid, group, label, title, month: articles at the latest look
    first_month: str
    latest: str | None  # when the latest look finished


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def measure(items: pd.DataFrame, looks: pd.DataFrame, seen: pd.DataFrame, *, start: date,
            frozen_at: str) -> Measured:
    """Count the frozen start (*items*: wiki, qid, position) against the *looks* (run, run_id,
    series, finished, wiki) and what they *saw* (run, wiki, qid, state, title). No I/O."""
    looks = looks[looks["finished"].str[:10] >= start.isoformat()]
    looks = looks.assign(month=looks["finished"].str[:7])
    on_list = items.assign(group=items["position"].notna().map(
        {True: "worklist", False: "control"}))
    size = on_list.groupby(["wiki", "group"]).size()
    state = seen.merge(on_list[["wiki", "qid", "group"]], on=["wiki", "qid"])
    counts = state.groupby(["run", "wiki", "group", "state"]).size()
    runs = []
    for r in looks.itertuples(index=False):
        def n(group, kind, r=r):
            return int(counts.get((r.run, r.wiki, group, kind), 0))

        items_w, items_c = int(size.get((r.wiki, "worklist"), 0)), int(
            size.get((r.wiki, "control"), 0))
        runs.append((int(r.run), r.run_id, r.series, r.finished, r.month, r.wiki, items_w,
                     n("worklist", "article"), items_w - n("worklist", "article")
                     - n("worklist", "unseen"), n("worklist", "unseen"), items_c,
                     n("control", "article"), n("control", "unseen")))
    runs = pd.DataFrame(runs, columns=RUN_COLUMNS)
    first = max(start.isoformat()[:7], frozen_at[:7])
    last = max([first, *runs["month"].tolist()])
    rows = []
    for wiki in sorted(set(items["wiki"].tolist())):
        mine = runs[runs["wiki"] == wiki]
        items_w, items_c = int(size.get((wiki, "worklist"), 0)), int(
            size.get((wiki, "control"), 0))
        for month in _months(first, last):
            before = mine[mine["month"] <= month]
            if len(before):
                latest = before.iloc[-1]
                rows.append((wiki, month, items_w, int(latest["created"]),
                             int(latest["still_missing"]), items_c,
                             int(latest["control_created"])))
            else:
                rows.append((wiki, month, items_w, 0, items_w, items_c, 0))
    months = pd.DataFrame(rows, columns=CSV_COLUMNS)
    return Measured(months, runs, _created(runs, state), first,
                    runs["finished"].max() if len(runs) else None)


def _created(runs: pd.DataFrame, state: pd.DataFrame) -> pd.DataFrame:
    """The frozen items with an article at each wiki's latest look, with the month of the
    first look since the start that saw it."""
    columns = ["wiki", "qid", "group", "title", "month"]
    if runs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    latest = runs.groupby("wiki")["run"].max().reset_index()
    articles = state[state["state"] == "article"]
    now = articles.merge(latest, on=["run", "wiki"])[["wiki", "qid", "group", "title"]]
    first = articles.merge(runs[["run", "wiki", "month"]], on=["run", "wiki"]).groupby(
        ["wiki", "qid"])["month"].min().reset_index()
    out = now.merge(first, on=["wiki", "qid"], how="left")
    out = out.assign(_q=out["qid"].str[1:].astype("int64")).sort_values(
        ["wiki", "group", "_q"], ascending=[True, False, True])
    return out[columns].reset_index(drop=True)


@dataclass
class Impact:
    campaign: Campaign
    out: Path
    measured: Measured
    frozen: store.Frozen
    fresh: object | None = None  # the fresh look's bot.history.RunRecord
    outcomes: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    status: int = 0


def fresh_look(campaign: Campaign, checked, history: Path, *, engine="compact", master=None,
               notify=lambda m: None):
    """A run of the campaign's scope on the current data, recorded like a run (a look)."""
    from bot.campaign.observe import attachment
    from bot.campaign.publish import analyse
    from bot.history import History

    done = analyse(checked, gaps_per_wiki=campaign.rows, engine=engine, master=master,
                   notify=notify)
    with History.open(history) as kept:
        done.analysis.run_id = kept.reserve_run_id(campaign.series, done.analysis.run_id)
        return kept.record(done.analysis, series=campaign.series,
                           attach=attachment(kept, done.analysis, done.gathered))


def impact(campaign: Campaign, *, history: Path, checked=None, out: Path | None = None,
           post=None, lang: str = "en", engine: str = "compact", master: str | None = None,
           notify=lambda m: None, echo=print) -> Impact:
    """Measure *campaign*'s impact (see the module's description); *checked* (a
    :class:`bot.campaign.publish.Opened`) is the data source of a fresh look, or None."""
    from bot.config import REPORTS_DIR
    from bot.history import History
    from bot.report.impact import write_impact

    with History.open(history) as kept:
        frozen = store.frozen(kept.connection, campaign.name)
    if frozen is None:
        raise UsageError(f"campaign “{campaign.name}” has no frozen start in {history}: "
                         "publish it first (sdg-gaps campaign publish FILE)")
    fresh = None
    if checked is not None:
        fresh = fresh_look(campaign, checked, history, engine=engine, master=master,
                           notify=notify)
    with History.open(history) as kept:
        db = kept.connection
        items = store.items(db, frozen.key)
        measured = measure(items, store.looks(db, frozen.key), store.seen(db, frozen.key),
                           start=campaign.start, frozen_at=frozen.frozen)
    stamp = (fresh.run_id if fresh is not None else frozen.run_id)
    out = out or REPORTS_DIR / f"impact-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    measured.months.to_csv(out / "impact.csv", index=False, columns=CSV_COLUMNS)
    document = {
        "campaign": campaign.definition(),
        "frozen": {"at": frozen.frozen, "run_id": frozen.run_id, "as_published":
                   frozen.definition, "items": {
                       w: {"worklist": int(part["position"].notna().sum()),
                           "control": int(part["position"].isna().sum())}
                       for w, part in items.groupby("wiki")}},
        "history": str(history),
        "fresh_look": fresh.run_id if fresh is not None else None,
        "first_month": measured.first_month,
        "latest_look": measured.latest,
        "months": measured.months.to_dict("records"),
        "runs": measured.runs.to_dict("records"),
        "created": measured.created.where(measured.created.notna(), None).to_dict("records"),
        "columns": {"created": "worklist items with an article at the month's latest look",
                    "still_missing": "worklist items without one",
                    "control_items": "the scope's other items missing at publication",
                    "control_created": "those of them with an article"},
    }
    (out / "impact.json").write_text(json.dumps(document, indent=2, ensure_ascii=False,
                                                default=str) + "\n", encoding="utf-8")
    write_impact(out, campaign, measured, frozen, lang=lang,
                 run_id=stamp, generated=measured.latest or frozen.frozen)
    result = Impact(campaign, out, measured, frozen, fresh,
                    messages=list(checked.messages) if checked is not None else [])
    if post is not None:
        from bot.wiki import post_report

        result.outcomes = post_report(out, post, echo=echo)
        if any(o.status == "failed" for o in result.outcomes):
            result.status = 1
    return result
