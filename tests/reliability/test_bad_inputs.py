"""Bad-input catalogue (``cases.py``): every case gives its expected outcome.

Each case runs once through the library (``load_corpus``, ``import_table``, ``add_articles``,
``output.csv_text``) and once through the command line in-process (``framing validate``,
``import``, ``add``). Figures: cases tried, uncaught tracebacks (must be 0) and articles lost
or garbled without a word (must be 0): a row missing from the ledger, a row skipped or
refused without naming file, line and value, or an article ingested with a text other than
the one its file was written from.
"""

from __future__ import annotations

import collections
import csv
import io
import os
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from framing import output
from framing.corpus import (
    Article,
    LedgerRow,
    add_articles,
    import_table,
    init_corpus,
    load_corpus,
)
from framing.errors import CorpusError

from .cases import BASE_TEXT, CASES, Case
from .conftest import run_cli

MIN_CASES = 150


@dataclass
class Outcome:
    """What one case did, and what was wrong with it."""

    kind: str = ""  # refused, ledger, cells, traceback
    error: str = ""
    ledger: list[LedgerRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    traceback: bool = False
    lost: int = 0  # rows lost or articles garbled without a word

    def fail(self, message: str, lost: bool = False) -> None:
        self.problems.append(message)
        self.lost += lost


def write_tree(base: Path, files: dict[str, bytes], symlinks: dict[str, str],
               dirs: list[str]) -> None:
    for rel, data in files.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_bytes(data)
    for rel in dirs:
        (base / rel).mkdir(parents=True, exist_ok=True)
    for rel, target in symlinks.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, base / rel)


def article_fields(art: Article) -> dict[str, str]:
    return {**art.meta, "doc_id": art.doc_id, "outlet": art.outlet, "title": art.title,
            "url": art.url, "text": art.text, "encoding": art.encoding, "script": art.script,
            "date": art.date.value, "date_precision": art.date.precision}


def check_fields(out: Outcome, where: str, art: Article, wanted: dict[str, str]) -> None:
    got = article_fields(art)
    for key, value in wanted.items():
        if got.get(key) != value:
            out.fail(f"{where}: {key} is {str(got.get(key))[:60]!r}, expected {value!r}",
                     lost=key == "text")


def check_refused(case: Case, out: Outcome, err: CorpusError, path: str) -> None:
    out.kind = "refused"
    out.error = str(err)
    if case.expect != "refused":
        out.fail(f"refused ({err}) but expected {case.expect}", lost=True)
        return
    if path not in str(err):
        out.fail(f"message does not name the file {path}: {err}", lost=True)
    if case.line is not None and err.line != case.line:
        out.fail(f"message names line {err.line}, expected {case.line}: {err}", lost=True)
    if case.value is not None and case.value not in str(err):
        out.fail(f"message does not name the value {case.value!r}: {err}", lost=True)


def check_ledger(case: Case, out: Outcome, ledger: list[LedgerRow], shown: str) -> None:
    out.kind, out.ledger = "ledger", ledger
    got = [(r.line, r.status, r.code) for r in ledger]
    want = [(r.line, r.status, r.code) for r in case.rows]
    if case.expect == "refused":
        out.fail(f"accepted with ledger {got[:5]} but expected a refusal", lost=False)
        return
    if got != want:
        out.fail(f"ledger {got[:6]} != expected {want[:6]}", lost=len(got) != len(want))
    for r in ledger:
        if r.status != "ingested" or r.code:
            if f"{shown}:{r.line}:" not in r.detail:
                out.fail(f"ledger row does not name {shown}:{r.line}: {r.detail}", lost=True)
    if case.expect == "skipped" and case.value is not None:
        if not any(case.value in r.detail for r in ledger if r.status != "ingested"):
            out.fail(f"no skipped row names the value {case.value!r}: "
                     f"{[r.detail for r in ledger if r.status != 'ingested'][:3]}", lost=True)


