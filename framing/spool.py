"""Writing a large table piece by piece, as the per-article results arrive.

A corpus of 100,000 articles has tens of millions of token rows: held as one DataFrame until
the end of the run, they alone would take gigabytes. :class:`TableSpool` writes each piece of
a table (the rows of a few hundred articles, in ``doc_id`` order) to the output file at once
and keeps only a zero-row prototype (the columns and their dtypes), so memory stays flat
however large the corpus.

The file is byte-identical to writing the whole table at once with
:func:`framing.output.write_csv` (or :func:`framing.output.write_parquet`'s row content): the
CSV rules render every cell from its own value and its column's dtype, so the text of a table
is the text of its pieces joined, as long as every piece has the same dtypes and the pieces
come in key order. Both are checked on every piece; a piece that breaks them raises
:class:`SpoolError` instead of writing a file that differs from the whole-table one.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from framing import output
from framing.atomic import kill_point


class SpoolError(RuntimeError):
    """A piece of a spooled table cannot be appended without changing the file's meaning
    (a column changed type, or the piece is out of key order)."""


@dataclass
class RenderedTable:
    """One piece of one table, sorted and rendered, ready to be appended to its files.

    Made by :func:`render_table` wherever the piece was built (a worker process, so that the
    process writing the files does no more than write them); checked and written by
    :meth:`TableSpool.write`.

    Attributes
    ----------
    prototype : DataFrame
        Zero-row frame with the piece's columns and dtypes.
    first_doc, last_doc : str
        Smallest and largest ``doc_id`` of the piece.
    n_rows : int
        Rows in the piece.
    csv_chunks : list of str or None
        :func:`framing.output.csv_chunks` of the piece (header first, after the BOM of
        spreadsheet CSV); None when no CSV is written.
    arrow : pyarrow.Table or None
        The piece as an Arrow table, when Parquet is written.
    """

    prototype: pd.DataFrame
    first_doc: str
    last_doc: str
    n_rows: int
    csv_chunks: list[str] | None = None
    arrow: object | None = None


def render_table(name: str, df: pd.DataFrame, *, csv: bool = True, excel: bool = False,
                 parquet: bool = False) -> RenderedTable | None:
    """Sort one piece of a table by its keys and render it (None for a piece with no row).

    Whole articles in a piece and ``doc_id`` as the first key make the piece's sorted rows
    a contiguous stretch of the sorted whole table.
    """
    from framing.analyze import sort_table  # the one sorting rule of written tables

    if df.empty:
        return None
    df = sort_table(name, df)
    doc = df["doc_id"]
    arrow = None
    if parquet:
        import pyarrow as pa

        arrow = pa.Table.from_pandas(df, preserve_index=False)
    return RenderedTable(
        prototype=df.iloc[:0].copy(), first_doc=str(doc.iloc[0]), last_doc=str(doc.iloc[-1]),
        n_rows=len(df), csv_chunks=output.csv_chunks(df, excel=excel) if csv else None,
        arrow=arrow,
    )


class TableSpool:
    """One table, written to ``folder/NAME.csv`` (and ``NAME.parquet``) piece by piece.

    Parameters
    ----------
    name : str
        Table name (the file stem).
    folder : path
        Folder the files are written into (the run's staging folder).
    csv, excel, parquet : bool
        Which files to write: machine CSV (or spreadsheet CSV with ``excel``), Parquet.

    Notes
    -----
    The rows are put in the table's key order (:func:`framing.analyze.sort_table`); the
    first key is ``doc_id`` and every piece holds whole articles, so pieces must follow each
    other in ``doc_id`` order.

    Attributes
    ----------
    n_rows : int
        Rows appended so far.
    prototype : DataFrame or None
        Zero-row frame with the table's columns and dtypes (None before the first piece).
    """

    def __init__(self, name: str, folder: str | Path, *, csv: bool = True,
                 excel: bool = False, parquet: bool = False) -> None:
        self.name = name
        self.folder = Path(folder)
        self.csv, self.excel, self.parquet = csv, excel, parquet
        self.n_rows = 0
        self.prototype: pd.DataFrame | None = None
        self._last_doc: str | None = None
        self._csv_file = None
        self._parquet = None

    @property
    def files(self) -> list[Path]:
        """The files this spool writes."""
        out = []
        if self.csv:
            out.append(self.folder / f"{self.name}.csv")
        if self.parquet:
            out.append(self.folder / f"{self.name}.parquet")
        return out

    def _check(self, part: RenderedTable) -> None:
        proto = self.prototype
        if proto is not None:
            got = part.prototype
            if list(got.columns) != list(proto.columns):
                raise SpoolError(f"{self.name}: a piece has columns {list(got.columns)}, the "
                                 f"table has {list(proto.columns)}")
            # One dtypes lookup per piece: column access on a frame costs microseconds each.
            for col, want, have in zip(got.columns, proto.dtypes, got.dtypes, strict=True):
                if have != want:
                    raise SpoolError(
                        f"{self.name}.{col}: dtype {have} in the rows of {part.first_doc}.., "
                        f"{want} before; written piece by piece the file would differ from "
                        "the whole table"
                    )
        if self._last_doc is not None and part.first_doc <= self._last_doc:
            raise SpoolError(f"{self.name}: rows of {part.first_doc} arrive after those of "
                             f"{self._last_doc}; pieces must come in doc_id order")
        if (self.csv and part.csv_chunks is None) or (self.parquet and part.arrow is None):
            raise SpoolError(f"{self.name}: a piece was rendered for other file formats")

    def append(self, df: pd.DataFrame) -> None:
        """Write the rows of ``df`` (whole articles, later in ``doc_id`` than any before)."""
        part = render_table(self.name, df, csv=self.csv, excel=self.excel,
                            parquet=self.parquet)
        if part is not None:
            self.write(part)

    def write(self, part: RenderedTable) -> None:
        """Append one rendered piece (:func:`render_table` with this spool's formats)."""
        self._check(part)
        self._last_doc = part.last_doc
        if self.csv:
            chunks = part.csv_chunks or []
            if self._csv_file is None:
                self._csv_file = open(self.folder / f"{self.name}.csv", "wb")  # noqa: SIM115
            else:  # BOM (spreadsheet CSV) and header were written with the first piece
                chunks = chunks[2:] if self.excel else chunks[1:]
            for i, chunk in enumerate(chunks):
                self._csv_file.write(chunk.encode("utf-8"))
                if i == 0 and not self.n_rows:
                    # crash tests: the same named point as a whole-table write half done
                    self._csv_file.flush()
                    kill_point(f"write:{self.name}.csv:partial")
        if self.parquet:
            self._parquet_write(part.arrow)
        if self.prototype is None:
            self.prototype = part.prototype
        self.n_rows += part.n_rows

    def _parquet_write(self, table: object) -> None:
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._parquet = pq.ParquetWriter(self.folder / f"{self.name}.parquet",
                                             table.schema)  # type: ignore[attr-defined]
        else:
            schema = self._parquet.schema
            # A column with no value in this piece (all missing) is typed null by Arrow;
            # the file keeps the first piece's types, as a whole-table conversion would.
            if not table.schema.equals(schema, check_metadata=False):  # type: ignore[attr-defined]
                table = table.cast(schema)  # type: ignore[attr-defined]
        self._parquet.write_table(table)

    def close(self) -> None:
        """Finish the files (a table that never got a row writes no file: see
        :func:`write_empty`)."""
        if self._csv_file is not None:
            # Durable before the staging folder is swapped in, as atomic.write_bytes does.
            self._csv_file.flush()
            os.fsync(self._csv_file.fileno())
            kill_point(f"write:{self.name}.csv:before-replace")
            self._csv_file.close()
            self._csv_file = None
            kill_point(f"write:{self.name}.csv:replaced")
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None

    def write_empty(self, df: pd.DataFrame) -> None:
        """Write ``df`` (the table's empty form) when no piece had a row."""
        if self.n_rows:
            raise SpoolError(f"{self.name}: already has rows")
        if self.csv:
            output.write_csv(df, self.folder / f"{self.name}.csv", excel=self.excel)
        if self.parquet:
            output.write_parquet(df, self.folder / f"{self.name}.parquet")
        self.prototype = df.iloc[:0].copy()


#: Rows per piece when a whole table is written through a spool (:func:`spool_table`).
TABLE_PIECE_ROWS = 200_000


def spool_table(name: str, df: pd.DataFrame, folder: str | Path, *, csv: bool = True,
                 excel: bool = False, parquet: bool = False,
                 rows: int = TABLE_PIECE_ROWS) -> pd.DataFrame:
    """Write a whole table (sorted by its keys, ``doc_id`` first) through a
    :class:`TableSpool`, in pieces of whole articles of about ``rows`` rows: the same files
    as a whole-table write, without rendering the whole table at once.

    Returns
    -------
    DataFrame
        The table's zero-row prototype (columns and dtypes).
    """
    spool = TableSpool(name, folder, csv=csv, excel=excel, parquet=parquet)
    if df.empty:
        spool.write_empty(df)
        return spool.prototype  # type: ignore[return-value]
    # article boundaries from the ids' codes: no Python string per row
    doc, _uniques = pd.factorize(df["doc_id"])
    starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]]).tolist()
    cuts = [0]
    for start in starts:  # cut at the first article start at least `rows` after the last cut
        if start - cuts[-1] >= rows:
            cuts.append(start)
    cuts.append(len(df))
    for a, b in itertools.pairwise(cuts):
        spool.append(df.iloc[a:b])
    spool.close()
    return spool.prototype  # type: ignore[return-value]


