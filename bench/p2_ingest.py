"""P2: SPARQL results into the pipeline's DataFrame, ours (TSV) against SPARQLWrapper JSON.

The result set is SYNTHETIC sitelinks (random items, ``synNNN`` wikis, made-up titles; see
:func:`ntriples`) shaped as WDQS serves them, loaded into a local ``oxigraph serve`` (the PyPI
``oxigraph`` binary, on 127.0.0.1) and asked with the pipeline's sitelinks query shape.

* ours: :meth:`bot.sparql.HttpEndpoint.select` as the pipeline calls it (TSV results, parsed by
  :func:`bot.sparql.parse_results_tsv`), and that parser alone on the same body from a file;
* baseline: SPARQLWrapper asking for JSON, ``convert()`` to Python dicts, then a DataFrame of
  the values row by row — the usual way — from the server and from the same JSON from a file.

Both sides must give the same frame (checked). Rates are rows per second of wall time.

    python -m bench.p2_ingest ROWS WORK_DIR
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd

LABEL = "SYNTHETIC sitelinks (random; not Wikidata facts)"

QUERY = """PREFIX schema: <http://schema.org/>
PREFIX wikibase: <http://wikiba.se/ontology#>
SELECT ?item ?site ?title ?badge WHERE {
  ?article schema:about ?item ;
           schema:isPartOf ?site ;
           schema:name ?title .
  OPTIONAL { ?article wikibase:badge ?badge . }
}
"""

WORDS = ["climate", "Ötzi", "Ñandú", "København", "北京", "Москва", "القاهرة", "São Paulo"]
ESCAPED = ['say "hi"', "a\\b"]  # one title in 200 needs an escape in TSV


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ntriples(rows: int, seed: int = 11) -> bytes:
    """About *rows* SYNTHETIC sitelinks as N-Triples (WDQS's shape), 5 % with a badge."""
    rng = np.random.default_rng(seed)
    items = rng.integers(1, 130_000_000, size=rows // 8 + 1)
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

    def fetch(self, accept: str) -> bytes:
        request = urllib.request.Request(
            self.url,
            data=QUERY.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
        with urllib.request.urlopen(request, timeout=600) as reply:
            return reply.read()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def baseline_frame(doc: dict) -> pd.DataFrame:
    """SPARQLWrapper's JSON dicts → a DataFrame, the usual way: one dict per row."""
    variables = doc["head"]["vars"]
    rows = [{v: b[v]["value"] for v in b} for b in doc["results"]["bindings"]]
    return pd.DataFrame(rows, columns=variables, dtype=object)


def baseline_from_server(url: str) -> pd.DataFrame:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    wrapper = SPARQLWrapper(url, agent="sdg-gaps-bench/0 (local benchmark)")
    wrapper.setQuery(QUERY)
    wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    return baseline_frame(wrapper.query().convert())


def ours_from_server(url: str) -> pd.DataFrame:
    from bot.sparql import HttpEndpoint

    return HttpEndpoint(url, name="bench", result_format="tsv").select(QUERY)


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    """Best wall time of *repeat* runs (the machine is shared: the best is the least disturbed)."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    a = a.astype(object).where(a.notna(), None)
    b = b.astype(object).where(b.notna(), None)
    order = ["item", "site", "title", "badge"]
    a = a[order].fillna("").sort_values(order, ignore_index=True)
    b = b[order].fillna("").sort_values(order, ignore_index=True)
    return a.equals(b)


def run(rows: int, work: Path) -> dict:
    from bot.engines.ingest import plain_tsv_frame
    from bot.sparql import PARSERS, parse_results_tsv

    work.mkdir(parents=True, exist_ok=True)
    data = work / f"sitelinks-{rows}.nt"
    if not data.exists():
        data.write_bytes(ntriples(rows))
    server = Server(data, work / "oxigraph-store")
    try:
        tsv = server.fetch("text/tab-separated-values")
        body = server.fetch("application/sparql-results+json")
        (work / "results.tsv.gz").write_bytes(gzip.compress(tsv, 1))
        (work / "results.json.gz").write_bytes(gzip.compress(body, 1))
        n = tsv.count(b"\n") - 1
        file_ours, frame_ours = timed(lambda: PARSERS["tsv"](tsv, "file"), repeat=5)
        pandas_only, frame_pandas = timed(lambda: plain_tsv_frame(tsv, "pandas"))
        exact, frame_exact = timed(lambda: parse_results_tsv(tsv, "file"), repeat=1)
        file_base, frame_base = timed(lambda: baseline_frame(json.loads(body)))
        server_only, _ = timed(lambda: server.fetch("text/tab-separated-values"), repeat=1)
        server_ours, served_ours = timed(lambda: ours_from_server(server.url), repeat=1)
        server_base, served_base = timed(lambda: baseline_from_server(server.url), repeat=1)
    finally:
        server.stop()
    pairs = [(frame_ours, frame_base), (served_ours, served_base), (frame_pandas, frame_exact)]
    equal = all(same(x, y) for x, y in pairs) and len(frame_ours) == n
    equal = equal and frame_ours.equals(frame_exact)
    return {
        "label": LABEL,
        "rows": n,
        "equal": bool(equal),
        "file": {
            "ours_s": file_ours,
            "baseline_s": file_base,
            "pandas_only_s": pandas_only,
            "exact_reader_s": exact,
        },
        "server": {"ours_s": server_ours, "baseline_s": server_base, "server_only_s": server_only},
    }


def main(argv: list[str]) -> None:
    print(json.dumps(run(int(argv[0]), Path(argv[1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