def run_manifest(case: Case, base: Path, out: Outcome) -> None:
    root = base / "corpus"
    (root / "articles").mkdir(parents=True)
    (base / "outside.txt").write_text("外面的檔案。\n", encoding="utf-8")
    write_tree(root, case.files, case.symlinks, case.dirs)
    if case.manifest is not None:
        (root / "manifest.csv").write_bytes(case.manifest)
    shown = str(root / "manifest.csv")
    try:
        corpus = load_corpus(root)
    except CorpusError as err:
        check_refused(case, out, err, shown)
        code, _, stderr = run_cli("validate", root)
        if code != 2 or not stderr.startswith("error: "):
            out.fail(f"CLI validate: exit {code}, stderr {stderr[:200]!r}")
        return
    check_ledger(case, out, corpus.ledger, shown)
    arts = {a.doc_id: a for a in corpus.articles}
    for art in corpus.articles:
        rel = (root / art.file).resolve().relative_to(root.resolve()).as_posix()
        if rel not in case.intended:
            out.fail(f"{art.doc_id}: ingested but the case gives no intended text for {rel}")
        elif art.text != case.intended[rel]:
            out.fail(f"{art.doc_id}: garbled: {art.text[:40]!r} != {case.intended[rel][:40]!r}",
                     lost=True)
    for doc_id, wanted in case.checks.items():
        if doc_id not in arts:
            out.fail(f"{doc_id} not ingested")
        else:
            check_fields(out, doc_id, arts[doc_id], wanted)
    code, stdout, stderr = run_cli("validate", root)
    skipped = any(r.status == "skipped" for r in corpus.ledger)
    if code != (1 if skipped else 0) or stderr.strip():
        out.fail(f"CLI validate: exit {code}, stderr {stderr[:200]!r}")
    if f"rows read: {len(corpus.ledger)}" not in stdout:
        out.fail(f"CLI validate does not print the ledger count: {stdout[:200]!r}")


def run_import(case: Case, base: Path, out: Outcome) -> None:
    root = init_corpus(base / "corpus")
    src = base / "src"
    src.mkdir()
    write_tree(src, case.files, case.symlinks, case.dirs)
    name, data = case.table
    table = src / name
    table.write_bytes(data.replace(b"@DIR@", str(src).encode()))
    before = (root / "manifest.csv").read_bytes()
    try:
        ledger = import_table(root, table)
    except CorpusError as err:
        check_refused(case, out, err, str(table))
        if (root / "manifest.csv").read_bytes() != before:
            out.fail("refused import changed the manifest", lost=True)
        return
    check_ledger(case, out, ledger, str(table))
    corpus = load_corpus(root)
    arts = {a.doc_id: a for a in corpus.articles}
    ingested = [r for r in ledger if r.status == "ingested"]
    if sorted(arts) != sorted(r.doc_id for r in ingested):
        out.fail(f"corpus holds {sorted(arts)}, ledger ingested {[r.doc_id for r in ingested]}",
                 lost=True)
    for r in ingested:
        key = str(r.line)
        intended = case.intended.get(key)
        if intended is None and r.file:
            intended = case.intended.get(os.path.relpath(r.file, src) if os.path.isabs(r.file)
                                         else r.file)
        if intended is None:
            out.fail(f"line {r.line}: ingested but the case gives no intended text")
        elif r.doc_id in arts and arts[r.doc_id].text != intended:
            out.fail(f"line {r.line}: garbled: {arts[r.doc_id].text[:40]!r}", lost=True)
        if key in case.checks and r.doc_id in arts:
            check_fields(out, f"line {key}", arts[r.doc_id], case.checks[key])
    # The command line on a fresh corpus gives the same ledger.
    again = init_corpus(base / "corpus2")
    code, stdout, stderr = run_cli("import", again, table)
    skipped = any(r.status == "skipped" for r in ledger)
    if code != (1 if skipped else 0) or stderr.strip() or f"rows read: {len(ledger)}" not in stdout:
        out.fail(f"CLI import: exit {code}, stdout {stdout[:120]!r}, stderr {stderr[:200]!r}")


