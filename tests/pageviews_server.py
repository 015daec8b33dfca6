"""A local server that answers like the Wikimedia pageviews REST API's per-article endpoint.

It is a fault-free peer stand-in for a service the tests cannot reach (the machines running them
have no internet): it speaks the endpoint's published format — the path
``/metrics/pageviews/per-article/{project}/{access}/{agent}/{article}/{granularity}/{start}/{end}``
with its enumerations, an answer ``{"items": [{"project", "article", "granularity",
"timestamp", "access", "agent", "views"}]}`` one item per month, a 404 problem document (the
API's ``application/problem+json``) where it holds no views, a 400 one for a malformed request
— and serves only real figures: those of :data:`VIEWS`. *faults* makes it answer the first
requests with an error status, for tests of the retry policy.

:data:`VIEWS`: the daily English Wikipedia page views of "Douglas Adams" that MediaWiki's
``prop=pageviews`` returned in tests/fixtures/mediawiki_api/wptools/querymore.json (siznax/wptools,
tests/querymore.py, commit e14d548a, MIT; 2018-03-23 to 2018-05-21; see tests/fixtures/SOURCES.md),
summed over the one calendar month they cover whole, April 2018.
"""

from __future__ import annotations

import calendar
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

QUERYMORE = (Path(__file__).resolve().parent / "fixtures" / "mediawiki_api" / "wptools"
             / "querymore.json")
ACCESS = ("all-access", "desktop", "mobile-app", "mobile-web")
AGENTS = ("all-agents", "user", "spider", "automated", "bot")
PATH = re.compile(r"/api/rest_v1/metrics/pageviews/per-article/(?P<project>[^/]+)/"
                  r"(?P<access>[^/]+)/(?P<agent>[^/]+)/(?P<article>[^/]+)/(?P<granularity>[^/]+)/"
                  r"(?P<start>[0-9]+)/(?P<end>[0-9]+)")


def april_2018_douglas_adams() -> int:
    """The real April 2018 total (see the module's description)."""
    data = json.loads(QUERYMORE.read_text(encoding="utf-8"))
    [page] = data["response"]["query"]["pages"]
    assert page["title"] == "Douglas Adams"
    days = {d: n for d, n in page["pageviews"].items() if d.startswith("2018-04-")}
    assert len(days) == calendar.monthrange(2018, 4)[1]  # the whole month is there
    return sum(days.values())


# (project, article) → {month "YYYYMM": views}
VIEWS: dict[tuple[str, str], dict[str, int]] = {}


def _last_day(month: str) -> str:
    """``"201804"`` → ``"20180430"``."""
    return f"{month}{calendar.monthrange(int(month[:4]), int(month[4:]))[1]:02d}"


def _problem(status: int, title: str, detail: str, uri: str) -> bytes:
    kind = "not_found" if status == 404 else "invalid_request"
    return json.dumps({"type": f"https://mediawiki.org/wiki/HyperSwitch/errors/{kind}",
                       "title": title, "method": "get", "detail": detail,
                       "uri": uri}).encode("utf-8")


class PageviewsServer:
    """Start with :meth:`start` (a port on 127.0.0.1); ``requests`` lists (path, User-Agent)."""

    def __init__(self, faults: list[tuple[int, dict]] | None = None):
        self.faults = list(faults or [])  # (status, headers) answered first, in order
        self.requests: list[tuple[str, str]] = []
        if not VIEWS:
            VIEWS[("en.wikipedia", "Douglas_Adams")] = {"201804": april_2018_douglas_adams()}

    def start(self) -> PageviewsServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                if server.faults:
                    status, headers = server.faults.pop(0)
                    self._send(status, b'{"title": "error"}', "application/problem+json",
                               headers)
                    return
                self._answer()

            def _answer(self):
                found = PATH.fullmatch(self.path.split("?")[0])
                bad = found is None
                if found:
                    g = found.groupdict()
                    bad = (g["access"] not in ACCESS or g["agent"] not in AGENTS
                           or g["granularity"] not in ("daily", "monthly")
                           or len(g["start"]) not in (8, 10) or len(g["end"]) not in (8, 10))
                if bad:
                    self._send(400, _problem(400, "Invalid parameters",
                                             "the request does not match the endpoint",
                                             self.path), "application/problem+json")
                    return
                project = g["project"].removesuffix(".org")
                article = unquote(g["article"])
                months = VIEWS.get((project, article), {})
                first, last = g["start"][:8], g["end"][:8]
                items = [
                    {"project": project, "article": article, "granularity": "monthly",
                     "timestamp": f"{month}0100", "access": g["access"], "agent": g["agent"],
                     "views": views}
                    for month, views in sorted(months.items())
                    if first <= f"{month}01" and _last_day(month) <= last
                ]
                if g["granularity"] != "monthly" or not items:
                    detail = ("The date(s) you used are valid, but we either do not have data "
                              "for those date(s), or the project you asked for is not loaded "
                              "yet. Please check documentation for more information.")
                    self._send(404, _problem(404, "Not found.", detail, self.path),
                               "application/problem+json")
                    return
                self._send(200, json.dumps({"items": items}).encode("utf-8"),
                           "application/json; charset=utf-8")

            def _send(self, status, body, content_type, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api/rest_v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
