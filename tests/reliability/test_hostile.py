"""Hostile files: paths that escape the corpus, formula cells, oversized input, planted caches
and pickles, and the network.

- Manifest paths that leave the corpus (``..``, absolute, a link to a file or a folder
  outside) are skipped with a reason and their content never reaches an output, even with
  ``--skip-bad``.
- Spreadsheet exports (``--excel``) neutralise every text cell a spreadsheet would run as a
  formula, full-width ``＝＋－＠`` included, in every table of a real run.
- Oversized files and lines are refused with the limit stated.
- One process runs ``import``, ``validate`` and ``analyze`` under ``guarded.py``: an audit
  hook records every file opened and every ``marshal`` load, refuses any network access, and
  unpickling is refused outright. Files planted in the corpus (a pickle that would run a
  command) and in the shared temp folder (a ``jieba.cache`` that would change segmentation)
  are never opened; ``marshal`` loads only Python's own bytecode, SnowNLP's installed model
  and jieba's cache or framing's prepared dictionary (``framing.tokens``) in framing's
  private folder (mode 0700); nothing is written to the shared temp folder.
"""

from __future__ import annotations

import csv
import io
import json
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from framing.corpus import MAX_ARTICLE_BYTES, MAX_LINE_CHARS
from framing.output import FORMULA_PREFIXES
from framing.snowfast import snownlp_dir

from .conftest import ANALYZE_FLAGS, HERE, ROOT, TINY, build_tiny, run_cli

SECRET = "外洩的祕密內容SECRET-7f3a"


# --------------------------------------------------------------------------- paths


