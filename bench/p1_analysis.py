"""P1: every table of a run from Parquet files — ours (the engine interface ``sdg-gaps run``
calls) against DuckDB SQL computing the same tables.

Each side runs in its own process, from the same files (SYNTHETIC data from
:mod:`bench.synthetic`: ``sitelinks.parquet`` qid, wiki, title, badges; ``members.parquet``;
``observed.parquet``, what each item set observed), and reports its wall time (files → tables)
and the process's peak resident memory (input included). Ours is what a run does: the members
and the sitelinks read by :mod:`bot.sources.files`, then the default engine's
:meth:`~bot.engines.compact.CompactEngine.tables` with ``gaps_per_wiki=100``. The tables
compared: coverage per goal × wiki, per item set × wiki, the first 100 gaps of every goal ×
wiki × kind (translate, scratch), and the translation source of each listed gap (no page
size is known, so the preference rule). :func:`compare` checks them equal row for row.

    python -m bench.p1_analysis ours DATA_DIR OUT_DIR
    python -m bench.p1_analysis duckdb DATA_DIR OUT_DIR
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

if __name__ == "__main__" and sys.argv[1:2] == ["ours"]:
    from bot.memory import one_heap

    one_heap()  # as `sdg-gaps` does first (bot.cli), before numpy and Arrow start threads

import pandas as pd  # noqa: E402

TOP = 100
PREFERENCE = ("enwiki", "frwiki", "eswiki", "ruwiki", "zhwiki", "arwiki",
              "dewiki", "itwiki", "ptwiki", "jawiki", "plwiki", "nlwiki")

# The rules of bot.engines.base in DuckDB SQL, written to be fast rather than literal: items
# become numbers, the cells (items × observed wikis) are never listed. An item's item sets
# within a goal form its profile; items per (goal, wiki) are counted per profile; articles are
# kept only where their cell is known; the gaps of a (goal, wiki) are looked for only among the
# first 100 + articles + unknown positions of the goal's ranking of each kind (translate: the
# item has an article in an observed wiki; scratch: none; the first 100 gaps of a kind must lie
# there), by an equality join on (goal, kind, position) and an anti join with the articles.
DUCKDB_SQL = f"""
CREATE TEMP TABLE members AS
  SELECT DISTINCT goal, itemset, CAST(substr(qid, 2) AS BIGINT) AS qnum
  FROM read_parquet($members);
CREATE TEMP TABLE observed AS SELECT DISTINCT itemset, wiki FROM read_parquet($observed);
CREATE TEMP TABLE articles AS
  SELECT DISTINCT CAST(substr(qid, 2) AS BIGINT) AS qnum, wiki FROM read_parquet($sitelinks)
  WHERE coalesce(badges, '') NOT LIKE '%Q70893996%' AND coalesce(badges, '') NOT LIKE '%Q70894304%';
CREATE TEMP TABLE gq AS
  SELECT goal, qnum, list_sort(list(itemset)) AS sets FROM members GROUP BY goal, qnum;
CREATE TEMP TABLE profiles AS
  SELECT row_number() OVER () AS pid, goal, sets, n
  FROM (SELECT goal, sets, count(*) AS n FROM gq GROUP BY goal, sets);
CREATE TEMP TABLE gp AS
  SELECT g.goal, g.qnum, p.pid FROM gq g JOIN profiles p ON p.goal = g.goal AND p.sets = g.sets;
CREATE TEMP TABLE profile_wikis AS
  SELECT DISTINCT s.pid, s.goal, o.wiki
  FROM (SELECT pid, goal, unnest(sets) AS itemset FROM profiles) s
  JOIN observed o ON o.itemset = s.itemset;
CREATE TEMP TABLE known AS
  SELECT DISTINCT g.goal, g.qnum, a.wiki
  FROM articles a JOIN gp g ON g.qnum = a.qnum
  JOIN profile_wikis pw ON pw.pid = g.pid AND pw.wiki = a.wiki;
CREATE TEMP TABLE cov AS
  SELECT i.goal, i.wiki, i.items, coalesce(k.articles, 0) AS articles
  FROM (SELECT pw.goal, pw.wiki, sum(p.n) AS items
        FROM profile_wikis pw JOIN profiles p ON p.pid = pw.pid GROUP BY pw.goal, pw.wiki) i
  LEFT JOIN (SELECT goal, wiki, count(*) AS articles FROM known GROUP BY goal, wiki) k
    ON k.goal = i.goal AND k.wiki = i.wiki;
CREATE TEMP TABLE cov_sets AS
  SELECT o.itemset, o.wiki, s.items, coalesce(k.articles, 0) AS articles
  FROM observed o JOIN (SELECT itemset, count(DISTINCT qnum) AS items FROM members
                        GROUP BY itemset) s ON s.itemset = o.itemset
  LEFT JOIN (SELECT m.itemset, a.wiki, count(*) AS articles
             FROM (SELECT DISTINCT itemset, qnum FROM members) m
             JOIN articles a ON a.qnum = m.qnum
             JOIN observed o ON o.itemset = m.itemset AND o.wiki = a.wiki
             GROUP BY m.itemset, a.wiki) k ON k.itemset = o.itemset AND k.wiki = o.wiki;
CREATE TEMP TABLE ranked AS
  SELECT goal, qnum, pid, sitelinks, kind,
         row_number() OVER (PARTITION BY goal, kind ORDER BY sitelinks DESC, qnum) AS pos
  FROM (SELECT g.goal, g.qnum, g.pid, coalesce(s.sitelinks, 0) AS sitelinks,
               CASE WHEN coalesce(s.sitelinks, 0) > 0 THEN 'translate' ELSE 'scratch' END AS kind
        FROM gp g
        LEFT JOIN (SELECT goal, qnum, count(*) AS sitelinks FROM known GROUP BY goal, qnum) s
          ON s.goal = g.goal AND s.qnum = g.qnum);
