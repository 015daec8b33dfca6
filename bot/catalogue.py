"""The catalogue: what "SDG-related" means to sdg-gaps.

The catalogue has three parts, all plain files in the repository:

* **Goals** — ``queries/sdg/goals.tsv``: the 17 goals, each with the Wikidata item the UN itself
  matches it to (``skos:exactMatch`` in the UN SDG KOS), its UN URI, and its short name and title
  in the eight languages of the Open SDG translations (en fr es ru zh-Hans ar de sw).
* **Targets** — ``queries/sdg/targets.tsv``: the 169 targets (``1.1`` … ``17.19``) with their
  titles in the same languages. Both tables are written by ``scripts/build_catalogue.py`` from the
  UN's data; they are never edited by hand.
* **Item sets** — the Wikidata items counted for a goal (or for some of its targets). An item set
  is either a *pinned* list of QIDs (a text file, one QID a line, ``#`` comments) or a *selection
  query* (a ``.rq`` file whose ``SELECT`` projects ``?item``). Three kinds are loaded:

  - the bundled sets the snapshot carries (pinned lists, ``in_snapshot=True``, with the
    Wikipedias their source observed);
  - the catalogue's own selection queries, ``queries/goals/*.rq`` (``in_snapshot=False``;
    observed wikis ``None``: every Wikipedia of a live endpoint);
  - organizers' own sets, named in item-set files passed as ``extra``.

Selection-query header
----------------------
A catalogue query describes itself in ``#`` comment lines before the query, ``key: value``::

    # id: sdg13-climate-topics
    # goal: 13
    # targets: 13.1 13.2          (optional, space separated)
    # title: Climate change topics
    # description: Items whose main subject is … (may continue on following "#   " lines)
    # source Q7942: where this QID comes from (one line per QID/PID used in the query)

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

Where every identifier comes from
---------------------------------
No QID or PID enters a query on trust. ``queries/sdg/traced.tsv`` (written by
``scripts/build_catalogue.py``) records each identifier the queries use that a file of the shared
data names, with that name, the file and the evidence: the UN's own goal matches, property and
item labels of a 2014 Wikidata dump sample, the climate set's English Wikipedia titles, the Meta
1,000 list. Anything else must be listed in ``queries/verify-live.tsv`` (id, expected_label_en,
used_in, reason) for a maintainer with network to confirm with
``sdg-gaps catalogue check --endpoint wdqs``: :func:`check_catalogue` looks every identifier up
in one batched query and reports drift (label changed, merged into another item, deleted).
Offline, :func:`check_catalogue` checks the files against each other.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from bot.errors import ConfigError, SdgGapsError, SnapshotError
from bot.ids import (
    QID_PATTERN,
    REDIRECT_BADGES,
    WIKIMEDIA_INTERNAL_CLASSES,
    qid_sort_key,
    target_sort_key,
)

ROOT = Path(__file__).resolve().parents[1]
SDG_DIR = ROOT / "queries" / "sdg"
GOALS_TSV = SDG_DIR / "goals.tsv"
TARGETS_TSV = SDG_DIR / "targets.tsv"
GOAL_QUERIES_DIR = ROOT / "queries" / "goals"

LANGUAGES = ("en", "fr", "es", "ru", "zh-Hans", "ar", "de", "sw")

QID_RE = re.compile(f"^{QID_PATTERN}$", re.ASCII)
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TARGET_RE = re.compile(r"^([1-9][0-9]?)\.([0-9]{1,2}|[a-z])$")


# --------------------------------------------------------------------------------------------
# The model


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

    def pinned_qids(self) -> list[str]:
        """The QIDs of a pinned list, sorted by numeric id (empty for a query-based set)."""
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
            raise ConfigError(f"{_show(self.query)}: cannot read: {exc.strerror or exc}") from exc


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


# --------------------------------------------------------------------------------------------
# Small readers


def _show(path: Path) -> str:
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
        raise ConfigError(f"{_show(path)}: cannot read pinned list: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{_show(path)}: pinned list is not UTF-8") from exc
    qids: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not QID_RE.match(line):
            raise ConfigError(
                f"{_show(path)} line {number}: expected one QID like Q42, got {line[:40]!r}"
            )
        qids.add(line)
    return sorted(qids, key=qid_sort_key)


def _read_tsv(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{_show(path)}: cannot read: {exc.strerror or exc}") from exc
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ConfigError(f"{_show(path)}: missing column(s) {', '.join(missing)}")
    rows = list(reader)
    for number, row in enumerate(rows, 2):
        if None in row or any(v is None for v in row.values()):
            raise ConfigError(f"{_show(path)} line {number}: wrong number of fields")
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
                f"{_show(path)} line {number}: goal {row['goal']!r} is not a number"
            ) from None
        if not QID_RE.match(row["qid"]):
            raise ConfigError(f"{_show(path)} line {number}: bad QID {row['qid']!r}")
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
            raise ConfigError(f"{_show(path)} line {number}: bad target {code!r}")
        targets[code] = Target(
            code=code,
            goal=int(row["goal"]),
            title=MappingProxyType({lang: row[f"title_{lang}"] for lang in LANGUAGES}),
        )
    return {c: targets[c] for c in sorted(targets, key=target_sort_key)}


# --------------------------------------------------------------------------------------------
# Selection queries and their headers

HEADER_KEY_RE = re.compile(r"^# ([a-z_]+)(?: ([QP][1-9][0-9]*))?: ?(.*)$")
HEADER_KEYS = {"id", "goal", "targets", "title", "description", "source"}


def parse_query_header(path: Path, text: str) -> dict:
    """Read the ``# key: value`` header of a catalogue query (see the module docstring).

    A key line is ``# key: value`` (one space after ``#``); a line starting ``#`` and two or more
    spaces continues the previous value; other comment lines are prose and end a value. The
    header ends at the first line that is not a comment.
    """
    header: dict = {"sources": {}}
    last: tuple[str, str | None] | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.startswith("#"):
            if line.strip():
                break
            last = None
            continue
        if line.startswith("#  ") and last is not None:
            key, ident = last
            extra = line[1:].strip()
            if key == "sources":
                header["sources"][ident] += " " + extra
            else:
                header[key] = (header.get(key, "") + " " + extra).strip()
            continue
        m = HEADER_KEY_RE.match(line)
        if not m or m.group(1) not in HEADER_KEYS:
            last = None
            continue
        key, ident, value = m.group(1), m.group(2), m.group(3).strip()
        if key == "source" and ident:
            header["sources"][ident] = value
            last = ("sources", ident)
        elif ident:
            last = None
        else:
            header[key] = value
            last = (key, None)
    return header


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
    source = {"kind": "query", "file": _show(path)}
    for ident, text in sorted(header.get("sources", {}).items(), key=lambda kv: _id_key(kv[0])):
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
    if not 1 <= goal <= 17:
        raise ConfigError(f"{where}: goal must be a number from 1 to 17, got {value!r}")
    return goal


def load_goal_queries(directory: Path = GOAL_QUERIES_DIR) -> list[ItemSet]:
    """The catalogue's own selection queries, ``queries/goals/*.rq``, sorted by goal then id."""
    sets = []
    for path in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{_show(path)}: cannot read: {exc}") from exc
        sets.append(_query_itemset(path, parse_query_header(path, text), _show(path)))
    return sorted(sets, key=lambda s: (s.goal, s.id))


