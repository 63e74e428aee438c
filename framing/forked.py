"""Independent pieces of a corpus-wide stage on several local cores (forked processes).

The corpus-wide stages (group comparisons, timelines, topic-number diagnostics) are made of
pieces that share their inputs but not their random streams: every pair of outlets, every
timeline cell, every candidate number of topics draws from a generator seeded by its own
name. Each piece is therefore computed the same way whichever process runs it, and
:func:`map_forked` runs them on ``jobs`` forked processes and returns their results in
order: the outputs are byte-identical for any number of jobs (tested).

Forked, not spawned: a child starts with the parent's memory (the measures table, the
term counts) shared copy-on-write instead of sent to it, and returns only its piece's
small result. Where fork does not exist, the pieces run one after the other here.
"""

from __future__ import annotations

import gc
import multiprocessing
import warnings
from collections.abc import Callable, Sequence
from typing import TypeVar

from framing import memory

T = TypeVar("T")
R = TypeVar("R")

#: The function and items of the :func:`map_forked` call running now, read by the forked
#: children (they inherit it; nothing is pickled on the way in).
_CURRENT: list[tuple[Callable, Sequence]] = []


def _run_one(index: int) -> tuple[object, list[tuple]]:
    fn, items = _CURRENT[-1]
    # A child's warnings would be printed by the child, once per process: they are
    # recorded and given back, and the parent issues them in piece order.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(items[index])
    return result, [(str(w.message), w.category, w.filename, w.lineno) for w in caught]


def map_forked(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[fn(item) for item in items]``, computed by up to ``jobs`` forked processes.

    Parameters
    ----------
    fn : callable
        Function of one item; it may be a closure (children inherit it). Its result must be
        picklable. It must not depend on which process runs it or in which order: the
        pieces of a stage each seed their own generator.
    items : sequence
        The pieces.
    jobs : int
        Processes to use; 1 (or fewer than two items, or no ``fork`` on this system) runs
        every piece here, in order.

    Returns
    -------
    list
        The results, in the order of ``items``. An exception raised by a piece is raised
        here; warnings are issued here, in the order of the pieces.
    """
    n = min(int(jobs), len(items))
    if n <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    _CURRENT.append((fn, items))
    # The free heap goes back to the system first: the children would otherwise start with
    # it (and, on a large corpus, hundreds of megabytes of it are counted while they run).
    memory.trim()
    # Objects alive now are moved out of the collector's reach, so a child's collections
    # do not walk them (and copy every page that holds one).
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            done = pool.map(_run_one, range(len(items)), chunksize=1)
    finally:
        gc.unfreeze()
        _CURRENT.pop()
    out = []
    for result, caught in done:
        for message, category, filename, lineno in caught:
            warnings.warn_explicit(message, category, filename, lineno)
        out.append(result)
    return out
