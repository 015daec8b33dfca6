"""Page views of Wikipedia articles from the Wikimedia pageviews REST API: live reader demand.

``sdg-gaps run --rank demand`` ranks the gaps by how much readers read the topic's articles. The
bundled snapshot carries the page views its source measured; a live run asks the pageviews API
(Wikimedia's Analytics Query Service), one article a request — the per-article endpoint answers
for one article, so the batch it allows is the period: one request gives every month of it::

    {base}/metrics/pageviews/per-article/{project}/all-access/user/{article}/monthly/{start}/{end}

``project`` is the wiki's domain without ``.org`` (``en.wikipedia``), ``article`` the title with
underscores for spaces, percent-encoded; the answer's ``items`` hold one ``views`` count a month,
and their sum is the article's demand over the period: the six complete calendar months before
the run, as the snapshot's source counted (``agent=user``: people, not spiders). A 404 is the
API's word that it holds no views of the article in the period: no row, an unknown demand that
counts 0.

Answers are cached like SPARQL answers (:class:`bot.cache.QueryCache`, keyed by the request's
URL, raw bytes, the run's ``--max-age``): a 200 answer and a 404 are stored, nothing else.
Requests go through :mod:`requests` with the User-Agent of :func:`bot.pagesizes.user_agent`
(tool, version, contact), one at a time; what to do after a failure is decided by
:mod:`bot.retry`, the policy every client of the run shares: ``Retry-After`` honoured on 429 and
503, backoff on other 5xx answers and dropped connections, at most 30 failed requests a minute,
and an API that fails every request for 120 s given up for the rest of the run — the articles
not asked are then reported in one line, and their demand counts 0.

Neither ``pageviewapi`` nor ``mwviews`` is used: neither takes a time-out, a base URL, a
session or a User-Agent with a contact from its caller, so neither could go through this
policy and cache; ``mwviews`` also sends ten requests at once.
"""

from __future__ import annotations

import calendar
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import pandas as pd
import requests

from bot import retry
from bot.languages import Wikis
from bot.pagesizes import user_agent
from bot.retry import Decision, Failure, RetryPolicy, retry_after_seconds

API = "https://wikimedia.org/api/rest_v1"
SERVICE = "the pageviews API"
MONTHS = 6
COLUMNS = ["qid", "wiki", "views"]
NO_DATA = "application/problem+json"  # the content type of a cached 404: no views known

Progress = Callable[[str, int, int], None]


def period(today: date, months: int = MONTHS) -> tuple[str, str]:
    """The *months* complete calendar months before *today*: ``(YYYYMMDD, YYYYMMDD)``, the
    first day of the first and the last day of the last."""
    index = today.year * 12 + today.month - 1  # this month
    first_y, first_m = divmod(index - months, 12)
    last_y, last_m = divmod(index - 1, 12)
    last_day = calendar.monthrange(last_y, last_m + 1)[1]
    return f"{first_y:04d}{first_m + 1:02d}01", f"{last_y:04d}{last_m + 1:02d}{last_day:02d}"


def article_url(base: str, subdomain: str, title: str, start: str, end: str) -> str:
    """The per-article request for one article's monthly views of ``user`` agents."""
    article = quote(title.replace(" ", "_"), safe="")
    return (f"{base.rstrip('/')}/metrics/pageviews/per-article/{subdomain}.wikipedia/all-access/"
            f"user/{article}/monthly/{start}/{end}")


@dataclass
class PageViews:
    """What a fetch found: the views per article, the calls made, the problems."""

    frame: pd.DataFrame  # qid, wiki, views (the articles the API holds views of)
    start: str = ""
    end: str = ""
    api_calls: int = 0
    cache_hits: int = 0
    problems: list[str] = field(default_factory=list)


