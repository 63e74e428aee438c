"""Column definitions of every table framing writes, and the ``datapackage.json`` built from them.

Each analysis module declares ``TABLE_SCHEMAS`` (table → ``[(column, type, description)]``)
and, if it adds columns to ``paragraphs.csv``, ``PARAGRAPH_COLUMNS``. Types are Frictionless
Table Schema types (``string``, ``integer``, ``number``, ``boolean``, ``date``). This module
gathers them, so the data dictionary is written from the same definitions the code uses.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

Column = tuple[str, str, str]

#: The key columns, described once for every table that has them.
DOC_ID: Column = ("doc_id", "string", "Article id (manifest doc_id).")
PARA_ID: Column = ("para_id", "integer", "Paragraph position in the article, from 0 "
                   "(non-blank lines).")

#: Modules that declare ``TABLE_SCHEMAS`` / ``PARAGRAPH_COLUMNS``.
SCHEMA_MODULES = ("framing.frames", "framing.sentiment", "framing.terms", "framing.topics",
                  "framing.validate", "framing.timeline", "framing.compare")

BASE_SCHEMAS: dict[str, list[Column]] = {
    "articles": [
        DOC_ID,
        ("outlet", "string", "Outlet that published the article."),
        ("date", "string", "Publication date in canonical form at its precision: YYYY-MM-DD, "
         "YYYY-Www (ISO week), YYYY-MM or YYYY. Never more precise than what is known."),
        ("date_precision", "string", "day, week, month or year."),
        ("date_start", "date", "First day of the period the date stands for."),
        ("date_end", "date", "Last day of the period the date stands for."),
        ("title", "string", "Headline from the manifest (may be empty)."),
        ("url", "string", "URL from the manifest (metadata only; never fetched)."),
        ("source", "string", "Original publisher when the outlet relays another's text."),
        ("script", "string", "Detected script of the article text: traditional, simplified, "
         "mixed, undetermined or none (see framing.textview.detect_script)."),
        ("file", "string", "Article file, relative to the corpus folder."),
        ("encoding", "string", "Encoding the file was decoded with."),
        ("text_sha256", "string", "SHA-256 of the canonical text (duplicate detection)."),
        ("n_paragraphs", "integer", "Paragraph units (non-blank lines) in the article."),
        ("n_chars", "integer", "Characters in the paragraphs (original text)."),
        ("n_tokens", "integer", "Tokens other than punctuation."),
        ("signoff", "string", "Sign-off found in the article, e.g. (JER學家); empty if none."),
    ],
    "paragraphs": [
        DOC_ID,
        PARA_ID,
        ("role", "string", "title, heading, body, list_item or signoff (rules in "
         "framing.segment)."),
        ("text", "string", "The paragraph as written (original script); offsets index it."),
        ("text_analysis", "string", "The analysed text: the paragraph converted to Simplified "
         "with OpenCC t2s and folded, same length as the part of text it covers; a sign-off is "
         "left out."),
        ("n_chars", "integer", "Characters in text."),
        ("n_tokens", "integer", "Tokens other than punctuation in text_analysis."),
        ("signoff", "string", "Sign-off text in this paragraph, if any."),
    ],
    "tokens": [
        DOC_ID,
        PARA_ID,
        ("token_id", "integer", "Token position in the paragraph, from 0 (white space dropped)."),
        ("token", "string", "Token in analysis form (Simplified)."),
        ("start", "integer", "Offset of the token's first character in the paragraph text."),
        ("end", "integer", "Offset after the token's last character (text[start:end])."),
        ("kind", "string", "han, latin, number or punct."),
        ("stop", "boolean", "Token is in the stopwords-iso zh list."),
        ("entity", "string", "Canonical entity when the token is an alias, else empty."),
    ],
    "entities": [
        DOC_ID,
        PARA_ID,
        ("entity", "string", "Canonical entity (framing/data/entities.csv)."),
        ("surface", "string", "The mention as written in the original text."),
        ("offset", "integer", "Offset of the mention in the paragraph text."),
        ("end", "integer", "Offset after the mention."),
    ],
    "ledger": [
        ("line", "integer", "Physical line of the row in manifest.csv (header is line 1)."),
        ("doc_id", "string", "doc_id as written."),
        ("file", "string", "file as written."),
        ("status", "string", "ingested, skipped or duplicate."),
        ("code", "string", "Reason code for skipped or duplicate rows, or a warning code."),
        ("detail", "string", "Reason in words, with file, line and value."),
        ("duplicate_of", "string", "doc_id of the article a duplicate repeats."),
    ],
}


def all_schemas() -> dict[str, list[Column]]:
    """Every table's columns: the base tables plus those the analysis modules declare."""
    out = {k: list(v) for k, v in BASE_SCHEMAS.items()}
    for name in SCHEMA_MODULES:
        module = importlib.import_module(name)
        for table, cols in getattr(module, "TABLE_SCHEMAS", {}).items():
            out.setdefault(table, [])
            known = {c[0] for c in out[table]}
            out[table].extend(c for c in cols if c[0] not in known)
        extra = getattr(module, "PARAGRAPH_COLUMNS", [])
        known = {c[0] for c in out["paragraphs"]}
        out["paragraphs"].extend(c for c in extra if c[0] not in known)
    return out


