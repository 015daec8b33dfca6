"""Publishing a campaign: its worklists and page collection, and — once — its frozen start.

:func:`publish` analyses the campaign's goals and targets in its languages with
:func:`bot.runs.run` (every gap ranked, none left out), builds each language's worklist as
``sdg-gaps worklist`` does (:func:`bot.worklist.build_worklist`: ranked, source language,
Content Translation link), writes the campaign's pages (:mod:`bot.report.campaign`) and, with
a post, posts them under the campaign's root page through :func:`bot.wiki.post_report`
(between markers, under the allowed roots). The run is recorded in the history as a run of
the series ``campaign: <name>``.

The first publication also freezes the campaign's start, in the same transaction: for each
language, every item of the campaign's scope that had no article then — the worklist, with its
positions, and all the others, the comparison group. Publishing again rewrites the pages from
the current data (and is a look at the frozen start like any run) but never changes the frozen
start; a campaign whose data was incomplete is not frozen (its start would not be exact).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from bot.campaign import store
from bot.campaign.spec import Campaign, Resolved, resolve
from bot.errors import ConfigError

INCOMPLETE = 3  # as bot.runs.INCOMPLETE: written, built on incomplete data


@dataclass
class Opened:
    """A campaign checked against an opened data source."""

    campaign: Campaign
    opened: object  # bot.runs_facts.Opened
    catalogue: object
    wikis: object
    resolved: Resolved | None
    messages: list


def open_campaign(campaign: Campaign, source, *, opened=None, snapshot_qids=None,
                  itemset_files=()) -> Opened:
    """Open *source* (unless *opened*) and check the campaign against what it serves (the
    catalogue with the organizers' *itemset_files*)."""
    from bot.catalogue import load_catalogue
    from bot.languages import load_wikis
    from bot.runs_facts import open_source

    opened = opened or open_source(source)
    catalogue = load_catalogue(opened.snapshot, extra=tuple(itemset_files))
    wikis = load_wikis()
    resolved, messages = resolve(campaign, catalogue, wikis,
                                 embedded=bool(opened.snapshot_data or opened.files),
                                 snapshot_qids=snapshot_qids)
    return Opened(campaign, opened, catalogue, wikis, resolved, messages)


def analyse(checked: Opened, *, gaps_per_wiki: int | None, lang: str = "en",
            engine: str = "compact", master: str | None = None, notify=lambda m: None):
    """One run (:func:`bot.runs.run`, no report directory) of the campaign's scope."""
    from bot.ids import goal_of_target
    from bot.runs import RunRequest, run

    if checked.resolved is None:
        raise ConfigError(f"campaign “{checked.campaign.name}”: nothing of it can run: "
                          + "; ".join(str(m) for m in checked.messages))
    source = checked.opened.source
    fields = dict(source=source, languages=checked.resolved.wikis, engine=engine,
                  master=master, gaps_per_wiki=gaps_per_wiki, lang=lang, write=False)
    if checked.opened.files and source.members is not None:
        # A members file names its own item sets: a target stands for its goal there.
        campaign = checked.campaign
        goals = set(campaign.goals) | {goal_of_target(t) for t in campaign.targets}
        request = RunRequest(goals=tuple(sorted(goals)), **fields)
    else:
        request = RunRequest(itemsets=tuple(checked.catalogue.itemset(i)
                                            for i in checked.resolved.itemsets), **fields)
    return run(request, opened=checked.opened, notify=notify)


def start_frame(analysis, worklist: pd.DataFrame, wikis: list[str]) -> pd.DataFrame:
    """The frozen start: ``wiki, qid, goal, position, label`` — every gap of each wiki once
    (under its first goal in the ranking), ``position`` its place on the worklist or <NA>."""
    gaps = analysis.gaps[analysis.gaps["wiki"].isin(wikis)]
    gaps = gaps.assign(_q=gaps["qid"].str[1:].astype("int64")).sort_values(
        ["wiki", "sitelinks", "_q", "goal"], ascending=[True, False, True, True])
    gaps = gaps.drop_duplicates(["wiki", "qid"])
    places = {(w, q): i for w, part in worklist.groupby("wiki", sort=False)
              for i, q in enumerate(part["qid"].tolist(), start=1)}
    position = [places.get((w, q)) for w, q in zip(gaps["wiki"], gaps["qid"], strict=True)]
    frame = pd.DataFrame({"wiki": gaps["wiki"].tolist(), "qid": gaps["qid"].tolist(),
                          "goal": gaps["goal"].astype(int).tolist(),
                          "position": pd.array(position, dtype="Int64"),
                          "label": gaps["label"].tolist()})
    order = {w: i for i, w in enumerate(wikis)}
    frame = frame.assign(_o=frame["wiki"].map(order), _p=frame["position"].fillna(10**9),
                         _q=frame["qid"].str[1:].astype("int64"))
    return frame.sort_values(["_o", "_p", "_q"]).drop(columns=["_o", "_p", "_q"]).reset_index(
        drop=True)


@dataclass
class Published:
    campaign: Campaign
    out: Path
    worklist: pd.DataFrame
    missing: dict
    frozen: store.Frozen | None  # the campaign's frozen start (this publication's or earlier)
    new: bool  # frozen by this publication
    outcomes: list = field(default_factory=list)
    record: object | None = None
    notes: list[str] = field(default_factory=list)
    messages: list = field(default_factory=list)
    status: int = 0


def publish(campaign: Campaign, source=None, *, history: Path, out: Path | None = None,
            post=None, lang: str = "en", engine: str = "compact", master: str | None = None,
            checked: Opened | None = None, notify=lambda m: None, echo=print) -> Published:
    """Publish *campaign* (see the module's description)."""
    from bot.campaign.observe import attachment
    from bot.config import REPORTS_DIR
    from bot.history import History, published
    from bot.report.campaign import write_campaign
    from bot.report.pages import Context
    from bot.worklist import build_worklist

    checked = checked or open_campaign(campaign, source)
    done = analyse(checked, gaps_per_wiki=None, lang=lang, engine=engine, master=master,
                   notify=notify)
    analysis = done.analysis
    wiki_ids = list(checked.resolved.wikis)
    frame = build_worklist(analysis, checked.wikis, wiki_ids, None, campaign.rows)
    gaps = analysis.gaps
    missing = {w: int(gaps.loc[gaps["wiki"] == w, "qid"].nunique()) for w in wiki_ids}
    notes: list[str] = []
    with History.open(history) as kept:
        db = kept.connection
        analysis.run_id = kept.reserve_run_id(campaign.series, analysis.run_id)
        existing = store.frozen(db, campaign.name)
        if existing is not None and existing.definition != campaign.definition():
            notes.append(f"the start frozen on {existing.frozen} is kept, as the campaign was "
                         "then; the pages follow the campaign as it is now")
        freeze_now = existing is None and analysis.complete
        if existing is None and not analysis.complete:
            notes.append("incomplete data: the start is not frozen; publish again when the "
                         "data can be fetched whole")
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        frozen_at = existing.frozen if existing else (now if freeze_now else None)
        out = out or REPORTS_DIR / f"campaign-{analysis.run_id}"
        ctx = Context(analysis, lang=lang, page_rows=campaign.rows)
        write_campaign(out, ctx, campaign, frame, missing, run_id=analysis.run_id,
                       generated=analysis.finished.isoformat(), complete=analysis.complete,
                       frozen_at=frozen_at)
        start = start_frame(analysis, frame, wiki_ids)
        if freeze_now:
            start.to_csv(out / "start.csv", index=False)
        result = Published(campaign, out, frame, missing, existing, freeze_now, notes=notes,
                           messages=checked.messages,
                           status=0 if analysis.complete else INCOMPLETE)
        simulated = post is not None and any(
            a.lower().startswith("-simulate") for a in post.pywikibot_args)
        if post is not None:
            if not analysis.complete and not post.allow_incomplete:
                notes.append("incomplete data: nothing posted")
            else:
                from bot.wiki import post_report

                result.outcomes = post_report(out, post, echo=echo)
                if any(o.status == "failed" for o in result.outcomes):
                    result.status = 1
        if simulated:
            notes.append("simulated: nothing saved, so nothing is recorded in the history")
            result.new = False
            return result
        look = attachment(kept, analysis, done.gathered)

        def attach(db, key: int) -> None:
            if look is not None:
                look(db, key)
            if freeze_now:
                store.freeze(db, name=campaign.name, definition=campaign.definition(),
                             frozen_at=now, run=key, run_id=analysis.run_id, start=start)

        result.record = kept.record(analysis, series=campaign.series,
                                    published=published(result.outcomes),
                                    outcomes=result.outcomes, attach=attach)
        result.frozen = store.frozen(db, campaign.name)
    return result
