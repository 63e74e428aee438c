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


class Beside:
    """A function running in a forked process beside this one (:func:`beside`).

    :meth:`result` waits for it and returns its result (raising its exception and issuing
    its warnings here); :meth:`close` stops it if its result is no longer wanted.
    """

    def __init__(self, fn: Callable[[], object], fork: bool) -> None:
        self._process = None
        self._conn = None
        self._done: tuple | None = None
        if not fork:
            self._done = _outcome(fn)
            return
        import sys

        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        # Text still buffered here would be written again by the child when it flushes its
        # streams on exit.
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        gc.freeze()  # as in map_forked: the child's collections leave the inherited pages
        try:
            self._process = ctx.Process(target=_send_outcome, args=(fn, child), daemon=True)
            self._process.start()
        finally:
            gc.unfreeze()
        child.close()
        self._conn = parent

    def result(self) -> object:
        """The function's result, once it has finished."""
        if self._done is None:
            try:
                self._done = self._conn.recv()  # type: ignore[union-attr]
            except EOFError:
                self._process.join()  # type: ignore[union-attr]
                code = self._process.exitcode  # type: ignore[union-attr]
                raise ChildProcessError(
                    f"a forked process ended abruptly (exit code {code}); the machine may "
                    "have run out of memory") from None
            finally:
                self.close()
        ok, value, caught = self._done
        self._done = (ok, value, [])  # warnings are issued once
        for message, category, filename, lineno in caught:
            warnings.warn_explicit(message, category, filename, lineno)
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the process if it still runs (its result is then lost) and release it."""
        if self._process is not None:
            if self._process.is_alive() and self._done is None:
                self._process.terminate()
            self._process.join()
            self._conn.close()  # type: ignore[union-attr]
            self._process = None


def _outcome(fn: Callable[[], object]) -> tuple:
    """``(True, fn(), warnings)``, or ``(False, exception, warnings)``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            ok, value = True, fn()
        except Exception as exc:  # given back to the parent, raised there
            ok, value = False, exc
    return ok, value, [(str(w.message), w.category, w.filename, w.lineno) for w in caught]


def _send_outcome(fn: Callable[[], object], conn: object) -> None:
    import pickle

    outcome = _outcome(fn)
    try:
        data = pickle.dumps(outcome)
    except Exception as exc:  # an exception (or result) that cannot be pickled
        data = pickle.dumps((False, RuntimeError(f"{outcome[1]!r} ({exc})"), outcome[2]))
    conn.send_bytes(data)  # type: ignore[attr-defined]


def beside(fn: Callable[[], object], enabled: bool = True) -> Beside:
    """Start ``fn()`` in a forked process while this one goes on.

    For work whose inputs are final and whose result is small (files written, their
    prototypes returned) while this process computes something else: on two cores the two
    run at once. The child starts with this process's memory (copy-on-write); what either
    process frees afterwards stays held by the other until the child ends, so callers use it
    only where that memory is small.

    Parameters
    ----------
    fn : callable
        Function of no argument; its result (or exception) must be picklable. The child is
        daemonic (stopped if this process exits), so ``fn`` must not start processes of its
        own: :func:`map_forked` with ``jobs`` above 1 would fail there.
    enabled : bool
        False, or no ``fork`` on this system, runs ``fn`` here at once.

    Returns
    -------
    Beside
        ``result()`` waits for ``fn`` and returns its result; ``close()`` stops it.
    """
    fork = enabled and "fork" in multiprocessing.get_all_start_methods()
    return Beside(fn, fork)
