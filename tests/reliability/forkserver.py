"""A warm framing process that runs ``framing`` commands in forked children.

Started by the ``warm`` fixture (``conftest.py``). It imports framing and loads SnowNLP's
tables and the tokenizer once (about 10 s), then reads one JSON request per line on standard
input::

    {"argv": [...], "env": {"TZ": "Asia/Taipei", "X": null}, "cwd": "...",
     "stdout": "path", "stderr": "path"}

and for each forks a child that applies the environment (``None`` removes a variable; the
time zone and the locale are re-read), sends its output to the two files, runs
``framing.cli.main(argv)`` and exits with its code. The reply is ``{"status": N}``: the exit
code, or minus the signal that killed the child (``-9`` after a SIGKILL kill point). A child
is a real process: a SIGKILL there loses everything not yet on disk, exactly as in a
``framing`` started from a shell. Only this process is single-threaded, so forking is safe.
"""

from __future__ import annotations

import json
import locale
import os
import sys
import time
import traceback


def preload() -> None:
    """Import everything a command needs and load the slow tables once."""
    import framing.analyze  # noqa: F401
    import framing.cli  # noqa: F401
    import framing.pipeline  # noqa: F401
    import framing.topics  # noqa: F401
    from framing import frames, sentiment, snowfast  # noqa: F401
    from framing.tokens import default_tokenizer

    snowfast.default_model()
    default_tokenizer().tokenize("預熱分詞器")


def child(request: dict) -> None:
    """Run one request in this (forked) process; never returns."""
    code = 70
    try:
        os.chdir(request["cwd"])
        for key, value in request["env"].items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        time.tzset()
        locale.setlocale(locale.LC_ALL, "")
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        from framing.cli import main

        code = main(request["argv"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:  # noqa: BLE001 - an uncaught traceback, reported as exit 70
        traceback.print_exc()
        code = 70
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001, S110 - nothing left to report to
                pass
        os._exit(code)


def main() -> None:
    preload()
    reply = sys.stdout
    print(json.dumps({"ready": True}), file=reply, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            child(request)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), file=reply,
              flush=True)


if __name__ == "__main__":
    main()
