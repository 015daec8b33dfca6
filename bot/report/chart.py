"""The PNG chart of a report: coverage by language, one panel per goal."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: never a screen
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def coverage_chart(coverage: pd.DataFrame, goals: dict, path: Path) -> None:
    """Horizontal bars of coverage % per language, best covered on top, for each goal."""
    numbers = sorted(coverage["goal"].unique())
    heights = [max(2.0, 0.22 * (coverage["goal"] == g).sum() + 1.0) for g in numbers]
    figure, axes = plt.subplots(
        len(numbers),
        1,
        figsize=(8, sum(heights)),
        squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )
    for axis, goal in zip(axes[:, 0], numbers, strict=True):
        rows = coverage[coverage["goal"] == goal].sort_values(["coverage_pct", "wiki"])
        axis.barh(rows["language"], rows["coverage_pct"], color="#3366cc")
        axis.set_xlim(0, 100)
        short = goals[goal].short.get("en", "") if goal in goals else ""
        axis.set_title(f"SDG {goal}: {short} — coverage by Wikipedia (%)", fontsize=10)
        axis.tick_params(axis="y", labelsize=7)
        axis.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(figure)
