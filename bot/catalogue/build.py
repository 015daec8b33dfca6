"""Building the catalogue's tables from the UN's data (``scripts/build_catalogue.py``).

:func:`build_tables` reads a copy of the shared data folder and gives the text of
``queries/sdg/goals.tsv`` and ``queries/sdg/targets.tsv`` (from the UN SDG KOS Turtle, the
UN's goal → Wikidata map and the Open SDG translations, each checked against the others) and
of ``queries/sdg/traced.tsv``.

Where every identifier comes from
---------------------------------
No QID or PID enters a query on trust. ``traced.tsv`` records each identifier the queries (and
the code) use that a file of the shared data names, with that name, the file and the evidence:
the UN's own goal matches, property and item labels of a 2014 Wikidata dump sample, the
climate set's English Wikipedia titles, the Meta 1,000 list (:func:`trace_index`). Anything
else must be listed in ``queries/verify-live.tsv`` (id, expected_label_en, used_in, reason) for
a maintainer with network to confirm with ``sdg-gaps catalogue check --endpoint wdqs`` (see
:mod:`bot.catalogue.live`); an identifier in neither stops the build.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from bot.catalogue.model import LANGUAGES, QID_RE, shown
from bot.catalogue.queries import code_identifiers, identifiers_in, query_files
from bot.catalogue.tables import load_verify_live, tsv_text
from bot.errors import ConfigError
from bot.ids import ENTITY, GOALS, target_sort_key

UN_TTL = "sdg/un_sdg_goals_metadata.ttl"
UN_MAP = "sdg/un_sdg_goals_wikidata_map.csv"
UN_LABELS = "sdg/sdg_goals_targets_indicators_labels.csv"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_SDGO = "http://metadata.un.org/sdg/ontology#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


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
        if t.predicate.value == _SKOS + "exactMatch" and t.object.value.startswith(ENTITY):
            qids.setdefault(number, set()).add(t.object.value[len(ENTITY):])
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
            raise ConfigError(f"{data / rel}: not found (is {data} the shared data folder?)")
    ttl_goals, ttl_targets = _read_un_ttl(data / UN_TTL)
    if sorted(ttl_goals) != list(GOALS):
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
    for number in GOALS:
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
        "queries/sdg/goals.tsv": tsv_text(goal_cols, goal_rows, UN_LABELS),
        "queries/sdg/targets.tsv": tsv_text(target_cols, target_rows, UN_LABELS),
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


def traced_table(index: Mapping[str, tuple[str, str, str]]) -> str:
    """``queries/sdg/traced.tsv``: each identifier the queries and the code use that a source
    names."""
    verify = {e.id for e in load_verify_live()}
    used: dict[str, set[str]] = code_identifiers()
    for path in query_files():
        for ident in identifiers_in(path.read_text(encoding="utf-8")):
            used.setdefault(ident, set()).add(shown(path))
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
    return tsv_text(["id", "label_en", "source", "evidence"], rows, "traced identifiers")
