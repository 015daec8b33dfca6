"""The words of a report: its message files and the look-up the pages use.

Text comes from ``bot/report/messages/<lang>.json`` (English is the fallback for a missing
key); a language can be a report language when it has a message file. Figures are written
with the report language's digit grouping and decimal mark. The values put into a message are
carried as inline pieces (:class:`bot.report.model.Plain` for text) and escaped by the
renderers through :mod:`bot.report.escape`.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

from bot.report.model import Msg, inline

MESSAGES = Path(__file__).resolve().parent / "messages"


def report_languages() -> list[str]:
    """The languages a report can be written in: those with a message file."""
    return sorted(p.stem for p in MESSAGES.glob("*.json"))


@cache
def messages(lang: str = "en") -> dict[str, str]:
    """The message file for *lang*, with English as the fallback for missing keys."""
    english = json.loads((MESSAGES / "en.json").read_text(encoding="utf-8"))
    path = MESSAGES / f"{lang}.json"
    if lang != "en" and path.exists():
        english.update(json.loads(path.read_text(encoding="utf-8")))
    return english


class Text:
    """Message look-up: ``t("lang.goal_line", articles=…)`` gives a :class:`Msg` whose fields
    are inline pieces (text becomes :class:`Plain` and is escaped when rendered)."""

    def __init__(self, lang: str = "en"):
        if lang not in report_languages():
            raise ValueError(f"no message file for report language {lang!r}")
        self.lang = lang
        self.table = messages(lang)
        self._plain_numbers = (self.table["number.group"], self.table["number.decimal"]) == (
            ",", "."
        )

    def __call__(self, key: str, **values: object) -> Msg:
        return Msg(self.table[key], tuple((k, inline(v)) for k, v in values.items()))

    def plain(self, key: str, **values: object) -> str:
        """The message as plain text (page titles, column headers); escaped by its renderer."""
        text = self.table[key].format(**{k: str(v) for k, v in values.items()})
        return unicodedata.normalize("NFC", text)

    def number(self, value: float | int, digits: int = 0) -> str:
        """A figure with the report language's digit grouping and decimal mark."""
        text = f"{value:,.{digits}f}" if digits else f"{int(round(value)):,}"
        if self._plain_numbers:
            return text
        group, decimal = self.table["number.group"], self.table["number.decimal"]
        return text.replace(",", "\0").replace(".", decimal).replace("\0", group)
