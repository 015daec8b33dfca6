"""Coverage of SDG item sets in Wikipedias: DataFrames in, DataFrames out, no I/O.

The unit is the *cell*: one item in one Wikipedia. A cell is known only when the item's set
observed that wiki (a snapshot's source looked at it, or the endpoint is live and sees every
wiki). A known cell either holds an article (a sitelink that is not a redirect) or is a gap.
A cell that no source looked at is unknown and is counted nowhere: absence of evidence is not a
missing article.

An item that belongs to several item sets of one goal is counted once for that goal.

Input frames:

``members``
    ``itemset, goal, qid`` — which items each item set selected.
``observed``
    ``itemset, wiki`` — which Wikipedias each item set's data looked at.
``articles``
    ``qid, wiki`` — Wikipedia articles that exist (redirect sitelinks already removed).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bot.engines.cells import CellIndex
from bot.engines.cells import index_cells as _index_cells

COVERAGE_COLUMNS = ["items", "articles", "missing", "coverage_pct"]


def known_cells(
    members: pd.DataFrame, observed: pd.DataFrame, articles: pd.DataFrame, by: str = "goal"
) -> pd.DataFrame:
    """Every known (group, item, wiki) cell once, with ``has_article``.

    *by* is ``goal`` or ``itemset``: the grouping under which an item is counted once.
    """
    keep = [by, "qid"] if by == "itemset" else [by, "itemset", "qid"]
    cells = (
        members[keep]
        .merge(observed[["itemset", "wiki"]], on="itemset")[[by, "qid", "wiki"]]
        .drop_duplicates(ignore_index=True)
    )
    present = articles[["qid", "wiki"]].drop_duplicates()
    cells = cells.merge(present.assign(has_article=True), on=["qid", "wiki"], how="left")
    cells["has_article"] = cells["has_article"].fillna(False).astype(bool)
    return cells


def index_cells(
    members: pd.DataFrame, observed: pd.DataFrame, articles: pd.DataFrame, by: str = "goal"
) -> CellIndex:
    """The known cells of :func:`known_cells` in compact form, for any size of input.

    :func:`coverage` and :func:`ranked_gaps` take it in place of the cells and give the same
    tables, without the (items × wikis) rows: 2 M items in 340 Wikipedias fit in memory.
    """
    return _index_cells(members, observed, articles, by)


def coverage(cells: pd.DataFrame | CellIndex, by: str = "goal") -> pd.DataFrame:
    """Items, articles, missing and coverage % per (group, wiki), sorted by group then wiki.

    *cells* are :func:`known_cells` or their :func:`index_cells`.
    """
    if isinstance(cells, CellIndex):
        return cells.coverage()
    table = (
        cells.groupby([by, "wiki"], sort=True)
        .agg(items=("qid", "size"), articles=("has_article", "sum"))
        .reset_index()
    )
    table["articles"] = table["articles"].astype("int64")
    table["missing"] = table["items"] - table["articles"]
    # Python's round() on each value: the same rule an independent count would use.
    table["coverage_pct"] = [
        round(100.0 * a / i, 2) if i else 0.0
        for a, i in zip(table["articles"], table["items"], strict=True)
    ]
    return table[[by, "wiki", *COVERAGE_COLUMNS]]


def ranked_gaps(
    cells: pd.DataFrame | CellIndex, by: str = "goal", top: int | None = None
) -> pd.DataFrame:
    """The missing articles per (group, wiki), ranked: ``by, wiki, rank, qid, sitelinks``.

    ``sitelinks`` counts the item's articles in the Wikipedias its group observed. Items with
    more of them come first (the topic matters to more language communities); ties go to the
    lower numeric QID, so the order never depends on the input's order. *top* keeps the first
    *top* gaps of each (group, wiki); ``None`` keeps every gap.
    """
    if isinstance(cells, CellIndex):
        return cells.ranked_gaps(top)
    sitelinks = cells.groupby([by, "qid"])["has_article"].sum().astype("int64").rename("sitelinks")
    gaps = cells.loc[~cells["has_article"], [by, "wiki", "qid"]].merge(
        sitelinks.reset_index(), on=[by, "qid"]
    )
    gaps["qnum"] = gaps["qid"].str[1:].astype("int64")
    gaps = gaps.sort_values(
        [by, "wiki", "sitelinks", "qnum"], ascending=[True, True, False, True], ignore_index=True
    )
    gaps["rank"] = gaps.groupby([by, "wiki"]).cumcount() + 1
    if top is not None:
        gaps = gaps[gaps["rank"] <= top].reset_index(drop=True)
    return gaps[[by, "wiki", "rank", "qid", "sitelinks"]]


def totals(cov: pd.DataFrame, by: str = "goal") -> pd.DataFrame:
    """Per group: wikis observed, known cells, articles, gaps and the overall coverage %."""
    table = (
        cov.groupby(by)
        .agg(
            wikis=("wiki", "size"),
            cells=("items", "sum"),
            articles=("articles", "sum"),
            missing=("missing", "sum"),
        )
        .reset_index()
    )
    table["coverage_pct"] = [
        round(100.0 * a / c, 2) if c else 0.0
        for a, c in zip(table["articles"], table["cells"], strict=True)
    ]
    return table


def display_labels(
    gaps: pd.DataFrame,
    labels: pd.DataFrame,
    titles: pd.DataFrame,
    wiki_language: dict[str, str],
) -> pd.Series:
    """The name to show for each gap row, in the language of the row's wiki.

    The chain: a label in the wiki's language → ``mul`` → ``en`` → any label → the item's
    English Wikipedia title → its title in any other Wikipedia (by wiki id) → the QID. The two
    title steps exist because a snapshot may carry articles but no labels; a title is a real
    name of the topic, never an invented one.

    *labels* has ``qid, lang, label`` (``lang`` ``*`` for the any-language label); *titles* has
    ``qid, wiki, title``.
    """
    by_item: dict[str, dict[str, str]] = {}
    for qid, lang, label in labels[["qid", "lang", "label"]].itertuples(index=False):
        by_item.setdefault(qid, {})[lang] = label
    title_of: dict[str, str] = {}
    for qid, wiki, title in titles.sort_values("wiki")[["qid", "wiki", "title"]].itertuples(
        index=False
    ):
        if wiki == "enwiki" or qid not in title_of:
            title_of[qid] = title

    def pick(qid: str, wiki: str) -> str:
        item_labels = by_item.get(qid, {})
        for lang in (wiki_language.get(wiki, ""), "mul", "en", "*"):
            if lang in item_labels:
                return item_labels[lang]
        return title_of.get(qid, qid)

    return pd.Series(
        # .tolist() first: iterating an Arrow-backed column one cell at a time is slow.
        [pick(q, w) for q, w in zip(gaps["qid"].tolist(), gaps["wiki"].tolist(), strict=True)],
        index=gaps.index,
        dtype=object,
    )


# --------------------------------------------------------------------------------------------
# Quality, translation sources and targets (issue 6). Separate functions on purpose: the ones
# above may be optimised without touching these.


@dataclass(frozen=True)
class QualityScale:
    """How an article's page size (bytes) maps to a class and a weight.

    In the spirit of Meta's "List of Wikipedias by sample of articles": a stub is under
    ``stub_below``, a long article at least ``long_from``, an article anything between; an
    absent article weighs 0, a stub 1, an article 4, a long article 9, and the score is the
    sum of the weights over the maximum possible (every item a long article) × 100. Meta counts
    language-weighted characters; sizes here are the page length in bytes the MediaWiki API
    reports, with no language factor, so a script written with more bytes per character
    (Cyrillic, Arabic, Devanagari, CJK) reaches the thresholds sooner.
    """

    stub_below: int = 10_000
    long_from: int = 30_000
    weights: tuple[int, int, int, int] = (0, 1, 4, 9)  # absent, stub, article, long

    def __post_init__(self) -> None:
        if not 0 < self.stub_below <= self.long_from:
            raise ValueError("need 0 < stub threshold <= long threshold")
        if len(self.weights) != 4 or self.weights[-1] <= 0:
            raise ValueError("need four weights, the last one positive")

    @classmethod
    def from_text(cls, text: str) -> QualityScale:
        """``"10000,30000"`` → stub below 10,000 bytes, long from 30,000 (ValueError if bad)."""
        parts = [p.strip().replace("_", "") for p in text.split(",")]
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"expected two byte counts like 10000,30000, got {text!r}")
        return cls(int(parts[0]), int(parts[1]))

    def classify(self, size: int) -> str:
        if size < self.stub_below:
            return "stub"
        return "long" if size >= self.long_from else "article"


QUALITY_CLASSES = ("absent", "stub", "article", "long")
QUALITY_COLUMNS = ["sized", *QUALITY_CLASSES, "unsized", "items", "score"]


def quality_coverage(
    cells: pd.DataFrame,
    pagesizes: pd.DataFrame,
    scale: QualityScale = QualityScale(),
    by: str = "goal",
    sized: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Quality-weighted coverage per (group, wiki): ``by, wiki, sized, absent, stub, article,
    long, unsized, items, score``.

    *cells* are :func:`known_cells`; *pagesizes* has ``qid, wiki, pagesize_bytes``. A (group,
    wiki) is ``sized`` when its page sizes are known: the pairs in *sized* (``by, wiki``) when
    given (a live fetch says which wikis it asked), else every pair for which at least one of
    the group's articles has a known size (a snapshot says nothing about the other wikis).
    Where it is not sized, the article classes and the score are unknown (``<NA>``).

    Where it is, an article whose own size is unknown (``unsized``: the source measured none,
    or the title was not found) is an article all the same: it counts with the average weight
    of the articles whose size is known, rather than being dropped (which would leave the
    absent items to weigh more) or guessed as a class::

        score = 100 × (w_absent × absent + mean weight of sized articles × articles)
                / (max weight × items), rounded to 2 places

    With articles but none of known size, the score is unknown.
    """
    sizes = pagesizes[["qid", "wiki", "pagesize_bytes"]].drop_duplicates(["qid", "wiki"])
    frame = cells[[by, "qid", "wiki", "has_article"]].merge(sizes, on=["qid", "wiki"], how="left")
    known_size = frame["pagesize_bytes"].notna()
    size = frame["pagesize_bytes"].fillna(0)
    cls = pd.Series("unsized", index=frame.index, dtype=object)
    cls[~frame["has_article"]] = "absent"
    have = frame["has_article"] & known_size
    cls[have & (size < scale.stub_below)] = "stub"
    cls[have & (size >= scale.stub_below) & (size < scale.long_from)] = "article"
    cls[have & (size >= scale.long_from)] = "long"
    frame["cls"] = cls
    counts = (
        frame.groupby([by, "wiki", "cls"]).size().unstack("cls", fill_value=0)
        .reindex(columns=[*QUALITY_CLASSES, "unsized"], fill_value=0)
        .astype("int64")
        .reset_index()
    )
    counts.columns.name = None
    if sized is None:
        pairs = frame.loc[have, [by, "wiki"]].drop_duplicates()
    else:
        pairs = sized[[by, "wiki"]].drop_duplicates()
    counts = counts.merge(pairs.assign(sized=True), on=[by, "wiki"], how="left")
    counts["sized"] = counts["sized"].fillna(False).astype(bool)
    counts["items"] = counts[[*QUALITY_CLASSES, "unsized"]].sum(axis=1).astype("int64")
    w_absent, w_stub, w_article, w_long = scale.weights
    scores = []
    for row in counts.itertuples(index=False):
        with_size = row.stub + row.article + row.long
        articles = with_size + row.unsized
        if not row.sized or not row.items or (articles and not with_size):
            scores.append(None)
            continue
        weight = w_stub * row.stub + w_article * row.article + w_long * row.long
        mean = weight / with_size if with_size else 0.0
        raw = w_absent * row.absent + mean * articles
        scores.append(round(100.0 * raw / (w_long * row.items), 2))
    counts["score"] = pd.array(scores, dtype="Float64")
    for column in ("stub", "article", "long", "unsized"):
        counts[column] = counts[column].astype("Int64").where(counts["sized"], pd.NA)
    counts = counts.sort_values([by, "wiki"], ignore_index=True)
    return counts[[by, "wiki", *QUALITY_COLUMNS]]


