"""The page of one Wikipedia, and the tables of missing articles it shares with the worklists.

Per goal: the coverage line with its bar, the quality line, the targets' lines
(:func:`target_lines`), the missing articles — those to translate (an article exists in another
Wikipedia) and those to write from scratch (:func:`gap_lists`), ranked as :func:`ranking_line`
says — how many are not shown, the query listing them all, and what changed since the last run
(:mod:`bot.report.changes`). :func:`gap_table` is the table of missing articles, with the
article to translate from and its Content Translation link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.engines.base import GAP_KINDS
from bot.report import changes, links
from bot.report.context import Context, goal_short, present, target_title
from bot.report.model import (
    Bar,
    Bullets,
    ExtLink,
    GapTable,
    Heading,
    Msg,
    Number,
    PageModel,
    Para,
)

GAP_FIELDS = ("rank", "qid", "label", "sitelinks", "source_wiki", "source_title", "source_bytes")


@dataclass(frozen=True)
class GapRows:
    """The gaps of one goal × wiki × kind as column lists, cut out of the sorted rows of
    :class:`ShownGaps`; *kind* is None for gaps of no kind. The columns are ``rank, qid, label,
    sitelinks`` and what :func:`gap_table` shows of the source: ``source`` (its subdomain),
    ``size`` (its bytes) and ``page`` (its title as Content Translation's ``page=``), None
    where unknown or not to be linked."""

    kind: str | None
    columns: dict[str, list]

    def __len__(self) -> int:
        return len(self.columns["qid"])


def _columns(gaps: pd.DataFrame) -> dict[str, list]:
    """:data:`GAP_FIELDS` of *gaps* as lists (a source column missing: all None)."""
    return {c: gaps[c].tolist() if c in gaps else [None] * len(gaps) for c in GAP_FIELDS}


def _source_columns(ctx: Context, columns: dict[str, list]) -> tuple[list, list, list]:
    """``source, size, page`` (see :class:`GapRows`) of the :data:`GAP_FIELDS` *columns*."""
    sources, sizes, pages = [], [], []
    for qid, source_wiki, source_title, size in zip(
        columns["qid"], columns["source_wiki"], columns["source_title"], columns["source_bytes"],
        strict=True,
    ):
        if isinstance(source_wiki, str):
            sources.append(ctx.subdomain(source_wiki))
            sizes.append(int(size) if present(size) else None)
            titled = isinstance(source_title, str)
            pages.append(links.cx_page(source_title)
                         if titled and qid not in ctx.not_articles else None)
        else:
            sources.append(None)
            sizes.append(None)
            pages.append(None)
    return sources, sizes, pages


def _objects(values) -> np.ndarray:
    """*values* as a one-dimensional object array (each element as it is)."""
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


class ShownGaps:
    """The gaps the language pages show, with their labels and sources, in order: by wiki,
    goal, kind (translate, then scratch) and rank. :meth:`of_wiki` cuts one Wikipedia's rows
    into column lists per goal and kind, so that a page of 17 goals costs no pandas operation
    per goal, and only one page's rows are Python objects at a time (hundreds of pages,
    millions of rows at full scale).

    An item is listed on many pages, so the rows hold codes into distinct values: each QID
    and label is one Python object, and an item's source (its subdomain, size and Content
    Translation title, see :class:`GapRows`) is worked out once. *sources* is the sources
    table (one row per QID; with more, each gap row is joined to its own)."""

    def __init__(self, gaps: pd.DataFrame, sources: pd.DataFrame | None, ctx: Context) -> None:
        per_row = sources is not None and not gaps.empty and not sources["qid"].is_unique
        if per_row:
            gaps = with_sources(gaps, sources).reset_index(drop=True)
        self.has_kind = "kind" in gaps
        order = {kind: i for i, kind in enumerate(GAP_KINDS)}
        kinds = (gaps["kind"].map(order).to_numpy("int64") if self.has_kind
                 else np.zeros(len(gaps), "int64"))
        wikis, names = pd.factorize(gaps["wiki"], sort=True)
        goals = gaps["goal"].to_numpy("int64")
        ranks = gaps["rank"].to_numpy("int64")
        rows = np.lexsort((ranks, kinds, goals, wikis))  # stable: ties keep their order
        wikis = wikis[rows]
        cuts = np.flatnonzero(wikis[1:] != wikis[:-1]) + 1
        starts, ends = [0, *cuts.tolist()], [*cuts.tolist(), len(wikis)]
        self.bounds = {names[wikis[a]]: (a, b) for a, b in zip(starts, ends, strict=True)
                       if b > a}
        self.goals, self.kinds, self.ranks = goals[rows], kinds[rows], ranks[rows]
        self.sitelinks = gaps["sitelinks"].to_numpy("int64")[rows]
        qids, distinct = pd.factorize(gaps["qid"], use_na_sentinel=False)
        self.qid_codes, self.qids = qids[rows], _objects(distinct)
        labels = gaps["label"]
        if labels.isna().any():  # factorize would merge None, NaN and NA; they show as str()
            labels = labels.astype(object).map(str)
        codes, distinct = pd.factorize(labels, use_na_sentinel=False)
        self.label_codes, self.labels = codes[rows], _objects(distinct)
        if per_row:
            keys, self.key_codes = gaps, rows
        else:
            keys = with_sources(pd.DataFrame({"qid": self.qids.tolist()}), sources)
            self.key_codes = self.qid_codes
        source, size, page = _source_columns(ctx, _columns(keys))
        self.sources = {"source": _objects(source), "size": _objects(size),
                        "page": _objects(page)}

    def of_wiki(self, wiki: str) -> dict[int, list[GapRows]]:
        """Goal → the gaps of *wiki* shown under it, one :class:`GapRows` per kind."""
        if wiki not in self.bounds:
            return {}
        a, b = self.bounds[wiki]
        keys = self.key_codes[a:b]
        columns = {"rank": self.ranks[a:b].tolist(),
                   "qid": self.qids[self.qid_codes[a:b]].tolist(),
                   "label": self.labels[self.label_codes[a:b]].tolist(),
                   "sitelinks": self.sitelinks[a:b].tolist()}
        columns.update({c: values[keys].tolist() for c, values in self.sources.items()})
        goals, kinds = self.goals[a:b], self.kinds[a:b]
        cuts = np.flatnonzero((goals[1:] != goals[:-1]) | (kinds[1:] != kinds[:-1])) + 1
        shown: dict[int, list[GapRows]] = {}
        for start, end in zip([0, *cuts.tolist()], [*cuts.tolist(), b - a], strict=True):
            kind = GAP_KINDS[kinds[start]] if self.has_kind else None
            part = GapRows(kind, {c: values[start:end] for c, values in columns.items()})
            shown.setdefault(int(goals[start]), []).append(part)
        return shown


def gap_table(ctx: Context, gaps: pd.DataFrame | GapRows, target_subdomain: str) -> GapTable:
    """The missing articles: rank, item, label, Wikipedias, source, its size, CX link.

    *gaps* has ``rank, qid, label, sitelinks`` and, from the sources table, ``source_wiki,
    source_title, source_bytes`` (missing when the item has no article anywhere known), or is
    a :class:`GapRows`.
    """
    t = ctx.t
    if isinstance(gaps, GapRows):
        columns = gaps.columns
        sources, sizes, pages = columns["source"], columns["size"], columns["page"]
    else:
        columns = _columns(gaps)
        sources, sizes, pages = _source_columns(ctx, columns)
    prefixes: dict[str, str] = {}
    cx = []
    for source, page in zip(sources, pages, strict=True):
        if page is None:
            cx.append(None)
            continue
        prefix = prefixes.get(source)
        if prefix is None:
            prefix = prefixes[source] = links.cx_prefix(target_subdomain, source)
        cx.append(prefix + page)
    return GapTable(
        headers=tuple(
            t.plain(k)
            for k in (
                "col.rank", "col.item", "col.label", "col.sitelinks", "col.source",
                "col.source_size", "col.translate",
            )
        ),
        ranks=tuple(map(int, columns["rank"])),
        qids=tuple(columns["qid"]),
        labels=tuple(map(str, columns["label"])),
        sitelinks=tuple(map(int, columns["sitelinks"])),
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


def gap_lists(ctx: Context, parts: list[GapRows], code: str) -> list:
    """One goal's gaps on a language page: the topics to translate (an article exists in
    another Wikipedia), then those to write from scratch, each under its own heading."""
    blocks: list = []
    for part in parts:
        if part.kind is not None:
            blocks.append(Heading(3, ctx.t(f"kind.{part.kind}")))
            if part.kind == "scratch":
                blocks.append(Para(ctx.t("rank.scratch")))
        blocks.append(gap_table(ctx, part, code))
    return blocks


def with_sources(gaps: pd.DataFrame, sources: pd.DataFrame | None) -> pd.DataFrame:
    if sources is None or gaps.empty:
        return gaps
    return gaps.merge(sources, on="qid", how="left")


def language_page(ctx: Context, wiki: str, shown_gaps: ShownGaps) -> tuple[PageModel, int, int]:
    """The page of one Wikipedia, showing its rows of *shown_gaps*."""
    analysis, t, lang = ctx.analysis, ctx.t, ctx.lang
    cov = analysis.coverage[analysis.coverage["wiki"] == wiki]
    code = ctx.subdomain(wiki)
    quality = ctx.quality
    blocks: list = [Para(t("lang.intro")), Para(ranking_line(ctx)), *ctx.how_to_help()]
    shown_total = gaps_total = 0
    of_goal = shown_gaps.of_wiki(wiki)
    for row in cov.sort_values("goal").itertuples(index=False):
        goal = analysis.goals[row.goal]
        set_ids = ctx.sets_of_goal.get(row.goal, [])
        parts = of_goal.get(int(row.goal), [])
        shown = sum(len(part) for part in parts)
        shown_total += shown
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
            Heading(2, t("goal.heading", goal=row.goal, short=goal_short(goal, lang))),
            Para(Msg("{line} {bar}", (("line", line), ("bar", Bar(float(row.coverage_pct)))))),
        ]
        if quality is not None:
            r = ctx.quality_of(row.goal, wiki)
            if r is not None and bool(r["sized"]) and present(r["score"]):
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
        if shown:
            blocks += gap_lists(ctx, parts, code)
        else:
            blocks.append(Para(t("lang.none")))
        if shown < int(row.missing):
            blocks.append(
                Para(t("lang.shown", shown=Number(shown), missing=Number(int(row.missing))))
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
            title=target_title(target, ctx.lang),
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