@dataclass(frozen=True)
class PieceRenderer:
    """What a :class:`PieceRouter` does to a piece before anything is written or kept.

    It holds only settings and module-level functions, so it can be sent to worker
    processes (:func:`framing.engine.analyse_articles` renders each piece where it was
    built); :meth:`PieceRouter.accept` then only writes and keeps.

    Attributes
    ----------
    spooled : tuple of str
        Tables rendered for their files (:func:`render_table`).
    keep : frozenset of str
        Tables kept whole by the router.
    derive : tuple
        ``(table, new name, function)``: the function's result on the piece's table is kept
        under the new name.
    consume : frozenset of str
        Tables handed to the router's consumers (after ``prepare``).
    prepare : tuple
        ``(table, function)``: a consumed table's pieces go through the function here,
        where the piece is built, and its result is what the consumer gets.
    stash : tuple
        ``(table, columns, keys)``: the wide columns taken out of a kept table
        (:class:`ColumnStash`).
    csv, excel, parquet : bool
        File formats of the spooled tables.
    """

    spooled: tuple[str, ...] = ()
    keep: frozenset[str] = frozenset()
    derive: tuple[tuple[str, str, Callable], ...] = ()
    consume: frozenset[str] = frozenset()
    prepare: tuple[tuple[str, Callable], ...] = ()
    stash: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    csv: bool = True
    excel: bool = False
    parquet: bool = False

    def render(self, piece: dict[str, pd.DataFrame]) -> dict[str, dict]:
        """The piece's tables, rendered: ``spooled`` (name → :class:`RenderedTable`),
        ``kept`` (name → the DataFrame as :func:`arrow_bytes`, stashed columns removed),
        ``stashed`` (name →
        ``(JSON line, column order)``), ``consumed`` (name → the DataFrame, or what its
        ``prepare`` function makes of it)."""
        out: dict[str, dict] = {"spooled": {}, "kept": {}, "stashed": {}, "consumed": {}}
        stash = {name: (cols, keys) for name, cols, keys in self.stash}
        kept = out["kept"]
        for name, df in sorted(piece.items()):
            if name in self.spooled:
                part = render_table(name, df, csv=self.csv, excel=self.excel,
                                    parquet=self.parquet)
                if part is not None:
                    out["spooled"][name] = part
            for table, new, fn in self.derive:
                if table == name:
                    kept[new] = fn(df)
            if name in self.consume:
                prepare = dict(self.prepare).get(name)
                out["consumed"][name] = prepare(df) if prepare is not None else df
            if name in self.keep:
                if name in stash:
                    line, order, df = stash_split(df, *stash[name])
                    out["stashed"][name] = (line, order)
                kept[name] = df
        # Serialised here, where the piece was built: the router only appends the bytes to
        # its file (KeptPieces), so the process that receives them never holds the pieces as
        # objects while the run goes on.
        out["kept"] = {name: arrow_bytes(df) for name, df in sorted(kept.items())}
        return out


