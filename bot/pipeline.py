"""One run of the analysis: item sets → facts → coverage → an :class:`Analysis`.

:func:`analyse` is the front door. It is handed an endpoint (the SPARQL engine is passed in, as
in inteGraality), asks it for the members and sitelinks of each item set, and computes the
coverage tables with :mod:`bot.coverage`. It writes nothing: :mod:`bot.report` renders the
result, :mod:`bot.wiki` posts it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pandas as pd

from bot import coverage
from bot.catalogue import Catalogue, Goal, ItemSet, target_sort_key
from bot.config import RunConfig
from bot.errors import EndpointError, UsageError
from bot.languages import Wikis
from bot.sources.endpoint import FailedPart, fetch_labels, fetch_sitelinks
from bot.sources.partition import select_partitioned
from bot.sparql import Endpoint, describe

Notify = Callable[[str], None]
Progress = Callable[[str, int, int], None]


@dataclass
class Analysis:
    """Everything a report is rendered from: the tables and where they came from."""

    run_id: str
    started: datetime
    finished: datetime
    endpoint: dict
    provenance: dict
    goals: dict[int, Goal]
    itemsets: list[ItemSet]
    coverage: (
        pd.DataFrame
    )  # goal, wiki, language, language_name, items, articles, missing, coverage_pct
    coverage_itemsets: pd.DataFrame  # the same per item set
    gaps: pd.DataFrame  # goal, wiki, language, rank, qid, label, sitelinks
    totals: pd.DataFrame  # goal, wikis, cells, articles, missing, coverage_pct
    counts: dict
    complete: bool = True
    warnings: list[str] = field(default_factory=list)
    # For the reports (issue 6): what each page needs beyond the coverage tables.
    members: pd.DataFrame | None = None  # itemset, goal, qid
    observed: pd.DataFrame | None = None  # itemset, wiki
    articles: pd.DataFrame | None = None  # qid, wiki, title (redirects removed)
    pagesizes: pd.DataFrame | None = None  # qid, wiki, pagesize_bytes (known sizes only)
    quality: pd.DataFrame | None = None  # goal, wiki, sized, absent … score
    quality_scale: coverage.QualityScale = field(default_factory=coverage.QualityScale)
    sources: pd.DataFrame | None = None  # qid, source_wiki, source_title, source_bytes, rule
    coverage_targets: pd.DataFrame | None = None  # target, wiki, language, … coverage_pct
    targets: dict = field(default_factory=dict)  # code → bot.catalogue.Target
    # Since the previous run of the same series (bot.history.Changes); None: no history kept.
    changes: object | None = None

    @property
    def wikis(self) -> list[str]:
        return sorted(self.coverage["wiki"].unique())


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ")


def choose_itemsets(
    catalogue: Catalogue,
    goals: Sequence[int] | None,
    embedded: bool,
    extra: Sequence[str] = (),
) -> list[ItemSet]:
    """The item sets a run covers; on the embedded store only those the snapshot can serve.

    *extra* names organizers' own item sets (loaded into *catalogue* from their files); they
    are always included. On the snapshot such a set must be a pinned list of items the
    snapshot has, and its cells are known only in the Wikipedias that were observed for every
    one of its items — otherwise an absent article could not be told from an unknown one.
    """
    chosen = list(catalogue.itemsets_for(goals, snapshot_only=embedded))
    chosen = [s for s in chosen if s.id not in extra]
    if goals:
        served = {s.goal for s in chosen} | {catalogue.itemset(i).goal for i in extra}
        lacking = [g for g in goals if g not in served]
        if lacking:
            where = "the bundled snapshot" if embedded else "the catalogue"
            hint = " (use --endpoint wdqs or qlever for live data)" if embedded else ""
            names = ", ".join(str(g) for g in lacking)
            raise UsageError(f"goal {names} has no item set in {where}{hint}")
    if extra and goals is None:
        chosen = []  # an organizer's run of their own sets: only those
    for itemset_id in extra:
        itemset = catalogue.itemset(itemset_id)
        chosen.append(_on_snapshot(itemset, catalogue) if embedded else itemset)
    if not chosen:
        raise UsageError("no item set to analyse")
    return chosen


def _on_snapshot(itemset: ItemSet, catalogue: Catalogue) -> ItemSet:
    """An organizer's pinned set, narrowed to what the bundled snapshot observed."""
    if itemset.pinned is None:
        raise UsageError(
            f"item set {itemset.id} is a query; the bundled snapshot serves pinned lists only"
            " (use --endpoint wdqs or qlever to run queries)"
        )
    seen: dict[str, set[str]] = {}
    for bundled in catalogue.itemsets_for(None, snapshot_only=True):
        for qid in bundled.pinned_qids():
            seen.setdefault(qid, set()).update(bundled.observed_wikis or ())
    qids = itemset.pinned_qids()
    absent = [q for q in qids if q not in seen]
    if absent:
        raise UsageError(
            f"item set {itemset.id}: {len(absent)} of its {len(qids)} items are not in the bundled"
            f" snapshot ({', '.join(absent[:5])}{'…' if len(absent) > 5 else ''})"
        )
    common = set.intersection(*(seen[q] for q in qids)) if qids else set()
    if not common:
        raise UsageError(
            f"item set {itemset.id}: no Wikipedia was observed for all of its items"
            " in the bundled snapshot"
        )
    return replace(itemset, observed_wikis=tuple(sorted(common)))


