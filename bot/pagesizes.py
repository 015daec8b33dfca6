"""Page sizes of Wikipedia articles from the MediaWiki API, in batches (live runs).

The snapshot carries the page sizes its source measured; a live run asks each Wikipedia for the
current ones with ``action=query&prop=info&titles=A|B|…``, 50 titles a request (the API's limit
for a client without the ``apihighlimits`` right), one wiki after another, never one request per
item. The answer's ``length`` is the page length in bytes — the figure the quality classes use.

Requests go through :mod:`requests` with a User-Agent that follows Wikimedia's policy (tool
name and version, a contact, the library), like :func:`bot.sparql.user_agent`; ``maxlag`` is
sent so that a lagged cluster asks us to wait. What to do after a failed request is decided by
:mod:`bot.retry`, the policy the SPARQL client shares: ``Retry-After`` honoured on 429/503 and
on ``maxlag`` errors, backoff on other 5xx answers and dropped connections, at most 30 failed
requests a minute, and an API that fails every request for 120 s given up for the rest of the
run. A wiki whose request is given up is reported and left out: its quality is then unknown,
never guessed; once the API is given up, so are the wikis not yet asked, in one line.

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

from bot import TOOL_NAME, __version__, retry
from bot.errors import Unanswered
from bot.languages import Wikis, api_url
from bot.retry import (
    Ended,
    Failure,
    RetryPolicy,
    check_status,
    requests_failure,
    retry_after_seconds,
)
from bot.sources.endpoint import batches
from bot.sparql import DEFAULT_CONTACT

BATCH = 50
COLUMNS = ["qid", "wiki", "pagesize_bytes"]
LONG_QUERY = 4000  # characters of query string above which a batch is sent by POST
SERVICE = "the MediaWiki API"  # one service for the retry policy, whichever wiki is asked

Progress = Callable[[str, int, int], None]


def user_agent(contact: str | None) -> str:
    """The User-Agent for MediaWiki API calls: tool/version (contact) library/version."""
    library = f"requests/{requests.__version__}"
    return f"{TOOL_NAME}/{__version__} ({contact or DEFAULT_CONTACT}) {library}"


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
    *policy* (a :class:`bot.retry.RetryPolicy`) decides retries and waits; without one the
    fetcher makes its own from *max_retries*, *backoff*, *max_wait* (the longest backoff and
    the longest ``Retry-After`` it waits) and *sleep*.
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
        policy: RetryPolicy | None = None,
    ):
        if not 1 <= batch <= BATCH:
            raise ValueError(f"batch must be 1..{BATCH}")
        self.wikis = wikis
        self.url_for = url_for
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent(contact)
        self.batch = batch
        self.timeout = timeout
        self.policy = policy or RetryPolicy(
            max_retries=max_retries,
            backoff=backoff,
            max_backoff=max_wait,
            max_retry_after=max_wait,
            sleep=sleep,
        )
        self.progress = progress

    def __call__(self, articles: pd.DataFrame) -> PageSizes:
        result = PageSizes(frame=pd.DataFrame(columns=COLUMNS))
        rows: list[tuple[str, str, int]] = []
        wanted = articles[["qid", "wiki", "title"]].drop_duplicates(["wiki", "title"])
        total = len(wanted)
        done = 0
        groups = list(wanted.groupby("wiki", sort=True))
        for number, (wiki, group) in enumerate(groups):
            url = self.url_for(self.wikis.get(wiki).subdomain)
            qid_of = dict(zip(group["title"], group["qid"], strict=True))
            complete = True
            for titles in batches(list(group["title"]), self.batch):
                lengths = self._lengths(url, titles, result)
                if isinstance(lengths, Ended):
                    complete = False
                    break
                rows.extend((qid_of[t], wiki, n) for t, n in lengths.items() if t in qid_of)
                done += len(titles)
                if self.progress:
                    self.progress("pagesizes", done, total)
            if complete:
                result.wikis.add(wiki)
            elif lengths.decision.verdict == retry.UNAVAILABLE:
                left = [w for w, _ in groups[number:]]
                more = f" and {len(left) - 1} more" if len(left) > 1 else ""
                result.problems.append(
                    f"page sizes: {SERVICE} {lengths.decision.reason}; the quality of {wiki}{more} "
                    "is unknown"
                )
                break
            else:
                result.problems.append(
                    f"page sizes of {wiki}: {lengths.decision.reason}; its quality is unknown"
                )
        frame = pd.DataFrame(rows, columns=COLUMNS).astype({"pagesize_bytes": "int64"})
        result.frame = frame.drop_duplicates(["qid", "wiki"]).reset_index(drop=True)
        return result

    def _lengths(
        self, url: str, titles: Sequence[str], result: PageSizes
    ) -> dict[str, int] | Ended:
        """``title → length`` for one batch, under the titles as they were asked for; or how
        the batch ended if it could not be fetched."""
        params = {
            "action": "query",
            "prop": "info",
            "titles": "|".join(titles),
            "format": "json",
            "formatversion": "2",
            "maxlag": "5",
        }
        body = self._get(url, params, result)
        if isinstance(body, Ended):
            return body
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

    def _get(self, url: str, params: dict, result: PageSizes) -> dict | Ended:
        """The API's answer to one request, retried as the policy decides; or how it ended."""

        def send(timeout: float) -> dict:
            result.api_calls += 1
            if len(urlencode(params)) > LONG_QUERY:  # long titles: POST, as the API allows
                answer = self.session.post(url, data=params, timeout=timeout)
            else:
                answer = self.session.get(url, params=params, timeout=timeout)
            return _body(check_status(answer))

        # The batches are as small as the API's lists: a time-out is retried, never split.
        return self.policy.run(SERVICE, send, requests_failure, timeout=self.timeout,
                               smaller=False)  # fmt: skip


def _body(answer: requests.Response) -> dict:
    """The body of a good answer; :class:`bot.errors.Unanswered` for what went wrong with it
    (``maxlag`` waits the ``Retry-After`` the API sends, 5 s without one)."""
    if answer.status_code != 200:
        raise Unanswered(Failure(f"HTTP {answer.status_code}", retry.FINAL))
    try:
        body = answer.json()
    except ValueError:
        failure = Failure("the API answered something that is not JSON", retry.FINAL)
        raise Unanswered(failure) from None
    if not isinstance(body, dict):
        raise Unanswered(Failure("the API answered an unexpected shape", retry.FINAL))
    error = body.get("error")
    if not error:
        return body
    if error.get("code") == "maxlag":
        after = retry_after_seconds(answer.headers.get("Retry-After"))
        raise Unanswered(Failure("maxlag", retry.THROTTLED, 5.0 if after is None else after))
    raise Unanswered(
        Failure(f"API error {error.get('code')}: {error.get('info', '')}", retry.FINAL)
    )
