"""Crash consistency: SIGKILL at named points of ``framing init``, ``add``, ``import`` and
``analyze``; nothing is ever left half-written and a rerun gives what an uninterrupted run
gives, byte for byte.

Each command runs in a real process (a child of the warm process, ``forkserver.py``) with
``FRAMING_TEST_KILL_AT=<label>``: :func:`framing.atomic.kill_point` kills it there with
SIGKILL, exactly at that point (a file half written, a file complete but not yet renamed into
place, the output folder renamed aside ...). The test first checks that the process really
died there (exit by signal 9: a label that is never reached fails the test), then:

- **corpus commands**: the corpus loads; every listed article is complete (its text hash
  matches the one recorded when it was added); the manifest is byte-identical either to the
  one before the command or to the one an uninterrupted run writes; files written but not yet
  listed are complete copies of the uninterrupted run's (``framing validate`` lists them as
  orphans). Rerunning the command (for ``add``, unless it was already committed: then it is
  refused as a duplicate) leaves the corpus byte-identical to the uninterrupted run's, lock
  file and temporary files included (none are left).
- **analyze**: the output folder is either the previous results, byte for byte, or the
  complete new ones; killed between the two renames, the previous results are in
  ``OUT.old-*``. Rerunning gives output byte-identical to an uninterrupted run and removes
  the staging and old folders.

Heavier variants (``@pytest.mark.slow``): a kill at every file ``analyze`` writes, and kills
of freshly started ``framing`` processes instead of forked ones.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from framing.atomic import KILL_ENV
from framing.corpus import load_corpus

from .conftest import ANALYZE_FLAGS, ROOT, TINY, build_tiny, digest, framing_command

SIGKILLED = -9

ADD_POINTS = [
    "corpus:locked", "corpus:before-commit", "write:*.txt:partial", "write:*.txt:replaced#2",
    "corpus:articles-written", "write:manifest.csv:partial",
    "write:manifest.csv:before-replace", "write:manifest.csv:replaced",
]
IMPORT_POINTS = ["corpus:locked", "write:*.txt:before-replace", "write:manifest.csv:partial",
                 "write:manifest.csv:replaced"]
INIT_POINTS = ["write:manifest.csv:partial"]
ANALYZE_POINTS = ["stage:created", "write:tokens.csv:partial",
                  "write:manifest.json:before-replace", "stage:filled", "replace:old-aside",
                  "replace:new-in"]
FIRST_ANALYZE_POINTS = ["replace:new-in"]


# --------------------------------------------------------------------------- corpus commands


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory, warm) -> dict:
    """The corpus before a command, the inputs, and each command's uninterrupted result."""
    base = tmp_path_factory.mktemp("crash")
    before = build_tiny(base / "before", ("a.txt", "b.txt"))
    src = base / "src"
    src.mkdir()
    for name in ("c.txt", "d.txt"):
        (src / name).write_text(TINY[name][0], encoding="utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["outlet", "date", "text"])
    for name in ("c.txt", "d.txt", "a.txt"):  # a.txt is already in the corpus: a duplicate
        w.writerow([TINY[name][1], TINY[name][2], TINY[name][0]])
    (src / "t.csv").write_text(buf.getvalue(), encoding="utf-8")
    commands = {
        "add": lambda root: ("add", root, src / "c.txt", src / "d.txt", "--outlet", "新浪",
                             "--date", "2025-06-15"),
        "import": lambda root: ("import", root, src / "t.csv"),
        "init": lambda root: ("init", root),
    }
    refs = {}
    for name, command in commands.items():
        root = base / f"ref-{name}"
        if name != "init":
            shutil.copytree(before, root)
        ran = warm.run(*command(root), tmp=base)
        assert ran.status == 0, ran.stderr
        refs[name] = root
    return {"base": base, "before": before, "commands": commands, "refs": refs}


def check_corpus_after_kill(root: Path, before: Path | None, ref: Path) -> str:
    """Check the corpus a killed command left; return 'before', 'after' or 'orphans'."""
    manifest = (root / "manifest.csv").read_bytes() if (root / "manifest.csv").exists() else None
    old = (before / "manifest.csv").read_bytes() if before else None
    new = (ref / "manifest.csv").read_bytes()
    assert manifest in (old, new), "manifest is neither the old one nor the complete new one"
    if manifest is None:  # init killed before its manifest existed: no corpus yet
        return "before"
    corpus = load_corpus(root)
    assert all(r.status == "ingested" and not r.code for r in corpus.ledger), corpus.ledger
    for orphan in corpus.orphans:  # written, not yet listed: a complete copy
        assert (root / orphan).read_bytes() == (ref / orphan).read_bytes(), orphan
    if manifest == new:
        return "after"
    return "orphans" if corpus.orphans else "before"


@pytest.mark.parametrize(("command", "point"), [
    *(("add", p) for p in ADD_POINTS),
    *(("import", p) for p in IMPORT_POINTS),
    *(("init", p) for p in INIT_POINTS),
])
def test_kill_corpus_command(command: str, point: str, states: dict, warm, tmp_path: Path,
                             figure) -> None:
    root = tmp_path / "corpus"
    if command != "init":
        shutil.copytree(states["before"], root)
    args = states["commands"][command](root)
    killed = warm.run(*args, env={KILL_ENV: point}, tmp=tmp_path)
    assert killed.status == SIGKILLED, f"not killed at {point}: {killed.status} {killed.stderr}"
    state = check_corpus_after_kill(root, states["before"] if command != "init" else None,
                                    states["refs"][command])
    again = warm.run(*args, tmp=tmp_path)
    if state == "after" and command == "add":
        assert again.status == 2 and "same text" in again.stderr, again.stderr
    else:
        assert again.status == 0, again.stderr
    assert digest(root) == digest(states["refs"][command])
    figure(f"crash.{command}.{point}", f"killed, left {state}, rerun identical")


# --------------------------------------------------------------------------- analyze


@pytest.fixture(scope="module")
def analyze_states(tmp_path_factory: pytest.TempPathFactory, warm) -> dict:
    """Corpus, previous results (of a smaller corpus) and the uninterrupted new results."""
    base = tmp_path_factory.mktemp("crash-analyze")
    corpus = build_tiny(base / "corpus", ("a.txt", "b.txt"))
    previous = base / "previous" / "out"
    ran = warm.run("analyze", corpus, "-o", previous, *ANALYZE_FLAGS, tmp=base)
    assert ran.status == 0, ran.stderr
    build_more = base / "more"
    build_tiny(build_more)
    shutil.rmtree(corpus)
    shutil.copytree(build_more, corpus)  # the same corpus path, now with four articles
    ref = base / "ref" / "out"
    ran = warm.run("analyze", corpus, "-o", ref, *ANALYZE_FLAGS, tmp=base)
    assert ran.status == 0, ran.stderr
    assert digest(ref) != digest(previous)
    return {"corpus": corpus, "previous": previous, "ref": ref}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".staging-" in p.name or ".old-" in p.name)


