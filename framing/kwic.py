"""Keyword in context: every occurrence of a term, or every hit of a frame, as written.

A researcher trusts a lexicon only after reading its hits. :func:`kwic` lists them with the
article, paragraph and outlet, quoting the original text (any script) around the match, and
says for each occurrence what the scorer did with it (``status``):

``hit``
    a token match that counts toward its frame;
``negated``
    a token match preceded by a negator (counts 0, see :mod:`framing.frames`, rule 4);
``split`` / ``overlap``
    the term occurs in the text but is not a token match (rule 3), so it does not count;
``inside_longer_hit``
    the occurrence lies inside a longer lexicon match (longest match wins);
``not_in_codebook``
    the searched string is not a codebook term (term mode only).

Term mode searches the analysis view, so a Simplified query finds Traditional text and the
other way round; white space is ignored and Latin letters are compared in lower case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd

from framing.codebook import Codebook, term_form
from framing.errors import ConfigError
from framing.frames import match_unit, term_occurrences
from framing.schema import DOC_ID, PARA_ID
from framing.units import ParagraphUnit

KWIC_COLUMNS = ["doc_id", "para_id", "start", "end", "outlet", "role", "frame", "term", "left",
                "matched", "right", "status"]

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "kwic": [
        DOC_ID,
        PARA_ID,
        ("start", "integer", "start offset of the match in the paragraph's original text"),
        ("end", "integer", "end offset (exclusive) of the match in the paragraph's text"),
        ("outlet", "string", "outlet name"),
        ("role", "string", "paragraph role"),
        ("frame", "string", "frame id of the term (empty when not a codebook term)"),
        ("term", "string", "codebook term (or the searched string)"),
        ("left", "string", "original text before the match (up to width characters)"),
        ("matched", "string", "the match as written: text[start:end]"),
        ("right", "string", "original text after the match (up to width characters)"),
        ("status", "string", "hit, negated, split, overlap, inside_longer_hit or "
                             "not_in_codebook"),
    ],
}


def _outlets(outlets: pd.DataFrame | Mapping[str, str] | None) -> dict[str, str]:
    if outlets is None:
        return {}
    if isinstance(outlets, pd.DataFrame):
        return dict(zip(outlets["doc_id"].astype(str), outlets["outlet"].astype(str),
                        strict=True))
    return dict(outlets)


def kwic(
    units: Sequence[ParagraphUnit],
    codebook: Codebook,
    term: str | None = None,
    frame: str | None = None,
    outlets: pd.DataFrame | Mapping[str, str] | None = None,
    width: int = 20,
) -> pd.DataFrame:
    """Keyword in context for a term or for all terms of a frame.

    Parameters
    ----------
    units : sequence of ParagraphUnit
    codebook : Codebook
    term : str, optional
        Any string (a codebook term or not), in any script. Exactly one of ``term`` and
        ``frame`` must be given.
    frame : str, optional
        A frame id: list every hit and every unmatched occurrence of its terms.
    outlets : DataFrame with ``doc_id``/``outlet`` or mapping doc_id → outlet, optional
    width : int
        Characters of context on each side.

    Returns
    -------
    pandas.DataFrame
        One row per (occurrence, frame), columns :data:`KWIC_COLUMNS`, sorted by
        ``doc_id, para_id, start, end, frame``. Sign-offs are not searched.
    """
    if (term is None) == (frame is None):
        raise ConfigError("kwic: give either a term or --frame, not both and not neither")
    if width < 0:
        raise ConfigError(f"kwic: width must be >= 0, not {width}")
    out = _outlets(outlets)
    if frame is not None:
        codebook.frame(frame)  # raises with the list of frame ids
        rows = _frame_rows(units, codebook, frame, out, width)
    else:
        form = term_form(term or "")
        if not form:
            raise ConfigError("kwic: the search term is empty")
        rows = _term_rows(units, codebook, form, term or "", out, width)
    df = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return df.sort_values(["doc_id", "para_id", "start", "end", "frame"]).reset_index(drop=True)


def _row(u: ParagraphUnit, start: int, end: int, frame: str, term: str, status: str,
         outlets: dict[str, str], width: int) -> dict:
    return {
        "doc_id": u.doc_id, "para_id": u.para_id, "start": start, "end": end,
        "outlet": outlets.get(u.doc_id, ""), "role": u.role, "frame": frame, "term": term,
        "left": u.text[max(0, start - width):start], "matched": u.text[start:end],
        "right": u.text[end:end + width], "status": status,
    }


def _frame_rows(units: Sequence[ParagraphUnit], codebook: Codebook, frame: str,
                outlets: dict[str, str], width: int) -> list[dict]:
    rows = []
    for u in units:
        m = match_unit(u, codebook)
        for h in m.hits:
            if h["frame"] == frame:
                status = "negated" if h["negated"] else "hit"
                rows.append(_row(u, h["start"], h["end"], frame, h["term"], status, outlets,
                                 width))
        for s in m.splits:
            if s["frame"] == frame:
                rows.append(_row(u, s["start"], s["end"], frame, s["term"], s["reason"],
                                 outlets, width))
    return rows


def _term_rows(units: Sequence[ParagraphUnit], codebook: Codebook, form: str, query: str,
               outlets: dict[str, str], width: int) -> list[dict]:
    pairs = codebook.term_index.get(form, [])
    rows = []
    for u in units:
        if not u.analysed:
            continue
        found = term_occurrences(u.text_analysis, form)
        if not found:
            continue
        if not pairs:
            rows.extend(_row(u, s, e, "", query, "not_in_codebook", outlets, width)
                        for s, e in found)
            continue
        m = match_unit(u, codebook)
        hits = {(h["start"], h["end"], h["frame"]): h for h in m.hits}
        splits = {(s["start"], s["end"], s["frame"]): s for s in m.splits}
        for s, e in found:
            for fid, t in pairs:
                if (s, e, fid) in hits:
                    status = "negated" if hits[(s, e, fid)]["negated"] else "hit"
                elif (s, e, fid) in splits:
                    status = splits[(s, e, fid)]["reason"]
                else:
                    status = "inside_longer_hit"
                rows.append(_row(u, s, e, fid, t.term, status, outlets, width))
    return rows


def display_width(text: str) -> int:
    """Columns a string takes in a terminal (wide and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_kwic(table: pd.DataFrame, width: int = 20) -> str:
    """Render a :func:`kwic` table as aligned text lines for the terminal.

    Each line: ``doc_id:para_id outlet | left [matched] right | frame status``, the left
    context right-aligned by display width so that matches line up.
    """
    if table.empty:
        return "no occurrences\n"
    lines = []
    for r in table.itertuples(index=False):
        left = r.left.replace("\n", " ")
        pad = " " * max(0, 2 * width - display_width(left))
        where = f"{r.doc_id}:{r.para_id}"
        lines.append(f"{where} {r.outlet} | {pad}{left} [{r.matched}] {r.right} | "
                     f"{r.frame or '-'} {r.status}")
    return "\n".join(lines) + "\n"
