"""Shared helpers of the reliability suite.

- :func:`run_cli` runs the ``framing`` command line in this process (fast: no interpreter
  start) and returns exit code, standard output and standard error.
- The ``figure`` fixture records a measured figure (``record_property("figure:NAME", ...)``);
  the figures are printed at the end of a run of this folder, so
  ``pytest tests/reliability -n 2`` ends with the table that ``RELIABILITY.md`` quotes.
- :func:`build_tiny` writes the TINY corpus (four short articles, two outlets, both
  scripts, exact and approximate dates) that every ``framing analyze`` run of the suite uses,
  with :data:`ANALYZE_FLAGS` (no figures, no cache, 200 resamples) so a run takes seconds.
- The ``warm`` fixture is one warm framing process per test worker (``forkserver.py``) that
  runs commands in forked children: SnowNLP's tables are loaded once, each command still runs
  in its own process that can be killed, and time zone and locale can differ per command.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def run_cli(*args: str | os.PathLike[str]) -> tuple[int, str, str]:
    """Run ``framing ARGS`` in-process; return ``(exit code, stdout, stderr)``.

    An exception that escapes ``framing.cli.main`` is returned as exit code 70 with its
    traceback in stderr: that is what a user would see, and the suite counts it.
    """
    import traceback

    from framing.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception:  # noqa: BLE001 - counted as an uncaught traceback by the caller
            traceback.print_exc()
            code = 70
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def figure(record_property):
    """``figure(name, value)``: record a measured figure of the reliability suite."""

    def record(name: str, value: object) -> None:
        record_property(f"figure:{name}", value)

    return record


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ARG001
    rows = []
    for reports in terminalreporter.stats.values():
        for rep in reports:
            for key, value in getattr(rep, "user_properties", []) or []:
                if isinstance(key, str) and key.startswith("figure:"):
                    rows.append((key[len("figure:"):], value))
    if rows:
        terminalreporter.section("reliability figures")
        for name, value in sorted(set((k, str(v)) for k, v in rows)):
            terminalreporter.write_line(f"{name}: {value}")


# --------------------------------------------------------------------------- TINY corpus

#: Article file -> (text, outlet, date) of the TINY corpus.
TINY = {
    "a.txt": ("祖克柏親自出馬搶人才\nMeta 成立超級智能實驗室，由 Scale AI 創始人汪濤領軍。\n"
              "業界人士指出，簽約獎金只是薪酬結構的一部分，真正的價值在於股票。\n（科技日報）\n",
              "科技日報", "2025-07-03"),
    "b.txt": ("Meta 高薪挖角 OpenAI 研究员\n"
              "据报道，扎克伯格亲自给候选人发邮件，开出上亿美元的薪酬。\n"
              "分析人士认为，这场人才争夺战反映出大模型竞争的战略焦虑。\n",
              "新浪", "2025-06"),
    "c.txt": ("小扎的超级智能实验室继续招人，多名研究员确认加入。\n外界认为薪酬并非唯一原因，"
              "公司面临人才流失的危机。\n", "新浪", "2025-06-15"),
    "d.txt": ("OpenAI 內部備忘錄指出，公司正在重新校準薪酬。\n研究人員對挖角感到焦慮，"
              "但也有人認為這是成功的機會。\n", "科技日報", "2025-W27"),
}
#: Flags of every analyze run of the suite (same flags in every cell, so outputs compare).
ANALYZE_FLAGS = ("--no-figures", "--no-cache", "--n-boot", "200", "--jobs", "1")


def build_tiny(root: Path, names: tuple[str, ...] = tuple(TINY)) -> Path:
    """Make the TINY corpus (or the articles ``names`` of it) at ``root``."""
    from framing.corpus import add_articles, init_corpus

    init_corpus(root)
    src = root.parent / f".{root.name}-src"
    src.mkdir(exist_ok=True)
    for name in names:
        text, outlet, date = TINY[name]
        (src / name).write_text(text, encoding="utf-8")
        add_articles(root, [src / name], outlet=outlet, date=date, title=text.split("\n")[0])
    return root


def digest(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder`` (hidden ones included)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def framing_command() -> list[str]:
    """The installed ``framing`` command (or ``python -m framing``)."""
    exe = Path(sys.executable).with_name("framing")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "framing"]


# --------------------------------------------------------------------------- warm process


@dataclass
class Ran:
    """Result of one command run by the warm process."""

    status: int  # exit code, or minus the signal number that killed it
    stdout: str
    stderr: str


class Warm:
    """Client of ``forkserver.py``: one request at a time over its stdin/stdout."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "forkserver.py")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env, cwd=ROOT,
        )
        ready = self.proc.stdout.readline()
        if json.loads(ready or "{}").get("ready") is not True:  # pragma: no cover
            raise RuntimeError(f"forkserver did not start: {ready!r}")
        self.count = 0

    def run(self, *args: str | os.PathLike[str], env: dict[str, str | None] | None = None,
            cwd: str | os.PathLike[str] | None = None, tmp: Path) -> Ran:
        """Run ``framing ARGS`` in a fresh child with ``env`` changes (None removes)."""
        self.count += 1
        out, err = tmp / f"cmd{self.count}.out", tmp / f"cmd{self.count}.err"
        request = {"argv": [str(a) for a in args], "env": env or {},
                   "cwd": str(cwd or ROOT), "stdout": str(out), "stderr": str(err)}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        return Ran(reply["status"], out.read_text(encoding="utf-8", errors="replace"),
                   err.read_text(encoding="utf-8", errors="replace"))

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


@pytest.fixture(scope="session")
def warm() -> Iterator[Warm]:
    """One warm framing process per test worker (SnowNLP loaded once)."""
    env = dict(os.environ, PYTHONHASHSEED="0", TZ="UTC", LC_ALL="C.UTF-8")
    t0 = time.perf_counter()
    server = Warm(env)
    server.start_seconds = time.perf_counter() - t0
    yield server
    server.close()