def run_add(case: Case, base: Path, out: Outcome) -> None:
    root = init_corpus(base / "corpus")
    seed = base / "base.txt"
    seed.write_text(BASE_TEXT, encoding="utf-8")
    add_articles(root, [seed], outlet="底稿", date="2025-06", doc_id="base")
    src = base / "src"
    src.mkdir()
    write_tree(src, case.files, case.symlinks, case.dirs)
    names, options = case.add
    paths = [src / n for n in names]
    snapshot = sorted((p.relative_to(root).as_posix(), p.read_bytes())
                      for p in root.rglob("*") if p.is_file())
    try:
        rows = add_articles(root, paths, **options)
    except CorpusError as err:
        check_refused(case, out, err, str(src))
        after = sorted((p.relative_to(root).as_posix(), p.read_bytes())
                       for p in root.rglob("*") if p.is_file())
        if after != snapshot:
            out.fail("refused add changed the corpus", lost=True)
        flags = [f"--{k.replace('_', '-')}={v}" for k, v in options.items() if v is not None]
        code, _, stderr = run_cli("add", root, *paths, *flags)
        if code != 2 or not stderr.startswith("error: "):
            out.fail(f"CLI add: exit {code}, stderr {stderr[:200]!r}")
        return
    out.kind = "ledger"
    if case.expect == "refused":
        out.fail(f"added {len(rows)} article(s) but expected a refusal")
        return
    arts = {a.doc_id: a for a in load_corpus(root).articles}
    for name, r in zip(names, rows, strict=True):
        art = arts.get(r["doc_id"])
        if art is None:
            out.fail(f"{name} added but not in the corpus", lost=True)
            continue
        if art.text != case.intended.get(name):
            out.fail(f"{name}: garbled: {art.text[:40]!r}", lost=True)
        check_fields(out, name, art, case.checks)


def run_export(case: Case, out: Outcome) -> None:
    cell, expected = case.cells
    out.kind = "cells"
    df = pd.DataFrame({"v": [cell], "other": ["x"]})
    for excel in (True, False):
        text = output.csv_text(df, excel=excel)
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
        got = rows[1][0] if len(rows) == 2 else None
        want = expected if excel else str(cell)
        if got != want:
            out.fail(f"{'spreadsheet' if excel else 'machine'} CSV cell {got!r} != {want!r}",
                     lost=True)


def run_case(case: Case, base: Path) -> Outcome:
    out = Outcome()
    base.mkdir(parents=True)
    try:
        if case.op == "manifest":
            run_manifest(case, base, out)
        elif case.op == "import":
            run_import(case, base, out)
        elif case.op == "add":
            run_add(case, base, out)
        else:
            run_export(case, out)
    except Exception:  # noqa: BLE001 - an uncaught traceback is a figure of this suite
        out.kind, out.traceback = "traceback", True
        out.fail(traceback.format_exc(limit=-4), lost=True)
    return out


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("catalogue")
    return {case.id: run_case(case, base / case.id) for case in CASES}


def test_catalogue_is_large_and_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), [i for i, n in collections.Counter(ids).items() if n > 1]
    assert len(CASES) >= MIN_CASES
    assert {c.expect for c in CASES} == {"refused", "skipped", "normalised"}
    for c in CASES:
        assert c.what and c.area, c.id


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, outcomes: dict[str, Outcome]) -> None:
    out = outcomes[case.id]
    assert not out.problems, f"{case.id} ({case.what}):\n" + "\n".join(out.problems)


def test_figures(outcomes: dict[str, Outcome], figure) -> None:
    tracebacks = sum(o.traceback for o in outcomes.values())
    lost = sum(o.lost for o in outcomes.values())
    by_expect = collections.Counter(c.expect for c in CASES)
    by_area = collections.Counter(c.area for c in CASES)
    figure("bad_inputs.cases", len(CASES))
    figure("bad_inputs.expected", dict(sorted(by_expect.items())))
    figure("bad_inputs.areas", dict(sorted(by_area.items())))
    figure("bad_inputs.uncaught_tracebacks", tracebacks)
    figure("bad_inputs.lost_or_garbled_silently", lost)
    figure("bad_inputs.cases_failing", sum(bool(o.problems) for o in outcomes.values()))
    assert tracebacks == 0
    assert lost == 0
