"""Reading one parameter's value: goals and targets, QIDs, language codes, days, titles.

Each reader takes the text an organizer wrote and returns what it means; what it cannot read
is left out and said (through the *say* it is given), with what was expected.
"""

from __future__ import annotations

import re

from bot.ids import is_qid, parse_goals_and_targets, sorted_qids, split_list
from bot.onwiki.model import WORDS


def shorten(value: str, size: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= size else value[: size - 1] + "…"


def title_problem(title: str) -> str | None:
    if not title:
        return "no page given"
    bad = sorted({ch for ch in title if ch in "[]{}|<>#"})
    if bad:
        return f"“{shorten(title)}” cannot be a page title (it contains {' '.join(bad)})"
    if "~~~" in title:
        return f"“{shorten(title)}” cannot be a page title (it contains ~~~)"
    if len(title.encode("utf-8")) > 255:
        return "the page title is longer than 255 bytes"
    return None


def read_goals(text: str, say) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Goals and targets by :func:`bot.ids.parse_goals_and_targets`; each other word is said."""
    goals, targets, wrong = parse_goals_and_targets(text)
    for word in wrong:
        say(f"“{shorten(word)}” is not a goal or a target; it is left out. Expected goal "
            "numbers 1–17 or targets like 15.8, separated by commas.")
    return goals, targets


def read_items(text: str, say) -> tuple[str, ...]:
    qids: list[str] = []
    wrong: list[str] = []
    for part in split_list(text):
        word = part.strip().upper()
        if is_qid(word):
            qids.append(word)
        else:
            wrong.append(part)
    if wrong:
        say(f"{len(wrong)} entr{'y is' if len(wrong) == 1 else 'ies are'} not a Wikidata item "
            f"(“{shorten(wrong[0], 30)}”…); left out. Expected QIDs like Q7942, separated by "
            "spaces, commas or new lines.")
    return tuple(sorted_qids(qids))


def read_languages(text: str, say) -> tuple[str, ...] | None:
    words = [w.strip().lower() for w in split_list(text)]
    if words == ["all"]:
        return None
    good = []
    for word in words:
        if re.fullmatch(r"[a-z][a-z0-9-]{0,15}(wiki)?", word):
            good.append(word)
        else:
            say(f"“{shorten(word)}” is not a language code; it is left out. Expected Wikipedia "
                "language codes like fr, de, sw, separated by commas, or all.")
    return tuple(dict.fromkeys(good)) if good else None


def read_every(text: str) -> float | None:
    word = text.strip().lower()
    if word in WORDS:
        return WORDS[word]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(d|day|days)?", word)
    return float(match.group(1)) if match else None
