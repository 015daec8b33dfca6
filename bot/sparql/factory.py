"""The endpoint factory: ``embedded``, a preset name or a URL → the endpoint a run asks.

The SPARQL engine and its factory live together and are passed in (as in inteGraality): the
run never builds a query runner itself, it is handed the one :func:`make_endpoint` made.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import UsageError
from bot.retry import RetryPolicy
from bot.sparql.base import QueryBudget
from bot.sparql.embedded import EmbeddedEndpoint
from bot.sparql.fallback import FallbackEndpoint
from bot.sparql.http import HttpEndpoint

PRESETS = {
    "wdqs": "https://query.wikidata.org/sparql",
    "qlever": "https://qlever.dev/api/wikidata",
}
# The other preset a preset falls back to when it is rate-limited or down.
PRESET_FALLBACK = {"wdqs": "qlever", "qlever": "wdqs"}


def check_url(url: str) -> str:
    """Refuse anything that is not an absolute http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"bad endpoint {url!r}: expected embedded, wdqs, qlever or an http(s):// URL"
        )
    return url


def make_endpoint(
    name: str,
    *,
    contact: str | None,
    snapshot_dir: Path | None,
    fallback: str | None = "auto",
    cache_dir: Path | None = None,
    max_age: float | None = None,
    query_budget: float | None = None,
    result_format: str = "tsv",
    max_retries: int = 4,
    give_up_after: float = 120.0,
    policy: RetryPolicy | None = None,
):
    """``embedded``, a preset name or a URL → an endpoint object, and the snapshot it serves.

    ``embedded`` loads the snapshot (the bundled one unless *snapshot_dir*) into the embedded
    store and returns it beside the endpoint; a live endpoint comes back with ``None``. A live
    endpoint gets a fallback service (``auto``: the other preset for a preset, none for a URL),
    an answer cache when *cache_dir* is given, and a query-time budget and a retry policy
    (:class:`bot.retry.RetryPolicy`: *max_retries* retries of a request, a service failing every
    request given up after *give_up_after* seconds, at most 30 failed requests a minute) shared
    by both; *policy* replaces that policy with one of the caller's.
    """
    from bot.cache import DEFAULT_MAX_AGE, QueryCache

    if name == "embedded":
        from bot.snapshot import open_snapshot

        snapshot = open_snapshot(snapshot_dir)
        return EmbeddedEndpoint.from_ntriples(snapshot.ntriples_path), snapshot
    budget = QueryBudget(query_budget)
    if policy is None:
        policy = RetryPolicy(max_retries=max_retries, give_up_after=give_up_after)
    cache = None
    if cache_dir is not None:
        cache = QueryCache(cache_dir, DEFAULT_MAX_AGE if max_age is None else max_age)

    def http(target: str) -> HttpEndpoint:
        url = PRESETS.get(target) or check_url(target)
        return HttpEndpoint(
            url,
            name=target if target in PRESETS else url,
            contact=contact,
            result_format=result_format,
            cache=cache,
            budget=budget,
            policy=policy,
        )

    primary = http(name)
    if fallback == "auto":
        fallback = PRESET_FALLBACK.get(name)
    if not fallback or fallback == "none" or fallback == name:
        return primary, None
    return FallbackEndpoint(primary, http(fallback)), None
