"""Atomic writes: a file or a whole output folder appears complete or not at all.

- :func:`write_bytes` / :func:`write_text` write a temporary file in the target's folder,
  flush and ``fsync`` it, then ``os.replace`` it over the target (atomic on POSIX within one
  file system), then ``fsync`` the folder.
- :func:`replace_dir` swaps a fully written staging folder in place of an output folder. The
  old folder is first renamed aside, the new one renamed in, and the old one removed; a kill
  between the two renames leaves the previous results under ``<name>.old-*`` and no
  half-written ``<name>``. Leftover staging and old folders are removed by the next run.
- :func:`remove_stale_temps` removes the temporary files a killed writer left behind (only
  call it while holding the lock that keeps other writers out, e.g. the corpus lock).

Crash tests: :func:`kill_point` marks named points where a test may have the process killed
with SIGKILL (``FRAMING_TEST_KILL_AT=<label>``); the reliability suite kills writers there and
checks that nothing is ever left half-written (``tests/reliability/test_crash.py``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from framing.errors import FramingError

#: Environment variable naming the kill point of a crash test: ``LABEL`` (glob patterns
#: allowed) or ``LABEL#N`` to die at its N-th occurrence. Unset in normal use.
KILL_ENV = "FRAMING_TEST_KILL_AT"
_kill_hits: dict[str, int] = {}
#: Suffix of the temporary files :func:`write_bytes` writes next to their target ...
TEMP_SUFFIX = ".tmp"
#: ... named ``.TARGET.XXXXXXXX.tmp`` (``tempfile.mkstemp``'s eight random characters).
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def kill_point(label: str) -> None:
    """Die at once, by SIGKILL, if ``$FRAMING_TEST_KILL_AT`` names this point (test hook).

    Writers call this at the moments where a crash would hurt most (a file half written, a
    folder renamed aside, a lock taken), so crash tests can kill a real process exactly there
    instead of at a guessed time. Without the variable it does nothing.

    Parameters
    ----------
    label : str
        Name of the point, e.g. ``write:manifest.csv:partial`` or ``replace:old-aside``.
    """
    wanted = os.environ.get(KILL_ENV)
    if not wanted:
        return
    pattern, _, nth = wanted.partition("#")
    if not fnmatch.fnmatchcase(label, pattern):
        return
    _kill_hits[pattern] = _kill_hits.get(pattern, 0) + 1
    if _kill_hits[pattern] == int(nth or 1):
        # No clean-up, no atexit, no flushing: exactly what a power cut or the OOM killer does.
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsync'ed
        # os.open: a raw file descriptor for fsync; no text is read, so no encoding applies.
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see module docstring)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if os.environ.get(KILL_ENV):  # crash tests: die with the file half written
                fh.write(data[: len(data) // 2])
                fh.flush()
                kill_point(f"write:{target.name}:partial")
                data = data[len(data) // 2 :]
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        kill_point(f"write:{target.name}:before-replace")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    kill_point(f"write:{target.name}:replaced")
    _fsync_dir(target.parent)


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove temporary files a killed :func:`write_bytes` left in ``folder``; return them.

    Only files named like this module's temporary files (``.NAME.XXXXXXXX.tmp``) are
    removed. Call it only while holding the lock that keeps every other writer out of the
    folder: a temporary file of a live writer looks the same.
    """
    removed = []
    base = Path(folder)
    if not base.is_dir():
        return removed
    for path in base.glob(f".*{TEMP_SUFFIX}"):
        if _TEMP_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


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
    kill_point("stage:created")
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    kill_point("stage:filled")
    replace_dir(staging, target)


def replace_dir(new: Path, target: Path) -> None:
    """Put folder ``new`` in place of ``target`` (see module docstring)."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{target.name}.old-", dir=target.parent))
        old.rmdir()
        os.replace(target, old)
        kill_point("replace:old-aside")
    os.replace(new, target)
    _fsync_dir(target.parent)
    kill_point("replace:new-in")
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
