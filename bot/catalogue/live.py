"""Live drift: every identifier of the catalogue looked up on a live endpoint in one query.

``sdg-gaps catalogue check --endpoint wdqs`` (or qlever, or a URL) reports each identifier
that was merged into another item, deleted, lost its English label or changed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.catalogue.model import ENTITY_ID_RE, Finding, id_key
from bot.errors import ConfigError
from bot.ids import ENTITY

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
    prefix = ENTITY
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
    for ident in sorted(expected, key=id_key):
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
