"""``sdg-gaps catalogue list``: the goals, targets and item sets, each with its source."""

from __future__ import annotations

from bot.catalogue.model import ENTITY_ID_RE, Catalogue, ItemSet, shown
from bot.errors import ConfigError


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
        lines.append(f"pinned list {shown(s.pinned)} ({count})")
    if s.query is not None:
        lines.append(f"selection query {shown(s.query)}")
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
