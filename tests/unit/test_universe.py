"""The universe of the cell indexes keeps only the wikis of its article rows: the item of a row
(:meth:`~bot.engines.universe.Universe.items_of`) and the row of an (item, wiki)
(:meth:`~bot.engines.universe.Universe.find`) are derived. Checked here against a plain listing of
the rows, made independently with Python sets and sorting.

The numbers are SYNTHETIC (seeded random structure, not Wikidata items): only their order
matters here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.engines.universe import factorize_sorted, universe
from bot.facts import Facts, articles_frame

WIKIS = ["arwiki", "dewiki", "enwiki", "frwiki", "swwiki", "zuwiki"]


def _case(seed: int):
    rng = np.random.default_rng(seed)
    members = sorted(set(rng.integers(1, 400, size=60).tolist()))
    others = [400 + i for i in range(5)]  # articles of items that are not members
    rows = [(int(q), str(w)) for q in rng.choice(members + others, size=300)
            for w in rng.choice(WIKIS, size=1)]
    rows += rows[:20]  # the same article twice counts once
    facts = Facts(members=pd.DataFrame(), observed=None,
                  articles=articles_frame(np.array([q for q, _ in rows]), [w for _, w in rows]))
    u = universe(np.array(members + members[:3]), ["zuwiki"], facts)
    code = {q: i for i, q in enumerate(members)}
    listed = sorted({(code[q], WIKIS.index(w)) for q, w in rows if q in code})
    return u, members, listed


def test_rows_are_the_members_articles_once_by_item_then_wiki():
    u, members, listed = _case(1)
    assert list(u.numbers) == members and list(u.wikis) == WIKIS
    assert u.a_wiki.tolist() == [w for _, w in listed]
    assert u.items_of(0, len(listed)).tolist() == [i for i, _ in listed]


def test_the_item_of_any_window_of_rows():
    u, _, listed = _case(2)
    items = [i for i, _ in listed]
    for start in range(0, len(listed) + 1, 7):
        for stop in (start, start + 1, start + 13, len(listed), len(listed) + 50):
            assert u.items_of(start, stop).tolist() == items[start:stop], (start, stop)


def test_find_gives_the_row_of_an_article_and_minus_one_elsewhere():
    u, members, listed = _case(3)
    where = {cell: row for row, cell in enumerate(listed)}
    items = np.repeat(np.arange(-1, len(members) + 0), len(WIKIS) + 1)
    wikis = np.tile(np.arange(-1, len(WIKIS)), len(members) + 1)
    expected = [where.get((i, w), -1) if i >= 0 and w >= 0 else -1
                for i, w in zip(items.tolist(), wikis.tolist(), strict=True)]
    assert u.find(items, wikis).tolist() == expected
    rows, item = u.rows_of(np.array([0, 2]))
    assert [listed[r][0] for r in rows] == item.tolist()
    assert sorted(rows.tolist()) == [r for r, (i, _) in enumerate(listed) if i in (0, 2)]


def test_factorize_sorted_is_pandas_factorize_sorted():
    rng = np.random.default_rng(4)
    for keys in (rng.integers(0, 50, 1000), rng.integers(-5, 10**12, 300), np.zeros(0, int),
                 np.array([7])):
        keys = keys.astype(np.int64)
        codes, distinct = factorize_sorted(keys)
        expected_codes, expected = pd.factorize(keys, sort=True)
        assert codes.tolist() == list(expected_codes)
        assert distinct.tolist() == list(expected)


def test_positions_of_numbers_in_any_order_against_a_dict():
    from bot.facts import positions

    rng = np.random.default_rng(5)
    numbers = np.array(sorted(set(rng.integers(1, 10_000, size=500).tolist())))
    at = {int(n): i for i, n in enumerate(numbers)}
    for values in (rng.integers(0, 10_001, size=2_000), np.sort(rng.integers(0, 10_001, 50)),
                   np.array([], dtype=np.int64), np.array([10_001, 0])):
        assert positions(numbers, values).tolist() == [at.get(int(v), -1) for v in values]


def test_a_readers_item_codes_give_the_same_universe_whatever_its_numbering():
    """Articles as a reader gives them (``item`` codes into ``Facts.item_numbers``): numbered
    like the members (as `run` does), or over other numbers (here the members and the items
    that are not members, so codes must be turned into the universe's)."""
    _, members, _ = _case(6)
    rng = np.random.default_rng(6)
    rows = [(int(q), str(w)) for q in rng.choice(members + [400, 401], size=300)
            for w in rng.choice(WIKIS, size=1)]
    plain = universe(np.array(members), ["zuwiki"], Facts(
        members=pd.DataFrame(), observed=None,
        articles=articles_frame(np.array([q for q, _ in rows]), [w for _, w in rows])))
    for numbers in (members, sorted(members + [400, 401])):
        at = {q: i for i, q in enumerate(numbers)}
        kept = [(q, w) for q, w in rows if q in at]
        articles = pd.DataFrame({"item": np.array([at[q] for q, _ in kept], dtype=np.int32),
                                 "wiki": pd.Categorical([w for _, w in kept])})
        coded = universe(np.array(members), ["zuwiki"], Facts(
            members=pd.DataFrame(), observed=None, articles=articles,
            item_numbers=np.array(numbers)))
        assert list(coded.numbers) == list(plain.numbers)
        assert coded.a_wiki.tolist() == plain.a_wiki.tolist()
        assert coded.item_start.tolist() == plain.item_start.tolist()
        assert coded.member_items.tolist() == plain.member_items.tolist()
