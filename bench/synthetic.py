"""SYNTHETIC Wikidata-shaped data for benchmarks — never facts, never used by the reports.

Everything this module makes is random, seeded and labelled synthetic: the QIDs are random
numbers, the wiki ids are ``synNNNwiki`` (rank NNN in a Zipf law), the item sets are
``synthetic-goal-NN``. It has the *shape* of an SDG analysis over full Wikidata:

* N items with distinct QIDs spread over Q1…Q130,000,000;
* sitelinks per item heavy-tailed (a log-normal number of draws, so most items have a few
  Wikipedias and a few items have hundreds), the Wikipedia of each draw Zipf-weighted over
  ~340 Wikipedias, repeats dropped;
* goal membership: each item in one of 17 goals (Zipf-weighted too), a share of them also in a
  second goal; one extra item set per goal for two goals that observed only 40 wikis (as a
  snapshot source does), so that "unknown" cells exist.

The frames are the pipeline's: ``members`` (itemset, goal, qid), ``observed`` (itemset, wiki),
``articles`` (qid, wiki). :func:`write_parquet` stores them for both sides of a benchmark.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

LABEL = "SYNTHETIC benchmark data (random; not Wikidata facts)"


@dataclass(frozen=True)
class Shape:
    items: int = 2_000_000
    wikis: int = 340
    sitelinks: int = 17_000_000  # target total (approximate)
    goals: int = 17
    second_goal_share: float = 0.10
    zipf_wikis: float = 1.0
    zipf_goals: float = 0.8
    sigma: float = 1.4  # log-normal spread of draws per item (the heavy tail)
    partial_sets: int = 2  # goals with an extra item set observed in only partial_wikis
    partial_wikis: int = 40
    seed: int = 7


def wiki_ids(n: int) -> list[str]:
    return [f"syn{i:03d}wiki" for i in range(n)]


def _zipf(n: int, s: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return weights / weights.sum()


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a diff: faster here than np.unique)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _draws(rng: np.random.Generator, n: int, mu: float, sigma: float, cap: int) -> np.ndarray:
    return np.minimum(np.floor(np.exp(rng.normal(mu, sigma, n))), cap).astype(np.int64)


def _sitelinks(rng, counts: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (item, wiki) pairs from ``counts[i]`` Zipf-weighted draws for item i."""
    total = int(counts.sum())
    item = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    wiki = rng.choice(len(p), size=total, p=p).astype(np.int64)
    key = _unique(item * len(p) + wiki)
    return key // len(p), key % len(p)


def _calibrate(shape: Shape) -> float:
    """The log-normal mu that gives about ``shape.sitelinks`` distinct sitelinks."""
    rng = np.random.default_rng(shape.seed + 1)
    pilot = min(shape.items, 100_000)
    p = _zipf(shape.wikis, shape.zipf_wikis)
    target = shape.sitelinks / shape.items
    lo, hi = -3.0, 6.0
    for _ in range(14):
        mu = (lo + hi) / 2
        items, _ = _sitelinks(rng, _draws(rng, pilot, mu, shape.sigma, 4 * shape.wikis), p)
        if len(items) / pilot < target:
            lo = mu
        else:
            hi = mu
    return (lo + hi) / 2


