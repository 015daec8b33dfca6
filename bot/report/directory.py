"""Writing a report directory: the files of one :class:`bot.analysis.Analysis`.

:func:`write_report` writes them all. A report directory holds:

``coverage.csv``
    goal, wiki, language, language_name, items, articles, missing, coverage_pct
``coverage_itemsets.csv``
    the same per item set
``gaps.csv``
    goal, wiki, language, rank, qid, label, sitelinks, kind — the missing articles of each
    goal × wiki, ranked within each kind (``translate``, ``scratch``): the first
    ``--gaps-per-wiki`` of each kind (200 by default; ``all``: every one)
``summary.json``
    run id and times, endpoint, snapshot provenance, counts, item sets, warnings
``pages.json`` and ``wikitext/*.wiki``
    the wiki pages (bodies only; :mod:`bot.wiki` adds the markers when it posts them)
``coverage.png`` and ``quality.png``
    charts of coverage and of quality-weighted coverage by language
``coverage_targets.csv``
    target, wiki, language, language_name, items, articles, missing, coverage_pct — for the
    SDG targets that item sets are tied to
``quality.csv``
    goal, wiki, language, language_name, sized, absent, stub, article, long, unsized, items,
    score — quality-weighted coverage (empty fields where page sizes are unknown)
``sources.csv``
    qid, source_wiki, source_title, source_bytes, source_rule — the article to translate from
``index.html`` and ``html/*.html``
    the same pages as static HTML (open ``index.html`` in a browser; no server needed)
``itemsets/``
    a copy of each item set's QID list or query, which the pages point to

Pages are built once (:mod:`bot.report.pages`) and rendered twice, as wikitext and as HTML;
the charts are drawn last (:mod:`bot.report.chart`, which loads matplotlib only then).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bot.report.csvfile import write_csv
from bot.report.html import HtmlRenderer
from bot.report.pages import (
    Context,
    Page,
    build_models,
    itemset_copy_name,
    page_index,
    render_wikitext,
)


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


def write_report(
    analysis, out: Path, *, lang: str = "en", page_rows: int = 500, service: str = "wdqs"
) -> list[Page]:
    """Write every file of the report for *analysis* into *out* (created if needed).

    *lang* is the report language (a message file must exist for it); *service* the query
    service the drill-down links open (``wdqs`` or ``qlever``).
    """
    out.mkdir(parents=True, exist_ok=True)
    write_csv(analysis.coverage, out / "coverage.csv")
    write_csv(analysis.coverage_itemsets, out / "coverage_itemsets.csv")
    write_csv(analysis.gaps, out / "gaps.csv")
    for name, table in (
        ("coverage_targets.csv", analysis.coverage_targets),
        ("quality.csv", analysis.quality),
        ("sources.csv", analysis.sources),
    ):
        if table is not None:
            write_csv(table, out / name)
    _json(out / "summary.json", summary_document(analysis))
    copy_itemsets(analysis, out)

    ctx = Context(analysis, lang=lang, page_rows=page_rows, service=service)
    (out / "wikitext").mkdir(exist_ok=True)
    (out / "html").mkdir(exist_ok=True)
    nav = page_index(ctx)
    files = {page_id: html_file(page_id) for page_id, _ in nav}
    pages = []
    entries = []
    # One page at a time: its model is built, rendered twice (wikitext and HTML) and dropped.
    for model, rows, gaps, label in build_models(ctx):
        name = f"wikitext/{model.id}.wiki"
        (out / name).write_text(render_wikitext(ctx, model) + "\n", encoding="utf-8")
        renderer = HtmlRenderer(files[model.id], files, ctx.t.number)
        document = renderer.document(model.title, ctx.lang, model.blocks, nav)
        (out / files[model.id]).write_text(document, encoding="utf-8")
        pages.append(Page(model.id, model.subpage, model.title, rows=rows, gaps=gaps,
                          summary=label, path=out / name))
        entries.append(
            {
                "id": model.id,
                "subpage": model.subpage,
                "file": name,
                "title": model.title,
                "rows": rows,
                "gaps": gaps,
                "summary": label,
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
    from bot.report.chart import coverage_chart, quality_chart  # matplotlib: only when drawing

    coverage_chart(analysis.coverage, analysis.goals, out / "coverage.png", lang=lang)
    quality_chart(analysis.quality, analysis.goals, out / "quality.png", lang=lang)
    return pages


def html_file(page_id: str) -> str:
    return "index.html" if page_id == "summary" else f"html/{page_id}.html"


def copy_itemsets(analysis, out: Path) -> None:
    """Copy each item set's QID list or query next to the pages that point to it (a list
    given in hand, as a configuration page gives one, is written there)."""
    for itemset in analysis.itemsets:
        target = out / itemset_copy_name(itemset)
        path = itemset.pinned or itemset.query
        if path is None and itemset.qids is not None:
            target.parent.mkdir(exist_ok=True)
            target.write_text(f"# Items of {itemset.title}: {itemset.description}\n"
                              + "".join(f"{q}\n" for q in itemset.pinned_qids()),
                              encoding="utf-8")
            continue
        if path is None or not Path(path).is_file():
            continue
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, target)
