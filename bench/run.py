"""``make bench``: P1–P4 with ratios, printed and written to bench/results/latest.md.

P1  analysis: every table of a run (coverage per goal and per item set × wiki, the first 100
    gaps of every goal × wiki, their translation sources) on SYNTHETIC data of 2 M items /
    ~17 M sitelinks / 340 wikis; ours (the files read by bot.sources.files, then the engine
    interface `sdg-gaps run` calls) against DuckDB SQL computing the same tables, each in its
    own process from the same Parquet files, results checked equal.
P2  ingestion: SPARQL results into the pipeline's DataFrame; ours (TSV, bot.sparql) against
    SPARQLWrapper JSON → dicts → DataFrame: parses of the answers a local ``oxigraph serve``
    produced to the pipeline's sitelinks query, and of the same answers from files; and the
    pipeline's batched queries end to end (server-bound, the server's own time beside).
P3  ``sdg-gaps run`` on the bundled snapshot, end to end (median of 3 fresh runs), and its
    query / API call counts.
P4  ``sdg-gaps run --sitelinks sitelinks.parquet --members members.parquet --no-history`` end to
    end (CSVs, wikitext and HTML pages, charts) on SYNTHETIC data of 0.2 M, 2 M and 6 M items
    (8.5 sitelinks an item, 340 wikis): whole-process time and peak, and how they grow with the
    input.

Never a timing assertion: this reports, it does not judge (the goals are shown beside).

    python -m bench.run [--items N] [--sitelinks N] [--p2-rows N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"


def bench_env() -> dict[str, str]:
    """The environment for measured processes: OpenBLAS overrides unset, together (see README)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    }
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def child(*args: str, timeout: float = 900) -> dict:
    """Run ``python -m ARGS`` in its own process; its last stdout line is a JSON report."""
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = {}
    for name in ("numpy", "pandas", "pyarrow", "duckdb", "SPARQLWrapper", "pyoxigraph"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "versions": versions,
        "openblas_overrides": {
            k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ
        },
    }


def p1(args, rows: list) -> dict:
    from bench.p1_analysis import compare
    from bench.synthetic import Shape, ensure

    shape = Shape(items=args.items, sitelinks=args.sitelinks)
    data = RESULTS / "cache" / f"p1-{shape.items}-{shape.sitelinks}-{shape.seed}-files"
    started = time.perf_counter()
    ensure(data, shape, run_files=True, partial=True)
    meta = json.loads((data / "meta.json").read_text())
    print(
        f"P1 data ready ({meta['sitelinks']:,} SYNTHETIC sitelinks) in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Alternate the sides so that a burst of load on the shared machine hits both.
        ours = [child("bench.p1_analysis", "ours", str(data), str(tmp / "ours"))]
        print(f"P1 ours: {ours[-1]}", flush=True)
        duck = child("bench.p1_analysis", "duckdb", str(data), str(tmp / "duckdb"))
        print(f"P1 duckdb: {duck}", flush=True)
        ours.append(child("bench.p1_analysis", "ours", str(data), str(tmp / "ours2")))
        print(f"P1 ours: {ours[-1]}", flush=True)
        equal, how = compare(tmp / "ours", tmp / "duckdb")
    best = min(ours, key=lambda r: r["seconds"])
    peak = max(r["peak_rss_mb"] for r in ours)
    rows.append(
        (
            f"P1 analysis, {meta['items'] / 1e6:.1f} M items / {meta['sitelinks'] / 1e6:.1f} M "
            f"sitelinks / {meta['wikis']} wikis: files → every table (coverage by goal and by "
            "item set, top-100 gaps, sources) (s)",
            f"{best['seconds']:.2f}",
            f"{duck['seconds']:.2f}",
            f"{duck['seconds'] / best['seconds']:.1f}× faster",
            "≥ 5× faster than DuckDB",
        )
    )
    rows.append(
        (
            "P1 whole-process peak RSS, input included (MB)",
            f"{peak:.0f}",
            f"{duck['peak_rss_mb']:.0f}",
            f"{duck['peak_rss_mb'] / peak:.1f}× less",
            "≤ 1024 MB",
        )
    )
    rows.append(("P1 tables equal to DuckDB's", "yes" if equal else "NO", "", how, "equal"))
    return {"meta": meta, "ours": ours, "duckdb": duck, "equal": equal, "how": how}


# The run in a wrapper that writes the whole process's peak resident memory (kB) to a file.
PEAK = (
    "import sys\n"
    "from bot.cli import main\n"
    "from bench.p1_analysis import peak_rss_mb\n"
    "code = main(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(round(peak_rss_mb() * 1024)))\n"
    "sys.exit(code)\n"
)


def p4(args, rows: list) -> dict:
    from bench.synthetic import Shape, ensure

    sizes = (20_000, 200_000) if args.quick else (200_000, 2_000_000, 6_000_000)
    found = []
    for items in sizes:
        shape = Shape(items=items, sitelinks=items * 17 // 2)
        data = RESULTS / "cache" / f"p4-{items}-{shape.sitelinks}-{shape.seed}"
        started = time.perf_counter()
        ensure(data, shape, run_files=True)
        meta = json.loads((data / "meta.json").read_text())
        print(f"P4 data of {items:,} items ready in {time.perf_counter() - started:.0f} s",
              flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            peak_file = Path(tmp) / "peak"
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", PEAK, str(peak_file), "run", "--sitelinks",
                 str(data / "sitelinks.parquet"), "--members", str(data / "members.parquet"),
                 "--no-history", "--quiet", "--out", str(Path(tmp) / "report")],
                cwd=tmp, env=bench_env(), capture_output=True, text=True, timeout=1800,
            )
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"P4 run failed:\n{done.stderr[-3000:]}")
            pages = len(list((Path(tmp) / "report" / "wikitext").glob("*.wiki")))
            peak = int(peak_file.read_text()) / 1024
        found.append({"items": items, "sitelinks": meta["sitelinks"], "seconds": round(seconds, 2),
                      "peak_rss_mb": round(peak, 1), "pages": pages})
        print(f"P4 {found[-1]}", flush=True)
    first = found[0]
    for result in found:
        grown = result["sitelinks"] / first["sitelinks"]
        rows.append(
            (
                f"P4 `sdg-gaps run --sitelinks … --members … --no-history`, "
                f"{result['items'] / 1e6:g} M SYNTHETIC items / {result['sitelinks'] / 1e6:.1f} M "
                f"sitelinks / 340 wikis, {result['pages']} pages: whole process (s, MB peak)",
                f"{result['seconds']:.1f} s, {result['peak_rss_mb']:.0f} MB",
                f"{first['seconds']:.1f} s, {first['peak_rss_mb']:.0f} MB "
                f"({first['items'] / 1e6:g} M items)",
                f"time ×{result['seconds'] / first['seconds']:.1f}, peak "
                f"×{result['peak_rss_mb'] / first['peak_rss_mb']:.1f} for input ×{grown:.0f}",
                "≤ 1536 MB at 2 M items; growth ≤ input's",
            )
        )
    return {"runs": found}


