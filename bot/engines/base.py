"""The engine interface: :class:`Facts` and a :class:`Plan` in, every table of a run out.

An engine computes, from the facts of :mod:`bot.facts` and without ever listing the (item ×
wiki) cells:

* coverage per goal × wiki, per item set × wiki and per SDG target × wiki;
* quality-weighted coverage per goal × wiki (where page sizes are known);
* the ranked gaps of each goal × wiki, of each kind — the first :attr:`Plan.gaps_per_wiki` of
  each;
* the best source to translate each listed gap from.

The rules are stated once, here, and both engines follow them value for value (the test suite
checks the two against each other and against an independent count):

* A *cell* is an item in a Wikipedia. It is **known** when one of the item sets the item
  belongs to (within the group: goal, item set or target) observed that Wikipedia; only known
  cells count. An item in several sets of a group counts once for it.
* A known cell holds an **article** or it is a **gap**.
* ``coverage_pct`` is ``round(100 · articles / items, 2)`` with Python's ``round``.
* An item's ``sitelinks`` are its articles in the Wikipedias its group observed (every observed
  Wikipedia, even when a run reports on fewer).
* Two kinds of gap. A gap whose item has an article in another Wikipedia its group observed
  (``sitelinks`` > 0) is a **translate** gap: there is an article to translate from. A gap
  whose item has none (``sitelinks`` 0) is a **scratch** gap: it is written from scratch.
  ``kind`` says which; ``rank`` numbers the gaps from 1 within each goal × wiki × kind, and
  :attr:`Plan.gaps_per_wiki` bounds each kind on its own (so a wiki's scratch gaps are never
  pushed off its list by its translate gaps).
* Translate gaps rank, with :attr:`Plan.rank` ``sitelinks`` (the default), by sitelinks, most
  first, then by numeric QID. With ``demand`` they rank by the item's demand
  (:attr:`bot.facts.Facts.demand`: the page views its articles had, as the source measured
  them; unknown counts 0), most first — a gap's item has no article in the gap's wiki, so that
  is how much readers of the other Wikipedias read the topic — then by sitelinks, most first,
  then by numeric QID.
* Scratch gaps rank, whatever :attr:`Plan.rank`, by how much the projects know of the item:
  its sitelinks in every Wikimedia project (:attr:`bot.facts.Facts.all_sitelinks`, as the
  source counts them: ``wikibase:sitelinks`` on an endpoint and in the bundled snapshot where
  its source gives the count, the entity's sitelinks in a dump; unknown — Parquet, or a source
  without the count — counts 0), most first, then by numeric QID. Page views cannot rank them:
  they have no article in any Wikipedia looked at.
* Quality: an article's page size puts it in a class (stub, article, long, by
  :class:`QualityScale`); absent cells weigh 0. A goal × wiki is *sized* when its sizes are
  known (:attr:`bot.facts.Facts.sized_wikis`, else: at least one of its articles has a known
  size); the score is ``100 × (Σ weights) / (max weight × items)``, articles of unknown size
  counting with the mean weight of the sized ones (see :func:`quality_score`).
* The source of a gap is the item's largest article by known page size (ties: the earlier wiki
  in :data:`SOURCE_PREFERENCE`, then the wiki id); with no size known, the first wiki of
  :data:`SOURCE_PREFERENCE` that has an article, else the first by wiki id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from bot.facts import Facts
from bot.topics import Topics

COVERAGE_COLUMNS = ["items", "articles", "missing", "coverage_pct"]
GAP_COLUMNS = ["goal", "wiki", "rank", "qid", "sitelinks", "kind"]
GAP_KINDS = ("translate", "scratch")
RANKS = ("sitelinks", "demand")  # Plan.rank: how translate gaps are ordered
QUALITY_CLASSES = ("absent", "stub", "article", "long")
QUALITY_COLUMNS = ["sized", *QUALITY_CLASSES, "unsized", "items", "score"]
SOURCE_COLUMNS = ["qid", "source_wiki", "source_bytes", "source_rule"]

# The order in which a translation source is chosen when no page size is known: English, then
# the other official languages of the UN (in which the UN publishes the SDG texts), then a few
# large Wikipedias. A convention of this tool, not a measurement; it is stated on the pages.
SOURCE_PREFERENCE = (
    "enwiki", "frwiki", "eswiki", "ruwiki", "zhwiki", "arwiki",
    "dewiki", "itwiki", "ptwiki", "jawiki", "plwiki", "nlwiki",
)


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
        if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
            raise ValueError(f"expected two byte counts like 10000,30000, got {text!r}")
        return cls(int(parts[0]), int(parts[1]))


def coverage_pct(articles: int, items: int) -> float:
    """The one rounding rule of coverage: Python's ``round`` to two places."""
    return round(100.0 * articles / items, 2) if items else 0.0


def quality_score(
    scale: QualityScale, sized: bool, items: int, absent: int, stub: int, article: int,
    long: int, unsized: int,
) -> float | None:
    """The quality score of one goal × wiki, or ``None`` where it is unknown::

        score = 100 × (w_absent × absent + mean weight of sized articles × articles)
                / (max weight × items), rounded to 2 places

    Unknown: not sized, no items, or articles of which none has a known size.
    """
    with_size = stub + article + long
    articles = with_size + unsized
    if not sized or not items or (articles and not with_size):
        return None
    w_absent, w_stub, w_article, w_long = scale.weights
    weight = w_stub * stub + w_article * article + w_long * long
    mean = weight / with_size if with_size else 0.0
    raw = w_absent * absent + mean * articles
    return round(100.0 * raw / (w_long * items), 2)


@dataclass(frozen=True)
class Plan:
    """What a run asks of the engine besides the facts."""

    wikis: tuple[str, ...] | None = None  # the Wikipedias reported on (None: every observed)
    gaps_per_wiki: int | None = 200  # gaps listed per goal × wiki × kind (None: every one)
    targets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # item set → targets
    quality_scale: QualityScale = field(default_factory=QualityScale)
    preference: tuple[str, ...] = SOURCE_PREFERENCE
    rank: str = "sitelinks"  # translate gaps by sitelinks, or by demand (RANKS)


@dataclass
class Tables:
    """Every table of a run, as the engine computed them (wiki ids; names are added later)."""

    coverage: pd.DataFrame  # goal, wiki, items, articles, missing, coverage_pct
    coverage_itemsets: pd.DataFrame  # itemset, wiki, …
    coverage_targets: pd.DataFrame  # target, wiki, …
    quality: pd.DataFrame  # goal, wiki, sized, absent, stub, article, long, unsized, items, score
    gaps: pd.DataFrame  # goal, wiki, rank, qid, sitelinks, kind (translate before scratch)
    sources: pd.DataFrame  # qid, source_wiki, source_bytes, source_rule (the listed gaps' items)
    wikis: tuple[str, ...]  # every Wikipedia observed (the ranking's)
    # The Wikimedia-internal items an engine left out itself (Spark reading a dump's P31);
    # None when the source had already applied the rule (bot.facts.Facts.left_out).
    left_out: Topics | None = None


class Engine(Protocol):
    """Computes a run's :class:`Tables` from its :class:`Facts`."""

    name: str

    def tables(self, facts: Facts, plan: Plan) -> Tables: ...


def sort_table(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return table.sort_values(by, ignore_index=True, kind="stable")
