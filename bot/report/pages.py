"""The report's pages: a summary, one page per goal, one per language (and partner worklists).

Each page is built once as a :class:`bot.report.model.PageModel` — headings, sentences from the
message files, tables of figures and links — and rendered twice: as wikitext (the body the
writer posts, :class:`Page`) and as HTML (:mod:`bot.report.html`). Figures, links, ranking and
wording are decided in the page modules and only there.

Each kind of page has its module: :mod:`bot.report.summary`, :mod:`bot.report.goal`,
:mod:`bot.report.language`; what they share (the :class:`Context`, the cells, the legend) is
:mod:`bot.report.context`, and their words are :mod:`bot.report.text` (message files, English
as the fallback for a missing key; the SDG titles from the UN's own translations in the
catalogue). Untrusted text (labels, titles, source names) is carried as
:class:`bot.report.model.Plain` and escaped by the renderers through :mod:`bot.report.escape`.

This module puts the pages together — every page of a report in order (:func:`build_models`,
:func:`build_pages`), the navigation (:func:`page_index`), the wikitext rendering — and holds
the partner worklist page (:func:`worklist_page`); the names the rest of the bot and the tests
take from here are re-exported (:data:`__all__`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.report.context import (
    Context,
    goal_subpage,
    itemset_copy_name,
    itemset_file_link,
)
from bot.report.goal import goal_page, quality_section, target_section
from bot.report.language import (
    ShownGaps,
    gap_lists,
    gap_table,
    language_page,
    ranking_line,
    with_sources,
)
from bot.report.model import Heading, Number, PageModel, Para
from bot.report.summary import data_section, summary_page
from bot.report.text import MESSAGES, Text, messages, report_languages
from bot.report.wikitext import WikitextRenderer

__all__ = [
    "MESSAGES",
    "Context",
    "Page",
    "Text",
    "build_models",
    "build_pages",
    "data_section",
    "gap_lists",
    "gap_table",
    "goal_page",
    "goal_subpage",
    "itemset_copy_name",
    "itemset_file_link",
    "language_page",
    "messages",
    "page_index",
    "quality_section",
    "ranking_line",
    "render_wikitext",
    "report_languages",
    "summary_page",
    "target_section",
    "with_sources",
    "worklist_page",
]


@dataclass(frozen=True)
class Page:
    """A rendered page: its wikitext body held in memory (*text*) or in the file it was
    written to (*path*), so that a report of hundreds of pages need not keep them all."""

    id: str
    subpage: str
    title: str
    rows: int
    gaps: int
    summary: str
    text: str | None = None
    path: Path | None = None

    @property
    def body(self) -> str:
        if self.text is not None:
            return self.text
        return self.path.read_text(encoding="utf-8").removesuffix("\n")


# --------------------------------------------------------------------------------------------
# A partner worklist (bot.worklist selects the rows; this page shows them)


def worklist_page(ctx: Context, frame: pd.DataFrame, *, goals, targets) -> PageModel:
    t = ctx.t
    scope = ", ".join(f"SDG {g}" for g in goals)
    if targets:
        scope += f" ({', '.join(targets)})"
    codes = list(dict.fromkeys(frame["language"]))
    scope += ": " + ", ".join(codes)
    blocks: list = [Para(t("worklist.intro", limit=Number(ctx.page_rows))), *ctx.how_to_help()]
    for code, part in frame.groupby("language", sort=False):
        wiki = part["wiki"].iloc[0]
        blocks.append(
            Heading(
                2,
                t("worklist.language", name=ctx.language_name(wiki), code=code,
                  count=Number(len(part))),
            )
        )
        blocks.append(gap_table(ctx, part, code))
    set_ids = [s.id for s in ctx.analysis.itemsets]
    blocks += ctx.legend(gaps=True, quality=False, set_ids=set_ids)
    blocks += [Heading(2, t("summary.data")), data_section(ctx)]
    return PageModel("worklist", "", t.plain("worklist.title", scope=scope), blocks)


# --------------------------------------------------------------------------------------------
# All pages


def build_models(ctx: Context) -> Iterator[tuple[PageModel, int, int, str]]:
    """Every page model with its row count, gap count and edit-summary label, one at a time
    (a page's model is dropped once it is rendered)."""
    analysis = ctx.analysis
    page, rows, gaps = summary_page(ctx)
    label = "; ".join(
        f"SDG {r.goal}: {r.missing:,} gaps" for r in analysis.totals.itertuples(index=False)
    )
    yield page, rows, gaps, label
    for g in sorted(analysis.goals):
        page, rows, gaps = goal_page(ctx, g)
        yield page, rows, gaps, f"SDG {g}: {gaps:,} gaps"
    shown = ShownGaps(analysis.gaps[analysis.gaps["rank"] <= ctx.page_rows], analysis.sources,
                      ctx)
    for wiki in analysis.wikis:
        page, rows, gaps = language_page(ctx, wiki, shown)
        yield page, rows, gaps, f"{page.subpage}: {gaps:,} gaps"


def page_index(ctx: Context) -> list[tuple[str, str]]:
    """``(page id, short name)`` of every page of the report, in order, for navigation."""
    analysis = ctx.analysis
    index = [("summary", ctx.t.plain("summary.title"))]
    index += [(f"goal-{g}", goal_subpage(g)) for g in sorted(analysis.goals)]
    index += [(f"lang-{ctx.subdomain(w)}", ctx.subdomain(w)) for w in analysis.wikis]
    return index


def render_wikitext(ctx: Context, page: PageModel) -> str:
    renderer = WikitextRenderer(page.subpage, ctx.subpages, ctx.t.number)
    return renderer.page(page.blocks)


def build_pages(
    analysis, lang: str = "en", page_rows: int = 500, service: str = "wdqs"
) -> list[Page]:
    """All pages of a report, summary first, then goals, then languages."""
    ctx = Context(analysis, lang=lang, page_rows=page_rows, service=service)
    return [
        Page(page.id, page.subpage, page.title, rows=rows, gaps=gaps, summary=label,
             text=render_wikitext(ctx, page))
        for page, rows, gaps, label in build_models(ctx)
    ]
