"""Atomic writes: a file or a whole output folder appears complete or not at all.

- :func:`write_bytes` / :func:`write_text` write a temporary file in the target's folder,
  flush and ``fsync`` it, then ``os.replace`` it over the target (atomic on POSIX within one
  file system), then ``fsync`` the folder.
- :func:`replace_dir` swaps a fully written staging folder in place of an output folder. The
  old folder is first renamed aside, the new one renamed in, and the old one removed; a kill
  between the two renames leaves the previous results under ``<name>.old-*`` and no
  half-written ``<name>``. Leftover staging and old folders are removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from framing.errors import FramingError


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsync'ed
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see module docstring)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 (no BOM, newlines as given) to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def cleanup_stale(out: Path) -> None:
    """Remove staging and old folders left next to ``out`` by an interrupted run."""
    for pattern in (f".{out.name}.staging-*", f"{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def staged_dir(out: str | os.PathLike[str], marker: str) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces ``out`` atomically.

    Parameters
    ----------
    out : path
        The final output folder.
    marker : str
        Name of a file every framing output folder contains. An existing, non-empty ``out``
        without it is refused, so framing never deletes a folder it did not write.
    """
    target = Path(out).resolve()
    if target.exists():
        if not target.is_dir():
            raise FramingError(f"{out}: output path exists and is not a folder")
        if any(target.iterdir()) and not (target / marker).exists():
            raise FramingError(
                f"{out}: folder is not empty and was not written by framing "
                f"(no {marker}); choose another output folder"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    cleanup_stale(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_dir(staging, target)


def replace_dir(new: Path, target: Path) -> None:
    """Put folder ``new`` in place of ``target`` (see module docstring)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{target.name}.old-", dir=target.parent))
        old.rmdir()
        os.replace(target, old)
    os.replace(new, target)
    _fsync_dir(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