def describe(table: str, df: pd.DataFrame) -> list[Column]:
    """The schema of a written table, in the frame's column order.

    Raises
    ------
    KeyError
        If a column is undocumented (tests rely on this: every column must be described).
    """
    schemas = all_schemas()
    if table not in schemas:
        raise KeyError(f"table {table!r} has no schema")
    by_name = {c[0]: c for c in schemas[table]}
    cols = []
    for col in df.columns:
        if col in by_name:
            cols.append(by_name[col])
        elif table == "articles":  # extra manifest columns flow through as text
            cols.append((col, "string", "Extra manifest column, copied as written."))
        else:
            raise KeyError(f"column {col!r} of {table}.csv is not documented")
    return cols


def datapackage(tables: dict[str, pd.DataFrame], name: str, files: dict[str, str]) -> dict:
    """A Frictionless Data Package descriptor for the written CSVs.

    Parameters
    ----------
    tables : dict
        Table name → the frame written.
    name : str
        Package name (lower-case, ``-`` and ``_`` allowed).
    files : dict
        Table name → path of its file relative to the descriptor: the CSV, or the Parquet
        file when only Parquet was written (``--format parquet``).
    """
    resources = []
    for table in sorted(tables):
        fields = [
            {"name": c, "type": t, "description": d} for c, t, d in describe(table, tables[table])
        ]
        resource = {"name": table, "path": files[table], "profile": "tabular-data-resource"}
        if files[table].endswith(".parquet"):
            resource.update({"format": "parquet", "mediatype": "application/vnd.apache.parquet",
                             "schema": {"fields": fields}})
        else:
            resource.update({"format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                             "schema": {"fields": fields, "missingValues": [""]}})
        resources.append(resource)
    return {"name": name, "profile": "tabular-data-package", "resources": resources}


DICTIONARY_INTRO = (
    "Every CSV that `framing analyze` writes, column by column. Generated from the code's own\n"
    "definitions (`python -m framing.schema > docs/outputs.md`); `datapackage.json` in each\n"
    "output folder carries the same descriptions in machine-readable form. CSVs are UTF-8\n"
    "without BOM, one header line, empty cell = missing value (see `framing/output.py`).\n"
)


def dictionary_markdown() -> str:
    """All table schemas as Markdown (for the README and ``docs/outputs.md``)."""
    lines = []
    for table, cols in sorted(all_schemas().items()):
        lines.append(f"### `{table}.csv`\n")
        lines.append("| column | type | description |\n|---|---|---|")
        lines.extend(f"| `{c}` | {t} | {d} |" for c, t, d in cols)
        lines.append("")
    return "\n".join(lines)


def package_name(corpus_dir: Path) -> str:
    """A valid package name from a corpus folder name."""
    import re

    slug = re.sub(r"[^a-z0-9._-]+", "-", corpus_dir.resolve().name.lower()).strip("-")
    return slug or "framing-output"


if __name__ == "__main__":  # pragma: no cover
    print("# Output tables\n\n" + DICTIONARY_INTRO + "\n" + dictionary_markdown(), end="")
