"""Giving freed memory back to the operating system between the stages of a run.

A run's stages — reading the sitelinks, each cell index of the engine, the names of the
listed gaps — each build and drop large temporaries. The allocators keep what was freed for
their own next use: Arrow's pool the reader's buffers, the C library's heap the mid-sized
numpy arrays and Python objects of pandas. Neither hands it to the other, so the next stage
grows the process on top of memory nobody uses (at 2 M items, more than half a gigabyte of
a run's peak). :func:`release` hands both back, at the end of a stage; it costs milliseconds.
:func:`one_heap`, called first by the command line, keeps the C library to one heap for all
threads, so that what a worker thread frees is not kept apart from the rest.
"""

from __future__ import annotations

import ctypes
import functools


@functools.cache
def _malloc_trim():
    """The C library's ``malloc_trim`` (glibc), or None where there is none. Looked up among
    the symbols the process already has (``CDLL(None)``): no search for the library, which
    would run ``ldconfig``."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


M_ARENA_MAX = -8  # glibc's mallopt() parameter: how many heaps ("arenas") threads may use


@functools.cache
def one_heap() -> None:
    """Keep the C heap one heap for every thread (glibc's ``M_ARENA_MAX`` = 1).

    By default each thread that allocates gets a heap of its own — Arrow's reader threads,
    the block workers of :mod:`bot.parallel` — and what a thread freed stays in its heap, out
    of reach of the next stage and of :func:`release`: at 2 M items about 70 MB of the engine's
    peak and 100 MB of a whole run's. It only works before any thread has allocated, so the
    command line calls it first of all, before numpy and Arrow are imported (this module
    imports them only when :func:`release` runs). The threads allocate few, large blocks:
    sharing one heap costs them nothing measurable."""
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        pass


def release() -> None:
    """Give the memory freed so far back to the operating system (Arrow's pool and the C
    heap); nothing in use moves."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
