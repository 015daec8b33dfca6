"""The catalogue's committed tables: goals, targets, traced identifiers, identifiers to verify.

``queries/sdg/goals.tsv`` and ``queries/sdg/targets.tsv`` hold the 17 goals and the 169
targets with their titles in the eight languages; ``queries/sdg/traced.tsv`` records each
identifier the queries use that a file of the shared data names (:class:`TracedEntry`);
``queries/verify-live.tsv`` lists the ones no file names, each with the English label a
maintainer with network confirms live (:class:`VerifyEntry`). The first three are written by
``scripts/build_catalogue.py`` (with :func:`tsv_text`, here beside the reader); none is edited by
hand but the last.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from bot.catalogue.model import (
    ENTITY_ID_RE,
    GOALS_TSV,
    LANGUAGES,
    QID_RE,
    TARGET_RE,
    TARGETS_TSV,
    TRACED_TSV,
    VERIFY_LIVE_TSV,
    Goal,
    Target,
    shown,
)
from bot.errors import ConfigError
from bot.ids import target_sort_key


def _read_tsv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{shown(path)}: cannot read: {exc.strerror or exc}") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"{shown(path)}: missing column(s) {', '.join(missing)}")
    rows = list(reader)
    for number, row in enumerate(rows, 2):
        if None in row or any(v is None for v in row.values()):
            raise ConfigError(f"{shown(path)} line {number}: wrong number of fields")
    return rows


def load_goals(path: Path = GOALS_TSV) -> dict[int, Goal]:
    required = ["goal", "qid", "un_uri"] + [f"short_{lang}" for lang in LANGUAGES]
    required += [f"title_{lang}" for lang in LANGUAGES]
    goals: dict[int, Goal] = {}
    for number, row in enumerate(_read_tsv(path, required), 2):
        try:
            goal = int(row["goal"])
        except ValueError:
            raise ConfigError(
                f"{shown(path)} line {number}: goal {row['goal']!r} is not a number"
            ) from None
        if not QID_RE.match(row["qid"]):
            raise ConfigError(f"{shown(path)} line {number}: bad QID {row['qid']!r}")
        goals[goal] = Goal(
            number=goal,
            qid=row["qid"],
            un_uri=row["un_uri"],
            short=MappingProxyType({lang: row[f"short_{lang}"] for lang in LANGUAGES}),
            title=MappingProxyType({lang: row[f"title_{lang}"] for lang in LANGUAGES}),
        )
    return dict(sorted(goals.items()))


def load_targets(path: Path = TARGETS_TSV) -> dict[str, Target]:
    required = ["code", "goal"] + [f"title_{lang}" for lang in LANGUAGES]
    targets: dict[str, Target] = {}
    for number, row in enumerate(_read_tsv(path, required), 2):
        code = row["code"]
        m = TARGET_RE.match(code)
        if not m or m.group(1) != row["goal"]:
            raise ConfigError(f"{shown(path)} line {number}: bad target {code!r}")
        targets[code] = Target(
            code=code,
            goal=int(row["goal"]),
            title=MappingProxyType({lang: row[f"title_{lang}"] for lang in LANGUAGES}),
        )
    return {c: targets[c] for c in sorted(targets, key=target_sort_key)}


def tsv_text(columns: Sequence[str], rows: Iterable[Sequence[str]], where: str) -> str:
    out = ["\t".join(columns)]
    for row in rows:
        for cell in row:
            if any(c in cell for c in "\t\r\n"):
                raise ConfigError(f"{where}: a value contains a tab or newline: {cell[:40]!r}")
        out.append("\t".join(row))
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class VerifyEntry:
    """An identifier no source file names, with the English label it is expected to have."""

    id: str
    expected_label_en: str
    used_in: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class TracedEntry:
    """An identifier a source file names: its English name there, the file and the evidence."""

    id: str
    label_en: str
    source: str
    evidence: str


def load_verify_live(path: Path = VERIFY_LIVE_TSV) -> list[VerifyEntry]:
    entries = []
    for number, row in enumerate(
        _read_tsv(path, ["id", "expected_label_en", "used_in", "reason"]), 2
    ):
        if not ENTITY_ID_RE.match(row["id"]):
            raise ConfigError(f"{shown(path)} line {number}: bad id {row['id']!r}")
        if not row["expected_label_en"].strip() or not row["reason"].strip():
            raise ConfigError(f"{shown(path)} line {number}: expected label and reason are needed")
        entries.append(
            VerifyEntry(row["id"], row["expected_label_en"].strip(), tuple(row["used_in"].split()),
                        row["reason"].strip())
        )
    return entries


def load_traced(path: Path = TRACED_TSV) -> list[TracedEntry]:
    if not path.exists():
        return []
    return [
        TracedEntry(r["id"], r["label_en"], r["source"], r["evidence"])
        for r in _read_tsv(path, ["id", "label_en", "source", "evidence"])
    ]
