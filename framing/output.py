"""Writing tables: deterministic CSV (and Parquet), and the spreadsheet-safe variant.

Machine CSV (the default): UTF-8 without BOM, ``\\n`` line ends, a header, minimal quoting,
rows in the order given (callers sort by keys), floats written with Python's shortest
round-trip representation, missing values as empty cells. Reading such a file back with
``pandas.read_csv(path, keep_default_na=False, dtype=str)`` gives the text exactly.

Spreadsheet CSV (``excel=True``, the ``--excel`` option): the same, plus a UTF-8 BOM so Excel
detects UTF-8, ``\\r\\n`` line ends, and formula neutralisation. Any text cell whose first
character would make a spreadsheet run it as a formula (``=``, ``+``, ``-``, ``@``, their
full-width forms ``＝``, ``＋``, ``－``, ``＠``, a tab or a carriage return) is prefixed with an
apostrophe ``'``, which spreadsheets show as text and hide. Only text columns are touched:
numeric columns (a negative number) are written as numbers. The machine CSV keeps every value
raw.

Speed: a table is rendered column by column (numbers formatted by NumPy, text cells checked
for the characters that need quoting a whole column at a time) and joined in chunks of rows,
several times faster than :meth:`pandas.DataFrame.to_csv` on the large per-token tables. The
text is exactly what ``to_csv`` writes (same float repr, same minimal quoting; a test holds
the two to the same bytes); a column of any other dtype (dates, categories, mixed objects)
sends the whole table through ``to_csv``.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Collection, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from framing import atomic

#: First characters that make a spreadsheet treat a cell as a formula (OWASP list + full-width).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix a text value with ``'`` when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with every text (object/string) column neutralised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


#: Characters that make the csv writer quote a field (QUOTE_MINIMAL with ``,`` delimiter,
#: ``"`` quote character and the ``\r\n`` line terminator pandas is given).
QUOTE_CHARS = (",", '"', "\r", "\n")

_NEEDS_QUOTES = re.compile("[" + re.escape("".join(QUOTE_CHARS)) + "]")

#: Rows rendered per chunk: bounds the Python strings alive at once on large tables.
CHUNK_ROWS = 65536


def _quote(value: str) -> str:
    """``value`` as the csv writer writes it: quoted (quotes doubled) if it needs quoting."""
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _text_cells(values: np.ndarray) -> list[str] | None:
    """CSV cells of an object array holding text and missing values (None, NaN, NA).

    Returns None when a value is neither (a number or date in an object column), so the
    caller falls back to pandas for the table.
    """
    cells = values.tolist()
    kinds = set(map(type, cells))
    if not kinds <= {str}:
        for i, v in enumerate(cells):
            if type(v) is str:
                continue
            if v is None or v is pd.NA or (type(v) is float and math.isnan(v)):
                cells[i] = ""  # pandas' na_rep
            else:
                return None
    # Quoting is decided once per distinct value (tokens, ids and labels repeat), then
    # applied by a dictionary lookup that runs in C. One search over the distinct values
    # joined tells whether any needs it (most columns have none): the characters that call
    # for quotes are single characters, so joining makes no match that no value has.
    distinct = set(cells)
    if _NEEDS_QUOTES.search("".join(distinct)) is None:
        return cells
    quoted = {v: _quote(v) for v in filter(_NEEDS_QUOTES.search, distinct)}
    return list(map(quoted.get, cells, cells))


def _int_cells(values: np.ndarray) -> list[str]:
    """Decimal digits of integers (what ``str`` gives), via a table when the range is small."""
    if not len(values):
        return []
    lo, hi = int(values.min()), int(values.max())
    if lo >= 0 and hi <= max(4 * len(values), 1024):
        # ids and offsets: one string per distinct number, picked by index in C
        table = np.array([str(i) for i in range(hi + 1)], dtype=object)
        return table[values].tolist()
    return list(map(str, values.tolist()))


def _column_cells(col: pd.Series) -> list[str] | None:
    """CSV cells of one column exactly as :meth:`pandas.DataFrame.to_csv` renders them
    (``na_rep=""``, no float format), or None for a dtype not handled here."""
    dtype = col.dtype
    if isinstance(dtype, np.dtype):
        values = col.to_numpy()
        if dtype == np.float64:
            # pandas formats floats with ndarray.astype(str): the shortest repr that reads
            # back to the same float, which for 64-bit floats is Python's repr (tested on
            # random bit patterns), a third faster through map.
            cells = list(map(float.__repr__, values.tolist()))
            for i in np.flatnonzero(np.isnan(values)).tolist():
                cells[i] = ""
            return cells
        if dtype.kind == "f":
            cells = values.astype(str).astype(object)
            cells[np.isnan(values)] = ""
            return cells.tolist()
        if dtype.kind in "iu":
            return _int_cells(values)
        if dtype.kind == "b":
            return np.where(values, "True", "False").tolist()
        if dtype.kind == "O":
            return _text_cells(values)
        return None
    if isinstance(dtype, pd.StringDtype):
        return _text_cells(col.to_numpy(dtype=object))
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "iu":
        # nullable integers (Int64): digits, missing values empty
        missing = col.isna().to_numpy()
        cells = _int_cells(col.to_numpy(dtype=np.int64, na_value=0))
        for i in np.flatnonzero(missing).tolist():
            cells[i] = ""
        return cells
    return None


def _csv_chunks(df: pd.DataFrame, line_end: str) -> Iterator[str] | None:
    """The CSV text of ``df`` in chunks of rows, or None if a column needs pandas."""
    n_cols = df.shape[1]
    if n_cols == 0 or not all(isinstance(c, str) for c in df.columns):
        return None
    columns = [df.iloc[:, i] for i in range(n_cols)]
    dtypes_ok = all(
        (isinstance(c.dtype, np.dtype) and c.dtype.kind in "fiubO")
        or isinstance(c.dtype, pd.StringDtype)
        or (isinstance(c.dtype, pd.api.extensions.ExtensionDtype) and c.dtype.kind in "iu")
        for c in columns
    )
    if not dtypes_ok:
        return None

    def row_text(cells: list[list[str]]) -> str | None:
        if n_cols == 1:
            # the csv writer quotes a row that would otherwise be an empty line
            lines = ['""' if v == "" else v for v in cells[0]]
        else:
            lines = list(map(",".join, zip(*cells, strict=True)))
        return line_end.join(lines) + line_end if lines else ""

    # Render every chunk before yielding any, so a column that turns out to need pandas
    # (an object column holding numbers) is found before a byte is produced. Chunks are
    # kept as text; their cells are freed chunk by chunk.
    header = row_text([[_quote(str(c))] for c in df.columns])
    chunks = [header]
    for start in range(0, len(df), CHUNK_ROWS):
        cells = [_column_cells(c.iloc[start : start + CHUNK_ROWS]) for c in columns]
        if any(c is None for c in cells):
            return None
        chunks.append(row_text(cells))  # type: ignore[arg-type]
    return iter(chunks)


def _pandas_csv(df: pd.DataFrame, excel: bool) -> str:
    buf = io.StringIO()
    # Rendering with CRLF makes the writer quote any field holding a lone CR; machine CSVs
    # then get LF record ends back (outside quoted fields, so values keep their CRs).
    df.to_csv(buf, index=False, lineterminator="\r\n")
    text = buf.getvalue()
    if excel:
        return text
    parts = text.split('"')
    parts[::2] = [p.replace("\r\n", "\n") for p in parts[::2]]
    return '"'.join(parts)


def csv_chunks(df: pd.DataFrame, excel: bool = False) -> list[str]:
    """Render ``df`` as CSV text under the module's rules, as a list of consecutive chunks."""
    if excel:
        df = neutralise_formulas(df)
    chunks = _csv_chunks(df, "\r\n" if excel else "\n")
    body = list(chunks) if chunks is not None else [_pandas_csv(df, excel)]
    return ["\ufeff", *body] if excel else body


