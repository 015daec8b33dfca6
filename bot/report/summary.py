"""The summary page of a report: every goal, every language, and where the data came from.

A table of the goals (item sets, Wikipedias, cells, articles, missing, coverage) with their
total, a table of the languages with their coverage of each goal, the speakers beside the
missing topics (:mod:`bot.report.equity`), the charts, the legend and the data section
(:func:`data_section`: the run, the fallback endpoint if it answered, each item set's source,
the items left out, the page sizes' source), which the partner worklists and campaign pages
end with too.
"""

from __future__ import annotations

from bot.report.context import Context, goal_short, goal_subpage
from bot.report.equity import equity_blocks
from bot.report.model import (
    Bullets,
    Cell,
    ExtLink,
    Heading,
    Image,
    Number,
    PageModel,
    Para,
    Plain,
    Row,
    Table,
    cell,
)


def summary_page(ctx: Context) -> tuple[PageModel, int, int]:
    analysis, t, lang = ctx.analysis, ctx.t, ctx.lang
    goal_rows = []
    for row in analysis.totals.itertuples(index=False):
        goal = analysis.goals[row.goal]
        sets = ctx.sets_of_goal.get(row.goal, [])
        url = ctx.drill.coverage(sets, None, f"SDG {row.goal}, every Wikipedia observed")
        goal_rows.append(
            Row(
                (
                    cell(ctx.page_link(f"goal-{row.goal}", goal_subpage(row.goal)), row.goal),
                    cell(goal_short(goal, lang)),
                    ctx.num(len(sets)),
                    ctx.num(row.wikis),
                    ctx.num(row.cells),
                    ctx.num(row.articles),
                    ctx.num(row.missing),
                    ctx.num(row.coverage_pct, 2),
                    ctx.bar_cell(row.coverage_pct),
                    ctx.query_cell(url),
                )
            )
        )
    if len(goal_rows) > 1:
        cells = int(analysis.totals["cells"].sum())
        arts = int(analysis.totals["articles"].sum())
        pct = round(100.0 * arts / cells, 2) if cells else 0.0
        goal_rows.append(
            Row(
                (
                    cell(t("word.total")),
                    cell(""),
                    ctx.num(len(analysis.itemsets)),
                    ctx.num(analysis.coverage["wiki"].nunique()),
                    ctx.num(cells),
                    ctx.num(arts),
                    ctx.num(cells - arts),
                    ctx.num(pct, 2),
                    ctx.bar_cell(pct),
                    Cell(Plain(t.plain("word.none"))),
                ),
                total=True,
            )
        )
    goals_table = Table(
        tuple(
            t.plain(k)
            for k in (
                "col.goal", "col.title", "col.itemsets", "col.wikis", "col.cells",
                "col.articles", "col.missing", "col.coverage", "col.bar", "col.query",
            )
        ),
        (False, False, True, True, True, True, True, True, True, False),
        tuple(goal_rows),
    )

    goals = sorted(analysis.goals)
    cov = analysis.coverage.set_index(["goal", "wiki"])
    lang_rows = []
    missing_of: dict[str, int] = {}
    for wiki in analysis.wikis:
        code = ctx.subdomain(wiki)
        figures = []
        missing = 0
        for g in goals:
            if (g, wiki) in cov.index:
                r = cov.loc[(g, wiki)]
                missing += int(r["missing"])
                url = ctx.drill.coverage(ctx.sets_of_goal[g], wiki, f"SDG {g} in {wiki}")
                number = Number(float(r["coverage_pct"]), 2)
                figures.append(
                    cell(ExtLink(url, number) if url else number, float(r["coverage_pct"]))
                )
            else:
                figures.append(Cell(Plain(t.plain("word.none")), "-1"))
        lang_rows.append(
            Row(
                (
                    cell(ctx.language_name(wiki)),
                    cell(ctx.page_link(f"lang-{code}", code), code),
                    *figures,
                    ctx.num(missing),
                )
            )
        )
        missing_of[wiki] = missing
    langs_table = Table(
        (t.plain("col.language"), t.plain("col.code"), *(f"SDG {g} %" for g in goals),
         t.plain("col.gaps")),
        (False, False, *([True] * len(goals)), True),
        tuple(lang_rows),
    )
    incomplete = []
    if not analysis.complete:
        first = analysis.warnings[0] if analysis.warnings else ""
        incomplete.append(Para(t("summary.incomplete", count=len(analysis.warnings), first=first)))
    blocks = [
        *incomplete,
        Para(t("summary.intro")),
        *ctx.how_to_help(),
        Heading(2, t("summary.goals")),
        goals_table,
        Heading(2, t("summary.languages")),
        langs_table,
        *equity_blocks(ctx, missing_of, lambda w: ctx.page_link(
            f"lang-{ctx.subdomain(w)}", ctx.subdomain(w))),
        Image("coverage.png", t.plain("col.bar")),
        Image("quality.png", t.plain("goal.quality")),
        *ctx.legend(gaps=False, quality=False, set_ids=[s.id for s in analysis.itemsets]),
        Heading(2, t("summary.data")),
        data_section(ctx),
    ]
    page = PageModel("summary", "", t.plain("summary.title"), blocks)
    return page, len(goal_rows) + len(lang_rows), int(analysis.totals["missing"].sum())


def data_section(ctx: Context) -> Bullets:
    analysis, t = ctx.analysis, ctx.t
    lines = [
        t(
            "data.run",
            run_id=analysis.run_id,
            finished=analysis.finished.isoformat(),
            endpoint=analysis.endpoint["name"],
        )
    ]
    answered = analysis.endpoint.get("answered_by") or {}
    fallback = (analysis.endpoint.get("fallback") or {}).get("name")
    if analysis.endpoint.get("fallback_used") and answered.get(fallback):
        lines.append(
            t(
                "data.fallback",
                count=answered[fallback],
                total=sum(answered.values()),
                fallback=fallback,
                primary=analysis.endpoint["name"],
            )
        )
    for itemset in analysis.itemsets:
        source = itemset.source or {}
        described = (
            " · ".join(str(source[k]) for k in ("repository", "path", "commit") if source.get(k))
            or itemset.description
        )
        wikis = len(itemset.observed_wikis) if itemset.observed_wikis else "all"
        lines.append(
            t(
                "data.source",
                title=itemset.title,
                items=Number(ctx.set_items.get(itemset.id, 0)),
                wikis=str(wikis),
                date=itemset.data_date or "live",
                source=described,
            )
        )
    left_out = analysis.counts.get("left_out") or {}
    if left_out.get("items"):
        classes = ", ".join(
            t.plain("data.left_out_class", name=c["name"], items=t.number(c["items"]))
            for c in left_out.get("classes", ())
        )
        lines.append(t("data.left_out", items=Number(left_out["items"]), classes=classes))
    sizes = analysis.pagesizes
    if sizes is not None and len(sizes):
        known = (analysis.provenance or {}).get("pagesizes_source") or {}
        if known:
            text = " · ".join(str(known[k]) for k in ("repository", "path", "commit") if k in known)
        else:
            day = analysis.finished.date().isoformat()
            text = f"MediaWiki API (action=query, prop=info), {day}"
        lines.append(t("data.pagesizes", source=text))
    else:
        lines.append(t("data.pagesizes_none"))
    return Bullets(tuple(lines))
