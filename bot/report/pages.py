"""The report's pages: a summary, one page per goal, one per language (and partner worklists).

Each page is built once as a :class:`bot.report.model.PageModel` — headings, sentences from the
message files, tables of figures and links — and rendered twice: as wikitext (the body the
writer posts, :class:`Page`) and as HTML (:mod:`bot.report.html`). Figures, links, ranking and
wording are decided here and only here.

Text comes from ``bot/report/messages/<lang>.json`` (English is the fallback for a missing
key); the SDG titles come from the UN's own translations in the catalogue. Untrusted text
(labels, titles, source names) is carried as :class:`bot.report.model.Plain` and escaped by the
renderers through :mod:`bot.report.escape`.

Links between the pages are relative subpage links (``[[/fr]]`` from the root, ``[[../fr]]``
from a subpage), so a report works under any root page in a namespace with subpages (the
Project and User namespaces on Wikimedia wikis).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from bot.engines.base import SOURCE_PREFERENCE
from bot.report import changes, links
from bot.report.equity import equity_blocks
from bot.report.model import (
    Bar,
    Bullets,
    Cell,
    ExtLink,
    FileLink,
    GapTable,
    Heading,
    Image,
    Msg,
    Number,
    PageLink,
    PageModel,
    Para,
    Plain,
    Row,
    Table,
    cell,
    inline,
)
from bot.report.queries import DrillDown
from bot.report.wikitext import WikitextRenderer

MESSAGES = Path(__file__).resolve().parent / "messages"


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


def report_languages() -> list[str]:
    """The languages a report can be written in: those with a message file."""
    return sorted(p.stem for p in MESSAGES.glob("*.json"))


@cache
def messages(lang: str = "en") -> dict[str, str]:
    """The message file for *lang*, with English as the fallback for missing keys."""
    english = json.loads((MESSAGES / "en.json").read_text(encoding="utf-8"))
    path = MESSAGES / f"{lang}.json"
    if lang != "en" and path.exists():
        english.update(json.loads(path.read_text(encoding="utf-8")))
    return english


class Text:
    """Message look-up: ``t("lang.goal_line", articles=…)`` gives a :class:`Msg` whose fields
    are inline pieces (text becomes :class:`Plain` and is escaped when rendered)."""

    def __init__(self, lang: str = "en"):
        if lang not in report_languages():
            raise ValueError(f"no message file for report language {lang!r}")
        self.lang = lang
        self.table = messages(lang)
        self._plain_numbers = (self.table["number.group"], self.table["number.decimal"]) == (
            ",", "."
        )

    def __call__(self, key: str, **values: object) -> Msg:
        return Msg(self.table[key], tuple((k, inline(v)) for k, v in values.items()))

    def plain(self, key: str, **values: object) -> str:
        """The message as plain text (page titles, column headers); escaped by its renderer."""
        text = self.table[key].format(**{k: str(v) for k, v in values.items()})
        return unicodedata.normalize("NFC", text)

    def number(self, value: float | int, digits: int = 0) -> str:
        """A figure with the report language's digit grouping and decimal mark."""
        text = f"{value:,.{digits}f}" if digits else f"{int(round(value)):,}"
        if self._plain_numbers:
            return text
        group, decimal = self.table["number.group"], self.table["number.decimal"]
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def goal_subpage(goal: int) -> str:
    return f"SDG {goal}"


def _goal_short(goal, lang: str) -> str:
    return goal.short.get(lang) or goal.short.get("en") or f"SDG {goal.number}"


def _goal_title(goal, lang: str) -> str:
    return goal.title.get(lang) or goal.title.get("en") or ""


def _target_title(target, lang: str) -> str:
    return target.title.get(lang) or target.title.get("en") or ""


def _present(value) -> bool:
    return value is not None and value is not pd.NA and not (
        isinstance(value, float) and math.isnan(value)
    )


