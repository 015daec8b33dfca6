"""The report's pages as wikitext: a summary, one page per goal, one per language.

A page here is a :class:`Page`: its id (which names its markers on the wiki), the subpage it
goes to under the report's root, and its body. Text comes from the message files of
``bot/report/messages``; untrusted text (labels, titles, source names) only ever passes through
:mod:`bot.report.escape`.

Links between the pages are relative subpage links (``[[/fr]]`` from the root, ``[[../fr]]``
from a subpage), so a report works under any root page in a namespace with subpages (the
Project and User namespaces on Wikimedia wikis).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from bot.report import escape
from bot.report.wikitext import gap_table, number, table

MESSAGES = Path(__file__).resolve().parent / "messages"


@dataclass(frozen=True)
class Page:
    id: str
    subpage: str
    title: str
    body: str
    rows: int
    gaps: int
    summary: str


@cache
def messages(lang: str = "en") -> dict[str, str]:
    """The message file for *lang*, with English as the fallback for missing keys."""
    english = json.loads((MESSAGES / "en.json").read_text(encoding="utf-8"))
    path = MESSAGES / f"{lang}.json"
    if lang != "en" and path.exists():
        english.update(json.loads(path.read_text(encoding="utf-8")))
    return english


class Text:
    """Message look-up: ``t("col.goal")`` or ``t("goal.heading", goal=13, short=...)``.

    Arguments are escaped here, so a message can carry untrusted values safely.
    """

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self.table = messages(lang)

    def __call__(self, key: str, **values: object) -> str:
        safe = {k: v if isinstance(v, int | float) else escape.text(v) for k, v in values.items()}
        return self.table[key].format(**safe)

    def plain(self, key: str) -> str:
        """A column header: escaped later by :func:`bot.report.wikitext.table`."""
        return self.table[key]


def goal_subpage(goal: int) -> str:
    return f"SDG {goal}"


def _goal_short(goal, lang: str) -> str:
    return goal.short.get(lang) or goal.short.get("en") or f"SDG {goal.number}"


def _goal_title(goal, lang: str) -> str:
    return goal.title.get(lang) or goal.title.get("en") or ""


def _pct(value: float) -> str:
    return f"{value:.2f}"


def _link(target: str, text: str) -> str:
    """A link to a subpage of this report; *target* is built here, *text* is escaped."""
    return f"[[{target}|{escape.text(text)}]]"


def summary_page(analysis, t: Text) -> Page:
    lang = t.lang
    goal_rows = []
    for row in analysis.totals.itertuples(index=False):
        goal = analysis.goals[row.goal]
        sets = [s for s in analysis.itemsets if s.goal == row.goal]
        goal_rows.append(
            (
                _link(f"/{goal_subpage(row.goal)}", goal_subpage(row.goal)),
                escape.text(_goal_short(goal, lang)),
                number(len(sets)),
                number(row.wikis),
                number(row.cells),
                number(row.articles),
                number(row.missing),
                _pct(row.coverage_pct),
            )
        )
    goals_table = table(
        [
            t.plain(k)
            for k in (
                "col.goal",
                "col.title",
                "col.itemsets",
                "col.wikis",
                "col.cells",
                "col.articles",
                "col.missing",
                "col.coverage",
            )
        ],
        goal_rows,
        numeric=[False, False, True, True, True, True, True, True],
    )
    wide = analysis.coverage.pivot_table(
        index=["wiki", "language", "language_name"], columns="goal", values="coverage_pct"
    )
    missing = analysis.coverage.groupby("wiki")["missing"].sum()
    goals = sorted(analysis.goals)
    lang_rows = []
    for (wiki, code, name), values in wide.iterrows():
        lang_rows.append(
            (
                escape.text(name),
                _link(f"/{code}", code),
                *(_pct(values[g]) if pd.notna(values.get(g)) else "–" for g in goals),
                number(missing[wiki]),
            )
        )
    langs_table = table(
        [
            t.plain("col.language"),
            t.plain("col.code"),
            *(f"SDG {g} %" for g in goals),
            t.plain("col.gaps"),
        ],
        lang_rows,
        numeric=[False, False, *([True] * len(goals)), True],
    )
    incomplete = (
        []
        if analysis.complete
        else [
            t(
                "summary.incomplete",
                count=len(analysis.warnings),
                first=analysis.warnings[0] if analysis.warnings else "",
            ),
            "",
        ]
    )
    body = "\n".join(
        [
            *incomplete,
            t("summary.intro"),
            "",
            t("how.help"),
            "",
            f"== {t('summary.goals')} ==",
            goals_table,
            "",
            f"== {t('summary.languages')} ==",
            langs_table,
            "",
            f"== {t('summary.data')} ==",
            data_section(analysis, t),
        ]
    )
    total_gaps = int(analysis.totals["missing"].sum())
    summary = "; ".join(
        f"SDG {r.goal}: {number(r.missing)} gaps" for r in analysis.totals.itertuples(index=False)
    )
    return Page(
        "summary",
        "",
        t.plain("summary.title"),
        body,
        rows=len(goal_rows) + len(lang_rows),
        gaps=total_gaps,
        summary=summary,
    )


def data_section(analysis, t: Text) -> str:
    lines = [
        "* "
        + t(
            "data.run",
            run_id=analysis.run_id,
            finished=analysis.finished.isoformat(),
            endpoint=analysis.endpoint["name"],
        ),
    ]
    answered = analysis.endpoint.get("answered_by") or {}
    fallback = (analysis.endpoint.get("fallback") or {}).get("name")
    if analysis.endpoint.get("fallback_used") and answered.get(fallback):
        lines.append(
            "* "
            + t(
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
            "* "
            + t(
                "data.source",
                title=itemset.title,
                items=f"{_count(analysis, itemset.id):,}",
                wikis=str(wikis),
                date=itemset.data_date or "live",
                source=described,
            )
        )
    lines.append("* " + t("data.unknown"))
    return "\n".join(lines)


def _count(analysis, itemset_id: str) -> int:
    rows = analysis.coverage_itemsets[analysis.coverage_itemsets["itemset"] == itemset_id]
    return int(rows["items"].max()) if len(rows) else 0


def goal_page(analysis, goal_number: int, t: Text) -> Page:
    goal = analysis.goals[goal_number]
    cov = analysis.coverage[analysis.coverage["goal"] == goal_number].sort_values(
        ["coverage_pct", "wiki"], ascending=[False, True]
    )
    rows = [
        (
            escape.text(r.language_name),
            _link(f"../{r.language}", r.language),
            number(r.items),
            number(r.articles),
            number(r.missing),
            _pct(r.coverage_pct),
        )
        for r in cov.itertuples(index=False)
    ]
    cov_table = table(
        [
            t.plain(k)
            for k in (
                "col.language",
                "col.code",
                "col.items",
                "col.articles",
                "col.missing",
                "col.coverage",
            )
        ],
        rows,
        numeric=[False, False, True, True, True, True],
    )
    sets = [s for s in analysis.itemsets if s.goal == goal_number]
    set_lines = [
        f"* {escape.text(s.title)}" + (f" — {escape.text(s.description)}" if s.description else "")
        for s in sets
    ]
    gaps = int(cov["missing"].sum())
    body = "\n".join(
        [
            f"== {t('goal.heading', goal=goal_number, short=_goal_short(goal, t.lang))} ==",
            t("goal.intro", title=_goal_title(goal, t.lang)),
            "",
            f"=== {t('goal.itemsets')} ===",
            *set_lines,
            "",
            f"=== {t('goal.by_language')} ===",
            cov_table,
        ]
    )
    return Page(
        f"goal-{goal_number}",
        goal_subpage(goal_number),
        t("goal.heading", goal=goal_number, short=_goal_short(goal, t.lang)),
        body,
        rows=len(rows),
        gaps=gaps,
        summary=f"SDG {goal_number}: {number(gaps)} gaps",
    )


def language_page(analysis, wiki: str, t: Text, page_rows: int) -> Page:
    cov = analysis.coverage[analysis.coverage["wiki"] == wiki]
    first = cov.iloc[0]
    parts = [
        t("lang.intro"),
        "",
        t("how.help"),
    ]
    shown_total = 0
    gaps_total = 0
    for row in cov.sort_values("goal").itertuples(index=False):
        goal = analysis.goals[row.goal]
        gaps = analysis.gaps[(analysis.gaps["wiki"] == wiki) & (analysis.gaps["goal"] == row.goal)]
        shown = gaps.head(page_rows)
        shown_total += len(shown)
        gaps_total += int(row.missing)
        parts += [
            "",
            f"== {t('goal.heading', goal=row.goal, short=_goal_short(goal, t.lang))} ==",
            t(
                "lang.goal_line",
                articles=number(row.articles),
                items=number(row.items),
                pct=_pct(row.coverage_pct),
                missing=number(row.missing),
            ),
        ]
        if len(shown):
            headers = [t.plain(k) for k in ("col.rank", "col.item", "col.label", "col.sitelinks")]
            parts.append(gap_table(shown, headers))
        if len(shown) < len(gaps):
            parts.append(t("lang.shown", shown=number(len(shown)), missing=number(len(gaps))))
    code = first["language"]
    body = "\n".join(parts)
    title = t("lang.heading", name=first["language_name"], code=code)
    return Page(
        f"lang-{code}",
        code,
        title,
        body,
        rows=shown_total,
        gaps=gaps_total,
        summary=f"{code}: {number(gaps_total)} gaps",
    )


def build_pages(analysis, lang: str = "en", page_rows: int = 500) -> list[Page]:
    """All pages of a report, summary first, then goals, then languages."""
    t = Text(lang)
    pages = [summary_page(analysis, t)]
    pages += [goal_page(analysis, g, t) for g in sorted(analysis.goals)]
    pages += [language_page(analysis, w, t, page_rows) for w in analysis.wikis]
    return pages
