"""Partner worklists: the first missing articles per language, with what it takes to start them.

``sdg-gaps worklist --goals 15 --targets 15.8 --languages de,pl --limit 50`` runs the analysis
(the bundled snapshot by default) and writes, for each language, the first *limit* missing
articles, most Wikipedias with an article first, then the lower numeric QID (the default order
of ``gaps.csv``'s topics to translate; the topics to write from scratch, in no Wikipedia looked
at, follow by QID, and ``rank`` is the gap's rank in ``gaps.csv`` within its kind) — with, for
each one, everything a partner organisation needs to start it: the item, its label in the
language (fallback chain), the number of Wikipedias with an article, the suggested source
(language, title, page size) and a Content Translation link.

Files written to the output directory:

``worklist.csv``
    one row per (language, item): see :data:`COLUMNS` (``namespace`` names a category,
    template or portal, which gets no Content Translation link: CX translates articles only)
``worklist.json``
    the same rows grouped by language, with the run, the scope, the rules and the provenance
``worklist.wiki`` and ``worklist.html``
    the same list as a wiki page body and as a static HTML page

With ``--targets``, only items of the item sets tied to those SDG targets are listed; their
ranks stay those of the whole goal, as in ``gaps.csv``. With several goals, a language's list
is ordered by the same key across goals (an item in two goals appears once, under its first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.engines.base import SOURCE_PREFERENCE
from bot.errors import UsageError
from bot.report import links

COLUMNS = [
    "language",
    "wiki",
    "goal",
    "rank",
    "qid",
    "label",
    "sitelinks",
    "source_language",
    "source_wiki",
    "source_title",
    "source_bytes",
    "source_rule",
    "namespace",
    "cx_url",
    "wikidata_url",
    "source_url",
]

RANKING = (
    "gaps.csv order: most Wikipedias (among those the item set's data looked at) with an "
    "article first, then the lower numeric QID"
)
SOURCE_RULE = (
    "the Wikipedia with the longest article on the topic (page size in bytes) when sizes are "
    "known, else the first that has one of: " + ", ".join(SOURCE_PREFERENCE)
)


@dataclass
class Worklist:
    frame: pd.DataFrame
    out: Path
    paths: list[Path]


def make_worklist(
    source, *, goals, targets, languages, limit: int, out: Path | None, lang: str = "en",
    quality_scale=None, engine: str = "compact", master: str | None = None,
    notify=lambda message: None, progress=None,
) -> Worklist:
    """Run the analysis of the worklist's goals (:func:`bot.runs.run`, writing no report) and
    write the worklist's files. Every gap of the chosen languages is ranked, so that any goal,
    target and language slice is answered in full."""
    from bot.catalogue import load_catalogue
    from bot.engines import QualityScale
    from bot.languages import load_wikis
    from bot.runs import RunRequest, run
    from bot.runs_facts import open_source

    opened = open_source(source)
    goals = check_targets(load_catalogue(opened.snapshot), goals, targets)
    wikis = load_wikis()
    chosen = [wikis.resolve(code).wiki for code in languages]
    request = RunRequest(
        source=source, goals=goals, languages=tuple(languages), engine=engine, master=master,
        gaps_per_wiki=None if targets else limit, lang=lang,
        quality_scale=quality_scale or QualityScale(), write=False,
    )
    analysis = run(request, opened=opened, notify=notify, progress=progress).analysis
    frame = build_worklist(analysis, wikis, chosen, targets, limit)
    from bot.config import REPORTS_DIR

    out = out or REPORTS_DIR / f"worklist-{analysis.run_id}"
    paths = write_worklist(analysis, frame, out, goals=goals, targets=targets, languages=chosen,
                           limit=limit, lang=lang)
    return Worklist(frame, out, paths)


def check_targets(catalogue, goals: Sequence[int] | None, targets: Sequence[str]) -> tuple:
    """Validate *targets* against the catalogue and *goals*; return the goals to analyse."""
    unknown = [t for t in targets if t not in catalogue.targets]
    if unknown:
        raise UsageError(f"unknown target {unknown[0]!r}: targets look like 15.8 or 6.b")
    goals_of = {catalogue.targets[t].goal for t in targets}
    if goals:
        outside = [t for t in targets if catalogue.targets[t].goal not in goals]
        if outside:
            raise UsageError(
                f"target {outside[0]} is not a target of goal(s) {', '.join(map(str, goals))}"
            )
        return tuple(goals)
    return tuple(sorted(goals_of))


def build_worklist(
    analysis, wikis, languages: Sequence[str], targets: Sequence[str] | None, limit: int
) -> pd.DataFrame:
    """The worklist rows (:data:`COLUMNS`) for the wikis *languages* (wiki ids)."""
    gaps = analysis.gaps[analysis.gaps["wiki"].isin(languages)]
    if targets:
        wanted = set(targets)
        sets = [s for s in analysis.itemsets if wanted.intersection(s.targets)]
        if not sets:
            raise UsageError(
                f"no item set of this run is tied to target(s) {', '.join(targets)}"
            )
        members = analysis.members
        keep = members[members["itemset"].isin({s.id for s in sets})][["goal", "qid"]]
        gaps = gaps.merge(keep.drop_duplicates(), on=["goal", "qid"])
    gaps = gaps.assign(qnum=gaps["qid"].str[1:].astype("int64"))
    gaps = gaps.sort_values(
        ["wiki", "sitelinks", "qnum", "goal"], ascending=[True, False, True, True]
    ).drop_duplicates(["wiki", "qid"])
    gaps = gaps.groupby("wiki", sort=False).head(limit)
    if analysis.sources is not None:
        gaps = gaps.merge(analysis.sources, on="qid", how="left")
    else:
        for column in ("source_wiki", "source_title", "source_bytes", "source_rule"):
            gaps[column] = None
    not_articles = links.non_article_items(analysis.articles)
    rows = []
    for r in gaps.itertuples(index=False):
        target = wikis.get(r.wiki).subdomain
        has_source = isinstance(r.source_wiki, str)
        cx = has_source and r.qid not in not_articles
        source = wikis.get(r.source_wiki).subdomain if has_source else ""
        rows.append(
            {
                "language": target,
                "wiki": r.wiki,
                "goal": int(r.goal),
                "rank": int(r.rank),
                "qid": r.qid,
                "label": r.label,
                "sitelinks": int(r.sitelinks),
                "source_language": source,
                "source_wiki": r.source_wiki if has_source else "",
                "source_title": r.source_title if has_source else "",
                "source_bytes": (
                    int(r.source_bytes) if has_source and pd.notna(r.source_bytes) else None
                ),
                "source_rule": r.source_rule if has_source else "",
                "namespace": not_articles.get(r.qid, ""),
                "cx_url": links.cx_url(target, source, r.source_title) if cx else "",
                "wikidata_url": links.wikidata_url(r.qid),
                "source_url": links.article_url(source, r.source_title) if has_source else "",
            }
        )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["source_bytes"] = frame["source_bytes"].astype("Int64")
    order = {w: i for i, w in enumerate(languages)}
    frame = frame.assign(
        _order=frame["wiki"].map(order),
        _key=-frame["sitelinks"],
        _q=frame["qid"].str[1:].astype("int64"),
    ).sort_values(["_order", "_key", "_q"], kind="stable")
    return frame[COLUMNS].reset_index(drop=True)


def write_worklist(
    analysis,
    frame: pd.DataFrame,
    out: Path,
    *,
    goals: Sequence[int],
    targets: Sequence[str],
    languages: Sequence[str],
    limit: int,
    lang: str = "en",
) -> list[Path]:
    """Write worklist.csv, worklist.json, worklist.wiki and worklist.html into *out*."""
    from bot.report.html import HtmlRenderer
    from bot.report.pages import Context, render_wikitext, worklist_page

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / n for n in ("worklist.csv", "worklist.json", "worklist.wiki", "worklist.html")]
    frame.to_csv(paths[0], index=False)
    document = {
        "run_id": analysis.run_id,
        "generated": analysis.finished.isoformat(),
        "endpoint": analysis.endpoint,
        "complete": analysis.complete,
        "goals": list(goals),
        "targets": list(targets),
        "languages": list(frame.drop_duplicates("wiki")["language"])
        if len(frame)
        else list(languages),
        "limit": limit,
        "ranking": RANKING,
        "source_rule": SOURCE_RULE,
        "itemsets": [
            {
                "id": s.id,
                "goal": s.goal,
                "targets": list(s.targets),
                "title": s.title,
                "data_date": s.data_date,
                "source": dict(s.source or {}),
            }
            for s in analysis.itemsets
        ],
        "rows": {
            code: [_json_row(r) for r in part.to_dict("records")]
            for code, part in frame.groupby("language", sort=False)
        },
    }
    paths[1].write_text(
        json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    ctx = Context(analysis, lang=lang, page_rows=limit)
    page = worklist_page(ctx, frame, goals=goals, targets=targets)
    paths[2].write_text(render_wikitext(ctx, page) + "\n", encoding="utf-8")
    files = {page.id: "worklist.html"}
    renderer = HtmlRenderer("worklist.html", files, ctx.t.number)
    paths[3].write_text(
        renderer.document(page.title, lang, page.blocks, [(page.id, page.title)]),
        encoding="utf-8",
    )
    return paths


def _json_row(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if value is pd.NA or (isinstance(value, float) and pd.isna(value)):
            value = None
        elif hasattr(value, "item"):
            value = value.item()
        out[key] = value
    return out
