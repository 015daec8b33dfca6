"""Building the bundled snapshot from a folder laid out like the project's shared data.

:func:`build_snapshot` reads every source (:mod:`bot.snapshot.climate`, ``invasive``,
``uganda``, ``humaniki``, ``nominatim``, and the sitematrix and UN goal tables of
:mod:`bot.snapshot.sources`) and writes, deterministically, so that the same input always
gives the same bytes:

* ``wikidata.nt.gz``: sorted N-Triples shaped like WDQS's RDF (:mod:`bot.snapshot.rdf`): every
  Wikipedia article of a bundled item, the ``wdt:P31`` classes and the English ``rdfs:label``
  the sources give for the bundled items, the ``wikibase:wikiGroup`` of every Wikipedia that
  appears, and the UN's ``skos:exactMatch`` from the 17 goals to their Wikidata items. The
  sources give no badges, so there are none.
* ``pagesizes.tsv.gz`` (``qid, wiki, pagesize_bytes``: the climate articles' known sizes) and
  ``pageviews.tsv.gz`` (``qid, wiki, views``: the Uganda items' English page views).
* ``manifest.json``: the item sets (each with its source, dates, licence, observed Wikipedias
  and how they were checked), the goals, the provenance of the side tables and the SHA-256 of
  each data file.
* one pinned QID list per item set (``queries/pinned/<id>.txt``) and the table of Wikipedias
  (``bot/data/wikipedias.tsv``).

When two sources give the same item's article in the same Wikipedia, they must agree on its
title; a sitelink without a title is dropped where another source gives that article's title.
Every fact written comes from a file in the source folder; what a source does not say is left
out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from bot.errors import SnapshotError
from bot.ids import ENTITY, sorted_qids
from bot.languages import COLUMNS as WIKIPEDIAS_COLUMNS
from bot.snapshot.climate import (
    CLIMATE_CSV,
    CLIMATE_PAGESIZES,
    PAGESIZES_SOURCE,
    read_climate,
    read_pagesizes,
)
from bot.snapshot.humaniki import read_humaniki
from bot.snapshot.invasive import INVASIVE_LINKS, INVASIVE_QIDS, read_invasive
from bot.snapshot.load import (
    BUILT_BY,
    FORMAT,
    MANIFEST_FILE,
    NTRIPLES_FILE,
    PAGESIZES_COLUMNS,
    PAGESIZES_FILE,
    PAGEVIEWS_COLUMNS,
    PAGEVIEWS_FILE,
)
from bot.snapshot.nominatim import read_nominatim
from bot.snapshot.rdf import (
    SKOS_EXACT_MATCH,
    WIKIGROUP,
    Sitelink,
    gzip_bytes,
    iri,
    label_line,
    lit,
    nt,
    p31_line,
    sha256,
    sitelink_lines,
    sitelinks_count_line,
)
from bot.snapshot.sources import (
    GOALS_CSV,
    GOALS_SOURCE,
    SITEMATRIX,
    WIKIPEDIAS_SOURCE,
    SourceSet,
    read_goals,
    read_sitematrix,
)
from bot.snapshot.uganda import PAGEVIEWS_SOURCE, read_uganda


def build_snapshot(
    source_dir: Path, out_dir: Path, pinned_dir: Path, wikipedias_path: Path
) -> None:
    """Build the snapshot from ``source_dir`` into ``out_dir``, ``pinned_dir`` and
    ``wikipedias_path``.

    ``source_dir`` has the layout of the project's shared data folder. The outputs are
    byte-for-byte reproducible: lines are sorted, gzip streams carry no name and mtime 0, and
    JSON is written with sorted keys and a fixed indent. Raises :class:`SnapshotError` when a
    source is missing or does not look as expected.
    """
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        raise SnapshotError(f"source directory not found: {source_dir}")

    wikipedias = read_sitematrix(source_dir / SITEMATRIX)
    dbname_of = wikipedias.dbname_of
    climate = read_climate(source_dir / CLIMATE_CSV, dbname_of)
    invasive = read_invasive(source_dir / INVASIVE_QIDS, source_dir / INVASIVE_LINKS, dbname_of)
    uganda = read_uganda(source_dir, dbname_of)
    sets = [climate, invasive, *uganda.sets, read_humaniki(source_dir, wikipedias),
            read_nominatim(source_dir, dbname_of)]
    sets.sort(key=lambda s: (s.meta["goal"], s.meta["id"]))
    goals = read_goals(source_dir / GOALS_CSV)
    pagesizes = read_pagesizes(source_dir / CLIMATE_PAGESIZES, climate)

    links = _resolve_sitelinks(sets)
    labels = _merge_labels(sets)
    _merge_counts(sets)
    itemsets, all_lines = [], set()
    for data in sets:
        lines = _itemset_lines(data, links, labels)
        all_lines |= lines
        itemsets.append(_manifest_entry(data, links, lines))
    for site in sorted({link.site for link in links.values()}):
        all_lines.add(nt(iri(site), iri(WIKIGROUP), lit("wikipedia")))
    for goal in goals:
        all_lines.add(nt(iri(goal["un_uri"]), iri(SKOS_EXACT_MATCH), iri(ENTITY + goal["qid"])))

    nt_bytes = gzip_bytes("".join(sorted(all_lines)).encode("utf-8"))
    ps_bytes = gzip_bytes(_tsv(PAGESIZES_COLUMNS, pagesizes))
    pv_bytes = gzip_bytes(_tsv(PAGEVIEWS_COLUMNS, uganda.pageviews))
    wp_bytes = _tsv(WIKIPEDIAS_COLUMNS, wikipedias.rows)
    manifest = {
        "format": FORMAT,
        "built_by": BUILT_BY,
        "itemsets": itemsets,
        "goals": goals,
        "goals_source": GOALS_SOURCE,
        "pagesizes_source": PAGESIZES_SOURCE,
        "pageviews_source": {**PAGEVIEWS_SOURCE, "rows": len(uganda.pageviews)},
        "wikipedias_source": {
            **WIKIPEDIAS_SOURCE,
            "sha256": sha256(wp_bytes),
            "rows": len(wikipedias.rows),
        },
        "files": {
            NTRIPLES_FILE: sha256(nt_bytes),
            PAGESIZES_FILE: sha256(ps_bytes),
            PAGEVIEWS_FILE: sha256(pv_bytes),
        },
        "triples": len(all_lines),
    }
    manifest_bytes = (
        json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    ).encode("utf-8")

    out_dir, pinned_dir, wikipedias_path = Path(out_dir), Path(pinned_dir), Path(wikipedias_path)
    for directory in (out_dir, pinned_dir, wikipedias_path.parent):
        directory.mkdir(parents=True, exist_ok=True)
    (out_dir / NTRIPLES_FILE).write_bytes(nt_bytes)
    (out_dir / PAGESIZES_FILE).write_bytes(ps_bytes)
    (out_dir / PAGEVIEWS_FILE).write_bytes(pv_bytes)
    (out_dir / MANIFEST_FILE).write_bytes(manifest_bytes)
    wikipedias_path.write_bytes(wp_bytes)
    for data in sets:
        (pinned_dir / f"{data.meta['id']}.txt").write_bytes(
            _pinned_text(data.meta, data.qids).encode("utf-8")
        )


def _resolve_sitelinks(sets: list[SourceSet]) -> dict[tuple[str, str], Sitelink]:
    """One article per (item, wiki) over all sources, and one item per article IRI."""
    links: dict[tuple[str, str], Sitelink] = {}
    owner: dict[tuple[str, str], str] = {}
    for data in sets:
        for link in data.sitelinks:
            key = (link.qid, link.wiki)
            known = links.get(key)
            if known is None or (known.title is None and link.title is not None):
                links[key], owner[key] = link, data.meta["id"]
            elif link.title is not None and known.title != link.title:
                raise SnapshotError(
                    f"{link.qid} in {link.wiki}: {owner[key]} gives the title {known.title!r}, "
                    f"{data.meta['id']} gives {link.title!r}"
                )
    about: dict[str, str] = {}
    for link in links.values():
        if about.setdefault(link.iri, link.qid) != link.qid:
            raise SnapshotError(
                f"{link.iri} is a sitelink of both {about[link.iri]} and {link.qid}"
            )
    return links


def _merge_labels(sets: list[SourceSet]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for data in sets:
        for qid, label in data.labels.items():
            if labels.setdefault(qid, label) != label:
                raise SnapshotError(
                    f"{qid}: two English labels, {labels[qid]!r} and {label!r} "
                    f"({data.meta['id']})"
                )
    return labels


def _merge_counts(sets: list[SourceSet]) -> None:
    """Two sources giving one item two sitelink counts would write two values: refused."""
    counts: dict[str, tuple[int, str]] = {}
    for data in sets:
        for qid, n in data.all_sitelinks.items():
            seen = counts.setdefault(qid, (n, data.meta["id"]))
            if seen[0] != n:
                raise SnapshotError(f"{qid}: {seen[0]} sitelinks in {seen[1]}, {n} in "
                                    f"{data.meta['id']}")


def _set_links(data: SourceSet, links: dict[tuple[str, str], Sitelink]) -> list[Sitelink]:
    return [links[(link.qid, link.wiki)] for link in data.sitelinks]


def _itemset_lines(data: SourceSet, links, labels: dict[str, str]) -> set[str]:
    lines: set[str] = set()
    for link in _set_links(data, links):
        lines |= sitelink_lines(link)
    lines |= {p31_line(qid, cls) for qid, cls in data.p31}
    lines |= {label_line(qid, labels[qid], "en") for qid in data.qids if qid in labels}
    lines |= {sitelinks_count_line(qid, n) for qid, n in data.all_sitelinks.items()}
    return lines


def _manifest_entry(data: SourceSet, links, lines: set[str]) -> dict:
    titled = sum(1 for link in _set_links(data, links) if link.title is not None)
    return {
        **data.meta,
        "pinned": f"queries/pinned/{data.meta['id']}.txt",
        "items": len(data.qids),
        "sitelinks": len(data.sitelinks),
        "titled_sitelinks": titled,
        "titles": data.titles,
        "labels": sum(1 for qid in data.qids if qid in data.labels),
        "types": len(data.p31),
        "sitelink_counts": len(data.all_sitelinks),
        "observed_wikis": data.observed_wikis,
        "triples": len(lines),
    }


def _tsv(columns: Iterable[str], rows: Iterable[Iterable[object]]) -> bytes:
    text = "\t".join(columns) + "\n" + "".join("\t".join(map(str, r)) + "\n" for r in rows)
    return text.encode("utf-8")


def _pinned_text(meta: dict, qids: Iterable[str]) -> str:
    source = meta["source"]
    header = [
        f"# {meta['title']} ({meta['id']})",
        f"# goal: {meta['goal']}",
        f"# targets: {' '.join(meta['targets']) if meta['targets'] else '(none)'}",
        f"# source: {source['repository']} {source['path']} @ {source['commit']}",
        f"# licence: {source['licence']}",
    ]
    return "\n".join(header) + "\n" + "".join(f"{q}\n" for q in sorted_qids(qids))
