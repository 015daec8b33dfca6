"""An HTTP service on 127.0.0.1 that misbehaves on purpose, and a counting forwarder.

This is the one place in the tests where a fake peer stands in for a real one, because a real
query service (oxigraph, WDQS, QLever) or a real MediaWiki cannot be made to answer 429 with
Retry-After, 500, 504, hang past the client's time-out, answer 200 and close the connection
before the announced ``Content-Length`` (:class:`Cut`), or send a truncated answer, on demand
and after a chosen wait. Every answer that is meant to be *right* is not made up here:
:class:`Forward` relays the request (POST or GET, query string and body) to a real ``oxigraph
serve`` or to the real test wiki's ``api.php`` and returns its answer unchanged, so the same
server also serves as a proxy that counts the requests reaching it.

Each request gets the fault of the first rule its query matches, else the next fault of the
script, else the default; every request is recorded (time, headers, form fields, the fault it
got) for the test to inspect. Times come from *clock*: a :class:`ManualClock` shared with the
client lets a test count requests per minute without waiting for minutes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

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
class Cut:
    """Answer 200, announce *announced* bytes of body, send *body* (fewer) and close the
    connection: the client sees the answer end in the middle."""

    content_type: str
    body: bytes
    announced: int = 1 << 20


@dataclass(frozen=True)
class Sleep:
    """Wait longer than the client's time-out, then answer *then*."""

    seconds: float
    then: object = None


@dataclass(frozen=True)
class Forward:
    """Relay the request to a real SPARQL server and return its answer unchanged."""

    url: str


class ManualClock:
    """Seconds that pass only when slept: pass :meth:`sleep` and the clock itself to the client
    and the clock to the :class:`FaultServer`, and both see the same time."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Seen:
    headers: dict
    form: dict
    at: float = 0.0  # when it arrived, by the server's clock
    fault: object = None  # what it was answered

    @property
    def query(self) -> str:
        """The SPARQL query, or the MediaWiki API's ``titles`` for an API request."""
        return (self.form.get("query") or self.form.get("titles") or [""])[0]


class FaultServer:
    def __init__(self, default=None, *, clock: Callable[[], float] = time.monotonic):
        self.script: deque = deque()
        self.default = default
        self.clock = clock
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
                form = parse_qs(urlsplit(self.path).query)
                form.update(parse_qs(raw.decode("utf-8")))
                seen = Seen(dict(self.headers), form, owner.clock())
                with owner._lock:
                    owner.requests.append(seen)
                    ruled = [f for match, f in owner.rules if match(seen.query)]
                    if ruled:
                        fault = ruled[0]
                    else:
                        fault = owner.script.popleft() if owner.script else owner.default
                    seen.fault = fault
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

    def most_in_a_minute(self, kind: type) -> int:
        """The most requests answered with a fault of *kind* that arrived within 60 seconds of
        each other (by the server's clock)."""
        times = sorted(seen.at for seen in self.requests if isinstance(_final(seen.fault), kind))
        return max(
            (sum(1 for t in times if start <= t < start + 60) for start in times), default=0
        )

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
        if isinstance(fault, Cut):
            handler.close_connection = True  # the server closes the socket after this answer
            return self._send(handler, 200, {"Content-Type": fault.content_type}, fault.body,
                              length=fault.announced)
        if isinstance(fault, Forward):
            query = urlsplit(handler.path).query
            reply = requests.request(
                handler.command,
                fault.url + (f"?{query}" if query else ""),
                data=raw or None,
                headers={
                    name: handler.headers[name]
                    for name in ("Content-Type", "Accept", "User-Agent")
                    if handler.headers.get(name)
                },
                timeout=60,
            )
            headers = {"Content-Type": reply.headers.get("Content-Type", "")}
            return self._send(handler, reply.status_code, headers, reply.content)
        raise TypeError(f"unknown fault {fault!r}")

    @staticmethod
    def _send(handler, code: int, headers: dict, body: bytes, length: int | None = None) -> None:
        try:
            handler.send_response(code)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body) if length is None else length))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a time-out test)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _final(fault):
    """The fault a request was finally answered with (what a :class:`Sleep` leads to)."""
    while isinstance(fault, Sleep):
        fault = fault.then
    return fault
