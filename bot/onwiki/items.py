"""Reading a list of items kept on another page (``items page``), PagePile's style.

:func:`read_items_list` reads one item per line (``Q7942``, ``* [[d:Q7942]]``, a Wikidata URL,
a line of text with one QID in it); :func:`apply_items_page` adds what a list holds to its
report and turns what it could not read into messages naming the lines.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import mwparserfromhell

from bot.catalogue import QID_RE
from bot.onwiki.fields import shorten
from bot.onwiki.model import ConfigMessage, ReportSpec

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
                f"(line {first[0]}: “{shorten(first[1], 40)}”); "
                f"{'they are' if len(lines) > 1 else 'it is'} left out. Expected one item per "
                "line, e.g. Q7942 or * [[d:Q7942]].")
    if not found.qids:
        say(f"{title} lists no Wikidata item; there is nothing to add. {expected}")
        return spec, messages
    items = tuple(sorted(set(spec.items) | set(found.qids), key=lambda q: int(q[1:])))
    return dataclasses.replace(spec, items=items), messages
