"""Page sizes of Wikipedia articles from the MediaWiki API, in batches (live runs).

The snapshot carries the page sizes its source measured; a live run asks each Wikipedia for the
current ones with ``action=query&prop=info&titles=A|B|…``, 50 titles a request (the API's limit
for a client without the ``apihighlimits`` right), one wiki after another, never one request per
item. The answer's ``length`` is the page length in bytes — the figure the quality classes use.

Requests go through :mod:`requests` with a User-Agent that follows Wikimedia's policy (tool
name and version, a contact, the library), like :func:`bot.sparql.user_agent`; ``maxlag`` is
sent so that a lagged cluster asks us to wait, and ``Retry-After`` is honoured on 429/503 and on
``maxlag`` errors, with backoff on other 5xx answers and time-outs. A wiki that keeps failing is
reported and left out: its quality is then unknown, never guessed.

This module only fetches; :mod:`bot.engines` compute with what it returns. (Only
:mod:`bot.wiki` may use pywikibot; reading public page info needs no account.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd
import requests

from bot import TOOL_NAME, __version__
from bot.languages import Wikis
from bot.sources.endpoint import batches
from bot.sparql import DEFAULT_CONTACT, retry_after_seconds

BATCH = 50
COLUMNS = ["qid", "wiki", "pagesize_bytes"]
LONG_QUERY = 4000  # characters of query string above which a batch is sent by POST

Progress = Callable[[str, int, int], None]


def user_agent(contact: str | None) -> str:
    """The User-Agent for MediaWiki API calls: tool/version (contact) library/version."""
    library = f"requests/{requests.__version__}"
    return f"{TOOL_NAME}/{__version__} ({contact or DEFAULT_CONTACT}) {library}"


def api_url(subdomain: str) -> str:
    return f"https://{subdomain}.wikipedia.org/w/api.php"


@dataclass
class PageSizes:
    """What a fetch found: the sizes, the wikis fully answered, the calls made, the problems."""

    frame: pd.DataFrame  # qid, wiki, pagesize_bytes
    wikis: set[str] = field(default_factory=set)  # wikis whose every batch was answered
    api_calls: int = 0
    problems: list[str] = field(default_factory=list)


class PageSizeFetcher:
    """Fetch page sizes for ``articles`` (``qid, wiki, title``); call it like a function.

    *wikis* names each wiki's subdomain; *url_for* turns a subdomain into an API URL (tests
    point it at a local MediaWiki). *session* may be passed in (tests, connection reuse).
    """

    def __init__(
        self,
        wikis: Wikis,
        *,
        contact: str | None = None,
        url_for: Callable[[str], str] = api_url,
        session: requests.Session | None = None,
        batch: int = BATCH,
        timeout: float = 30.0,
        max_retries: int = 4,
        backoff: float = 2.0,
        max_wait: float = 120.0,
        progress: Progress | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not 1 <= batch <= BATCH:
            raise ValueError(f"batch must be 1..{BATCH}")
        self.wikis = wikis
        self.url_for = url_for
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent(contact)
        self.batch = batch
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.progress = progress
        self.sleep = sleep

    def __call__(self, articles: pd.DataFrame) -> PageSizes:
        result = PageSizes(frame=pd.DataFrame(columns=COLUMNS))
        rows: list[tuple[str, str, int]] = []
        wanted = articles[["qid", "wiki", "title"]].drop_duplicates(["wiki", "title"])
        total = len(wanted)
        done = 0
        for wiki, group in wanted.groupby("wiki", sort=True):
            url = self.url_for(self.wikis.get(wiki).subdomain)
            qid_of = dict(zip(group["title"], group["qid"], strict=True))
            complete = True
            for titles in batches(list(group["title"]), self.batch):
                try:
                    lengths = self._lengths(url, titles, result)
                except _Failed as exc:
                    result.problems.append(f"page sizes of {wiki}: {exc}; its quality is unknown")
                    complete = False
                    break
                rows.extend((qid_of[t], wiki, n) for t, n in lengths.items() if t in qid_of)
                done += len(titles)
                if self.progress:
                    self.progress("pagesizes", done, total)
            if complete:
                result.wikis.add(wiki)
        frame = pd.DataFrame(rows, columns=COLUMNS).astype({"pagesize_bytes": "int64"})
        result.frame = frame.drop_duplicates(["qid", "wiki"]).reset_index(drop=True)
        return result

    def _lengths(self, url: str, titles: Sequence[str], result: PageSizes) -> dict[str, int]:
        """``title → length`` for one batch, under the titles as they were asked for."""
        params = {
            "action": "query",
            "prop": "info",
            "titles": "|".join(titles),
            "format": "json",
            "formatversion": "2",
            "maxlag": "5",
        }
        body = self._get(url, params, result)
        query = body.get("query") or {}
        asked = {t: t for t in titles}
        for step in ("normalized", "converted"):
            for pair in query.get(step) or []:
                for original, name in list(asked.items()):
                    if name == pair.get("from"):
                        asked[original] = pair.get("to")
        lengths_by_name = {
            page["title"]: int(page["length"])
            for page in query.get("pages") or []
            if "length" in page and not page.get("missing") and not page.get("invalid")
        }
        return {t: lengths_by_name[n] for t, n in asked.items() if n in lengths_by_name}

    def _get(self, url: str, params: dict, result: PageSizes) -> dict:
        last = ""
        for attempt in range(self.max_retries + 1):
            wait: float | None = None
            try:
                result.api_calls += 1
                if len(urlencode(params)) > LONG_QUERY:  # long titles: POST, as the API allows
                    answer = self.session.post(url, data=params, timeout=self.timeout)
                else:
                    answer = self.session.get(url, params=params, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = type(exc).__name__
                wait = self.backoff * 2**attempt
            else:
                if answer.status_code in (429, 503) or answer.status_code >= 500:
                    last = f"HTTP {answer.status_code}"
                    wait = retry_after_seconds(answer.headers.get("Retry-After"))
                    if wait is None:
                        wait = self.backoff * 2**attempt
                elif answer.status_code != 200:
                    raise _Failed(f"HTTP {answer.status_code}")
                else:
                    try:
                        body = answer.json()
                    except ValueError:
                        raise _Failed("the API answered something that is not JSON") from None
                    error = body.get("error") if isinstance(body, dict) else None
                    if not error:
                        if not isinstance(body, dict):
                            raise _Failed("the API answered an unexpected shape")
                        return body
                    if error.get("code") != "maxlag":
                        raise _Failed(f"API error {error.get('code')}: {error.get('info', '')}")
                    last = "maxlag"
                    wait = retry_after_seconds(answer.headers.get("Retry-After")) or 5.0
            if attempt == self.max_retries:
                break
            self.sleep(min(wait, self.max_wait))
        raise _Failed(f"gave up after {self.max_retries + 1} attempts ({last})")


class _Failed(Exception):
    pass
