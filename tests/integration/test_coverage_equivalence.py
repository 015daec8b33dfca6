"""Every table of the default engine against an independent reference, table for table.

The reference below states the rules of :mod:`bot.engines.base` as plain Python loops over the
facts — dicts and sets, no pandas, no bot code — so that it can disagree with the engine (which
counts profiles, bincounts and sorts integer codes, never listing cells). Both run on real data
(the bundled snapshot's item sets, their sitelinks and page sizes, asked of the embedded store
as a run asks them; the 400 items of a real 2014 Wikidata dump with their sitelinks in 280
Wikipedias) and on random small facts.

Where a test groups real items into item sets by a rule on the numeric QID, the grouping is an
illustration for exercising the rules, not a claim about the items.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engines import Plan, QualityScale, make_engine
from bot.facts import Facts, articles_frame, qid_numbers

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"  # copies of the real files; see its SOURCES.md
WIKIBRAIN = "wikidata_entities/wikidata_dump_sample_2014/wikibrain_2014_wikipedia_sitelinks.tsv"
PREFERENCE = ("enwiki", "frwiki", "eswiki", "ruwiki", "zhwiki", "arwiki",
              "dewiki", "itwiki", "ptwiki", "jawiki", "plwiki", "nlwiki")


# ---- the reference ------------------------------------------------------------------------------


def _pct(part, whole):
    return round(100.0 * part / whole, 2) if whole else 0.0


def reference(members, observed, articles, sizes, plan, demand=None, known=None):
    """Every table as sorted lists of tuples, from rows: *members* (itemset, goal, qid),
    *observed* (itemset, wiki), *articles* (qid, wiki), *sizes* ((qid, wiki) → bytes),
    *demand* (qid → page views) and *known* (qid → sitelinks in every project)."""
    demand, known = demand or {}, known or {}
    seen = {}
    for itemset, wiki in observed:
        seen.setdefault(itemset, set()).add(wiki)
    has = set(articles)
    num = {q: int(q[1:]) for q, _ in articles} | {q: int(q[1:]) for _, _, q in members}
    chosen = None if plan.wikis is None else set(plan.wikis)

    def grouped(key_of):
        """group → item → the wikis where the (group, item) cell is known."""
        known = {}
        for itemset, goal, qid in members:
            for group in key_of(itemset, goal):
                cell = known.setdefault(group, {}).setdefault(qid, set())
                cell |= seen.get(itemset, set())
        return known

    def coverage(known):
        rows = []
        for group in sorted(known):
            wikis = set().union(*known[group].values())
            for wiki in sorted(wikis):
                if chosen is not None and wiki not in chosen:
                    continue
                items = [q for q, w in known[group].items() if wiki in w]
                got = sum(1 for q in items if (q, wiki) in has)
                if items:
                    rows.append((group, wiki, len(items), got, len(items) - got,
                                 _pct(got, len(items))))
        return rows

    by_goal = grouped(lambda s, g: [g])
    targets = plan.targets
    tables = {
        "coverage": coverage(by_goal),
        "coverage_itemsets": coverage(grouped(lambda s, g: [s])),
        "coverage_targets": coverage(grouped(lambda s, g: targets.get(s, ()))),
    }
    gaps = []
    for goal in sorted(by_goal):
        items = by_goal[goal]
        links = {q: sum(1 for w in wikis if (q, w) in has) for q, wikis in items.items()}
        for wiki in sorted(set().union(*items.values())):
            if chosen is not None and wiki not in chosen:
                continue
            missing = [q for q, wikis in items.items() if wiki in wikis and (q, wiki) not in has]
            # An article in another wiki the group looked at: translate; none: from scratch.
            translate = [q for q in missing if links[q] > 0]
            scratch = [q for q in missing if links[q] == 0]
            if plan.rank == "demand":
                translate.sort(key=lambda q: (-demand.get(q, 0), -links[q], num[q]))
            else:
                translate.sort(key=lambda q: (-links[q], num[q]))
            scratch.sort(key=lambda q: (-known.get(q, 0), num[q]))
            for kind, listed in (("translate", translate), ("scratch", scratch)):
                if plan.gaps_per_wiki is not None:
                    listed = listed[: plan.gaps_per_wiki]
                gaps += [(goal, wiki, rank, q, links[q], kind)
                         for rank, q in enumerate(listed, 1)]
    tables["gaps"] = gaps
    scale = plan.quality_scale
    quality = []
    for goal, wiki, items, got, missing, _ in tables["coverage"]:
        classes = {"stub": 0, "article": 0, "long": 0}
        for qid, wikis in by_goal[goal].items():
            if wiki in wikis and (qid, wiki) in has and (qid, wiki) in sizes:
                size = sizes[(qid, wiki)]
                name = ("stub" if size < scale.stub_below
                        else "long" if size >= scale.long_from else "article")
                classes[name] += 1
        with_size = sum(classes.values())
        unsized = got - with_size
        sized = with_size > 0
        score = None
        if sized and (with_size or not got):
            w = scale.weights
            weight = w[1] * classes["stub"] + w[2] * classes["article"] + w[3] * classes["long"]
            mean = weight / with_size if with_size else 0.0
            score = round(100.0 * (w[0] * missing + mean * got) / (w[3] * items), 2)
        quality.append((goal, wiki, sized, missing,
                        *(classes[c] if sized else None for c in ("stub", "article", "long")),
                        unsized if sized else None, items, score))
    tables["quality"] = quality
    listed = {q for _, _, _, q, _, _ in gaps}
    sources = []
    for qid in sorted(listed, key=lambda q: num[q]):
        candidates = sorted({w for q, w in articles if q == qid})
        if not candidates:
            continue

        def key(wiki, qid=qid):
            size = sizes.get((qid, wiki))
            pref = PREFERENCE.index(wiki) if wiki in PREFERENCE else len(PREFERENCE)
            return (size is None, -(size or 0), pref, wiki)

        best = min(candidates, key=key)
        size = sizes.get((qid, best))
        sources.append((qid, best, size, "size" if size is not None else "preference"))
    tables["sources"] = sources
    return tables


def engine_tables(members, observed, articles, sizes, plan, engine="compact", demand=None,
                  known=None):
    """The engine's tables as the same lists of tuples."""
    def per_item(values, column):
        return pd.DataFrame({"qnum": [int(q[1:]) for q in values], column: list(values.values())},
                            ).astype({"qnum": "int64", column: "int64"})

    facts = Facts(
        members=pd.DataFrame(members, columns=["itemset", "goal", "qid"]).astype({"goal": "int64"}),
        observed=pd.DataFrame(observed, columns=["itemset", "wiki"]),
        articles=articles_frame(qid_numbers([q for q, _ in articles]), [w for _, w in articles]),
        pagesizes=pd.DataFrame(
            [(int(q[1:]), w, b) for (q, w), b in sizes.items()],
            columns=["qnum", "wiki", "pagesize_bytes"],
        ).astype({"qnum": "int64", "pagesize_bytes": "int64"}),
        demand=per_item(demand or {}, "views"),
        all_sitelinks=per_item(known or {}, "sitelinks"),
    )
    done = make_engine(engine).tables(facts, plan)

    def rows(frame):
        return [tuple(None if pd.isna(v) else v for v in row)
                for row in frame.astype(object).itertuples(index=False)]

    return {name: rows(getattr(done, name)) for name in
            ("coverage", "coverage_itemsets", "coverage_targets", "gaps", "quality", "sources")}


