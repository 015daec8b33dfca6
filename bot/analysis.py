"""An :class:`Analysis`: everything a report is rendered from, the tables and where they came from.

:func:`bot.runs.run` makes one; :mod:`bot.report` renders it, :mod:`bot.history` records it,
:mod:`bot.wiki` posts what the report wrote. Nothing here computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from bot.engines.base import QualityScale, coverage_pct


@dataclass
class Analysis:
    """One run's tables (wiki ids with their language codes and names) and their provenance."""

    run_id: str
    started: datetime
    finished: datetime
    endpoint: dict
    provenance: dict
    goals: dict  # number → bot.catalogue.Goal
    itemsets: list  # bot.catalogue.ItemSet
    coverage: pd.DataFrame  # goal, wiki, language, language_name, items, articles, missing, pct
    coverage_itemsets: pd.DataFrame  # itemset, wiki, language, language_name, …
    # goal, wiki, language, rank, qid, label, sitelinks, kind: the listed gaps, ranked within
    # goal × wiki × kind (kind: translate, an article elsewhere to translate; scratch, none)
    gaps: pd.DataFrame
    totals: pd.DataFrame  # goal, wikis, cells, articles, missing, coverage_pct
    counts: dict
    complete: bool = True
    warnings: list[str] = field(default_factory=list)
    members: pd.DataFrame | None = None  # itemset, goal, qid
    observed: pd.DataFrame | None = None  # itemset, wiki
    articles: pd.DataFrame | None = None  # qid, wiki, title: the articles of the listed gaps
    pagesizes: pd.DataFrame | None = None  # qid, wiki, pagesize_bytes (known sizes only)
    quality: pd.DataFrame | None = None  # goal, wiki, language, language_name, sized, … score
    quality_scale: QualityScale = field(default_factory=QualityScale)
    sources: pd.DataFrame | None = None  # qid, source_wiki, source_title, source_bytes, rule
    coverage_targets: pd.DataFrame | None = None  # target, wiki, language, … coverage_pct
    targets: dict = field(default_factory=dict)  # code → bot.catalogue.Target
    gaps_per_wiki: int | None = None  # the bound of each kind's gap list (None: every gap)
    rank: str = "sitelinks"  # how the translate gaps are ranked: sitelinks or demand
    # With rank demand: where the page views came from — wikis (the Wikipedias whose readers'
    # views count), source (a line naming it), period; None otherwise.
    demand: dict | None = None
    changes: object | None = None  # bot.history.Changes since the previous run; None: no history

    @property
    def wikis(self) -> list[str]:
        return sorted(self.coverage["wiki"].unique())


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ")


def totals(cov: pd.DataFrame, by: str = "goal") -> pd.DataFrame:
    """Per group: wikis observed, known cells, articles, gaps and the overall coverage %."""
    table = (
        cov.groupby(by)
        .agg(
            wikis=("wiki", "size"),
            cells=("items", "sum"),
            articles=("articles", "sum"),
            missing=("missing", "sum"),
        )
        .reset_index()
    )
    table["coverage_pct"] = [
        coverage_pct(a, c) for a, c in zip(table["articles"], table["cells"], strict=True)
    ]
    return table
