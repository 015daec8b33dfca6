"""The Parquet readers of ``--sitelinks`` and ``--members`` against a plain Python reading.

:func:`bot.sources.parquet.parquet_articles` keeps a sitelink when its item is a member, its wiki
a Wikipedia, and no redirect badge marks it; each (item, wiki) once. The reference below says
that again row by row with Python sets, on files written both ways Parquet stores strings
(dictionary pages and plain ones), in several row groups, with missing values in every column
that may have them.

The rows are SYNTHETIC (structure only: made-up items, titles and badge lists; the redirect
badges are the real ones, :data:`bot.ids.REDIRECT_BADGES`).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bot.errors import ConfigError, DumpError
from bot.ids import REDIRECT_BADGES
from bot.sources import files, parquet
from bot.sources.dump import is_wikipedia, known_wikipedias

REDIRECT = sorted(REDIRECT_BADGES)[0]
WIKIS = ["enwiki", "frwiki", "swwiki", "commonswiki", "enwikisource", None, "zh_yuewiki"]
BADGES = ["", None, REDIRECT, f"Q17437796 {REDIRECT}", "Q17437796", "Q17437798"]


def _rows(n: int = 3000):
    rows = []
    for i in range(n):
        qid = f"Q{1 + (i * 7919) % 500}"
        rows.append((qid, WIKIS[(i * 31) % len(WIKIS)], f"t{i}", BADGES[(i * 13) % len(BADGES)]))
    return rows


def _write(path, rows, *, dictionary: bool) -> None:
    table = pa.table({name: pa.array([r[k] for r in rows], pa.string())
                      for k, name in enumerate(("qid", "wiki", "title", "badges"))})
    pq.write_table(table, path, row_group_size=700, use_dictionary=dictionary)


def _members(qids) -> pd.DataFrame:
    return pd.DataFrame({"itemset": "mine", "goal": 6, "qid": sorted(qids)})


def _expected(rows, members: set[str]) -> set[tuple[int, str]]:
    known = known_wikipedias()
    kept = set()
    for qid, wiki, _, badges in rows:
        if qid not in members or wiki is None or not is_wikipedia(wiki, known):
            continue
        if set((badges or "").split()) & REDIRECT_BADGES:
            continue
        kept.add((int(qid[1:]), wiki))
    return kept


@pytest.mark.parametrize("dictionary", [True, False])
def test_the_kept_articles_are_those_a_plain_reading_keeps(tmp_path, dictionary):
    rows = _rows()
    path = tmp_path / "sitelinks.parquet"
    _write(path, rows, dictionary=dictionary)
    members = {f"Q{n}" for n in range(1, 500, 3)}
    frame, counts, numbers = parquet.parquet_articles(path, _members(members))
    got = list(zip((numbers[i] for i in frame["item"]), frame["wiki"].astype(str), strict=True))
    assert set(got) == _expected(rows, members)
    assert counts["rows"] == len(rows)
    assert counts["articles"] == len(frame)
    assert counts["redirect_sitelinks"] == sum(
        1 for q, w, _, b in rows if q in members and w is not None
        and is_wikipedia(w, known_wikipedias()) and set((b or "").split()) & REDIRECT_BADGES)


@pytest.mark.parametrize("bad", [None, "Q01", "P31"])
def test_a_sitelink_row_without_a_qid_is_one_clear_error(tmp_path, bad):
    rows = _rows(1500)
    rows[1200] = (bad, "enwiki", "t", "")
    path = tmp_path / "sitelinks.parquet"
    _write(path, rows, dictionary=True)
    with pytest.raises(DumpError) as refused:
        parquet.parquet_articles(path, _members({"Q1"}))
    message = str(refused.value)
    assert "not a Wikidata item id" in message and str(bad) in message and "\n" not in message


def test_members_trimmed_once_each_in_file_order(tmp_path):
    table = pa.table({
        "itemset": ["water ", "water", " air", "water", "air"] * 300,
        "goal": [6, 6, 13, 6, 13] * 300,
        "qid": [f"Q{1 + i // 5}" for i in range(1500)],
    })
    path = tmp_path / "members.parquet"
    pq.write_table(table, path, row_group_size=400)
    members = files.read_members(path)
    expected = list(dict.fromkeys(
        (s.strip(), g, q) for s, g, q in zip(*(table[c].to_pylist() for c in table.column_names),
                                             strict=True)))
    assert list(zip(members["itemset"].astype(str), members["goal"], members["qid"],
                    strict=True)) == expected
    assert members["qnum"].tolist() == [int(q[1:]) for _, _, q in expected]


def test_a_member_without_an_item_set_is_named_by_its_row(tmp_path):
    table = pa.table({"itemset": ["water"] * 500 + [None] + ["water"] * 10,
                      "goal": [6] * 511, "qid": [f"Q{i + 1}" for i in range(511)]})
    path = tmp_path / "members.parquet"
    pq.write_table(table, path, row_group_size=200)
    with pytest.raises(ConfigError, match="row 502: no item set named"):
        files.read_members(path)