def check_same(members, observed, articles, sizes=None, *, targets=None, tops=(None, 1, 100),
               wikis=(None,), demand=None, known=None, ranks=("sitelinks", "demand")):
    sizes = sizes or {}
    for top in tops:
        for chosen in wikis:
            for rank in ranks:
                plan = Plan(wikis=chosen, gaps_per_wiki=top, targets=targets or {},
                            quality_scale=QualityScale(), rank=rank)
                expected = reference(members, observed, articles, sizes, plan, demand, known)
                got = engine_tables(members, observed, articles, sizes, plan, demand=demand,
                                    known=known)
                for name in expected:
                    assert got[name] == expected[name], (name, top, chosen, rank)


# ---- real data ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_facts():
    """The bundled snapshot's item sets, sitelinks and page sizes, as a run asks for them, its
    page views (the demand) and each item's sitelinks in every project."""
    from bot.languages import load_wikis
    from bot.runs_facts import DataSource, open_source
    from bot.sources import queried

    opened = open_source(DataSource())
    catalogue_sets = [s for s in _catalogue(opened.snapshot).itemsets if s.in_snapshot]
    facts, _, articles, _ = queried.gather(opened.endpoint, catalogue_sets, load_wikis())
    members = [tuple(r) for r in facts.members[["itemset", "goal", "qid"]].itertuples(index=False)]
    observed = [(s.id, w) for s in catalogue_sets for w in s.observed_wikis]
    links = [(q, w) for q, w in articles[["qid", "wiki"]].itertuples(index=False)]
    sizes = {(q, w): int(b) for q, w, b in
             opened.snapshot.pagesizes().itertuples(index=False)}
    demand: dict[str, int] = {}
    for qid, _wiki, views in opened.snapshot.pageviews().itertuples(index=False):
        demand[qid] = demand.get(qid, 0) + int(views)
    known = {f"Q{n}": int(c) for n, c in facts.all_sitelinks.itertuples(index=False)}
    assert demand and known
    return (members, observed, links, sizes, {s.id: s.targets for s in catalogue_sets},
            demand, known)


def _catalogue(snapshot):
    from bot.catalogue import load_catalogue

    return load_catalogue(snapshot)


def test_same_tables_on_the_snapshot_item_sets(snapshot_facts):
    members, observed, articles, sizes, targets, demand, known = snapshot_facts
    assert len({q for _, _, q in members}) > 3965 + 88  # climate, invasive and the rest
    check_same(members, observed, articles, sizes, targets=targets, tops=(None, 200),
               wikis=(None, ("frwiki", "plwiki", "lgwiki")), demand=demand, known=known)


