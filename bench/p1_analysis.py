"""P1: coverage per goal × wiki and the top-100 gaps of every wiki, ours against DuckDB SQL.

Each side runs in its own process, from the same Parquet files (SYNTHETIC data from
:mod:`bench.synthetic`), and reports its wall time (files → result tables) and the process's
peak resident memory (input included). Both write their tables, and :func:`compare` checks that
they are equal row for row.

    python -m bench.p1_analysis ours DATA_DIR OUT_DIR
    python -m bench.p1_analysis duckdb DATA_DIR OUT_DIR
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd

TOP = 100

# The rules of bot.coverage in DuckDB SQL, written to be fast rather than literal: the cells
# (items × observed wikis) are never listed. An item's item sets within a goal form its
# profile; items per (goal, wiki) are counted per profile; articles are kept only where their
# cell is known; the gaps of a (goal, wiki) are looked for only among the first
# 100 + articles + unknown positions of the goal's ranking (the first 100 gaps must lie there),
# by an equality join on (goal, position) and an anti join with the articles.
DUCKDB_SQL = f"""
CREATE TEMP TABLE members AS SELECT DISTINCT goal, itemset, qid FROM read_parquet($members);
CREATE TEMP TABLE observed AS SELECT DISTINCT itemset, wiki FROM read_parquet($observed);
CREATE TEMP TABLE articles AS SELECT qid, wiki FROM read_parquet($articles);
CREATE TEMP TABLE gq AS
  SELECT goal, qid, list_sort(list(itemset)) AS sets FROM members GROUP BY goal, qid;
CREATE TEMP TABLE profiles AS
  SELECT row_number() OVER () AS pid, goal, sets, n
  FROM (SELECT goal, sets, count(*) AS n FROM gq GROUP BY goal, sets);
CREATE TEMP TABLE gp AS
  SELECT g.goal, g.qid, p.pid FROM gq g JOIN profiles p ON p.goal = g.goal AND p.sets = g.sets;
CREATE TEMP TABLE profile_wikis AS
  SELECT DISTINCT s.pid, s.goal, o.wiki
  FROM (SELECT pid, goal, unnest(sets) AS itemset FROM profiles) s
  JOIN observed o ON o.itemset = s.itemset;
CREATE TEMP TABLE known AS
  SELECT DISTINCT g.goal, g.qid, a.wiki
  FROM articles a JOIN gp g ON g.qid = a.qid
  JOIN profile_wikis pw ON pw.pid = g.pid AND pw.wiki = a.wiki;
CREATE TEMP TABLE cov AS
  SELECT i.goal, i.wiki, i.items, coalesce(k.articles, 0) AS articles
  FROM (SELECT pw.goal, pw.wiki, sum(p.n) AS items
        FROM profile_wikis pw JOIN profiles p ON p.pid = pw.pid GROUP BY pw.goal, pw.wiki) i
  LEFT JOIN (SELECT goal, wiki, count(*) AS articles FROM known GROUP BY goal, wiki) k
    ON k.goal = i.goal AND k.wiki = i.wiki;
CREATE TEMP TABLE ranked AS
  SELECT g.goal, g.qid, g.pid, coalesce(s.sitelinks, 0) AS sitelinks,
         row_number() OVER (
           PARTITION BY g.goal
           ORDER BY coalesce(s.sitelinks, 0) DESC, CAST(substr(g.qid, 2) AS BIGINT)
         ) AS pos
  FROM gp g
  LEFT JOIN (SELECT goal, qid, count(*) AS sitelinks FROM known GROUP BY goal, qid) s
    ON s.goal = g.goal AND s.qid = g.qid;
CREATE TEMP TABLE candidates AS
  SELECT c.goal, c.wiki,
         unnest(range(1, CAST({TOP} + c.articles + (t.total - c.items) + 1 AS BIGINT))) AS pos
  FROM cov c JOIN (SELECT goal, count(*) AS total FROM gp GROUP BY goal) t ON t.goal = c.goal;
CREATE TEMP TABLE gaps AS
  SELECT r.goal, c.wiki, r.qid, r.sitelinks,
         row_number() OVER (PARTITION BY r.goal, c.wiki ORDER BY r.pos) AS rank
  FROM candidates c
  JOIN ranked r ON r.goal = c.goal AND r.pos = c.pos
  JOIN profile_wikis pw ON pw.pid = r.pid AND pw.wiki = c.wiki
  ANTI JOIN known k ON k.goal = r.goal AND k.qid = r.qid AND k.wiki = c.wiki
  QUALIFY rank <= {TOP};
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def finish(cov: pd.DataFrame, gaps: pd.DataFrame, out: Path, started: float, **extra) -> dict:
    seconds = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    cov.to_parquet(out / "coverage.parquet", index=False)
    gaps.to_parquet(out / "gaps.parquet", index=False)
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(peak_rss_mb(), 1), **extra}


def run_ours(data: Path, out: Path) -> dict:
    started = time.perf_counter()
    from bench.synthetic import read_parquet
    from bot import coverage

    frames = read_parquet(data)
    loaded = time.perf_counter() - started
    index = coverage.index_cells(frames["members"], frames["observed"], frames["articles"])
    cov = coverage.coverage(index)
    gaps = coverage.ranked_gaps(index, top=TOP)
    return finish(
        cov, gaps, out, started, load_seconds=round(loaded, 3), input_rows=len(frames["articles"])
    )


def run_duckdb(data: Path, out: Path) -> dict:
    started = time.perf_counter()
    import duckdb

    con = duckdb.connect()
    params = {n: str(data / f"{n}.parquet") for n in ("members", "observed", "articles")}
    for statement in DUCKDB_SQL.split(";"):
        if statement.strip():
            con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    cov = con.execute("SELECT * FROM cov ORDER BY goal, wiki").df()
    gaps = con.execute(
        "SELECT goal, wiki, rank, qid, sitelinks FROM gaps ORDER BY goal, wiki, rank"
    ).df()
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return finish(cov, gaps, out, started, threads=int(threads))


def _normal(frame: pd.DataFrame, sort: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if column in ("goal", "items", "articles", "rank", "sitelinks"):
            frame[column] = frame[column].astype("int64")
        else:
            frame[column] = frame[column].astype(str)
    return frame.sort_values(sort, ignore_index=True)


def compare(ours: Path, theirs: Path) -> tuple[bool, str]:
    """Equal coverage counts and equal top gap lists (QID, rank, sitelinks)?"""
    cols = ["goal", "wiki", "items", "articles"]
    a = _normal(pd.read_parquet(ours / "coverage.parquet")[cols], ["goal", "wiki"])
    b = _normal(pd.read_parquet(theirs / "coverage.parquet")[cols], ["goal", "wiki"])
    if not a.equals(b):
        return False, "coverage tables differ"
    cols = ["goal", "wiki", "rank", "qid", "sitelinks"]
    a = _normal(pd.read_parquet(ours / "gaps.parquet")[cols], ["goal", "wiki", "rank"])
    b = _normal(pd.read_parquet(theirs / "gaps.parquet")[cols], ["goal", "wiki", "rank"])
    if not a.equals(b):
        return False, "gap lists differ"
    return True, f"equal: {len(a):,} gap rows"


def main(argv: list[str]) -> None:
    side, data, out = argv[0], Path(argv[1]), Path(argv[2])
    result = {"ours": run_ours, "duckdb": run_duckdb}[side](data, out)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