class Context:
    """What every page of one report needs: the analysis, the words, names and links."""

    def __init__(self, analysis, lang: str = "en", page_rows: int = 500, service: str = "wdqs"):
        from bot.languages import load_wikis

        self.analysis = analysis
        self.t = Text(lang)
        self.lang = lang
        self.page_rows = page_rows
        self.wikis = load_wikis()
        self._subdomains: dict[str, str] = {}
        all_open = {w.wiki for w in self.wikis.all_open()}
        self.drill = DrillDown(
            analysis, lambda w: self.wikis.get(w).subdomain, all_open, service=service
        )
        self.sets_of_goal = {
            g: [s.id for s in analysis.itemsets if s.goal == g] for g in analysis.goals
        }
        self.subpages = {"summary": ""}
        for goal in analysis.goals:
            self.subpages[f"goal-{goal}"] = goal_subpage(goal)
        for code in sorted(set(analysis.coverage["language"])):
            self.subpages[f"lang-{code}"] = code
        members = analysis.members
        self.set_items = (
            members.groupby("itemset")["qid"].nunique().to_dict() if members is not None else {}
        )
        self.quality = analysis.quality
        self._quality_rows: dict | None = None
        self.quality_scale = analysis.quality_scale
        self.not_articles = (
            links.non_article_items(analysis.articles) if analysis.articles is not None else {}
        )

    def quality_of(self, goal: int, wiki: str) -> dict | None:
        """The quality row of a goal × wiki (``None`` when there is none)."""
        if self._quality_rows is None:
            frame = self.quality if self.quality is not None else pd.DataFrame()
            self._quality_rows = {
                (int(r["goal"]), r["wiki"]): r for r in frame.to_dict("records")
            }
        return self._quality_rows.get((int(goal), wiki))

    # names

    def language_name(self, wiki: str) -> str:
        """English name in an English report, the language's own name otherwise."""
        w = self.wikis.get(wiki)
        return w.name if self.lang == "en" else w.autonym

    def subdomain(self, wiki: str) -> str:
        found = self._subdomains.get(wiki)
        if found is None:
            found = self._subdomains[wiki] = self.wikis.get(wiki).subdomain
        return found

    # cells

    def num(self, value, digits: int = 0) -> Cell:
        if not _present(value):
            return Cell(self.t("word.unknown"), "-1")
        if not digits:
            value = int(value)
        return cell(Number(value, digits))

    def query_cell(self, url: str | None) -> Cell:
        if url is None:
            return Cell(Plain(self.t.plain("word.none")))
        return Cell(ExtLink(url, self.t("link.query")))

    def bar_cell(self, pct) -> Cell:
        if not _present(pct):
            return Cell(Plain(""), "-1")
        return cell(Bar(float(pct)), sort=float(pct))

    def page_link(self, page: str, text: object) -> PageLink:
        return PageLink(page, inline(text))

    # common sections

    def how_to_help(self) -> list:
        t = self.t
        return [
            Heading(2, t("how.heading")),
            Bullets((t("how.pick"), t("how.translate"), t("how.markers"))),
        ]

    def legend(self, *, gaps: bool, quality: bool, set_ids) -> list:
        t = self.t
        items = [t("legend.coverage")]
        if gaps:
            order = ", ".join(self.subdomain(w) for w in SOURCE_PREFERENCE)
            items += [
                t("legend.sitelinks"), t("legend.source", order=order), t("legend.cx_articles")
            ]
        if quality:
            scale = self.quality_scale
            w = scale.weights
            items.append(
                t(
                    "legend.quality",
                    stub=Number(scale.stub_below),
                    long=Number(scale.long_from),
                    w0=Number(w[0]),
                    w1=Number(w[1]),
                    w2=Number(w[2]),
                    w3=Number(w[3]),
                )
            )
        items.append(t("legend.query", service=self.drill.name))
        for set_id in self.drill.too_long(set_ids):
            itemset = self.drill.sets[set_id]
            items.append(
                t(
                    "legend.no_query",
                    title=itemset.title,
                    items=Number(self.set_items.get(set_id, 0)),
                    file=itemset_file_link(itemset),
                )
            )
        items.append(t("data.unknown"))
        return [Heading(2, t("legend.heading")), Bullets(tuple(items))]


def itemset_file_link(itemset) -> FileLink | Plain:
    """The item set's QID list (pinned) or query, as copied into the report directory."""
    path = itemset.pinned or itemset.query
    if path is None:
        return Plain(itemset.id)
    from bot.catalogue import ROOT

    try:
        shown = Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        shown = Path(path).name
    return FileLink(itemset_copy_name(itemset), shown)


