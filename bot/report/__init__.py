"""Rendering an :class:`bot.pipeline.Analysis` into a report directory.

:func:`write_report` is the front door. A report directory holds:

``coverage.csv``
    goal, wiki, language, language_name, items, articles, missing, coverage_pct
``coverage_itemsets.csv``
    the same per item set
``gaps.csv``
    goal, wiki, language, rank, qid, label, sitelinks — every missing article, ranked
``summary.json``
    run id and times, endpoint, snapshot provenance, counts, item sets, warnings
``pages.json`` and ``wikitext/*.wiki``
    the wiki pages (bodies only; :mod:`bot.wiki` adds the markers when it posts them)
``coverage.png``
    a chart of coverage by language

This package never fetches and never posts.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.report.chart import coverage_chart
from bot.report.pages import Page, build_pages


def _json(path: Path, data: object) -> None:
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )


def summary_document(analysis) -> dict:
    return {
        "run_id": analysis.run_id,
        "started": analysis.started.isoformat(),
        "finished": analysis.finished.isoformat(),
        "duration_s": analysis.counts.get("seconds"),
        "endpoint": analysis.endpoint,
        "complete": analysis.complete,
        "provenance": analysis.provenance,
        "counts": analysis.counts,
        "goals": [
            {
                "goal": int(r.goal),
                "qid": analysis.goals[r.goal].qid,
                "wikis": int(r.wikis),
                "cells": int(r.cells),
                "articles": int(r.articles),
                "missing": int(r.missing),
                "coverage_pct": float(r.coverage_pct),
            }
            for r in analysis.totals.itertuples(index=False)
        ],
        "itemsets": [
            {
                "id": s.id,
                "goal": s.goal,
                "targets": list(s.targets),
                "title": s.title,
                "observed_wikis": list(s.observed_wikis) if s.observed_wikis else "all",
                "source": dict(s.source or {}),
                "data_date": s.data_date,
            }
            for s in analysis.itemsets
        ],
        "warnings": analysis.warnings,
    }


def write_report(analysis, out: Path, *, lang: str = "en", page_rows: int = 500) -> list[Page]:
    """Write every file of the report for *analysis* into *out* (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    analysis.coverage.to_csv(out / "coverage.csv", index=False)
    analysis.coverage_itemsets.to_csv(out / "coverage_itemsets.csv", index=False)
    analysis.gaps.to_csv(out / "gaps.csv", index=False)
    _json(out / "summary.json", summary_document(analysis))

    pages = build_pages(analysis, lang=lang, page_rows=page_rows)
    wikitext = out / "wikitext"
    wikitext.mkdir(exist_ok=True)
    entries = []
    for page in pages:
        name = f"wikitext/{page.id}.wiki"
        (out / name).write_text(page.body + "\n", encoding="utf-8")
        entries.append(
            {
                "id": page.id,
                "subpage": page.subpage,
                "file": name,
                "title": page.title,
                "rows": page.rows,
                "gaps": page.gaps,
                "summary": page.summary,
            }
        )
    _json(
        out / "pages.json",
        {
            "run_id": analysis.run_id,
            "generated": analysis.finished.isoformat(),
            "complete": analysis.complete,
            "lang": lang,
            "pages": entries,
        },
    )
    coverage_chart(analysis.coverage, analysis.goals, out / "coverage.png")
    return pages
