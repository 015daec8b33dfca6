"""The first half of a run: where the facts come from, which item sets, and the facts themselves.

A :class:`DataSource` is the run's data-source options. :func:`open_source` opens it once (a
scheduled run shares one opened source between its reports): the embedded store on the bundled
snapshot, a live endpoint (with its fallback, cache and budget), or sitelinks files.
:func:`gather` then chooses the item sets (:mod:`bot.scope`), asks the source for their facts
(:mod:`bot.sources.queried` for an endpoint, :mod:`bot.sources.files` for files), the page
sizes (the snapshot's, or the MediaWiki API's for a live endpoint) and, for a run ranked by
reader demand, the page views of the items' articles in the ``demand_from`` Wikipedias (the
snapshot's, or the pageviews API's for a live endpoint: :mod:`bot.pageviews`), and returns
them with what the engine needs to know: the Wikipedias reported on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from bot.errors import UsageError
from bot.facts import Facts, Lookups, empty_pagesizes, qid_numbers
from bot.languages import Wikis


@dataclass(frozen=True)
class DataSource:
    """Where a run's facts come from: an endpoint (``embedded``, a preset or a URL) with its
    options, or a sitelinks file (a dump or Parquet) with an optional members file."""

    endpoint: str = "embedded"
    snapshot: Path | None = None  # another snapshot directory than the bundled one
    snapshot_data: bool | None = None  # the endpoint serves the bundled snapshot's data
    contact: str | None = None
    fallback: str | None = "auto"
    cache_dir: Path | None = None
    max_age: float | None = None
    query_budget: float | None = 3600.0
    result_format: str = "tsv"
    retries: int = 4
    give_up_after: float = 120.0  # a service failing every request this long is given up
    batch_size: int = 400
    sitelinks: Path | None = None
    members: Path | None = None
    pagesizes: bool = True  # ask a live endpoint's Wikipedias for page sizes
    pagesize_api: str | None = None  # API URL; {subdomain} is the wiki's (default: Wikipedia's)
    demand_from: tuple[str, ...] = ("en",)  # Wikipedias whose readers' page views are demand
    pageviews_api: str | None = None  # the pageviews REST API's root (default: Wikimedia's)


@dataclass
class Opened:
    """A data source, opened: its endpoint (``None`` for files) and the snapshot it serves."""

    source: DataSource
    endpoint: object | None
    snapshot: object | None  # bot.snapshot.Snapshot

    @property
    def files(self) -> bool:
        return self.source.sitelinks is not None

    @property
    def snapshot_data(self) -> bool:
        """Does the data only know the Wikipedias the snapshot's sources looked at?"""
        if self.files:
            return False
        if self.source.snapshot_data is not None:
            return bool(self.source.snapshot_data)
        return self.endpoint is not None and self.endpoint.url is None

    def stats(self) -> dict:
        return self.endpoint.stats.as_dict() if self.endpoint is not None else {}

    def notes(self) -> list[str]:
        own = getattr(self.endpoint, "notes", None)
        return list(own()) if callable(own) else []

    def describe_endpoint(self) -> dict:
        if self.endpoint is None:
            return {"name": "files", "url": None, "sitelinks": str(self.source.sitelinks),
                    "members": str(self.source.members) if self.source.members else None}
        from bot.sparql import describe

        return describe(self.endpoint)

    def provenance(self) -> dict:
        if self.snapshot is not None:
            return self.snapshot.describe()
        if self.files:
            return {"sitelinks": str(self.source.sitelinks),
                    "members": str(self.source.members) if self.source.members else None}
        return {"endpoint": self.endpoint.url}


def open_source(source: DataSource) -> Opened:
    """Open *source*: load the snapshot into the embedded store, or make the live endpoint."""
    if source.sitelinks is not None:
        if not Path(source.sitelinks).exists():
            raise UsageError(f"--sitelinks {source.sitelinks}: no such file or folder")
        if source.members is not None and not Path(source.members).exists():
            raise UsageError(f"--members {source.members}: no such file")
        return Opened(source, None, None)
    if source.members is not None:
        raise UsageError("--members needs --sitelinks FILE (an endpoint selects its own items)")
    from bot.sparql import make_endpoint

    endpoint, snapshot = make_endpoint(
        source.endpoint, contact=source.contact, snapshot_dir=source.snapshot,
        fallback=source.fallback, cache_dir=source.cache_dir, max_age=source.max_age,
        query_budget=source.query_budget, result_format=source.result_format,
        max_retries=source.retries, give_up_after=source.give_up_after,
    )
    if snapshot is None and source.snapshot_data:
        from bot.snapshot import open_snapshot

        snapshot = open_snapshot(source.snapshot)
    return Opened(source, endpoint, snapshot)


