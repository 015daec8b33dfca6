"""The chart helper draws to files only (matplotlib's Agg backend).

Here, not in tests/unit/: on a machine where matplotlib has not run before, its first import
builds a font cache by running ``fc-list``, a process the unit layer refuses.
"""

from __future__ import annotations


def test_the_helper_draws_to_files_only():
    from bot.report.chart import pyplot

    plt = pyplot()
    assert plt.get_backend().lower() == "agg"
    assert pyplot() is plt
