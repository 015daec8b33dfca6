"""The catalogue's model: goals, targets, item sets, and where their files are.

A :class:`Goal` and a :class:`Target` are rows of the UN's tables (``queries/sdg/goals.tsv``,
``queries/sdg/targets.tsv``); an :class:`ItemSet` is the Wikidata items counted for a goal (or
for some of its targets), read from a pinned QID list or a selection query, or listed in hand
(an organizer's configuration page; a ``--members`` file's own sets); a
:class:`Catalogue` holds all three. Also here: the repository paths every room of the package
reads, the identifier patterns, :func:`read_pinned` (which an item set needs for its QIDs) and
:class:`Finding`, one problem found by ``catalogue check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import ROOT  # the checkout, or the installed package
from bot.errors import ConfigError
from bot.ids import QID_PATTERN, TARGET_PATTERN, qid_sort_key, sorted_qids

SDG_DIR = ROOT / "queries" / "sdg"
GOALS_TSV = SDG_DIR / "goals.tsv"
TARGETS_TSV = SDG_DIR / "targets.tsv"
TRACED_TSV = SDG_DIR / "traced.tsv"
GOAL_QUERIES_DIR = ROOT / "queries" / "goals"
VERIFY_LIVE_TSV = ROOT / "queries" / "verify-live.tsv"

LANGUAGES = ("en", "fr", "es", "ru", "zh-Hans", "ar", "de", "sw")

QID_RE = re.compile(f"^{QID_PATTERN}$", re.ASCII)
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TARGET_RE = re.compile(f"^{TARGET_PATTERN}$", re.ASCII)
ENTITY_ID_RE = re.compile(r"^[QP][1-9][0-9]*$")



@dataclass(frozen=True)
class Goal:
    number: int
    qid: str
    un_uri: str
    short: Mapping[str, str]
    title: Mapping[str, str]


@dataclass(frozen=True)
class Target:
    code: str
    goal: int
    title: Mapping[str, str]


@dataclass(frozen=True)
class ItemSet:
    id: str
    goal: int
    targets: tuple[str, ...]
    title: str
    description: str
    source: Mapping[str, str]
    pinned: Path | None
    query: Path | None
    observed_wikis: tuple[str, ...] | None
    data_date: str | None
    in_snapshot: bool
    qids: tuple[str, ...] | None = None  # listed in hand (a configuration page): no file

    @property
    def is_query(self) -> bool:
        """Whether the set's items come from a selection query (else from a list)."""
        return self.query is not None

    def pinned_qids(self) -> list[str]:
        """The QIDs of a listed set (a pinned file, or :attr:`qids` given in hand), sorted by
        numeric id; empty for a query-based set."""
        if self.qids is not None:
            return sorted_qids(set(self.qids))
        if self.pinned is None:
            return []
        return read_pinned(self.pinned)

    def query_text(self) -> str | None:
        """The selection query's text (``None`` for a pinned set)."""
        if self.query is None:
            return None
        try:
            return self.query.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{shown(self.query)}: cannot read: {exc.strerror or exc}") from exc


@dataclass(frozen=True)
class Catalogue:
    goals: Mapping[int, Goal]
    targets: Mapping[str, Target]
    itemsets: tuple[ItemSet, ...]
    problems: tuple[str, ...] = field(default=(), compare=False)

    def itemsets_for(
        self, goals: Iterable[int] | None = None, *, snapshot_only: bool = False
    ) -> tuple[ItemSet, ...]:
        """The item sets of *goals* (all goals when ``None``), in catalogue order."""
        wanted = None if goals is None else set(goals)
        return tuple(
            s
            for s in self.itemsets
            if (wanted is None or s.goal in wanted) and (s.in_snapshot or not snapshot_only)
        )

    def itemset(self, itemset_id: str) -> ItemSet:
        for s in self.itemsets:
            if s.id == itemset_id:
                return s
        raise KeyError(itemset_id)


def shown(path: Path) -> str:
    """A path as shown in messages: relative to the repository when it is inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def read_pinned(path: Path) -> list[str]:
    """Read a pinned QID list: one QID a line, ``#`` comments and blank lines ignored.

    Returns the QIDs sorted by numeric id, without duplicates. A line that is not a QID raises
    :class:`ConfigError` naming the file and the line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{shown(path)}: cannot read pinned list: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{shown(path)}: pinned list is not UTF-8") from exc
    qids: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not QID_RE.match(line):
            raise ConfigError(
                f"{shown(path)} line {number}: expected one QID like Q42, got {line[:40]!r}"
            )
        qids.add(line)
    return sorted(qids, key=qid_sort_key)


def id_key(ident: str) -> tuple[str, int]:
    return (ident[0], int(ident[1:]))


@dataclass(frozen=True)
class Finding:
    """One problem found by ``catalogue check``: where, and what is wrong, on one line."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"