def arrow_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as an Arrow IPC stream (schema, one record batch, pandas dtypes in the schema's
    metadata): what :class:`KeptPieces` stores, read back by :func:`from_arrow_bytes`."""
    import pyarrow as pa

    table = pa.Table.from_pandas(df, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_arrow_bytes(data: bytes | memoryview, columns: Sequence[str] | None = None
                     ) -> pd.DataFrame:
    """The DataFrame of :func:`arrow_bytes` (same columns, dtypes and values; index
    0..n-1), or only its ``columns``."""
    import pyarrow as pa

    table = pa.ipc.open_stream(pa.py_buffer(data)).read_all()
    if columns is not None:
        table = table.select(list(columns))
    df = table.to_pandas()
    # pandas reads Arrow strings as its ``str`` dtype; the columns that were Python objects
    # become Python objects again (None where a value was missing).
    for col in (table.schema.pandas_metadata or {}).get("columns", []):
        if col.get("numpy_type") == "object" and col["name"] in df.columns:
            values = table.column(col["field_name"]).to_pylist()
            df[col["name"]] = pd.Series(values, dtype=object, index=df.index)
    return df


class KeptPieces:
    """The pieces of a table the corpus-wide stages need whole, waiting on disk.

    A run of 100,000 articles keeps a few hundred megabytes of such rows (the paragraphs
    without their texts, the frame matrix, the sentences that name an entity). Held as
    objects while the articles are analysed, they would add to the memory of every stage
    until the corpus-wide ones; here each piece, serialised by the process that built it
    (:meth:`PieceRenderer.render`, :func:`arrow_bytes`: Arrow's IPC format, which holds
    data only, so reading it back executes nothing), is appended to a file, and
    :meth:`load` concatenates them once, when the table is needed: the same DataFrame as
    concatenating the pieces held in memory (tested).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.n_pieces = 0
        self._file = open(self.path, "wb")  # noqa: SIM115 - open until load() or discard()

    def append(self, data: bytes) -> None:
        """Append one piece made by :func:`arrow_bytes` (pieces in ``doc_id`` order)."""
        self._file.write(len(data).to_bytes(8, "little"))
        self._file.write(data)
        self.n_pieces += 1

    def close(self) -> None:
        """Finish writing the file (no piece can be appended after)."""
        self._file.close()

    def load(self, columns: Sequence[str] | None = None, keep: bool = False) -> pd.DataFrame:
        """The pieces concatenated (index 0..n-1), or only their ``columns``; the file is
        removed unless ``keep``."""
        self._file.close()
        parts = []
        with open(self.path, "rb") as fh:
            for i in range(self.n_pieces):
                size = int.from_bytes(fh.read(8), "little")
                data = fh.read(size)
                if len(data) != size:
                    raise SpoolError(f"{self.path}: piece {i} is cut short")
                parts.append(from_arrow_bytes(data, columns))
        if not keep:
            self.path.unlink()
        if len(parts) == 1:
            return parts[0]
        out = pd.concat(parts, ignore_index=True)
        del parts
        return out

    def discard(self) -> None:
        """Remove the file without reading it."""
        self._file.close()
        self.path.unlink(missing_ok=True)


