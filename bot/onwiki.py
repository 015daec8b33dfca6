"""On-wiki configuration: organizers describe their reports on a wiki page they own.

The configuration page holds one template per report; everything else on the page (an
introduction, a discussion, examples inside ``<nowiki>`` or ``<pre>``) is ignored::

    {{SDG gaps report
    | page            = Project:WikiProject Climate/SDG gaps
    | goals           = 13, 15.8
    | languages       = fr, de, sw
    | every           = 7
    | report language = en
    | rows            = 200
    | rank            = demand
    }}

Parameters (names are case-insensitive; ``_`` and spaces are the same):

``page`` (required)
    the root page of the report: the summary goes on it, goals and languages on subpages.
``goals``
    goals (``13``) and targets (``15.8``), separated by commas: a goal brings all its item
    sets, a target the item sets tied to it.
``items``, ``items goal``, ``items title``
    an organizer's own item set: QIDs separated by spaces, commas or new lines, the goal they
    count for (1–17), and a title.
``items page``
    a wiki page (on the same wiki) that lists more items of that set, e.g.
    ``items page = Project:SDG gaps/Our list``; with ``items``, the set is the union of both
    (``items goal`` is needed all the same). The list is read at each run of the report, in
    PagePile's plain-text export style: one item per line, as ``Q7942``, ``* [[d:Q7942]]``,
    ``# [[:d:Q7942|Global warming]]``, ``[[Q7942]]``, a Wikidata URL, or a line of text with
    one QID in it (``* Q7942 – global warming``). Lines without a QID (an introduction,
    headings) are ignored, as are comments and ``<nowiki>``; a PagePile export pasted inside
    ``<pre>`` is read. A missing page, a page without any item, and lines with several
    different QIDs or with something that looks like a QID and is not one (``Q79x``,
    ``[[d:Q-1]]``) each become one message naming the lines; the rest runs.
    See ``samples/items-page.wiki``.
``languages``
    Wikipedia language codes separated by commas, or ``all`` (the default: every Wikipedia
    the data looked at).
``every``
    days between two updates of the report (default 7; ``0``: at every run; ``daily``,
    ``weekly`` and ``monthly`` work too).
``report language``
    the language of the report's text (a message file must exist; default ``en``).
``rows``
    the most missing articles listed per goal on a language page (1–5,000; default 200), for
    each kind: topics to translate, and topics to write from scratch.
``rank``
    how the topics to translate are ordered: ``sitelinks`` (the default: the number of
    Wikipedias with an article, most first) or ``demand`` (reader demand: the page views of
    their articles, most first; ties by sitelinks).

Templates are used rather than JSON because organizers edit them every day, VisualEditor's
template dialog edits them, and a slip in one parameter does not void the rest: every mistake
becomes a :class:`ConfigMessage` naming the line, the report and the parameter, saying what is
wrong and what is expected; the mistaken value is left out (or the report, when it cannot run
without it) and everything else runs.

:func:`parse_config` reads the text (no wiki, no catalogue); :func:`resolve_report` then checks
a report against the catalogue, the Wikipedias and what the endpoint can serve.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field

import mwparserfromhell

from bot.catalogue import QID_RE, TARGET_RE
from bot.config import DEFAULT_GAPS_PER_WIKI
from bot.engines.base import RANKS
from bot.errors import UsageError

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
# On a list of items (``items page``): tags whose text is not read, and wiki prefixes of
# Wikidata.
IGNORED_TAGS = frozenset({"nowiki", "ref", "references", "syntaxhighlight", "source", "math",
                          "code", "gallery", "templatedata"})
WIKIDATA_PREFIXES = ("d", "wikidata")
WIKIDATA_URL = re.compile(
    r"^(?:https?:)?//(?:www\.|m\.)?wikidata\.org/(?:wiki/(?:Special:EntityPage/)?|entity/)"
    r"(Q[1-9][0-9]*)(?:[#?].*)?$")
# A word in a line's text that is a QID, or looks like one and is not (Q0, Q79x, Q12_b).
QID_WORD = re.compile(r"(?<![\w:/.#-])Q[0-9][\w-]*")


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
        wanted = _title_key(page)
        return next((r for r in self.reports if _title_key(r.page) == wanted), None)


# --------------------------------------------------------------------------------------------
# Reading the page


def _norm_key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).lower()


def _template_name(name: str) -> str:
    text = " ".join(str(name).replace("_", " ").split())
    text = re.sub(r"^(?i:template)\s*:\s*", "", text)
    return text[:1].upper() + text[1:]


def _title_key(title: str) -> str:
    text = " ".join(title.replace("_", " ").split())
    return text[:1].upper() + text[1:]


def _line(text: str, offset: int) -> int:
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
        name = _template_name(node.name)
        line = _line(text, start)
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
        key = _title_key(spec.page)
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
        line = _line(text, position)
        position += len(str(param))
        raw_name = str(param.name).strip()
        value = str(param.value).strip()
        if not param.showkey:
            if value:
                messages.append(ConfigMessage(
                    line, f"“{_short(value)}” has no parameter name. Expected name = value, "
                    "e.g. goals = 13.", number))
            continue
        key = _norm_key(raw_name)
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
    template_line = _line(text, start)
    lines = {k: v[1] for k, v in values.items()}
    page_given = values.get("page", ("", 0))[0] or None
    messages = [dataclasses.replace(m, page=m.page or page_given) for m in messages]

    def say(key: str, message: str) -> None:
        messages.append(ConfigMessage(lines.get(key, template_line), message, number,
                                      values.get("page", ("", 0))[0] or None, key))

    page = values.get("page", ("", 0))[0]
    problem = _title_problem(page)
    if problem:
        say("page", f"{problem}; this report is skipped. Expected: {PARAMETERS['page']}.")
        return None, messages

    spec: dict = {"number": number, "line": template_line, "page": page, "lines": lines}
    if "goals" in values and values["goals"][0]:
        goals, targets = _read_goals(values["goals"][0], lambda m: say("goals", m))
        spec.update(goals=goals, targets=targets)
    if "items" in values and values["items"][0]:
        spec["items"] = _read_items(values["items"][0], lambda m: say("items", m))
    if "items page" in values and values["items page"][0]:
        title = values["items page"][0]
        problem = _title_problem(title)
        if problem:
            say("items page", f"{problem}; it is not read. Expected: {PARAMETERS['items page']}, "
                "e.g. items page = Project:SDG gaps/Our list.")
        else:
            spec["items_page"] = title
    if spec.get("items") or spec.get("items_page"):
        goal_text = values.get("items goal", ("", 0))[0]
        goal = _read_goal_number(goal_text)
        if goal is None:
            say("items goal", (f"“{_short(goal_text)}” is not a goal" if goal_text else
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
        spec["languages"] = _read_languages(values["languages"][0], lambda m: say("languages", m))
    if "every" in values and values["every"][0]:
        every = _read_every(values["every"][0])
        if every is None:
            say("every", f"“{_short(values['every'][0])}” is not a number of days; "
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
            say("rows", f"“{_short(values['rows'][0])}” is not a row limit; {DEFAULT_ROWS} is "
                f"used. Expected a whole number from 1 to {MAX_ROWS:,}.")
    if "rank" in values and values["rank"][0]:
        word = values["rank"][0].strip().lower()
        if word in RANKS:
            spec["rank"] = word
        else:
            say("rank", f"“{_short(values['rank'][0])}” is not a ranking; {RANKS[0]} is used. "
                "Expected sitelinks (the number of Wikipedias with an article) or demand "
                "(readers' page views).")
    return ReportSpec(**spec), messages


def _short(value: str, size: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= size else value[: size - 1] + "…"


def _title_problem(title: str) -> str | None:
    if not title:
        return "no page given"
    bad = sorted({ch for ch in title if ch in "[]{}|<>#"})
    if bad:
        return f"“{_short(title)}” cannot be a page title (it contains {' '.join(bad)})"
    if "~~~" in title:
        return f"“{_short(title)}” cannot be a page title (it contains ~~~)"
    if len(title.encode("utf-8")) > 255:
        return "the page title is longer than 255 bytes"
    return None


def _split(text: str) -> list[str]:
    return [part for part in re.split(r"[,;\s]+", text) if part]


def _read_goal_number(text: str) -> int | None:
    text = text.strip().lower().removeprefix("sdg").strip()
    if text.isdigit() and 1 <= int(text) <= 17:
        return int(text)
    return None


def _read_goals(text: str, say) -> tuple[tuple[int, ...], tuple[str, ...]]:
    goals: list[int] = []
    targets: list[str] = []
    # "SDG 13" is one goal, not two words.
    text = re.sub(r"(?i)\bsdg\s+(?=\d)", "", text)
    for part in _split(text):
        word = part.lower().removeprefix("sdg")
        number = _read_goal_number(word)
        if number is not None:
            goals.append(number)
        elif TARGET_RE.match(word) and 1 <= int(word.split(".")[0]) <= 17:
            targets.append(word)
        else:
            say(f"“{_short(part)}” is not a goal or a target; it is left out. Expected goal "
                "numbers 1–17 or targets like 15.8, separated by commas.")
    return tuple(sorted(set(goals))), tuple(dict.fromkeys(targets))


def _read_items(text: str, say) -> tuple[str, ...]:
    qids: list[str] = []
    wrong: list[str] = []
    for part in _split(text):
        word = part.strip().upper()
        if QID_RE.match(word):
            qids.append(word)
        else:
            wrong.append(part)
    if wrong:
        say(f"{len(wrong)} entr{'y is' if len(wrong) == 1 else 'ies are'} not a Wikidata item "
            f"(“{_short(wrong[0], 30)}”…); left out. Expected QIDs like Q7942, separated by "
            "spaces, commas or new lines.")
    return tuple(sorted(set(qids), key=lambda q: int(q[1:])))


def _read_languages(text: str, say) -> tuple[str, ...] | None:
    words = [w.strip().lower() for w in _split(text)]
    if words == ["all"]:
        return None
    good = []
    for word in words:
        if re.fullmatch(r"[a-z][a-z0-9-]{0,15}(wiki)?", word):
            good.append(word)
        else:
            say(f"“{_short(word)}” is not a language code; it is left out. Expected Wikipedia "
                "language codes like fr, de, sw, separated by commas, or all.")
    return tuple(dict.fromkeys(good)) if good else None


def _read_every(text: str) -> float | None:
    word = text.strip().lower()
    if word in WORDS:
        return WORDS[word]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(d|day|days)?", word)
    return float(match.group(1)) if match else None


# --------------------------------------------------------------------------------------------
# Reading a list of items kept on another page (``items page``)


@dataclass(frozen=True)
class ItemsList:
    """What a list page holds: its QIDs (in page order), and its unread lines by reason."""

    qids: tuple[str, ...]
    several: tuple[tuple[int, str], ...] = ()  # (line, text): more than one QID on the line
    malformed: tuple[tuple[int, str], ...] = ()  # (line, text): looks like an item, is not one
    redirect: str | None = None  # the target, when the page is a redirect


def read_items_list(text: str) -> ItemsList:
    """Read a PagePile-style list: one item per line (see ``items page`` above)."""
    code = mwparserfromhell.parse(text)
    redirect = _redirect_target(code)
    if redirect is not None:
        return ItemsList((), redirect=redirect)
    # What is not read becomes as many new lines as it spans, so line numbers stay right.
    for node in code.filter_comments() + [
            t for t in code.filter_tags() if str(t.tag).strip().lower() in IGNORED_TAGS]:
        try:
            code.replace(node, "\n" * str(node).count("\n"))
        except ValueError:
            pass  # inside a node already replaced
    for node in code.filter_tags():
        if str(node.tag).strip().lower() == "pre":
            # A plain-text export pasted inside <pre>: its lines are read as they are.
            code.replace(node, str(node.contents) if node.contents is not None else "")
    qids: list[str] = []
    several: list[tuple[int, str]] = []
    malformed: list[tuple[int, str]] = []
    for number, line in enumerate(str(code).split("\n"), start=1):
        if not line.strip():
            continue
        found, odd = _line_items(mwparserfromhell.parse(line))
        distinct = list(dict.fromkeys(found))
        if len(distinct) == 1:
            qids.append(distinct[0])
        elif len(distinct) > 1:
            several.append((number, line.strip()))
        elif odd:
            malformed.append((number, line.strip()))
    return ItemsList(tuple(dict.fromkeys(qids)), tuple(several), tuple(malformed))


def _redirect_target(code) -> str | None:
    nodes = [n for n in code.nodes if str(n).strip()]
    if (len(nodes) >= 2 and str(nodes[0]).strip() == "#"
            and isinstance(nodes[1], mwparserfromhell.nodes.Text)
            and str(nodes[1]).strip().lower() == "redirect"):
        link = next((n for n in nodes[2:3] if isinstance(n, mwparserfromhell.nodes.Wikilink)),
                    None)
        if link is not None:
            return str(link.title).strip()
    return None


def _line_items(line) -> tuple[list[str], list[str]]:
    """The QIDs one line names, and what on it looks like an item and is not one."""
    found: list[str] = []
    odd: list[str] = []
    for node in line.nodes:
        if isinstance(node, mwparserfromhell.nodes.Heading):
            return [], []
        if isinstance(node, mwparserfromhell.nodes.Wikilink):
            target = _wikidata_target(str(node.title))
            if target is None:
                continue
            (found if QID_RE.match(target) else odd).append(target)
        elif isinstance(node, mwparserfromhell.nodes.ExternalLink):
            match = WIKIDATA_URL.match(str(node.url).strip())
            if match:
                found.append(match.group(1))
        elif isinstance(node, mwparserfromhell.nodes.Text):
            for word in QID_WORD.findall(str(node)):
                (found if QID_RE.match(word) else odd).append(word)
    return found, odd


def _wikidata_target(title: str) -> str | None:
    """``:d:Q42``, ``d:Q42``, ``wikidata:Q42``, ``Q42`` → ``Q42``; ``d:Q4x`` → ``Q4x``; any other
    link → None."""
    parts = [p.strip() for p in title.strip().lstrip(":").split(":")]
    if len(parts) == 2 and parts[0].lower() in WIKIDATA_PREFIXES:
        target = parts[1]
    elif len(parts) == 1:
        target = parts[0]
    else:
        return None
    target = target.split("#")[0].strip()
    if re.match(r"^[Qq][0-9]", target):
        return target[:1].upper() + target[1:]
    return None


def apply_items_page(spec: ReportSpec, title: str, text: str | None, *,
                     problem: str | None = None) -> tuple[ReportSpec, list[ConfigMessage]]:
    """Add the items listed on *spec*'s items page (*title*, as the wiki spells it; *text* is
    None when the page does not exist, *problem* says why it could not be read) to *spec*."""
    messages: list[ConfigMessage] = []

    def say(text: str) -> None:
        messages.append(ConfigMessage(spec.line_of("items page"), text, spec.number, spec.page,
                                      "items page"))

    expected = ("Expected a page listing one Wikidata item per line, e.g. Q7942 or "
                "* [[d:Q7942]] (see samples/items-page.wiki).")
    if problem is not None:
        say(f"{problem}; its items are left out. {expected}")
        return spec, messages
    if text is None:
        say(f"the page {title} does not exist; its items are left out. {expected}")
        return spec, messages
    found = read_items_list(text)
    if found.redirect is not None:
        say(f"{title} is a redirect to {found.redirect}; its items are left out. Expected the "
            f"title of the list itself: items page = {found.redirect}.")
        return spec, messages
    for lines, what in ((found.several, "more than one item"),
                        (found.malformed, "something that is not a Wikidata item")):
        if lines:
            numbers = ", ".join(str(n) for n, _ in lines[:10]) + ("…" if len(lines) > 10 else "")
            first = lines[0]
            verb = "lines {} name" if len(lines) > 1 else "line {} names"
            say(f"on {title}, {verb.format(numbers)} {what} "
                f"(line {first[0]}: “{_short(first[1], 40)}”); "
                f"{'they are' if len(lines) > 1 else 'it is'} left out. Expected one item per "
                "line, e.g. Q7942 or * [[d:Q7942]].")
    if not found.qids:
        say(f"{title} lists no Wikidata item; there is nothing to add. {expected}")
        return spec, messages
    items = tuple(sorted(set(spec.items) | set(found.qids), key=lambda q: int(q[1:])))
    return dataclasses.replace(spec, items=items), messages


# --------------------------------------------------------------------------------------------
# Checking a report against what the bot can serve


@dataclass(frozen=True)
class ResolvedReport:
    """A report ready to run: the item set ids to analyse and the options of its run."""

    spec: ReportSpec
    itemsets: tuple[str, ...]  # catalogue item set ids
    custom: tuple[str, ...] = ()  # the organizer's QIDs (items), if any
    custom_goal: int | None = None
    custom_observed: tuple[str, ...] | None = None  # wikis the data observed for the items
    languages: tuple[str, ...] | None = None  # wiki codes that pass the checks
    report_language: str = "en"


def resolve_report(
    spec: ReportSpec,
    catalogue,
    wikis,
    *,
    embedded: bool,
    report_languages: list[str],
    snapshot_qids: dict[str, tuple[str, ...]] | None = None,
) -> tuple[ResolvedReport | None, list[ConfigMessage]]:
    """Check *spec* against the catalogue, the Wikipedias and the data source.

    *embedded*: the data is the bundled snapshot, which serves only its own item sets;
    *snapshot_qids* then maps each QID of the snapshot to the wikis its source observed.
    Returns the report (None when nothing of it can run) and the messages.
    """
    messages: list[ConfigMessage] = []

    def say(key: str, text: str) -> None:
        messages.append(ConfigMessage(spec.line_of(key), text, spec.number, spec.page, key))

    # The organizer's items came from "items", "items page" or both.
    items_key = "items" if "items" in spec.lines or not spec.items_page else "items page"
    chosen: list[str] = []
    served = catalogue.itemsets_for(None, snapshot_only=embedded)
    for goal in spec.goals:
        sets = [s.id for s in served if s.goal == goal]
        if not sets:
            where = ("the bundled snapshot (the bot runs offline; a live endpoint, e.g. "
                     "--endpoint wdqs, serves every goal)" if embedded else "the catalogue")
            say("goals", f"goal {goal} has no item set in {where}; it is left out. Expected "
                f"one of the goals served: {_served_goals(served)}.")
        chosen += sets
    for target in spec.targets:
        if target not in catalogue.targets:
            say("goals", f"target {target} does not exist; it is left out. Expected a UN "
                "target such as 15.8 (see `sdg-gaps catalogue list --targets`).")
            continue
        sets = [s.id for s in served if target in s.targets]
        if not sets:
            tied = sorted({t for s in served for t in s.targets})
            say("goals", f"no item set is tied to target {target}; it is left out. Expected "
                f"a target with an item set: {', '.join(tied) or 'none'} — or its goal "
                f"({target.split('.')[0]}).")
        chosen += sets
    chosen = list(dict.fromkeys(chosen))

    custom: tuple[str, ...] = ()
    observed: tuple[str, ...] | None = None
    if spec.items:
        custom = spec.items
        if embedded:
            known = snapshot_qids or {}
            absent = [q for q in custom if q not in known]
            if absent:
                say(items_key, f"{len(absent)} of your {len(custom)} items are not in the "
                    f"bundled snapshot ({', '.join(absent[:5])}{'…' if len(absent) > 5 else ''})"
                    "; they are left out. Expected items the snapshot has, or a live endpoint.")
            custom = tuple(q for q in custom if q in known)
            if custom:
                common = set.intersection(*(set(known[q]) for q in custom))
                observed = tuple(sorted(common))
                if not observed:
                    say(items_key, "no Wikipedia was looked at for all of your items in the "
                        "bundled snapshot; your items are left out.")
                    custom = ()

    languages: tuple[str, ...] | None = None
    if spec.languages is not None:
        good = []
        for code in spec.languages:
            try:
                good.append(wikis.resolve(code).wiki)
            except UsageError:  # not a Wikipedia
                say("languages", f"“{code}” is not a Wikipedia language code; it is left out. "
                    "Expected codes like fr, de, sw (the subdomain of the Wikipedia).")
        if chosen or custom:
            observable = _observable(catalogue, chosen, embedded, observed if custom else None)
            if observable is not None:
                unseen = [w for w in good if w not in observable]
                for wiki in unseen:
                    say("languages", f"{wiki.removesuffix('wiki')} was not looked at by the "
                        "data of this report's item sets (its coverage is unknown); it is left "
                        "out.")
                good = [w for w in good if w in observable]
        if not good:
            say("languages", "none of the languages can be reported on; this report is "
                "skipped. Expected at least one Wikipedia the data looked at.")
            return None, messages
        languages = tuple(good)

    report_language = spec.report_language
    if report_language not in report_languages:
        say("report language", f"there is no translation for “{report_language}”; the report "
            f"is written in English. Expected one of: {', '.join(report_languages)}.")
        report_language = "en"
    if not chosen and not custom:
        say("goals", "nothing left to report on after the mistakes above; this report is "
            "skipped.")
        return None, messages
    return ResolvedReport(
        spec=spec, itemsets=tuple(chosen), custom=custom, custom_goal=spec.items_goal,
        custom_observed=observed, languages=languages, report_language=report_language,
    ), messages


def _served_goals(served) -> str:
    goals = sorted({s.goal for s in served})
    return ", ".join(str(g) for g in goals) or "none"


def _observable(catalogue, chosen, embedded, custom_observed) -> set[str] | None:
    """The wikis the chosen item sets' data looked at (None: every Wikipedia)."""
    if not embedded:
        return None
    wikis: set[str] = set()
    for set_id in chosen:
        observed = catalogue.itemset(set_id).observed_wikis
        if observed is None:
            return None
        wikis |= set(observed)
    if custom_observed is not None:
        wikis |= set(custom_observed)
    return wikis
