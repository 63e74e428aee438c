"""Exceptions for bad input. The CLI prints their message (never a traceback) and exits 2.

Every message names what a user needs to find the problem: the file, the line where there
is one, the offending value, and what was expected.
"""

from __future__ import annotations


class FramingError(Exception):
    """Base class of errors caused by bad input or bad usage (not by a bug)."""


class CorpusError(FramingError):
    """A corpus or manifest problem that stops the command.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    path : str, optional
        The file concerned.
    line : int, optional
        Physical line in ``path`` (1-based).
    value : str, optional
        The offending value (shortened to 80 characters in the message).
    """

    def __init__(
        self, message: str, path: str = "", line: int | None = None, value: str | None = None
    ) -> None:
        self.path, self.line, self.value, self.reason = path, line, value, message
        where = path + (f":{line}" if line is not None else "")
        text = f"{where}: {message}" if where else message
        if value is not None:
            shown = value if len(value) <= 80 else value[:77] + "..."
            text += f" (value: {shown!r})"
        super().__init__(text)


class ConfigError(FramingError):
    """An invalid option, codebook, lexicon or configuration file."""


class WorkerError(FramingError):
    """A local worker process ended abruptly (a script without a ``__main__`` guard, or the
    machine out of memory); the message says which to check."""
