"""A SPARQL endpoint on 127.0.0.1 that misbehaves on purpose, and a counting forwarder.

This is the one place in the tests where a fake peer stands in for a real one, because a real
query service (oxigraph, WDQS, QLever) cannot be made to answer 429 with Retry-After, 500, 504,
hang past the client's time-out, or send a truncated or incomplete answer on demand. Every answer
that is meant to be *right* is not made up here: :class:`Forward` relays the request to a real
``oxigraph serve`` and returns its answer unchanged, so the same server also serves as a proxy
that counts the requests reaching it.

Each request gets the fault of the first rule its query matches, else the next fault of the
script, else the default; every request is recorded (headers and form fields) for the test to
inspect.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests


@dataclass(frozen=True)
class Status:
    """Answer *code* with *headers* and *body* (e.g. 429 with Retry-After, 500, 504)."""

    code: int
    headers: dict = field(default_factory=dict)
    body: bytes = b"error"


@dataclass(frozen=True)
class Body:
    """Answer 200 with this content type and body (a truncated or incomplete answer)."""

    content_type: str
    body: bytes


@dataclass(frozen=True)
class Sleep:
    """Wait longer than the client's time-out, then answer *then*."""

    seconds: float
    then: object = None


@dataclass(frozen=True)
class Forward:
    """Relay the request to a real SPARQL server and return its answer unchanged."""

    url: str


@dataclass
class Seen:
    headers: dict
    form: dict

    @property
    def query(self) -> str:
        return self.form.get("query", [""])[0]


class FaultServer:
    def __init__(self, default=None):
        self.script: deque = deque()
        self.default = default
        self.rules: list[tuple] = []  # (predicate on the query text, fault): checked first
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                seen = Seen(dict(self.headers), parse_qs(raw.decode("utf-8")))
                with owner._lock:
                    owner.requests.append(seen)
                    ruled = [f for match, f in owner.rules if match(seen.query)]
                    if ruled:
                        fault = ruled[0]
                    else:
                        fault = owner.script.popleft() if owner.script else owner.default
                owner._answer(self, fault, raw)

            do_GET = do_POST

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def push(self, *faults) -> FaultServer:
        self.script.extend(faults)
        return self

    def when(self, match, fault) -> FaultServer:
        """Answer *fault* to every query whose text satisfies *match* (a predicate)."""
        self.rules.append((match, fault))
        return self

    @property
    def count(self) -> int:
        return len(self.requests)

    def _answer(self, handler, fault, raw: bytes) -> None:
        if isinstance(fault, Sleep):
            time.sleep(fault.seconds)
            fault = fault.then
        if fault is None:
            return self._send(handler, 404, {}, b"no fault scripted")
        if isinstance(fault, Status):
            return self._send(handler, fault.code, fault.headers, fault.body)
        if isinstance(fault, Body):
            return self._send(handler, 200, {"Content-Type": fault.content_type}, fault.body)
        if isinstance(fault, Forward):
            reply = requests.post(
                fault.url,
                data=raw,
                headers={
                    "Content-Type": handler.headers.get("Content-Type", ""),
                    "Accept": handler.headers.get("Accept", "*/*"),
                },
                timeout=60,
            )
            headers = {"Content-Type": reply.headers.get("Content-Type", "")}
            return self._send(handler, reply.status_code, headers, reply.content)
        raise TypeError(f"unknown fault {fault!r}")

    @staticmethod
    def _send(handler, code: int, headers: dict, body: bytes) -> None:
        try:
            handler.send_response(code)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a time-out test)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
