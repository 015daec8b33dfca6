"""One run of a report, from request to result: the only place a run is written down.

``sdg-gaps run``, ``schedule``, ``worklist`` and ``campaign`` all call :func:`run` with a
:class:`RunRequest` — the item sets (goals, organizers' files, or a scheduled report's own),
the languages, where the facts come from (:class:`DataSource`: an endpoint, or sitelinks and
members files), the engine, the report's options, and optionally a post and a history — and get a
:class:`RunResult`: the analysis, the report directory, the pages' outcomes, the history
record and the exit status. In order:

1. the item sets, and the facts from the source (:mod:`bot.runs_facts`);
2. every table, by the engine (:mod:`bot.engines`: the compact cell index or Spark);
3. names for the listed gaps (labels, titles), asked of the source for those items only;
4. the run id, chosen once (reserved in the history), and the changes since the last run;
5. the report directory (:mod:`bot.report`), then the post (:mod:`bot.wiki`), then the history
   record, in one transaction, last — with the run's look at the campaigns the history holds
   (:mod:`bot.campaign.observe`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from bot.analysis import Analysis, new_run_id, totals
from bot.config import DEFAULT_GAPS_PER_WIKI
from bot.engines import Plan, QualityScale, make_engine
from bot.engines.base import GAP_KINDS
from bot.errors import UsageError
from bot.languages import load_wikis
from bot.memory import release
from bot.names import display_labels
from bot.runs_facts import DataSource, Gathered, gather, open_source
from bot.topics import left_out_summary

Notify = Callable[[str], None]
INCOMPLETE = 3  # exit status: the report was written but is built on incomplete data


@dataclass(frozen=True)
class RunRequest:
    """What to run (see the module's description)."""

    source: DataSource = field(default_factory=DataSource)
    goals: tuple[int, ...] | None = None  # None: every goal the source can serve
    languages: tuple[str, ...] | None = None  # None: every observed Wikipedia
    itemset_files: tuple[Path, ...] = ()  # organizers' TOML files
    itemsets: tuple | None = None  # explicit item sets (a scheduled report's); else chosen
    engine: str = "compact"
    master: str | None = None
    out: Path | None = None  # the report directory (None: under out_parent, by run id)
    out_parent: Path | None = None
    lang: str = "en"
    gaps_per_wiki: int | None = DEFAULT_GAPS_PER_WIKI  # None: every gap
    page_rows: int | None = None  # gap rows per goal on a language page (None: gaps_per_wiki)
    rank: str = "sitelinks"  # translate gaps by sitelinks, or by reader demand (page views)
    quality_scale: QualityScale = field(default_factory=QualityScale)
    service: str = "wdqs"  # the query service the pages' drill-down links open
    post: object | None = None  # a bot.wiki.PostOptions, or None
    history: Path | None = None  # None: record nothing, compare nothing
    series: str = "cli"
    write: bool = True  # False: the analysis only (no report directory, post or history)


@dataclass
class RunResult:
    analysis: Analysis
    out: Path | None
    pages: list
    outcomes: list = field(default_factory=list)
    record: object | None = None  # bot.history.RunRecord
    posted: bool | None = None  # None: not asked to post; False: not posted (why in note)
    note: str = ""
    status: int = 0
    gathered: Gathered | None = None  # the facts and lookups the analysis was made from


def run(
    request: RunRequest,
    *,
    opened=None,
    notify: Notify = lambda message: None,
    progress=None,
    echo: Callable[[str], object] = print,
) -> RunResult:
    """Run one report (see the module's description). *opened* reuses an opened source (a
    scheduled run asks one endpoint for all its reports); *notify* takes progress and
    ``warning: …`` lines, *progress* ``(stage, done, total)``, *echo* the pages' outcomes."""
    clock = time.perf_counter()
    started = datetime.now(UTC).replace(microsecond=0)
    wikis = load_wikis()
    opened = opened or open_source(request.source)
    before = opened.stats()
    got = gather(request, opened, wikis, notify=notify, progress=progress)
    # Demand ranks only where page views were gathered (a file source has none: it warned).
    rank = request.rank if got.facts.demand is not None else "sitelinks"
    plan = Plan(
        wikis=got.chosen_wikis,
        gaps_per_wiki=request.gaps_per_wiki,
        targets={s.id: tuple(s.targets) for s in got.itemsets if s.targets},
        quality_scale=request.quality_scale,
        rank=rank,
    )
    engine = make_engine(request.engine, request.master)
    if request.engine == "spark":
        notify(f"computing every table on Spark ({request.master or 'local mode'})")
    tables = engine.tables(got.facts, plan)
    if tables.left_out is not None:  # the engine applied the topic rule itself (Spark, dumps)
        got.facts.members = tables.left_out.members
    if opened.files:  # the wikis a file observes are known once the engine has read it
        _check_languages(got, tables.wikis, notify)
    reported = set(tables.coverage["goal"].tolist())
    for goal in sorted({s.goal for s in got.itemsets} - reported):
        notify(f"warning: SDG {goal} was observed in none of the chosen Wikipedias; "
               "it is left out of the report")
    analysis = _analysis(request, got, tables, wikis, started, opened)
    analysis.counts.update(_counts(got, analysis, opened.stats(), before))
    analysis.counts["left_out"] = left_out_summary([got.facts.left_out, tables.left_out])
    del tables
    release()  # the engine's and the names' temporaries, before the report is written
    analysis.counts["seconds"] = round(time.perf_counter() - clock, 3)
    if not request.write:
        return RunResult(analysis=analysis, out=None, pages=[],
                         status=0 if analysis.complete else INCOMPLETE, gathered=got)
    return _finish(request, analysis, got, notify=notify, echo=echo)


def _check_languages(got: Gathered, observed: tuple[str, ...], notify: Notify) -> None:
    """A chosen language no item set observed is a warning; none observed is an error."""
    if got.chosen_wikis is None:
        return
    unobserved = [w for w in got.chosen_wikis if w not in set(observed)]
    if len(unobserved) == len(got.chosen_wikis):
        raise UsageError(
            f"none of the chosen languages was observed by the chosen item sets"
            f" ({', '.join(unobserved)}; see `sdg-gaps catalogue list` for what is covered)"
        )
    for wiki in unobserved:
        notify(f"warning: {wiki} was not observed by the chosen item sets; "
               "its coverage is unknown")


def _analysis(request, got: Gathered, tables, wikis, started, opened) -> Analysis:
    gaps = tables.gaps
    gap_qids = sorted(set(gaps["qid"].tolist()), key=lambda q: int(q[1:]))
    # The titles a page shows: each listed item's English one (the name chain, the namespace
    # check) and its translation source's — a pair or two per item, however large the run.
    wanted = pd.concat([pd.DataFrame({"qid": gap_qids, "wiki": "enwiki"}),
                        tables.sources[["qid", "source_wiki"]].rename(
                            columns={"source_wiki": "wiki"})], ignore_index=True)
    gap_articles = got.lookups.articles(wanted["qid"].tolist(), wanted["wiki"].tolist())
    wiki_language = {w: wikis.get(w).subdomain for w in gaps["wiki"].unique()}
    labels = got.lookups.labels(gap_qids, sorted(set(wiki_language.values())))
    gaps["label"] = display_labels(gaps, labels, gap_articles, wiki_language)
    titles = gap_articles.drop_duplicates(["qid", "wiki"]).rename(
        columns={"wiki": "source_wiki", "title": "source_title"})
    sources = tables.sources.merge(titles, on=["qid", "source_wiki"], how="left")
    sources = sources[["qid", "source_wiki", "source_title", "source_bytes", "source_rule"]]

    shown = sorted(set(tables.coverage["wiki"].tolist()) | set(tables.quality["wiki"].tolist()))
    names = wikis.frame(shown)

    def named(table: pd.DataFrame, by: str, columns: list[str]) -> pd.DataFrame:
        table = table.merge(names, on="wiki", how="left")
        return table[[by, "wiki", "language", "language_name", *columns]]

    cov = named(tables.coverage, "goal", ["items", "articles", "missing", "coverage_pct"])
    gaps = gaps.merge(names[["wiki", "language"]], on="wiki", how="left")
    gaps = gaps[["goal", "wiki", "language", "rank", "qid", "label", "sitelinks", "kind"]]
    catalogue = got.catalogue
    sizes = got.facts.pagesizes
    return Analysis(
        run_id=new_run_id(started),
        started=started,
        finished=datetime.now(UTC).replace(microsecond=0),
        endpoint=opened.describe_endpoint(),
        provenance={**opened.provenance(),
                    **({"demand": got.demand_source} if got.demand_source else {})},
        goals={n: catalogue.goals[n] for n in sorted(set(tables.coverage["goal"].tolist()))},
        itemsets=list(got.itemsets),
        coverage=cov,
        coverage_itemsets=named(tables.coverage_itemsets, "itemset",
                                ["items", "articles", "missing", "coverage_pct"]),
        gaps=gaps,
        totals=totals(cov, by="goal"),
        counts={},
        complete=not got.failed,
        warnings=[f.describe() for f in got.failed] + opened.notes(),
        members=got.facts.members,
        observed=got.observed_frame(tables.wikis),
        articles=gap_articles,
        pagesizes=sizes.assign(qid="Q" + sizes["qnum"].astype(str))[
            ["qid", "wiki", "pagesize_bytes"]],
        quality=named(tables.quality, "goal",
                      ["sized", "absent", "stub", "article", "long", "unsized", "items",
                       "score"]),
        quality_scale=request.quality_scale,
        sources=sources,
        coverage_targets=named(tables.coverage_targets, "target",
                               ["items", "articles", "missing", "coverage_pct"]),
        targets={code: catalogue.targets[code]
                 for code in sorted(set(tables.coverage_targets["target"]),
                                    key=_target_key)},
        gaps_per_wiki=request.gaps_per_wiki,
        rank=request.rank if got.demand_source is not None else "sitelinks",
        demand=got.demand_source,
    )


def _target_key(code: str):
    from bot.ids import target_sort_key

    return target_sort_key(code)


def _counts(got: Gathered, analysis: Analysis, after: dict, before: dict) -> dict:
    counts = {
        "itemsets": len(got.itemsets),
        "items": int(got.facts.members["qid"].nunique()),  # topics only (see left_out)
        "sitelinks": int(got.facts.counts.get("sitelinks", 0)),
        "articles": int(got.facts.counts.get("articles", 0)),
        "redirect_sitelinks": int(got.facts.counts.get("redirect_sitelinks", 0)),
        "wikis": int(analysis.coverage["wiki"].nunique()),
        "gaps": int(analysis.totals["missing"].sum()) if len(analysis.totals) else 0,
        "listed_gaps": int(len(analysis.gaps)),
        # listed gaps per kind (each kind bounded by gaps_per_wiki on its own)
        "gap_kinds": {kind: int((analysis.gaps["kind"] == kind).sum())
                      for kind in GAP_KINDS},
        "gaps_per_wiki": analysis.gaps_per_wiki,
        "api_calls": got.api_calls,
        "pageview_calls": got.pageview_calls,
        "pagesizes": int(len(got.facts.pagesizes)),
    }
    for key, value in after.items():
        counts[key] = round(value - before.get(key, 0), 3) if isinstance(value, float) else (
            value - before.get(key, 0))
    return counts


def _finish(request: RunRequest, analysis: Analysis, got: Gathered, *, notify, echo) -> RunResult:
    from bot.report import write_report
    from bot.report.trend import write_history_files

    history = None
    if request.history is not None:
        from bot.history import History

        history = History.open(request.history)
    try:
        if history is not None:
            analysis.run_id = history.reserve_run_id(request.series, analysis.run_id)
            analysis.changes = history.changes(analysis, request.series,
                                               articles_of=got.lookups.articles)
        parent = request.out_parent or _reports_dir()
        out = request.out or parent / f"run-{analysis.run_id}"
        rows = request.page_rows or request.gaps_per_wiki or 10**9
        pages = write_report(analysis, out, lang=request.lang, page_rows=rows,
                             service=request.service)
        if history is not None:
            write_history_files(history.trend(series=request.series), analysis, out,
                                request.series)
        result = RunResult(analysis=analysis, out=out, pages=pages,
                           status=0 if analysis.complete else INCOMPLETE)
        simulated = False
        if request.post is not None:
            simulated = any(a.lower().startswith("-simulate")
                            for a in getattr(request.post, "pywikibot_args", ()))
            _post(request, result, echo)
        if history is not None and not simulated:
            from bot.campaign.observe import attachment
            from bot.history import published

            result.record = history.record(
                analysis, series=request.series, published=published(result.outcomes),
                outcomes=result.outcomes, baseline=analysis.changes,
                attach=attachment(history, analysis, got),  # a look at the campaigns
            )
        elif simulated:
            result.note = "simulated: nothing saved, so the run is not recorded in the history"
        return result
    finally:
        if history is not None:
            history.close()


def _post(request: RunRequest, result: RunResult, echo) -> None:
    from bot.wiki import post_report

    options = request.post
    if not result.analysis.complete and not options.allow_incomplete:
        result.posted = False
        result.note = "incomplete data: nothing posted; see the run's summary.json"
        return
    result.outcomes = post_report(result.out, options, echo=echo)
    result.posted = True
    if any(o.status == "failed" for o in result.outcomes):
        result.status = 1


def _reports_dir() -> Path:
    from bot.config import REPORTS_DIR

    return REPORTS_DIR