class PageviewFetcher:
    """Fetch the page views of ``articles`` (``qid, wiki, title``); call it like a function.

    *base* is the REST API's root (tests point it at a local server); *cache* a
    :class:`bot.cache.QueryCache` or ``None``; *today* fixes the period (default: the date the
    fetch starts). *policy* (a :class:`bot.retry.RetryPolicy`) decides retries and waits;
    without one the fetcher makes its own from *max_retries* and *sleep*.
    """

    def __init__(
        self,
        wikis: Wikis,
        *,
        contact: str | None = None,
        base: str = API,
        session: requests.Session | None = None,
        cache=None,
        months: int = MONTHS,
        today: date | None = None,
        timeout: float = 30.0,
        max_retries: int = 4,
        give_up_after: float = 120.0,
        progress: Progress | None = None,
        sleep: Callable[[float], None] = time.sleep,
        policy: RetryPolicy | None = None,
    ):
        self.wikis = wikis
        self.base = base
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent(contact)
        self.cache = cache
        self.months = months
        self.today = today
        self.timeout = timeout
        self.policy = policy or RetryPolicy(max_retries=max_retries, give_up_after=give_up_after,
                                            sleep=sleep)
        self.progress = progress

    def __call__(self, articles: pd.DataFrame) -> PageViews:
        start, end = period(self.today or date.today(), self.months)
        result = PageViews(frame=pd.DataFrame(columns=COLUMNS), start=start, end=end)
        wanted = articles.dropna(subset=["title"]).drop_duplicates(["wiki", "title"])
        wanted = wanted.sort_values(["wiki", "title"], ignore_index=True)
        rows: list[tuple[str, str, int]] = []
        failed: list[str] = []
        for done, (qid, wiki, title) in enumerate(
                wanted[["qid", "wiki", "title"]].itertuples(index=False, name=None), 1):
            url = article_url(self.base, self.wikis.get(wiki).subdomain, title, start, end)
            views = self._views(url, result)
            if isinstance(views, Decision):
                if views.verdict == retry.UNAVAILABLE:
                    left = len(wanted) - done + 1
                    result.problems.append(
                        f"page views: {SERVICE} {views.reason}; the demand of {left:,} "
                        "article(s) is unknown and counts 0")
                    break
                failed.append(f"{wiki}:{title} ({views.reason})")
            elif views is not None:
                rows.append((qid, wiki, views))
            if self.progress:
                self.progress("pageviews", done, len(wanted))
        if failed:
            result.problems.append(
                f"page views of {len(failed):,} article(s) could not be fetched (first: "
                f"{failed[0]}); their demand counts 0")
        frame = pd.DataFrame(rows, columns=COLUMNS).astype({"views": "int64"})
        result.frame = frame.groupby(["qid", "wiki"], as_index=False, sort=False)["views"].sum()
        return result

    def _views(self, url: str, result: PageViews) -> int | None | Decision:
        """An article's views over the period (``None``: the API holds none), or the decision
        that ended its request."""
        cached = self.cache.get(url, "") if self.cache is not None else None
        if cached is not None:
            body, content_type = cached
            views = None if content_type == NO_DATA else _total(body)
            if not isinstance(views, Failure):  # an entry that does not parse is asked again
                result.cache_hits += 1
                return views
        answer = self._get(url, result)
        if isinstance(answer, Decision):
            return answer
        status, body, content_type = answer
        views = None if status == 404 else _total(body)
        if isinstance(views, Failure):
            return Decision(retry.REFUSED, views.what)
        if self.cache is not None:
            self.cache.put(url, "", body, NO_DATA if status == 404 else content_type)
        return views

    def _get(self, url: str, result: PageViews) -> tuple[int, bytes, str] | Decision:
        policy = self.policy
        attempt = 0
        while True:
            stop = policy.before(SERVICE)
            if stop is not None:
                return stop
            started = policy.clock()
            timeout = min(self.timeout, policy.time_left(SERVICE, started))
            result.api_calls += 1
            try:
                answer = self.session.get(url, timeout=timeout)
            except requests.Timeout:
                outcome: tuple | Failure = Failure(f"no answer within {timeout:g} s",
                                                   retry.TIME_OUT)
            except requests.ConnectionError as exc:
                outcome = Failure(f"connection failed: {' '.join(str(exc).split())[:160]}")
            else:
                outcome = _judge(answer)
            if isinstance(outcome, tuple):
                policy.succeeded(SERVICE)
                return outcome
            decision = policy.failed(SERVICE, outcome, attempt=attempt, started=started,
                                     finished=policy.clock(), smaller=False)
            if decision.verdict != retry.RETRY:
                return decision
            attempt += 1


def _judge(answer: requests.Response) -> tuple[int, bytes, str] | Failure:
    """A usable answer (status, body, content type: a 200, or the 404 of no data), or what
    went wrong with it."""
    after = retry_after_seconds(answer.headers.get("Retry-After"))
    code = answer.status_code
    if code == 429:
        return Failure("HTTP 429 Too Many Requests", retry.THROTTLED, after)
    if code >= 500:
        return Failure(f"HTTP {code}", retry.ERROR, after)
    if code in (200, 404):
        return code, answer.content, answer.headers.get("Content-Type", "")
    return Failure(f"HTTP {code}: {_detail(answer)}", retry.FINAL)


def _detail(answer: requests.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return "no problem description"
    detail = body.get("detail") if isinstance(body, dict) else None
    return " ".join(str(detail or body).split())[:160]


def _total(body: bytes) -> int | Failure:
    """The sum of the monthly ``views`` of a per-article answer."""
    try:
        items = json.loads(body.decode("utf-8"))["items"]
        return sum(int(item["views"]) for item in items)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return Failure("the pageviews API answered something that is not its JSON",
                       retry.FINAL)