# --------------------------------------------------------------------------------------------
# Organizers' item-set files

_ITEMSET_KEYS = {"id", "goal", "targets", "title", "description", "pinned", "query"}


def load_itemset_file(path: Path, targets: Mapping[str, Target] | None = None) -> list[ItemSet]:
    """Read an organizer's TOML item-set file (format in the module docstring)."""
    where = _show(path)
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
                source=MappingProxyType({"kind": f"organizer {key}", "file": _show(path),
                                         key: _show(file)}),
                pinned=file if has_pinned else None,
                query=file if has_query else None,
                observed_wikis=None,
                data_date=None,
                in_snapshot=False,
            )
        )
    return sets


# --------------------------------------------------------------------------------------------
# Identifiers to verify live

VERIFY_LIVE_TSV = ROOT / "queries" / "verify-live.tsv"
TRACED_TSV = SDG_DIR / "traced.tsv"
ENTITY_ID_RE = re.compile(r"^[QP][1-9][0-9]*$")


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
            raise ConfigError(f"{_show(path)} line {number}: bad id {row['id']!r}")
        if not row["expected_label_en"].strip() or not row["reason"].strip():
            raise ConfigError(f"{_show(path)} line {number}: expected label and reason are needed")
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


# --------------------------------------------------------------------------------------------
# The snapshot's bundled sets


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


def _open_bundled_snapshot():
    """The bundled snapshot, or ``(None, why)`` when its files are not there (yet)."""
    from bot.snapshot import open_snapshot

    try:
        return open_snapshot(), None
    except SnapshotError as exc:
        return None, str(exc)


# --------------------------------------------------------------------------------------------
# The whole catalogue


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
        snapshot, why = _open_bundled_snapshot()
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


# --------------------------------------------------------------------------------------------
# Building the tables from the UN's data (scripts/build_catalogue.py)

UN_TTL = "sdg/un_sdg_goals_metadata.ttl"
UN_MAP = "sdg/un_sdg_goals_wikidata_map.csv"
UN_LABELS = "sdg/sdg_goals_targets_indicators_labels.csv"
_WD_ENTITY = "http://www.wikidata.org/entity/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SDGO = "http://metadata.un.org/sdg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _tsv(columns: Sequence[str], rows: Iterable[Sequence[str]], where: str) -> str:
    out = ["\t".join(columns)]
    for row in rows:
        for cell in row:
            if any(c in cell for c in "\t\r\n"):
                raise ConfigError(f"{where}: a value contains a tab or newline: {cell[:40]!r}")
        out.append("\t".join(row))
    return "\n".join(out) + "\n"


