"""The page of one goal: its item sets, its targets, its coverage and quality by language.

The item sets of the goal and its Wikidata item; a table of the SDG targets the item sets are
tied to (:func:`target_section`); the coverage of every Wikipedia, best first, with the goal's
total; the quality-weighted coverage (:func:`quality_section`); what changed since the last run
(:mod:`bot.report.changes`); the legend.
"""

from __future__ import annotations

from bot.report import changes, links
from bot.report.context import Context, goal_short, goal_subpage, goal_title, target_title
from bot.report.model import (
    Bullets,
    ExtLink,
    Heading,
    Image,
    Number,
    PageModel,
    Para,
    Row,
    Table,
    cell,
)


def goal_page(ctx: Context, goal_number: int) -> tuple[PageModel, int, int]:
    analysis, t, lang = ctx.analysis, ctx.t, ctx.lang
    goal = analysis.goals[goal_number]
    set_ids = ctx.sets_of_goal.get(goal_number, [])
    sets = [ctx.drill.sets[s] for s in set_ids]
    cov = analysis.coverage[analysis.coverage["goal"] == goal_number].sort_values(
        ["coverage_pct", "wiki"], ascending=[False, True]
    )
    rows = []
    for r in cov.itertuples(index=False):
        url = ctx.drill.coverage(set_ids, r.wiki, f"SDG {goal_number} in {r.wiki}")
        rows.append(
            Row(
                (
                    cell(ctx.language_name(r.wiki)),
                    cell(ctx.page_link(f"lang-{r.language}", r.language), r.language),
                    ctx.num(r.items),
                    ctx.num(r.articles),
                    ctx.num(r.missing),
                    ctx.num(r.coverage_pct, 2),
                    ctx.bar_cell(r.coverage_pct),
                    ctx.query_cell(url),
                )
            )
        )
    total = analysis.totals[analysis.totals["goal"] == goal_number].iloc[0]
    rows.append(
        Row(
            (
                cell(t("word.total_cells")),
                cell(""),
                ctx.num(total["cells"]),
                ctx.num(total["articles"]),
                ctx.num(total["missing"]),
                ctx.num(total["coverage_pct"], 2),
                ctx.bar_cell(total["coverage_pct"]),
                ctx.query_cell(
                    ctx.drill.coverage(set_ids, None, f"SDG {goal_number}, every Wikipedia")
                ),
            ),
            total=True,
        )
    )
    cov_table = Table(
        tuple(
            t.plain(k)
            for k in (
                "col.language", "col.code", "col.items", "col.articles", "col.missing",
                "col.coverage", "col.bar", "col.query",
            )
        ),
        (False, False, True, True, True, True, True, False),
        tuple(rows),
    )
    set_lines = tuple(
        t(
            "goal.itemset",
            title=s.title,
            items=Number(ctx.set_items.get(s.id, 0)),
            description=s.description or "",
        )
        for s in sets
    )
    item_text = t("link.wikidata", qid=goal.qid)
    blocks = [
        Para(t("goal.intro", title=goal_title(goal, lang))),
        Para(t("goal.item", link=ExtLink(links.wikidata_url(goal.qid), item_text))),
        Heading(2, t("goal.itemsets")),
        Bullets(set_lines),
        *target_section(ctx, goal_number, set_ids),
        Heading(2, t("goal.by_language")),
        cov_table,
        Image("coverage.png", t.plain("col.bar")),
        *quality_section(ctx, goal_number),
        *changes.goal_blocks(ctx, goal_number),
        *ctx.legend(gaps=False, quality=True, set_ids=set_ids),
    ]
    title = t.plain("goal.heading", goal=goal_number, short=goal_short(goal, lang))
    page = PageModel(f"goal-{goal_number}", goal_subpage(goal_number), title, blocks)
    return page, len(rows), int(total["missing"])


def target_section(ctx: Context, goal_number: int, set_ids) -> list:
    analysis, t = ctx.analysis, ctx.t
    table = analysis.coverage_targets
    codes = [c for c, target in analysis.targets.items() if target.goal == goal_number]
    blocks: list = [Heading(2, t("goal.targets"))]
    if table is None or not codes:
        return blocks + [Para(t("goal.targets_none"))]
    members = analysis.members
    rows = []
    for code in codes:
        tied = [s for s in set_ids if code in ctx.drill.sets[s].targets]
        part = table[table["target"] == code]
        items = members.loc[members["itemset"].isin(tied), "qid"].nunique()
        cells = int(part["items"].sum())
        arts = int(part["articles"].sum())
        pct = round(100.0 * arts / cells, 2) if cells else 0.0
        rows.append(
            Row(
                (
                    cell(code, code),
                    cell(target_title(analysis.targets[code], ctx.lang)),
                    ctx.num(items),
                    ctx.num(len(part)),
                    ctx.num(cells),
                    ctx.num(arts),
                    ctx.num(cells - arts),
                    ctx.num(pct, 2),
                    ctx.bar_cell(pct),
                    ctx.query_cell(ctx.drill.coverage(tied, None, f"target {code}")),
                )
            )
        )
    blocks.append(
        Table(
            tuple(
                t.plain(k)
                for k in (
                    "col.target", "col.title", "col.items", "col.wikis", "col.cells",
                    "col.articles", "col.missing", "col.coverage", "col.bar", "col.query",
                )
            ),
            (False, False, True, True, True, True, True, True, True, False),
            tuple(rows),
        )
    )
    untied = [s for s in set_ids if not ctx.drill.sets[s].targets]
    if untied:
        tied_qids = set(members.loc[~members["itemset"].isin(untied), "qid"])
        loose = set(members.loc[members["itemset"].isin(untied), "qid"]) - tied_qids
        blocks.append(Para(t("goal.target_untied", items=Number(len(loose)))))
    return blocks


def quality_section(ctx: Context, goal_number: int) -> list:
    t = ctx.t
    blocks: list = [Heading(2, t("goal.quality"))]
    quality = ctx.quality
    if quality is None:
        return blocks + [Para(t("goal.quality_none"))]
    part = quality[quality["goal"] == goal_number]
    if not part["sized"].any():
        return blocks + [Para(t("goal.quality_none"))]
    part = part.assign(key=part["score"].astype("Float64").fillna(-1.0)).sort_values(
        ["key", "wiki"], ascending=[False, True]
    )
    rows = []
    for r in part.itertuples(index=False):
        rows.append(
            Row(
                (
                    cell(ctx.language_name(r.wiki)),
                    cell(ctx.page_link(f"lang-{r.language}", r.language), r.language),
                    ctx.num(r.absent),
                    ctx.num(r.stub),
                    ctx.num(r.article),
                    ctx.num(r.long),
                    ctx.num(r.unsized),
                    ctx.num(r.score, 2),
                    ctx.bar_cell(r.score),
                )
            )
        )
    blocks.append(
        Table(
            tuple(
                t.plain(k)
                for k in (
                    "col.language", "col.code", "col.absent", "col.stub", "col.article",
                    "col.long", "col.unsized", "col.score", "col.bar",
                )
            ),
            (False, False, True, True, True, True, True, True, True),
            tuple(rows),
        )
    )
    blocks.append(Image("quality.png", t.plain("goal.quality")))
    return blocks
