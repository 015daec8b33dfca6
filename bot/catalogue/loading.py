"""Loading the catalogue: goals, targets and every item set, checked against each other.

Three kinds of item set are loaded, in this order:

- the bundled sets the snapshot carries (pinned lists, ``in_snapshot=True``, with the
  Wikipedias their source observed);
- the catalogue's own selection queries, ``queries/goals/*.rq`` (``in_snapshot=False``;
  observed wikis ``None``: every Wikipedia of a live endpoint), each described by its header
  (see :mod:`bot.catalogue.queries`);
- organizers' own sets, named in item-set files passed as ``extra``.

Organizers' item-set files (TOML)
---------------------------------
No code is needed to add an item set: write a small TOML file and pass it (``extra``)::

    [[itemset]]
    id = "sdg6-my-wells"                 # letters, digits, '-', '_' and '.'; unique
    goal = 6                             # 1 … 17
    targets = ["6.1", "6.b"]             # optional; each must be a real target of that goal
    title = "Wells of our region"
    description = "Items our group cares about"   # optional
    pinned = "wells.txt"                 # a QID list, relative to this TOML file …
    # query = "wells.rq"                 # … or a selection query projecting ?item (one of them)

A pinned list has one QID a line; blank lines and lines starting with ``#`` are ignored (a
PagePile export saved as text works). A file that cannot be read or does not validate raises
:class:`bot.errors.ConfigError` with one line naming the file and what is wrong.
``sdg-gaps catalogue list|check --itemsets FILE`` takes such files.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

from bot.catalogue.model import (
    GOAL_QUERIES_DIR,
    ID_RE,
    ROOT,
    Catalogue,
    ItemSet,
    Target,
    id_key,
    read_pinned,
    shown,
)
from bot.catalogue.queries import parse_query_header
from bot.catalogue.tables import load_goals, load_targets
from bot.errors import ConfigError, SnapshotError
from bot.ids import is_goal


def _query_itemset(
    path: Path, header: dict, where: str, *, default_id: str | None = None
) -> ItemSet:
    set_id = header.get("id") or default_id
    if not set_id:
        raise ConfigError(f"{where}: no '# id:' line in the query header")
    goal_text = str(header.get("goal", "")).strip()
    if not goal_text:
        raise ConfigError(f"{where}: no '# goal:' line in the query header")
    goal = _goal_number(goal_text, where)
    targets = tuple(str(header.get("targets", "")).split())
    title = str(header.get("title", "")).strip()
    if not title:
        raise ConfigError(f"{where}: no '# title:' line in the query header")
    source = {"kind": "query", "file": shown(path)}
    for ident, text in sorted(header.get("sources", {}).items(), key=lambda kv: id_key(kv[0])):
        source[ident] = text
    return ItemSet(
        id=set_id,
        goal=goal,
        targets=targets,
        title=title,
        description=str(header.get("description", "")).strip(),
        source=MappingProxyType(source),
        pinned=None,
        query=path,
        observed_wikis=None,
        data_date=None,
        in_snapshot=False,
    )


def _goal_number(value: object, where: str) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: goal must be a number from 1 to 17, got {value!r}")
    try:
        goal = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}: goal must be a number from 1 to 17, got {value!r}") from None
    if not is_goal(goal):
        raise ConfigError(f"{where}: goal must be a number from 1 to 17, got {value!r}")
    return goal


def load_goal_queries(directory: Path = GOAL_QUERIES_DIR) -> list[ItemSet]:
    """The catalogue's own selection queries, ``queries/goals/*.rq``, sorted by goal then id."""
    sets = []
    for path in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{shown(path)}: cannot read: {exc}") from exc
        sets.append(_query_itemset(path, parse_query_header(path, text), shown(path)))
    return sorted(sets, key=lambda s: (s.goal, s.id))


_ITEMSET_KEYS = {"id", "goal", "targets", "title", "description", "pinned", "query"}


