"""Run ``framing`` commands under guards that record what the process opens and loads.

Usage: ``python guarded.py REPORT.json -- CMD ARGS [-- CMD ARGS ...]`` runs each
``framing CMD ARGS`` in this one process, in order, after installing

- an audit hook (:func:`sys.addaudithook`) that records every file opened (path, mode) and
  every ``marshal.load``/``marshal.loads`` with the code that called it and the file opened
  last before it, and that **refuses any network access** (``socket.*`` events raise);
- replacements of ``pickle.load``, ``pickle.loads`` and ``pickle.Unpickler`` that refuse to
  unpickle anything (nothing framing reads from disk may execute code when it is loaded).

It writes the exit codes and the records to ``REPORT.json``; the test
(``test_hostile.py``) judges them. A refused load or connection makes the command fail,
which the report shows too.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
import traceback

opened: list[tuple[str, str]] = []
loads: list[dict] = []
network: list[str] = []


def _caller() -> str:
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_code.co_name}" if frame else "?"


def hook(event: str, args: tuple) -> None:
    if event == "open":
        path, mode = args[0], args[1]
        if isinstance(path, (str, bytes, os.PathLike)):
            opened.append((os.fsdecode(path), str(mode)))
    elif event in ("marshal.load", "marshal.loads"):
        loads.append({"event": event, "caller": _caller(),
                      "last_opened": opened[-1][0] if opened else ""})
    elif event.startswith("socket.") and event != "socket.__new__":
        network.append(f"{event} {args!r}"[:200])
        raise RuntimeError(f"network access refused by the reliability guard: {event}")


def refuse(*_args: object, **_kwargs: object) -> object:
    raise RuntimeError("unpickling refused by the reliability guard")


class RefusingUnpickler(pickle.Unpickler):  # noqa: S301 - it refuses to load
    def load(self) -> object:
        return refuse()


def selftest() -> int:
    """Try to unpickle and to reach the network; return how many attempts were refused."""
    import socket

    refused = 0
    for attempt in (lambda: pickle.loads(pickle.dumps(1)),  # noqa: S301 - must be refused
                    lambda: socket.getaddrinfo("pypi.org", 443),
                    lambda: socket.socket().connect(("127.0.0.1", 9))):
        try:
            attempt()
        except RuntimeError as exc:
            refused += "reliability guard" in str(exc)
        except OSError:
            pass
    return refused


def main() -> None:
    report, rest = sys.argv[1], sys.argv[2:]
    commands: list[list[str]] = []
    for arg in rest:
        if arg == "--":
            commands.append([])
        else:
            commands[-1].append(arg)
    sys.addaudithook(hook)
    pickle.load, pickle.loads, pickle.Unpickler = refuse, refuse, RefusingUnpickler
    from framing.cli import main as framing_main

    codes = []
    for command in commands:
        try:
            if command == ["selftest"]:  # the guards themselves refuse, as they should
                codes.append(selftest())
                continue
            codes.append(framing_main(command))
        except BaseException:  # noqa: BLE001 - reported, judged by the test
            traceback.print_exc()
            codes.append(70)
    with open(report, "w", encoding="utf-8") as fh:
        json.dump({"codes": codes, "opened": opened, "loads": loads, "network": network}, fh)


if __name__ == "__main__":
    main()
