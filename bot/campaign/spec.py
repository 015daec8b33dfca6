"""A campaign as a partner declares it: in a TOML file or as a template on the configuration page.

The keys are the same in both places::

    name      = "Clean water in Swahili and Luganda"   (required; names the campaign in the history)
    partner   = "…"                                    (the partner organisation)
    goals     = "6, 3.8"                               (goals and targets, one grammar:
                                                        bot.ids.parse_goals_and_targets)
    languages = "sw, lg"                               (Wikipedia language codes; required)
    start     = 2026-12-01                             (required)
    end       = 2027-06-30                             (the page collection's end date)
    page      = "Project:SDG gaps/Water"               (the campaign's root page; required)
    rows      = 100                                    (articles on each language's worklist)

On the configuration page, ``{{SDG gaps campaign | name = … | goals = 6, 3.8 | …}}``; every
mistake becomes one :class:`bot.onwiki.ConfigMessage` naming the line, the campaign and the key,
as for report templates, the mistaken value is left out and the rest runs — or the campaign is
skipped when it cannot run without the value (no name, page, language or start). In a TOML
file (``goals`` and ``languages`` may also be arrays, ``start`` and ``end`` TOML dates) the same
mistakes are one :class:`bot.errors.ConfigError` line naming them all: a file is fixed at once.

:func:`resolve` then checks the goals, targets and languages against the catalogue and the data
source, as :func:`bot.onwiki.resolve_report` checks a report's.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import mwparserfromhell

from bot.errors import ConfigError
from bot.onwiki.fields import read_goals, read_languages, shorten, title_problem
from bot.onwiki.model import CAMPAIGN_TEMPLATE, MAX_ROWS, ConfigMessage, ReportSpec
from bot.onwiki.parse import line_at, norm_key, template_name
from bot.onwiki.resolve import resolve_report

DEFAULT_ROWS = 100
KEYS = {
    "name": "the campaign's name, e.g. Clean water in Swahili and Luganda",
    "partner": "the partner organisation",
    "goals": "goals and targets, e.g. 6, 3.8",
    "languages": "Wikipedia language codes, e.g. sw, lg",
    "start": "the campaign's first day, e.g. 2026-12-01",
    "end": "the campaign's last day, e.g. 2027-06-30",
    "page": "the campaign's root page, e.g. Project:SDG gaps/Water",
    "rows": f"articles on each language's worklist, 1–{MAX_ROWS:,}",
}
ALIASES = {"goal": "goals", "targets": "goals", "language": "languages", "wikis": "languages",
           "root": "page", "limit": "rows", "organisation": "partner", "organization": "partner",
           "start date": "start", "end date": "end"}


@dataclass(frozen=True)
class Campaign:
    """One campaign, its values checked (see the module's description)."""

    name: str
    page: str
    goals: tuple[int, ...]
    targets: tuple[str, ...]
    languages: tuple[str, ...]
    start: date
    end: date | None = None
    partner: str = ""
    rows: int = DEFAULT_ROWS
    number: int | None = None  # its place among the campaign templates of a page
    line: int = 1
    lines: dict = field(default_factory=dict, compare=False)  # key → line

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)

    @property
    def series(self) -> str:
        """The history's name for the campaign's own runs."""
        return f"campaign: {self.name}"

    @property
    def scope(self) -> str:
        """``SDG 6, target 3.8`` — the goals and targets in words."""
        return ", ".join([*(f"SDG {g}" for g in self.goals),
                          *(f"target {t}" for t in self.targets)])

    def definition(self) -> dict:
        """The campaign as JSON (kept with its frozen start)."""
        return {"name": self.name, "partner": self.partner, "goals": list(self.goals),
                "targets": list(self.targets), "languages": list(self.languages),
                "start": self.start.isoformat(),
                "end": self.end.isoformat() if self.end else None,
                "page": self.page, "rows": self.rows}


