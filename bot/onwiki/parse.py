"""Reading the configuration page: every ``{{SDG gaps report}}`` template into a report.

:func:`parse_config` walks the page's top-level templates with mwparserfromhell (what is
inside ``<nowiki>`` or ``<pre>`` is not one), names each parameter (case-insensitive, ``_`` and
spaces the same, aliases and near misses told apart) and hands each value to its reader
(:mod:`bot.onwiki.fields`). Every mistake becomes a :class:`ConfigMessage` naming its line; the
mistaken value, or the report when it cannot run without it, is left out and the rest is read.
No wiki, no catalogue.
"""

from __future__ import annotations

import dataclasses
import difflib
import re

import mwparserfromhell

from bot.engines.base import RANKS
from bot.ids import goal_of_text
from bot.onwiki.fields import (
    read_every,
    read_goals,
    read_items,
    read_languages,
    shorten,
    title_problem,
)
from bot.onwiki.model import (
    ALIASES,
    CAMPAIGN_TEMPLATE,
    DEFAULT_EVERY,
    DEFAULT_ROWS,
    MAX_ROWS,
    PARAMETERS,
    TEMPLATE,
    ConfigMessage,
    ConfigPage,
    ReportSpec,
    title_key,
)


def norm_key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).lower()


def template_name(name: str) -> str:
    text = " ".join(str(name).replace("_", " ").split())
    text = re.sub(r"^(?i:template)\s*:\s*", "", text)
    return text[:1].upper() + text[1:]


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse_config(text: str) -> ConfigPage:
    """Read every ``{{SDG gaps report}}`` on the page; check each parameter's syntax.
    ``{{SDG gaps campaign}}`` templates are left to :func:`bot.campaign.spec.parse_campaigns`."""
    code = mwparserfromhell.parse(text)
    reports: list[ReportSpec] = []
    messages: list[ConfigMessage] = []
    offset = 0
    number = campaigns = 0
    seen_pages: dict[str, int] = {}
    for node in code.nodes:
        start = offset
        offset += len(str(node))
        if not isinstance(node, mwparserfromhell.nodes.Template):
            continue
        name = template_name(node.name)
        line = line_at(text, start)
        if name == CAMPAIGN_TEMPLATE:
            campaigns += 1
            continue
        if name != TEMPLATE:
            ratio = difflib.SequenceMatcher(None, name.lower(), TEMPLATE.lower()).ratio()
            if ratio >= 0.8:
                messages.append(ConfigMessage(
                    line, f"template “{name}” is not read; did you mean “{TEMPLATE}”? "
                    f"Each report is a {{{{{TEMPLATE}}}}} template."))
            continue
        number += 1
        spec, found = _read_report(node, number, text, start)
        messages += found
        if spec is None:
            continue
        key = title_key(spec.page)
        if key in seen_pages:
            messages.append(ConfigMessage(
                spec.line_of("page"),
                f"the page is already the root of report {seen_pages[key]}; this report is "
                "skipped. Expected: a different root page for each report.",
                number, spec.page, "page"))
            continue
        seen_pages[key] = number
        reports.append(spec)
    if number == 0 and campaigns == 0:
        messages.append(ConfigMessage(
            1, f"no {{{{{TEMPLATE}}}}} template on the page, so there is no report to run. "
            f"Expected at least one, e.g. {{{{{TEMPLATE}|page=…|goals=13|languages=fr}}}}."))
    messages.sort(key=lambda m: m.line)
    return ConfigPage(reports=reports, messages=messages)