def observed_wikis(
    itemsets: Sequence[ItemSet],
    live: bool,
    wikis: Wikis,
    languages: Sequence[str] | None,
    notify: Notify,
) -> pd.DataFrame:
    """``itemset, wiki``: what each item set's data can tell, narrowed to the chosen languages.

    On a live endpoint every Wikipedia is observable; on the snapshot only the wikis its
    sources looked at. A requested language that no chosen item set observed is reported and
    left out; if none is left, that is an error.
    """
    chosen = [wikis.resolve(code).wiki for code in languages] if languages else None
    every_open = [w.wiki for w in wikis.all_open()]
    rows = []
    for itemset in itemsets:
        seen = every_open if live or itemset.observed_wikis is None else itemset.observed_wikis
        keep = [w for w in seen if chosen is None or w in chosen]
        if live and chosen:
            keep = chosen
        rows.extend((itemset.id, w) for w in keep)
    frame = pd.DataFrame(rows, columns=["itemset", "wiki"])
    if chosen:
        seen_wikis = set(frame["wiki"].tolist())
        unobserved = [w for w in chosen if w not in seen_wikis]
        if len(unobserved) == len(chosen):
            raise UsageError(
                f"none of the chosen languages was observed by the chosen item sets"
                f" ({', '.join(unobserved)}; see `sdg-gaps catalogue list` for what is covered)"
            )
        for wiki in unobserved:
            notify(
                f"warning: {wiki} was not observed by the chosen item sets; its coverage is unknown"
            )
    return frame