def p2(args, rows: list) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = child("bench.p2_ingest", str(args.p2_rows), tmp, timeout=1200)
    n, batches, size = report["rows"], report["batches"], report["batch_size"]
    goal = "≥ 1,000,000 rows/s and ≥ 10×"

    def rates(label: str, ours: float, base: float, goal: str) -> None:
        """A row of rows/s, ours and the baseline's, from their times for the *n* rows."""
        ratio = f"{base / ours:.1f}× faster"
        rows.append((label, f"{n / ours:,.0f}", f"{n / base:,.0f}", ratio, goal))

    def ingestion(label: str, where: str, extra: str = "") -> None:
        rates(
            f"P2 {label}, {n:,} SYNTHETIC rows (rows/s, median of "
            f"{report[where]['ours']['runs']} parses after a warm-up)",
            report[where]["ours"]["median_s"],
            report[where]["baseline"]["median_s"],
            goal + extra,
        )

    ingestion("ingestion from files (read + parse of the one-selection answer)", "file")
    ingestion(
        "ingestion of the oxigraph serve answer (its TSV / JSON bodies to one selection, parsed)",
        "server",
    )
    rates(
        "P2 the same, against a baseline that keeps Python objects (dtype=object, no "
        "str inference) (rows/s)",
        report["server"]["ours"]["median_s"],
        report["server"]["baseline_object"]["median_s"],
        goal,
    )
    ingestion(
        f"ingestion of the oxigraph serve answers to the pipeline's {batches} VALUES batches "
        f"of {size} items",
        "server_batches",
        extra=" (set for one selection; shown: the per-answer cost of small batches)",
    )
    alone = report["oxigraph_alone"]
    e2e = report["end_to_end"]
    rates(
        f"P2 end to end from oxigraph serve, the pipeline's {batches} batch queries, "
        f"{n:,} SYNTHETIC rows — server-bound (rows/s)",
        e2e["ours_s"],
        e2e["baseline_s"],
        f"(server-bound: oxigraph alone {alone['batches_tsv_s']:.1f} s TSV, "
        f"{alone['batches_json_s']:.1f} s JSON)",
    )
    rows.append(
        (
            f"P2 oxigraph alone: query + transfer, no parsing (s): the {batches} batch queries "
            "(one selection)",
            f"{alone['batches_tsv_s']:.2f} TSV ({alone['whole_tsv_s']:.2f})",
            f"{alone['batches_json_s']:.2f} JSON ({alone['whole_json_s']:.2f})",
            "",
            "",
        )
    )
    rates(
        "P2 ingestion from files by the fallback engine (pandas' C reader instead of "
        "pyarrow's) (rows/s)",
        report["file"]["pandas_only"]["median_s"],
        report["file"]["baseline"]["median_s"],
        "",
    )
    rows.append(
        ("P2 frames equal (all of the above)", "yes" if report["equal"] else "NO", "", "", "equal")
    )
    return report