def itemset_copy_name(itemset) -> str:
    path = itemset.pinned or itemset.query
    suffix = Path(path).suffix if path else ".txt"
    return f"itemsets/{itemset.id}{suffix}"


# --------------------------------------------------------------------------------------------
# The summary


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
                    cell(_goal_short(goal, lang)),
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


# --------------------------------------------------------------------------------------------
# A goal


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
        Para(t("goal.intro", title=_goal_title(goal, lang))),
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
    title = t.plain("goal.heading", goal=goal_number, short=_goal_short(goal, lang))
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
                    cell(_target_title(analysis.targets[code], ctx.lang)),
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


# --------------------------------------------------------------------------------------------
# A language


def gap_table(ctx: Context, gaps: pd.DataFrame, target_subdomain: str) -> GapTable:
    """The missing articles: rank, item, label, Wikipedias, source, its size, CX link.

    *gaps* has ``rank, qid, label, sitelinks`` and, from the sources table, ``source_wiki,
    source_title, source_bytes`` (missing when the item has no article anywhere known).
    """
    t = ctx.t
    columns = {c: gaps[c].tolist() for c in ("rank", "qid", "label", "sitelinks")}
    for c in ("source_wiki", "source_title", "source_bytes"):
        columns[c] = gaps[c].tolist() if c in gaps else [None] * len(gaps)
    sources, sizes, cx = [], [], []
    for qid, source_wiki, source_title, size in zip(
        columns["qid"], columns["source_wiki"], columns["source_title"], columns["source_bytes"],
        strict=True,
    ):
        if isinstance(source_wiki, str):
            source = ctx.subdomain(source_wiki)
            sources.append(source)
            sizes.append(int(size) if _present(size) else None)
            titled = isinstance(source_title, str)
            cx.append(links.cx_url(target_subdomain, source, source_title)
                      if titled and qid not in ctx.not_articles else None)
        else:
            sources.append(None)
            sizes.append(None)
            cx.append(None)
    return GapTable(
        headers=tuple(
            t.plain(k)
            for k in (
                "col.rank", "col.item", "col.label", "col.sitelinks", "col.source",
                "col.source_size", "col.translate",
            )
        ),
        ranks=tuple(int(r) for r in columns["rank"]),
        qids=tuple(columns["qid"]),
        labels=tuple(str(label) for label in columns["label"]),
        sitelinks=tuple(int(n) for n in columns["sitelinks"]),
        sources=tuple(sources),
        sizes=tuple(sizes),
        links=tuple(cx),
        translate=t("link.translate"),
        none=t.plain("word.none"),
    )


def ranking_line(ctx: Context) -> Msg:
    """How the lists to translate are ranked: by sitelinks, or by the page views of the
    Wikipedias named (``--rank demand``)."""
    demand = ctx.analysis.demand
    if ctx.analysis.rank == "demand" and demand:
        names = ", ".join(ctx.language_name(w) for w in demand.get("wikis", ()))
        return ctx.t("rank.demand", wikis=names)
    return ctx.t("rank.sitelinks")


def gap_lists(ctx: Context, shown: pd.DataFrame, code: str) -> list:
    """One goal's gaps on a language page: the topics to translate (an article exists in
    another Wikipedia), then those to write from scratch, each under its own heading."""
    if "kind" not in shown:
        return [gap_table(ctx, shown, code)]
    blocks: list = []
    for kind in ("translate", "scratch"):
        part = shown[shown["kind"] == kind]
        if len(part):
            blocks.append(Heading(3, ctx.t(f"kind.{kind}")))
            if kind == "scratch":
                blocks.append(Para(ctx.t("rank.scratch")))
            blocks.append(gap_table(ctx, part.sort_values("rank"), code))
    return blocks


def with_sources(gaps: pd.DataFrame, sources: pd.DataFrame | None) -> pd.DataFrame:
    if sources is None or gaps.empty:
        return gaps
    return gaps.merge(sources, on="qid", how="left")


_EMPTY = pd.DataFrame({"rank": [], "qid": [], "label": [], "sitelinks": []})


