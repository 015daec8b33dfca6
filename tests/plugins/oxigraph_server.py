"""A real ``oxigraph serve`` on 127.0.0.1, loaded with the bundled snapshot.

This is the HTTP path of the pipeline under test: SPARQLWrapper talks to it exactly as it talks
to WDQS. The server binary comes from the PyPI package ``oxigraph`` installed in the virtual
environment. One server per pytest worker, in memory, for the whole session.
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the `oxigraph` server (PyPI package oxigraph) is not installed: run make test")
    return found


class OxigraphServer:
    """A running server: ``query_url`` for SPARQL, ``load()`` to add N-Triples."""

    def __init__(self, port: int, process: subprocess.Popen):
        self.port = port
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.query_url = f"{self.base}/query"

    def load(self, data: bytes, content_type: str) -> None:
        """Add RDF (N-Triples, Turtle, …, by *content_type*) to the default graph."""
        reply = requests.post(
            f"{self.base}/store?default",
            data=data,
            headers={"Content-Type": content_type},
            timeout=120,
        )
        reply.raise_for_status()

    def load_ntriples(self, data: bytes) -> None:
        self.load(data, "application/n-triples")

    def clear(self) -> None:
        requests.post(
            f"{self.base}/update", data={"update": "CLEAR ALL"}, timeout=60
        ).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_oxigraph(timeout_s: int = 30) -> OxigraphServer:
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--timeout-s", str(timeout_s)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RUST_LOG": "error"},
    )
    server = OxigraphServer(port, process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with status {process.returncode}")
        try:
            requests.get(f"{server.base}/query?query=ASK%7B%7D", timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.05)
    server.stop()
    pytest.fail("oxigraph serve did not start within 20 s")


@pytest.fixture(scope="session")
def oxigraph_snapshot_server():
    """A server holding the bundled snapshot (the same triples the embedded store loads)."""
    from bot.snapshot import open_snapshot

    server = start_oxigraph()
    try:
        with gzip.open(open_snapshot().ntriples_path, "rb") as stream:
            server.load_ntriples(stream.read())
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def snapshot():
    """The bundled snapshot, opened once per test process."""
    from bot.snapshot import open_snapshot

    return open_snapshot()


@pytest.fixture(scope="session")
def embedded(snapshot):
    """The embedded store loaded with the bundled snapshot: the triples
    ``oxigraph_snapshot_server`` serves over HTTP, in process."""
    from bot.sparql import EmbeddedEndpoint

    return EmbeddedEndpoint.from_ntriples(snapshot.ntriples_path)