def analyse(
    config: RunConfig,
    endpoint: Endpoint,
    catalogue: Catalogue,
    wikis: Wikis,
    *,
    provenance: dict | None = None,
    notify: Notify = lambda message: None,
    progress: Progress | None = None,
    pagesizes: pd.DataFrame | Callable[[pd.DataFrame], object] | None = None,
    quality_scale: coverage.QualityScale | None = None,
    engine: str = "pandas",
    master: str | None = None,
) -> Analysis:
    """Run the whole analysis on *endpoint* and return the tables.

    *pagesizes* are the known page sizes (``qid, wiki, pagesize_bytes``, e.g. the snapshot's),
    or a callable that fetches them for the run's articles (``qid, wiki, title``) and returns a
    :class:`bot.pagesizes.PageSizes`; ``None``: no sizes (quality unknown, translation sources
    by the fixed preference list).
    """
    started = datetime.now(UTC).replace(microsecond=0)
    clock = time.perf_counter()
    # Snapshot data (the embedded store, or a server loaded with the snapshot) only knows the
    # wikis its sources looked at; a live service knows every Wikipedia.
    embedded = config.snapshot_data if config.snapshot_data is not None else endpoint.url is None
    itemsets = choose_itemsets(catalogue, config.goals, embedded, config.extra_itemsets)
    observed = observed_wikis(itemsets, not embedded, wikis, config.languages, notify)

    members = []
    # Pieces of data that could not be fetched even in the smallest parts: the analysis is
    # then incomplete, says which, and the writer refuses to post it unless told to.
    failed: list[FailedPart] = []
    for itemset in itemsets:
        if itemset.pinned is not None:
            qids = itemset.pinned_qids()
        else:
            notify(f"selecting items of {itemset.id}")
            selection = select_partitioned(
                endpoint,
                itemset.query.read_text(encoding="utf-8"),
                label=f"item set {itemset.id}",
                notify=notify,
            )
            qids = selection.qids
            failed.extend(selection.failed)
        members.append(pd.DataFrame({"itemset": itemset.id, "goal": itemset.goal, "qid": qids}))
    members = pd.concat(members, ignore_index=True)
    all_qids = sorted(set(members["qid"].tolist()), key=lambda q: int(q[1:]))
    notify(f"{len(all_qids):,} items in {len(itemsets)} item set(s); fetching sitelinks")

    sitelinks = fetch_sitelinks(
        endpoint, all_qids, wikis, batch_size=config.batch_size, progress=progress, failures=failed
    )
    # An item whose sitelinks could not be fetched is left out rather than counted as missing.
    unfetched = {q for f in failed if f.stage == "sitelinks" for q in f.qids}
    if unfetched:
        members = members[~members["qid"].isin(unfetched)].reset_index(drop=True)
    if failed and members.empty:
        raise EndpointError(f"no data could be fetched; {failed[0].describe()}")
    articles = sitelinks.loc[~sitelinks["redirect"], ["qid", "wiki", "title"]]

    cells = coverage.known_cells(members, observed, articles, by="goal")
    cov = coverage.coverage(cells, by="goal")
    if config.languages:
        # Rank by the articles in every Wikipedia the item sets observed, not only in the
        # chosen ones (else the chosen wiki's own gaps would all count 0); ranks are per wiki,
        # so keeping the chosen wikis' rows afterwards leaves them as a full run has them.
        everywhere = observed_wikis(itemsets, not embedded, wikis, None, notify)
        rank_cells = coverage.known_cells(members, everywhere, articles, by="goal")
        gaps = coverage.ranked_gaps(rank_cells, by="goal")
        gaps = gaps[gaps["wiki"].isin(observed["wiki"].unique())].reset_index(drop=True)
    else:
        gaps = coverage.ranked_gaps(cells, by="goal")
    item_cells = coverage.known_cells(members, observed, articles, by="itemset")
    cov_sets = coverage.coverage(item_cells, by="itemset")
    if engine == "spark":
        # The same three tables computed by Apache Spark (bot.engines.spark): local mode, or the
        # cluster at *master*. The other tables (quality, targets) stay with pandas.
        from bot.engines.spark import pipeline_tables

        notify(f"computing coverage on Spark ({master or 'local mode'})")
        rank_observed = everywhere if config.languages else observed
        cov, gaps, cov_sets = pipeline_tables(
            members, observed, rank_observed, articles, master=master
        )
        if config.languages:
            gaps = gaps[gaps["wiki"].isin(observed["wiki"].unique())].reset_index(drop=True)

    scale = quality_scale or coverage.QualityScale()
    sized = None
    api_calls = 0
    if callable(pagesizes):
        fetched = pagesizes(articles)
        sizes, api_calls = fetched.frame, fetched.api_calls
        sized = cells[["goal", "wiki"]].drop_duplicates()
        sized = sized[sized["wiki"].isin(fetched.wikis)]
        for problem in fetched.problems:
            notify(f"warning: {problem}")
    elif pagesizes is not None:
        sizes = pagesizes[["qid", "wiki", "pagesize_bytes"]]
    else:
        sizes = pd.DataFrame({"qid": [], "wiki": [], "pagesize_bytes": []}).astype(
            {"qid": object, "wiki": object, "pagesize_bytes": "int64"}
        )
    quality = coverage.quality_coverage(cells, sizes, scale, by="goal", sized=sized)
    sources = coverage.best_sources(articles, sizes)
    itemset_targets = {s.id: tuple(s.targets) for s in itemsets if s.targets}
    cov_targets = coverage.coverage(coverage.target_cells(item_cells, itemset_targets), "target")

    wiki_language = {w: wikis.get(w).language for w in observed["wiki"].unique()}
    label_languages = sorted(set(wiki_language.values()))
    gap_qids = sorted(set(gaps["qid"].tolist()), key=lambda q: int(q[1:]))
    labels = fetch_labels(
        endpoint,
        gap_qids,
        label_languages,
        batch_size=config.batch_size,
        progress=progress,
        failures=failed,
    )
    gaps["label"] = coverage.display_labels(gaps, labels, articles, wiki_language)

    names = wikis.frame(sorted(observed["wiki"].unique()))
    cov = cov.merge(names, on="wiki", how="left")
    cov = cov[["goal", "wiki", "language", "language_name", *coverage.COVERAGE_COLUMNS]]
    cov_sets = cov_sets.merge(names, on="wiki", how="left")
    cov_sets = cov_sets[
        ["itemset", "wiki", "language", "language_name", *coverage.COVERAGE_COLUMNS]
    ]
    gaps = gaps.merge(names[["wiki", "language"]], on="wiki", how="left")
    gaps = gaps[["goal", "wiki", "language", "rank", "qid", "label", "sitelinks"]]
    cov_targets = cov_targets.merge(names, on="wiki", how="left")
    cov_targets = cov_targets[
        ["target", "wiki", "language", "language_name", *coverage.COVERAGE_COLUMNS]
    ]
    quality = quality.merge(names, on="wiki", how="left")
    quality = quality[["goal", "wiki", "language", "language_name", *coverage.QUALITY_COLUMNS]]

    finished = datetime.now(UTC).replace(microsecond=0)
    counts = {
        "itemsets": len(itemsets),
        "items": len(all_qids),
        "sitelinks": int(len(sitelinks)),
        "articles": int(len(articles)),
        "redirect_sitelinks": int(sitelinks["redirect"].sum()),
        "labels": int(len(labels)),
        "wikis": int(observed["wiki"].nunique()),
        "gaps": int(len(gaps)),
        "seconds": round(time.perf_counter() - clock, 3),
        **endpoint.stats.as_dict(),
        "api_calls": api_calls,
        "pagesizes": int(len(sizes)),
    }
    return Analysis(
        run_id=new_run_id(started),
        started=started,
        finished=finished,
        endpoint=describe(endpoint),
        provenance=provenance or {},
        goals={n: catalogue.goals[n] for n in sorted({s.goal for s in itemsets})},
        itemsets=itemsets,
        coverage=cov,
        coverage_itemsets=cov_sets,
        gaps=gaps,
        totals=coverage.totals(cov, by="goal"),
        counts=counts,
        complete=not failed,
        warnings=[f.describe() for f in failed] + list(getattr(endpoint, "notes", list)()),
        members=members,
        observed=observed,
        articles=articles.reset_index(drop=True),
        pagesizes=sizes.reset_index(drop=True),
        quality=quality,
        quality_scale=scale,
        sources=sources,
        coverage_targets=cov_targets,
        targets={
            code: catalogue.targets[code]
            for code in sorted(set(cov_targets["target"]), key=target_sort_key)
        },
    )
