"""The installed ``framing`` command and ``python -m framing``: init, add, import, validate.

The workflow and a few error paths run the installed command as a real subprocess (about
2 s of CPU each, mostly imports). The full table of error paths runs in-process through
``framing.cli.main`` (same code, same output streams), and three of them again as
subprocesses, in parallel, to show the installed command prints the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from framing.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED_000 = ROOT / "seeds" / "000_dbf7afa30f9a52d6.txt"

TRAD = (
    "祖克柏親自出馬搶人才\n"
    "Meta 成立超級智能實驗室,由 Scale AI 創始人汪濤領軍。\n"
    "楊立昆仍然專注長期基礎研究,但權力版圖正在改變。\n"
    "業界人士指出,簽約獎金只是薪酬結構的一部分,真正的價值在於股票。\n"
)
SIMP = (
    "Meta 高薪挖角 OpenAI 研究员\n"
    "据报道,扎克伯格亲自给候选人发邮件,开出上亿美元的薪酬。\n"
    "OpenAI 首席研究官陈信翰在内部备忘录中表示,公司正在重新校准薪酬。\n"
    "分析人士认为,这场人才争夺战反映出大模型竞争的战略焦虑。\n"
)


def framing_exe() -> str:
    exe = Path(sys.executable).parent / "framing"
    found = shutil.which("framing", path=str(exe.parent)) or shutil.which("framing")
    assert found, "the framing command is not installed"
    return found


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*args: str | Path, module: bool = False) -> Result:
    cmd = [sys.executable, "-m", "framing"] if module else [framing_exe()]
    # A C locale: Chinese output must still come out as UTF-8.
    env = dict(os.environ, LC_ALL="C", LANG="C")
    env.pop("PYTHONIOENCODING", None)
    proc = subprocess.run([*cmd, *map(str, args)], capture_output=True, timeout=120, env=env,
                          cwd=ROOT, check=False)
    return Result(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


def run_main(*args: str | Path) -> Result:
    """Run ``framing.cli.main`` in this process, capturing what it prints."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


def run_many(calls: list[tuple[str | Path, ...]]) -> list[Result]:
    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(lambda args: run(*args), calls))


def assert_clean_error(r: Result, *needles: str, code: int = 2) -> None:
    assert r.code == code, (r.code, r.out, r.err)
    assert "Traceback" not in r.err + r.out
    assert "error: " in r.err
    for n in needles:
        assert n in r.err, (n, r.err)


