"""Files of a report that come from the history: the trend chart and the list of changes.

``trend.png``
    coverage % over the recorded runs of the series, one panel per goal, one line per language
    (the newest run included);
``changes.csv``
    change (closed | opened), goal, wiki, language, qid, name (the article's title for a closed
    gap, the label for a new one), reason, baseline_run — every change since the last run, also
    those the wiki pages leave out beyond their row limit.

Like the rest of :mod:`bot.report`, this module never fetches and never posts: it is handed the
history's tables (:meth:`bot.history.History.trend`) and the :class:`bot.history.Changes`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bot.report.chart import pyplot

CHANGES_COLUMNS = ["change", "goal", "wiki", "language", "qid", "name", "reason", "baseline_run"]


def changes_table(changes) -> pd.DataFrame:
    """One row per closed or new gap."""
    cells = changes.cells[["goal", "wiki", "baseline_run_id"]].rename(
        columns={"baseline_run_id": "baseline_run"})
    closed = changes.closed.assign(change="closed", reason="article exists").rename(
        columns={"title": "name"})
    opened = changes.opened.assign(change="opened").rename(columns={"label": "name"})
    frame = pd.concat([closed, opened], ignore_index=True)
    if frame.empty:
        return pd.DataFrame(columns=CHANGES_COLUMNS)
    frame = frame.merge(cells, on=["goal", "wiki"], how="left")
    return frame[CHANGES_COLUMNS]


def write_changes(changes, out: Path) -> Path:
    path = Path(out) / "changes.csv"
    changes_table(changes).to_csv(path, index=False)
    return path


def trend_chart(trend: pd.DataFrame, path: Path, *, title: str = "Coverage over runs") -> bool:
    """Draw coverage % over runs (*trend*: finished, goal, language, coverage_pct, run_id).

    Returns False (and writes nothing) when there is nothing to draw.
    """
    if trend is None or trend.empty:
        return False
    plt = pyplot()
    frame = trend.copy()
    frame["when"] = pd.to_datetime(frame["finished"], utc=True, format="ISO8601")
    goals = sorted(frame["goal"].unique())
    figure, axes = plt.subplots(len(goals), 1, figsize=(10, 3.8 * len(goals)), squeeze=False)
    for axis, goal in zip(axes[:, 0], goals, strict=True):
        part = frame[frame["goal"] == goal]
        several = "series" in part and part["series"].nunique() > 1
        keys = ["series", "language"] if several else ["language"]
        languages = []
        for key, line in part.sort_values("when").groupby(keys, sort=True):
            name = f"{key[1]} ({key[0]})" if several else key[0]
            languages.append(name)
            axis.plot(line["when"], line["coverage_pct"], marker="o", markersize=3,
                      linewidth=1, label=name)
        axis.set_title(f"SDG {goal}: {title} (%)", fontsize=10)
        axis.set_ylabel("coverage %")
        axis.grid(alpha=0.3)
        # Beside the plot, never over the lines: up to 15 languages a column.
        axis.legend(fontsize=6, ncol=max(1, -(-len(languages) // 15)), loc="upper left",
                    bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        figure.autofmt_xdate()
    figure.tight_layout()
    figure.savefig(path, dpi=90, metadata={"Software": None})
    plt.close(figure)
    return True


def write_history_files(trend: pd.DataFrame, analysis, out: Path, series: str) -> list[Path]:
    """``changes.csv`` and ``trend.png`` (the recorded runs of *trend* and this one) in *out*."""
    written = []
    if getattr(analysis, "changes", None) is not None:
        written.append(write_changes(analysis.changes, out))
    current = analysis.coverage.assign(
        key=0, run_id=analysis.run_id, series=series, finished=analysis.finished.isoformat()
    )
    frame = pd.concat([trend, current[[c for c in trend.columns if c in current.columns]]],
                      ignore_index=True)
    if trend_chart(frame, out / "trend.png"):
        written.append(out / "trend.png")
    return written
