"""SHA-256 of files, and of a run's output files in background threads.

``manifest.json`` records the SHA-256 of every file a run writes; on a large corpus that is
gigabytes (the ``tokens`` table alone is 2.6 GB at 100,000 articles), about 5 seconds of
hashing. :class:`FileHashes` hashes each file in a background thread as soon as the run has
finished writing it: ``hashlib`` and file reads release the GIL on large blocks, so the
hashing uses a core the run's single-process stages leave idle, and the manifest then only
collects the digests.

The corpus-wide stages fork processes (:mod:`framing.forked`) while these threads live. A
forked child has only the forking thread, so a lock another thread held at that moment stays
held in the child: these threads only read files and hash bytes, and no child touches their
files, hash objects or queue. (Python 3.12 and later issue a DeprecationWarning about forking
a process with threads, not shown by default.)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

#: Bytes read and hashed at a time (large blocks: the GIL is released for each).
BLOCK = 1 << 22


def file_sha256(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks (a table can be gigabytes)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(BLOCK):
            h.update(block)
    return h.hexdigest()


class FileHashes:
    """SHA-256 of finished files, computed by background threads.

    Parameters
    ----------
    threads : int
        Files hashed at the same time.

    Notes
    -----
    A file handed to :meth:`add` must not change afterwards: its digest may already be
    computed. :meth:`sha256` of a file never added hashes it then.
    """

    def __init__(self, threads: int = 2) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=max(1, threads),
                                        thread_name_prefix="framing-sha256")
        self._digests: dict[Path, object] = {}

    def add(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Start hashing ``paths`` (finished files; a path already added is skipped)."""
        for path in map(Path, paths):
            if path not in self._digests:
                self._digests[path] = self._pool.submit(file_sha256, path)

    def sha256(self, path: str | os.PathLike[str]) -> str:
        """Hex SHA-256 of ``path`` (waits for its thread; raises what reading it raised)."""
        self.add([path])
        return self._digests[Path(path)].result()  # type: ignore[attr-defined]

    def close(self) -> None:
        """Stop the threads (digests not yet computed are not computed)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> FileHashes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