def language_page(ctx: Context, wiki: str, shown_gaps: dict) -> tuple[PageModel, int, int]:
    """The page of one Wikipedia; *shown_gaps* maps (wiki, goal) to the gap rows to show."""
    analysis, t, lang = ctx.analysis, ctx.t, ctx.lang
    cov = analysis.coverage[analysis.coverage["wiki"] == wiki]
    code = ctx.subdomain(wiki)
    quality = ctx.quality
    blocks: list = [Para(t("lang.intro")), Para(ranking_line(ctx)), *ctx.how_to_help()]
    shown_total = gaps_total = 0
    for row in cov.sort_values("goal").itertuples(index=False):
        goal = analysis.goals[row.goal]
        set_ids = ctx.sets_of_goal.get(row.goal, [])
        shown = shown_gaps.get((wiki, row.goal), _EMPTY)
        shown_total += len(shown)
        gaps_total += int(row.missing)
        url = ctx.drill.coverage(set_ids, wiki, f"SDG {row.goal} in {wiki}")
        line = t(
            "lang.goal_line",
            articles=Number(row.articles),
            items=Number(row.items),
            pct=Number(row.coverage_pct, 2),
            missing=Number(row.missing),
        )
        if url:
            line = Msg("{line} ({link})", (("line", line), ("link", ExtLink(url, t("link.query")))))
        blocks += [
            Heading(2, t("goal.heading", goal=row.goal, short=_goal_short(goal, lang))),
            Para(Msg("{line} {bar}", (("line", line), ("bar", Bar(float(row.coverage_pct)))))),
        ]
        if quality is not None:
            r = ctx.quality_of(row.goal, wiki)
            if r is not None and bool(r["sized"]) and _present(r["score"]):
                blocks.append(
                    Para(
                        t(
                            "lang.quality_line",
                            score=Number(float(r["score"]), 2),
                            stub=Number(int(r["stub"])),
                            article=Number(int(r["article"])),
                            long=Number(int(r["long"])),
                        )
                    )
                )
            else:
                blocks.append(Para(t("lang.quality_unknown")))
        blocks += target_lines(ctx, row.goal, wiki)
        if len(shown):
            blocks += gap_lists(ctx, shown, code)
        else:
            blocks.append(Para(t("lang.none")))
        if len(shown) < int(row.missing):
            blocks.append(
                Para(t("lang.shown", shown=Number(len(shown)), missing=Number(int(row.missing))))
            )
        list_url = ctx.drill.gaps(set_ids, wiki, f"missing articles of SDG {row.goal} in {wiki}")
        if list_url and int(row.missing):
            blocks.append(Para(t("lang.list_query", link=ExtLink(list_url, t("link.query")))))
        blocks += changes.language_blocks(ctx, row.goal, wiki)
    blocks += ctx.legend(
        gaps=True, quality=True, set_ids=[s for g in cov["goal"] for s in ctx.sets_of_goal[g]]
    )
    title = t.plain("lang.heading", name=ctx.language_name(wiki), code=code)
    return PageModel(f"lang-{code}", code, title, blocks), shown_total, gaps_total


def target_lines(ctx: Context, goal_number: int, wiki: str) -> list:
    analysis, t = ctx.analysis, ctx.t
    table = analysis.coverage_targets
    if table is None:
        return []
    lines = []
    for code, target in analysis.targets.items():
        if target.goal != goal_number:
            continue
        part = table[(table["target"] == code) & (table["wiki"] == wiki)]
        if not len(part):
            continue
        r = part.iloc[0]
        line = t(
            "lang.target_line",
            code=code,
            title=_target_title(target, ctx.lang),
            articles=Number(int(r["articles"])),
            items=Number(int(r["items"])),
            pct=Number(float(r["coverage_pct"]), 2),
        )
        sets = ctx.sets_of_goal.get(goal_number, [])
        tied = [s for s in sets if code in ctx.drill.sets[s].targets]
        url = ctx.drill.coverage(tied, wiki, f"target {code} in {wiki}")
        if url:
            line = Msg("{line} ({link})", (("line", line), ("link", ExtLink(url, t("link.query")))))
        lines.append(line)
    return [Bullets(tuple(lines))] if lines else []


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
    shown = analysis.gaps[analysis.gaps["rank"] <= ctx.page_rows]
    shown = with_sources(shown, analysis.sources)
    shown = {key: part for key, part in shown.groupby(["wiki", "goal"], sort=False)}
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
