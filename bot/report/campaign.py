"""A campaign's pages: its root page, one worklist per language, and its page collection.

Built once as :mod:`bot.report.model` blocks and rendered as wikitext and HTML, like a report's
pages (:func:`bot.report.pages.worklist_page` gives the worklist tables). The page collection is
the one page whose wikitext is not rendered from the model: it is the markup Wikimedia's page
collections use, as the ``WikimediaCampaignEvents`` extension's parser tag reads it (the attributes
``name``, ``description`` and ``end-date``; the tag itself renders nothing and puts the page in the
tracking category "Pages including a page collection") and as Wikimedia's translation
recommendation service reads the page (its interwiki links whose title is a QID and whose URL is
Wikidata's)::

    <page-collection name="…" description="…" end-date="2027-06-30"></page-collection>
    * [[d:Q7942]] – label

one ``[[d:Q…]]`` link per item on the worklists and no other link: a label after the link is
escaped (:mod:`bot.report.escape`), so that it can never become a link the service would take
for an article to suggest. The service reads collections on Meta-Wiki, in its main namespace.

A directory written by :func:`write_campaign` has the layout ``sdg-gaps post`` reads
(``pages.json``, ``wikitext/``), so :func:`bot.wiki.post_report` posts it under the
campaign's root page: the root, ``<root>/<code>`` per language, ``<root>/Collection``.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pandas as pd

from bot.report import escape
from bot.report.equity import equity_blocks
from bot.report.html import HtmlRenderer
from bot.report.links import item_qid
from bot.report.model import (
    Bullets,
    Cell,
    Heading,
    ItemLink,
    PageLink,
    PageModel,
    Para,
    Plain,
    Row,
    Table,
    cell,
    span,
)
from bot.report.pages import worklist_page
from bot.report.summary import data_section
from bot.report.wikitext import WikitextRenderer

COLLECTION = "collection"
COLLECTION_SUBPAGE = "Collection"
ROOT = "campaign"


def when(stamp: str) -> str:
    """``2026-12-01T21:11:53+00:00`` → ``2026-12-01 21:11 UTC``."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if len(stamp) >= 16 else stamp


