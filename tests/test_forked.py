"""map_forked: pieces of a corpus-wide stage on several processes, same results as one."""

from __future__ import annotations

import os
import signal
import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.forked import map_forked


def test_results_in_order_and_computed_elsewhere() -> None:
    here = os.getpid()
    table = np.arange(12.0)  # inherited by the children, not sent to them

    def piece(i: int) -> tuple[int, float, bool]:
        return i, float(table[i] ** 2), os.getpid() != here

    got = map_forked(piece, list(range(12)), jobs=2)
    assert [g[:2] for g in got] == [(i, float(i * i)) for i in range(12)]
    assert all(g[2] for g in got)  # every piece ran in a child
    assert all(not g[2] for g in map_forked(piece, list(range(3)), jobs=1))


@settings(max_examples=20, deadline=None, derandomize=True)
@given(st.lists(st.integers(-1000, 1000), max_size=7), st.integers(1, 4))
def test_same_results_as_a_loop(items: list[int], jobs: int) -> None:
    def piece(x: int) -> list[int]:
        rng = np.random.default_rng([7, x + 1000])  # each piece seeds its own generator
        return rng.integers(0, 100, 3).tolist()

    assert map_forked(piece, items, jobs) == [piece(x) for x in items]


def test_errors_and_warnings_come_back() -> None:
    def bad(x: int) -> int:
        if x == 2:
            raise ValueError(f"piece {x} is bad")
        return x

    with pytest.raises(ValueError, match="piece 2 is bad"):
        map_forked(bad, [0, 1, 2, 3], jobs=2)

    def warn(x: int) -> int:
        warnings.warn(f"note {x}", UserWarning, stacklevel=1)
        return x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert map_forked(warn, [0, 1, 2], jobs=2) == [0, 1, 2]
    assert [str(w.message) for w in caught] == ["note 0", "note 1", "note 2"]


def test_beside_runs_elsewhere_at_the_same_time_and_gives_back_its_result(tmp_path) -> None:
    from framing.forked import beside

    here = os.getpid()
    table = np.arange(5.0)  # inherited, not sent
    gate = tmp_path / "gate"

    def work() -> tuple[int, float]:
        # waits until the parent, still running, opens the gate: the two run together
        for _ in range(2000):
            if gate.exists():
                break
            time.sleep(0.005)
        return os.getpid(), float(table.sum())

    job = beside(work)
    gate.touch()
    pid, total = job.result()
    assert pid != here and total == 10.0
    assert job.result() == (pid, total)  # kept
    pid, total = beside(work, enabled=False).result()  # run here, at once
    assert pid == here


def test_beside_gives_back_errors_and_warnings() -> None:
    from framing.forked import beside

    def bad() -> None:
        warnings.warn("first a note", UserWarning, stacklevel=1)
        raise ValueError("this went wrong")

    for enabled in (True, False):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(ValueError, match="this went wrong"):
                beside(bad, enabled=enabled).result()
        assert [str(w.message) for w in caught] == ["first a note"]


def test_beside_reports_a_child_that_dies_and_close_stops_one_not_wanted() -> None:
    from framing.forked import beside

    with pytest.raises(ChildProcessError, match="ended abruptly"):
        beside(lambda: os._exit(3)).result()
    job = beside(lambda: time.sleep(600))
    process = job._process
    job.close()
    assert process.exitcode == -signal.SIGTERM  # stopped, not waited for
