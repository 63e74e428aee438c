"""The bad-input catalogue: curated cases, each with the outcome framing must give.

Every case is one thing that goes wrong in a corpus built over months by several people from
files saved by browsers, spreadsheets and scrapers. Its expected outcome is one of:

``refused``
    the command stops with a :class:`~framing.errors.CorpusError` whose message names the
    file, the line (where the file has lines) and the offending value; nothing is written.
``skipped``
    the row is left out and listed in the ledger with a code and a reason that names the
    file, the line and the value (``duplicate`` rows too: they name the article repeated).
``normalised``
    the input is accepted and read in one documented way (a BOM removed, CRLF turned into
    LF, a date put in canonical form, a formula cell prefixed with ``'``); the checks say
    exactly what comes out.

Operations (``Case.op``): ``manifest`` (``load_corpus`` of a corpus written from the case's
manifest and files; the CLI's ``framing validate``), ``import`` (``import_table`` of a CSV or
JSON Lines table into an empty corpus), ``add`` (``add_articles`` of files into a corpus that
already holds :data:`BASE_TEXT`), ``export`` (spreadsheet CSV of a table, then read back).

Each article file the cases write records the text it was written from (``intended``), so the
runner can tell a garbled article (ingested with another text) from a correct one.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field

HEADER = ["doc_id", "outlet", "date", "date_precision", "title", "url", "script", "file",
          "source"]

TRAD = (
    "祖克柏親自出馬搶人才\n"
    "Meta 成立超級智能實驗室，由 Scale AI 創始人汪濤領軍。\n"
    "業界人士指出，簽約獎金只是薪酬結構的一部分，真正的價值在於股票。\n"
)
SIMP = (
    "Meta 高薪挖角 OpenAI 研究员\n"
    "据报道，扎克伯格亲自给候选人发邮件，开出上亿美元的薪酬。\n"
    "分析人士认为，这场人才争夺战反映出大模型竞争的战略焦虑。\n"
)
HK = ("香港國際機場位於大嶼山赤鱲角，今日多班航班因暴雨延誤。\n"
      "機管局發言人表示，旅客應預留充足時間。\n")
TW_NAME_DOT = ("美國總統川普與約翰‧史密斯今天在白宮會面。\n"
               "雙方就關稅與貿易議題交換意見，並同意下週繼續協商。\n")
#: The article already in the corpus for ``add`` cases.
BASE_TEXT = "小扎的超级智能实验室继续招人，多名研究员确认加入。\n外界认为薪酬并非唯一原因。\n"


@dataclass(frozen=True)
class Row:
    """Expected ledger row: physical line, status, code (empty for a clean ingest)."""

    line: int
    status: str
    code: str = ""


@dataclass
class Case:
    """One catalogue entry (see the module docstring)."""

    id: str
    area: str
    what: str
    op: str
    expect: str
    manifest: bytes | None = None
    files: dict[str, bytes] = field(default_factory=dict)
    intended: dict[str, str] = field(default_factory=dict)
    table: tuple[str, bytes] | None = None
    add: tuple[list[str], dict] | None = None
    cells: list[object] | None = None
    rows: list[Row] = field(default_factory=list)
    line: int | None = None
    value: str | None = None
    checks: dict[str, dict[str, str]] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)
    dirs: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- builders


def crlf_free(text: str) -> str:
    """The text framing stores: line ends as ``\\n`` (what ``intended`` is compared with)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def row(doc_id: str = "a", file: str = "articles/a.txt", *, outlet: str = "測試報",
        date: str = "2025-07-03", precision: str = "", title: str = "", url: str = "",
        script: str = "", source: str = "") -> list[str]:
    """A manifest row in :data:`HEADER` order."""
    return [doc_id, outlet, date, precision, title, url, script, file, source]


def csv_bytes(header: list[str], rows: list[list[str] | str], *, newline: str = "\n",
              bom: bool = False, encoding: str = "utf-8") -> bytes:
    """CSV text of ``rows`` (a str row is written as a raw line, unquoted)."""
    out = []
    for r in [header, *rows]:
        if isinstance(r, str):
            out.append(r + newline)
            continue
        buf = io.StringIO()
        csv.writer(buf, lineterminator=newline).writerow(r)
        out.append(buf.getvalue())
    data = "".join(out).encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def manifest_case(id: str, area: str, what: str, expect: str, rows: list[list[str] | str], *,
                  header: list[str] | None = None, files: dict[str, bytes | str] | None = None,
                  texts: dict[str, str] | None = None, raw: bytes | None = None,
                  ledger: list[Row] | None = None, **kw: object) -> Case:
    """A ``manifest`` case. ``files`` values given as str are written as UTF-8 and are their
    own intended text; ``texts`` gives the intended text of files given as bytes. By default
    ``articles/a.txt`` holds :data:`TRAD`."""
    given = {"articles/a.txt": TRAD} if files is None else files
    data: dict[str, bytes] = {}
    intended: dict[str, str] = dict(texts or {})
    for path, content in given.items():
        if isinstance(content, str):
            data[path] = content.encode("utf-8")
            intended.setdefault(path, crlf_free(content))
        else:
            data[path] = content
    manifest = raw if raw is not None else csv_bytes(header or HEADER, rows)
    return Case(id, area, what, "manifest", expect, manifest=manifest, files=data,
                intended=intended, rows=ledger or [], **kw)  # type: ignore[arg-type]


def one_row(id: str, area: str, what: str, expect: str, r: list[str], code: str = "",
            status: str | None = None, **kw: object) -> Case:
    """A manifest with one data row (line 2) and its expected ledger row."""
    if status is None:
        status = "skipped" if expect == "skipped" else "ingested"
    return manifest_case(id, area, what, expect, [r], ledger=[Row(2, status, code)],
                         line=2 if expect == "refused" else None, **kw)


def article_case(id: str, area: str, what: str, expect: str, data: bytes, intended: str | None,
                 code: str = "", encoding: str = "", **kw: object) -> Case:
    """A manifest row whose article file holds ``data`` (written from ``intended``)."""
    header = HEADER + (["encoding"] if encoding else [])
    r = row() + ([encoding] if encoding else [])
    status = "skipped" if expect == "skipped" else "ingested"
    texts = {"articles/a.txt": crlf_free(intended)} if intended is not None else {}
    return manifest_case(id, area, what, expect, [r], header=header,
                         files={"articles/a.txt": data}, texts=texts,
                         ledger=[Row(2, status, code)], **kw)