class PieceRouter:
    """The ``sink`` of :func:`framing.engine.analyse_articles`: sends each piece of each
    table to its spool (written at once, not kept), keeps the pieces of the tables the
    corpus-wide stages need, and keeps derived projections of spooled tables.

    Parameters
    ----------
    folder : path
        Where spooled tables are written.
    spooled : iterable of str
        The tables written piece by piece.
    keep : iterable of str
        Tables the corpus-wide stages need whole: their pieces wait on disk
        (:class:`KeptPieces`) until :meth:`finish` or :meth:`load` reads them back.
    derive : dict
        Table name → ``(new name, function)``: the function's result on each piece of the
        table is kept (like ``keep``) under the new name (e.g. the few columns a later
        stage needs). The function must be picklable (defined at module level): pieces
        may be rendered in worker processes.
    consume : dict
        Table name → function called with each piece (which is then dropped), e.g. to fold
        it into running counts (called in this process).
    prepare : dict
        Consumed table name → function applied to each of its pieces where the piece is
        built (a worker process: picklable, defined at module level); the consumer gets
        its result instead of the piece. For work that needs nothing of this process, so
        that the process keeping the running results only merges them.
    stash : dict
        Kept table name → :class:`ColumnStash` that takes its wide text columns out of each
        piece before it is kept.
    csv, excel, parquet : bool
        File formats of the spooled tables (:class:`TableSpool`).

    Attributes
    ----------
    renderer : PieceRenderer
        The picklable part; ``router(piece)`` is ``router.accept(router.renderer.render(piece))``.
    """

    def __init__(self, folder: str | Path, spooled: Iterable[str],
                 keep: set[str] | frozenset[str] = frozenset(),
                 derive: dict[str, tuple[str, object]] | None = None,
                 consume: dict[str, object] | None = None,
                 stash: dict[str, ColumnStash] | None = None, *,
                 prepare: dict[str, Callable] | None = None, csv: bool = True,
                 excel: bool = False, parquet: bool = False) -> None:
        self.spools = {name: TableSpool(name, folder, csv=csv, excel=excel, parquet=parquet)
                       for name in sorted(spooled)}
        self.consume = dict(consume or {})
        self.stash = dict(stash or {})
        self.renderer = PieceRenderer(
            spooled=tuple(sorted(spooled)), keep=frozenset(keep),
            derive=tuple((name, new, fn) for name, (new, fn) in sorted((derive or {}).items())),
            consume=frozenset(self.consume),
            prepare=tuple(sorted((prepare or {}).items())),
            stash=tuple((name, tuple(s.columns), tuple(s.keys))
                        for name, s in sorted(self.stash.items())),
            csv=csv, excel=excel, parquet=parquet,
        )
        self._folder = Path(folder)
        self._kept: dict[str, KeptPieces] = {}
        self._empty: dict[str, list[str]] = {}

    def __call__(self, piece: dict[str, pd.DataFrame]) -> None:
        self.accept(self.renderer.render(piece))

    def accept(self, rendered: dict[str, dict]) -> None:
        """Write and keep one piece rendered by :attr:`renderer` (pieces in ``doc_id`` order)."""
        for name, part in sorted(rendered["spooled"].items()):
            self.spools[name].write(part)
        for name, (line, order) in sorted(rendered["stashed"].items()):
            self.stash[name].put(line, order)
        for name, df in sorted(rendered["consumed"].items()):
            self.consume[name](df)  # type: ignore[operator]
        for name, data in sorted(rendered["kept"].items()):
            if name not in self._kept:
                self._kept[name] = KeptPieces(self._folder / f".kept-{name}.arrow")
            self._kept[name].append(data)

    def finish(self, empty: dict[str, list[str]], defer: Iterable[str] = ()
               ) -> dict[str, pd.DataFrame]:
        """Close the spools and return the kept tables.

        ``empty`` maps table names to the columns of their empty form: a spooled table that
        got no row is written with those columns, a kept one is returned with them (a table
        in neither is left out, as the whole-table run leaves it out). The kept tables named
        in ``defer`` stay on disk: :meth:`load` reads each when it is needed.
        """
        for name, spool in self.spools.items():
            spool.close()
            if not spool.n_rows and name in empty:
                spool.write_empty(pd.DataFrame(columns=empty[name]))
        self._empty = {name: cols for name, cols in empty.items() if name not in self.spools}
        deferred = set(defer)
        out = {name: self.load(name) for name in sorted(self._kept) if name not in deferred}
        for name, cols in self._empty.items():
            if name not in deferred:
                out.setdefault(name, pd.DataFrame(columns=cols))
        return out

    def load(self, name: str, columns: Sequence[str] | None = None, keep: bool = False
             ) -> pd.DataFrame:
        """One kept table, read back whole from its pieces on disk, or its empty form
        (:meth:`finish`) when no piece had it.

        With ``columns`` (only those columns) or ``keep``, the table can be loaded again;
        otherwise its file is then removed."""
        keep = keep or columns is not None
        pieces = self._kept.get(name) if keep else self._kept.pop(name, None)
        if pieces is None:
            empty = pd.DataFrame(columns=self._empty[name])
            return empty[list(columns)] if columns is not None else empty
        return pieces.load(columns, keep=keep)

    def close_files(self) -> None:
        """Finish writing the files of the kept tables not loaded yet (:meth:`load` can still
        read them)."""
        for pieces in self._kept.values():
            pieces.close()

    def discard(self) -> None:
        """Remove the files of the kept tables not loaded (a run that stops early, or one
        whose tables were read by another process)."""
        for pieces in self._kept.values():
            pieces.discard()
        self._kept.clear()

    def written(self) -> dict[str, pd.DataFrame]:
        """Table name → zero-row prototype, for every spooled table that was written."""
        return {name: s.prototype for name, s in self.spools.items()
                if s.prototype is not None}


