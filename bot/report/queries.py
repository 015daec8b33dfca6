"""Drill-down: for a figure of a report, the SPARQL query that reproduces it, as a link.

Every coverage figure of a page (items, articles, missing, coverage %) comes from *cells*: an
item of an item set in a Wikipedia the set's data looked at. The queries here rebuild those
cells and count the articles, with the same rules as :mod:`bot.engines.base` (a sitelink with a
redirect badge is not an article; an item in two sets of a goal counts once). The ranked list
of missing articles has its own query (same order: most Wikipedias first, then numeric QID).

How an item set names its items in a query:

* a **pinned list** → ``VALUES ?item { wd:Q… }``, when the link stays under :data:`MAX_URL`
  characters; a longer list gets no link and the page says where the list is instead (a query
  service cannot read a file of ours, and a URL of tens of kilobytes helps nobody);
* a **selection query** → the query itself, as a subquery (prefixes moved to the top).

The queries are portable SPARQL 1.1 (no label service, no hints) and are tested against the
embedded store on the bundled snapshot. On a live service they count today's Wikidata, so a
figure from an older snapshot may differ: the pages say so.

Links go to the Wikidata Query Service's UI (``https://query.wikidata.org/#<query>``) or to
QLever's (``https://qlever.dev/wikidata/?query=<query>``); every part is percent-encoded with
:func:`bot.report.escape.url_component`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.ids import REDIRECT_BADGES
from bot.languages import site_iri
from bot.report.escape import url_component

SERVICES = {
    "wdqs": "https://query.wikidata.org/#",
    "qlever": "https://qlever.dev/wikidata/?query=",
}
SERVICE_NAMES = {"wdqs": "WDQS", "qlever": "QLever"}
MAX_URL = 8000  # characters of a link; a VALUES list of about 300 items fits

BASE_PREFIXES = {
    "schema": "http://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
    "wikibase": "http://wikiba.se/ontology#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>\s*$", re.IGNORECASE)
_NOT_REDIRECT = (
    "FILTER NOT EXISTS { ?article wikibase:badge ?badge . VALUES ?badge { "
    + " ".join(f"wd:{b}" for b in sorted(REDIRECT_BADGES))
    + " } }"
)


@dataclass(frozen=True)
class Items:
    """How one item set names its items: a group pattern binding ``?item``, and its prefixes."""

    pattern: str
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Block:
    """Items of one item set × the Wikipedias counted for them (``None``: every Wikipedia)."""

    items: Items
    sites: tuple[str, ...] | None


def pinned_items(qids: Sequence[str]) -> Items:
    return Items("VALUES ?item { " + " ".join(f"wd:{q}" for q in qids) + " }")


def query_items(text: str) -> Items:
    """A selection query (projecting ``?item``) as a subquery; comment lines dropped."""
    prefixes = []
    body = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _PREFIX.match(line)
        if match and not body:
            prefixes.append((match.group(1) or "", match.group(2)))
        else:
            body.append(stripped)
    return Items("{ " + "\n".join(body) + " }", tuple(prefixes))


def _prologue(blocks: Sequence[Block]) -> str:
    merged = dict(BASE_PREFIXES)
    for block in blocks:
        for name, iri in block.items.prefixes:
            if merged.get(name, iri) != iri:
                raise ValueError(f"prefix {name}: is bound to two IRIs")
            merged[name] = iri
    return "\n".join(f"PREFIX {name}: <{iri}>" for name, iri in merged.items())


def _sites(sites: tuple[str, ...] | None) -> str:
    if sites is None:
        return '?site wikibase:wikiGroup "wikipedia" .'
    return "VALUES ?site { " + " ".join(f"<{s}>" for s in sites) + " }"


def _pairs(blocks: Sequence[Block]) -> str:
    parts = [f"{{ {b.items.pattern}\n{_sites(b.sites)} }}" for b in blocks]
    return "{ SELECT DISTINCT ?item ?site WHERE {\n" + "\nUNION\n".join(parts) + "\n} }"


def coverage_query(blocks: Sequence[Block], what: str, per_wiki: bool) -> str:
    """Items (or cells), articles, missing and coverage % of *blocks*' cells."""
    n = "?items" if per_wiki else "?cells"
    return (
        f"# {what}\n{_prologue(blocks)}\n"
        f"SELECT (COUNT(*) AS {n}) (COUNT(?article) AS ?articles)"
        " ((COUNT(*) - COUNT(?article)) AS ?missing)"
        " ((ROUND(10000 * COUNT(?article) / COUNT(*)) / 100) AS ?coverage_pct) WHERE {\n"
        f"{_pairs(blocks)}\n"
        "OPTIONAL { ?article schema:about ?item ; schema:isPartOf ?site .\n"
        f"{_NOT_REDIRECT} }}\n}}"
    )


