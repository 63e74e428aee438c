"""Corpus foundation at the library level (``framing.corpus``): init, add, import, load.

Every bad manifest either stops with a :class:`CorpusError` naming file, line and value, or
gives one ledger row per manifest row with a reason naming file, line and value; rows are
always conserved (rows = ingested + skipped + duplicates).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import framing.atomic
import framing.pipeline
from framing.corpus import (
    MANIFEST_COLUMNS,
    REQUIRED_COLUMNS,
    add_articles,
    import_table,
    init_corpus,
    load_corpus,
    text_sha256,
)
from framing.errors import CorpusError

ROOT = Path(__file__).resolve().parents[1]
SEED_000 = ROOT / "seeds" / "000_dbf7afa30f9a52d6.txt"
SEED_001 = ROOT / "seeds" / "001_66ab1e2e055d30d8.txt"
SHIPPED = ROOT / "corpora" / "ai-talent-war"

# Short articles written for these tests: one Traditional (Taiwan style), one Simplified.
TRAD = (
    "祖克柏親自出馬搶人才\n"
    "Meta 成立超級智能實驗室,由 Scale AI 創始人汪濤領軍。\n"
    "楊立昆仍然專注長期基礎研究,但權力版圖正在改變。\n"
    "業界人士指出,簽約獎金只是薪酬結構的一部分,真正的價值在於股票。\n"
    "(科技日報)\n"
)
SIMP = (
    "Meta 高薪挖角 OpenAI 研究员\n"
    "据报道,扎克伯格亲自给候选人发邮件,开出上亿美元的薪酬。\n"
    "OpenAI 首席研究官陈信翰在内部备忘录中表示,公司正在重新校准薪酬。\n"
    "分析人士认为,这场人才争夺战反映出大模型竞争的战略焦虑。\n"
    "（完）\n"
)
SIMP2 = "小扎的超级智能实验室继续招人,多名研究员确认加入。\n外界认为薪酬并非唯一原因。\n"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def row(doc_id: str, file: str, *, outlet: str = "測試報", date: str = "2025-07-03",
        precision: str = "", title: str = "", url: str = "", script: str = "",
        source: str = "") -> list[str]:
    """A manifest row in REQUIRED_COLUMNS order."""
    return [doc_id, outlet, date, precision, title, url, script, file, source]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return init_corpus(tmp_path / "c")


def ledger_by_line(root: Path) -> dict[int, tuple[str, str, str]]:
    c = load_corpus(root)
    return {r.line: (r.status, r.code, r.detail) for r in c.ledger}


# --------------------------------------------------------------------------- init / add


def test_init_makes_empty_corpus(tmp_path: Path) -> None:
    root = init_corpus(tmp_path / "new")
    assert (root / "articles").is_dir()
    header = (root / "manifest.csv").read_text(encoding="utf-8")
    assert header == ",".join(MANIFEST_COLUMNS) + "\n"
    c = load_corpus(root)
    assert c.counts() == {"rows": 0, "ingested": 0, "skipped": 0, "duplicates": 0,
                          "orphan_files": 0}
    with pytest.raises(CorpusError, match="already exists"):
        init_corpus(root)
    write(tmp_path / "afile", "x")
    with pytest.raises(CorpusError, match="not a folder"):
        init_corpus(tmp_path / "afile")


def test_add_copies_as_utf8_with_stable_id(corpus: Path, tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "trad.txt", TRAD.replace("\n", "\r\n").encode("cp950"))
    rows = add_articles(corpus, [src], outlet="科技日報", date="2025-07-03",
                        title="祖克柏親自出馬搶人才")
    (r,) = rows
    sha = text_sha256(TRAD)
    assert r["doc_id"] == sha[:16] and r["text_sha256"] == sha
    assert r["file"] == f"articles/{sha[:16]}.txt"
    assert r["script"] == "traditional"
    copied = (corpus / r["file"]).read_bytes()
    assert copied.decode("utf-8") == TRAD  # UTF-8, \n line ends, no BOM
    assert not copied.startswith(b"\xef\xbb\xbf")
    c = load_corpus(corpus)
    (art,) = c.articles
    assert (art.doc_id, art.outlet, art.text, art.encoding) == (sha[:16], "科技日報", TRAD, "utf-8")
    assert c.ledger[0].status == "ingested" and c.ledger[0].code == ""
    # The id depends on the text only: the same text elsewhere gets the same id.
    other = init_corpus(tmp_path / "other")
    assert add_articles(other, [src], outlet="x", date="2025")[0]["doc_id"] == sha[:16]


def test_add_refuses_duplicates_in_any_encoding(corpus: Path, tmp_path: Path) -> None:
    first = write(tmp_path / "a.txt", SIMP)
    (r,) = add_articles(corpus, [first], outlet="新浪", date="2025-06-20")
    before = (corpus / "manifest.csv").read_bytes()
    variants = {
        "same.txt": SIMP.encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + SIMP.encode("utf-8"),
        "crlf.txt": SIMP.replace("\n", "\r\n").encode("utf-8"),
        "gb.txt": SIMP.encode("gb18030"),
        "utf16.txt": SIMP.encode("utf-16"),
        "trailing_space.txt": SIMP.replace("\n", "  \n").encode("utf-8") + b"\n\n",
    }
    for name, data in variants.items():
        path = write(tmp_path / name, data)
        with pytest.raises(CorpusError) as err:
            add_articles(corpus, [path], outlet="新浪", date="2025-06-20")
        msg = str(err.value)
        assert str(path) in msg and repr(r["doc_id"]) in msg and "line 2" in msg, msg
    assert (corpus / "manifest.csv").read_bytes() == before
    # One changed character is a different article.
    changed = write(tmp_path / "changed.txt", SIMP.replace("焦虑", "野心"))
    assert len(add_articles(corpus, [changed], outlet="新浪", date="2025-06-20")) == 1


def test_add_duplicate_within_one_command(corpus: Path, tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", SIMP)
    b = write(tmp_path / "b.txt", SIMP.encode("gb18030"))
    with pytest.raises(CorpusError) as err:
        add_articles(corpus, [a, b], outlet="新浪", date="2025-06-20")
    msg = str(err.value)
    assert str(b) in msg and str(a) in msg and "line 0" not in msg, msg
    assert load_corpus(corpus).counts()["rows"] == 0  # nothing written


def test_add_checks_everything_before_writing(corpus: Path, tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", SIMP)
    empty = write(tmp_path / "empty.txt", "\u3000\u200b\r\n \n\ufeff")
    with pytest.raises(CorpusError, match="no text") as err:
        add_articles(corpus, [good, empty], outlet="新浪", date="2025-06-20")
    assert str(empty) in str(err.value)
    with pytest.raises(CorpusError, match="2025-13-01"):
        add_articles(corpus, [good], outlet="新浪", date="2025-13-01")
    with pytest.raises(CorpusError, match="no such file"):
        add_articles(corpus, [tmp_path / "missing.txt"], outlet="新浪", date="2025-06-20")
    with pytest.raises(CorpusError, match="doc_id"):
        add_articles(corpus, [good], outlet="新浪", date="2025-06-20", doc_id="../evil")
    with pytest.raises(CorpusError, match="outlet"):
        add_articles(corpus, [good], outlet=" ", date="2025-06-20")
    assert load_corpus(corpus).counts()["rows"] == 0
    assert sorted(p.name for p in (corpus / "articles").iterdir()) == []


@pytest.mark.parametrize(
    ("date", "precision", "value", "expected_precision", "start", "end"),
    [
        ("2025-06", "", "2025-06", "month", "2025-06-01", "2025-06-30"),
        ("2025-W27", "", "2025-W27", "week", "2025-06-30", "2025-07-06"),
        ("2025", "", "2025", "year", "2025-01-01", "2025-12-31"),
        ("2025-07-04", "week", "2025-W27", "week", "2025-06-30", "2025-07-06"),
        ("民國114年7月3日", "", "2025-07-03", "day", "2025-07-03", "2025-07-03"),
    ],
)
def test_approximate_dates_keep_precision(
    corpus: Path, tmp_path: Path, date: str, precision: str, value: str,
    expected_precision: str, start: str, end: str,
) -> None:
    src = write(tmp_path / "a.txt", SIMP)
    (r,) = add_articles(corpus, [src], outlet="新浪", date=date, date_precision=precision)
    assert (r["date"], r["date_precision"]) == (value, expected_precision)
    (art,) = load_corpus(corpus).articles
    assert (art.date.value, art.date.precision) == (value, expected_precision)
    assert (art.date.start.isoformat(), art.date.end.isoformat()) == (start, end)


def test_add_crash_leaves_manifest_unchanged(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_articles(corpus, [write(tmp_path / "a.txt", SIMP)], outlet="新浪", date="2025-06")
    manifest = corpus / "manifest.csv"
    before = manifest.read_bytes()
    ledger_before = load_corpus(corpus).ledger
    real = framing.atomic.write_text

    def crash_on_manifest(path: str | os.PathLike[str], text: str) -> None:
        if Path(path).name == "manifest.csv":
            raise OSError(28, "No space left on device (simulated)")
        real(path, text)

    monkeypatch.setattr(framing.atomic, "write_text", crash_on_manifest)
    new = write(tmp_path / "b.txt", TRAD.encode("cp950"))
    with pytest.raises(CorpusError, match="No space left") as err:
        add_articles(corpus, [new], outlet="科技日報", date="2025-07-03")
    assert err.value.path == str(manifest) and "nothing was committed" in str(err.value)
    monkeypatch.setattr(framing.atomic, "write_text", real)

    assert manifest.read_bytes() == before
    assert not (corpus / ".framing.lock").exists()
    assert not [p for p in corpus.iterdir() if p.name.startswith(".manifest.csv.")]
    after = load_corpus(corpus)
    assert after.ledger == ledger_before
    # The copied file is not listed: it is reported as an orphan, and a rerun succeeds.
    assert after.orphans == [f"articles/{text_sha256(TRAD)[:16]}.txt"]
    add_articles(corpus, [new], outlet="科技日報", date="2025-07-03")
    again = load_corpus(corpus)
    assert again.counts()["ingested"] == 2 and again.orphans == []


def test_interrupt_during_add_leaves_corpus_unchanged(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (corpus / "manifest.csv").read_bytes()
    real = framing.atomic.write_bytes

    def interrupted(path: str | os.PathLike[str], data: bytes) -> None:
        if Path(path).name == "manifest.csv":
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(framing.atomic, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        add_articles(corpus, [write(tmp_path / "a.txt", SIMP)], outlet="x", date="2025")
    monkeypatch.undo()
    assert (corpus / "manifest.csv").read_bytes() == before
    assert not (corpus / ".framing.lock").exists()
    assert load_corpus(corpus).counts()["rows"] == 0


def test_write_errors_name_the_file(tmp_path: Path) -> None:
    write(tmp_path / "plain", "x")
    with pytest.raises(CorpusError, match="cannot create the corpus"):
        init_corpus(tmp_path / "plain" / "sub")
    src = write(tmp_path / "a.txt", SIMP)
    for call in (
        lambda: add_articles(tmp_path / "nowhere", [src], outlet="x", date="2025"),
        lambda: import_table(tmp_path / "nowhere", write(tmp_path / "t.csv",
                                                         "outlet,date,text\nx,2025,文\n")),
    ):
        with pytest.raises(CorpusError, match="no manifest.csv") as err:
            call()
        assert str(tmp_path / "nowhere") in str(err.value)


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "f.csv"
    framing.atomic.write_text(target, "old\n")

    def boom(fd: int) -> None:
        raise OSError(5, "I/O error (simulated)")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="simulated"):
        framing.atomic.write_text(target, "new\n")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.csv"]  # no temp file left


def test_lock_held_by_live_process_refused(corpus: Path, tmp_path: Path) -> None:
    import fcntl

    lock = corpus / ".framing.lock"
    # Another writer holds the OS lock (a second open file description conflicts even in
    # this process): refused at once, naming its pid.
    with open(lock, "w", encoding="utf-8") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("4242")
        held.flush()
        with pytest.raises(CorpusError, match=r"another framing command \(pid 4242\)"):
            add_articles(corpus, [write(tmp_path / "a.txt", SIMP)], outlet="x", date="2025")
    assert load_corpus(corpus).counts()["rows"] == 0
    # A lock file left by a killed process (a dead pid, or empty: killed before writing it)
    # is not locked, so the next command takes it; the file is gone afterwards.
    for leftover in ("999999999", ""):
        lock.write_text(leftover, encoding="utf-8")
        add_articles(corpus, [write(tmp_path / "a.txt", SIMP + leftover)], outlet="x",
                     date="2025")
        assert not lock.exists()
    assert load_corpus(corpus).counts()["ingested"] == 2


# --------------------------------------------------------------------------- import


def test_import_csv_with_text_and_file_columns(corpus: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "trad_big5.txt", TRAD.encode("cp950"))
    write(src / "simp.txt", SIMP)
    table = write(src / "batch.csv", csv_text(
        ["outlet", "date", "title", "text", "file", "encoding", "reporter", "section"],
        [
            ["科技日報", "2025-07-03", "祖克柏親自出馬搶人才", "", "trad_big5.txt", "big5",
             "王小明", "科技"],
            ["新浪", "2025-06", "", "", "simp.txt", "", "NA", "001"],
            ["NA", "2025-W27", "None", SIMP2, "", "", "", ""],
        ],
    ))
    ledger = import_table(corpus, table)
    assert [(r.line, r.status) for r in ledger] == [(2, "ingested"), (3, "ingested"),
                                                      (4, "ingested")]
    c = load_corpus(corpus)
    assert c.counts()["ingested"] == 3
    by_text = {a.text: a for a in c.articles}
    trad, simp, inline = by_text[TRAD], by_text[SIMP], by_text[SIMP2]
    assert trad.meta["reporter"] == "王小明" and trad.meta["section"] == "科技"
    assert simp.meta["reporter"] == "NA" and simp.meta["section"] == "001"
    assert (inline.outlet, inline.title) == ("NA", "None")
    assert (simp.date.value, simp.date.precision) == ("2025-06", "month")
    assert (inline.date.value, inline.date.precision) == ("2025-W27", "week")
    header = (corpus / "manifest.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[: len(MANIFEST_COLUMNS)] == list(MANIFEST_COLUMNS)
    assert "reporter" in header and "section" in header
    arts = framing.pipeline.prepare(corpus).articles.set_index("doc_id")
    assert arts.loc[simp.doc_id, "section"] == "001"
    assert arts.loc[inline.doc_id, "outlet"] == "NA"
    assert arts.loc[inline.doc_id, "title"] == "None"
    assert arts.loc[trad.doc_id, "encoding"] == "utf-8"  # the copy is UTF-8


def test_import_jsonl(corpus: Path, tmp_path: Path) -> None:
    write(tmp_path / "simp.txt", SIMP.encode("gb18030"))
    lines = [
        {"outlet": "新浪", "date": "2025-06-20", "file": "simp.txt", "tags": "talent;meta",
         "doc_id": "001"},
        {"outlet": "科技日報", "date": "2025年7月3日", "text": TRAD, "wordcount": 120},
        "not an object",
        {"outlet": "x", "date": "2025", "text": "斷開的字\ud800"},
    ]
    text = "\n".join(json.dumps(x, ensure_ascii=True) for x in lines) + "\n{broken\n"
    table = write(tmp_path / "batch.jsonl", text)
    ledger = import_table(corpus, table)
    assert [(r.line, r.status, r.code) for r in ledger] == [
        (1, "ingested", ""), (2, "ingested", ""), (3, "skipped", "bad_row"),
        (4, "skipped", "bad_text"), (5, "skipped", "bad_row"),
    ]
    assert all(str(table) in r.detail and f":{r.line}:" in r.detail for r in ledger[2:])
    c = load_corpus(corpus)
    ids = {a.doc_id: a for a in c.articles}
    assert ids["001"].text == SIMP and ids["001"].meta["tags"] == "talent;meta"
    (other,) = [a for a in c.articles if a.doc_id != "001"]
    assert other.meta["wordcount"] == "120" and other.date.value == "2025-07-03"


def test_import_never_writes_a_manifest_it_cannot_read(corpus: Path, tmp_path: Path) -> None:
    # Whatever import accepts must load again; what would break the manifest is refused.
    lines = [
        {"outlet": "新浪", "date": "2025", "text": "標題有換行的文章。", "title": "兩行\n標題"},
        {"outlet": "新浪\u0000", "date": "2025", "text": "來源名稱有NUL。"},
        {"outlet": "新浪", "date": "2025", "text": "正文\u0000有NUL字元。"},
        {"outlet": "新浪", "date": "2025", "text": "%PDF-1.7 看起來像PDF的文字。"},
        {"outlet": "新浪", "date": "2025", "text": "欄名前後有空白。", " note": "x"},
        {"outlet": "新浪", "date": "2025", "text": "欄名是空的。", "": "x"},
        {"outlet": "新浪", "date": "2025", "text": "\ufeff開頭有BOM字元的文章。", "note": "ok"},
    ]
    table = write(tmp_path / "t.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n")
    ledger = import_table(corpus, table)
    assert [(r.status, r.code) for r in ledger] == [
        ("skipped", "bad_value"), ("skipped", "bad_value"), ("skipped", "bad_text"),
        ("skipped", "bad_text"), ("skipped", "bad_column"), ("skipped", "bad_column"),
        ("ingested", ""),
    ]
    c = load_corpus(corpus)
    assert c.counts()["ingested"] == 1 and [r.code for r in c.ledger] == [""]
    assert c.articles[0].text == "開頭有BOM字元的文章。"


def test_add_keeps_malformed_rows_verbatim(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write(root / "articles" / "a.txt", SIMP2)
    broken = ",".join(row("a", "articles/a.txt")) + ",,extra\n"  # 11 fields, header has 10
    make_manifest(root, csv_text(list(MANIFEST_COLUMNS), []) + broken + "short,row\n")
    assert [r.code for r in load_corpus(root).ledger] == ["row_arity", "row_arity"]
    add_articles(root, [write(tmp_path / "s.txt", SIMP)], outlet="新浪", date="2025")
    lines = (root / "manifest.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1:3] == [broken.rstrip("\n"), "short,row"]  # neither padded nor cut
    assert [r.code for r in load_corpus(root).ledger] == ["row_arity", "row_arity", ""]
    # A new metadata column would shift the broken rows into it: refused, nothing written.
    before = (root / "manifest.csv").read_bytes()
    table = write(tmp_path / "t.csv", csv_text(["outlet", "date", "text", "section"],
                                               [["新浪", "2025", SIMP2 + "。", "科技"]]))
    with pytest.raises(CorpusError, match="wrong number of fields") as err:
        import_table(root, table)
    assert err.value.line == 2 and "section" in str(err.value)
    assert (root / "manifest.csv").read_bytes() == before


def test_reimport_is_idempotent(corpus: Path, tmp_path: Path) -> None:
    rows = [["新浪", "2025-06", SIMP], ["新浪", "2025-06", SIMP2]]
    table = write(tmp_path / "t.csv", csv_text(["outlet", "date", "text"], rows))
    assert [r.status for r in import_table(corpus, table)] == ["ingested", "ingested"]
    before = (corpus / "manifest.csv").read_bytes()
    again = import_table(corpus, table)
    assert [(r.status, r.code) for r in again] == [("duplicate", "duplicate_text")] * 2
    assert [r.duplicate_of for r in again] == [text_sha256(SIMP)[:16], text_sha256(SIMP2)[:16]]
    assert (corpus / "manifest.csv").read_bytes() == before


def test_import_ledger_conserves_rows(corpus: Path, tmp_path: Path) -> None:
    add_articles(corpus, [write(tmp_path / "s.txt", SIMP)], outlet="新浪", date="2025-06")
    write(tmp_path / "gbk.txt", SIMP2.encode("gbk"))
    table = write(tmp_path / "t.csv", csv_text(
        ["outlet", "date", "text", "file"],
        [
            ["新浪", "2025-06", SIMP, ""],  # duplicate of the corpus article
            ["新浪", "03/07/2025", "一篇新的文章。", ""],  # ambiguous date
            ["", "2025-06", "另一篇文章。", ""],  # no outlet
            ["新浪", "2025-06", "", "missing.txt"],  # missing file
            ["新浪", "2025-06", "", ""],  # neither text nor file
            ["新浪", "2025-06", "兩個都有", "gbk.txt"],  # both
            ["新浪", "2025-06", "", "gbk.txt"],  # fine (GBK detected)
            ["新浪", "2025-06", SIMP2, ""],  # duplicate within the table
            ["新浪", "2025-06", "\u3000\u200b", ""],  # empty
        ],
    ) + "新浪,2025-06\n")  # too few fields
    ledger = import_table(corpus, table)
    statuses = [r.status for r in ledger]
    assert len(ledger) == 10
    assert statuses.count("ingested") + statuses.count("skipped") + statuses.count(
        "duplicate") == 10
    # Physical lines: the multi-line texts of rows 1 (6 lines) and 8 (3 lines) count.
    assert [(r.line, r.status, r.code) for r in ledger] == [
        (2, "duplicate", "duplicate_text"),
        (8, "skipped", "bad_date"),
        (9, "skipped", "missing_outlet"),
        (10, "skipped", "missing_file"),
        (11, "skipped", "missing_text"),
        (12, "skipped", "ambiguous_text"),
        (13, "ingested", ""),
        (14, "duplicate", "duplicate_text"),
        (17, "skipped", "empty_article"),
        (18, "skipped", "row_arity"),
    ]
    for r in ledger:
        if r.status != "ingested":
            assert r.detail.startswith(f"{table}:{r.line}: ")
    assert "03/07/2025" in ledger[1].detail and "missing.txt" in ledger[3].detail
    c = load_corpus(corpus)
    assert c.counts()["ingested"] == 2
    assert SIMP2 in {a.text for a in c.articles}


def test_import_csv_multiline_only_in_text(corpus: Path, tmp_path: Path) -> None:
    # Line breaks separate paragraphs in 'text'; anywhere else they mean an unclosed quote.
    bad = write(tmp_path / "t.csv", csv_text(["outlet", "date", "title", "text"], [
        ["新浪", "2025", "一", SIMP], ["新浪", "2025", "兩行\n標題", SIMP2],
    ]))
    with pytest.raises(CorpusError, match="line 8 to line 11") as err:
        import_table(corpus, bad)
    assert "only column 'text'" in str(err.value)
    assert (err.value.path, err.value.line) == (str(bad), 8)
    unclosed = write(tmp_path / "u.csv", 'outlet,date,text\n新浪,2025,"第一篇\n新浪,2025,第二篇\n')
    with pytest.raises(CorpusError, match="unclosed quote") as err:
        import_table(corpus, unclosed)
    assert err.value.line == 2
    assert load_corpus(corpus).counts()["rows"] == 0


def test_import_table_errors(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file"):
        import_table(corpus, tmp_path / "nope.csv")
    with pytest.raises(CorpusError, match=r"\.csv or \.jsonl"):
        import_table(corpus, write(tmp_path / "t.xlsx", b"PK\x03\x04"))
    with pytest.raises(CorpusError, match="'text' or a 'file'"):
        import_table(corpus, write(tmp_path / "t.csv", "outlet,date\n新浪,2025\n"))
    with pytest.raises(CorpusError, match="lacks required column"):
        import_table(corpus, write(tmp_path / "t.csv", "outlet,text\n新浪,x\n"))
    with pytest.raises(CorpusError, match="not valid UTF-8") as err:
        import_table(corpus, write(tmp_path / "t.csv", "outlet,date,text\n新浪,2025,文章\n"
                                   .encode("gbk")))
    assert err.value.line == 2


# --------------------------------------------------------------------------- manifest problems

HEADER = list(REQUIRED_COLUMNS)


def make_manifest(root: Path, text: str | bytes) -> Path:
    write(root / "manifest.csv", text)
    (root / "articles").mkdir(exist_ok=True)
    return root / "manifest.csv"


def load_error(root: Path) -> CorpusError:
    with pytest.raises(CorpusError) as err:
        load_corpus(root)
    return err.value


def test_missing_manifest(tmp_path: Path) -> None:
    err = load_error(tmp_path)
    assert "no manifest.csv" in str(err) and str(tmp_path / "manifest.csv") in str(err)


def test_missing_column(tmp_path: Path) -> None:
    m = make_manifest(tmp_path, csv_text(HEADER[:-1], [row("a", "articles/a.txt")[:-1]]))
    err = load_error(tmp_path)
    assert (err.path, err.line) == (str(m), 1)
    assert "source" in str(err) and "lacks required column" in str(err)


def test_duplicate_header(tmp_path: Path) -> None:
    m = make_manifest(tmp_path, csv_text([*HEADER, "date"], [[*row("a", "articles/a.txt"), "x"]]))
    err = load_error(tmp_path)
    assert (err.path, err.line, err.value) == (str(m), 1, "date")
    assert "twice" in str(err)


def test_unclosed_quote_does_not_swallow_rows(tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path / "articles" / f"a{i}.txt", f"第{i}篇文章的內容。")
    good = [csv_text(HEADER, []).rstrip("\n")]
    good += [",".join(row(f"a{i}", f"articles/a{i}.txt")) for i in range(5)]
    # Row 3 (physical line 4) opens a quote in its title and never closes it.
    good[3] = ",".join(row("a2", "articles/a2.txt", title='"Meta開天價 搶人'))
    m = make_manifest(tmp_path, "\n".join(good) + "\n")
    err = load_error(tmp_path)
    assert (err.path, err.line) == (str(m), 4)
    assert "unclosed quote" in str(err) and "a2" in str(err)
    # Same with a later quote that closes the field several lines down.
    good[5] = ",".join(row("a4", "articles/a4.txt", title='"quoted"'))
    make_manifest(tmp_path, "\r\n".join(good) + "\r\n")
    err = load_error(tmp_path)
    assert err.line == 4 and "unclosed quote" in str(err)


def test_multiline_title_refused_at_its_first_line(tmp_path: Path) -> None:
    m = make_manifest(tmp_path, csv_text(HEADER, [
        row("a", "articles/a.txt"), row("b", "articles/b.txt", title="兩行\n標題"),
    ]))
    err = load_error(tmp_path)
    assert (err.path, err.line) == (str(m), 3) and "line 3 to line 4" in str(err)


def test_semicolon_manifest_refused_with_hint(tmp_path: Path) -> None:
    m = make_manifest(tmp_path, ";".join(HEADER) + "\n" + ";".join(row("a", "articles/a.txt")))
    err = load_error(tmp_path)
    assert (err.path, err.line) == (str(m), 1) and "semicolon" in str(err)


def test_gbk_manifest_refused(tmp_path: Path) -> None:
    text = csv_text(HEADER, [row("a", "articles/a.txt", outlet="新浪财经")])
    m = make_manifest(tmp_path, text.encode("gbk"))
    err = load_error(tmp_path)
    assert (err.path, err.line) == (str(m), 2)
    assert "not valid UTF-8" in str(err) and "CSV UTF-8" in str(err)


@pytest.mark.parametrize("bad", [b"\x00", "utf-16"])
def test_utf16_or_nul_manifest_refused(tmp_path: Path, bad: object) -> None:
    text = csv_text(HEADER, [row("a", "articles/a.txt")])
    data = text.encode("utf-16") if bad == "utf-16" else text.encode() + b"\x00\n"
    m = make_manifest(tmp_path, data)
    err = load_error(tmp_path)
    assert err.path == str(m)
    assert ("UTF-16" in str(err)) if bad == "utf-16" else ("NUL" in str(err) and err.line == 3)


def test_bom_crlf_manifest_accepted(tmp_path: Path) -> None:
    write(tmp_path / "articles" / "a.txt", SIMP)
    text = csv_text(HEADER, [row("a", "articles/a.txt")]).replace("\n", "\r\n")
    make_manifest(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    c = load_corpus(tmp_path)
    assert c.columns[0] == "doc_id"
    assert [a.doc_id for a in c.articles] == ["a"]


def test_header_only_manifest(tmp_path: Path) -> None:
    make_manifest(tmp_path, ",".join(HEADER) + "\n\n")
    assert load_corpus(tmp_path).counts()["rows"] == 0
    make_manifest(tmp_path, "")
    assert "empty" in str(load_error(tmp_path))


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """A corpus whose manifest mixes good rows and every kind of row problem."""
    root = tmp_path / "messy"
    arts = root / "articles"
    write(arts / "good.txt", TRAD)
    write(arts / "big5.txt", TRAD.replace("祖克柏", "扎克伯格").encode("cp950"))
    write(arts / "gbk.txt", SIMP.encode("gbk"))
    write(arts / "dup.txt", b"\xef\xbb\xbf" + TRAD.replace("\n", "\r\n").encode("utf-8"))
    write(arts / "empty.txt", "\u3000\u200b\n\n")
    write(arts / "zero.txt", b"")
    write(arts / "na.txt", SIMP2)
    write(arts / "date.txt", "日期有問題的文章。")
    write(arts / "bad_utf8.txt", "宣告為UTF-8但其實是GBK的文章內容".encode("gbk"))
    write(tmp_path / "outside.txt", "在語料庫之外的文章。")
    (arts / "link.txt").symlink_to(tmp_path / "outside.txt")
    (arts / "loop1.txt").symlink_to(arts / "loop2.txt")
    (arts / "loop2.txt").symlink_to(arts / "loop1.txt")
    write(arts / ".hidden.txt", "隱藏的文章。")
    write(arts / "orphan.txt", "沒有列在清單裡的文章。")
    header = [*HEADER, "encoding", "note"]
    rows = [
        [*row("good", "articles/good.txt", outlet="科技日報"), "", ""],  # 2 ok
        [*row("big5", "articles/big5.txt", outlet="聯合報"), "big5", ""],  # 3 ok, declared
        [*row("gbk", "articles/gbk.txt", outlet="新浪"), "", ""],  # 4 ok, detected
        [*row("dup", "articles/dup.txt"), "", ""],  # 5 duplicate of good
        [*row("good", "articles/na.txt"), "", ""],  # 6 duplicate doc_id
        [*row("ambig", "articles/date.txt", date="03/07/2025"), "", ""],  # 7
        [*row("unknown", "articles/date.txt", date="昨天"), "", ""],  # 8
        [*row("up", "../outside.txt"), "", ""],  # 9
        [*row("abs", "/etc/passwd"), "", ""],  # 10
        [*row("link", "articles/link.txt"), "", ""],  # 11
        [*row("empty", "articles/empty.txt"), "", ""],  # 12
        [*row("zero", "articles/zero.txt"), "", ""],  # 13
        [*row("001", "articles/na.txt", outlet="NA", title="None", url="N/A"), "", "NA"],  # 14
        [*row("missing", "articles/missing.txt"), "", ""],  # 15
        [*row("hidden", "articles/.hidden.txt"), "", ""],  # 16
        [*row("backslash", "articles\\good.txt"), "", ""],  # 17
        [*row("dotdot", "articles/../articles/good.txt"), "", ""],  # 18
        [*row("declared", "articles/bad_utf8.txt"), "utf-8", ""],  # 19
        [*row("badenc", "articles/good.txt"), "latin-9000", ""],  # 20
        [*row("", "articles/good.txt"), "", ""],  # 21
        [*row("noout", "articles/good.txt", outlet=" "), "", ""],  # 22
        [*row("dir", "articles"), "", ""],  # 23
        [*row("script", "articles/good.txt", script="klingon"), "", ""],  # 24
        [*row("win", "C:/news/a.txt"), "", ""],  # 25
        [*row("loop", "articles/loop1.txt"), "", ""],  # 26
        [*row("short", "articles/good.txt")],  # 27: too few fields
    ]
    make_manifest(root, csv_text(header, rows))
    return root


MESSY_EXPECTED = {
    2: ("ingested", "", "good.txt"),
    3: ("ingested", "", "big5.txt"),
    4: ("ingested", "", "gbk.txt"),
    5: ("duplicate", "duplicate_text", "same text as article 'good'"),
    6: ("skipped", "duplicate_doc_id", "doc_id 'good' is already used on line 2"),
    7: ("skipped", "bad_date", "03/07/2025"),
    8: ("skipped", "bad_date", "昨天"),
    9: ("skipped", "path_escape", "../outside.txt"),
    10: ("skipped", "path_absolute", "/etc/passwd"),
    11: ("skipped", "path_escape", "articles/link.txt"),
    12: ("skipped", "empty_article", "articles/empty.txt"),
    13: ("skipped", "empty_article", "articles/zero.txt"),
    14: ("ingested", "", "na.txt"),
    15: ("skipped", "missing_file", "articles/missing.txt"),
    16: ("skipped", "bad_path", "articles/.hidden.txt"),
    17: ("skipped", "bad_path", "articles\\\\good.txt"),
    18: ("skipped", "path_escape", "articles/../articles/good.txt"),
    19: ("skipped", "bad_encoding", "articles/bad_utf8.txt"),
    20: ("skipped", "bad_encoding", "latin-9000"),
    21: ("skipped", "bad_doc_id", "'doc_id' is empty"),
    22: ("skipped", "missing_outlet", "'outlet' is empty"),
    23: ("skipped", "not_a_file", "'articles'"),
    24: ("skipped", "bad_script", "klingon"),
    25: ("skipped", "path_absolute", "C:/news/a.txt"),
    26: ("skipped", "bad_path", "articles/loop1.txt"),
    27: ("skipped", "row_arity", "9 fields, the header has 11"),
}


def test_messy_manifest_ledger(messy: Path) -> None:
    c = load_corpus(messy)
    manifest = str(messy / "manifest.csv")
    got = {r.line: r for r in c.ledger}
    assert sorted(got) == sorted(MESSY_EXPECTED)
    for line, (status, code, needle) in MESSY_EXPECTED.items():
        r = got[line]
        assert (r.status, r.code) == (status, code), (line, r)
        if status != "ingested":
            assert r.detail.startswith(f"{manifest}:{line}: "), r.detail
            assert needle in r.detail, (needle, r.detail)
    counts = c.counts()
    assert counts["rows"] == 26 == len(c.ledger)
    assert counts["rows"] == counts["ingested"] + counts["skipped"] + counts["duplicates"]
    assert (counts["ingested"], counts["duplicates"], counts["skipped"]) == (4, 1, 21)
    assert got[5].duplicate_of == "good"
    # Files that rows mention are not orphans, even when the row was skipped.
    assert c.orphans == ["articles/orphan.txt"]


def test_messy_manifest_values(messy: Path) -> None:
    c = load_corpus(messy)
    arts = {a.doc_id: a for a in c.articles}
    assert sorted(arts) == ["001", "big5", "gbk", "good"]
    assert arts["big5"].text == TRAD.replace("祖克柏", "扎克伯格")
    assert arts["big5"].encoding == "cp950"
    # The undeclared GBK file is decoded exactly, never as mojibake.
    assert arts["gbk"].text == SIMP and arts["gbk"].encoding == "gb18030"
    na = arts["001"]
    assert (na.doc_id, na.outlet, na.title, na.url, na.meta["note"]) == (
        "001", "NA", "None", "N/A", "NA")
    assert arts["good"].script == "traditional" and arts["gbk"].script == "simplified"


def test_undeclared_big5_is_detected_or_refused(tmp_path: Path) -> None:
    # Without a declaration, Big5 bytes are either read exactly or refused: never mojibake.
    write(tmp_path / "articles" / "b.txt", TRAD.encode("cp950"))
    write(tmp_path / "articles" / "short.txt", "人才".encode("cp950"))
    make_manifest(tmp_path, csv_text(HEADER, [row("b", "articles/b.txt"),
                                              row("short", "articles/short.txt")]))
    c = load_corpus(tmp_path)
    for r in c.ledger:
        assert r.status == "ingested" or r.code == "bad_encoding"
    assert {a.doc_id: a.text for a in c.articles}.get("b", TRAD) == TRAD
    assert "short" not in {a.doc_id for a in c.articles}


def test_edited_file_flagged(corpus: Path, tmp_path: Path) -> None:
    (r,) = add_articles(corpus, [write(tmp_path / "a.txt", SIMP)], outlet="x", date="2025")
    (corpus / r["file"]).write_text(SIMP + "補上一句。\n", encoding="utf-8")
    (led,) = load_corpus(corpus).ledger
    assert (led.status, led.code) == ("ingested", "text_changed")
    assert r["file"] in led.detail


# --------------------------------------------------------------------------- mixed corpus


def test_mixed_scripts_and_encodings_corpus(tmp_path: Path) -> None:
    root = init_corpus(tmp_path / "mixed")
    src = tmp_path / "src"
    files = {
        "seed000_utf8.txt": (SEED_000.read_bytes(), "JER學家", "2025-W27", None),
        "seed001_bom.txt": (b"\xef\xbb\xbf" + SEED_001.read_bytes(), "雲媒體", "2025-06", None),
        "simp_gb18030.txt": (SIMP.encode("gb18030"), "新浪", "2025-06-20", None),
        "simp_utf16.txt": (SIMP2.encode("utf-16"), "新浪", "2025-06-21", None),
        "trad_cp950.txt": (TRAD.replace("\n", "\r\n").encode("cp950"), "科技日報", "2025-07-03",
                           "big5"),
    }
    for name, (data, outlet, date, enc) in files.items():
        add_articles(root, [write(src / name, data)], outlet=outlet, date=date, encoding=enc)
    c = load_corpus(root)
    assert c.counts() == {"rows": 5, "ingested": 5, "skipped": 0, "duplicates": 0,
                          "orphan_files": 0}
    prepared = framing.pipeline.prepare(root)
    arts = prepared.articles.set_index("outlet")
    assert arts.loc["JER學家", "n_paragraphs"] == 56
    assert arts.loc["雲媒體", "n_paragraphs"] == 38
    assert sorted(zip(arts.index, arts["script"], strict=True)) == [
        ("JER學家", "traditional"), ("新浪", "simplified"), ("新浪", "simplified"),
        ("科技日報", "traditional"), ("雲媒體", "traditional"),
    ]
    assert sorted(arts["date_precision"]) == ["day", "day", "day", "month", "week"]
    tokens = prepared.tokens
    assert len(tokens) > 3000
    assert (tokens.groupby("doc_id").size() > 10).all()
    # One entity, both scripts: 祖克柏 (Traditional) and 扎克伯格 (Simplified source).
    zuck = tokens[tokens["entity"] == "Mark Zuckerberg"].merge(
        prepared.articles[["doc_id", "outlet"]], on="doc_id")
    assert {"JER學家", "雲媒體", "新浪", "科技日報"} <= set(zuck["outlet"])
    assert {"祖克柏", "扎克伯格"} <= set(zuck["token"])
    # Offsets are offsets of the original text, whatever the source encoding was.
    paras = prepared.paragraphs.set_index(["doc_id", "para_id"])["text"]
    for t in tokens.sample(200, random_state=0).itertuples():
        original = paras.loc[(t.doc_id, t.para_id)][t.start : t.end]
        assert framing.textview.analysis_view(original) == t.token


def test_shipped_corpus_loads_cleanly() -> None:
    c = load_corpus(SHIPPED)
    assert c.counts() == {"rows": 2, "ingested": 2, "skipped": 0, "duplicates": 0,
                          "orphan_files": 0}
    arts = {a.doc_id: a for a in c.articles}
    assert arts["000_dbf7afa30f9a52d6"].text == SEED_000.read_text(encoding="utf-8")
    assert arts["001_66ab1e2e055d30d8"].text == SEED_001.read_text(encoding="utf-8")
    assert (arts["000_dbf7afa30f9a52d6"].date.value, arts["000_dbf7afa30f9a52d6"].date.precision
            ) == ("2025-W27", "week")
    assert (arts["001_66ab1e2e055d30d8"].date.value, arts["001_66ab1e2e055d30d8"].date.precision
            ) == ("2025-06", "month")
    assert all(r.code == "" for r in c.ledger)  # recorded hashes match the files


# Fuzzing of manifests, article files and import tables: tests/reliability/test_fuzz.py.


# --------------------------------------------------------------------------- fast paths
# load_corpus checks paths with string operations, resolves the corpus once and reads a file
# whose path holds no link after one lstat per part; every such fast path must agree with
# the full pathlib check (resolve, then test the result), which load_corpus keeps for
# whatever the fast path declines.


def _reference_read(root: Path, value: str) -> bytes | tuple[str, str]:
    """The full pathlib check and read of one file (``corpus._read_resolved``), or the skip."""
    from pathlib import PurePosixPath

    from framing.corpus import RowSkip, _read_resolved, check_relative_path

    try:
        rel = check_relative_path(value)
        assert str(PurePosixPath(value)) == str(rel)
        return _read_resolved(root, str(rel), value)
    except RowSkip as skip:
        return skip.code, skip.detail


def _reference_orphans(root: Path, referenced: set[str]) -> list[str]:
    found = []
    for path in (root / "articles").rglob("*"):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not any(p.startswith(".") for p in Path(rel).parts):
            if rel not in referenced:
                found.append(rel)
    return sorted(found)


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A corpus reached through a link, with links, hidden folders and odd spellings."""
    real = tmp_path / "real"
    arts = real / "articles"
    write(arts / "a.txt", TRAD)
    write(arts / "sub" / "b.txt", SIMP)
    write(arts / ".hid" / "c.txt", SIMP2)
    write(arts / "sub" / ".d.txt", SIMP2)
    write(tmp_path / "outside" / "e.txt", "在語料庫之外的文章。")
    (arts / "in_link.txt").symlink_to(arts / "a.txt")  # a link inside the corpus: allowed
    (arts / "dir_link").symlink_to(arts / "sub")  # orphans do not follow it; a path may
    (arts / "out_dir").symlink_to(tmp_path / "outside")
    (arts / "dangling.txt").symlink_to(arts / "nothing.txt")
    (arts / "big.txt").write_bytes(b"a" * 5_000_001)
    (tmp_path / "via").symlink_to(real)
    return tmp_path / "via"


