"""One BLAS thread for framing's numerical steps, so a result does not depend on the machine.

A multi-threaded BLAS splits a matrix product across threads, and how it splits depends on the
number of cores; floating-point sums taken in another order differ in their last digits. The
topic model (NMF), bootstrap resamples and permutation tests are matrix products, so without a
limit the same corpus gave different last digits on a 2-core and a 16-core machine. Every such
step runs under :func:`one_blas_thread`; framing's parallelism is per article, across processes
(:mod:`framing.engine`), never inside BLAS.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


@functools.cache
def _controller():  # noqa: ANN202 - threadpoolctl's own type
    # Made once: scanning the loaded libraries costs milliseconds, and the wrapped functions
    # are called hundreds of times in one run.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread(fn: F) -> F:
    """Decorate ``fn`` to run with BLAS limited to one thread (restored afterwards)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with _controller().limit(limits=1, user_api="blas"):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: Cells (rows x units) of a resampling matrix made at once: 8 MiB of float64. A bootstrap
#: or permutation step draws a matrix of replicates x units; on a large corpus (an outlet
#: with 100,000 paragraphs) its default number of rows at once would take gigabytes. (32 MiB
#: until session 11: each forked process of the comparisons then held about 0.27 GiB at
#: 100,000 articles.)
RESAMPLE_CELLS = 1 << 20


def rows_per_chunk(n_units: int, most: int) -> int:
    """Replicates drawn at once for ``n_units`` units: ``most``, fewer on large groups.

    The draws are taken row by row from the generator, so chunking does not change them.
    A smaller chunk is a multiple of 8: BLAS computes an odd last row of a product with
    another kernel (its last digit may differ), and with even chunks the only odd row is the
    last replicate's, as with ``most`` rows (even) at a time.
    """
    if n_units * most <= RESAMPLE_CELLS:
        return most
    return min(most, max(8, RESAMPLE_CELLS // max(n_units, 1) // 8 * 8))
