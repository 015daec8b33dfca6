"""Equity: how many people a language's missing topics would reach, and where to start.

Beside each language's missing topics stands the number of people who speak it — the Unicode
CLDR estimate, read through the ``language_data`` package by :meth:`bot.languages.Wikis.speakers`
— and the languages are listed most speakers first: the languages where a gap, once filled,
reaches the most people. A language CLDR has no figure for is listed last, as unknown.

:func:`equity_blocks` gives the section (a heading, a sentence, a table and the source) for a
report's summary page and a campaign's page; it takes the page's context (words, names, cells)
and the missing topics per wiki, and computes nothing else.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata

from bot.report.model import Cell, Heading, Para, Plain, Row, Table, cell

CLDR_VERSION = "40"  # the CLDR release language_data 1.x is built from (its README)


@cache
def package_version() -> str:
    try:
        return metadata.version("language_data")
    except metadata.PackageNotFoundError:
        return "?"


def ordered(wikis, missing: dict[str, int]) -> list[tuple[str, int | None, int]]:
    """``(wiki, speakers, missing)`` most speakers first (unknown last), then most missing,
    then by wiki id."""
    rows = [(wiki, wikis.speakers(wiki), int(n)) for wiki, n in missing.items()]
    return sorted(rows, key=lambda r: (r[1] is None, -(r[1] or 0), -r[2], r[0]))


def equity_blocks(ctx, missing: dict[str, int], link=None) -> list:
    """The equity section for *missing* (wiki → missing topics); *link* (wiki → an inline
    piece) names each language's page, when the page has one."""
    t = ctx.t
    rows = []
    for wiki, speakers, gaps in ordered(ctx.wikis, missing):
        code = ctx.subdomain(wiki)
        rows.append(Row((
            cell(ctx.language_name(wiki)),
            cell(link(wiki) if link else Plain(code), code),
            ctx.num(speakers) if speakers is not None else Cell(t("word.unknown"), "-1"),
            ctx.num(gaps),
        )))
    table = Table(
        (t.plain("col.language"), t.plain("col.code"), t.plain("col.speakers"),
         t.plain("col.gaps")),
        (False, False, True, True),
        tuple(rows),
    )
    return [
        Heading(2, t("equity.heading")),
        Para(t("equity.intro")),
        table,
        Para(t("equity.source", cldr=CLDR_VERSION, version=package_version())),
    ]