LINKED_PATHS = ["articles/a.txt", "./articles/a.txt", "articles//a.txt", "articles/./a.txt",
                "articles/a.txt/", "articles/in_link.txt", "articles/dir_link/b.txt",
                "articles/out_dir/e.txt", "articles/dangling.txt", "articles/big.txt",
                "articles/a.txt/x", "articles/sub", "articles", ".", "./", "articles/none.txt",
                "articles/.hid/c.txt", "articles/sub/b.txt", "articles/../articles/a.txt"]


def test_fast_path_reads_like_pathlib(linked: Path) -> None:
    from framing.corpus import RowSkip, read_article_file

    for value in LINKED_PATHS:
        try:
            got: bytes | tuple[str, str] = read_article_file(linked, value)
        except RowSkip as skip:
            got = (skip.code, skip.detail)
        assert got == _reference_read(linked, value), value


def test_fast_path_ledger_like_pathlib(linked: Path) -> None:
    rows = [row(f"r{i}", value) for i, value in enumerate(LINKED_PATHS)]
    make_manifest(linked, csv_text(HEADER, rows))
    c = load_corpus(linked)
    for r in c.ledger:
        expected = _reference_read(linked, r.file)
        if isinstance(expected, tuple):
            assert (r.status, r.code) == ("skipped", expected[0]), r
            assert r.detail.endswith(expected[1]), r
        else:
            assert r.status in ("ingested", "duplicate"), r
    assert [r.file for r in c.ledger if r.status == "ingested"] == [
        "articles/a.txt", "articles/dir_link/b.txt"]
    assert c.orphans == []  # every file is named by a row (skipped rows count)


