"""What every page of one report shares: the :class:`Context` and the helpers around it.

The context holds the analysis, the words (:class:`bot.report.text.Text`), the Wikipedias'
names and subdomains, the drill-down queries (:mod:`bot.report.queries`) and the subpage of
every page; it makes the cells the tables share (figures, bars, query links) and the sections
every page ends with (how to help, the legend). The SDG titles come from the UN's own
translations in the catalogue.

Links between the pages are relative subpage links (``[[/fr]]`` from the root, ``[[../fr]]``
from a subpage), so a report works under any root page in a namespace with subpages (the
Project and User namespaces on Wikimedia wikis).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from bot.engines.base import SOURCE_PREFERENCE
from bot.report import links
from bot.report.model import (
    Bar,
    Bullets,
    Cell,
    ExtLink,
    FileLink,
    Heading,
    Number,
    PageLink,
    Plain,
    cell,
    inline,
)
from bot.report.queries import DrillDown
from bot.report.text import Text


def goal_subpage(goal: int) -> str:
    return f"SDG {goal}"


def goal_short(goal, lang: str) -> str:
    return goal.short.get(lang) or goal.short.get("en") or f"SDG {goal.number}"


def goal_title(goal, lang: str) -> str:
    return goal.title.get(lang) or goal.title.get("en") or ""


def target_title(target, lang: str) -> str:
    return target.title.get(lang) or target.title.get("en") or ""


def present(value) -> bool:
    """Whether *value* is known: neither None, nor NA, nor NaN."""
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
        if not present(value):
            return Cell(self.t("word.unknown"), "-1")
        if not digits:
            value = int(value)
        return cell(Number(value, digits))

    def query_cell(self, url: str | None) -> Cell:
        if url is None:
            return Cell(Plain(self.t.plain("word.none")))
        return Cell(ExtLink(url, self.t("link.query")))

    def bar_cell(self, pct) -> Cell:
        if not present(pct):
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
    """The item set's QID list (pinned, or listed in hand) or query, as copied into the
    report directory."""
    path = itemset.pinned or itemset.query
    if path is None:
        if itemset.qids is not None:
            return FileLink(itemset_copy_name(itemset), itemset_copy_name(itemset))
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
