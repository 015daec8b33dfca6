"""A campaign's impact page and chart: what its frozen start became, month by month.

The page (wikitext and HTML from the same :mod:`bot.report.model` blocks): how the start was
frozen, then per language a table of months — worklist items, created, still missing, the
comparison group — and the new articles by title, each linked to its Wikipedia article and its
Wikidata item; last, the runs counted. ``impact.png`` draws the articles created per month and
language (solid: the worklist; dashed: the comparison group). :func:`write_impact` writes them
in the layout ``sdg-gaps post`` reads, one page, the subpage ``Impact`` of the campaign's root.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.report import links
from bot.report.html import HtmlRenderer
from bot.report.model import (
    Bullets,
    ExtLink,
    Heading,
    Image,
    ItemLink,
    Number,
    PageModel,
    Para,
    Plain,
    Row,
    Table,
    cell,
)
from bot.report.text import Text
from bot.report.wikitext import WikitextRenderer

IMPACT = "impact"
SUBPAGE = "Impact"
CHART = "impact.png"


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def impact_page(t: Text, wikis, campaign, measured, frozen, lang: str = "en") -> PageModel:
    months, runs, created = measured.months, measured.runs, measured.created

    def name(wiki: str) -> str:
        w = wikis.get(wiki)
        return w.name if lang == "en" else w.autonym

    first = months.drop_duplicates("wiki")
    blocks: list = [Para(t(
        "impact.intro", frozen=f"{frozen.frozen[:10]}",
        items=Number(int(first["worklist_items"].sum())),
        control=Number(int(first["control_items"].sum()))))]
    if len(runs):
        blocks.append(Para(t("impact.looks", looks=Number(int(runs["run"].nunique())),
                             start=campaign.start.isoformat(), latest=str(measured.latest)[:10])))
    else:
        blocks.append(Para(t("impact.none")))
    blocks.append(Image(CHART, t.plain("chart.impact", name=campaign.name)))
    headers = tuple(t.plain(k) for k in (
        "col.month", "col.worklist_items", "col.created", "col.still_missing",
        "col.created_pct", "col.control_items", "col.control_created", "col.control_pct"))
    for wiki, part in months.groupby("wiki", sort=False):
        code = wikis.get(wiki).subdomain
        rows = tuple(Row((
            cell(r.month, r.month), cell(Number(r.worklist_items)), cell(Number(r.created)),
            cell(Number(r.still_missing)), cell(Number(_pct(r.created, r.worklist_items), 2)),
            cell(Number(r.control_items)), cell(Number(r.control_created)),
            cell(Number(_pct(r.control_created, r.control_items), 2)),
        )) for r in part.itertuples(index=False))
        blocks += [Heading(2, t("impact.language", name=name(wiki), code=code)),
                   Table(headers, (False, *([True] * 7)), rows)]
        mine = created[created["wiki"] == wiki]
        blocks.append(Heading(3, t("impact.new")))
        if mine.empty:
            blocks.append(Para(t("impact.new_none")))
            continue
        lines = []
        for r in mine.itertuples(index=False):
            title = r.title if isinstance(r.title, str) and r.title else None
            shown = (ExtLink(links.article_url(code, title), Plain(title)) if title
                     else Plain(t.plain("word.unknown")))
            group = t.plain("impact.on_worklist" if r.group == "worklist" else "impact.in_control")
            lines.append(t("impact.article", item=ItemLink(r.qid), title=shown, group=group,
                           month=str(r.month)))
        blocks.append(Bullets(tuple(lines)))
    if len(runs):
        blocks.append(Heading(2, t("impact.runs")))
        listed = runs.groupby(["run", "run_id", "series", "finished"], sort=True)["wiki"].apply(
            lambda w: ", ".join(wikis.get(x).subdomain for x in w)).reset_index()
        blocks.append(Bullets(tuple(
            t("impact.run", run_id=r.run_id, series=r.series, finished=str(r.finished)[:16],
              wikis=r.wiki) for r in listed.itertuples(index=False))))
    return PageModel(IMPACT, SUBPAGE, t.plain("impact.title", name=campaign.name), blocks)


def impact_chart(months, wikis, path: Path, title: str) -> None:
    """Articles created per month: one solid line per language (worklist), dashed for its
    comparison group."""
    from bot.report.chart import pyplot  # and pandas with it: only when drawing

    plt = pyplot()
    figure, axis = plt.subplots(figsize=(8, 4))
    for number, (wiki, part) in enumerate(months.groupby("wiki", sort=False)):
        colour = f"C{number % 10}"
        code = wikis.get(wiki).subdomain
        axis.plot(part["month"], part["created"], marker="o", color=colour, label=code)
        axis.plot(part["month"], part["control_created"], marker=".", linestyle="--",
                  color=colour, label=f"{code} (comparison)")
    axis.set_title(title, fontsize=10)
    axis.set_ylim(bottom=0)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7)
    figure.subplots_adjust(left=0.08, right=0.97, top=0.9, bottom=0.12)
    figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(figure)


def write_impact(out: Path, campaign, measured, frozen, *, lang: str, run_id: str,
                 generated: str) -> PageModel:
    """Write the impact page (``pages.json``, ``wikitext/impact.wiki``, ``impact.html``) and
    the chart into *out*."""
    from bot.languages import load_wikis

    t, wikis = Text(lang), load_wikis()
    page = impact_page(t, wikis, campaign, measured, frozen, lang)
    (out / "wikitext").mkdir(parents=True, exist_ok=True)
    body = WikitextRenderer(SUBPAGE, {IMPACT: SUBPAGE}, t.number).page(page.blocks)
    (out / "wikitext" / "impact.wiki").write_text(body + "\n", encoding="utf-8")
    renderer = HtmlRenderer("impact.html", {IMPACT: "impact.html"}, t.number)
    (out / "impact.html").write_text(
        renderer.document(page.title, lang, page.blocks, [(IMPACT, page.title)]),
        encoding="utf-8")
    impact_chart(measured.months, wikis, out / CHART, t.plain("chart.impact", name=campaign.name))
    created = int(measured.created["group"].eq("worklist").sum()) if len(measured.created) else 0
    (out / "pages.json").write_text(json.dumps({
        "run_id": run_id, "generated": generated, "complete": True, "lang": lang,
        "pages": [{"id": IMPACT, "subpage": SUBPAGE, "file": "wikitext/impact.wiki",
                   "title": page.title, "rows": int(body.count("\n|-")), "gaps": 0,
                   "summary": f"impact: {created:,} worklist articles created"}]},
        indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return page