def test_corpus_workflow(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    src = tmp_path / "src"
    src.mkdir()
    (src / "simp_gb18030.txt").write_bytes(SIMP.encode("gb18030"))
    (src / "trad_big5.txt").write_bytes(TRAD.replace("\n", "\r\n").encode("cp950"))
    (src / "seed.txt").write_bytes(SEED_000.read_bytes())
    (src / "dup_bom.txt").write_bytes(b"\xef\xbb\xbf" + SIMP.encode("utf-8"))

    r = run("init", corpus)
    assert r.code == 0 and "created empty corpus" in r.out, r

    # Two scripts, two legacy encodings, one command; encodings detected.
    r = run("add", corpus, src / "simp_gb18030.txt", src / "trad_big5.txt",
            "--outlet", "新浪", "--date", "2025-06")
    assert r.code == 0, r
    added = r.out.splitlines()
    assert len(added) == 2
    assert "simplified" in added[0] and "traditional" in added[1]
    assert all("新浪  2025-06 (month)" in line for line in added)
    simp_id = added[0].split()[1]

    # The same text with a BOM is refused, naming the article it duplicates.
    r = run("add", corpus, src / "dup_bom.txt", "--outlet", "新浪", "--date", "2025-06-02")
    assert_clean_error(r, f"same text as article {simp_id!r}", "dup_bom.txt")
    assert r.out == ""

    r = run_main("add", corpus, src / "seed.txt", "--outlet", "JER學家", "--date", "2025-W27",
                 "--doc-id", "seed_000")
    assert r.code == 0 and "seed_000  JER學家  2025-W27 (week)  traditional" in r.out, r

    # Import with one bad row: exit 1, the ledger printed.
    table = src / "batch.csv"
    table.write_text(
        "outlet,date,text,section\n"
        "雲媒體,2025-06,第一篇匯入的文章。,科技\n"
        "雲媒體,03/07/2025,日期不明的文章。,科技\n"
        "雲媒體,2025-06-30,第二篇匯入的文章。,001\n",
        encoding="utf-8",
    )
    r = run("import", corpus, table)
    assert r.code == 1, r
    assert "rows read: 3  ingested: 2  skipped: 1  duplicates: 0" in r.out
    assert f"skipped [bad_date] {table}:3:" in r.out and "03/07/2025" in r.out
    assert "Traceback" not in r.out + r.err

    r = run("validate", corpus)
    assert r.code == 0, r
    assert r.out == "rows read: 5  ingested: 5  skipped: 0  duplicates: 0\n"
    assert run_main("validate", corpus).out == r.out

    # A broken row: validate exits 1 and names it; an orphan file is reported.
    with open(corpus / "manifest.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write("bad,新浪,2025-06,,,,,../outside.txt,,,\n")
    (corpus / "articles" / "stray.txt").write_text("沒有列出的文章。", encoding="utf-8")
    r = run("validate", corpus, module=True)  # python -m framing
    assert r.code == 1, r
    assert r.out.splitlines()[0] == "rows read: 6  ingested: 5  skipped: 1  duplicates: 0"
    assert "skipped [path_escape]" in r.out and "manifest.csv:7:" in r.out
    assert "orphan file (not in the manifest): articles/stray.txt" in r.out


def test_error_paths_print_error_without_traceback(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    assert run("init", corpus).code == 0
    article = tmp_path / "a.txt"
    article.write_text(SIMP, encoding="utf-8")
    no_manifest = tmp_path / "empty"
    no_manifest.mkdir()
    unclosed = tmp_path / "unclosed"
    (unclosed / "articles").mkdir(parents=True)
    rows = [f'a{i},新浪,2025-06,,{"" if i != 2 else chr(34)}標題{i},,,articles/a{i}.txt,'
            for i in range(5)]
    (unclosed / "manifest.csv").write_text(
        "doc_id,outlet,date,date_precision,title,url,script,file,source\n" + "\n".join(rows)
        + "\n", encoding="utf-8")
    gbk = tmp_path / "gbk"
    gbk.mkdir()
    (gbk / "manifest.csv").write_bytes(
        "doc_id,outlet,date,date_precision,title,url,script,file,source\n"
        "a,新浪财经,2025-06,,,,,articles/a.txt,\n".encode("gbk"))
    plain = tmp_path / "plain"
    plain.write_text("x", encoding="utf-8")

    cases = [
        (("init", corpus), ["already exists"]),
        (("init", plain / "sub"), ["cannot create the corpus"]),
        (("add", tmp_path / "nowhere", article, "--outlet", "x", "--date", "2025"),
         ["no manifest.csv"]),
        (("add", corpus, tmp_path / "missing.txt", "--outlet", "x", "--date", "2025"),
         ["missing.txt", "no such file"]),
        (("add", corpus, article, "--outlet", "x", "--date", "03/07/2025"), ["03/07/2025"]),
        (("add", corpus, article, "--outlet", "x", "--date", "2025", "--encoding", "klingon"),
         ["klingon"]),
        (("add", corpus, article, "--date", "2025"), ["--outlet"]),
        (("validate", no_manifest), ["no manifest.csv"]),
        (("validate", unclosed), ["manifest.csv:4:", "unclosed quote"]),
        (("validate", gbk), ["manifest.csv:2:", "not valid UTF-8"]),
        (("import", corpus, tmp_path / "nope.csv"), ["nope.csv", "no such file"]),
        (("import", corpus, article), [".csv or .jsonl"]),
    ]
    for args, needles in cases:
        assert_clean_error(run_main(*args), *needles)
    # The installed command prints the same (a sample, in parallel).
    sample = [cases[2], cases[6], cases[8]]
    for (_args, needles), r in zip(sample, run_many([a for a, _ in sample]), strict=True):
        assert_clean_error(r, *needles)
    # Nothing was added by any failed command.
    r = run_main("validate", corpus)
    assert (r.code, r.out) == (0, "rows read: 0  ingested: 0  skipped: 0  duplicates: 0\n")


def test_help_lists_corpus_commands() -> None:
    r = run_main("--help")
    assert r.code == 0
    for cmd in ("init", "add", "import", "validate"):
        assert cmd in r.out