def _read_report(node, number: int, text: str, start: int):
    """One template → (ReportSpec or None, messages)."""
    messages: list[ConfigMessage] = []
    values: dict[str, tuple[str, int]] = {}
    position = start + 2 + len(str(node.name))
    for param in node.params:
        position += 1  # the "|"
        line = line_at(text, position)
        position += len(str(param))
        raw_name = str(param.name).strip()
        value = str(param.value).strip()
        if not param.showkey:
            if value:
                messages.append(ConfigMessage(
                    line, f"“{shorten(value)}” has no parameter name. Expected name = value, "
                    "e.g. goals = 13.", number))
            continue
        key = norm_key(raw_name)
        key = ALIASES.get(key, key)
        if key not in PARAMETERS:
            close = difflib.get_close_matches(key, list(PARAMETERS) + list(ALIASES), n=1,
                                              cutoff=0.6)
            hint = f" Did you mean “{ALIASES.get(close[0], close[0])}”?" if close else ""
            messages.append(ConfigMessage(
                line, f"unknown parameter “{raw_name}”; it is ignored.{hint} Expected one of: "
                f"{', '.join(PARAMETERS)}.", number))
            continue
        if key in values:
            messages.append(ConfigMessage(
                line, f"given twice (also on line {values[key][1]}); the last value is used.",
                number, None, key))
        values[key] = (value, line)
    template_line = line_at(text, start)
    lines = {k: v[1] for k, v in values.items()}
    page_given = values.get("page", ("", 0))[0] or None
    messages = [dataclasses.replace(m, page=m.page or page_given) for m in messages]

    def say(key: str, message: str) -> None:
        messages.append(ConfigMessage(lines.get(key, template_line), message, number,
                                      values.get("page", ("", 0))[0] or None, key))

    page = values.get("page", ("", 0))[0]
    problem = title_problem(page)
    if problem:
        say("page", f"{problem}; this report is skipped. Expected: {PARAMETERS['page']}.")
        return None, messages

    spec: dict = {"number": number, "line": template_line, "page": page, "lines": lines}
    if "goals" in values and values["goals"][0]:
        goals, targets = read_goals(values["goals"][0], lambda m: say("goals", m))
        spec.update(goals=goals, targets=targets)
    if "items" in values and values["items"][0]:
        spec["items"] = read_items(values["items"][0], lambda m: say("items", m))
    if "items page" in values and values["items page"][0]:
        title = values["items page"][0]
        problem = title_problem(title)
        if problem:
            say("items page", f"{problem}; it is not read. Expected: {PARAMETERS['items page']}, "
                "e.g. items page = Project:SDG gaps/Our list.")
        else:
            spec["items_page"] = title
    if spec.get("items") or spec.get("items_page"):
        goal_text = values.get("items goal", ("", 0))[0]
        goal = goal_of_text(goal_text)
        if goal is None:
            say("items goal", (f"“{shorten(goal_text)}” is not a goal" if goal_text else
                               "missing") + "; your items are left out. Expected: the goal "
                "(1–17) your items count for, e.g. items goal = 13.")
            spec["items"] = ()
            spec["items_page"] = ""
        else:
            spec["items_goal"] = goal
        spec["items_title"] = values.get("items title", ("", 0))[0] or "Organizers' items"
    if not (spec.get("goals") or spec.get("targets") or spec.get("items")
            or spec.get("items_page")):
        say("goals", "no goal, target or item to report on; this report is skipped. Expected: "
            "goals = 13 (or targets like 15.8), or items = Q… (or items page = …) with items "
            "goal = N.")
        return None, messages
    if "languages" in values and values["languages"][0]:
        spec["languages"] = read_languages(values["languages"][0], lambda m: say("languages", m))
    if "every" in values and values["every"][0]:
        every = read_every(values["every"][0])
        if every is None:
            say("every", f"“{shorten(values['every'][0])}” is not a number of days; "
                f"{DEFAULT_EVERY:g} days are used. Expected a whole number of days (0: at "
                "every run), or daily, weekly, monthly.")
        else:
            spec["every_days"] = every
    if "report language" in values and values["report language"][0]:
        spec["report_language"] = values["report language"][0].strip().lower()
    if "rows" in values and values["rows"][0]:
        rows = values["rows"][0].replace(",", "").replace("\u202f", "").strip()
        if rows.isdigit() and 1 <= int(rows) <= MAX_ROWS:
            spec["rows"] = int(rows)
        else:
            say("rows", f"“{shorten(values['rows'][0])}” is not a row limit; {DEFAULT_ROWS} is "
                f"used. Expected a whole number from 1 to {MAX_ROWS:,}.")
    if "rank" in values and values["rank"][0]:
        word = values["rank"][0].strip().lower()
        if word in RANKS:
            spec["rank"] = word
        else:
            say("rank", f"“{shorten(values['rank'][0])}” is not a ranking; {RANKS[0]} is used. "
                "Expected sitelinks (the number of Wikipedias with an article) or demand "
                "(readers' page views).")
    return ReportSpec(**spec), messages