CREATE TEMP TABLE candidates AS
  SELECT c.goal, c.wiki, k.kind,
         unnest(range(1, CAST({TOP} + (CASE WHEN k.kind = 'translate' THEN c.articles ELSE 0 END)
                               + (t.total - c.items) + 1 AS BIGINT))) AS pos
  FROM cov c JOIN (SELECT goal, count(*) AS total FROM gp GROUP BY goal) t ON t.goal = c.goal
  CROSS JOIN (VALUES ('translate'), ('scratch')) k(kind);
CREATE TEMP TABLE gaps AS
  SELECT r.goal, c.wiki, r.qnum, r.sitelinks, r.kind,
         row_number() OVER (PARTITION BY r.goal, c.wiki, r.kind ORDER BY r.pos) AS rank
  FROM candidates c
  JOIN ranked r ON r.goal = c.goal AND r.kind = c.kind AND r.pos = c.pos
  JOIN profile_wikis pw ON pw.pid = r.pid AND pw.wiki = c.wiki
  ANTI JOIN known k ON k.goal = r.goal AND k.qnum = r.qnum AND k.wiki = c.wiki
  QUALIFY rank <= {TOP};
CREATE TEMP TABLE preference AS
  SELECT * FROM (VALUES {", ".join(f"('{w}', {i})" for i, w in enumerate(PREFERENCE))})
  AS p(wiki, pref);
CREATE TEMP TABLE sources AS
  SELECT qnum, arg_min(a.wiki, coalesce(p.pref, {len(PREFERENCE)}) * 1000000 + w.code)
         AS source_wiki
  FROM (SELECT DISTINCT qnum FROM gaps) g JOIN articles a USING (qnum)
  JOIN (SELECT wiki, row_number() OVER (ORDER BY wiki) AS code
        FROM (SELECT DISTINCT wiki FROM articles)) w USING (wiki)
  LEFT JOIN preference p USING (wiki)
  GROUP BY qnum;
"""


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (MB).

    ``VmHWM``, the high-water mark of the process's own address space: ``ru_maxrss`` is not
    that on Linux — a child started by a parent holding gigabytes (the bench, after making the
    data) inherits the parent's high-water mark at exec and reports it as its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def finish(tables: dict, out: Path, started: float, **extra) -> dict:
    seconds = time.perf_counter() - started
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(out / f"{name}.parquet", index=False)
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(peak_rss_mb(), 1), **extra}


def run_ours(data: Path, out: Path) -> dict:
    started = time.perf_counter()
    from bot.engines import Plan, make_engine
    from bot.sources import files

    members = files.read_members(data / "members.parquet")
    facts, _ = files.gather(data / "sitelinks.parquet", members)
    facts.observed = pd.read_parquet(data / "observed.parquet")
    loaded = time.perf_counter() - started
    done = make_engine("compact").tables(facts, Plan(gaps_per_wiki=TOP))
    tables = {
        "coverage": done.coverage, "coverage_itemsets": done.coverage_itemsets,
        "gaps": done.gaps, "sources": done.sources[["qid", "source_wiki"]],
    }
    return finish(tables, out, started, load_seconds=round(loaded, 3),
                  input_rows=int(facts.counts.get("rows", 0)))


def run_duckdb(data: Path, out: Path) -> dict:
    started = time.perf_counter()
    import duckdb

    con = duckdb.connect()
    params = {n: str(data / f"{n}.parquet") for n in ("members", "observed", "sitelinks")}
    for statement in DUCKDB_SQL.split(";"):
        if statement.strip():
            con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
    tables = {
        "coverage": con.execute("SELECT * FROM cov ORDER BY goal, wiki").df(),
        "coverage_itemsets": con.execute("SELECT * FROM cov_sets ORDER BY itemset, wiki").df(),
        "gaps": con.execute("SELECT goal, wiki, rank, 'Q' || qnum AS qid, sitelinks, kind "
                            "FROM gaps ORDER BY goal, wiki, kind, rank").df(),
        "sources": con.execute("SELECT 'Q' || qnum AS qid, source_wiki FROM sources "
                               "ORDER BY qnum").df(),
    }
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    return finish(tables, out, started, threads=int(threads))


def _normal(frame: pd.DataFrame, sort: list[str]) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if column in ("goal", "items", "articles", "rank", "sitelinks"):
            frame[column] = frame[column].astype("int64")
        else:
            frame[column] = frame[column].astype(str)
    return frame.sort_values(sort, ignore_index=True)


TABLES = {
    "coverage": (["goal", "wiki", "items", "articles"], ["goal", "wiki"]),
    "coverage_itemsets": (["itemset", "wiki", "items", "articles"], ["itemset", "wiki"]),
    "gaps": (["goal", "wiki", "kind", "rank", "qid", "sitelinks"],
             ["goal", "wiki", "kind", "rank"]),
    "sources": (["qid", "source_wiki"], ["qid"]),
}


def compare(ours: Path, theirs: Path) -> tuple[bool, str]:
    """The four tables equal, row for row?"""
    rows = 0
    for name, (columns, order) in TABLES.items():
        a = _normal(pd.read_parquet(ours / f"{name}.parquet")[columns], order)
        b = _normal(pd.read_parquet(theirs / f"{name}.parquet")[columns], order)
        if not a.equals(b):
            return False, f"{name} differs"
        rows += len(a)
    return True, f"equal: {rows:,} rows in {len(TABLES)} tables"


def main(argv: list[str]) -> None:
    side, data, out = argv[0], Path(argv[1]), Path(argv[2])
    result = {"ours": run_ours, "duckdb": run_duckdb}[side](data, out)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
