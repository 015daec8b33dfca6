"""Giving freed memory back to the operating system between the stages of a run.

A run's stages — reading the sitelinks, each cell index of the engine, the names of the
listed gaps — each build and drop large temporaries. The allocators keep what was freed for
their own next use: Arrow's pool the reader's buffers, the C library's heap the mid-sized
numpy arrays and Python objects of pandas. Neither hands it to the other, so the next stage
grows the process on top of memory nobody uses (at 2 M items, more than half a gigabyte of
a run's peak). :func:`release` hands both back, at the end of a stage; it costs milliseconds.
:func:`one_heap`, called first by the command line, keeps the C library to one heap for all
threads, so that what a worker thread frees is not kept apart from the rest, and has it keep
large blocks for reuse rather than map fresh memory for each.
"""

from __future__ import annotations

import ctypes
import functools
import os


@functools.cache
def _malloc_trim():
    """The C library's ``malloc_trim`` (glibc), or None where there is none. Looked up among
    the symbols the process already has (``CDLL(None)``): no search for the library, which
    would run ``ldconfig``."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


M_ARENA_MAX = -8  # glibc's mallopt() parameters: how many heaps ("arenas") threads may use,
M_MMAP_THRESHOLD = -3  # the size from which a block is mapped apart rather than taken from the
M_TRIM_THRESHOLD = -1  # heap, and how much free memory at the heap's top free() hands back
KEPT_BLOCKS = 1 << 30  # blocks up to 1 GB come from the heap; freed memory waits for release()


@functools.cache
def one_heap() -> None:
    """Keep the C heap one heap for every thread, and keep what it frees until :func:`release`.

    * One heap (glibc's ``M_ARENA_MAX`` = 1): by default each thread that allocates gets a
      heap of its own — Arrow's reader threads, the block workers of :mod:`bot.parallel` —
      and what a thread freed stays in its heap, out of reach of the next stage and of
      :func:`release`: at 2 M items about 70 MB of the engine's peak and 100 MB of a whole
      run's.
    * Kept blocks (``M_MMAP_THRESHOLD``, ``M_TRIM_THRESHOLD``): by default a block of more
      than 32 MB — every row-sized numpy array of a large run — is mapped on its own and
      unmapped when freed, so the next one is fresh memory the kernel must fault in and zero
      a page at a time. Taken from the heap, a freed block is reused as it is; the stages
      hand it back with :func:`release`.
    * No huge-page advice from numpy (``NUMPY_MADVISE_HUGEPAGE=0``, unless set): with it, a
      fault in a fresh array may wait while the kernel compacts memory into a huge page.

    Measured with ``make bench`` (P1, 2 M items): the three together take about a tenth off
    the engine's time at the same peak. It only works before any thread has allocated and
    before numpy is imported, so the command line calls it first of all (this module imports
    numpy and Arrow only when :func:`release` runs). The threads allocate few, large blocks:
    sharing one heap costs them nothing measurable."""
    os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(M_ARENA_MAX, 1)
    mallopt(M_MMAP_THRESHOLD, KEPT_BLOCKS)
    mallopt(M_TRIM_THRESHOLD, KEPT_BLOCKS)


def release() -> None:
    """Give the memory freed so far back to the operating system (Arrow's pool and the C
    heap); nothing in use moves."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