def kill_analyze(point: str, states: dict, warm, tmp_path: Path, previous: bool) -> str:
    out = tmp_path / "work" / "out"
    out.parent.mkdir(parents=True)
    if previous:
        shutil.copytree(states["previous"], out)
    args = ("analyze", states["corpus"], "-o", out, *ANALYZE_FLAGS)
    killed = warm.run(*args, env={KILL_ENV: point}, tmp=tmp_path)
    assert killed.status == SIGKILLED, f"not killed at {point}: {killed.status} {killed.stderr}"
    prev, ref = digest(states["previous"]), digest(states["ref"])
    if out.exists():
        got = digest(out)
        assert got in (prev, ref) if previous else got == ref, "half-written output folder"
        state = "previous" if got == prev else "new"
    else:
        olds = [p for p in out.parent.iterdir() if p.name.startswith("out.old-")]
        if previous:
            assert [digest(p) for p in olds] == [prev], "previous results lost"
            state = "previous in out.old-*"
        else:
            assert olds == []
            state = "none"
    again = warm.run(*args, tmp=tmp_path)
    assert again.status == 0, again.stderr
    assert digest(out) == ref
    assert leftovers(out.parent) == []
    return state


@pytest.mark.parametrize("point", ANALYZE_POINTS)
def test_kill_analyze(point: str, analyze_states: dict, warm, tmp_path: Path, figure) -> None:
    state = kill_analyze(point, analyze_states, warm, tmp_path, previous=True)
    figure(f"crash.analyze.{point}", f"killed, left {state}, rerun identical")


@pytest.mark.parametrize("point", FIRST_ANALYZE_POINTS)
def test_kill_first_analyze(point: str, analyze_states: dict, warm, tmp_path: Path,
                            figure) -> None:
    state = kill_analyze(point, analyze_states, warm, tmp_path, previous=False)
    figure(f"crash.analyze_first_run.{point}", f"killed, left {state}, rerun identical")


def test_kill_points_count(figure) -> None:
    n = (len(ADD_POINTS) + len(IMPORT_POINTS) + len(INIT_POINTS) + len(ANALYZE_POINTS)
         + len(FIRST_ANALYZE_POINTS))
    figure("crash.kill_points", n)
    assert n >= 20


# --------------------------------------------------------------------------- slow variants


@pytest.mark.slow
def test_kill_at_every_file_analyze_writes(analyze_states: dict, warm, tmp_path: Path,
                                           figure) -> None:
    files = sorted(digest(analyze_states["ref"]))
    for i, name in enumerate(files):
        for stage in ("partial", "before-replace", "replaced"):
            kill_analyze(f"write:{name}:{stage}", analyze_states, warm, tmp_path / f"{i}{stage}",
                         previous=True)
    figure("crash.slow.analyze_file_points", len(files) * 3)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["write:manifest.csv:partial", "write:*.txt:replaced#2"])
def test_kill_fresh_process(point: str, states: dict, tmp_path: Path) -> None:
    # The same as the forked kills, with a framing started from scratch by the shell.
    root = tmp_path / "corpus"
    shutil.copytree(states["before"], root)
    args = [str(a) for a in states["commands"]["add"](root)]
    env = dict(os.environ, **{KILL_ENV: point})
    proc = subprocess.run([*framing_command(), *args], env=env, cwd=ROOT, check=False,
                          capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == SIGKILLED
    check_corpus_after_kill(root, states["before"], states["refs"]["add"])
    proc = subprocess.run([*framing_command(), *args], cwd=ROOT, check=False,
                          capture_output=True, text=True, encoding="utf-8")
    assert digest(root) == digest(states["refs"]["add"])