def load_itemset_file(path: Path, targets: Mapping[str, Target] | None = None) -> list[ItemSet]:
    """Read an organizer's TOML item-set file (format in the module docstring)."""
    where = shown(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read item-set file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: item-set file is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from None
    unknown_top = sorted(set(data) - {"itemset"})
    if unknown_top:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown_top)} (expected [[itemset]] tables)"
        )
    tables = data.get("itemset")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{where}: no [[itemset]] table")
    sets = []
    for index, table in enumerate(tables, 1):
        w = f"{where} itemset #{index}"
        if not isinstance(table, dict):
            raise ConfigError(f"{w}: expected a table")
        unknown = sorted(set(table) - _ITEMSET_KEYS)
        if unknown:
            raise ConfigError(f"{w}: unknown key(s) {', '.join(unknown)}")
        set_id = table.get("id")
        if not isinstance(set_id, str) or not ID_RE.match(set_id):
            raise ConfigError(f"{w}: 'id' must be letters, digits, '-', '_' or '.', got {set_id!r}")
        w = f"{where} itemset {set_id!r}"
        if "goal" not in table:
            raise ConfigError(f"{w}: 'goal' is missing")
        goal = _goal_number(table["goal"], w)
        raw_targets = table.get("targets", [])
        if not isinstance(raw_targets, list) or not all(isinstance(t, str) for t in raw_targets):
            raise ConfigError(f"{w}: 'targets' must be a list of target codes like \"6.1\"")
        for code in raw_targets:
            if targets is not None and code not in targets:
                raise ConfigError(f"{w}: unknown target {code!r}")
            if not code.startswith(f"{goal}."):
                raise ConfigError(f"{w}: target {code!r} is not a target of goal {goal}")
        title = table.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ConfigError(f"{w}: 'title' is missing")
        description = table.get("description", "")
        if not isinstance(description, str):
            raise ConfigError(f"{w}: 'description' must be text")
        has_pinned, has_query = "pinned" in table, "query" in table
        if has_pinned == has_query:
            raise ConfigError(f"{w}: give exactly one of 'pinned' or 'query'")
        key = "pinned" if has_pinned else "query"
        if not isinstance(table[key], str) or not table[key]:
            raise ConfigError(f"{w}: '{key}' must be a file name")
        file = (path.parent / table[key]).resolve()
        if not file.is_file():
            raise ConfigError(f"{w}: {key} file {table[key]!r} not found next to {path.name}")
        if has_pinned:
            try:
                read_pinned(file)  # validate now: one clear line at load time
            except ConfigError as exc:
                raise ConfigError(f"{w}: {exc}") from None
        else:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{w}: cannot read query {table[key]!r}: {exc}") from None
            if not re.search(r"\?item\b", text):
                raise ConfigError(f"{w}: query {table[key]!r} does not project ?item")
        sets.append(
            ItemSet(
                id=set_id,
                goal=goal,
                targets=tuple(raw_targets),
                title=title.strip(),
                description=description.strip(),
                source=MappingProxyType({"kind": f"organizer {key}", "file": shown(path),
                                         key: shown(file)}),
                pinned=file if has_pinned else None,
                query=file if has_query else None,
                observed_wikis=None,
                data_date=None,
                in_snapshot=False,
            )
        )
    return sets


def _flatten(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    return str(value)


def snapshot_itemsets(snapshot, *, untitled: bool = False) -> list[ItemSet]:
    """The bundled item sets described by a :class:`bot.snapshot.Snapshot`.

    A set whose source gives its sitelinks without titles (``titles`` false in the manifest:
    the Humaniki women) joins only with *untitled*: its articles exist but have no names, and
    the reports build every article link and Content Translation link from a title.
    """
    sets = []
    for info in snapshot.itemsets:
        if not info.titles and not untitled:
            continue
        pinned = ROOT / info.pinned if info.pinned else None
        source = {"kind": "snapshot"}
        source.update({str(k): _flatten(v) for k, v in dict(info.source or {}).items()})
        sets.append(
            ItemSet(
                id=info.id,
                goal=int(info.goal),
                targets=tuple(info.targets),
                title=info.title,
                description=info.description,
                source=MappingProxyType(source),
                pinned=pinned,
                query=None,
                observed_wikis=tuple(info.observed_wikis),
                data_date=info.data_date,
                in_snapshot=True,
            )
        )
    return sets


def open_bundled_snapshot():
    """The bundled snapshot, or ``(None, why)`` when its files are not there (yet)."""
    from bot.snapshot import open_snapshot

    try:
        return open_snapshot(), None
    except SnapshotError as exc:
        return None, str(exc)


def load_catalogue(snapshot=None, extra: Sequence[Path] = ()) -> Catalogue:
    """Load goals, targets and item sets.

    *snapshot* is a :class:`bot.snapshot.Snapshot` whose bundled sets join the catalogue; when
    ``None`` the bundled snapshot is opened if it is there (if it is not, the catalogue has no
    bundled sets and says why in :attr:`Catalogue.problems`); pass ``False`` to leave bundled
    sets out. *extra* names organizers' TOML item-set files.
    """
    goals = load_goals()
    targets = load_targets()
    problems: list[str] = []
    sets: list[ItemSet] = []
    if snapshot is None:
        snapshot, why = open_bundled_snapshot()
        if why:
            problems.append(f"bundled snapshot not loaded: {why}")
    if snapshot:
        sets.extend(snapshot_itemsets(snapshot))
    sets.extend(load_goal_queries())
    for path in extra:
        sets.extend(load_itemset_file(Path(path), targets))
    seen: dict[str, ItemSet] = {}
    for s in sets:
        if s.id in seen:
            where = s.source.get("file") or s.id
            raise ConfigError(f"{where}: item set id {s.id!r} is used twice")
        seen[s.id] = s
        if s.goal not in goals:
            raise ConfigError(f"item set {s.id!r}: unknown goal {s.goal}")
        for code in s.targets:
            if code not in targets:
                raise ConfigError(f"item set {s.id!r}: unknown target {code!r}")
            if targets[code].goal != s.goal:
                raise ConfigError(
                    f"item set {s.id!r}: target {code} belongs to goal {targets[code].goal}, "
                    f"not {s.goal}"
                )
    return Catalogue(
        goals=MappingProxyType(goals),
        targets=MappingProxyType(targets),
        itemsets=tuple(sets),
        problems=tuple(problems),
    )