def generate(shape: Shape = Shape()) -> dict[str, pd.DataFrame]:
    """``members``, ``observed``, ``articles`` (and ``meta``): SYNTHETIC, seeded."""
    rng = np.random.default_rng(shape.seed)
    pool = _unique(rng.integers(1, 130_000_000, size=int(shape.items * 1.02) + 16))
    while len(pool) < shape.items:  # at millions of items, 2 % more draws collide too often
        more = rng.integers(1, 130_000_000, size=shape.items - len(pool) + 16)
        pool = _unique(np.concatenate([pool, more]))
    qnum = rng.permutation(pool)[: shape.items]
    qids = np.array([f"Q{n}" for n in qnum.tolist()], dtype=object)

    mu = _calibrate(shape)
    p = _zipf(shape.wikis, shape.zipf_wikis)
    item, wiki = _sitelinks(rng, _draws(rng, shape.items, mu, shape.sigma, 4 * shape.wikis), p)
    wikis = np.array(wiki_ids(shape.wikis), dtype=object)
    articles = pd.DataFrame({"qid": qids[item], "wiki": wikis[wiki]})

    goal_p = _zipf(shape.goals, shape.zipf_goals)
    goal = rng.choice(shape.goals, size=shape.items, p=goal_p) + 1
    rows = [pd.DataFrame({"goal": goal, "qid": qids})]
    second = rng.random(shape.items) < shape.second_goal_share
    other = (goal[second] - 1 + rng.integers(1, shape.goals, second.sum())) % shape.goals + 1
    rows.append(pd.DataFrame({"goal": other, "qid": qids[second]}))
    members = pd.concat(rows, ignore_index=True)
    members.insert(0, "itemset", [f"synthetic-goal-{g:02d}" for g in members["goal"].tolist()])
    observed = [
        pd.DataFrame({"itemset": f"synthetic-goal-{g:02d}", "wiki": wikis})
        for g in range(1, shape.goals + 1)
    ]
    for g in range(1, shape.partial_sets + 1):
        name = f"synthetic-goal-{g:02d}-partial"
        chosen = members[members["goal"] == g].sample(frac=0.3, random_state=shape.seed + g)
        members = pd.concat([members, chosen.assign(itemset=name)], ignore_index=True)
        picked = rng.choice(shape.wikis, size=shape.partial_wikis, replace=False)
        observed.append(pd.DataFrame({"itemset": name, "wiki": wikis[np.sort(picked)]}))
    members["goal"] = members["goal"].astype("int64")
    meta = {
        "label": LABEL,
        "shape": asdict(shape),
        "items": shape.items,
        "member_rows": len(members),
        "sitelinks": len(articles),
        "wikis": shape.wikis,
        "max_sitelinks_per_item": int(np.bincount(item).max()),
        "items_without_sitelinks": int(shape.items - len(_unique(item))),
    }
    return {
        "members": members,
        "observed": pd.concat(observed, ignore_index=True),
        "articles": articles,
        "meta": meta,
    }