def collection_items(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """``(qid, label)`` of every item on the worklists, once, in the worklists' order."""
    seen: dict[str, str] = {}
    for qid, label in zip(frame["qid"].tolist(), frame["label"].tolist(), strict=True):
        seen.setdefault(qid, "" if label is None or label != label else str(label))
    return list(seen.items())


def description(campaign) -> str:
    words = f"{campaign.scope}, {', '.join(campaign.languages)}"
    return f"{words} ({campaign.partner})" if campaign.partner else words


def collection_wikitext(campaign, items: list[tuple[str, str]]) -> str:
    """The page collection's wikitext (see the module's description)."""
    attributes = [f'name="{escape.text(campaign.name)}"',
                  f'description="{escape.text(description(campaign))}"']
    if campaign.end is not None:
        attributes.append(f'end-date="{campaign.end.isoformat()}"')
    lines = [f"<page-collection {' '.join(attributes)}></page-collection>"]
    for qid, label in items:
        item_qid(qid)
        shown = escape.text(label)
        lines.append(f"* [[d:{qid}]] – {shown}" if shown else f"* [[d:{qid}]]")
    return unicodedata.normalize("NFC", "\n".join(lines))


def collection_page(ctx, campaign, items) -> PageModel:
    """The page collection as the model shows it in HTML (the wiki gets its own markup)."""
    t = ctx.t
    bullets = tuple(span(ItemLink(q), " – ", label) if label else span(ItemLink(q))
                    for q, label in items)
    return PageModel(COLLECTION, COLLECTION_SUBPAGE,
                     t.plain("collection.title", name=campaign.name),
                     [Para(t("collection.intro")), Bullets(bullets)])


def root_page(ctx, campaign, frame: pd.DataFrame, missing: dict[str, int],
              frozen_at: str | None) -> PageModel:
    """The campaign's root page: what it is, a worklist per language, equity, the data."""
    t = ctx.t
    codes = [ctx.subdomain(w) for w in missing]
    scope = campaign.scope
    if campaign.end is not None:
        intro = t("campaign.intro", start=campaign.start.isoformat(),
                  end=campaign.end.isoformat(), scope=scope, languages=", ".join(codes))
    else:
        intro = t("campaign.intro_open", start=campaign.start.isoformat(), scope=scope,
                  languages=", ".join(codes))
    blocks: list = [Para(intro)]
    if campaign.partner:
        blocks.append(Para(t("campaign.partner", partner=campaign.partner)))
    blocks.append(Para(t("campaign.how")))
    on_list = frame.groupby("wiki").size().to_dict()
    rows = []
    for wiki in missing:
        code = ctx.subdomain(wiki)
        speakers = ctx.wikis.speakers(wiki)
        rows.append(Row((
            cell(ctx.language_name(wiki)),
            cell(PageLink(f"lang-{code}", Plain(code)), code),
            ctx.num(on_list.get(wiki, 0)),
            ctx.num(missing[wiki]),
            ctx.num(speakers) if speakers is not None else Cell(t("word.unknown"), "-1"),
        )))
    blocks += [
        Heading(2, t("campaign.worklists")),
        Table((t.plain("col.language"), t.plain("col.code"), t.plain("col.worklist"),
               t.plain("col.gaps"), t.plain("col.speakers")),
              (False, False, True, True, True), tuple(rows)),
        Para(t("campaign.collection", link=PageLink(
            COLLECTION, Plain(t.plain("collection.title", name=campaign.name))))),
    ]
    if frozen_at:
        blocks.append(Para(t("campaign.frozen", frozen=when(frozen_at))))
    blocks += equity_blocks(ctx, missing, lambda w: PageLink(
        f"lang-{ctx.subdomain(w)}", Plain(ctx.subdomain(w))))
    blocks += [Heading(2, t("summary.data")), data_section(ctx)]
    return PageModel(ROOT, "", t.plain("campaign.title", name=campaign.name), blocks)


def language_pages(ctx, campaign, frame: pd.DataFrame, wikis_order) -> list[PageModel]:
    """One worklist page per language (the worklist's own page, ranked, with CX links)."""
    goals = sorted(ctx.analysis.goals)
    pages = []
    for wiki in wikis_order:
        code = ctx.subdomain(wiki)
        part = frame[frame["wiki"] == wiki]
        page = worklist_page(ctx, part, goals=goals, targets=list(campaign.targets))
        title = page.title if len(part) else ctx.t.plain(
            "worklist.title", scope=f"{campaign.scope}: {code}")
        pages.append(PageModel(f"lang-{code}", code, title, page.blocks))
    return pages


def write_campaign(out: Path, ctx, campaign, frame: pd.DataFrame, missing: dict[str, int],
                   *, run_id: str, generated: str, complete: bool,
                   frozen_at: str | None) -> list[dict]:
    """Write the campaign's pages into *out* (the layout ``post`` reads); their entries."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "wikitext").mkdir(exist_ok=True)
    (out / "html").mkdir(exist_ok=True)
    items = collection_items(frame)
    models = [root_page(ctx, campaign, frame, missing, frozen_at),
              *language_pages(ctx, campaign, frame, list(missing)),
              collection_page(ctx, campaign, items)]
    subpages = {m.id: m.subpage for m in models}
    files = {m.id: "index.html" if m.id == ROOT else f"html/{m.id}.html" for m in models}
    nav = [(m.id, m.subpage or m.title) for m in models]
    entries = []
    for m in models:
        if m.id == COLLECTION:
            body, label = collection_wikitext(campaign, items), f"page collection: {len(items):,}"
        else:
            body = WikitextRenderer(m.subpage, subpages, ctx.t.number).page(m.blocks)
            label = ("campaign" if m.id == ROOT else
                     f"worklist {m.subpage}: {int((frame['language'] == m.subpage).sum()):,}")
        name = f"wikitext/{m.id}.wiki"
        (out / name).write_text(body + "\n", encoding="utf-8")
        entries.append({"id": m.id, "subpage": m.subpage, "file": name, "title": m.title,
                        "rows": int(body.count("\n|-")), "gaps": len(items),
                        "summary": f"{label} articles"})
        renderer = HtmlRenderer(files[m.id], files, ctx.t.number)
        (out / files[m.id]).write_text(
            renderer.document(m.title, ctx.lang, m.blocks, nav), encoding="utf-8")
    (out / "pages.json").write_text(json.dumps({
        "run_id": run_id, "generated": generated, "complete": complete, "lang": ctx.lang,
        "pages": entries}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    frame.to_csv(out / "worklist.csv", index=False)
    return entries

