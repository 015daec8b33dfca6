"""``sdg-gaps catalogue check``: the catalogue's files checked against each other.

:func:`check_catalogue` checks, offline, the tables, the item sets and every query: portable
SPARQL 1.1 that parses, each QID/PID traced to a source file (``queries/sdg/traced.tsv``) or
listed in ``queries/verify-live.tsv``, and stated in the query's header; the goal QIDs agree
with the UN's matches, the snapshot's and (when given the shared data folder, which lies
outside the package: ``--data DIR``) the UN map itself. Given an endpoint, it also looks every
identifier up live (:mod:`bot.catalogue.live`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

from bot.catalogue.build import UN_MAP, build_tables
from bot.catalogue.live import check_live
from bot.catalogue.loading import open_bundled_snapshot
from bot.catalogue.model import (
    GOALS_TSV,
    LANGUAGES,
    ROOT,
    TARGETS_TSV,
    TRACED_TSV,
    VERIFY_LIVE_TSV,
    Catalogue,
    Finding,
    id_key,
    read_pinned,
    shown,
)
from bot.catalogue.queries import (
    code_identifiers,
    identifiers_in,
    parse_query_header,
    query_files,
    strip_comment,
)
from bot.catalogue.tables import (
    TracedEntry,
    VerifyEntry,
    load_goals,
    load_traced,
    load_verify_live,
)
from bot.errors import ConfigError, SdgGapsError, UsageError
from bot.ids import GOALS

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
    where = shown(path)
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
    if sorted(goals) != list(GOALS):
        found.append(Finding(shown(GOALS_TSV), f"expected goals 1-17, found {sorted(goals)}"))
    if len(targets) != 169:
        found.append(Finding(shown(TARGETS_TSV), f"expected 169 targets, found {len(targets)}"))
    for number, goal in goals.items():
        if not any(t.goal == number for t in targets.values()):
            found.append(Finding(shown(TARGETS_TSV), f"goal {number} has no target"))
        if goal.un_uri != f"http://metadata.un.org/sdg/{number}":
            found.append(Finding(shown(GOALS_TSV), f"goal {number}: unexpected UN URI"))
        for lang in LANGUAGES:
            if not goal.title.get(lang) or not goal.short.get(lang):
                found.append(Finding(shown(GOALS_TSV), f"goal {number}: no {lang} title"))
    for code, target in targets.items():
        if target.goal not in goals:
            found.append(Finding(shown(TARGETS_TSV), f"target {code}: unknown goal"))
        missing = [lang for lang in LANGUAGES if not target.title.get(lang)]
        if missing:
            found.append(Finding(shown(TARGETS_TSV), f"target {code}: no title in {missing}"))
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
                    found.append(Finding(shown(s.pinned), "pinned list has no QID"))
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
        where = shown(path)
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
    vl, tr = shown(VERIFY_LIVE_TSV), shown(TRACED_TSV)
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
            found.append(Finding(shown(GOALS_TSV), f"goal {number}: {goal.qid} differs from the "
                                 f"snapshot's UN match {snapshot_goal_qids.get(number)}"))
    return found


def _check_against_data(data_dir: Path) -> list[Finding]:
    """Given the shared data folder: are the committed tables what it gives today?"""
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
            found.append(Finding(shown(GOALS_TSV), f"goal {number}: {goal.qid} differs from the "
                                 f"UN map {un_map.get(number)}"))
    return found


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
    snapshot's, and, given *data_dir*, the shared data folder, with the UN map itself). With
    *endpoint*: every identifier is looked up in one batched query (see :func:`check_live`).

    Without *data_dir* the tables are not compared with their sources: the shared data folder
    is the maintainers', outside the package, and there is no default. A *data_dir* that is not
    a folder is a :class:`bot.errors.UsageError`.
    """
    if data_dir is not None and not Path(data_dir).is_dir():
        raise UsageError(
            f"catalogue check: {data_dir} is not a folder: pass the shared data folder the "
            "tables are built from (laid out as its SOURCES.md says)"
        )
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
    for ident, files in sorted(code_identifiers().items(), key=lambda kv: id_key(kv[0])):
        used.setdefault(ident, set()).update(files)
        if ident not in traced and ident not in verify:
            found.append(Finding("bot/ids.py", f"{ident} is traceable to no source file and is "
                                               "not listed in queries/verify-live.tsv"))
    if snapshot is None:
        snapshot, _why = open_bundled_snapshot()
    goal_qids = dict(snapshot.goal_qids) if snapshot else None
    found += _check_identifier_files(catalogue, traced, verify, used, goal_qids)
    if data_dir is not None:
        found += _check_against_data(Path(data_dir))
    if endpoint is not None:
        expected = {e.id: e.expected_label_en for e in verify.values()}
        ids = sorted(set(used) | set(verify) | {g.qid for g in catalogue.goals.values()},
                     key=id_key)
        found += check_live({i: expected.get(i) for i in ids}, endpoint)
    return found