def test_fast_path_orphans_like_rglob(linked: Path) -> None:
    make_manifest(linked, csv_text(HEADER, [row("a", "./articles//a.txt")]))
    c = load_corpus(linked)
    # Links to files count, links to folders are not followed, hidden parts are left out.
    assert c.orphans == _reference_orphans(linked, {"articles/a.txt"}) == [
        "articles/big.txt", "articles/in_link.txt", "articles/sub/b.txt"]


def test_article_meta_and_sharing(corpus: Path) -> None:
    import pickle

    from framing.corpus import Article

    add_articles(corpus, [write(corpus.parent / "t.txt", TRAD)], outlet="聯合報",
                 date="2025-07-03", source="網路")
    add_articles(corpus, [write(corpus.parent / "s.txt", SIMP)], outlet="聯合報",
                 date="2025-07-03", source="網路")
    a, b = load_corpus(corpus).articles
    assert a.meta == {"doc_id": a.doc_id, "outlet": "聯合報", "date": "2025-07-03",
                      "date_precision": "day", "title": "", "url": "",
                      "script": a.meta["script"], "file": a.file, "source": "網路",
                      "text_sha256": a.sha256}
    assert list(a.meta) == list(MANIFEST_COLUMNS)
    # Repeated values and the parsed date are one object for all articles.
    assert a.outlet is b.outlet and a.source is b.source and a.date is b.date
    assert a.meta["text_sha256"] is a.sha256
    # meta is a copy: changing it takes an assignment.
    meta = a.meta
    meta["note"] = "x"
    assert "note" not in a.meta
    a.meta = meta
    assert a.meta["note"] == "x"
    # Articles go to worker processes: the slotted class pickles (our own bytes, just made).
    assert pickle.loads(pickle.dumps(a)) == a != b  # noqa: S301
    assert repr(a).startswith(f"Article(doc_id={a.doc_id!r}, outlet='聯合報', date=ParsedDate(")
    fields = {k: getattr(a, k) for k in ("doc_id", "outlet", "date", "title", "url", "source",
                                          "file", "text", "encoding", "line", "sha256",
                                          "script")}
    assert Article(**fields, meta=a.meta) == a
    assert Article(**fields).meta == {}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["doc_id", "outlet", "date", " x", "", "a\tb", "\ud800", "note"]),
    st.text(alphabet=st.sampled_from("a中\t\n\r\x00\x7f\x85\ud800 "), max_size=4)
    | st.sampled_from(["x" * 10_001, "ok"]),
    max_size=5))
def test_check_fields_one_scan_matches_each_check(values: dict[str, str]) -> None:
    from framing.corpus import RowSkip, _check_each_field, _fields_all_clean

    try:
        _check_each_field(values)
        clean = True
    except RowSkip:
        clean = False
    assert _fields_all_clean(values) == clean
