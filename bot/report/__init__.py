"""Rendering an :class:`bot.analysis.Analysis` into a report directory.

:func:`write_report` is the front door: it writes the CSV tables, ``summary.json``, the wiki
pages (``pages.json`` and ``wikitext/*.wiki``: bodies only; :mod:`bot.wiki` adds the markers
when it posts them), the same pages as static HTML (``index.html`` and ``html/*.html``), the
charts and a copy of each item set's QID list or query. The layout of the directory is
described in :mod:`bot.report.directory`, which writes it.

Pages are built once (:mod:`bot.report.pages`, one module per kind of page) as
:mod:`bot.report.model` blocks and rendered twice, as wikitext (:mod:`bot.report.wikitext`)
and as HTML (:mod:`bot.report.html`); untrusted text is escaped in one place,
:mod:`bot.report.escape`. This package never fetches and never posts.

This file only names what the package offers: the names below are loaded from their module
when first asked for, so that importing a light module of the package (``bot.report.escape``,
``bot.report.links``) does not load pandas and the page builders.
"""

from __future__ import annotations

__all__ = ["copy_itemsets", "html_file", "summary_document", "write_report"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from bot.report import directory

        return getattr(directory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