def _read_un_ttl(path: Path) -> tuple[dict[int, tuple[str, str]], dict[int, set[str]]]:
    """goal → (UN URI, Wikidata QID) and goal → target codes, from the UN SDG KOS Turtle."""
    import pyoxigraph  # only the builder needs it

    qids: dict[int, set[str]] = {}
    uris: dict[int, str] = {}
    targets: dict[int, set[str]] = {}
    goals: set[str] = set()
    try:
        triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    except (OSError, SyntaxError) as exc:
        raise ConfigError(f"{path}: cannot parse the UN Turtle: {exc}") from exc
    for t in triples:
        if t.predicate.value == _RDF_TYPE and t.object.value == _SDGO + "Goal":
            goals.add(t.subject.value)
    for t in triples:
        s = t.subject.value
        if s not in goals:
            continue
        number = int(s.rstrip("/").rsplit("/", 1)[1])
        uris[number] = s
        if t.predicate.value == _SKOS + "exactMatch" and t.object.value.startswith(_WD_ENTITY):
            qids.setdefault(number, set()).add(t.object.value[len(_WD_ENTITY):])
        if t.predicate.value == _SDGO + "hasTarget":
            targets.setdefault(number, set()).add(t.object.value.rsplit("/", 1)[1])
    out = {}
    for number, uri in uris.items():
        found = qids.get(number, set())
        if len(found) != 1:
            raise ConfigError(f"{path}: goal {number} has {len(found)} Wikidata matches")
        out[number] = (uri, found.pop())
    return out, targets


