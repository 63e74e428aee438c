"""The ``framing`` command line: thin wrappers over library functions.

Each command parses its arguments, calls one public function and prints its result. Errors
caused by bad input (:class:`framing.errors.FramingError`) are printed as ``error: ...``
without a traceback, with exit code 2. Exit code 1 means the command ran but found problems
(rows skipped by ``validate`` or ``import``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence

from framing import __version__
from framing.errors import FramingError

#: Modules in ``framing.commands`` whose ``register(subparsers)`` adds sub-commands.
COMMAND_MODULES = ("corpus", "analyze", "report", "frames", "sentiment", "terms", "timeline",
                   "cache")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="framing",
        description="Measure how Chinese-language news outlets frame a story.",
    )
    parser.add_argument("--version", action="version", version=f"framing {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"framing.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # Chinese output on a C-locale or cp936 console
            reconfigure(encoding="utf-8", errors="backslashreplace")
    # Warnings read as messages ("warning: ..."), not as Python source locations.
    warnings.formatwarning = lambda message, category, *_a, **_k: f"warning: {message}\n"
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except FramingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file the user named cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was committed", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
