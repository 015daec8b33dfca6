"""The PNG charts of a report: coverage, and quality-weighted coverage, by language.

Titles come from the message files, like the pages' text; the SDG short titles from the UN's
translations in the catalogue. matplotlib is loaded when the first chart is drawn
(:func:`pyplot`, which every chart of :mod:`bot.report` draws with), never on import.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bot.report.text import messages

COLOURS = {"long": "#14866d", "article": "#36c", "stub": "#a2a9b1"}
# Bars per goal: past this, a chart shows the Wikipedias with the most articles of the goal and
# its title says how many of how many it shows (340 bars would be a chart no one can read).
MAX_BARS = 40


def pyplot():
    """matplotlib's :mod:`matplotlib.pyplot`, drawing to files only (the Agg backend: never a
    screen). Loaded here, at the first chart, so that importing a report module costs nothing
    of matplotlib's."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _capped(rows: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """At most :data:`MAX_BARS` rows, those with the most articles, and the title's note."""
    if len(rows) <= MAX_BARS:
        return rows, ""
    kept = rows.sort_values(["articles", "wiki"], ascending=[False, True]).head(MAX_BARS)
    return kept, f" ({MAX_BARS}/{len(rows)})"


def _short(goals: dict, goal: int, lang: str) -> str:
    if goal not in goals:
        return ""
    return goals[goal].short.get(lang) or goals[goal].short.get("en", "")


def _margins(figure, height: float) -> None:
    """Fixed margins (inches) instead of tight_layout, which measures every label and costs
    more than drawing the chart: the labels here are short language codes."""
    figure.subplots_adjust(
        left=0.08, right=0.97, top=1 - 0.45 / height, bottom=0.3 / height, hspace=0.12
    )


def coverage_chart(coverage: pd.DataFrame, goals: dict, path: Path, lang: str = "en") -> None:
    """Horizontal bars of coverage % per language, best covered on top, for each goal."""
    plt = pyplot()
    words = messages(lang)
    numbers = sorted(coverage["goal"].unique())
    heights = [max(2.0, 0.22 * min(MAX_BARS, (coverage["goal"] == g).sum()) + 1.0)
               for g in numbers]
    figure, axes = plt.subplots(
        len(numbers),
        1,
        figsize=(8, sum(heights)),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    for axis, goal in zip(axes[:, 0], numbers, strict=True):
        rows, note = _capped(coverage[coverage["goal"] == goal])
        rows = rows.sort_values(["coverage_pct", "wiki"])
        axis.barh(rows["language"], rows["coverage_pct"], color="#3366cc")
        axis.set_xlim(0, 100)
        axis.set_title(
            words["chart.coverage"].format(goal=goal, short=_short(goals, goal, lang)) + note,
            fontsize=10,
        )
        axis.tick_params(axis="y", labelsize=7)
        axis.grid(axis="x", alpha=0.3)
    _margins(figure, sum(heights))
    figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(figure)


def quality_chart(
    quality: pd.DataFrame | None, goals: dict, path: Path, lang: str = "en"
) -> None:
    """Stacked bars per language: the share of items with a long article, an article, a stub
    (articles of unknown size are not drawn), for the languages whose page sizes are known."""
    plt = pyplot()
    words = messages(lang)
    sized = quality[quality["sized"]] if quality is not None else None
    if sized is None or sized.empty:
        figure, axis = plt.subplots(figsize=(8, 1.5))
        axis.axis("off")
        axis.text(0.5, 0.5, words["goal.quality_none"], ha="center", va="center", wrap=True)
        figure.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(figure)
        return
    numbers = sorted(sized["goal"].unique())
    heights = [max(2.0, 0.22 * min(MAX_BARS, (sized["goal"] == g).sum()) + 1.2)
               for g in numbers]
    figure, axes = plt.subplots(
        len(numbers),
        1,
        figsize=(8, sum(heights)),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    labels = {"long": words["col.long"], "article": words["col.article"], "stub": words["col.stub"]}
    for axis, goal in zip(axes[:, 0], numbers, strict=True):
        part = sized[sized["goal"] == goal]
        rows, note = _capped(part.assign(articles=part["items"] - part["absent"]))
        rows = rows.copy()
        rows["score_key"] = rows["score"].astype(float)
        rows = rows.sort_values(["score_key", "wiki"])
        items = rows["items"].astype(float).where(lambda s: s > 0)
        left = pd.Series(0.0, index=rows.index)
        for cls in ("long", "article", "stub"):
            share = (100.0 * rows[cls].astype(float) / items).fillna(0.0)
            axis.barh(rows["language"], share, left=left, color=COLOURS[cls], label=labels[cls])
            left = left + share
        axis.set_xlim(0, 100)
        axis.set_title(
            words["chart.quality"].format(goal=goal, short=_short(goals, goal, lang)) + note,
            fontsize=10,
        )
        axis.tick_params(axis="y", labelsize=7)
        axis.grid(axis="x", alpha=0.3)
        axis.legend(loc="lower right", fontsize=7)
    _margins(figure, sum(heights))
    figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(figure)