def build_tables(data: Path) -> dict[str, str]:
    """The catalogue tables built from a data folder: repository-relative path → text."""
    data = Path(data)
    for rel in (UN_TTL, UN_MAP, UN_LABELS):
        if not (data / rel).is_file():
            raise ConfigError(f"{data / rel}: not found (is -data: the shared data folder?)")
    ttl_goals, ttl_targets = _read_un_ttl(data / UN_TTL)
    if sorted(ttl_goals) != list(range(1, 18)):
        raise ConfigError(f"{data / UN_TTL}: expected goals 1-17, found {sorted(ttl_goals)}")
    with open(data / UN_MAP, encoding="utf-8", newline="") as stream:
        map_rows = {int(r["goal"]): r for r in csv.DictReader(stream)}
    for number, (uri, qid) in ttl_goals.items():
        row = map_rows.get(number)
        if row is None or row["wikidata_qid"] != qid or row["un_uri"] != uri:
            raise ConfigError(f"{data / UN_MAP}: goal {number} disagrees with {UN_TTL}")
        if set(row["targets"].split()) != ttl_targets.get(number, set()):
            raise ConfigError(f"{data / UN_MAP}: targets of goal {number} disagree with {UN_TTL}")
    labels: dict[tuple[str, str, str], dict[str, str]] = {}
    with open(data / UN_LABELS, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            labels[(row["level"], row["code"], row["field"])] = {
                # the YAML sources wrap a few long Russian titles over lines: one space per run
                lang: " ".join((row[f"label_{lang}"] or "").split()) for lang in LANGUAGES
            }
    goal_rows = []
    for number in range(1, 18):
        uri, qid = ttl_goals[number]
        short = labels.get(("goal", str(number), "short"))
        title = labels.get(("goal", str(number), "title"))
        if short is None or title is None:
            raise ConfigError(f"{data / UN_LABELS}: goal {number} has no short name or title")
        goal_rows.append(
            [str(number), qid, uri]
            + [short[lang] for lang in LANGUAGES]
            + [title[lang] for lang in LANGUAGES]
        )
    target_codes = {code for (level, code, _field) in labels if level == "target"}
    ttl_codes = set().union(*ttl_targets.values())
    if target_codes != ttl_codes:
        diff = sorted(target_codes ^ ttl_codes)[:5]
        raise ConfigError(f"{data / UN_LABELS}: target codes disagree with {UN_TTL}: {diff}")
    target_rows = []
    for code in sorted(target_codes, key=target_sort_key):
        title = labels[("target", code, "title")]
        target_rows.append([code, code.split(".")[0]] + [title[lang] for lang in LANGUAGES])
    goal_cols = ["goal", "qid", "un_uri"] + [f"short_{lang}" for lang in LANGUAGES]
    goal_cols += [f"title_{lang}" for lang in LANGUAGES]
    target_cols = ["code", "goal"] + [f"title_{lang}" for lang in LANGUAGES]
    index = trace_index(data, {n: (qid, labels[("goal", str(n), "short")]["en"])
                               for n, (_uri, qid) in ttl_goals.items()})
    return {
        "queries/sdg/goals.tsv": _tsv(goal_cols, goal_rows, UN_LABELS),
        "queries/sdg/targets.tsv": _tsv(target_cols, target_rows, UN_LABELS),
        "queries/sdg/traced.tsv": traced_table(index),
    }


# Where identifiers are traced, in order of preference: (path in the data folder, what it gives).
DUMP_2014 = (
    "wikidata_entities/wikidata_dump_sample_2014/wikibrain_testDump_400items_1304props.json.bz2"
)
CLIMATE_ITEMS = "topics/climate_change_25langs/climate_items.tsv"
META_1000 = "topics/meta_1000_list/meta_1000_list_qids_labels.tsv"
INVASIVE_QIDS = "topics/invasive_species_eu/unionconcern_invasive_species_qnumbers_2025.csv"
UGANDA_CORPUS = "topics/uganda_content_gap/ug_ccc_full_corpus.csv"


def trace_index(
    data: Path, goals: Mapping[int, tuple[str, str]]
) -> dict[str, tuple[str, str, str]]:
    """Every QID/PID the data folder names *with an English name*: id → (name, file, evidence).

    Sources, first one wins: the UN's goal matches, the 2014 Wikidata dump sample (labels of
    400 items and 1,304 properties), the climate set's English Wikipedia titles, the Meta
    1,000 list's labels, the EU invasive species' scientific names, and the English labels the
    Uganda corpus gives its items' P31 classes (``types`` and ``type_labels``, read only where
    the two columns pair up one to one).
    """
    import bz2
    import json

    index: dict[str, tuple[str, str, str]] = {}

    def add(ident: str, name: str, source: str, evidence: str) -> None:
        name = " ".join(name.split())
        if name and ident not in index:
            index[ident] = (name, source, evidence)

    for number, (qid, short) in sorted(goals.items()):
        add(qid, f"Sustainable Development Goal {number} ({short})", UN_TTL,
            f"skos:exactMatch of http://metadata.un.org/sdg/{number}")
    try:
        with bz2.open(data / DUMP_2014, "rt", encoding="utf-8") as stream:
            entities = json.load(stream)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{data / DUMP_2014}: cannot read: {exc}") from exc
    for entity in sorted(entities, key=lambda e: (e["id"][0], int(e["id"][1:]))):
        label = ((entity.get("labels") or {}).get("en") or {}).get("value", "")
        kind = "property" if entity["id"].startswith("P") else "item"
        add(entity["id"], label, DUMP_2014, f"English label of the {kind} in the 2014 dump")
    for rel, id_col, name_col, evidence in (
        (CLIMATE_ITEMS, "qid", "title_en", "English Wikipedia title of the item"),
        (META_1000, "qid", "label_en", "English label in the Meta 1,000 list"),
        (INVASIVE_QIDS, "Wikidata Q-number", "Scientific Name", "scientific name of the species"),
    ):
        delimiter = "\t" if rel.endswith(".tsv") else ","
        try:
            with open(data / rel, encoding="utf-8", newline="") as stream:
                rows = list(csv.DictReader(stream, delimiter=delimiter))
        except OSError as exc:
            raise ConfigError(f"{data / rel}: cannot read: {exc.strerror or exc}") from exc
        for row in rows:
            ident = (row.get(id_col) or "").strip()
            if QID_RE.match(ident):
                add(ident, row.get(name_col) or "", rel, evidence)
    try:
        with open(data / UGANDA_CORPUS, encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except OSError as exc:
        raise ConfigError(f"{data / UGANDA_CORPUS}: cannot read: {exc.strerror or exc}") from exc
    for row in rows:
        classes = row["types"].split("|") if row.get("types") else []
        names = row["type_labels"].split(", ") if row.get("type_labels") else []
        if len(classes) == len(names):
            for ident, name in zip(classes, names, strict=True):
                if QID_RE.match(ident):
                    add(ident, name, UGANDA_CORPUS,
                        "English label of the P31 class in the Uganda corpus (type_labels)")
    return index


def code_identifiers() -> dict[str, set[str]]:
    """The QIDs the code itself relies on (``bot/ids.py``: the redirect badges and the
    Wikimedia-internal classes), each with the file that names it, like a query's."""
    return {ident: {"bot/ids.py"} for ident in REDIRECT_BADGES | WIKIMEDIA_INTERNAL_CLASSES}


def query_files() -> list[Path]:
    """Every query file of the catalogue: the selection queries and the fetch templates."""
    return sorted((ROOT / "queries" / "goals").glob("*.rq")) + sorted(
        (ROOT / "queries" / "lib").glob("*.rq")
    )


def strip_comment(line: str) -> str:
    """A SPARQL line without its ``#`` comment (a ``#`` inside an IRI or a string is kept)."""
    in_iri = False
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and line[i - 1] != "\\":
                quote = ""
        elif in_iri:
            in_iri = ch != ">"
        elif ch in "\"'":
            quote = ch
        elif ch == "<" and i + 1 < len(line) and not line[i + 1].isspace():
            in_iri = True
        elif ch == "#":
            return line[:i]
    return line


def identifiers_in(text: str) -> list[str]:
    """The QIDs and PIDs a query uses outside its comments, sorted."""
    found: set[str] = set()
    for line in text.splitlines():
        found.update(ID_TOKEN_RE.findall(strip_comment(line)))
    return sorted(found, key=lambda i: (i[0], int(i[1:])))


ID_TOKEN_RE = re.compile(r"(?<![A-Za-z0-9_])([QP][1-9][0-9]*)(?![A-Za-z0-9_])")


def traced_table(index: Mapping[str, tuple[str, str, str]]) -> str:
    """``queries/sdg/traced.tsv``: each identifier the queries and the code use that a source
    names."""
    verify = {e.id for e in load_verify_live()}
    used: dict[str, set[str]] = code_identifiers()
    for path in query_files():
        for ident in identifiers_in(path.read_text(encoding="utf-8")):
            used.setdefault(ident, set()).add(_show(path))
    rows = []
    for ident in sorted(used, key=lambda i: (i[0], int(i[1:]))):
        if ident in index:
            name, source, evidence = index[ident]
            rows.append([ident, name, source, evidence])
        elif ident not in verify:
            files = ", ".join(sorted(used[ident]))
            raise ConfigError(
                f"{files}: {ident} is in no source file and not listed in queries/verify-live.tsv"
            )
    return _tsv(["id", "label_en", "source", "evidence"], rows, "traced identifiers")


def _id_key(ident: str) -> tuple[str, int]:
    return (ident[0], int(ident[1:]))


# --------------------------------------------------------------------------------------------
# catalogue list


def _wrap_line(text: str, width: int = 100, indent: str = "") -> str:
    import textwrap

    return "\n".join(
        textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "    ",
                      break_on_hyphens=False)
    ) or indent


def _describe_source(s: ItemSet) -> list[str]:
    lines = []
    if s.pinned is not None:
        try:
            count = f"{len(s.pinned_qids()):,} items"
        except ConfigError as exc:
            count = f"unreadable: {exc}"
        lines.append(f"pinned list {_show(s.pinned)} ({count})")
    if s.query is not None:
        lines.append(f"selection query {_show(s.query)}")
    src = dict(s.source)
    if s.in_snapshot:
        repo = src.get("repository", "?")
        where = f"{repo} {src.get('path', '')}".strip()
        commit = src.get("commit", "")
        lines.append(f"source {where}" + (f" @ {commit[:12]}" if commit else ""))
        if src.get("licence"):
            lines.append(f"licence {src['licence']}")
        observed = len(s.observed_wikis or ())
        lines.append(f"bundled in the snapshot; data {s.data_date or 'undated'}; "
                     f"observed in {observed} Wikipedias")
    elif s.query is not None:
        ids = [k for k in src if ENTITY_ID_RE.match(k)]
        live = sum(1 for k in ids if "verify-live" in src[k])
        lines.append(f"{len(ids)} identifiers: {len(ids) - live} named in source files, "
                     f"{live} to verify live (queries/verify-live.tsv)")
        lines.append("live endpoints only (every Wikipedia); not in the bundled snapshot")
    else:
        lines.append(f"organizer's item set from {src.get('file', '?')}")
    return lines


def list_catalogue(catalogue: Catalogue, *, targets: bool = False) -> str:
    """The text of ``sdg-gaps catalogue list``: goals, targets, item sets and their sources."""
    sets = catalogue.itemsets
    bundled = sum(1 for s in sets if s.in_snapshot)
    queries = sum(1 for s in sets if not s.in_snapshot and s.query is not None
                  and s.source.get("kind") == "query")
    other = len(sets) - bundled - queries
    out = [
        f"SDG catalogue: {len(catalogue.goals)} goals, {len(catalogue.targets)} targets, "
        f"{len(sets)} item sets ({bundled} bundled in the snapshot, {queries} selection "
        f"queries, {other} organizer sets)",
        "Goals and targets: the UN SDG KOS (metadata.un.org) and the Open SDG translations, "
        "in queries/sdg/; goal items are the UN's skos:exactMatch to Wikidata.",
    ]
    for note in catalogue.problems:
        out.append(f"note: {note}")
    for number, goal in catalogue.goals.items():
        codes = [t.code for t in catalogue.targets.values() if t.goal == number]
        out.append("")
        out.append(f"Goal {number} · {goal.short['en']} · {goal.qid} · {len(codes)} targets")
        out.append(_wrap_line(goal.title["en"], indent="  "))
        if targets:
            for code in codes:
                out.append(_wrap_line(f"{code}  {catalogue.targets[code].title['en']}",
                                      indent="    "))
        goal_sets = catalogue.itemsets_for([number])
        if not goal_sets:
            out.append("  (no item set)")
        for s in goal_sets:
            tied = f" [targets {' '.join(s.targets)}]" if s.targets else ""
            out.append(f"  item set {s.id}{tied}: {s.title}")
            for line in _describe_source(s):
                out.append(_wrap_line(line, indent="      "))
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# catalogue check


@dataclass(frozen=True)
class Finding:
    """One problem found by ``catalogue check``: where, and what is wrong, on one line."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


SELECT_ITEM_RE = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?[^{]*\?item\b", re.I | re.S)
SERVICE_RE = re.compile(r"\bSERVICE\b", re.I)
NON_PORTABLE = (
    (re.compile(r"SERVICE\s+wikibase:label", re.I), "uses the WDQS label service"),
    (re.compile(r"SERVICE\s+(?!wikibase:label)", re.I), "uses SERVICE (a federated query)"),
    (re.compile(r"\bhint:", re.I), "uses a Blazegraph query hint (hint:)"),
    (re.compile(r"\bbd:", re.I), "uses the Blazegraph namespace bd:"),
    (re.compile(r"\bWITH\s*\{", re.I), "uses a Blazegraph named subquery (WITH { … } AS %name)"),
    (re.compile(r"\bINCLUDE\s+%", re.I), "uses a Blazegraph named subquery (INCLUDE %name)"),
)


def _empty_endpoint():
    """An empty embedded store: parses and runs a query without any data (syntax check)."""
    import os

    from bot.sparql import EmbeddedEndpoint

    return EmbeddedEndpoint.from_ntriples(Path(os.devnull), name="syntax check")


def check_query_text(path: Path, text: str, *, selection: bool) -> list[Finding]:
    """Portability and shape of one query file (no identifiers: see check_catalogue)."""
    where = _show(path)
    found = []
    body = "\n".join(strip_comment(line) for line in text.splitlines())
    for pattern, what in NON_PORTABLE:
        if pattern.search(body):
            found.append(Finding(where, f"not portable SPARQL 1.1: {what}"))
    if selection and not SELECT_ITEM_RE.search(body):
        found.append(Finding(where, "a selection query must SELECT ?item"))
    return found


def _check_tables(catalogue: Catalogue) -> list[Finding]:
    found = []
    goals, targets = catalogue.goals, catalogue.targets
    if sorted(goals) != list(range(1, 18)):
        found.append(Finding(_show(GOALS_TSV), f"expected goals 1-17, found {sorted(goals)}"))
    if len(targets) != 169:
        found.append(Finding(_show(TARGETS_TSV), f"expected 169 targets, found {len(targets)}"))
    for number, goal in goals.items():
        if not any(t.goal == number for t in targets.values()):
            found.append(Finding(_show(TARGETS_TSV), f"goal {number} has no target"))
        if goal.un_uri != f"http://metadata.un.org/sdg/{number}":
            found.append(Finding(_show(GOALS_TSV), f"goal {number}: unexpected UN URI"))
        for lang in LANGUAGES:
            if not goal.title.get(lang) or not goal.short.get(lang):
                found.append(Finding(_show(GOALS_TSV), f"goal {number}: no {lang} title"))
    for code, target in targets.items():
        if target.goal not in goals:
            found.append(Finding(_show(TARGETS_TSV), f"target {code}: unknown goal"))
        missing = [lang for lang in LANGUAGES if not target.title.get(lang)]
        if missing:
            found.append(Finding(_show(TARGETS_TSV), f"target {code}: no title in {missing}"))
    return found


def _check_itemsets(catalogue: Catalogue) -> list[Finding]:
    found = []
    for number in catalogue.goals:
        if not catalogue.itemsets_for([number]):
            found.append(Finding(f"goal {number}", "has no item set"))
    for s in catalogue.itemsets:
        where = f"item set {s.id}"
        for code in s.targets:
            target = catalogue.targets.get(code)
            if target is None:
                found.append(Finding(where, f"unknown target {code!r}"))
            elif target.goal != s.goal:
                found.append(Finding(where, f"target {code} is not a target of goal {s.goal}"))
        if (s.pinned is None) == (s.query is None):
            found.append(Finding(where, "needs exactly one of a pinned list or a query"))
        if s.pinned is not None:
            try:
                if not read_pinned(s.pinned):
                    found.append(Finding(_show(s.pinned), "pinned list has no QID"))
            except ConfigError as exc:
                found.append(Finding(where, str(exc)))
        if s.in_snapshot and not s.observed_wikis:
            found.append(Finding(where, "bundled set without observed Wikipedias"))
    return found


def _goal_qid_owner(catalogue: Catalogue) -> dict[str, int]:
    return {g.qid: n for n, g in catalogue.goals.items()}


def _check_queries(
    catalogue: Catalogue, traced: Mapping[str, TracedEntry], verify: Mapping[str, VerifyEntry]
) -> tuple[list[Finding], dict[str, set[str]]]:
    """Every query: portable, parses, each identifier traced or to verify live, and stated."""
    found: list[Finding] = []
    used: dict[str, set[str]] = {}
    files = {p.resolve(): False for p in query_files()}
    goal_dir = (ROOT / "queries" / "goals").resolve()
    for s in catalogue.itemsets:
        if s.query is not None:
            files[s.query.resolve()] = True
    for path in sorted(p for p in files if p.parent == goal_dir):
        files[path] = True
    owner = _goal_qid_owner(catalogue)
    syntax = _empty_endpoint()
    for path, selection in sorted(files.items()):
        where = _show(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            found.append(Finding(where, f"cannot read: {exc}"))
            continue
        found.extend(check_query_text(path, text, selection=selection))
        # a template's $placeholders are filled in by bot.sources.endpoint: run it with one item
        runnable = text.replace("$items", "wd:Q1").replace("$languages", '"en"')
        body = "\n".join(strip_comment(line) for line in runnable.splitlines())
        if not SERVICE_RE.search(body):  # never let the syntax check reach out to a service
            try:
                syntax.select(runnable)
            except SdgGapsError as exc:
                message = " ".join(str(exc).split())[:160]
                found.append(Finding(where, f"does not parse: {message}"))
        ids = identifiers_in(text)
        catalogue_query = path.parent == goal_dir
        header = parse_query_header(path, text) if catalogue_query else {"sources": {}}
        for ident in ids:
            used.setdefault(ident, set()).add(where)
            if ident not in traced and ident not in verify:
                found.append(Finding(where, f"{ident} is traceable to no source file and is not "
                                            "listed in queries/verify-live.tsv (if a source "
                                            "names it, run scripts/build_catalogue.py)"))
            if catalogue_query and ident not in header["sources"]:
                found.append(Finding(where, f"the header does not say where {ident} comes from "
                                            f"(add '# source {ident}: …')"))
            if catalogue_query and ident in owner and header.get("goal", "").strip() != str(
                owner[ident]
            ):
                found.append(Finding(where, f"{ident} is the item of goal {owner[ident]}, but "
                                            f"the query is for goal {header.get('goal')}"))
        for ident in header["sources"]:
            if ident not in ids:
                found.append(Finding(where, f"the header names {ident}, which the query "
                                            "does not use"))
    return found, used


def _check_identifier_files(
    catalogue: Catalogue,
    traced: Mapping[str, TracedEntry],
    verify: Mapping[str, VerifyEntry],
    used: Mapping[str, set[str]],
    snapshot_goal_qids: Mapping[int, str] | None,
) -> list[Finding]:
    found = []
    vl, tr = _show(VERIFY_LIVE_TSV), _show(TRACED_TSV)
    for ident, entry in verify.items():
        if not entry.used_in:
            found.append(Finding(vl, f"{ident}: used_in names no file"))
        for rel in entry.used_in:
            path = ROOT / rel
            if not path.is_file():
                found.append(Finding(vl, f"{ident}: used_in file {rel} does not exist"))
            elif ident not in path.read_text(encoding="utf-8"):
                found.append(Finding(vl, f"{ident}: not found in its used_in file {rel}"))
    for ident in traced:
        if ident not in used:
            found.append(Finding(tr, f"{ident} is used by no query (rebuild with "
                                     "scripts/build_catalogue.py)"))
    # goal QIDs: goals.tsv, the UN's match recorded in traced.tsv, and the snapshot's manifest
    for number, goal in catalogue.goals.items():
        entry = traced.get(goal.qid)
        uri = f"http://metadata.un.org/sdg/{number}"
        if goal.qid in used and (entry is None or not entry.evidence.endswith(uri)):
            found.append(Finding(tr, f"goal {number}: {goal.qid} is not traced to the UN's "
                                     f"skos:exactMatch of {uri}"))
        if snapshot_goal_qids is not None and snapshot_goal_qids.get(number) != goal.qid:
            found.append(Finding(_show(GOALS_TSV), f"goal {number}: {goal.qid} differs from the "
                                 f"snapshot's UN match {snapshot_goal_qids.get(number)}"))
    return found


def _check_against_data(data_dir: Path) -> list[Finding]:
    """With the shared data folder at hand: are the committed tables what it gives today?"""
    try:
        tables = build_tables(data_dir)
    except ConfigError as exc:
        return [Finding(str(data_dir), str(exc))]
    found = []
    for rel, text in tables.items():
        path = ROOT / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            found.append(Finding(rel, f"differs from what {data_dir.name}/ gives: run "
                                      "scripts/build_catalogue.py"))
    with open(data_dir / UN_MAP, encoding="utf-8", newline="") as stream:
        un_map = {int(r["goal"]): r["wikidata_qid"] for r in csv.DictReader(stream)}
    for number, goal in load_goals().items():
        if un_map.get(number) != goal.qid:
            found.append(Finding(_show(GOALS_TSV), f"goal {number}: {goal.qid} differs from the "
                                 f"UN map {un_map.get(number)}"))
    return found


def default_data_dir() -> Path:
    return ROOT.parent / "shared" / "data"


def check_catalogue(
    catalogue: Catalogue,
    endpoint=None,
    *,
    data_dir: Path | None = None,
    snapshot=None,
) -> list[Finding]:
    """Check the catalogue's files against each other; with *endpoint*, against live Wikidata.

    Offline: 17 goals and 169 targets with titles in every language; every goal has an item
    set; every target an item set names exists and belongs to its goal; pinned lists parse;
    every query is portable, parses, and every QID/PID in it is traced to a source file
    (``queries/sdg/traced.tsv``) or listed in ``queries/verify-live.tsv``, and its header says
    where each comes from; so is every QID ``bot/ids.py`` relies on (the redirect badges, the
    Wikimedia-internal classes); goal QIDs agree with the UN's matches (and with the
    snapshot's, and, when the shared data folder is at hand, with the UN map itself). With
    *endpoint*: every identifier is looked up in one batched query (see :func:`check_live`).
    """
    found = [Finding("snapshot", p) for p in catalogue.problems]
    found += _check_tables(catalogue)
    found += _check_itemsets(catalogue)
    try:
        verify = {e.id: e for e in load_verify_live()}
        traced = {e.id: e for e in load_traced()}
    except ConfigError as exc:
        return found + [Finding("catalogue", str(exc))]
    query_found, used = _check_queries(catalogue, traced, verify)
    found += query_found
    for ident, files in sorted(code_identifiers().items(), key=lambda kv: _id_key(kv[0])):
        used.setdefault(ident, set()).update(files)
        if ident not in traced and ident not in verify:
            found.append(Finding("bot/ids.py", f"{ident} is traceable to no source file and is "
                                               "not listed in queries/verify-live.tsv"))
    if snapshot is None:
        snapshot, _why = _open_bundled_snapshot()
    goal_qids = dict(snapshot.goal_qids) if snapshot else None
    found += _check_identifier_files(catalogue, traced, verify, used, goal_qids)
    data_dir = default_data_dir() if data_dir is None else data_dir
    if data_dir.is_dir():
        found += _check_against_data(data_dir)
    if endpoint is not None:
        expected = {e.id: e.expected_label_en for e in verify.values()}
        ids = sorted(set(used) | set(verify) | {g.qid for g in catalogue.goals.values()},
                     key=_id_key)
        found += check_live({i: expected.get(i) for i in ids}, endpoint)
    return found


# --------------------------------------------------------------------------------------------
# live drift

LIVE_QUERY = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
PREFIX wd: <http://www.wikidata.org/entity/>
SELECT ?id ?label ?redirect ?present WHERE {
  VALUES ?id { $ids }
  OPTIONAL { ?id rdfs:label ?label . FILTER(LANG(?label) = "en") }
  OPTIONAL { ?id owl:sameAs ?redirect . }
  BIND((EXISTS { ?id rdfs:label ?anyLabel } || EXISTS { ?id schema:version ?version }
        || EXISTS { ?page schema:about ?id }) AS ?present)
}
"""


def live_query(ids: Iterable[str]) -> str:
    """The one batched query of the live check (ids must be QIDs or PIDs)."""
    terms = []
    for ident in ids:
        if not ENTITY_ID_RE.match(ident):
            raise ConfigError(f"not a Wikidata id: {ident!r}")
        terms.append(f"wd:{ident}")
    return LIVE_QUERY.replace("$ids", " ".join(terms))


def check_live(expected: Mapping[str, str | None], endpoint) -> list[Finding]:
    """Look every identifier up on *endpoint* and report drift.

    *expected* maps each id to its expected English label, or ``None`` to check only that the
    entity exists and is not a redirect. Reported: merged (``owl:sameAs``, a redirect to
    another entity), missing (no label, no version, no sitelink: deleted, or a redirect the
    endpoint does not show), no English label, and a label that differs from the expected one
    (compared without regard to case).
    """
    if not expected:
        return []
    name = getattr(endpoint, "name", "endpoint")
    frame = endpoint.select(live_query(expected), expect=("id", "label", "redirect", "present"))
    rows: dict[str, dict] = {}
    prefix = _WD_ENTITY
    for record in frame.to_dict("records"):
        # An unbound cell is missing (NaN), not a string: only strings are read.
        record = {k: v if isinstance(v, str) else "" for k, v in record.items()}
        iri = record["id"]
        ident = iri[len(prefix):] if iri.startswith(prefix) else iri
        row = rows.setdefault(ident, {"labels": set(), "redirects": set(), "present": False})
        if record["label"]:
            row["labels"].add(record["label"])
        if record["redirect"]:
            target = record["redirect"]
            row["redirects"].add(target[len(prefix):] if target.startswith(prefix) else target)
        if record["present"].lower() in ("true", "1"):
            row["present"] = True
    found = []
    for ident in sorted(expected, key=_id_key):
        want = expected[ident]
        row = rows.get(ident, {"labels": set(), "redirects": set(), "present": False})
        where = f"{name} {ident}"
        if row["redirects"]:
            found.append(Finding(where, "merged: now a redirect to "
                                 f"{', '.join(sorted(row['redirects']))}"
                                 + (f" (expected {want!r})" if want else "")))
        elif not row["present"] and not row["labels"]:
            found.append(Finding(where, "missing: deleted, or a redirect the endpoint does not "
                                 "show" + (f" (expected {want!r})" if want else "")))
        elif want and not row["labels"]:
            found.append(Finding(where, f"has no English label (expected {want!r})"))
        elif want and want.casefold() not in {label.casefold() for label in row["labels"]}:
            found.append(Finding(where, f"label changed: expected {want!r}, found "
                                 f"{' / '.join(sorted(row['labels']))!r}"))
    return found
