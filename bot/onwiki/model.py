"""What a configuration page asks for, once read: reports, their parameters, the mistakes.

The vocabulary of the page (the template's name, its parameters and their aliases, the
defaults) and the values the reading produces: a :class:`ReportSpec` per report, a
:class:`ConfigMessage` per mistake, both held by a :class:`ConfigPage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import DEFAULT_GAPS_PER_WIKI
from bot.engines.base import RANKS

TEMPLATE = "SDG gaps report"
CAMPAIGN_TEMPLATE = "SDG gaps campaign"  # read by bot.campaign.spec
DEFAULT_EVERY = 7.0
DEFAULT_ROWS = DEFAULT_GAPS_PER_WIKI
MAX_ROWS = 5000
WORDS = {"daily": 1.0, "weekly": 7.0, "fortnightly": 14.0, "monthly": 30.0}

PARAMETERS = {
    "page": "the report's root page, e.g. Project:WikiProject Climate/SDG gaps",
    "goals": "goals and targets, e.g. 13, 15.8",
    "items": "QIDs of your own item set, e.g. Q7942 Q125928",
    "items page": "a wiki page listing QIDs of your item set, one per line",
    "items goal": "the goal (1–17) your items count for",
    "items title": "a title for your item set",
    "languages": "Wikipedia language codes, e.g. fr, de, sw — or all",
    "every": "days between updates, e.g. 7",
    "report language": "the language of the report's text, e.g. en",
    "rows": f"missing articles listed per goal and language, 1–{MAX_ROWS:,}",
    "rank": "how topics to translate are ordered: sitelinks or demand",
}
ALIASES = {
    "root": "page",
    "report page": "page",
    "goal": "goals",
    "targets": "goals",
    "language": "languages",
    "wikis": "languages",
    "frequency": "every",
    "every days": "every",
    "lang": "report language",
    "limit": "rows",
    "ranking": "rank",
    "order": "rank",
    "row limit": "rows",
    "qids": "items",
    "items goals": "items goal",
    "items list": "items page",
    "list page": "items page",
    "pagepile": "items page",
}


@dataclass(frozen=True)
class ConfigMessage:
    """One mistake on the configuration page: where, what is wrong, what is expected."""

    line: int
    text: str
    report: int | None = None  # the report's number on the page (1 = the first template)
    page: str | None = None  # the report's root page, when known
    key: str | None = None  # the parameter
    kind: str = "report"  # what the template asks for: a report, or a campaign

    def __str__(self) -> str:
        where = [f"line {self.line}"]
        if self.report is not None:
            report = f"{self.kind} {self.report}"
            if self.page:
                report += f" ({self.page})"
            where.append(report)
        if self.key:
            where.append(f"parameter “{self.key}”")
        place = ", ".join(where)
        return f"{place[:1].upper()}{place[1:]}: {self.text}"


@dataclass(frozen=True)
class ReportSpec:
    """One report as the configuration page asks for it (syntax checked, not yet resolved)."""

    number: int
    line: int
    page: str
    goals: tuple[int, ...] = ()
    targets: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    items_goal: int | None = None
    items_title: str = ""
    items_page: str = ""
    languages: tuple[str, ...] | None = None
    every_days: float = DEFAULT_EVERY
    report_language: str = "en"
    rows: int = DEFAULT_ROWS
    rank: str = RANKS[0]
    lines: dict = field(default_factory=dict, compare=False)  # parameter → line

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass
class ConfigPage:
    """What a configuration page asks for: the reports, and the mistakes found."""

    reports: list[ReportSpec]
    messages: list[ConfigMessage]

    def report(self, page: str) -> ReportSpec | None:
        wanted = title_key(page)
        return next((r for r in self.reports if title_key(r.page) == wanted), None)


def title_key(title: str) -> str:
    text = " ".join(title.replace("_", " ").split())
    return text[:1].upper() + text[1:]