def stash_split(df: pd.DataFrame, columns: Sequence[str], keys: Sequence[str]
                ) -> tuple[str, list[str], pd.DataFrame]:
    """One piece's stashed columns as a JSON line (keys first), the piece's column order,
    and the piece without those columns (:class:`ColumnStash`)."""
    import json

    line = {c: df[c].tolist() for c in (*keys, *columns)}
    return (json.dumps(line, ensure_ascii=False) + "\n", list(df.columns),
            df.drop(columns=list(columns)))


class ColumnStash:
    """Wide text columns of a kept table, set aside on disk piece by piece and put back when
    the table is written.

    The ``paragraphs`` table is needed whole by the corpus-wide stages, but not its texts
    (``text``, ``text_analysis``: most of its memory on a large corpus). :meth:`take` writes
    them out as the pieces arrive and returns the piece without them; :meth:`write` streams
    the finished table (same rows, in the same order, perhaps with columns added) to a
    :class:`TableSpool` with the texts back in their places, so the file is the one the
    whole table would give.

    Parameters
    ----------
    path : path
        File the columns are written to (JSON Lines, one line per piece).
    columns : list of str
        The columns set aside.
    keys : tuple of str
        Key columns stored with them, to check that the rows still line up when written.
    """

    def __init__(self, path: str | Path, columns: list[str],
                 keys: tuple[str, ...] = ("doc_id", "para_id")) -> None:
        self.path = Path(path)
        self.columns = list(columns)
        self.keys = keys
        self.order: list[str] | None = None  # column order of the pieces as they came
        self._file = open(self.path, "w", encoding="utf-8", errors="surrogatepass")  # noqa: SIM115

    def take(self, df: pd.DataFrame) -> pd.DataFrame:
        """Write the stashed columns of ``df`` and return ``df`` without them."""
        line, order, rest = stash_split(df, self.columns, self.keys)
        self.put(line, order)
        return rest

    def put(self, line: str, order: list[str]) -> None:
        """Write one piece's line made by :func:`stash_split` (``order``: its columns)."""
        if self.order is None:
            self.order = list(order)
        elif list(order) != self.order:
            raise SpoolError(f"{self.path.name}: pieces with different columns")
        self._file.write(line)

    def close(self) -> None:
        """Finish writing the stash file (:meth:`write` can still read it back)."""
        self._file.close()

    def discard(self) -> None:
        """Remove the stash file (nothing was stashed, or the table is not written)."""
        self._file.close()
        self.path.unlink(missing_ok=True)

    def write(self, df: pd.DataFrame, spool: TableSpool) -> None:
        """Append ``df`` (the table without the stashed columns, rows as they were taken)
        to ``spool`` piece by piece, the stashed columns back in their original places."""
        import json

        self._file.close()
        order = self.order or []
        cols = [c for c in order if c in self.columns or c in df.columns]
        cols += [c for c in df.columns if c not in order]
        start = 0
        with open(self.path, encoding="utf-8", errors="surrogatepass") as f:
            for line in f:
                stashed = json.loads(line)
                n = len(stashed[self.columns[0]])
                part = df.iloc[start : start + n].copy()
                for k in self.keys:
                    if part[k].tolist() != stashed[k]:
                        raise SpoolError(f"{self.path.name}: rows no longer line up with the "
                                         f"stashed columns at row {start}")
                for c in self.columns:
                    part[c] = pd.Series(stashed[c], index=part.index, dtype=object)
                spool.append(part[cols])
                start += n
        if start != len(df):
            raise SpoolError(f"{self.path.name}: {len(df)} rows, {start} stashed")
        self.path.unlink()
