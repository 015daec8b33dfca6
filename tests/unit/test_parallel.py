"""Block work on threads (:func:`bot.parallel.ordered`): results in the blocks' order, an error
raised at its block, and only a few blocks taken from the source ahead of the consumer; and work
beside the caller (:func:`bot.parallel.beside`)."""

from __future__ import annotations

import threading
import time

import pytest

from bot.parallel import ordered


def test_results_come_in_the_order_of_the_blocks_whatever_finishes_first():
    def work(n):
        time.sleep(0.002 * (10 - n))  # the first blocks finish last
        return n * n

    assert list(ordered(work, range(10), threads=2)) == [n * n for n in range(10)]


def test_an_error_is_raised_at_its_block():
    def work(n):
        if n == 3:
            raise ValueError("block 3")
        return n

    got = []
    with pytest.raises(ValueError, match="block 3"):
        for value in ordered(work, range(10), threads=2):
            got.append(value)
    assert got == [0, 1, 2]


def test_only_a_few_blocks_are_taken_ahead_of_the_consumer():
    taken = []
    release = threading.Event()

    def blocks():
        for n in range(100):
            taken.append(n)
            yield n

    def work(n):
        release.wait(5)
        return n

    results = ordered(work, blocks(), threads=2)
    release.set()
    assert next(results) == 0
    assert len(taken) <= 4  # threads + 1 waiting, and the one just handed out
    assert list(results) == list(range(1, 100))


def test_work_beside_runs_while_the_caller_goes_on_and_gives_its_result():
    from bot.parallel import beside

    started, go_on = threading.Event(), threading.Event()

    def work(a, b):
        started.set()
        assert go_on.wait(5), "the caller was kept waiting"
        return a + b

    with beside(work, 2, 3) as result:
        assert started.wait(5)  # on its own thread: started before the caller asked
        go_on.set()
        assert result() == 5


def test_an_error_beside_is_raised_where_the_result_is_asked_for():
    from bot.parallel import beside

    def work():
        raise ValueError("beside")

    with pytest.raises(ValueError, match="beside"), beside(work) as result:
        result()