def test_same_tables_with_overlapping_sets_on_the_snapshot_items(snapshot_facts):
    members, observed, articles, sizes, targets, demand, known = snapshot_facts
    # An illustrative third set in goal 13: every climate item with an even QID number, observed
    # in four of the 25 wikis (so those items have two profiles' worth of known wikis), and one
    # in goal 15 that repeats invasive species already there (an item counted once per goal).
    extra = [("even", 13, q) for _, g, q in members if g == 13 and int(q[1:]) % 2 == 0]
    again = [("again", 15, q) for _, g, q in members if g == 15][:30]
    seen = observed + [("even", w) for w in ("enwiki", "frwiki", "swwiki", "dewiki")]
    seen += [("again", w) for w in ("enwiki", "cywiki")]
    check_same(members + extra + again, seen, articles, sizes,
               targets={**targets, "again": ("15.5",)}, tops=(None, 10), demand=demand,
               known=known)


def test_same_tables_on_a_real_2014_dump_sample():
    with (FIXTURES / WIKIBRAIN).open(encoding="utf-8", newline="") as handle:
        links = [(r["qid"], r["site"]) for r in csv.DictReader(handle, delimiter="\t")]
    assert len(links) == 36391
    qids = sorted({q for q, _ in links}, key=lambda q: int(q[1:]))
    members = [("all", 1, q) for q in qids]
    members += [("third", 1, q) for q in qids if int(q[1:]) % 3 == 0]
    members += [("fifth", 2, q) for q in qids if int(q[1:]) % 5 == 0]
    counts = {}
    for _, wiki in links:
        counts[wiki] = counts.get(wiki, 0) + 1
    big = sorted(counts, key=lambda w: (-counts[w], w))[:30]
    observed = [("all", w) for w in big[:20]] + [("third", w) for w in big]
    observed += [("fifth", w) for w in sorted(counts)]
    # No page views here (no demand: every tie falls to the sitelinks); each item's count of
    # Wikipedia sitelinks in the sample ranks its scratch gaps.
    known: dict[str, int] = {}
    for qid, _wiki in links:
        known[qid] = known.get(qid, 0) + 1
    check_same(members, observed, links, tops=(None, 5, 100), wikis=(None, tuple(big[:3])),
               known=known)


# ---- random inputs ------------------------------------------------------------------------------

QIDS = [f"Q{n}" for n in (1, 2, 3, 5, 8, 9, 10, 13, 21, 34, 55, 89, 100, 144, 1000)]
WIKIS = ["arwiki", "dewiki", "enwiki", "frwiki", "swwiki", "zh_yuewiki"]


@st.composite
def facts(draw):
    sets = draw(st.lists(st.sampled_from("abcde"), min_size=1, max_size=4, unique=True))
    goal_of = {s: draw(st.integers(1, 3)) for s in sets}
    members = [(s, goal_of[s], q) for s, q in draw(
        st.lists(st.tuples(st.sampled_from(sets), st.sampled_from(QIDS)), max_size=40))]
    observed = draw(
        st.lists(st.tuples(st.sampled_from([*sets, "z"]), st.sampled_from(WIKIS)), max_size=20))
    articles = draw(
        st.lists(st.tuples(st.sampled_from([*QIDS, "Q77"]), st.sampled_from(WIKIS)), max_size=60))
    sizes = draw(st.dictionaries(st.sampled_from(articles or [("Q1", "enwiki")]),
                                 st.integers(1, 60_000), max_size=20))
    targets = {s: ("1.1",) for s in sets if draw(st.booleans())}
    # Random test inputs of the rules (as the articles are), not figures about these items.
    demand = draw(st.dictionaries(st.sampled_from(QIDS), st.integers(0, 5), max_size=10))
    known = draw(st.dictionaries(st.sampled_from(QIDS), st.integers(0, 5), max_size=10))
    return members, observed, articles, sizes, targets, demand, known


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts(), st.sampled_from([None, 1, 3]), st.sampled_from([None, ("dewiki", "enwiki")]))
def test_same_tables_on_random_facts(drawn, top, wikis):
    members, observed, articles, sizes, targets, demand, known = drawn
    check_same(members, observed, articles, sizes, targets=targets, tops=(top,), wikis=(wikis,),
               demand=demand, known=known)


def test_duplicate_article_rows_count_once():
    members = [("a", 1, "Q1"), ("a", 1, "Q2")]
    articles = [("Q1", "enwiki"), ("Q1", "enwiki"), ("Q2", "frwiki")]
    check_same(members, [("a", "enwiki"), ("a", "frwiki")], articles)


def test_sizes_on_the_thresholds():
    """An article of exactly 10,000 bytes is no stub, one of 30,000 is long (QualityScale)."""
    members = [("a", 1, f"Q{n}") for n in range(1, 6)]
    articles = [(f"Q{n}", "enwiki") for n in range(1, 6)]
    sizes = {("Q1", "enwiki"): 9_999, ("Q2", "enwiki"): 10_000, ("Q3", "enwiki"): 29_999,
             ("Q4", "enwiki"): 30_000}
    check_same(members, [("a", "enwiki"), ("a", "frwiki")], articles, sizes)