def jsonl(*records: dict | str) -> bytes:
    """JSON Lines: dicts are dumped (non-ASCII kept), strings written as raw lines."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_case(id: str, area: str, what: str, expect: str, name: str, data: bytes,
                ledger: list[Row] | None = None, files: dict[str, bytes | str] | None = None,
                texts: dict[str, str] | None = None, **kw: object) -> Case:
    """An ``import`` case: table ``name`` holding ``data``; ``files`` beside the table."""
    stored = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in (files or {}).items()}
    intended = {k: crlf_free(v) for k, v in (texts or {}).items()}
    return Case(id, area, what, "import", expect, table=(name, data), files=stored,
                intended=intended, rows=ledger or [], **kw)  # type: ignore[arg-type]


def add_case(id: str, area: str, what: str, expect: str, files: dict[str, bytes | str],
             texts: dict[str, str] | None = None, **options: object) -> Case:
    """An ``add`` case: ``framing add`` of ``files`` with ``options`` (outlet, date ...)."""
    opts = {"outlet": "測試報", "date": "2025-07-03", **options}
    value = opts.pop("value", None)
    checks = opts.pop("checks", {})
    stored = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()}
    intended = {k: crlf_free(v) for k, v in files.items() if isinstance(v, str)}
    intended.update({k: crlf_free(v) for k, v in (texts or {}).items()})
    return Case(id, area, what, "add", expect, files=stored, intended=intended,
                add=(list(files), opts), value=value, checks=checks)  # type: ignore[arg-type]


def export_case(id: str, what: str, cell: object, expected: object) -> Case:
    """A spreadsheet-export case: ``cell`` in a text column must read back as ``expected``."""
    return Case(id, "spreadsheet", what, "export", "normalised", cells=[cell, expected])


# --------------------------------------------------------------------------- the catalogue

S, I, D = "skipped", "ingested", "duplicate"  # noqa: E741 - ledger statuses, read in rows
CASES: list[Case] = []
add = CASES.append

# ---- manifest structure: the file as a whole ------------------------------------------
good = row()
add(manifest_case("no-manifest", "manifest", "corpus folder without manifest.csv", "refused",
                  [], raw=b"", value=None))
CASES[-1].manifest = None
add(manifest_case("empty-manifest", "manifest", "manifest.csv of 0 bytes", "refused", [],
                  raw=b"", line=1))
add(manifest_case("bom-only-manifest", "manifest", "manifest holding only a UTF-8 BOM",
                  "refused", [], raw=codecs.BOM_UTF8, line=1))
add(manifest_case("header-only", "manifest", "header and no rows", "normalised", []))
add(manifest_case("missing-column", "manifest", "header lacks 'date'", "refused", [],
                  header=[c for c in HEADER if c != "date"], line=1, value="date"))
add(manifest_case("missing-columns", "manifest", "header lacks 'file' and 'script'",
                  "refused", [], header=[c for c in HEADER if c not in ("file", "script")],
                  line=1, value="script, file"))
add(manifest_case("duplicate-column", "manifest", "column 'title' twice in the header",
                  "refused", [], header=[*HEADER, "title"], line=1, value="title"))
add(manifest_case("empty-column-name", "manifest", "a header cell left empty", "refused", [],
                  header=[*HEADER, ""], line=1, value=None))
add(manifest_case("case-changed-header", "manifest", "header spelt 'Doc_ID' (spreadsheet "
                  "auto-capitalised)", "refused", [], header=["Doc_ID", *HEADER[1:]], line=1,
                  value="doc_id"))
add(manifest_case("padded-header", "manifest", "header names with spaces around them",
                  "normalised", [good], header=[f" {c} " for c in HEADER],
                  ledger=[Row(2, I)]))
add(manifest_case("semicolon-manifest", "manifest", "saved with ';' separators (European "
                  "Excel)", "refused", [], raw=";".join(HEADER).encode() + b"\n", line=1,
                  value="doc_id;outlet"))
add(manifest_case("tab-manifest", "manifest", "saved as tab-separated text", "refused", [],
                  raw="\t".join(HEADER).encode() + b"\n", line=1, value="doc_id\\toutlet"))
add(manifest_case("utf16-manifest", "manifest", "saved as 'Unicode Text' (UTF-16 with BOM)",
                  "refused", [], raw=csv_bytes(HEADER, [good], encoding="utf-16"),
                  value=None))
add(manifest_case("utf16-nobom-manifest", "manifest", "UTF-16 without a BOM", "refused", [],
                  raw=csv_bytes(HEADER, [good], encoding="utf-16-le"), line=1, value=None))
add(manifest_case("gbk-manifest", "manifest", "saved as GBK ('CSV' on Chinese Windows)",
                  "refused", [], raw=csv_bytes(HEADER, [row(outlet="人民日报")],
                                               encoding="gbk"), line=2, value=None))
add(manifest_case("big5-manifest", "manifest", "saved as Big5", "refused", [],
                  raw=csv_bytes(HEADER, [row(outlet="聯合報")], encoding="cp950"), line=2))
add(manifest_case("nul-in-manifest", "manifest", "a NUL byte on line 3", "refused", [],
                  raw=csv_bytes(HEADER, [good, row("b")]).replace(b"\nb,", b"\nb\x00,"),
                  line=3))
add(manifest_case("bom-manifest", "manifest", "UTF-8 with BOM (Excel 'CSV UTF-8')",
                  "normalised", [good], raw=csv_bytes(HEADER, [good], bom=True),
                  ledger=[Row(2, I)]))
add(manifest_case("crlf-manifest", "manifest", "Windows line ends", "normalised", [good],
                  raw=csv_bytes(HEADER, [good], newline="\r\n"), ledger=[Row(2, I)]))
add(manifest_case("cr-manifest", "manifest", "old Mac line ends (CR only)", "normalised",
                  [good], raw=csv_bytes(HEADER, [good, row("b", "articles/b.txt")],
                                        newline="\r"),
                  files={"articles/a.txt": TRAD, "articles/b.txt": SIMP},
                  ledger=[Row(2, I), Row(3, I)]))
add(manifest_case("unclosed-quote", "manifest", "unclosed quote in a title swallowing the "
                  "next rows", "refused",
                  [row(title="標題"), 'b,測試報,2025-07-03,,"未閉合的標題,,,articles/b.txt,',
                   row("c"), row("d")], line=3, value='b,測試報'))
add(manifest_case("text-after-quote", "manifest", "text after a closing quote", "refused",
                  ['a,測試報,2025-07-03,,"標題"多餘,,,articles/a.txt,'], line=2))
add(manifest_case("multiline-title", "manifest", "a quoted title holding a line break",
                  "refused", [row(title="第一行\n第二行"), row("b")], line=2, value="第一行"))
add(manifest_case("quote-inside-field", "manifest", "a quote inside an unquoted title is "
                  "kept", "normalised", ['a,測試報,2025-07-03,,他說"好",,,articles/a.txt,'],
                  ledger=[Row(2, I)], checks={"a": {"title": '他說"好"'}}))
add(manifest_case("doubled-quotes", "manifest", "doubled quotes in a quoted title",
                  "normalised", [row(title='他說"好"，然後走了')], ledger=[Row(2, I)],
                  checks={"a": {"title": '他說"好"，然後走了'}}))
add(manifest_case("blank-lines", "manifest", "blank lines between rows keep line numbers",
                  "normalised", [good, "", "", row("b", "articles/b.txt", date="昨天")],
                  ledger=[Row(2, I), Row(5, S, "bad_date")]))
add(manifest_case("spaces-line", "manifest", "a line of spaces is a row with one field",
                  "skipped", [good, "   "], ledger=[Row(2, I), Row(3, S, "row_arity")]))
add(manifest_case("too-few-fields", "manifest", "a row with a field missing", "skipped",
                  [good, "b,測試報,2025-07-03,,,,,articles/b.txt"],
                  ledger=[Row(2, I), Row(3, S, "row_arity")], value="8 fields"))
add(manifest_case("too-many-fields", "manifest", "an unquoted comma in a title", "skipped",
                  [good, "b,測試報,2025-07-03,,標題,逗號,,,articles/b.txt,"],
                  ledger=[Row(2, I), Row(3, S, "row_arity")], value="10 fields"))
add(manifest_case("extra-columns", "manifest", "extra metadata columns flow through",
                  "normalised", [[*good, "頭版", "NA"]], header=[*HEADER, "section", "note"],
                  ledger=[Row(2, I)], checks={"a": {"section": "頭版", "note": "NA"}}))
add(manifest_case("header-repeated", "manifest", "header pasted again as a row", "skipped",
                  [good, HEADER], ledger=[Row(2, I), Row(3, S, "repeated_header")],
                  value="repeats the header"))
add(manifest_case("bom-mid-file", "manifest", "two manifests concatenated (BOM in a row)",
                  "skipped", [good, "\ufeffb,測試報,2025-07-03,,,,,articles/b.txt,"],
                  ledger=[Row(2, I), Row(3, S, "bad_doc_id")]))
add(manifest_case("invalid-utf8-row", "manifest", "one row with a stray Latin-1 byte",
                  "refused", [good], raw=csv_bytes(HEADER, [good]) + b"b,caf\xe9,2025,,,,,x,\n",
                  line=3, value=None))
add(manifest_case("manifest-is-folder", "manifest", "manifest.csv is a folder", "refused", [],
                  raw=b"", dirs=["manifest.csv"]))
CASES[-1].manifest = None

# ---- manifest values: one row each ------------------------------------------------------
add(one_row("empty-doc-id", "values", "doc_id empty", S, row(""), "bad_doc_id"))
add(one_row("doc-id-space", "values", "doc_id with a space", S, row("a b"), "bad_doc_id",
            value="a b"))
add(one_row("doc-id-slash", "values", "doc_id with '/'", S, row("x/y"), "bad_doc_id",
            value="x/y"))
add(one_row("doc-id-dotdot", "values", "doc_id '../x'", S, row("../x"), "bad_doc_id",
            value="../x"))
add(one_row("doc-id-long", "values", "doc_id of 129 characters", S, row("a" * 129),
            "bad_doc_id"))
add(one_row("doc-id-han", "values", "doc_id in Chinese", S, row("文章一"), "bad_doc_id",
            value="文章一"))
add(one_row("doc-id-leading-zero", "values", "doc_id '001' stays '001'", "normalised",
            row("001"), checks={"001": {"doc_id": "001"}}))
add(one_row("doc-id-na", "values", "doc_id 'NA' stays text", "normalised", row("NA"),
            checks={"NA": {"doc_id": "NA"}}))
add(one_row("empty-outlet", "values", "outlet empty", S, row(outlet=""), "missing_outlet"))
add(one_row("blank-outlet", "values", "outlet of spaces and U+3000", S, row(outlet=" \u3000 "),
            "missing_outlet"))
add(one_row("padded-outlet", "values", "outlet with spaces around it", "normalised",
            row(outlet=" 聯合報\u3000"), checks={"a": {"outlet": "聯合報"}}))
add(one_row("outlet-zero-width", "values", "outlet with a zero-width space pasted in", S,
            row(outlet="聯合\u200b報"), "bad_value", value="U+200B"))
add(one_row("outlet-rtl-override", "values", "outlet with a right-to-left override", S,
            row(outlet="聯合報\u202e"), "bad_value", value="U+202E"))
add(one_row("outlet-null-words", "values", "outlet 'null' stays text", "normalised",
            row(outlet="null"), checks={"a": {"outlet": "null"}}))
add(one_row("title-none", "values", "title 'None' stays text", "normalised",
            row(title="None"), checks={"a": {"title": "None"}}))
add(one_row("title-formula", "values", "title '=HYPERLINK(...)' kept raw in the corpus",
            "normalised", row(title='=HYPERLINK("http://x","點")'),
            checks={"a": {"title": '=HYPERLINK("http://x","點")'}}))
add(one_row("title-tab", "values", "tab inside a title is kept", "normalised",
            row(title="上\t下"), checks={"a": {"title": "上\t下"}}))
add(one_row("title-bell", "values", "control character BEL in a title", S,
            row(title="警\x07告"), "bad_value", value="\\x07"))
add(one_row("title-escape", "values", "terminal escape sequence in a title", S,
            row(title="\x1b[31m紅\x1b[0m"), "bad_value", value="\\x1b"))
add(one_row("title-del", "values", "DEL character in a title", S, row(title="a\x7fb"),
            "bad_value"))
add(one_row("title-lone-cr-quoted", "values", "a lone CR inside a quoted title", "refused",
            'a,測試報,2025-07-03,,"上\r下",,,articles/a.txt,', value="上"))
add(manifest_case("title-lone-cr-unquoted", "values", "a lone CR in an unquoted title (a tool "
                  "that quotes only LF): two broken rows, both listed", S, [row(title="上\r下")],
                  ledger=[Row(2, S, "row_arity"), Row(3, S, "row_arity")]))
add(one_row("title-10000", "values", "title of exactly 10,000 characters", "normalised",
            row(title="長" * 10_000)))
add(one_row("title-10001", "values", "title of 10,001 characters", S, row(title="長" * 10_001),
            "field_too_long", value="10001"))
add(one_row("bad-script", "values", "script 'klingon'", S, row(script="klingon"),
            "bad_script", value="klingon"))
add(one_row("script-detected", "values", "script left empty is detected", "normalised",
            row(script=""), checks={"a": {"script": "traditional"}}))
add(one_row("script-wrong", "values", "script given as 'simplified' for Traditional text: "
            "the text decides", "normalised", row(script="simplified"),
            checks={"a": {"script": "traditional"}}))
add(one_row("bad-precision", "values", "date_precision 'weekly'", S, row(precision="weekly"),
            "bad_date", value="weekly"))
add(one_row("unknown-encoding", "values", "encoding column 'latin-1'", S,
            [*row(), "latin-1"], "bad_encoding", header=[*HEADER, "encoding"],
            value="latin-1"))
add(one_row("file-leading-space", "values", "file value with a leading space", S,
            row(file=" articles/a.txt"), "missing_file", value=" articles/a.txt"))
add(one_row("extra-column-padded-name", "values", "extra column whose value is 'NA'",
            "normalised", [*row(), "NA"], header=[*HEADER, "note"],
            checks={"a": {"note": "NA"}}))
add(one_row("url-javascript", "values", "url 'javascript:alert(1)' kept as text",
            "normalised", row(url="javascript:alert(1)"),
            checks={"a": {"url": "javascript:alert(1)"}}))
add(one_row("recorded-hash-mismatch", "values", "text_sha256 differs from the file (edited "
            "after adding): ingested with a warning", "normalised",
            [*row(), "0" * 64], "text_changed", header=[*HEADER, "text_sha256"]))
add(manifest_case("duplicate-doc-id", "values", "doc_id used twice", "skipped",
                  [good, row("a", "articles/b.txt")],
                  files={"articles/a.txt": TRAD, "articles/b.txt": SIMP},
                  ledger=[Row(2, I), Row(3, S, "duplicate_doc_id")], value="a"))

# ---- paths ----------------------------------------------------------------------------
add(one_row("path-absolute", "paths", "absolute path /etc/hostname", S,
            row(file="/etc/hostname"), "path_absolute", value="/etc/hostname"))
add(one_row("path-dotdot", "paths", "'../secret.txt'", S, row(file="../secret.txt"),
            "path_escape", value="../secret.txt"))
add(one_row("path-inner-dotdot", "paths", "'articles/../../x.txt'", S,
            row(file="articles/../../x.txt"), "path_escape"))
add(one_row("path-dotdot-inside", "paths", "'articles/../articles/a.txt' (stays inside, "
            "still refused)", S, row(file="articles/../articles/a.txt"), "path_escape"))
add(one_row("path-windows-drive", "paths", "'C:/corpus/a.txt'", S,
            row(file="C:/corpus/a.txt"), "path_absolute"))
add(one_row("path-backslash", "paths", "'articles\\a.txt'", S, row(file="articles\\a.txt"),
            "bad_path", value="articles\\\\a.txt"))
add(one_row("path-url", "paths", "'file:///etc/passwd'", S, row(file="file:///etc/passwd"),
            "path_absolute"))
add(one_row("path-hidden", "paths", "'.git/config'", S, row(file=".git/config"), "bad_path"))
add(one_row("path-missing", "paths", "file that does not exist", S,
            row(file="articles/none.txt"), "missing_file", value="articles/none.txt"))
add(one_row("path-empty", "paths", "file column empty", S, row(file=""), "missing_file"))
add(one_row("path-folder", "paths", "file names a folder", S, row(file="articles"),
            "not_a_file"))
add(one_row("symlink-escape", "paths", "a link in articles/ pointing outside the corpus", S,
            row(file="articles/link.txt"), "path_escape", symlinks={"articles/link.txt":
                                                                   "/etc/hostname"}))
add(one_row("symlink-relative-escape", "paths", "a relative link leading out with '..'", S,
            row(file="articles/up.txt"), "path_escape",
            symlinks={"articles/up.txt": "../../outside.txt"}))
add(one_row("symlink-folder-escape", "paths", "a linked folder leading outside", S,
            row(file="linked/hostname"), "path_escape", symlinks={"linked": "/etc"}))
add(one_row("symlink-inside", "paths", "a link to a file inside the corpus is read",
            "normalised", row(file="articles/alias.txt"),
            symlinks={"articles/alias.txt": "a.txt"}))
add(one_row("symlink-loop", "paths", "a link loop", S, row(file="articles/loop.txt"),
            "bad_path", symlinks={"articles/loop.txt": "loop.txt"}))
add(one_row("symlink-dangling", "paths", "a link to nothing", S, row(file="articles/gone.txt"),
            "missing_file", symlinks={"articles/gone.txt": "nothing.txt"}))
add(one_row("path-fifo-like", "paths", "file is /dev/zero (absolute)", S,
            row(file="/dev/zero"), "path_absolute"))

# ---- bytes and encodings of article files --------------------------------------------
A = "articles/a.txt"
add(article_case("utf8", "bytes", "UTF-8", "normalised", TRAD.encode(), TRAD,
                 checks={"a": {"encoding": "utf-8"}}))
add(article_case("utf8-bom", "bytes", "UTF-8 with BOM: BOM removed", "normalised",
                 codecs.BOM_UTF8 + TRAD.encode(), TRAD, checks={"a": {"encoding": "utf-8-sig"}}))
add(article_case("utf16le-bom", "bytes", "UTF-16 LE with BOM", "normalised",
                 codecs.BOM_UTF16_LE + TRAD.encode("utf-16-le"), TRAD,
                 checks={"a": {"encoding": "utf-16"}}))
add(article_case("utf16be-bom", "bytes", "UTF-16 BE with BOM", "normalised",
                 codecs.BOM_UTF16_BE + TRAD.encode("utf-16-be"), TRAD))
add(article_case("utf16-nobom", "bytes", "UTF-16 without BOM", S, TRAD.encode("utf-16-le"),
                 None, "bad_encoding", value="NUL byte"))
add(article_case("utf32", "bytes", "UTF-32 with BOM", S, TRAD.encode("utf-32"), None,
                 "bad_encoding", value="UTF-32"))
add(article_case("gbk-undeclared", "bytes", "GBK, not declared: detected", "normalised",
                 SIMP.encode("gbk"), SIMP, checks={"a": {"encoding": "gb18030"}}))
add(article_case("gb18030-extb", "bytes", "GB18030 with a 4-byte character (𠮷)",
                 "normalised", ("𠮷野家的招牌" + SIMP).encode("gb18030"), "𠮷野家的招牌" + SIMP))
add(article_case("big5-undeclared", "bytes", "Big5 (CP950) with 裏, not declared",
                 "normalised", ("這裏" + TRAD).encode("cp950"), "這裏" + TRAD,
                 checks={"a": {"encoding": "cp950"}}))
add(article_case("big5-name-dot", "bytes", "Taiwan Big5 with the name dot ‧ (read as CP950)",
                 "normalised", TW_NAME_DOT.encode("cp950"), TW_NAME_DOT,
                 checks={"a": {"encoding": "cp950"}}))
add(article_case("hkscs-undeclared", "bytes", "Big5-HKSCS with 赤鱲角, not declared",
                 "normalised", HK.encode("big5hkscs"), HK,
                 checks={"a": {"encoding": "big5hkscs"}}))
add(article_case("gbk-declared", "bytes", "GBK declared as 'GBK'", "normalised",
                 SIMP.encode("gbk"), SIMP, encoding="GBK"))
add(article_case("big5-declared-hkscs", "bytes", "Big5 file declared big5hkscs",
                 "normalised", TRAD.encode("big5hkscs"), TRAD, encoding="big5hkscs"))
add(article_case("declared-gbk-is-utf8", "bytes", "declared GBK but re-saved as UTF-8", S,
                 SIMP.encode("utf-8"), None, "bad_encoding", encoding="gbk",
                 value="UTF-8"))
add(article_case("declared-gbk-mojibake", "bytes", "declared GBK for a UTF-8 file that GB18030 "
                 "decodes without error (中文 -> 涓枃)", S, "中文新闻报道内容\n".encode(), None,
                 "bad_encoding", encoding="gbk", value="does not read as Chinese"))
add(article_case("declared-big5-is-gbk", "bytes", "declared Big5 but the file is GBK", S,
                 SIMP.encode("gbk"), None, "bad_encoding", encoding="big5"))
add(article_case("declared-utf8-is-gbk", "bytes", "declared UTF-8 but the file is GBK", S,
                 SIMP.encode("gbk"), None, "bad_encoding", encoding="utf-8", value="byte"))
add(article_case("declared-gbk-bom-utf8", "bytes", "declared GBK but the file has a UTF-8 BOM",
                 S, codecs.BOM_UTF8 + SIMP.encode(), None, "bad_encoding", encoding="gbk"))
add(article_case("declared-utf16-nobom", "bytes", "declared UTF-16 without BOM", S,
                 SIMP.encode("utf-16-le"), None, "bad_encoding", encoding="utf-16"))
add(article_case("euc-kr", "bytes", "Korean EUC-KR", S,
                 "대한민국 정부는 오늘 서울에서 기자회견을 열고 새로운 경제 정책을 발표했다.\n"
                 .encode("euc-kr"), None, "bad_encoding"))
add(article_case("shift-jis", "bytes", "Japanese Shift-JIS", S,
                 "日本政府は本日、東京で記者会見を開き、新しい経済政策を発表した。\n"
                 .encode("shift_jis"), None, "bad_encoding"))
add(article_case("latin1", "bytes", "French Latin-1", S,
                 "Le gouvernement a annoncé aujourd’hui une politique économique.\n"
                 .encode("cp1252"), None, "bad_encoding"))
add(article_case("utf8-bad-byte", "bytes", "UTF-8 with one bad byte on line 2", S,
                 TRAD.encode().replace(b"Meta", b"Me\xfft"), None, "bad_encoding",
                 value="line 2"))
add(article_case("utf8-truncated", "bytes", "UTF-8 cut inside the last character", S,
                 TRAD.rstrip("\n").encode()[:-1], None, "bad_encoding"))
add(article_case("utf8-overlong", "bytes", "overlong UTF-8 (C0 AF)", S,
                 TRAD.encode() + b"\xc0\xaf", None, "bad_encoding"))
add(article_case("utf8-surrogate", "bytes", "UTF-8-encoded surrogate (ED A0 80)", S,
                 TRAD.encode() + b"\xed\xa0\x80", None, "bad_encoding"))
add(article_case("utf8-plus-gbk-line", "bytes", "UTF-8 file with one line pasted as GBK", S,
                 TRAD.encode() + "新华社北京电\n".encode("gbk"), None, "bad_encoding"))
add(article_case("pdf", "bytes", "a PDF saved as .txt", S, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
                 None, "bad_encoding", value="PDF"))
add(article_case("docx", "bytes", "a .docx renamed .txt", S, b"PK\x03\x04\x14\x00\x06\x00",
                 None, "bad_encoding", value="zip"))
add(article_case("png", "bytes", "an image", S, b"\x89PNG\r\n\x1a\n\x00\x00", None,
                 "bad_encoding", value="PNG"))
add(article_case("nul-in-text", "bytes", "a NUL byte inside the text", S,
                 TRAD.encode().replace(b"\n", b"\n\x00", 1), None, "bad_encoding",
                 value="NUL"))
add(article_case("crlf-text", "bytes", "Windows line ends in the article", "normalised",
                 TRAD.replace("\n", "\r\n").encode(), TRAD))
add(article_case("cr-text", "bytes", "CR-only line ends in the article", "normalised",
                 TRAD.replace("\n", "\r").encode(), TRAD))
add(article_case("double-bom", "bytes", "two BOMs: the second is kept as text", "normalised",
                 codecs.BOM_UTF8 * 2 + TRAD.encode(), "\ufeff" + TRAD))
add(article_case("short-gbk", "bytes", "two GBK characters only: too little to tell", S,
                 "中文\n".encode("gbk"), None, "bad_encoding", value="declare"))
add(article_case("gbk-declared-cp936", "bytes", "declared with the alias 'cp936'",
                 "normalised", SIMP.encode("gbk"), SIMP, encoding="cp936"))
add(article_case("fullwidth-encoding-name", "bytes", "declared as full-width 'ＧＢＫ'",
                 "normalised", SIMP.encode("gbk"), SIMP, encoding="ＧＢＫ"))

# ---- text content ----------------------------------------------------------------------
add(article_case("empty-file", "text", "article file of 0 bytes", S, b"", None,
                 "empty_article"))
add(article_case("blank-file", "text", "only spaces, U+3000 and blank lines", S,
                 " \n\u3000\n\t\n".encode(), None, "empty_article"))
add(article_case("zero-width-only", "text", "only zero-width spaces and a BOM", S,
                 "\u200b\u200b\n\ufeff\n".encode(), None, "empty_article"))
for _id, _what, _text in [
    ("emoji", "emoji and a flag are kept", "🚀😀🇹🇼 " + TRAD),
    ("ext-b", "CJK extension-B 𠮷 kept", "𠮷野家" + SIMP),
    ("pua", "private-use character kept", "\ue000" + SIMP),
    ("rtl-override-text", "RTL override inside the text kept", "abc\u202edef\n" + SIMP),
    ("nfd-text", "decomposed accents kept (no Unicode normalisation)", "Cafe\u0301 " + SIMP),
    ("compat-ideograph", "compatibility ideograph 﨑 kept as written", "山﨑先生表示" + TRAD),
    ("control-in-text", "a BEL character in the article is kept", "警\x07告\n" + SIMP),
    ("form-feed", "form feed and U+2028 inside a paragraph are kept",
     "上\x0c下\u2028續\n" + SIMP),
    ("bom-inside", "a BOM in the middle of the text is kept", "前\ufeff後\n" + SIMP),
    ("punctuation-only", "an article of punctuation only is kept", "。。。！\n"),
    ("signoff-only", "an article that is only a sign-off is kept", "（完）\n"),
    ("no-final-newline", "no newline at the end", TRAD.rstrip("\n")),
    ("trailing-spaces", "trailing spaces on lines are kept", "第一段。  \n第二段。\t\n"),
    ("html-markup", "HTML tags left in a scraped text are kept", "<p>" + SIMP + "</p>"),
    ("line-50000", "a paragraph of 50,000 characters", "長" * 50_000 + "\n"),
]:
    add(article_case(_id, "text", _what, "normalised", _text.encode(), _text))
add(article_case("line-50001", "text", "one line of 50,001 characters (a file without line "
                 "breaks)", S, ("長" * 50_001).encode(), None, "line_too_long",
                 value="50001"))
add(article_case("mixed-scripts", "text", "Simplified and Traditional in one article",
                 "normalised", (TRAD + SIMP).encode(), TRAD + SIMP,
                 checks={"a": {"script": "mixed"}}))

# ---- dates -----------------------------------------------------------------------------
for i, (value, out, precision) in enumerate([
    ("2025-07-03", "2025-07-03", "day"), ("2025/07/03", "2025-07-03", "day"),
    ("2025/7/3", "2025-07-03", "day"), ("2025.07.03", "2025-07-03", "day"),
    ("20250703", "2025-07-03", "day"), ("2025年7月3日", "2025-07-03", "day"),
    ("二〇二五年七月三日", "2025-07-03", "day"), ("民國114年7月3日", "2025-07-03", "day"),
    ("民国114年7月3日", "2025-07-03", "day"), ("114/07/03", "2025-07-03", "day"),
    ("２０２５－０７－０３", "2025-07-03", "day"),
    ("2025-07-03T23:30:00+08:00", "2025-07-03", "day"),
    (" 2025-07-03 ", "2025-07-03", "day"), ("2025-07", "2025-07", "month"),
    ("2025年7月", "2025-07", "month"), ("2025-W27", "2025-W27", "week"), ("2025", "2025", "year"),
    ("2024-02-29", "2024-02-29", "day"),
]):
    add(one_row(f"date-ok-{i:02d}", "dates", f"date {value!r}", "normalised", row(date=value),
                checks={"a": {"date": out, "date_precision": precision}}))
for i, (value, fragment) in enumerate([
    ("03/07/2025", "ambiguous"), ("7/3/2025", "ambiguous"), ("2025年13月1日", "month 13"),
    ("2025-02-30", "no such day"), ("2025-02-29", "no such day"), ("昨天", "relative"),
    ("July 3, 2025", "not a recognised"), ("99/07/03", "two-digit year"),
    ("2025-W53", "week 53"), ("1899-12-31", "1899"), ("NaN", "NaN"), ("45841", "Excel serial"),
    ("", "empty"), ("2025-Q3", "2025-Q3"),
]):
    add(one_row(f"date-bad-{i:02d}", "dates", f"date {value!r} refused", S, row(date=value),
                "bad_date", value=fragment))
add(one_row("date-coarsened", "dates", "a day given with precision 'month'", "normalised",
            row(date="2025-07-03", precision="month"),
            checks={"a": {"date": "2025-07", "date_precision": "month"}}))
add(one_row("date-finer-precision", "dates", "a month given with precision 'day'", S,
            row(date="2025-07", precision="day"), "bad_date"))

# ---- duplicates ------------------------------------------------------------------------
two = {"articles/a.txt": TRAD, "articles/b.txt": TRAD}
add(manifest_case("dup-same-text", "duplicates", "two files with the same text", S,
                  [good, row("b", "articles/b.txt")], files=two,
                  ledger=[Row(2, I), Row(3, D, "duplicate_text")], value="a"))
add(manifest_case("dup-other-encoding", "duplicates", "the same text in Big5 and UTF-8", S,
                  [good, row("b", "articles/b.txt")],
                  files={"articles/a.txt": TRAD, "articles/b.txt": TRAD.encode("cp950")},
                  texts={"articles/b.txt": TRAD},
                  ledger=[Row(2, I), Row(3, D, "duplicate_text")]))
add(manifest_case("dup-bom-crlf", "duplicates", "the same text with a BOM and CRLF", S,
                  [good, row("b", "articles/b.txt")],
                  files={"articles/a.txt": TRAD,
                         "articles/b.txt": codecs.BOM_UTF8 + TRAD.replace("\n", "\r\n").encode()},
                  texts={"articles/b.txt": TRAD},
                  ledger=[Row(2, I), Row(3, D, "duplicate_text")]))
add(manifest_case("dup-trailing-space", "duplicates", "the same text with trailing spaces", S,
                  [good, row("b", "articles/b.txt")],
                  files={"articles/a.txt": TRAD, "articles/b.txt": TRAD.replace("\n", "  \n")},
                  ledger=[Row(2, I), Row(3, D, "duplicate_text")]))
add(manifest_case("dup-same-file", "duplicates", "two rows naming the same file", S,
                  [good, row("b", "articles/a.txt")],
                  ledger=[Row(2, I), Row(3, D, "duplicate_text")]))
add(manifest_case("not-dup-one-char", "duplicates", "texts differing by one character are "
                  "both kept", "normalised", [good, row("b", "articles/b.txt")],
                  files={"articles/a.txt": TRAD, "articles/b.txt": TRAD.replace("祖", "袓")},
                  ledger=[Row(2, I), Row(3, I)]))
add(manifest_case("not-dup-nfd", "duplicates", "NFC and NFD spellings are different texts",
                  "normalised", [good, row("b", "articles/b.txt")],
                  files={"articles/a.txt": "Café " + SIMP, "articles/b.txt": "Cafe\u0301 " + SIMP},
                  ledger=[Row(2, I), Row(3, I)]))
add(manifest_case("dup-doc-id-case", "duplicates", "doc_ids 'Abc' and 'abc' in a manifest "
                  "(distinct files on Linux)", "normalised",
                  [row("Abc"), row("abc", "articles/b.txt")],
                  files={"articles/a.txt": TRAD, "articles/b.txt": SIMP},
                  ledger=[Row(2, I), Row(3, I)]))
add(manifest_case("many-duplicates", "sizes", "2,000 rows naming one file: 1 ingested, "
                  "1,999 duplicates", S, [row(f"d{i}") for i in range(2000)],
                  ledger=[Row(2, I)] + [Row(i, D, "duplicate_text") for i in range(3, 2002)]))

# ---- sizes -----------------------------------------------------------------------------
add(article_case("file-5mb-plus-1", "sizes", "article file of 5,000,001 bytes", S,
                 b"a\n" * 2_500_000 + b"b", None, "too_large", value="5000000"))
add(one_row("title-200000", "sizes", "a 200,000-character title", S,
            row(title="題" * 200_000), "field_too_long", value="10000"))
add(one_row("field-700000", "sizes", "a 700,000-character field (over the CSV module's "
            "default limit)", S, row(source="x" * 700_000), "field_too_long"))

# ---- import tables: CSV and JSON Lines ---------------------------------------------------
IMP = ["outlet", "date", "text"]
add(import_case("imp-csv-ok", "import", "CSV with inline texts holding line breaks",
                "normalised", "t.csv", csv_bytes(IMP, [["新浪", "2025-06", SIMP],
                                                       ["聯合報", "2025-07-03", TRAD]]),
                [Row(2, I), Row(6, I)], texts={"2": SIMP, "6": TRAD}))
add(import_case("imp-csv-file", "import", "CSV naming files beside the table", "normalised",
                "t.csv", csv_bytes(["outlet", "date", "file"], [["新浪", "2025", "x.txt"]]),
                [Row(2, I)], files={"x.txt": SIMP.encode("gbk")}, texts={"x.txt": SIMP}))
add(import_case("imp-csv-both", "import", "a row with both text and file", S, "t.csv",
                csv_bytes(["outlet", "date", "text", "file"], [["新浪", "2025", SIMP, "x.txt"]]),
                [Row(2, S, "ambiguous_text")]))
add(import_case("imp-csv-neither", "import", "a row with neither text nor file", S, "t.csv",
                csv_bytes(["outlet", "date", "text", "file"], [["新浪", "2025", "", ""]]),
                [Row(2, S, "missing_text")]))
add(import_case("imp-csv-missing-file", "import", "file beside the table missing", S, "t.csv",
                csv_bytes(["outlet", "date", "file"], [["新浪", "2025", "gone.txt"]]),
                [Row(2, S, "missing_file")], value="gone.txt"))
add(import_case("imp-csv-no-outlet-col", "import", "table without an outlet column",
                "refused", "t.csv", csv_bytes(["date", "text"], [["2025", SIMP]]), line=1,
                value="outlet"))
add(import_case("imp-csv-no-text-col", "import", "table with neither text nor file column",
                "refused", "t.csv", csv_bytes(["outlet", "date"], [["新浪", "2025"]]),
                line=1))
add(import_case("imp-csv-title-newline", "import", "a title holding a line break",
                "refused", "t.csv", csv_bytes(["outlet", "date", "title", "text"],
                                              [["新浪", "2025", "上\n下", SIMP]]), line=2))
add(import_case("imp-csv-arity", "import", "a row with a field too many", S, "t.csv",
                csv_bytes(IMP, [["新浪", "2025", SIMP], "新浪,2025,文,多"]),
                [Row(2, I), Row(6, S, "row_arity")], texts={"2": SIMP}))
add(import_case("imp-csv-bad-date", "import", "a row with date 昨天", S, "t.csv",
                csv_bytes(IMP, [["新浪", "昨天", SIMP]]), [Row(2, S, "bad_date")],
                value="昨天"))
add(import_case("imp-csv-dup-rows", "import", "the same text twice in a table", S, "t.csv",
                csv_bytes(IMP, [["新浪", "2025", SIMP], ["新浪", "2025", SIMP + "\n"]]),
                [Row(2, I), Row(6, D, "duplicate_text")], texts={"2": SIMP}))
add(import_case("imp-csv-doc-id-case", "import", "doc_ids 'Abc' and 'abc' (their files would "
                "collide on Windows and macOS)", S, "t.csv",
                csv_bytes(["doc_id", *IMP], [["Abc", "新浪", "2025", SIMP],
                                             ["abc", "新浪", "2025", TRAD]]),
                [Row(2, I), Row(6, S, "duplicate_doc_id")], value="Abc", texts={"2": SIMP}))
add(import_case("imp-csv-semicolon", "import", "table saved with ';'", "refused", "t.csv",
                b"outlet;date;text\n\xe6\x96\xb0;2025;x\n", line=1))
add(import_case("imp-csv-gbk", "import", "table saved as GBK", "refused", "t.csv",
                csv_bytes(IMP, [["新浪", "2025", "文章"]], encoding="gbk"), line=2))
add(import_case("imp-xlsx", "import", "an .xlsx given as table", "refused", "t.xlsx",
                b"PK\x03\x04", value=None))
add(import_case("imp-csv-text-too-long-line", "import", "inline text of 200,000 characters "
                "on one line", S, "t.csv", csv_bytes(IMP, [["新浪", "2025", "長" * 200_000]]),
                [Row(2, S, "line_too_long")]))
add(import_case("imp-csv-huge-text", "import", "inline text over 5 MB", S, "t.csv",
                csv_bytes(IMP, [["新浪", "2025", ("長" * 40_000 + "\n") * 45]]),
                [Row(2, S, "too_large")]))
add(import_case("imp-jsonl-ok", "import", "JSON Lines with text", "normalised", "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025-06", "text": SIMP}), [Row(1, I)],
                texts={"1": SIMP}))
add(import_case("imp-jsonl-number", "import", "a number value keeps its spelling",
                "normalised", "t.jsonl",
                jsonl('{"outlet": "新浪", "date": "2025", "text": "文章內容一", "page": 1.50, '
                      '"n": 7}'), [Row(1, I)], texts={"1": "文章內容一"},
                checks={"1": {"page": "1.50", "n": "7"}}))
add(import_case("imp-jsonl-bool-null", "import", "true and null", "normalised", "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025", "text": "文章內容二", "paid": True,
                       "title": None}), [Row(1, I)], texts={"1": "文章內容二"},
                checks={"1": {"paid": "true", "title": ""}}))
add(import_case("imp-jsonl-int-date", "import", "date given as the number 20250703",
                "normalised", "t.jsonl",
                jsonl('{"outlet": "新浪", "date": 20250703, "text": "文章內容三"}'), [Row(1, I)],
                texts={"1": "文章內容三"}, checks={"1": {"date": "2025-07-03"}}))
add(import_case("imp-jsonl-array", "import", "a value that is an array", S, "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025", "text": "文", "tags": ["a", "b"]}),
                [Row(1, S, "bad_value")], value="tags"))
add(import_case("imp-jsonl-object", "import", "a value that is an object", S, "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025", "text": {"zh": "文"}}),
                [Row(1, S, "bad_value")], value="text"))
add(import_case("imp-jsonl-dup-key", "import", "the key 'text' twice in one object", S,
                "t.jsonl", jsonl('{"outlet": "新浪", "date": "2025", "text": "甲", '
                                 '"text": "乙"}'), [Row(1, S, "bad_row")], value="text"))
add(import_case("imp-jsonl-invalid", "import", "a line that is not JSON", S, "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025", "text": SIMP}, "{oops"),
                [Row(1, I), Row(2, S, "bad_row")], texts={"1": SIMP}))
add(import_case("imp-jsonl-not-object", "import", "a line holding a list", S, "t.jsonl",
                jsonl("[1, 2]"), [Row(1, S, "bad_row")]))
add(import_case("imp-jsonl-u2028", "import", "U+2028 and U+0085 unescaped inside a string",
                "normalised", "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025", "text": "上\u2028下\x85完。"},
                      {"outlet": "新浪", "date": "2025", "text": SIMP}),
                [Row(1, I), Row(2, I)], texts={"1": "上\u2028下\x85完。", "2": SIMP}))
add(import_case("imp-jsonl-crlf-bom", "import", "BOM and CRLF line ends", "normalised",
                "t.jsonl", codecs.BOM_UTF8 + jsonl({"outlet": "新浪", "date": "2025",
                                                    "text": SIMP}).replace(b"\n", b"\r\n"),
                [Row(1, I)], texts={"1": SIMP}))
add(import_case("imp-jsonl-blank-lines", "import", "blank lines are not records",
                "normalised", "t.jsonl",
                b"\n" + jsonl({"outlet": "新浪", "date": "2025", "text": SIMP}) + b"\n\n",
                [Row(2, I)], texts={"2": SIMP}))
add(import_case("imp-jsonl-surrogate", "import", "a lone surrogate escape", S, "t.jsonl",
                jsonl('{"outlet": "新浪", "date": "2025", "text": "壞\\ud800字"}'),
                [Row(1, S, "bad_text")]))
add(import_case("imp-jsonl-nul", "import", "a NUL escape in the text", S, "t.jsonl",
                jsonl('{"outlet": "新浪", "date": "2025", "text": "壞\\u0000字"}'),
                [Row(1, S, "bad_text")]))
add(import_case("imp-jsonl-control-key", "import", "a key holding a control character", S,
                "t.jsonl", jsonl('{"outlet": "新浪", "date": "2025", "text": "文章", '
                                 '"a\\u0007": "x"}'), [Row(1, S, "bad_column")]))
add(import_case("imp-jsonl-empty-key", "import", "an empty key", S, "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025", "text": "文章", "": "x"}),
                [Row(1, S, "bad_column")]))
add(import_case("imp-jsonl-newline-meta", "import", "a metadata value with a line break", S,
                "t.jsonl", jsonl({"outlet": "新浪", "date": "2025", "text": "文章",
                                  "title": "上\n下"}), [Row(1, S, "bad_value")]))
add(import_case("imp-jsonl-utf16", "import", "JSON Lines saved as UTF-16", "refused",
                "t.jsonl", jsonl({"outlet": "新浪", "date": "2025", "text": "文"})
                .decode().encode("utf-16"), value=None))
add(import_case("imp-jsonl-file-abs", "import", "a file given by absolute path is read "
                "(the table's author chose it)", "normalised", "t.jsonl",
                jsonl({"outlet": "新浪", "date": "2025", "file": "@DIR@/x.txt"}), [Row(1, I)],
                files={"x.txt": SIMP}, texts={"x.txt": SIMP}))

# ---- add -------------------------------------------------------------------------------
add(add_case("add-ok-gbk", "add", "add a GBK file", "normalised", {"a.txt": SIMP.encode("gbk")},
             texts={"a.txt": SIMP}))
add(add_case("add-duplicate", "add", "add a file already in the corpus (other encoding)",
             "refused", {"a.txt": BASE_TEXT.encode("gb18030")}, value="same text"))
add(add_case("add-dup-in-command", "add", "the same text twice in one command", "refused",
             {"a.txt": SIMP, "b.txt": SIMP.replace("\n", "\r\n")}, value="same text"))
add(add_case("add-missing", "add", "a file that does not exist", "refused", {},
             value="no such file"))
CASES[-1].add = (["missing.txt"], {"outlet": "測試報", "date": "2025"})
add(add_case("add-bad-date", "add", "--date 昨天", "refused", {"a.txt": SIMP}, date="昨天",
             value="昨天"))
add(add_case("add-bad-outlet", "add", "--outlet of spaces", "refused", {"a.txt": SIMP},
             outlet="  ", value="outlet"))
add(add_case("add-doc-id-taken", "add", "--doc-id already used", "refused", {"a.txt": SIMP},
             doc_id="base", value="base"))
add(add_case("add-doc-id-case", "add", "--doc-id differing only in case from one in use",
             "refused", {"a.txt": SIMP}, doc_id="BASE", value="base"))
add(add_case("add-bad-doc-id", "add", "--doc-id with a slash", "refused", {"a.txt": SIMP},
             doc_id="a/b", value="a/b"))
add(add_case("add-binary", "add", "a PDF", "refused", {"a.txt": b"%PDF-1.4\n"}, value="PDF"))
add(add_case("add-empty", "add", "an empty file", "refused", {"a.txt": b""}, value="no text"))
add(add_case("add-too-large", "add", "a file over the size limit", "refused",
             {"a.txt": b"a\n" * 2_500_001}, value="5000000"))
add(add_case("add-undecodable", "add", "Shift-JIS", "refused",
             {"a.txt": "日本政府は本日、東京で記者会見を開き、新しい経済政策を発表した。\n"
              .encode("shift_jis")}, value="declare"))
add(add_case("add-declared-wrong", "add", "--encoding big5 for a GBK file", "refused",
             {"a.txt": SIMP.encode("gbk")}, encoding="big5"))
add(add_case("add-unknown-encoding", "add", "--encoding latin-1", "refused", {"a.txt": SIMP},
             encoding="latin-1", value="latin-1"))
add(add_case("add-title-control", "add", "--title with an escape sequence", "refused",
             {"a.txt": SIMP}, title="\x1b[2J", value="title"))
add(add_case("add-title-formula", "add", "--title '=1+1' stored raw", "normalised",
             {"a.txt": SIMP}, title="=1+1", checks={"title": "=1+1"}))
add(add_case("add-approx-date", "add", "--date 2025-W27", "normalised", {"a.txt": SIMP},
             date="2025-W27", checks={"date": "2025-W27", "date_precision": "week"}))
add(add_case("add-roc-date", "add", "--date 民國114年7月", "normalised", {"a.txt": SIMP},
             date="民國114年7月", checks={"date": "2025-07", "date_precision": "month"}))
add(add_case("add-folder", "add", "a folder given as a file", "refused", {}, value="no such"))
CASES[-1].add = (["sub"], {"outlet": "測試報", "date": "2025"})
CASES[-1].dirs = ["sub"]

# ---- spreadsheet-opened outputs (spreadsheet CSV: formula cells neutralised) ------------
for i, (cell, out) in enumerate([
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("＝１＋１", "'＝１＋１"), ("＋886", "'＋886"), ("－2", "'－2"), ("＠x", "'＠x"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ('=HYPERLINK("http://evil","點")',
                                          '\'=HYPERLINK("http://evil","點")'),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("'=1", "'=1"), (" =1", " =1"),
    ("a=1", "a=1"), ("−1", "−1"), ("中文，逗號\n換行\"引號\"", "中文，逗號\n換行\"引號\""),
]):
    add(export_case(f"excel-{i:02d}", f"text cell {cell!r}", cell, out))
add(export_case("excel-number", "a negative number in a numeric column stays a number", -1, "-1"))
