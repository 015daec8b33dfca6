"""Rendering an :class:`bot.analysis.Analysis` into a report directory.

:func:`write_report` is the front door: it writes the CSV tables, ``summary.json``, the wiki
pages (``pages.json`` and ``wikitext/*.wiki``: bodies only; :mod:`bot.wiki` adds the markers
when it posts them), the same pages as static HTML (``index.html`` and ``html/*.html``), the
charts and a copy of each item set's QID list or query. The layout of the directory is
described in :mod:`bot.report.directory`, which writes it. This package never fetches and never
posts.

Pages are built once as :mod:`bot.report.model` blocks and rendered twice, as wikitext
(:mod:`bot.report.wikitext`) and as HTML (:mod:`bot.report.html`); untrusted text is escaped in
one place, :mod:`bot.report.escape`. The rooms of the package:

* :mod:`bot.report.directory` — :func:`write_report`: every file of a report directory;
* :mod:`bot.report.pages` — every page of a report in order, the navigation, the partner
  worklist page;
* :mod:`bot.report.summary`, :mod:`bot.report.goal`, :mod:`bot.report.language` — one module per
  kind of page: the summary, a goal's page, a Wikipedia's page (and the gap tables the worklists
  share);
* :mod:`bot.report.context` — what every page of one report shares: the
  :class:`bot.report.context.Context`, the cells, the closing sections;
* :mod:`bot.report.text` — the words: the message files and figures in the report language;
* :mod:`bot.report.changes` — the "Since the last run" sections;
* :mod:`bot.report.equity` — the speakers beside each language's missing topics;
* :mod:`bot.report.queries` — the drill-down: the SPARQL query behind a figure, as a link;
* :mod:`bot.report.links` — the URLs a report links to (Wikidata, Wikipedia, Content
  Translation);
* :mod:`bot.report.model`, :mod:`bot.report.wikitext`, :mod:`bot.report.html` — the page model
  and its two renderers;
* :mod:`bot.report.escape` — escaping untrusted text, once;
* :mod:`bot.report.rowcache` — gap-row cells spelled once per report, however many pages
  list the item;
* :mod:`bot.report.csvfile` — the CSV files, each distinct value spelled once, byte for
  byte as pandas writes them;
* :mod:`bot.report.chart` — the PNG charts (matplotlib loaded on the first chart);
* :mod:`bot.report.trend` — the files that come from the history: ``trend.png`` and
  ``changes.csv``;
* :mod:`bot.report.status` — the status page of scheduled runs;
* :mod:`bot.report.campaign`, :mod:`bot.report.impact` — a campaign's pages and its impact page.

This file only names what the package offers: the names below are loaded from their module
when first asked for, so that importing a light module of the package (:mod:`bot.report.escape`,
:mod:`bot.report.links`) does not load pandas and the page builders.
"""

from __future__ import annotations

__all__ = ["copy_itemsets", "html_file", "summary_document", "write_report"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from bot.report import directory

        return getattr(directory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
