"""Determinism matrix: the same corpus gives byte-identical outputs across hash seeds, worker
counts, time zones, locales and manifest row order.

One baseline run and one run per dimension, each compared file by file with the baseline
(``framing analyze`` on the TINY corpus with :data:`~.conftest.ANALYZE_FLAGS`; every run
recomputes every article: ``--no-cache``):

- **hash seed and a non-UTF-8 locale**: a fresh interpreter with ``PYTHONHASHSEED=4242``,
  ``LC_ALL=C`` and ``PYTHONUTF8=0`` (ASCII as the locale's encoding, which only a fresh
  interpreter picks up), against the baseline's ``PYTHONHASHSEED=0`` and ``C.UTF-8``. The two
  are combined in one run because both need a new interpreter (about 15 s each); a
  difference would be reported with the files that differ.
- **workers**: ``--jobs 2`` (per-article work in two processes) against ``--jobs 1``.
- **time zone**: ``TZ=Pacific/Kiritimati`` (UTC+14) against UTC.
- **locale**: ``de_DE.UTF-8`` (decimal comma, other collation; built with ``localedef`` into
  a private folder) against ``C.UTF-8``; skipped if ``localedef`` cannot build it.
- **row order**: the manifest's rows reversed. ``ledger.csv`` keeps each row's manifest line
  (it must follow the rows), so it is compared as a set of rows without ``line``, and
  ``manifest.json`` without that file's hash; every other file must be identical.

The forked runs come from the warm process (``forkserver.py``), where time zone and locale
are re-read by each child.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ANALYZE_FLAGS, ROOT, build_tiny, digest, framing_command

BASE_ENV = {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny(tmp_path_factory.mktemp("determinism") / "corpus")


@pytest.fixture(scope="module")
def baseline_out(tiny: Path, warm, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("baseline") / "out"
    ran = warm.run("analyze", tiny, "-o", out, *ANALYZE_FLAGS, tmp=out.parent)
    assert ran.status == 0, ran.stderr
    return out


@pytest.fixture(scope="module")
def baseline(baseline_out: Path) -> dict[str, str]:
    return digest(baseline_out)


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def run_cell(warm, tiny: Path, tmp: Path, *extra: str, env: dict | None = None) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / "out"
    flags = list(ANALYZE_FLAGS)
    if extra[:1] == ("--jobs",):
        flags[flags.index("--jobs") + 1] = extra[1]
        extra = extra[2:]
    ran = warm.run("analyze", tiny, "-o", out, *flags, *extra, env=env, tmp=tmp)
    assert ran.status == 0, ran.stderr
    return out


def test_hash_seed_and_ascii_locale(tiny: Path, baseline: dict, tmp_path: Path, figure) -> None:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONHASHSEED"))}
    env.update(PYTHONHASHSEED="4242", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0",
               TZ="UTC")
    probe = subprocess.run(
        [sys.executable, "-c",
         "import locale, sys; print(locale.getpreferredencoding(False), sys.flags.utf8_mode)"],
        capture_output=True, text=True, encoding="utf-8", env=env, check=True)
    proc = subprocess.run([*framing_command(), "analyze", str(tiny), "-o", str(out),
                           *ANALYZE_FLAGS], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", env=env, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert differing(baseline, digest(out)) == []
    figure("determinism.hash_seed_ascii_locale", f"identical ({probe.stdout.strip()})")


def test_two_workers(tiny: Path, baseline: dict, warm, tmp_path: Path, figure) -> None:
    out = run_cell(warm, tiny, tmp_path, "--jobs", "2")
    assert differing(baseline, digest(out)) == []
    figure("determinism.workers_1_vs_2", "identical")


def test_time_zone(tiny: Path, baseline: dict, warm, tmp_path: Path, figure) -> None:
    out = run_cell(warm, tiny, tmp_path, env={"TZ": "Pacific/Kiritimati"})
    assert differing(baseline, digest(out)) == []
    figure("determinism.time_zone", "identical")


@pytest.fixture(scope="module")
def german_locale(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for de_DE.UTF-8, compiled into a private folder (no system change)."""
    folder = tmp_path_factory.mktemp("locales")
    exe = shutil.which("localedef")
    if exe is None:
        pytest.skip("localedef is not installed: no second UTF-8 locale to compare")
    proc = subprocess.run([exe, "-i", "de_DE", "-f", "UTF-8", str(folder / "de_DE.UTF-8")],
                          capture_output=True, text=True, encoding="utf-8",
                          errors="replace", check=False)  # a system tool's message
    if not (folder / "de_DE.UTF-8").is_dir():
        pytest.skip(f"localedef could not build de_DE.UTF-8: {proc.stderr[-200:]}")
    return {"LOCPATH": str(folder), "LC_ALL": "de_DE.UTF-8"}


def test_locale(tiny: Path, baseline: dict, warm, german_locale: dict, tmp_path: Path,
                figure) -> None:
    check = warm.run("--version", env=german_locale, tmp=tmp_path)
    assert check.status == 0, f"locale not usable: {check.stderr}"
    out = run_cell(warm, tiny, tmp_path, env=german_locale)
    assert differing(baseline, digest(out)) == []
    figure("determinism.locale", "identical (de_DE.UTF-8 vs C.UTF-8)")


def ledger_rows(path: Path) -> list[tuple]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    return sorted(tuple((k, v) for k, v in r.items() if k != "line") for r in rows)


def test_manifest_row_order(tiny: Path, baseline: dict, baseline_out: Path, warm,
                            tmp_path: Path, figure) -> None:
    manifest = tiny / "manifest.csv"
    original = manifest.read_bytes()
    header, *rows = original.decode("utf-8").splitlines(keepends=True)
    assert len(rows) == 4
    try:
        manifest.write_text(header + "".join(reversed(rows)), encoding="utf-8")
        out = run_cell(warm, tiny, tmp_path / "reversed")
    finally:
        manifest.write_bytes(original)
    got = digest(out)
    assert differing(baseline, got) == ["ledger.csv", "manifest.json"]
    assert ledger_rows(out / "ledger.csv") == ledger_rows(baseline_out / "ledger.csv")
    a = json.loads((baseline_out / "manifest.json").read_text(encoding="utf-8"))
    b = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for m in (a, b):
        m["files"].pop("ledger.csv")
    assert a == b
    figure("determinism.row_order", "identical except ledger line numbers")
    figure("determinism.files_compared", len(baseline))
