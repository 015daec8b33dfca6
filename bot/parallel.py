"""Work in blocks on a few threads, results in order, only a few blocks in flight.

The large passes of a run — matching a Parquet file's batches to the members, counting a cell
index's article rows — are made of numpy and Arrow calls on blocks of about a million rows,
and those release the interpreter while they work: on two threads two blocks are worked on at
once. :func:`ordered` hands the results back in the order of the blocks, and never holds more
than a few of them, so memory stays that of a few blocks whatever the input's size.
:func:`beside` runs one larger piece of work on a thread of its own while the caller goes on.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

Block = TypeVar("Block")
Result = TypeVar("Result")


def workers() -> int:
    """Threads for block work: the machine's cores, at most two (a run shares its machine)."""
    return max(1, min(2, os.cpu_count() or 1))


def ordered(
    work: Callable[[Block], Result], blocks: Iterable[Block], threads: int | None = None
) -> Iterator[Result]:
    """``work(block)`` for each of *blocks*, on *threads* threads (default :func:`workers`),
    yielded in the order of the blocks; at most *threads* + 1 results wait to be taken. An
    exception raised by *work* is raised here, at its block."""
    threads = threads or workers()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque = deque()
        for block in blocks:
            pending.append(pool.submit(work, block))
            while len(pending) > threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@contextmanager
def beside(work: Callable[..., Result], *args) -> Iterator[Callable[[], Result]]:
    """Run ``work(*args)`` on a thread of its own while the caller goes on; the context gives a
    function that waits for its result (raising its exception). Leaving the context waits for
    it too."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(work, *args).result
