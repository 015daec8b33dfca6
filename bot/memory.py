"""Giving freed memory back to the operating system between the stages of a run.

A run's stages — reading the sitelinks, each cell index of the engine, the names of the
listed gaps — each build and drop large temporaries. The allocators keep what was freed for
their own next use: Arrow's pool the reader's buffers, the C library's heap the mid-sized
numpy arrays and Python objects of pandas. Neither hands it to the other, so the next stage
grows the process on top of memory nobody uses (at 2 M items, more than half a gigabyte of
a run's peak). :func:`release` hands both back, at the end of a stage; it costs milliseconds.
"""

from __future__ import annotations

import ctypes
import functools

import pyarrow as pa


@functools.cache
def _malloc_trim():
    """The C library's ``malloc_trim`` (glibc), or None where there is none. Looked up among
    the symbols the process already has (``CDLL(None)``): no search for the library, which
    would run ``ldconfig``."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def release() -> None:
    """Give the memory freed so far back to the operating system (Arrow's pool and the C
    heap); nothing in use moves."""
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