# The order in which a translation source is chosen when no page size is known: English, then
# the other official languages of the UN (in which the UN publishes the SDG texts), then a few
# large Wikipedias. A convention of this tool, not a measurement; it is stated on the pages.
SOURCE_PREFERENCE = (
    "enwiki", "frwiki", "eswiki", "ruwiki", "zhwiki", "arwiki",
    "dewiki", "itwiki", "ptwiki", "jawiki", "plwiki", "nlwiki",
)

SOURCE_COLUMNS = ["qid", "source_wiki", "source_title", "source_bytes", "source_rule"]


def best_sources(
    articles: pd.DataFrame,
    pagesizes: pd.DataFrame,
    preference: tuple[str, ...] = SOURCE_PREFERENCE,
) -> pd.DataFrame:
    """The best article to translate from, per item: ``qid, source_wiki, source_title,
    source_bytes, source_rule``.

    Among the item's articles (*articles*: ``qid, wiki, title``, redirects already removed):
    the largest one by known page size (rule ``size``; ties go to the earlier wiki in
    *preference*, then to the wiki id); when no size of the item's articles is known, the
    first wiki of *preference* that has one, else the first by wiki id (rule ``preference``).
    The source never is a wiki that lacks the article, so it is never the gap's own wiki.
    """
    if articles.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SOURCE_COLUMNS})
    order = {wiki: i for i, wiki in enumerate(preference)}
    sizes = pagesizes[["qid", "wiki", "pagesize_bytes"]].drop_duplicates(["qid", "wiki"])
    frame = articles[["qid", "wiki", "title"]].drop_duplicates(["qid", "wiki"]).merge(
        sizes, on=["qid", "wiki"], how="left"
    )
    frame["pref"] = frame["wiki"].map(order).fillna(len(order)).astype("int64")
    frame["has_size"] = frame["pagesize_bytes"].notna()
    frame["size_key"] = frame["pagesize_bytes"].fillna(-1)
    frame = frame.sort_values(
        ["qid", "has_size", "size_key", "pref", "wiki"],
        ascending=[True, False, False, True, True],
        ignore_index=True,
    )
    best = frame.drop_duplicates("qid", keep="first")
    out = pd.DataFrame(
        {
            "qid": best["qid"].to_numpy(),
            "source_wiki": best["wiki"].to_numpy(),
            "source_title": best["title"].to_numpy(),
            "source_bytes": pd.array(best["pagesize_bytes"].to_numpy(), dtype="Int64"),
            "source_rule": ["size" if s else "preference" for s in best["has_size"]],
        }
    )
    out["qnum"] = out["qid"].str[1:].astype("int64")
    return out.sort_values("qnum", ignore_index=True)[SOURCE_COLUMNS]


def target_cells(
    item_cells: pd.DataFrame, itemset_targets: dict[str, tuple[str, ...]]
) -> pd.DataFrame:
    """Known cells per SDG target: ``target, qid, wiki, has_article``.

    *item_cells* are :func:`known_cells` by ``itemset``; an item set tied to several targets
    counts for each, and an item in several sets of one target counts once for it. Item sets
    tied to no target contribute nothing.
    """
    links = pd.DataFrame(
        [(s, t) for s, targets in itemset_targets.items() for t in targets],
        columns=["itemset", "target"],
    )
    cells = item_cells.merge(links, on="itemset")[["target", "qid", "wiki", "has_article"]]
    return (
        cells.groupby(["target", "qid", "wiki"], sort=False)["has_article"].any().reset_index()
    )