@pytest.fixture(scope="module")
def escaping(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TINY corpus plus four rows whose files lead outside it."""
    base = tmp_path_factory.mktemp("escape")
    root = build_tiny(base / "corpus")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n第二段。\n", encoding="utf-8")
    os.symlink(outside / "secret.txt", root / "articles" / "link.txt")
    os.symlink(outside, root / "articles" / "folder")
    rows = [("dotdot", "../outside/secret.txt"), ("absolute", str(outside / "secret.txt")),
            ("link", "articles/link.txt"), ("folderlink", "articles/folder/secret.txt")]
    with (root / "manifest.csv").open("a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for doc_id, file in rows:
            w.writerow([doc_id, "外站", "2025-07-01", "", "", "", "", file, "", ""])
    return root


def test_escaping_paths_are_skipped_with_reasons(escaping: Path, figure) -> None:
    code, out, err = run_cli("validate", escaping)
    assert code == 1 and err == ""
    assert "rows read: 8  ingested: 4  skipped: 4" in out
    for doc_line, reason in ((6, "path_escape"), (7, "path_absolute"), (8, "path_escape"),
                             (9, "path_escape")):
        assert f"[{reason}] {escaping / 'manifest.csv'}:{doc_line}:" in out, out
    code, _, err = run_cli("analyze", escaping, "-o", escaping.parent / "refused")
    assert code == 2 and "4 manifest row(s) cannot be read" in err and "--skip-bad" in err
    figure("hostile.escaping_paths", "4 of 4 skipped with reasons")


def test_escaping_content_never_reaches_outputs(escaping: Path, warm, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ran = warm.run("analyze", escaping, "-o", out, *ANALYZE_FLAGS, "--skip-bad", tmp=tmp_path)
    assert ran.status == 0, ran.stderr
    for path in out.rglob("*"):
        if path.is_file():
            assert "SECRET-7f3a" not in path.read_text(encoding="utf-8", errors="replace"), path


# --------------------------------------------------------------------------- formulas

FORMULAS = {
    "title": '=HYPERLINK("http://evil.example","點我")',
    "outlet": "＋886新聞台",
    "paras": ["－2 研究员被挖角，Meta 的战略焦虑加剧。", "@SUM(A1:A9) 人才争夺战仍在继续。",
              "＝1+1 公司面临危机。", "=cmd|' /C calc'!A0 外界认为薪酬并非唯一原因。"],
}


def is_formula(cell: str) -> bool:
    if not cell.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(cell)  # a number in a numeric column is written as a number
    except ValueError:
        return True
    return False


def test_spreadsheet_export_neutralises_every_formula(tmp_path: Path, warm, figure) -> None:
    from framing.corpus import add_articles

    root = build_tiny(tmp_path / "corpus", ("b.txt",))
    src = tmp_path / "hostile.txt"
    src.write_text("\n".join(FORMULAS["paras"]) + "\n", encoding="utf-8")
    add_articles(root, [src], outlet=FORMULAS["outlet"], date="2025-06-20",
                 title=FORMULAS["title"])
    out = tmp_path / "out"
    ran = warm.run("analyze", root, "-o", out, *ANALYZE_FLAGS, "--excel", tmp=tmp_path)
    assert ran.status == 0, ran.stderr
    cells = bad = 0
    for path in sorted(out.glob("*.csv")):
        text = path.read_bytes().decode("utf-8")
        assert text.startswith("\ufeff") and text.endswith("\r\n")
        for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")):
            cells += len(row)
            bad += sum(is_formula(c) for c in row)
            assert not any(is_formula(c) for c in row), (path.name, row)
    articles = (out / "articles.csv").read_bytes().decode("utf-8")
    assert "'=HYPERLINK" in articles and "'＋886新聞台" in articles
    assert "'－2 研究员" in (out / "paragraphs.csv").read_bytes().decode("utf-8")
    figure("hostile.spreadsheet_cells_checked", cells)
    figure("hostile.formula_cells_left", bad)


# --------------------------------------------------------------------------- sizes


def test_oversized_input_is_refused_with_the_limit(tmp_path: Path) -> None:
    root = build_tiny(tmp_path / "corpus", ("a.txt",))
    big = tmp_path / "big.txt"
    big.write_bytes(b"a\n" * (MAX_ARTICLE_BYTES // 2 + 1))
    code, _, err = run_cli("add", root, big, "--outlet", "x", "--date", "2025")
    assert code == 2 and f"the limit is {MAX_ARTICLE_BYTES}" in err and str(big) in err
    table = tmp_path / "t.jsonl"
    long_line = "長" * (MAX_LINE_CHARS + 1)
    table.write_text(json.dumps({"outlet": "x", "date": "2025", "text": long_line}) + "\n",
                     encoding="utf-8")
    code, out, _ = run_cli("import", root, table)
    assert code == 1 and f"the limit is {MAX_LINE_CHARS}" in out and f"{table}:1:" in out


# --------------------------------------------------------------------------- guarded run


def evil_pickle(marker: Path) -> bytes:
    """A pickle that runs ``touch MARKER`` when loaded (built by hand: never executed)."""
    command = f"touch {marker}".encode()
    return (b"cos\nsystem\n(" + b"S'" + command + b"'\ntR.")


def test_guarded_run_loads_nothing_planted_and_stays_offline(tmp_path: Path, warm,
                                                             figure) -> None:
    shared_tmp, cache = tmp_path / "shared-tmp", tmp_path / "private-cache"
    shared_tmp.mkdir()
    # Start from the worker's warm caches (built by the warm process), so loading them is
    # what the run does.
    shutil.copytree(os.environ["FRAMING_CACHE_DIR"], cache,
                    ignore=shutil.ignore_patterns("*.sqlite*"))
    root = build_tiny(tmp_path / "corpus", ("a.txt", "b.txt"))
    marker = tmp_path / "PWNED"
    planted = {
        shared_tmp / "jieba.cache": marshal.dumps(({"祖克柏親自出馬搶人才": 10**9}, 10**9)),
        shared_tmp / "framing-results.pkl": evil_pickle(marker),
        root / "articles" / "evil.pkl": evil_pickle(marker),
        root / "coding" / "evil.pickle": evil_pickle(marker),
    }
    for path, data in planted.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    table = tmp_path / "more.jsonl"
    table.write_text("".join(json.dumps({"outlet": TINY[n][1], "date": TINY[n][2],
                                         "text": TINY[n][0]}, ensure_ascii=False) + "\n"
                             for n in ("c.txt", "d.txt")), encoding="utf-8")
    report = tmp_path / "report.json"
    out = tmp_path / "out"
    env = dict(os.environ, TMPDIR=str(shared_tmp), FRAMING_CACHE_DIR=str(cache))
    proc = subprocess.run(
        [sys.executable, str(HERE / "guarded.py"), str(report),
         "--", "import", str(root), str(table), "--", "validate", str(root),
         "--", "analyze", str(root), "-o", str(out), "--no-figures", "--jobs", "1",
         "--n-boot", "200"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, check=False)
    assert report.exists(), proc.stderr
    got = json.loads(report.read_text(encoding="utf-8"))
    assert got["codes"] == [0, 0, 0], proc.stderr[-2000:]
    assert got["network"] == []
    assert not marker.exists()
    opened = {Path(p).resolve() for p, _mode in got["opened"]}
    assert not {p.resolve() for p in planted} & opened
    snownlp = snownlp_dir().resolve()
    private = (cache / "jieba").resolve()
    sources = {"bytecode": 0, "snownlp model": 0, "jieba cache": 0}
    for load in got["loads"]:
        last = Path(load["last_opened"]).resolve() if load["last_opened"] else None
        if load["caller"].startswith("<frozen importlib"):
            sources["bytecode"] += 1
        elif last is not None and last.is_relative_to(snownlp):
            sources["snownlp model"] += 1
        elif last is not None and last.is_relative_to(private) and (
                "jieba" in load["caller"] or load["caller"].endswith("tokens.py:_load_prepared")):
            sources["jieba cache"] += 1  # jieba's own, or framing's prepared dictionary
        else:
            pytest.fail(f"unexpected marshal load: {load}")
    assert sources["jieba cache"] >= 1  # the private cache was used, not rebuilt
    assert (cache / "jieba").stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in shared_tmp.iterdir()) == sorted(
        p.name for p in planted if p.parent == shared_tmp)
    assert (out / "manifest.json").exists()
    figure("hostile.guarded_run", f"{len(got['opened'])} files opened, marshal loads by "
           f"source {sources}, 0 unpickled, 0 network calls, 0 planted files opened")


def test_guards_refuse_unpickling_and_network(tmp_path: Path) -> None:
    # The guards of the run above are not vacuous: a pickle load and two network calls are
    # refused (exit value 3 = attempts refused) and the connections are recorded.
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, str(HERE / "guarded.py"), str(report), "--", "selftest"],
                   capture_output=True, check=True, cwd=ROOT)
    got = json.loads(report.read_text(encoding="utf-8"))
    assert got["codes"] == [3]
    assert [n.split()[0] for n in got["network"]] == ["socket.getaddrinfo", "socket.connect"]