@dataclass
class Gathered:
    """What :func:`gather` found: the catalogue and item sets, the facts and lookups."""

    catalogue: object
    itemsets: list
    facts: Facts
    lookups: Lookups
    chosen_wikis: tuple[str, ...] | None
    failed: list = field(default_factory=list)
    api_calls: int = 0
    reported: pd.DataFrame | None = None  # itemset, wiki: observed, narrowed to the languages
    demand_source: dict | None = None  # where the page views came from (rank demand)
    pageview_calls: int = 0


    def observed_frame(self, wikis: tuple[str, ...]) -> pd.DataFrame:
        """``itemset, wiki`` as the run observed them, narrowed to the chosen languages (a files
        source observed *wikis*, every wiki it holds)."""
        if self.reported is not None:
            return self.reported
        keep = [w for w in wikis if self.chosen_wikis is None or w in self.chosen_wikis]
        return pd.DataFrame(
            [(s.id, w) for s in self.itemsets for w in keep], columns=["itemset", "wiki"]
        )


def gather(request, opened: Opened, wikis: Wikis, *, notify, progress) -> Gathered:
    """The item sets and facts of *request* from the opened source."""
    from bot.catalogue import load_catalogue
    from bot.scope import choose_itemsets, itemsets_of_members, observed_wikis

    catalogue = load_catalogue(opened.snapshot, extra=request.itemset_files)
    chosen = None
    if request.languages:
        chosen = tuple(wikis.resolve(code).wiki for code in request.languages)
    members = None
    source = opened.source
    if request.itemsets is not None:
        itemsets = list(request.itemsets)
    elif opened.files and source.members is not None:
        from bot.sources.files import read_members

        members = read_members(source.members)
        if request.goals:
            members = members[members["goal"].isin(request.goals)].reset_index(drop=True)
            if members.empty:
                raise UsageError(f"{source.members}: no item of goal(s) "
                                 f"{', '.join(map(str, request.goals))}")
        itemsets = itemsets_of_members(members, catalogue, source.members)
    else:
        extra = ()
        if request.itemset_files:
            bundled = {s.id for s in load_catalogue(opened.snapshot).itemsets}
            extra = tuple(s.id for s in catalogue.itemsets if s.id not in bundled)
        itemsets = choose_itemsets(catalogue, request.goals,
                                   opened.snapshot_data or opened.files, extra)
    if opened.files:
        got = _from_files(request, opened, catalogue, itemsets, members, chosen, wikis)
        if request.rank == "demand":
            notify("warning: --rank demand: a --sitelinks source has no page views; the gaps "
                   "rank by sitelinks")
        return got
    got, articles = _from_endpoint(request, opened, catalogue, itemsets, wikis, chosen,
                                   notify=notify, progress=progress,
                                   observed_wikis=observed_wikis)
    if request.rank == "demand":
        _demand(got, opened, articles, wikis, notify, progress)
    return got