# --------------------------------------------------------------------------------------------
# Checking the values (both places)


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _date(text: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check(values: dict, lines: dict, *, number: int | None, line: int,
          say) -> Campaign | None:
    """*values* (key → raw value) → a :class:`Campaign`, or None when it cannot run; every
    mistake is told to ``say(key, text)``."""
    text = {key: _text(value) for key, value in values.items()}
    name = text.get("name", "")
    if not name:
        say("name", "no name given; this campaign is skipped. Expected: "
            f"{KEYS['name']}.")
        return None
    page = text.get("page", "")
    problem = title_problem(page)
    if problem:
        say("page", f"{problem}; this campaign is skipped. Expected: {KEYS['page']}.")
        return None
    goals, targets = read_goals(text.get("goals", ""), lambda m: say("goals", m))
    if not goals and not targets:
        say("goals", "no goal or target to work on; this campaign is skipped. Expected: "
            f"{KEYS['goals']}.")
        return None
    languages = ()
    if text.get("languages", "").lower() == "all":
        say("languages", "a campaign names its languages; this campaign is skipped. Expected: "
            f"{KEYS['languages']}.")
        return None
    if text.get("languages"):
        languages = read_languages(text["languages"], lambda m: say("languages", m)) or ()
    if not languages:
        say("languages", "no language given; this campaign is skipped. Expected: "
            f"{KEYS['languages']}.")
        return None
    start = _date(text.get("start", ""))
    if start is None:
        given = text.get("start")
        say("start", (f"“{shorten(given)}” is not a date" if given else "no start date given")
            + "; this campaign is skipped. Expected: the first day as YYYY-MM-DD, e.g. "
            "2026-12-01.")
        return None
    end = None
    if text.get("end"):
        end = _date(text["end"])
        if end is None:
            say("end", f"“{shorten(text['end'])}” is not a date; it is left out (the campaign "
                "has no end date). Expected: the last day as YYYY-MM-DD, e.g. 2027-06-30.")
        elif end < start:
            say("end", f"{end.isoformat()} is before the start ({start.isoformat()}); it is "
                "left out. Expected a last day on or after the first.")
            end = None
    rows = DEFAULT_ROWS
    if text.get("rows"):
        raw = text["rows"].replace(",", "").strip()
        if raw.isdigit() and 1 <= int(raw) <= MAX_ROWS:
            rows = int(raw)
        else:
            say("rows", f"“{shorten(text['rows'])}” is not a row limit; {DEFAULT_ROWS} is used. "
                f"Expected a whole number from 1 to {MAX_ROWS:,}.")
    return Campaign(name=" ".join(name.split()), page=page, goals=goals, targets=targets,
                    languages=tuple(languages), start=start, end=end,
                    partner=text.get("partner", ""), rows=rows, number=number, line=line,
                    lines=dict(lines))


def _key(raw: str, line: int, number: int | None, messages: list) -> str | None:
    key = norm_key(raw)
    key = ALIASES.get(key, key)
    if key in KEYS:
        return key
    close = difflib.get_close_matches(key, list(KEYS) + list(ALIASES), n=1, cutoff=0.6)
    hint = f" Did you mean “{ALIASES.get(close[0], close[0])}”?" if close else ""
    messages.append(ConfigMessage(
        line, f"unknown parameter “{raw}”; it is ignored.{hint} Expected one of: "
        f"{', '.join(KEYS)}.", number, None, None, "campaign"))
    return None


# --------------------------------------------------------------------------------------------
# A TOML file


def read_file(path: Path) -> Campaign:
    """The campaign of a TOML file; every mistake in one :class:`ConfigError` line."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
        values = tomllib.loads(raw)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the campaign file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not a TOML file: {exc}") from None
    where = {}
    for number, text in enumerate(raw.splitlines(), start=1):
        match = re.match(r"\s*([A-Za-z_ \"'-]+?)\s*=", text)
        if match:
            where.setdefault(norm_key(match.group(1).strip("\"'")), number)
    messages: list[ConfigMessage] = []
    checked: dict = {}
    lines: dict = {}
    for raw_key, value in values.items():
        line = where.get(norm_key(raw_key), 1)
        key = _key(raw_key, line, None, messages)
        if key is not None:
            checked[key], lines[key] = value, line

    def say(key: str, text: str) -> None:
        messages.append(ConfigMessage(lines.get(key, 1), text, None, None, key, "campaign"))

    campaign = check(checked, lines, number=None, line=1, say=say)
    if messages:
        more = f" (and {len(messages) - 1} more: " + "; ".join(
            str(m) for m in messages[1:]) + ")" if len(messages) > 1 else ""
        raise ConfigError(f"{path}: {messages[0]}{more}")
    return campaign


# --------------------------------------------------------------------------------------------
# Templates on the configuration page


def parse_campaigns(text: str) -> tuple[list[Campaign], list[ConfigMessage]]:
    """Every ``{{SDG gaps campaign}}`` on the page, checked; and the mistakes found."""
    code = mwparserfromhell.parse(text)
    campaigns: list[Campaign] = []
    messages: list[ConfigMessage] = []
    offset = number = 0
    seen: dict[str, int] = {}
    for node in code.nodes:
        start = offset
        offset += len(str(node))
        if not (isinstance(node, mwparserfromhell.nodes.Template)
                and template_name(node.name) == CAMPAIGN_TEMPLATE):
            continue
        number += 1
        found: list[ConfigMessage] = []
        values: dict = {}
        lines: dict = {}
        position = start + 2 + len(str(node.name))
        for param in node.params:
            position += 1  # the "|"
            line = line_at(text, position)
            position += len(str(param))
            value = str(param.value).strip()
            if not param.showkey:
                if value:
                    found.append(ConfigMessage(
                        line, f"“{shorten(value)}” has no parameter name. Expected name = value, "
                        "e.g. goals = 6.", number, None, None, "campaign"))
                continue
            key = _key(str(param.name).strip(), line, number, found)
            if key is None:
                continue
            if key in values:
                found.append(ConfigMessage(line, f"given twice (also on line {lines[key]}); the "
                                           "last value is used.", number, None, key, "campaign"))
            values[key], lines[key] = value, line
        template_line = line_at(text, start)

        def say(key: str, message: str, lines=lines, found=found, number=number,
                template_line=template_line) -> None:
            found.append(ConfigMessage(lines.get(key, template_line), message, number, None,
                                       key, "campaign"))

        campaign = check(values, lines, number=number, line=template_line, say=say)
        page = campaign.page if campaign else (values.get("page") or None)
        messages += [dataclasses.replace(m, page=m.page or page) for m in found]
        if campaign is None:
            continue
        if campaign.name in seen:
            messages.append(ConfigMessage(
                campaign.line_of("name"), f"the name is already that of campaign "
                f"{seen[campaign.name]}; this campaign is skipped. Expected: a name of its own "
                "for each campaign.", number, campaign.page, "name", "campaign"))
            continue
        seen[campaign.name] = number
        campaigns.append(campaign)
    messages.sort(key=lambda m: m.line)
    return campaigns, messages


# --------------------------------------------------------------------------------------------
# Against the catalogue and the data


@dataclass(frozen=True)
class Resolved:
    """What of a campaign can run: the catalogue's item set ids and the chosen wikis."""

    campaign: Campaign
    itemsets: tuple[str, ...]
    wikis: tuple[str, ...]


def resolve(campaign: Campaign, catalogue, wikis, *, embedded: bool,
            snapshot_qids=None) -> tuple[Resolved | None, list[ConfigMessage]]:
    """Check the campaign's goals, targets and languages as a report's are checked
    (:func:`bot.onwiki.resolve_report`); the messages name the campaign."""
    spec = ReportSpec(number=campaign.number or 0, line=campaign.line, page=campaign.page,
                      goals=campaign.goals, targets=campaign.targets,
                      languages=campaign.languages, rows=campaign.rows, lines=campaign.lines)
    resolved, found = resolve_report(spec, catalogue, wikis, embedded=embedded,
                                     report_languages=["en"], snapshot_qids=snapshot_qids)
    messages = [dataclasses.replace(
        m, report=campaign.number, kind="campaign",
        text=m.text.replace("this report", "this campaign").replace("report's", "campaign's"))
        for m in found]
    if resolved is None:
        return None, messages
    return Resolved(campaign, resolved.itemsets, tuple(resolved.languages or ())), messages