def csv_text(df: pd.DataFrame, excel: bool = False) -> str:
    """Render ``df`` as CSV text under the module's rules."""
    return "".join(csv_chunks(df, excel=excel))


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str], excel: bool = False) -> Path:
    """Write ``df`` atomically as machine CSV (or spreadsheet CSV with ``excel=True``)."""
    target = Path(path)
    atomic.write_bytes(target, b"".join(c.encode("utf-8") for c in csv_chunks(df, excel)))
    return target


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as Parquet (with pyarrow, a core dependency)."""
    target = Path(path)
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    atomic.write_bytes(target, buf.getvalue())
    return target


def read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a framing CSV back with every value as text exactly as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                       skip_blank_lines=False)  # a one-column row of spaces is a row


def read_table(path: str | os.PathLike[str], name: str,
               doc_ids: Collection[str] | None = None) -> pd.DataFrame:
    """Read a table framing wrote (CSV or Parquet) back with the dtypes of its schema.

    Text columns come back as text (an empty cell as ``""``), ``integer`` columns as int64
    (nullable Int64 when a cell is empty), ``number`` columns as float64 (empty → NaN) and
    ``boolean`` columns as bool. This is how :class:`framing.analyze.Tables` gives the
    tables that were written piece by piece and not kept in memory.

    ``doc_ids``: only the rows of these articles. A CSV is read in chunks and no further
    than the last of them (framing's tables are sorted by ``doc_id``), so the first articles
    of a large table are read without reading it all.
    """
    from framing.schema import all_schemas

    target = Path(path)
    if target.suffix == ".parquet":
        if doc_ids is None:
            return pd.read_parquet(target)
        return pd.read_parquet(target, filters=[("doc_id", "in", sorted(map(str, doc_ids)))])
    if doc_ids is None:
        df = read_csv(target)
    else:
        wanted = set(map(str, doc_ids))
        last = max(wanted, default="")
        parts = []
        with pd.read_csv(target, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         skip_blank_lines=False, chunksize=CHUNK_ROWS) as chunks:
            for chunk in chunks:
                parts.append(chunk[chunk["doc_id"].isin(wanted)])
                if len(chunk) and chunk["doc_id"].iloc[-1] > last:
                    break
        df = pd.concat(parts, ignore_index=True) if parts else read_csv(target).iloc[:0]
    types = {c: t for c, t, _d in all_schemas().get(name, [])}
    for col in df.columns:
        kind = types.get(col, "string")
        if kind == "integer":
            blank = df[col] == ""
            df[col] = (pd.to_numeric(df[col].where(~blank)).astype("Int64") if blank.any()
                       else df[col].astype(np.int64))
        elif kind == "number":
            df[col] = pd.to_numeric(df[col].where(df[col] != ""), errors="coerce").astype(float)
        elif kind == "boolean":
            df[col] = df[col].map({"True": True, "False": False, "": None})
            if df[col].notna().all():
                df[col] = df[col].astype(bool)
    return df
