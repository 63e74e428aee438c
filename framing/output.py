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
"""

from __future__ import annotations

import io
import os
from pathlib import Path

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


def csv_text(df: pd.DataFrame, excel: bool = False) -> str:
    """Render ``df`` as CSV text under the module's rules."""
    if excel:
        df = neutralise_formulas(df)
    buf = io.StringIO()
    # Rendering with CRLF makes the writer quote any field holding a lone CR; machine CSVs
    # then get LF record ends back (outside quoted fields, so values keep their CRs).
    df.to_csv(buf, index=False, lineterminator="\r\n")
    text = buf.getvalue()
    if excel:
        return "\ufeff" + text
    parts = text.split('"')
    parts[::2] = [p.replace("\r\n", "\n") for p in parts[::2]]
    return '"'.join(parts)


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str], excel: bool = False) -> Path:
    """Write ``df`` atomically as machine CSV (or spreadsheet CSV with ``excel=True``)."""
    target = Path(path)
    atomic.write_text(target, csv_text(df, excel=excel))
    return target


def write_parquet(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` as Parquet (needs the ``framing[parquet]`` extra: pyarrow)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from framing.errors import ConfigError

        raise ConfigError("Parquet output needs pyarrow: pip install 'framing[parquet]'") from exc
    target = Path(path)
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    atomic.write_bytes(target, buf.getvalue())
    return target


def read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a framing CSV back with every value as text exactly as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                       skip_blank_lines=False)  # a one-column row of spaces is a row