def gaps_query(
    known: Sequence[Items], counted: Sequence[Block], site: str, what: str
) -> str:
    """The ranked list of items of *known* with no article at *site*, with the number of
    articles among *counted*'s cells: most first, then by numeric QID."""
    if len(known) == 1:
        items = known[0].pattern
    else:
        items = "{ SELECT DISTINCT ?item WHERE {\n" + "\nUNION\n".join(
            "{ " + i.pattern + " }" for i in known
        ) + "\n} }"
    blocks = [Block(i, None) for i in known] + list(counted)
    here = (
        f"FILTER NOT EXISTS {{ ?here schema:about ?item ; schema:isPartOf <{site}> .\n"
        + _NOT_REDIRECT.replace("?article", "?here").replace("?badge", "?hereBadge")
        + " }"
    )
    if len(counted) == 1 and known == [counted[0].items]:
        # the usual case, one item set: its sites directly, no subquery
        optional = (
            f"{_sites(counted[0].sites)}\n?article schema:about ?item ; schema:isPartOf ?site ."
        )
        count = f"{items}\n{here}\nOPTIONAL {{ {optional}\n{_NOT_REDIRECT} }}"
    else:
        count = (
            f"{items}\n{here}\nOPTIONAL {{ {_pairs(counted)}\n"
            f"?article schema:about ?item ; schema:isPartOf ?site .\n{_NOT_REDIRECT} }}"
        )
    return (
        f"# {what}\n{_prologue(blocks)}\n"
        "SELECT ?item (COUNT(DISTINCT ?article) AS ?wikipedias) WHERE {\n"
        f"{count}\n}}\nGROUP BY ?item\n"
        'ORDER BY DESC(?wikipedias) (xsd:integer(STRAFTER(STR(?item), "/entity/Q")))'
    )


def link(query: str, service: str = "wdqs", max_url: int = MAX_URL) -> str | None:
    """The URL that opens *query* in *service*'s UI, or ``None`` when longer than *max_url*."""
    url = SERVICES[service] + url_component(query)
    return url if len(url) <= max_url else None


class DrillDown:
    """The drill-down links of one analysis (a :class:`bot.analysis.Analysis`).

    *subdomain_of* maps a wiki id to its subdomain; *all_wikis* is every open Wikipedia (an
    item set observed everywhere is then queried over every Wikipedia, not a list of 300).
    """

    def __init__(
        self,
        analysis,
        subdomain_of,
        all_wikis: set[str],
        service: str = "wdqs",
        max_url: int = MAX_URL,
    ):
        if service not in SERVICES:
            raise ValueError(f"unknown query service {service!r}")
        self.service = service
        self.max_url = max_url
        self.subdomain_of = subdomain_of
        self.run_id = analysis.run_id
        self.sets = {s.id: s for s in analysis.itemsets}
        members = analysis.members
        self.qids = (
            {k: list(v) for k, v in members.groupby("itemset", sort=False)["qid"]}
            if members is not None
            else {}
        )
        observed = analysis.observed
        self.observed = (
            {k: tuple(sorted(v)) for k, v in observed.groupby("itemset", sort=False)["wiki"]}
            if observed is not None
            else {}
        )
        self.all_wikis = set(all_wikis)
        self._items: dict[str, Items | None] = {}

    @property
    def name(self) -> str:
        return SERVICE_NAMES[self.service]

    def items(self, set_id: str) -> Items | None:
        """The set's items for a query, or ``None`` when they cannot fit in a link."""
        if set_id not in self._items:
            itemset = self.sets[set_id]
            found: Items | None
            if not itemset.is_query:
                qids = self.qids.get(set_id, [])
                found = pinned_items(qids) if qids else None
            else:
                found = query_items(itemset.query_text() or "")
            if found is not None and len(url_component(found.pattern)) > self.max_url:
                found = None
            self._items[set_id] = found
        return self._items[set_id]

    def too_long(self, set_ids) -> list[str]:
        """Those of *set_ids* whose items cannot be put in a link."""
        return [s for s in set_ids if self.items(s) is None]

    def _sites(self, wikis) -> tuple[str, ...] | None:
        if self.all_wikis and set(wikis) >= self.all_wikis:
            return None
        return tuple(site_iri(self.subdomain_of(w)) for w in sorted(wikis))

    def _link(self, blocks_or_none, build) -> str | None:
        if blocks_or_none is None:
            return None
        return link(build(), self.service, self.max_url)

    def _blocks(self, set_ids, wikis_of) -> list[Block] | None:
        blocks = []
        for set_id in set_ids:
            items = self.items(set_id)
            wikis = wikis_of(set_id)
            if not wikis:
                continue
            if items is None:
                return None
            blocks.append(Block(items, self._sites(wikis)))
        return blocks or None

    def coverage(self, set_ids, wiki: str | None, what: str) -> str | None:
        """Link for the coverage figures of *set_ids* in *wiki* (``None``: every observed wiki)."""
        def wikis_of(s):
            seen = self.observed.get(s, ())
            if wiki is None:
                return seen
            return (wiki,) if wiki in seen else ()

        blocks = self._blocks(set_ids, wikis_of)
        text = f"sdg-gaps {self.run_id}: {what}"
        return self._link(blocks, lambda: coverage_query(blocks, text, wiki is not None))

    def gaps(self, set_ids, wiki: str, what: str) -> str | None:
        """Link for the ranked list of missing articles of *set_ids* in *wiki*."""
        known_ids = [s for s in set_ids if wiki in self.observed.get(s, ())]
        known = [self.items(s) for s in known_ids]
        if not known or any(i is None for i in known):
            return None

        def rank_wikis(s):
            declared = self.sets[s].observed_wikis
            return tuple(declared) if declared is not None else tuple(self.all_wikis)

        # An item's sitelinks count in every wiki its goal's sets observed for it: the listed
        # sets, and any other set of the goal that shares an item with them (a query set may).
        listed = {q for s in known_ids for q in self.qids.get(s, ())}
        others = [s for s in set_ids if s not in known_ids and (
            s not in self.qids or listed.intersection(self.qids[s]))]
        counted = self._blocks([*known_ids, *others], rank_wikis)
        if counted is None:
            return None
        site = site_iri(self.subdomain_of(wiki))
        text = f"sdg-gaps {self.run_id}: {what}"
        return link(gaps_query(known, counted, site, text), self.service, self.max_url)
