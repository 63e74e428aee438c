"""Local worker processes: how many a run uses, and the fork server they are forked from.

Kept apart from :mod:`framing.engine` and free of numpy and pandas, so that ``framing
analyze`` can start the fork server (which loads the models, about 2 s) before it imports
anything heavy itself: the two then load at the same time.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path

from framing.errors import ConfigError


@dataclass
class RunOptions:
    """How to run the per-article work. None of it changes a number.

    Attributes
    ----------
    jobs : int, optional
        Local worker processes; None means every core this process may use. 1 runs in this
        process. Ignored when ``scheduler`` is set.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``); needs ``framing[dask]``.
    cache : bool
        Reuse and store per-article results (:mod:`framing.cache`).
    cache_dir : path, optional
        Cache folder (default: framing's private cache folder).
    batch_size : int
        Articles per task sent to a worker.
    progress : bool
        Show a progress bar (articles per second, time left) on standard error.
    """

    jobs: int | None = None
    scheduler: str | None = None
    cache: bool = True
    cache_dir: str | Path | None = None
    batch_size: int = 16
    progress: bool = False


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def local_jobs(options: RunOptions) -> int:
    """Local worker processes asked for (every usable core by default)."""
    jobs = options.jobs if options.jobs is not None else available_cores()
    if jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, not {jobs}")
    return jobs


def stop_fork_server() -> None:
    """Stop multiprocessing's fork server if it runs: it holds the models for as long as
    it lives (about 300 MiB), which is otherwise as long as this process.

    multiprocessing has no public way to do this; its own tests use ``_stop``. Where that
    is missing (another Python), the server is left running: only memory is lost.
    """
    import multiprocessing.forkserver as forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()


def fork_server() -> multiprocessing.context.BaseContext | None:
    """The ``forkserver`` context, its server set to preload :mod:`framing.workerboot`, or
    None where there is none (Windows).

    The local workers are forked from a fork server, a small process started once that has
    loaded the models: they share the models' memory, and, unlike workers forked from this
    process, they inherit nothing of the corpus. Forked from here, each would copy page by
    page the part of this process's heap it writes into (measured at 100,000 articles:
    about 420 MiB private per worker, against 260). The server loads the models even for a
    run that only reads stored results (a few seconds, once per server): a server started
    without them would keep it so.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["framing.workerboot"])
    return context


def start_workers_early(options: RunOptions) -> None:
    """Start the fork server now when ``options`` will run local workers, so that it loads
    the models (about 1.6 s; more the first time, when it builds their caches) while this
    process imports its modules and reads the corpus instead of after. Starting it again
    does nothing."""
    import multiprocessing.forkserver

    if options.scheduler or local_jobs(options) < 2 or fork_server() is None:
        return
    multiprocessing.forkserver.ensure_running()
