"""P2: SPARQL results into the pipeline's DataFrame, ours (TSV) against SPARQLWrapper JSON.

The result set is SYNTHETIC sitelinks (random items, ``synNNN`` wikis, made-up titles; see
:func:`ntriples`) shaped as WDQS serves them, loaded into a local ``oxigraph serve`` (the PyPI
``oxigraph`` binary, on 127.0.0.1) and asked with the pipeline's own query text
(``queries/lib/sitelinks.rq``): as the pipeline sends it,
:func:`bot.sources.endpoint.sitelinks_query` over VALUES batches of
``bot.sources.endpoint.DEFAULT_BATCH`` items, and as one equivalent selection without the VALUES
block (the whole result set in one answer).

* ours: the pipeline's TSV reader, ``bot.sparql.PARSERS["tsv"]`` (behind
  :meth:`bot.sparql.HttpEndpoint.select`);
* baseline: SPARQLWrapper asking for JSON, its own ``convert()`` to Python dicts, then a
  DataFrame of the values row by row — the usual way.

Measured, each side on the same result set:

* ``server``: ingestion of the oxigraph serve answer — the bodies the server produced (fetched
  once per format: TSV for ours, JSON for the baseline) parsed into the frame; median of
  :data:`REPEAT` parses after an untimed one. Once for the one-selection answer, once for the
  batch answers. The frame is the pipeline's (pandas' ``str`` columns,
  :func:`bot.sparql.results_frame`); the baseline builds the same with pandas' default
  inference, and once more with ``dtype=object`` (Python objects, no inference: cheaper for
  it, so also shown).
* ``file``: the same answers read from files (read + parse), median of :data:`REPEAT`.
* ``end_to_end``: the pipeline's batched queries against the server, query to concatenated
  frame, once per side. Server-bound: the server's own time (query + transfer of the bodies, no
  parsing) is measured beside it.

Every frame must be the same (checked). Rates are rows per second of wall time.

    python -m bench.p2_ingest ROWS WORK_DIR
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

LABEL = "SYNTHETIC sitelinks (random; not Wikidata facts)"
REPEAT = 7  # timed parses per side, after one untimed; the median is reported (times kept)

TSV = "text/tab-separated-values"
JSON_TYPE = "application/sparql-results+json"
EXPECT = ("item", "site", "title")  # what the pipeline's fetch_sitelinks asks the reader for

WORDS = ["climate", "Ötzi", "Ñandú", "København", "北京", "Москва", "القاهرة", "São Paulo"]
ESCAPED = ['say "hi"', "a\\b"]  # one title in 200 needs an escape in TSV


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _draw_items(rng: np.random.Generator, rows: int) -> np.ndarray:
    return rng.integers(1, 130_000_000, size=rows // 8 + 1)  # eight sitelinks per item


def ntriples(rows: int, seed: int = 11) -> bytes:
    """About *rows* SYNTHETIC sitelinks as N-Triples (WDQS's shape), 5 % with a badge."""
    rng = np.random.default_rng(seed)
    items = _draw_items(rng, rows)
    lines = []
    for n in range(rows):
        q = int(items[n // 8])
        wiki = int(rng.integers(0, 340))
        word = ESCAPED[n % 2] if n % 200 == 7 else WORDS[n % len(WORDS)]
        title = f"{word} {q} {n}"
        article = f"<https://syn{wiki:03d}.example.org/wiki/A{n}>"
        lines.append(f"{article} <http://schema.org/about> <http://www.wikidata.org/entity/Q{q}> .")
        lines.append(
            f"{article} <http://schema.org/isPartOf> <https://syn{wiki:03d}.wikipedia.org/> ."
        )
        lines.append(f"{article} <http://schema.org/name> {_literal(title)}@x-syn{wiki:03d} .")
        if n % 20 == 0:
            lines.append(
                f"{article} <http://wikiba.se/ontology#badge> "
                "<http://www.wikidata.org/entity/Q17437796> ."
            )
    return ("\n".join(lines) + "\n").encode("utf-8")


def item_qids(rows: int, seed: int = 11) -> list[str]:
    """The distinct items of :func:`ntriples` (same seed), sorted as the pipeline sorts them."""
    used = _draw_items(np.random.default_rng(seed), rows)[: (rows - 1) // 8 + 1]
    return sorted({f"Q{int(q)}" for q in used}, key=lambda q: int(q[1:]))


def whole_query() -> str:
    """The pipeline's sitelinks query text without its VALUES block: every item in one answer."""
    from bot.sources.endpoint import QUERY_LIB

    text = (QUERY_LIB / "sitelinks.rq").read_text(encoding="utf-8")
    whole, found = re.subn(r"(?m)^[ \t]*VALUES \?item \{ \$items \}[ \t]*\n", "", text)
    if found != 1 or "$" in whole:
        raise SystemExit("queries/lib/sitelinks.rq has changed: update bench.p2_ingest")
    return whole


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("the oxigraph server (PyPI package oxigraph) is not installed")
    return found


class Server:
    """``oxigraph serve`` on 127.0.0.1 over a store bulk-loaded from an N-Triples file."""

    def __init__(self, data: Path, location: Path):
        if location.exists():
            shutil.rmtree(location)
        subprocess.run(
            [oxigraph_binary(), "load", "--location", str(location), "--file", str(data)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                oxigraph_binary(),
                "serve-read-only",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "RUST_LOG": "error"},
        )
        self.url = f"http://127.0.0.1:{self.port}/query"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit("oxigraph serve did not start")

    def fetch(self, query: str, accept: str) -> tuple[bytes, str]:
        """The server's answer body and content type, unparsed."""
        request = urllib.request.Request(
            self.url,
            data=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
        with urllib.request.urlopen(request, timeout=600) as reply:
            return reply.read(), reply.headers.get("Content-Type", "")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the two sides ------------------------------------------------------------------------


def baseline_frame(doc: dict, dtype: object = None) -> pd.DataFrame:
    """SPARQLWrapper's JSON dicts → a DataFrame, the usual way: one dict per row.

    pandas infers its default ``str`` dtype for the columns of strings (unbound cells are
    missing), which is the pipeline's frame (:func:`bot.sparql.results_frame`). With
    ``dtype=object`` the columns stay Python objects (no inference): a cheaper baseline, also
    measured.
    """
    variables = doc["head"]["vars"]
    rows = [{v: b[v]["value"] for v in b} for b in doc["results"]["bindings"]]
    return pd.DataFrame(rows, columns=variables, dtype=dtype)


class _Stored:
    """An HTTP response stand-in holding a body the server sent (or a file), for SPARQLWrapper."""

    def __init__(self, read: Callable[[], bytes], content_type: str):
        self.read = read
        self.content_type = content_type

    def info(self) -> dict:
        return {"Content-Type": self.content_type}


def baseline_parse(
    read: Callable[[], bytes], content_type: str = JSON_TYPE, dtype: object = None
) -> pd.DataFrame:
    """SPARQLWrapper's own JSON conversion (``QueryResult.convert``) → dicts → DataFrame."""
    from SPARQLWrapper import JSON
    from SPARQLWrapper.Wrapper import QueryResult

    return baseline_frame(QueryResult((_Stored(read, content_type), JSON)).convert(), dtype)


def ours_parse(body: bytes) -> pd.DataFrame:
    from bot.sparql import PARSERS

    return PARSERS["tsv"](body, "oxigraph serve", EXPECT)


def baseline_end_to_end(url: str, queries: Sequence[str]) -> pd.DataFrame:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    frames = []
    for query in queries:
        wrapper = SPARQLWrapper(url, agent="sdg-gaps-bench/0 (local benchmark)")
        wrapper.setQuery(query)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        frames.append(baseline_frame(wrapper.query().convert()))
    return pd.concat(frames, ignore_index=True)


def ours_end_to_end(url: str, qids: Sequence[str]) -> pd.DataFrame:
    """The pipeline's sitelinks ingestion: its batches, its endpoint, its reader, its concat."""
    from bot.sources.endpoint import DEFAULT_BATCH, select_batches, sitelinks_query
    from bot.sparql import HttpEndpoint

    endpoint = HttpEndpoint(url, name="bench", result_format="tsv")
    frames = select_batches(
        endpoint,
        qids,
        sitelinks_query,
        EXPECT,
        stage="sitelinks",
        batch_size=DEFAULT_BATCH,
        progress=None,
        failures=None,
    )
    return pd.concat(frames, ignore_index=True)


# --- measuring -----------------------------------------------------------------------------


def timings(fn, repeat: int = REPEAT, warmup: int = 0) -> tuple[list[float], object]:
    """Wall times of *repeat* runs of *fn* after *warmup* untimed ones, and its last result.

    A warm-up run lets either side's first-call costs (imports, the allocator growing its pools)
    fall outside the measure, for both sides alike.
    """
    result = None
    for _ in range(warmup):
        result = fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def summary(times: list[float]) -> dict:
    return {
        "median_s": round(statistics.median(times), 4),
        "best_s": round(min(times), 4),
        "runs": len(times),
    }


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    a = a.astype(object).where(a.notna(), None)
    b = b.astype(object).where(b.notna(), None)
    order = ["item", "site", "title", "badge"]
    a = a[order].fillna("").sort_values(order, ignore_index=True)
    b = b[order].fillna("").sort_values(order, ignore_index=True)
    return a.equals(b)


def run(rows: int, work: Path) -> dict:
    from bot.sources.endpoint import DEFAULT_BATCH, batches, sitelinks_query
    from bot.sparql import parse_results_tsv
    from bot.sparql.tsv import plain_tsv_frame

    work.mkdir(parents=True, exist_ok=True)
    data = work / f"sitelinks-{rows}.nt"
    if not data.exists():
        data.write_bytes(ntriples(rows))
    qids = item_qids(rows)
    batch_queries = [sitelinks_query(batch) for batch in batches(qids, DEFAULT_BATCH)]
    whole = whole_query()
    server = Server(data, work / "oxigraph-store")
    try:
        # The server's answers, fetched once per format (the server's own time, no parsing).
        fetch_s = {}
        started = time.perf_counter()
        tsv, tsv_type = server.fetch(whole, TSV)
        fetch_s["whole_tsv_s"] = time.perf_counter() - started
        started = time.perf_counter()
        body, json_type = server.fetch(whole, JSON_TYPE)
        fetch_s["whole_json_s"] = time.perf_counter() - started
        started = time.perf_counter()
        batch_tsv = [server.fetch(q, TSV)[0] for q in batch_queries]
        fetch_s["batches_tsv_s"] = time.perf_counter() - started
        started = time.perf_counter()
        batch_json = [server.fetch(q, JSON_TYPE)[0] for q in batch_queries]
        fetch_s["batches_json_s"] = time.perf_counter() - started
        # End to end, the pipeline's batched queries, once per side (server-bound).
        e2e_ours, served_ours = timings(lambda: ours_end_to_end(server.url, qids), repeat=1)
        e2e_base, served_base = timings(
            lambda: baseline_end_to_end(server.url, batch_queries), repeat=1
        )
    finally:
        server.stop()
    if not tsv_type.startswith(TSV) or not json_type.startswith(JSON_TYPE):
        raise SystemExit(f"oxigraph answered {tsv_type!r} and {json_type!r}")
    n = tsv.count(b"\n") - 1

    # Ingestion of the oxigraph serve answers: parse the server-produced bodies.
    whole_ours, frame_ours = timings(lambda: ours_parse(tsv), warmup=1)
    whole_base, frame_base = timings(lambda: baseline_parse(lambda: body, json_type), warmup=1)
    whole_object, frame_object = timings(
        lambda: baseline_parse(lambda: body, json_type, object), warmup=1
    )
    parts_ours, batched_ours = timings(
        lambda: pd.concat([ours_parse(b) for b in batch_tsv], ignore_index=True), warmup=1
    )
    parts_base, batched_base = timings(
        lambda: pd.concat(
            [baseline_parse(lambda b=b: b, json_type) for b in batch_json], ignore_index=True
        ),
        warmup=1,
    )
    # The same one-selection answers from files (read + parse).
    (work / "results.tsv").write_bytes(tsv)
    (work / "results.json").write_bytes(body)
    file_ours, from_file_ours = timings(
        lambda: ours_parse((work / "results.tsv").read_bytes()), warmup=1
    )
    file_base, from_file_base = timings(
        lambda: baseline_parse((work / "results.json").read_bytes), warmup=1
    )
    pandas_only, frame_pandas = timings(lambda: plain_tsv_frame(tsv, "pandas"), repeat=3)
    _, frame_exact = timings(lambda: parse_results_tsv(tsv, "file"), repeat=1)

    pairs = [
        (frame_ours, frame_base),
        (frame_ours, from_file_ours),
        (frame_ours, from_file_base),
        (frame_ours, batched_ours),
        (frame_ours, batched_base),
        (frame_ours, served_ours),
        (frame_ours, served_base),
        (frame_pandas, frame_exact),
        (frame_ours, frame_object),
    ]
    equal = all(same(x, y) for x, y in pairs) and len(frame_ours) == n
    equal = equal and frame_ours.equals(frame_exact)
    equal = equal and list(frame_ours.dtypes) == list(frame_base.dtypes)  # the same frame type
    return {
        "label": LABEL,
        "rows": n,
        "items": len(qids),
        "batches": len(batch_queries),
        "batch_size": DEFAULT_BATCH,
        "equal": bool(equal),
        "timing": (
            f"ingestion rows: median of {REPEAT} parses after one untimed; "
            "end to end: one run per side"
        ),
        "server": {
            "ours": summary(whole_ours),
            "baseline": summary(whole_base),
            "baseline_object": summary(whole_object),
        },
        "server_batches": {"ours": summary(parts_ours), "baseline": summary(parts_base)},
        "file": {
            "ours": summary(file_ours),
            "baseline": summary(file_base),
            "pandas_only": summary(pandas_only),
        },
        "end_to_end": {"ours_s": round(e2e_ours[0], 3), "baseline_s": round(e2e_base[0], 3)},
        "oxigraph_alone": {k: round(v, 3) for k, v in fetch_s.items()},
        "bytes": {"tsv": len(tsv), "json": len(body)},
    }


def main(argv: list[str]) -> None:
    print(json.dumps(run(int(argv[0]), Path(argv[1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