P3_RUNS = 3  # fresh runs of `sdg-gaps run` (no cache, no history); the median is reported


def _one_run(tmp: str) -> tuple[float, subprocess.CompletedProcess, dict]:
    """One `sdg-gaps run` into *tmp* (a fresh directory): its wall time, process and summary."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "sdg-gaps"), "run", "--quiet", "--out", tmp]
        + ["--history", str(Path(tmp) / "history.sqlite")],
        cwd=REPO,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"sdg-gaps run failed:\n{done.stderr[-3000:]}")
    return seconds, done, json.loads((Path(tmp) / "summary.json").read_text())


def p3(args, rows: list) -> dict:
    times = []
    for _ in range(P3_RUNS):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, done, summary = _one_run(tmp)
            times.append(round(seconds, 2))
    seconds = statistics.median(times)
    line = next((x for x in done.stdout.splitlines() if "SPARQL quer" in x), "")
    line = line.replace(tmp, "OUT")  # no machine path in the committed results
    queries = re.search(r"(\d[\d,]*) SPARQL quer", line)
    calls = re.search(r"(\d[\d,]*) API calls?", line)
    counts = summary.get("counts", {})
    rows.append(
        (
            f"P3 `sdg-gaps run` on the bundled snapshot, end to end (s, median of {P3_RUNS} "
            "fresh runs)",
            f"{seconds:.1f}",
            "",
            "",
            "≤ 10 s",
        )
    )
    rows.append(
        (
            "P3 requests per run (printed in the run summary)",
            f"{queries.group(1) if queries else '?'} SPARQL queries, "
            f"{calls.group(1) if calls else '?'} API calls",
            "",
            f"for {counts.get('items', '?'):,} items" if counts else "",
            "batched: no per-item call",
        )
    )
    return {"seconds": seconds, "runs_s": times, "summary_line": line, "counts": counts}


def table(rows: list) -> str:
    head = ("measure", "ours", "baseline", "ratio", "goal")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="P1–P4 benchmarks (SYNTHETIC data for P1, P2, P4)")
    parser.add_argument("--items", type=int, default=2_000_000)
    parser.add_argument("--sitelinks", type=int, default=17_000_000)
    parser.add_argument("--p2-rows", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the harness")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.md")
    args = parser.parse_args()
    if args.quick:
        args.items, args.sitelinks, args.p2_rows = 100_000, 850_000, 20_000
    started = time.perf_counter()
    when = datetime.now(UTC).replace(microsecond=0)
    load_before = load()
    rows: list = []
    details = {"p1": p1(args, rows), "p2": p2(args, rows), "p3": p3(args, rows),
               "p4": p4(args, rows)}
    took = time.perf_counter() - started
    info = machine()
    text = "\n".join(
        [
            "# sdg-gaps benchmarks (`make bench`)",
            "",
            f"Run {when.isoformat()} in {took / 60:.1f} min. P1, P2 and P4 use SYNTHETIC data "
            "(seeded, random; not Wikidata facts); P3 the bundled real snapshot.",
            "",
            table(rows),
            "",
            f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; "
            f"{info['system']}; Python {info['python']}; "
            + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
            + ".",
            f"Load average (1/5/15 min) before: {load_before}; after: {load()} — the machine is "
            "shared, so absolute times vary; the ratios compare runs made in the same minutes.",
            "OpenBLAS overrides in the measured processes: none (OPENBLAS_CORETYPE and "
            "OPENBLAS_L2_SIZE unset together).",
            "",
            "Details (JSON):",
            "",
            "```json",
            json.dumps(details, indent=1, default=str)[:6000],
            "```",
            "",
        ]
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print()
    print(table(rows))
    print(
        f"\nwritten to {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}"
        f" ({took / 60:.1f} min)"
    )


if __name__ == "__main__":
    main()
