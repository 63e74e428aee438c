"""Giving freed memory back to the operating system.

CPython and the libraries under it (numpy, scipy, rjieba, OpenCC) allocate with the C
library's ``malloc``. On Linux (glibc) memory freed by a large table or a model often stays
mapped to the process: the heap only shrinks from its top, so one live block above a freed
region keeps the whole region resident. A run that drops a model or a table of hundreds of
megabytes therefore calls :func:`trim`, which asks glibc (``malloc_trim``) to release every
free page it holds. Elsewhere (macOS, musl, Windows) it only collects garbage.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Iterator

# Whether trim() does its work (see trimming()).
_ENABLED = [True]


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> object | None:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    name = ctypes.util.find_library("c")
    if name is None:  # pragma: no cover - no C library found by name
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        return None


@contextlib.contextmanager
def trimming(enabled: bool) -> Iterator[None]:
    """Within the block, :func:`trim` does its work only if ``enabled``.

    A full garbage collection walks every object of the process: 50-170 ms once pandas,
    scikit-learn and a run's tables are loaded. A run on a small corpus, which has little
    memory to give back, turns trimming off rather than pay that at each of its stages.
    Processes forked inside the block inherit the setting.
    """
    before = _ENABLED[0]
    _ENABLED[0] = enabled
    try:
        yield
    finally:
        _ENABLED[0] = before


def trim() -> bool:
    """Collect garbage, then give the C heap's free pages back to the system (nothing inside
    ``trimming(False)``).

    Returns
    -------
    bool
        Whether the C library released any memory (always False without ``malloc_trim``,
        or when trimming is off).
    """
    if not _ENABLED[0]:
        return False
    gc.collect()
    fn = _malloc_trim()
    return bool(fn(0)) if fn is not None else False
