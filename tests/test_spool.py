"""Tables written piece by piece (framing.spool) are the tables written whole.

``framing analyze`` writes the per-article tables into the output folder as the articles are
analysed, and keeps the paragraph texts on disk until ``paragraphs.csv`` is written. These
tests hold that to the bytes a whole-table write gives: piece by piece with pieces of one
article, with pieces of every article at once, in CSV, spreadsheet CSV and Parquet.
"""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from framing import corpus as corpus_lib
from framing import engine, output, synthetic
from framing.analyze import SPOOLED, Config, analyze, run_stages, sort_table
from framing.corpus import load_corpus
from framing.engine import RunOptions
from framing.spool import ColumnStash, PieceRouter, SpoolError, TableSpool

CONFIG = Config(n_boot=50, figures=False)


def _table(n_docs: int = 5, rows: int = 4) -> pd.DataFrame:
    """A small table with every column kind the writer handles, in key order."""
    rng = np.random.default_rng(3)
    n = n_docs * rows
    return pd.DataFrame({
        "doc_id": np.repeat([f"d{i:02d}" for i in range(n_docs)], rows).astype(object),
        "para_id": np.tile(np.arange(rows), n_docs),
        "text": [["人才", "=SUM(1)", 'a,"b"', "多行\n文字"][i % 4] for i in range(n)],
        "weight": rng.random(n).round(3),
        "flag": (np.arange(n) % 3 == 0),
        "maybe": [None if i % 5 == 0 else f"x{i}" for i in range(n)],
    })


def _pieces(df: pd.DataFrame, docs_per_piece: int) -> list[pd.DataFrame]:
    docs = df["doc_id"].unique().tolist()
    return [df[df["doc_id"].isin(docs[i : i + docs_per_piece])]
            for i in range(0, len(docs), docs_per_piece)]


@pytest.mark.parametrize("excel", [False, True])
@pytest.mark.parametrize("docs_per_piece", [1, 2, 5])
def test_spooled_csv_is_the_whole_table(tmp_path, excel, docs_per_piece):
    df = _table()
    spool = TableSpool("t", tmp_path, excel=excel)
    for piece in _pieces(df, docs_per_piece):
        spool.append(piece)
    spool.close()
    whole = output.write_csv(df, tmp_path / "whole.csv", excel=excel)
    assert (tmp_path / "t.csv").read_bytes() == whole.read_bytes()
    assert spool.n_rows == len(df) and list(spool.prototype.columns) == list(df.columns)


def test_spooled_parquet_holds_the_whole_table(tmp_path):
    df = _table()
    spool = TableSpool("t", tmp_path, csv=False, parquet=True)
    for piece in _pieces(df, 2):
        spool.append(piece)
    spool.close()
    assert not (tmp_path / "t.csv").exists()
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), df)


def test_spool_puts_rows_of_a_piece_in_key_order(tmp_path):
    df = _table()
    spool = TableSpool("frame_hits", tmp_path)
    for piece in _pieces(df, 2):
        spool.append(piece.iloc[::-1])  # each piece reversed: sorted back by its keys
    spool.close()
    whole = output.write_csv(sort_table("frame_hits", df), tmp_path / "whole.csv")
    assert (tmp_path / "frame_hits.csv").read_bytes() == whole.read_bytes()


def test_spool_refuses_a_piece_out_of_doc_order(tmp_path):
    first, second = _pieces(_table(), 2)[:2]
    spool = TableSpool("t", tmp_path)
    spool.append(second)
    with pytest.raises(SpoolError, match="doc_id order"):
        spool.append(first)


def test_spool_refuses_a_column_that_changes_dtype(tmp_path):
    # Written piece by piece, 1 then 1.5 would give "1" where the whole table gives "1.0".
    first, second = _pieces(_table(), 2)[:2]
    spool = TableSpool("t", tmp_path)
    spool.append(first.assign(weight=1))
    with pytest.raises(SpoolError, match="weight: dtype float64"):
        spool.append(second)


def test_stash_puts_the_texts_back_where_they_were(tmp_path):
    df = _table()
    stash = ColumnStash(tmp_path / "s.jsonl", ["text", "maybe"])
    kept = pd.concat([stash.take(p) for p in _pieces(df, 2)], ignore_index=True)
    assert "text" not in kept.columns and len(kept) == len(df)
    kept["added"] = np.arange(len(kept))  # a corpus-wide stage adds a column at the end
    spool = TableSpool("t", tmp_path)
    stash.write(kept, spool)
    spool.close()
    whole = output.write_csv(df.assign(added=np.arange(len(df))), tmp_path / "whole.csv")
    assert (tmp_path / "t.csv").read_bytes() == whole.read_bytes()
    assert not (tmp_path / "s.jsonl").exists()


def test_stash_refuses_rows_that_no_longer_line_up(tmp_path):
    df = _table()
    stash = ColumnStash(tmp_path / "s.jsonl", ["text"])
    kept = pd.concat([stash.take(p) for p in _pieces(df, 2)], ignore_index=True)
    with pytest.raises(SpoolError, match="line up"):
        stash.write(kept.iloc[::-1].reset_index(drop=True), TableSpool("t", tmp_path))