def write_parquet(data: dict, directory: Path) -> dict[str, Path]:
    """Parquet files for both sides of a benchmark (and ``meta.json``).

    ``qid`` and ``wiki`` are dictionary-encoded in one row group, as a reader of a dump
    would write them (one dictionary entry per item, one per wiki).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in ("members", "observed", "articles"):
        table = pa.Table.from_pandas(data[name], preserve_index=False)
        path = directory / f"{name}.parquet"
        pq.write_table(
            table,
            path,
            row_group_size=max(len(data[name]), 1),
            use_dictionary=True,
            dictionary_pagesize_limit=256 * 1024 * 1024,
            compression="zstd",
            store_schema=False,
        )
        paths[name] = path
    (directory / "meta.json").write_text(json.dumps(data["meta"], indent=2) + "\n")
    return paths


REDIRECT_SHARE = 0.02  # SYNTHETIC: a share of sitelinks marked as redirects, as Wikidata has some


def write_run_files(
    data: dict, directory: Path, seed: int = 7, partial: bool = False
) -> dict[str, Path]:
    """The inputs of ``sdg-gaps run --sitelinks … --members …``: ``sitelinks.parquet`` (qid, wiki,
    title, badges) and ``members.parquet`` (itemset, goal, qid), with ``meta.json``.

    Titles are SYNTHETIC (``Synthetic article 123``); a share of the sitelinks carries the
    "sitelink to redirect" badge, so that the reader's redirect rule has work to do. For a run,
    every item set observes every wiki the file holds, as such a source does, and the partial
    sets of the frames are left out; with *partial* (the engine benchmark, which hands the
    engine its observed wikis itself) they are kept, and ``observed.parquet`` says what each
    set observed.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory.mkdir(parents=True, exist_ok=True)
    articles = data["articles"]
    rng = np.random.default_rng(seed)
    badges = np.where(rng.random(len(articles)) < REDIRECT_SHARE, "Q70893996", "")
    titles = pa.compute.binary_join_element_wise(
        "Synthetic article ", pa.array(np.arange(len(articles))).cast(pa.string()), ""
    )
    sitelinks = pa.table({
        "qid": pa.array(articles["qid"].astype(str).to_numpy(), pa.string()),
        "wiki": pa.array(articles["wiki"].astype(str).to_numpy(), pa.string()),
        "title": titles,
        "badges": pa.array(badges, pa.string()),
    })
    pq.write_table(sitelinks, directory / "sitelinks.parquet", compression="zstd")
    members = data["members"]
    if partial:
        pq.write_table(pa.Table.from_pandas(data["observed"], preserve_index=False),
                       directory / "observed.parquet", compression="zstd")
    else:
        members = members[~members["itemset"].str.endswith("-partial")]
    pq.write_table(pa.Table.from_pandas(members[["itemset", "goal", "qid"]],
                                        preserve_index=False),
                   directory / "members.parquet", compression="zstd")
    meta = {**data["meta"], "run_files": True, "partial": partial,
            "redirect_share": REDIRECT_SHARE}
    (directory / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    return {"sitelinks": directory / "sitelinks.parquet", "members": directory / "members.parquet"}


def _dictionaries(arrow_type):
    """Arrow dictionary columns stay Arrow dictionaries in pandas (no copy, no re-hashing)."""
    return pd.ArrowDtype(arrow_type) if str(arrow_type).startswith("dictionary") else None


def read_parquet(directory: Path) -> dict[str, pd.DataFrame]:
    """The frames back, with ``qid``/``wiki``/``itemset`` as Arrow dictionaries (codes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = {}
    for name in ("members", "observed", "articles"):
        columns = {"members": ["itemset", "qid"], "observed": ["itemset", "wiki"]}.get(
            name, ["qid", "wiki"]
        )
        table = pq.read_table(directory / f"{name}.parquet", read_dictionary=columns)
        out[name] = table.to_pandas(types_mapper=_dictionaries)
        del table
    pa.default_memory_pool().release_unused()  # the decoder's scratch memory, back to the OS
    return out


def ensure(
    directory: Path, shape: Shape, *, run_files: bool = False, partial: bool = False
) -> Path:
    """Generate into *directory* unless the same shape (and kind of files) is already there."""
    meta = directory / "meta.json"
    if meta.exists():
        try:
            found = json.loads(meta.read_text())
            if (found["shape"] == asdict(shape) and bool(found.get("run_files")) == run_files
                    and bool(found.get("partial")) == partial):
                return directory
        except (ValueError, KeyError):
            pass
    data = generate(shape)
    if run_files:
        write_run_files(data, directory, seed=shape.seed, partial=partial)
    else:
        write_parquet(data, directory)
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--items", type=int, default=Shape.items)
    parser.add_argument("--sitelinks", type=int, default=Shape.sitelinks)
    parser.add_argument("--wikis", type=int, default=Shape.wikis)
    parser.add_argument("--seed", type=int, default=Shape.seed)
    parser.add_argument(
        "--run-files",
        action="store_true",
        help="write sitelinks.parquet and members.parquet for `sdg-gaps run --sitelinks`",
    )
    args = parser.parse_args()
    shape = Shape(items=args.items, sitelinks=args.sitelinks, wikis=args.wikis, seed=args.seed)
    started = time.perf_counter()
    ensure(args.out, shape, run_files=args.run_files)
    print(json.loads((args.out / "meta.json").read_text()))
    print(f"{LABEL}: written to {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
