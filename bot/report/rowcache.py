"""Rendered pieces of gap rows, kept across the pages of a report.

The language pages list the same items again and again: an item missing in a hundred
Wikipedias is a row on a hundred pages, with the same item link, label, number of Wikipedias,
source and size on each; only its rank and its Content Translation link change. The renderers
spell those shared cells once and keep them here, keyed by the values they were spelled from
and by what else decides their spelling (the renderer, the figure format, the word for none).

A cache is dropped whole when it grows past :data:`BOUND` entries, so that its memory stays
bounded however many items a report lists; the renderers spell a dropped row again.
"""

from __future__ import annotations

BOUND = 1 << 16

_CACHES: dict[tuple, dict] = {}


def cache(*key: object) -> dict:
    """The cache of rendered pieces for *key* (hashable values that decide their spelling)."""
    found = _CACHES.get(key)
    if found is None or len(found) > BOUND:
        if found is None and len(_CACHES) >= 4:  # another report's: let them go
            _CACHES.clear()
        found = _CACHES[key] = {}
    return found