def _demand(got: Gathered, opened: Opened, articles, wikis: Wikis, notify, progress) -> None:
    """The page views of the members' articles in the ``demand_from`` Wikipedias, summed per
    item into :attr:`Facts.demand`: the snapshot's (what its source measured) or the pageviews
    API's. Where they came from goes into :attr:`Gathered.demand_source`."""
    from_wikis = tuple(wikis.resolve(code).wiki for code in opened.source.demand_from)
    if opened.snapshot is not None and opened.snapshot_data:
        views = opened.snapshot.pageviews()
        measured = set(views["wiki"])
        for wiki in from_wikis:
            if wiki not in measured:
                notify(f"warning: the bundled snapshot has no page views of {wiki}; its "
                       "readers' demand counts 0")
        views = views[views["wiki"].isin(from_wikis)]
        known = opened.snapshot.manifest.get("pageviews_source") or {}
        source = " · ".join(str(known[k]) for k in ("repository", "path", "commit") if k in known)
        period = str(known.get("period", ""))
    else:
        from bot.cache import QueryCache
        from bot.pageviews import API, SERVICE, PageviewFetcher

        source_options = opened.source
        cache = None
        if source_options.cache_dir is not None and (source_options.max_age or 0) > 0:
            cache = QueryCache(source_options.cache_dir, source_options.max_age)
        fetcher = PageviewFetcher(
            wikis, contact=source_options.contact, base=source_options.pageviews_api or API,
            cache=cache, max_retries=source_options.retries,
            give_up_after=source_options.give_up_after, progress=progress)
        wanted = articles[articles["wiki"].isin(from_wikis)
                          & articles["qid"].isin(set(got.facts.members["qid"]))]
        notify(f"asking {SERVICE} for the page views of {len(wanted):,} articles")
        fetched = fetcher(wanted)
        for problem in fetched.problems:
            notify(f"warning: {problem}")
        views, got.pageview_calls = fetched.frame, fetched.api_calls
        source = f"{fetcher.base} (per-article, monthly, agent user)"
        period = f"{fetched.start}–{fetched.end}"
    demand = views.groupby("qid", as_index=False)["views"].sum()
    got.facts.demand = pd.DataFrame({"qnum": qid_numbers(demand["qid"]),
                                     "views": demand["views"].to_numpy("int64")})
    got.demand_source = {"wikis": list(from_wikis), "source": source, "period": period,
                         "articles": int(len(views))}


def _from_files(request, opened: Opened, catalogue, itemsets, members, chosen,
                wikis: Wikis) -> Gathered:
    from bot.sources import files

    if members is None:
        queries = [s.id for s in itemsets if s.is_query]
        if queries:
            raise UsageError(
                f"item set {queries[0]} is a query; with --sitelinks the item sets are pinned "
                "lists or a --members file"
            )
        members = pd.DataFrame(
            [(s.id, s.goal, q) for s in itemsets for q in s.pinned_qids()],
            columns=["itemset", "goal", "qid"],
        )
    # A file holds every Wikipedia sitelink of its items: every wiki it holds is observed.
    itemsets = [replace(s, observed_wikis=None) for s in itemsets]
    facts, lookups = files.gather(
        Path(opened.source.sitelinks), members, engine_reads=request.engine == "spark")
    facts.closed_wikis = frozenset(wikis.closed())
    return Gathered(catalogue, itemsets, facts, lookups, chosen)


def _from_endpoint(request, opened: Opened, catalogue, itemsets, wikis, chosen, *, notify,
                   progress, observed_wikis) -> Gathered:
    from bot.sources import queried

    live = not opened.snapshot_data
    # Check the chosen languages against what the sets observe (a warning per one unobserved,
    # an error when none is left), then rank over every wiki the sets observe.
    reported = observed_wikis(itemsets, live, wikis, request.languages, notify)
    everywhere = observed_wikis(itemsets, live, wikis, None, notify)
    facts, lookups, articles, failed = queried.gather(
        opened.endpoint, itemsets, wikis, batch_size=opened.source.batch_size,
        notify=notify, progress=progress,
    )
    facts.observed = everywhere
    api_calls = 0
    if opened.snapshot is not None and opened.snapshot_data:
        sizes = opened.snapshot.pagesizes()
        facts.pagesizes = sizes.assign(qnum=qid_numbers(sizes["qid"]))[
            ["qnum", "wiki", "pagesize_bytes"]]
    elif live and opened.source.pagesizes:
        api_calls = _fetch_sizes(facts, articles, wikis, opened.source, notify, progress)
    return Gathered(catalogue, list(itemsets), facts, lookups, chosen, failed, api_calls,
                    reported), articles


def _fetch_sizes(facts: Facts, articles, wikis, source: DataSource, notify, progress) -> int:
    from bot.languages import api_url
    from bot.pagesizes import PageSizeFetcher

    template = source.pagesize_api
    url_for = api_url if not template else (lambda subdomain: template.format(
        subdomain=subdomain))
    fetched = PageSizeFetcher(wikis, contact=source.contact, url_for=url_for,
                              progress=progress)(articles)
    for problem in fetched.problems:
        notify(f"warning: {problem}")
    sizes = fetched.frame
    facts.pagesizes = (sizes.assign(qnum=qid_numbers(sizes["qid"]))[
        ["qnum", "wiki", "pagesize_bytes"]] if len(sizes) else empty_pagesizes())
    facts.sized_wikis = frozenset(fetched.wikis)
    return fetched.api_calls
