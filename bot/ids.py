"""The vocabulary of sdg-gaps: one definition of each identifier every other module uses.

**QID** — a Wikidata item id: ``Q`` followed by ASCII digits with no leading zero (``Q42``;
never ``Q0``, ``Q042`` or ``Q١٢``). The rule makes a QID and its number the same thing, so the
engines may count items by number (:func:`qid_number`) and turn numbers back into QIDs
(:func:`qid_of_number`) without losing anything. :func:`check_qid` refuses anything else with
:class:`bot.errors.InvalidQidError`, one line, the same way wherever a QID enters.

**Item IRI** — :data:`ENTITY` + QID, as Wikidata's RDF (WDQS, QLever, the snapshot) writes it.

**Goal** — one of the 17 Sustainable Development Goals, a whole number from 1 to 17
(:data:`GOALS`). **Target** — ``<goal>.<n>`` or ``<goal>.<letter>`` (``15.8``, ``6.b``), as
the UN numbers them. :func:`parse_goals_and_targets` is the one grammar for a list of them
(``"13, 15.8"``, ``"SDG 13; sdg15"``), used by the command line, the campaign files and the
on-wiki configuration alike.

**Badges** — :data:`REDIRECT_BADGES`: a sitelink carrying one of these badges points at a
redirect and is not an article.

**Wikimedia-internal classes** — :data:`WIKIMEDIA_INTERNAL_CLASSES`: an item that is an
instance (P31) of one of them stands for a page of the wikis' own machinery (a category, a
template, a disambiguation page, a portal, a module, a project page …), not for a topic an
editor could write an article about. A Wikimedia list article is an article and is not one of
them. :mod:`bot.topics` applies the rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.errors import InvalidQidError, UsageError

ENTITY = "http://www.wikidata.org/entity/"

QID_PATTERN = "Q[1-9][0-9]*"
_QID = re.compile(QID_PATTERN, re.ASCII)

GOALS = range(1, 18)
TARGET_PATTERN = r"([1-9][0-9]?)\.([0-9]{1,2}|[a-z])"
_TARGET = re.compile(TARGET_PATTERN, re.ASCII)
_SDG_SPACE = re.compile(r"(?i)\bsdg\s+(?=\d)")  # "SDG 13" is one goal, not two words

# Badges that mark a sitelink to a redirect ("sitelink to redirect", "intentional sitelink to
# redirect"): such a sitelink is not an article. Listed in queries/verify-live.tsv.
REDIRECT_BADGES = frozenset({"Q70893996", "Q70894304"})

# Classes of Wikimedia-internal pages. Those the shared data names with an English label (the
# Uganda corpus's P31 classes) are traced in queries/sdg/traced.tsv; the others, seen as the
# only P31 of climate items whose English titles are Category:, Template: or Portal: pages, and
# the module and project-page classes no source here names, are listed in
# queries/verify-live.tsv for a maintainer to confirm against live Wikidata. The names are the
# classes' English labels, as the run summary and the pages name what was left out.
WIKIMEDIA_INTERNAL_CLASS_NAMES = {
    "Q4167836": "Wikimedia category",
    "Q15647814": "Wikimedia administration category",
    "Q24046192": "Wikimedia category of stubs",
    "Q30432511": "metacategory in Wikimedia projects",
    "Q56428020": "Wikimedia lists category",
    "Q59541917": "Wikimedia topic category",
    "Q11266439": "Wikimedia template",
    "Q11753321": "Wikimedia navigational template",
    "Q4167410": "Wikimedia disambiguation page",
    "Q22808320": "Wikimedia human name disambiguation page",
    "Q4663903": "Wikimedia portal",
    "Q15184295": "Wikimedia module",
    "Q14204246": "Wikimedia project page",
    "Q17362920": "Wikimedia duplicated page",
    "Q21450877": "Wikimedia multilingual project main page",
    "Q21623879": "Wikimedia Commons atlas page",
}
WIKIMEDIA_INTERNAL_CLASSES = frozenset(WIKIMEDIA_INTERNAL_CLASS_NAMES)


def is_qid(value: object) -> bool:
    """Is *value* a QID (``Q`` + ASCII digits, no leading zero)?"""
    return isinstance(value, str) and _QID.fullmatch(value) is not None


def check_qid(value: object, where: str = "") -> str:
    """*value* if it is a QID, else :class:`InvalidQidError` (naming *where* when given)."""
    if is_qid(value):
        return value  # type: ignore[return-value]
    prefix = f"{where}: " if where else ""
    raise InvalidQidError(
        f"{prefix}not a Wikidata item id: {str(value)[:40]!r} "
        "(expected Q followed by digits with no leading zero, e.g. Q42)"
    )


def qid_number(qid: str) -> int:
    """``Q42`` → 42 (the QID is checked)."""
    return int(check_qid(qid)[1:])


def qid_of_number(number: int) -> str:
    """42 → ``Q42``."""
    if number < 1:
        raise InvalidQidError(f"not a Wikidata item number: {number}")
    return f"Q{number}"


def qid_sort_key(qid: str) -> int:
    """Sort QIDs by number (Q9 before Q10)."""
    return int(qid[1:])


def sorted_qids(qids: Iterable[str]) -> list[str]:
    """Distinct QIDs in numeric order."""
    return sorted(set(qids), key=qid_sort_key)


def item_iri(qid: str) -> str:
    return ENTITY + check_qid(qid)


def qid_of_iri(iri: object) -> str | None:
    """The QID of an item IRI, or ``None`` if *iri* is not one."""
    if isinstance(iri, str) and iri.startswith(ENTITY) and is_qid(iri[len(ENTITY) :]):
        return iri[len(ENTITY) :]
    return None


def is_goal(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in GOALS


def goal_of_text(text: str) -> int | None:
    """``"13"`` or ``"SDG13"`` → 13; ``None`` when it is not a goal."""
    word = text.strip().lower().removeprefix("sdg").strip()
    if word.isascii() and word.isdigit() and int(word) in GOALS:
        return int(word)
    return None


def is_target(text: str) -> bool:
    """Is *text* shaped like a target of one of the 17 goals (``15.8``, ``6.b``)?"""
    match = _TARGET.fullmatch(text)
    return match is not None and int(match.group(1)) in GOALS


def goal_of_target(code: str) -> int:
    return int(code.split(".", 1)[0])


def target_sort_key(code: str) -> tuple[int, int, int | str]:
    """1.1 < 1.2 < 1.10 < 1.a < 1.b; 2.x after 1.x."""
    goal, _, sub = code.partition(".")
    return (int(goal), 0, int(sub)) if sub.isdigit() else (int(goal), 1, sub)


def split_list(text: str) -> list[str]:
    """``"13, 15.8 6"`` → ``["13", "15.8", "6"]``: commas and spaces both separate."""
    return [word for word in re.split(r"[\s,;]+", text.strip()) if word]


def parse_goals_and_targets(text: str) -> tuple[tuple[int, ...], tuple[str, ...], list[str]]:
    """One grammar for a list of goals and targets: ``"13, 15.8"``.

    Words are separated by commas, semicolons or spaces; a goal or a target may be written
    with ``SDG`` before it (``SDG13``, ``SDG 13``, ``sdg15.8``), in any case. Returns
    ``(goals, targets, wrong)``: the goals (sorted, distinct), the targets (in the order
    written, distinct) and the words that are neither. A target does not add its goal to the
    goals; callers decide what a target alone means.
    """
    goals: set[int] = set()
    targets: dict[str, None] = {}
    wrong: list[str] = []
    for word in split_list(_SDG_SPACE.sub("", text)):
        goal = goal_of_text(word)
        code = word.lower().removeprefix("sdg")
        if goal is not None:
            goals.add(goal)
        elif is_target(code):
            targets[code] = None
        else:
            wrong.append(word)
    return tuple(sorted(goals)), tuple(targets), wrong


def parse_goals(text: str | None, option: str = "--goals") -> tuple[int, ...] | None:
    """``"13,15"`` → ``(13, 15)``; ``None`` for nothing. Anything but a goal is a UsageError."""
    if text is None or not text.strip():
        return None
    goals, targets, wrong = parse_goals_and_targets(text)
    bad = wrong or list(targets)
    if bad:
        raise UsageError(
            f"unknown goal {bad[0]!r}: goals are numbers from 1 to 17, e.g. {option} 13,15"
        )
    return goals