def test_kept_pieces_wait_on_disk_and_come_back_whole(tmp_path):
    # A kept table's pieces are appended to a file as they arrive (not held), and read back
    # as the concatenation of the pieces: by finish(), or later by load() when deferred.
    df = _table()
    router = PieceRouter(tmp_path, spooled=[], keep={"a", "b"})
    for piece in _pieces(df, 2):
        router({"a": piece, "b": piece.iloc[:1]})
    assert router._kept["a"].n_pieces == 3 and not hasattr(router, "_pieces")
    assert (tmp_path / ".kept-a.arrow").stat().st_size > 0
    tables = router.finish({"c": ["x"]}, defer=["b"])
    pd.testing.assert_frame_equal(tables["a"], df)
    assert list(tables) == ["a", "c"] and tables["c"].columns.tolist() == ["x"]
    assert not (tmp_path / ".kept-a.arrow").exists()
    want = pd.concat([p.iloc[:1] for p in _pieces(df, 2)], ignore_index=True)
    # some columns only (the file stays for the whole table later), then the whole table
    pd.testing.assert_frame_equal(router.load("b", ["para_id", "doc_id"]),
                                  want[["para_id", "doc_id"]])
    assert (tmp_path / ".kept-b.arrow").exists()
    # the whole table, kept for a second reading (the frame matrix around the comparisons)
    pd.testing.assert_frame_equal(router.load("b", keep=True), want)
    assert (tmp_path / ".kept-b.arrow").exists()
    pd.testing.assert_frame_equal(router.load("b"), want)
    assert list(tmp_path.iterdir()) == []


def test_kept_table_without_a_piece_loads_empty(tmp_path):
    router = PieceRouter(tmp_path, spooled=[], keep={"a"})
    router.finish({"a": ["doc_id", "para_id"]}, defer=["a"])
    assert router.load("a", ["para_id"]).columns.tolist() == ["para_id"]
    assert router.load("a").columns.tolist() == ["doc_id", "para_id"]


# ---------------------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("spool") / "corpus"
    records = synthetic.synthetic_articles(seed=5, articles_per_cell=1, paragraphs_per_article=4)
    corpus_lib.init_corpus(root)
    corpus_lib.import_table(root, synthetic.write_import_table(records, root.parent / "in.jsonl"))
    return root


@pytest.fixture(scope="module")
def whole_pieces(corpus, tmp_path_factory) -> Path:
    """The corpus analysed with every article in one piece (the default for a small corpus)."""
    out = tmp_path_factory.mktemp("whole") / "out"
    analyze(corpus, out, CONFIG, options=RunOptions(jobs=1, cache=False))
    return out


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_one_article_pieces_give_the_same_bytes(corpus, whole_pieces, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "SINK_ARTICLES", 1)
    out = analyze(corpus, tmp_path / "out", CONFIG,
                  options=RunOptions(jobs=1, cache=False)).out_dir
    names = _files(whole_pieces)
    assert names == _files(out) and not [n for n in names if n.startswith(".")]
    _match, mismatch, errors = filecmp.cmpfiles(whole_pieces, out, names, shallow=False)
    assert mismatch == [] and errors == []


def test_tables_read_back_equal_the_tables_held_whole(corpus, whole_pieces):
    # run_stages without a staging folder keeps every table whole, in memory.
    tables, _prov, _stats = run_stages(load_corpus(corpus), CONFIG,
                                       RunOptions(jobs=1, cache=False))
    result_tables = analyze(corpus, whole_pieces, CONFIG,
                            options=RunOptions(jobs=1, cache=False)).tables
    assert set(SPOOLED) <= set(result_tables)
    for name in (*SPOOLED, "paragraphs"):
        written = (whole_pieces / f"{name}.csv").read_text(encoding="utf-8")
        assert output.csv_text(sort_table(name, tables[name])) == written, name
        back = result_tables[name]  # read from the output folder on first use
        assert list(back.columns) == list(tables[name].columns), name
        assert output.csv_text(back) == written, name


def test_kept_tables_survive_the_round_trip_through_arrow(corpus):
    # The kept tables wait on disk as Arrow streams (KeptPieces): read back, each is the
    # DataFrame that was written, dtypes included, for the tables of a real run.
    from framing.analyze import _entity_sentences, _frame_matrix
    from framing.spool import arrow_bytes, from_arrow_bytes

    tables, _prov, _stats = run_stages(load_corpus(corpus), CONFIG,
                                       RunOptions(jobs=1, cache=False))
    real = {
        "paragraphs": tables["paragraphs"].drop(columns=["text", "text_analysis"]),
        "frame_matrix": _frame_matrix(tables["frame_scores"]),
        "sentences": tables["sentences"],
    }
    # (the synthetic articles name no entity: a few sentences are made to name one)
    named = tables["sentences"].copy()
    named["entities"] = np.where(np.arange(len(named)) % 3 == 0, "Meta", "")
    real["entity_sentences"] = _entity_sentences(named).reset_index(drop=True)
    for name, df in real.items():
        assert len(df), name
        pd.testing.assert_frame_equal(from_arrow_bytes(arrow_bytes(df)), df, check_exact=True,
                                      obj=name)


def test_parquet_only_run_writes_no_csv_table(corpus, whole_pieces, tmp_path):
    config = Config(n_boot=50, figures=False, csv=False, parquet=True)
    out = analyze(corpus, tmp_path / "out", config,
                  options=RunOptions(jobs=1, cache=False)).out_dir
    csv_names = {p.stem for p in whole_pieces.glob("*.csv")}
    assert not list(out.glob("*.csv"))
    assert {p.stem for p in out.glob("*.parquet")} == csv_names
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {f"{n}.parquet" for n in csv_names}
    for name in sorted(csv_names):
        # same rows and values as the CSV run (Parquet keeps the dtypes, CSV their text)
        back = pd.read_parquet(out / f"{name}.parquet")
        assert output.csv_text(back) == (whole_pieces / f"{name}.csv").read_text(
            encoding="utf-8"), name
