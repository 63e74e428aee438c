"""The validation harness: coding sheets, inter-coder agreement, lexicon accuracy.

A lexicon measure is only believable when it is checked against human coding. This module

1. exports a **coding sheet** of paragraphs sampled across outlets and lexicon frames
   (stratified, fixed seed; the lexicon's frames are *not* shown to coders);
2. reads back **coded sheets** from one or more coders, with clear errors;
3. reports **Krippendorff's alpha** (package ``krippendorff``) between the human coders and
   between the lexicon and each coder, per frame (presence, binary nominal) and for the
   primary frame (nominal), and the lexicon's **precision, recall and F1** per frame against
   each coder, overall and per outlet, each with a percentile bootstrap 95% interval;
4. checks a **tone** score column against ordinal tone codes (:func:`tone_agreement`).

Rules
-----
- *Lexicon codes.* A frame is present in a paragraph for the lexicon when its weight reaches
  the codebook's ``dominant_threshold``; the lexicon's primary frame is the paragraph's
  ``dominant_frame`` (empty → ``none``, a tie is ``none`` too).
- *Units.* Only paragraphs the lexicon scores enter the comparisons (sign-offs are left out:
  both sides would trivially agree on them); coded rows for other paragraphs are counted in
  ``n_excluded``. A comparison uses the paragraphs coded by every rater in it.
- *Bootstrap.* Paragraphs are resampled with replacement (they are the coded units);
  intervals are the 2.5th and 97.5th percentiles of the replicates, NaN replicates (e.g. no
  predicted positives) ignored. Paragraphs of one article are not independent and the sheet
  may be a stratified (not proportional) sample, so intervals are optimistic.
- *Undefined values are NaN, never 0*: precision with no predicted positives, recall with no
  coded positives, alpha when every rating is the same value.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from scipy import stats

from framing.blas import one_blas_thread
from framing.codebook import Codebook
from framing.errors import ConfigError, CorpusError
from framing.frames import as_frame_matrix, matrix_values, score_units
from framing.schema import DOC_ID, PARA_ID
from framing.units import ParagraphUnit

#: Default seed of sampling and bootstrap.
SEED = 20250704
#: Default bootstrap replicates of the coding report.
N_BOOT = 1000
#: Label of "no frame" in primary-frame comparisons.
NONE = "none"
#: Fewer coded or predicted positives than this flag a P/R/F1 row as ``few_cases``.
FEW = 5

_KEYS = ["doc_id", "para_id"]
_TONES = {"negative": -1, "neutral": 0, "positive": 1, "neg": -1, "neu": 0, "pos": 1,
          "負面": -1, "负面": -1, "中性": 0, "正面": 1, "-1": -1, "0": 0, "1": 1, "+1": 1}
_TONE_NAMES = {-1: "negative", 0: "neutral", 1: "positive"}

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "coding_alpha": [
        ("comparison", "string", "inter_coder (all human coders) or lexicon_vs_<coder>"),
        ("raters", "string", "the raters compared, joined by '|'"),
        ("variable", "string", "frame id (presence, 0/1) or primary_frame"),
        ("level", "string", "Krippendorff level of measurement (nominal)"),
        ("n_units", "integer", "paragraphs rated by every rater of the comparison"),
        ("pct_agree", "number", "share of those paragraphs on which all raters agree (0-1)"),
        ("alpha", "number", "Krippendorff's alpha; NaN when undefined (a single value)"),
        ("alpha_lo", "number", "2.5th percentile of the bootstrap distribution of alpha"),
        ("alpha_hi", "number", "97.5th percentile of the bootstrap distribution of alpha"),
        ("n_boot", "integer", "bootstrap replicates (paragraphs resampled)"),
    ],
    "coding_prf": [
        ("reference", "string", "the human coder taken as reference"),
        ("outlet", "string", "outlet, or 'all'"),
        ("level", "string", "presence (frame present, multi-label) or primary (dominant "
                            "frame vs coder's primary frame, one-vs-rest)"),
        ("frame", "string", "frame id, or 'macro' (mean F1 over frames with coded positives)"),
        ("n_units", "integer", "paragraphs compared"),
        ("support", "integer", "paragraphs the coder marks positive"),
        ("predicted", "integer", "paragraphs the lexicon marks positive"),
        ("tp", "integer", "paragraphs both mark positive"),
        ("precision", "number", "tp / predicted; NaN when predicted is 0"),
        ("precision_lo", "number", "2.5th bootstrap percentile of precision"),
        ("precision_hi", "number", "97.5th bootstrap percentile of precision"),
        ("recall", "number", "tp / support; NaN when support is 0"),
        ("recall_lo", "number", "2.5th bootstrap percentile of recall"),
        ("recall_hi", "number", "97.5th bootstrap percentile of recall"),
        ("f1", "number", "2 tp / (predicted + support); NaN when both are 0"),
        ("f1_lo", "number", "2.5th bootstrap percentile of f1"),
        ("f1_hi", "number", "97.5th bootstrap percentile of f1"),
        ("few_cases", "boolean", f"support or predicted below {FEW}: the interval is "
                                 "unreliable (a percentile bootstrap of a handful of cases)"),
        ("n_boot", "integer", "bootstrap replicates (paragraphs resampled)"),
    ],
    "coding_disagreements": [
        DOC_ID,
        PARA_ID,
        ("coder", "string", "human coder"),
        ("outlet", "string", "outlet name"),
        ("coder_primary", "string", "coder's primary frame (none for no frame)"),
        ("lexicon_primary", "string", "lexicon's dominant frame (none for no frame or a tie)"),
        ("missed", "string", "frames the coder marks present and the lexicon does not, '|'"),
        ("extra", "string", "frames the lexicon marks present and the coder does not, '|'"),
    ],
}


#: Columns of an exported coding sheet (one 0/1 column per frame id in place of
#: ``<frame id>``).
CODING_SHEET_COLUMNS: list[tuple[str, str, str]] = [
    DOC_ID,
    PARA_ID,
    ("outlet", "string", "outlet name"),
    ("role", "string", "paragraph role (title, heading, body, list_item)"),
    ("text", "string", "the paragraph as written"),
    ("coder", "string", "coder id, to be filled in; rows without one are uncoded"),
    ("primary_frame", "string", "frame id of the paragraph's primary frame, or empty for "
                                    "no frame"),
    ("<frame id>", "integer", "one column per frame: 1 present, 0 or empty absent"),
    ("notes", "string", "coder's notes"),
]


# ---------------------------------------------------------------------------------------
# helpers


def _stable_int(*parts: str) -> int:
    return int(hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12], 16)


def _outlet_map(articles: pd.DataFrame | Mapping[str, str]) -> dict[str, str]:
    if isinstance(articles, pd.DataFrame):
        if not {"doc_id", "outlet"} <= set(articles.columns):
            raise ConfigError("articles table needs columns doc_id and outlet")
        return dict(zip(articles["doc_id"].astype(str), articles["outlet"].astype(str),
                        strict=True))
    return {str(k): str(v) for k, v in articles.items()}


def lexicon_codes(units: Iterable[ParagraphUnit], codebook: Codebook) -> pd.DataFrame:
    """The lexicon's codes in coding-sheet form, scoring ``units``.

    Parameters
    ----------
    units : iterable of ParagraphUnit
    codebook : Codebook

    Returns
    -------
    pandas.DataFrame
        See :func:`lexicon_codes_from_tables`.
    """
    tables = score_units(units, codebook)
    return lexicon_codes_from_tables(tables["frame_scores"], tables["paragraphs"], codebook)


def lexicon_codes_from_tables(frame_scores: pd.DataFrame, paragraphs: pd.DataFrame,
                              codebook: Codebook) -> pd.DataFrame:
    """The lexicon's codes in coding-sheet form, from already computed frame tables.

    Parameters
    ----------
    frame_scores : pandas.DataFrame
        The ``frame_scores`` table (its paragraphs are the scored ones), or its wide form
        (:func:`framing.frames.frame_matrix`).
    paragraphs : pandas.DataFrame
        ``doc_id, para_id, dominant_frame``.
    codebook : Codebook

    Returns
    -------
    pandas.DataFrame
        One row per scored paragraph: ``doc_id, para_id, coder`` (``lexicon``),
        ``primary_frame`` (dominant frame or empty) and one 0/1 column per frame id
        (1 when the frame's weight reaches the dominance threshold); sorted by keys.
    """
    matrix = as_frame_matrix(frame_scores)
    weight = matrix_values(matrix, "weight").reindex(columns=codebook.frame_ids)
    # A missing weight (NaN) is no hit: 0, as a comparison with NaN gives.
    present = (weight.to_numpy(dtype=float) >= codebook.dominant_threshold).astype(int)
    wide = pd.concat([matrix[_KEYS].reset_index(drop=True),
                      pd.DataFrame(present, columns=codebook.frame_ids)], axis=1)
    dom = paragraphs[_KEYS + ["dominant_frame"]].copy()
    dom["dominant_frame"] = dom["dominant_frame"].fillna("").astype(str)
    out = wide.merge(dom, on=_KEYS, how="left").rename(columns={"dominant_frame":
                                                                "primary_frame"})
    out["primary_frame"] = out["primary_frame"].fillna("")
    out.insert(2, "coder", "lexicon")
    cols = _KEYS + ["coder", "primary_frame"] + codebook.frame_ids
    return out[cols].sort_values(_KEYS).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# export


def _allocate(sizes: dict[tuple[str, str], int], n: int, min_k: int) -> dict:
    base = {k: min(s, min_k) for k, s in sizes.items()}
    if sum(base.values()) > n:
        raise ConfigError(
            f"coding sheet: n={n} is too small for {len(sizes)} strata with at least "
            f"{min_k} paragraph(s) each (needs {sum(base.values())}); raise n or lower "
            "min_per_stratum"
        )
    cap = {k: sizes[k] - base[k] for k in sizes}
    rest, total_cap = n - sum(base.values()), sum(cap.values())
    if rest >= total_cap:
        return dict(sizes)
    quota = {k: rest * cap[k] / total_cap for k in sizes}
    alloc = {k: base[k] + math.floor(q) for k, q in quota.items()}
    left = n - sum(alloc.values())
    # Largest remainder; ties broken by the stratum key so the result is deterministic.
    order = sorted(sizes, key=lambda k: (-(quota[k] - math.floor(quota[k])), k))
    for k in order[:left]:
        alloc[k] += 1
    return alloc


def export_coding_sheet(
    units: Sequence[ParagraphUnit],
    articles: pd.DataFrame | Mapping[str, str],
    codebook: Codebook,
    n: int | None = None,
    seed: int = SEED,
    min_per_stratum: int = 2,
) -> pd.DataFrame:
    """A blank coding sheet of paragraphs sampled across outlets and lexicon frames.

    Strata are (outlet, the lexicon's dominant frame or ``none``). Each stratum gets
    ``min(size, min_per_stratum)`` paragraphs, the rest of ``n`` is shared in proportion to
    the strata's remaining sizes (largest remainder), and paragraphs are drawn without
    replacement with ``numpy.random.default_rng(seed)``, strata in sorted order. The sheet
    does not show the lexicon's frames, so coders code blind.

    Parameters
    ----------
    units : sequence of ParagraphUnit
    articles : DataFrame with ``doc_id`` and ``outlet``, or a mapping doc_id → outlet
    codebook : Codebook
    n : int, optional
        Paragraphs to sample; ``None`` (or more than there are) takes every scored paragraph.
    seed : int
    min_per_stratum : int

    Returns
    -------
    pandas.DataFrame
        One row per sampled paragraph, sorted by ``doc_id, para_id``: ``doc_id, para_id,
        outlet, role, text, coder, primary_frame``, one empty column per frame id, ``notes``.
    """
    outlets = _outlet_map(articles)
    by_key = {(u.doc_id, u.para_id): u for u in units}
    lex = lexicon_codes(units, codebook)
    lex["outlet"] = lex["doc_id"].map(outlets).fillna("")
    lex["stratum"] = lex["primary_frame"].replace("", NONE)
    keys = list(zip(lex["doc_id"], lex["para_id"], strict=True))
    if n is not None and n < 1:
        raise ConfigError(f"coding sheet: n must be positive, not {n}")
    chosen: list[tuple[str, int]]
    if n is None or n >= len(keys):
        chosen = keys
    else:
        groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for key, outlet, stratum in zip(keys, lex["outlet"], lex["stratum"], strict=True):
            groups.setdefault((outlet, stratum), []).append(key)
        alloc = _allocate({k: len(v) for k, v in groups.items()}, n, min_per_stratum)
        rng = np.random.default_rng(seed)
        chosen = []
        for stratum in sorted(groups):
            members = sorted(groups[stratum])
            picks = rng.choice(len(members), size=alloc[stratum], replace=False)
            chosen.extend(members[i] for i in sorted(picks))
    rows = []
    for doc_id, para_id in sorted(chosen):
        u = by_key[(doc_id, para_id)]
        row = {"doc_id": doc_id, "para_id": para_id, "outlet": outlets.get(doc_id, ""),
               "role": u.role, "text": u.text, "coder": "", "primary_frame": ""}
        row.update({f: "" for f in codebook.frame_ids})
        row["notes"] = ""
        rows.append(row)
    cols = ["doc_id", "para_id", "outlet", "role", "text", "coder", "primary_frame",
            *codebook.frame_ids, "notes"]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------
# reading coded sheets


def _cell01(value: str, path: str, line: int, column: str) -> int:
    v = value.strip()
    if v in ("", "0", "0.0"):
        return 0
    if v in ("1", "1.0"):
        return 1
    raise CorpusError(f"column {column!r} must be 0, 1 or empty", path, line, value)


def _read_one_sheet(path: str | os.PathLike[str], codebook: Codebook) -> list[dict]:
    p = str(path)
    try:
        fh = open(p, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise CorpusError("coded sheet not found", p) from None
    frames = codebook.frame_ids
    rows: list[dict] = []
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise CorpusError("coded sheet is empty", p) from None
        except UnicodeDecodeError:
            raise CorpusError("coded sheet is not UTF-8 text", p) from None
        header = [h.strip() for h in header]
        need = ["doc_id", "para_id", "coder", "primary_frame", *frames]
        missing = [c for c in need if c not in header]
        if missing:
            raise CorpusError(
                f"coded sheet lacks columns {', '.join(missing)}; expected doc_id, para_id, "
                f"coder, primary_frame, one 0/1 column per frame ({', '.join(frames)}) and "
                "optionally notes", p, 1)
        dup = sorted({h for h in header if header.count(h) > 1})
        if dup:
            raise CorpusError(f"coded sheet repeats columns {', '.join(dup)}", p, 1)
        pos = {h: i for i, h in enumerate(header)}
        try:
            for cells in reader:
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise CorpusError(f"row has {len(cells)} cells, the header {len(header)}",
                                      p, line)
                rows.append(_parse_row(cells, pos, frames, codebook, p, line))
        except UnicodeDecodeError:
            raise CorpusError("coded sheet is not UTF-8 text", p) from None
    return rows


def _parse_row(cells: list[str], pos: dict[str, int], frames: list[str], codebook: Codebook,
               path: str, line: int) -> dict:
    def get(col: str) -> str:
        return cells[pos[col]].strip()

    doc_id, para_raw, coder = get("doc_id"), get("para_id"), get("coder")
    if not doc_id:
        raise CorpusError("empty doc_id", path, line)
    try:
        para_id = int(para_raw)
        if para_id < 0 or str(para_id) != para_raw.lstrip("+"):
            raise ValueError
    except ValueError:
        raise CorpusError("para_id must be a whole number >= 0", path, line, para_raw) from None
    row = {"doc_id": doc_id, "para_id": para_id, "coder": coder,
           "source": f"{path}:{line}"}
    for f in frames:
        row[f] = _cell01(get(f), path, line, f)
    primary = get("primary_frame")
    if primary.lower() == NONE:
        primary = ""
    if primary and primary not in frames:
        raise CorpusError(f"primary_frame is not a frame id of codebook {codebook.version} "
                          f"({', '.join(frames)}) nor empty", path, line, primary)
    if primary and row[primary] != 1:
        raise CorpusError(f"primary_frame {primary!r} is not marked present (its column must "
                          "be 1)", path, line, primary)
    if coder and not primary and any(row[f] for f in frames):
        raise CorpusError("frames are marked present but primary_frame is empty; name the "
                          "primary frame", path, line)
    row["primary_frame"] = primary
    row["notes"] = get("notes") if "notes" in pos else ""
    return row


def read_coded_sheets(
    paths: Sequence[str | os.PathLike[str]], codebook: Codebook
) -> pd.DataFrame:
    """Read one or more coded sheets.

    Rows without a ``coder`` are uncoded and skipped. Cells of frame columns must be 0, 1 or
    empty (empty is 0 on a coded row). ``primary_frame`` is a frame id, empty or ``none``;
    it must be marked present, and a row with frames present must name one.

    Parameters
    ----------
    paths : sequence of path-like
        CSV files (UTF-8) with ``doc_id, para_id, coder, primary_frame``, one column per
        frame id of ``codebook``, optional ``notes`` and any other columns (ignored).
    codebook : Codebook

    Returns
    -------
    pandas.DataFrame
        One row per (paragraph, coder): ``doc_id, para_id, coder, primary_frame``, the frame
        columns (int 0/1), ``notes``, ``source`` (file:line); sorted by
        ``doc_id, para_id, coder``.

    Raises
    ------
    CorpusError
        Naming the file, line and value: missing file or columns, a bad cell, an unknown
        primary frame, or a paragraph coded twice by the same coder.
    """
    if not paths:
        raise ConfigError("no coded sheet given")
    rows: list[dict] = []
    for path in paths:
        rows.extend(r for r in _read_one_sheet(path, codebook) if r["coder"])
    seen: dict[tuple[str, int, str], str] = {}
    for r in rows:
        key = (r["doc_id"], r["para_id"], r["coder"])
        if key in seen:
            path, _, line = r["source"].rpartition(":")
            raise CorpusError(f"paragraph coded twice by coder {r['coder']!r} (first at "
                              f"{seen[key]})", path, int(line), f"{key[0]} {key[1]}")
        seen[key] = r["source"]
    cols = ["doc_id", "para_id", "coder", "primary_frame", *codebook.frame_ids, "notes",
            "source"]
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["doc_id", "para_id", "coder"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# agreement


def krippendorff_alpha(data: np.ndarray, level: str = "nominal",
                       value_domain: Sequence[float] | None = None) -> float:
    """Krippendorff's alpha of a raters × units matrix (NaN = missing), NaN if undefined.

    A wrapper of :func:`krippendorff.alpha` that returns NaN (rather than raising or
    warning) when alpha is undefined, e.g. when every rating has the same value.
    """
    arr = np.asarray(data, dtype=float)
    observed = np.unique(arr[~np.isnan(arr)])
    if observed.size < 2 or arr.shape[1] < 1:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            value = krippendorff.alpha(reliability_data=arr, level_of_measurement=level,
                                       value_domain=value_domain)
        except (ValueError, ZeroDivisionError):
            return float("nan")
    return float(value) if np.isfinite(value) else float("nan")


def _coincidences(data: np.ndarray, domain: Sequence[float]) -> np.ndarray:
    """Per-unit coincidence matrices (units × V × V) of a raters × units matrix.

    Unit u with value counts ``n_uc`` and ``m_u`` ratings adds
    ``(n_uc n_uk - [c = k] n_uc) / (m_u - 1)``; units with fewer than two ratings add 0
    (Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
    """
    values = np.asarray(domain, dtype=float)
    arr = np.asarray(data, dtype=float)
    counts = np.stack([(arr == v).sum(axis=0) for v in values], axis=1).astype(float)
    m = counts.sum(axis=1)
    outer = counts[:, :, None] * counts[:, None, :]
    diag = np.zeros_like(outer)
    idx = np.arange(len(values))
    diag[:, idx, idx] = counts
    with np.errstate(divide="ignore", invalid="ignore"):
        contrib = (outer - diag) / np.where(m > 1, m - 1, 1)[:, None, None]
    contrib[m < 2] = 0.0
    return contrib


def _alpha_batch(o: np.ndarray, level: str) -> np.ndarray:
    """Alpha of a batch of coincidence matrices (B × V × V), nominal or ordinal."""
    n_c = o.sum(axis=2)
    n = n_c.sum(axis=1)
    v = o.shape[1]
    if level == "nominal":
        d2 = np.broadcast_to(1.0 - np.eye(v), o.shape)
    elif level == "ordinal":
        cs = np.cumsum(n_c, axis=1)
        lo_i, hi_i = np.minimum.outer(np.arange(v), np.arange(v)), np.maximum.outer(
            np.arange(v), np.arange(v))
        before = np.where(lo_i > 0, cs[:, np.maximum(lo_i - 1, 0)], 0.0)
        between = cs[:, hi_i] - before
        d2 = (between - (n_c[:, :, None] + n_c[:, None, :]) / 2.0) ** 2
        d2 = d2 * (1.0 - np.eye(v))
    else:  # pragma: no cover - guarded by callers
        raise ConfigError(f"unsupported level {level!r}")
    observed = (o * d2).sum(axis=(1, 2))
    expected = (n_c[:, :, None] * n_c[:, None, :] * d2).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1.0) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


@one_blas_thread
def _alpha_with_ci(data: np.ndarray, level: str, domain: Sequence[float], n_boot: int,
                   rng: np.random.Generator) -> tuple[float, float, float]:
    """Alpha (``krippendorff`` package) and a percentile bootstrap interval over units.

    Replicates resample units with replacement; their alphas are computed from the
    resampled coincidence matrices (the same formula, vectorised; the tests check it
    against the package).
    """
    alpha = krippendorff_alpha(data, level, domain)
    n = data.shape[1]
    if n_boot <= 0 or n < 2 or np.isnan(alpha):
        return alpha, float("nan"), float("nan")
    per_unit = _coincidences(data, domain).reshape(n, -1)
    reps = []
    done = 0
    while done < n_boot:
        size = min(500, n_boot - done)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(float)
        o = (counts @ per_unit).reshape(size, len(domain), len(domain))
        reps.append(_alpha_batch(o, level))
        done += size
    boot = np.concatenate(reps)
    if np.all(np.isnan(boot)):
        return alpha, float("nan"), float("nan")
    lo, hi = np.nanpercentile(boot, [2.5, 97.5])
    return alpha, float(lo), float(hi)


def _alpha_rows(name: str, coded: pd.DataFrame, raters: list[str], codebook: Codebook,
                n_boot: int, seed: int) -> list[dict]:
    """Alpha rows of one comparison among ``raters`` (paragraphs rated by all of them)."""
    part = coded[coded["coder"].isin(raters)]
    counts = part.groupby(_KEYS)["coder"].nunique()
    complete = counts[counts == len(raters)].index
    part = part.set_index(_KEYS).loc[complete].reset_index() if len(complete) else part.iloc[:0]
    units = sorted(set(zip(part["doc_id"], part["para_id"], strict=True)))
    labels = [NONE, *codebook.frame_ids]
    rows = []
    variables = [*codebook.frame_ids, "primary_frame"]
    rng = np.random.default_rng([seed, _stable_int(name)])
    for var in variables:
        mat = np.full((len(raters), len(units)), np.nan)
        idx = {u: j for j, u in enumerate(units)}
        for r in part.itertuples(index=False):
            i = raters.index(r.coder)
            value = getattr(r, var) if var != "primary_frame" else \
                labels.index(r.primary_frame or NONE)
            mat[i, idx[(r.doc_id, r.para_id)]] = float(value)
        domain = [0.0, 1.0] if var != "primary_frame" else [float(i) for i in
                                                              range(len(labels))]
        alpha, lo, hi = _alpha_with_ci(mat, "nominal", domain, n_boot, rng)
        agree = float(np.mean(np.all(mat == mat[0], axis=0))) if units else float("nan")
        rows.append({"comparison": name, "raters": "|".join(raters), "variable": var,
                     "level": "nominal", "n_units": len(units), "pct_agree": agree,
                     "alpha": alpha, "alpha_lo": lo, "alpha_hi": hi, "n_boot": n_boot})
    return rows


def _prf(tp: np.ndarray, sup: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, ...]:
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(pred > 0, tp / np.where(pred > 0, pred, 1), np.nan)
        recall = np.where(sup > 0, tp / np.where(sup > 0, sup, 1), np.nan)
        denom = pred + sup
        f1 = np.where(denom > 0, 2 * tp / np.where(denom > 0, denom, 1), np.nan)
    return precision, recall, f1


@one_blas_thread
def _prf_rows(ref: str, outlet: str, level: str, y: np.ndarray, p: np.ndarray,
              frames: list[str], n_boot: int, seed: int) -> list[dict]:
    """P/R/F1 rows of one (reference, outlet, level): y, p are (units × frames) 0/1."""
    n = y.shape[0]
    tp, sup, pred = (y * p).sum(0), y.sum(0), p.sum(0)
    precision, recall, f1 = _prf(tp, sup, pred)
    macro_cols = sup > 0
    macro = float(np.nanmean(f1[macro_cols])) if macro_cols.any() and \
        not np.all(np.isnan(f1[macro_cols])) else float("nan")
    ci = {k: (np.full(len(frames), np.nan), np.full(len(frames), np.nan))
          for k in ("precision", "recall", "f1")}
    macro_ci = (float("nan"), float("nan"))
    if n_boot > 0 and n >= 2:
        rng = np.random.default_rng([seed, _stable_int(ref, outlet, level)])
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot).astype(float)
        b_tp, b_sup, b_pred = counts @ (y * p), counts @ y, counts @ p
        bp, br, bf = _prf(b_tp, b_sup, b_pred)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for key, arr in (("precision", bp), ("recall", br), ("f1", bf)):
                lo, hi = np.nanpercentile(arr, [2.5, 97.5], axis=0)
                ci[key] = (lo, hi)
            if macro_cols.any():
                bm = np.nanmean(bf[:, macro_cols], axis=1)
                if not np.all(np.isnan(bm)):
                    lo, hi = np.nanpercentile(bm, [2.5, 97.5])
                    macro_ci = (float(lo), float(hi))
    rows = []
    for j, f in enumerate(frames):
        rows.append({
            "reference": ref, "outlet": outlet, "level": level, "frame": f, "n_units": n,
            "support": int(sup[j]), "predicted": int(pred[j]), "tp": int(tp[j]),
            "precision": float(precision[j]), "precision_lo": float(ci["precision"][0][j]),
            "precision_hi": float(ci["precision"][1][j]),
            "recall": float(recall[j]), "recall_lo": float(ci["recall"][0][j]),
            "recall_hi": float(ci["recall"][1][j]),
            "f1": float(f1[j]), "f1_lo": float(ci["f1"][0][j]), "f1_hi": float(ci["f1"][1][j]),
            "few_cases": bool(min(sup[j], pred[j]) < FEW), "n_boot": n_boot,
        })
    rows.append({
        "reference": ref, "outlet": outlet, "level": level, "frame": "macro", "n_units": n,
        "support": int(sup.sum()), "predicted": int(pred.sum()), "tp": int(tp.sum()),
        "precision": float("nan"), "precision_lo": float("nan"), "precision_hi": float("nan"),
        "recall": float("nan"), "recall_lo": float("nan"), "recall_hi": float("nan"),
        "f1": macro, "f1_lo": macro_ci[0], "f1_hi": macro_ci[1],
        "few_cases": bool(int(macro_cols.sum()) < 2), "n_boot": n_boot,
    })
    return rows


@dataclass
class CodingReport:
    """Result of :func:`coding_report`.

    Attributes
    ----------
    alpha : pandas.DataFrame
        ``coding_alpha`` table (see :data:`TABLE_SCHEMAS`).
    prf : pandas.DataFrame
        ``coding_prf`` table.
    disagreements : pandas.DataFrame
        ``coding_disagreements`` table: one row per (paragraph, coder) where the coder and
        the lexicon differ on the primary frame or on any frame's presence.
    coders : list of str
        Human coders found in the sheets.
    n_units : int
        Scored paragraphs coded by at least one coder.
    n_excluded : int
        Coded rows of paragraphs the lexicon does not score (sign-offs) or that are not in
        the corpus.
    meta : dict
        Codebook version and hash, sheets and their SHA-256, seed, n_boot.
    """

    alpha: pd.DataFrame
    prf: pd.DataFrame
    disagreements: pd.DataFrame
    coders: list[str]
    n_units: int
    n_excluded: int
    meta: dict = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables by file stem."""
        return {"coding_alpha": self.alpha, "coding_prf": self.prf,
                "coding_disagreements": self.disagreements}

    def summary(self) -> str:
        """A plain-text summary for the terminal."""
        return format_report(self)


def coding_report(
    units: Sequence[ParagraphUnit],
    articles: pd.DataFrame | Mapping[str, str],
    codebook: Codebook,
    sheets: Sequence[str | os.PathLike[str]] | pd.DataFrame,
    n_boot: int = N_BOOT,
    seed: int = SEED,
) -> CodingReport:
    """Agreement between coders and accuracy of the lexicon against each coder.

    Parameters
    ----------
    units : sequence of ParagraphUnit
        The corpus's units (the lexicon is scored on them).
    articles : DataFrame with ``doc_id`` and ``outlet``, or mapping doc_id → outlet
    codebook : Codebook
    sheets : sequence of path-like, or DataFrame
        Coded sheets (read with :func:`read_coded_sheets`) or an already read table.
    n_boot : int
        Bootstrap replicates for every interval (0: no intervals).
    seed : int

    Returns
    -------
    CodingReport
    """
    return _report(sheets, lexicon_codes(units, codebook), _outlet_map(articles), codebook,
                   n_boot, seed)


def coding_sheets(corpus_dir: str | os.PathLike[str]) -> list[Path]:
    """The frame coding sheets shipped with a corpus: ``coding/frames*.csv``, sorted."""
    return sorted(Path(corpus_dir).glob("coding/frames*.csv"))


def corpus_validation(
    corpus_dir: str | os.PathLike[str],
    paragraphs: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    codebook: Codebook,
    seed: int = SEED,
    n_boot: int = N_BOOT,
) -> dict[str, pd.DataFrame]:
    """The coding report of the sheets shipped in a corpus, for ``framing analyze``.

    Parameters
    ----------
    corpus_dir : path-like
        Corpus folder; its ``coding/frames*.csv`` sheets are read.
    paragraphs : pandas.DataFrame
        ``doc_id, para_id, outlet, dominant_frame`` of every paragraph.
    tables : mapping
        Must hold ``frame_scores`` (or its wide form, :func:`framing.frames.frame_matrix`).
    codebook : Codebook
    seed, n_boot : int

    Returns
    -------
    dict of str to pandas.DataFrame
        ``coding_alpha``, ``coding_prf`` and ``coding_disagreements``; empty when the corpus
        has no frame coding sheet.
    """
    sheets = coding_sheets(corpus_dir)
    if not sheets:
        return {}
    lex = lexicon_codes_from_tables(tables["frame_scores"], paragraphs, codebook)
    outlets = dict(zip(paragraphs["doc_id"].astype(str), paragraphs["outlet"].astype(str),
                       strict=True))
    return _report(sheets, lex, outlets, codebook, n_boot, seed).tables()


def _report(sheets: Sequence[str | os.PathLike[str]] | pd.DataFrame, lex: pd.DataFrame,
            outlets: dict[str, str], codebook: Codebook, n_boot: int, seed: int
            ) -> CodingReport:
    if isinstance(sheets, pd.DataFrame):
        coded, sources = sheets.copy(), []
    else:
        coded, sources = read_coded_sheets(sheets, codebook), [str(s) for s in sheets]
    scored = set(zip(lex["doc_id"], lex["para_id"], strict=True))
    in_scope = [(d, p) in scored for d, p in zip(coded["doc_id"], coded["para_id"],
                                                 strict=True)]
    n_excluded = int(len(coded) - sum(in_scope))
    coded = coded[in_scope].reset_index(drop=True)
    if coded.empty:
        raise CorpusError("no coded row matches a scored paragraph of the corpus (check "
                          "doc_id and para_id)", ", ".join(sources))
    coders = sorted(coded["coder"].unique())
    frames = codebook.frame_ids
    both = pd.concat([coded[lex.columns], lex], ignore_index=True)
    alpha_rows: list[dict] = []
    if len(coders) >= 2:
        alpha_rows += _alpha_rows("inter_coder", both, coders, codebook, n_boot, seed)
    for c in coders:
        alpha_rows += _alpha_rows(f"lexicon_vs_{c}", both, ["lexicon", c], codebook, n_boot,
                                  seed)
    prf_rows: list[dict] = []
    lex_idx = lex.set_index(_KEYS)
    for c in coders:
        mine = coded[coded["coder"] == c].set_index(_KEYS).sort_index()
        theirs = lex_idx.loc[mine.index]
        outlet_of = np.array([outlets.get(d, "") for d, _ in mine.index], dtype=object)
        y_pres, p_pres = mine[frames].to_numpy(int), theirs[frames].to_numpy(int)
        y_prim = np.stack([(mine["primary_frame"] == f).to_numpy(int) for f in frames], 1)
        p_prim = np.stack([(theirs["primary_frame"] == f).to_numpy(int) for f in frames], 1)
        for outlet in ["all", *sorted(set(outlet_of))]:
            sel = np.ones(len(mine), bool) if outlet == "all" else outlet_of == outlet
            for level, y, p in (("presence", y_pres, p_pres), ("primary", y_prim, p_prim)):
                prf_rows += _prf_rows(c, outlet, level, y[sel], p[sel], frames, n_boot, seed)
    alpha = pd.DataFrame(alpha_rows, columns=[c for c, _, _ in TABLE_SCHEMAS["coding_alpha"]])
    prf = pd.DataFrame(prf_rows, columns=[c for c, _, _ in TABLE_SCHEMAS["coding_prf"]])
    meta = {
        "codebook_version": codebook.version, "codebook_sha256": codebook.sha256,
        "sheets": [{"path": s, "sha256": hashlib.sha256(Path(s).read_bytes()).hexdigest()}
                   for s in sources],
        "coders": coders, "n_boot": n_boot, "seed": seed,
        "presence_rule": f"frame weight >= {codebook.dominant_threshold:g}",
    }
    units_coded = coded[_KEYS].drop_duplicates().shape[0]
    return CodingReport(alpha, prf, _disagreements(coded, lex, outlets, frames), coders,
                        units_coded, n_excluded, meta)


def _disagreements(coded: pd.DataFrame, lex: pd.DataFrame, outlets: dict[str, str],
                   frames: list[str]) -> pd.DataFrame:
    lex_idx = lex.set_index(_KEYS)
    rows = []
    for r in coded.sort_values(["doc_id", "para_id", "coder"]).itertuples(index=False):
        other = lex_idx.loc[(r.doc_id, r.para_id)]
        missed = [f for f in frames if getattr(r, f) == 1 and other[f] == 0]
        extra = [f for f in frames if getattr(r, f) == 0 and other[f] == 1]
        cp, lp = r.primary_frame or NONE, other["primary_frame"] or NONE
        if missed or extra or cp != lp:
            rows.append({"doc_id": r.doc_id, "para_id": r.para_id, "coder": r.coder,
                         "outlet": outlets.get(r.doc_id, ""), "coder_primary": cp,
                         "lexicon_primary": lp, "missed": "|".join(missed),
                         "extra": "|".join(extra)})
    cols = [c for c, _, _ in TABLE_SCHEMAS["coding_disagreements"]]
    return pd.DataFrame(rows, columns=cols)


def _ci(v: float, lo: float, hi: float, pct: bool = False) -> str:
    if pd.isna(v):
        return "n/a"
    fmt = "{:.0%}" if pct else "{:.2f}"
    inside = f" [{fmt.format(lo)}, {fmt.format(hi)}]" if pd.notna(lo) else ""
    return fmt.format(v) + inside


def format_report(report: CodingReport) -> str:
    """Render a :class:`CodingReport` as text: alpha and F1 per frame, per comparison."""
    lines = [f"coding report: {report.n_units} paragraphs coded by {', '.join(report.coders)}"
             f" ({report.n_excluded} coded row(s) outside the scored paragraphs left out); "
             f"codebook {report.meta.get('codebook_version', '?')}",
             "Krippendorff's alpha (nominal) [bootstrap 95% interval]:"]
    for name, part in report.alpha.groupby("comparison", sort=False):
        lines.append(f"  {name} (n={part['n_units'].iloc[0]}):")
        for r in part.itertuples(index=False):
            lines.append(f"    {r.variable:24s} alpha {_ci(r.alpha, r.alpha_lo, r.alpha_hi)}"
                         f"  agreement {r.pct_agree:.0%}")
    lines.append("lexicon precision / recall / F1 against each coder (all outlets):")
    prf = report.prf[report.prf["outlet"] == "all"]
    for (ref, level), part in prf.groupby(["reference", "level"], sort=False):
        lines.append(f"  reference {ref}, {level}:")
        for r in part.itertuples(index=False):
            if r.frame == "macro":
                lines.append(f"    {'macro F1':24s} {_ci(r.f1, r.f1_lo, r.f1_hi)}")
                continue
            lines.append(
                f"    {r.frame:24s} P {_ci(r.precision, r.precision_lo, r.precision_hi)}  "
                f"R {_ci(r.recall, r.recall_lo, r.recall_hi)}  "
                f"F1 {_ci(r.f1, r.f1_lo, r.f1_hi)}  (coder {r.support}, lexicon {r.predicted})"
                + ("  *" if r.few_cases else ""))
    lines.append(f"  * fewer than {FEW} coded or predicted cases: treat the interval as unreliable")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# tone


def _parse_tone(value: object, label: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if int(value) in (-1, 0, 1):
            return float(value)
    elif isinstance(value, (float, np.floating)) and float(value) in (-1.0, 0.0, 1.0):
        return float(value)
    else:
        text = str(value).strip().lower()
        if text == "":
            return float("nan")
        if text in _TONES:
            return float(_TONES[text])
    raise ConfigError(f"tone code at index {label!r} is {value!r}; expected negative, neutral "
                      "or positive (or -1, 0, 1)")


def tone_agreement(
    scores: pd.Series,
    codes: pd.Series,
    thresholds: tuple[float, float],
    n_boot: int = N_BOOT,
    seed: int = SEED,
) -> dict:
    """Agreement of a paragraph tone score with ordinal human tone codes.

    The score is cut into three ordered classes: ``negative`` when ``score < lo``,
    ``positive`` when ``score > hi``, ``neutral`` otherwise (boundaries are neutral).

    Parameters
    ----------
    scores : pandas.Series
        A numeric score per paragraph (any scale), indexed like ``codes``.
    codes : pandas.Series
        Human codes: ``negative``/``neutral``/``positive`` (also 負面/中性/正面 or
        -1/0/1). Empty or NaN codes are left out.
    thresholds : (float, float)
        ``(lo, hi)`` with ``lo <= hi``, on the scale of ``scores``.
    n_boot : int
        Bootstrap replicates (paragraphs resampled) for the intervals; 0 for none.
    seed : int

    Returns
    -------
    dict
        ``n`` (pairs used), ``n_dropped`` (pairs with a missing score or code, or an index
        in only one series), ``thresholds``, ``alpha_ordinal`` with ``alpha_ordinal_lo`` /
        ``_hi`` (Krippendorff's alpha between the cut score and the codes, ordinal),
        ``macro_f1`` with ``macro_f1_lo`` / ``_hi`` (mean F1 over the three classes,
        classes absent from both sides left out), ``accuracy``, ``spearman_rho`` and
        ``spearman_p`` (raw score vs codes -1/0/1), ``f1_per_class`` (dict),
        ``confusion`` (dict code → dict predicted → count), ``n_boot``. Undefined values
        are NaN.
    """
    lo, hi = (float(t) for t in thresholds)
    if not lo <= hi:
        raise ConfigError(f"tone thresholds must satisfy lo <= hi, got ({lo}, {hi})")
    s = pd.to_numeric(pd.Series(scores), errors="coerce")
    c = pd.Series(codes)
    parsed = pd.Series([_parse_tone(v, k) for k, v in c.items()], index=c.index, dtype=float)
    joined = pd.concat([s.rename("score"), parsed.rename("code")], axis=1, join="outer")
    usable = joined.dropna()
    n_dropped = int(len(joined) - len(usable))
    score = usable["score"].to_numpy(float)
    code = usable["code"].to_numpy(float)
    pred = np.where(score < lo, -1.0, np.where(score > hi, 1.0, 0.0))
    n = len(usable)
    result: dict = {"n": n, "n_dropped": n_dropped, "thresholds": (lo, hi), "n_boot": n_boot}
    domain = [-1.0, 0.0, 1.0]
    rng = np.random.default_rng([seed, _stable_int("tone")])
    alpha, a_lo, a_hi = _alpha_with_ci(np.vstack([pred, code]), "ordinal", domain,
                                       n_boot, rng) if n else (float("nan"),) * 3
    f1s = _class_f1(code, pred)
    macro = _nanmean(list(f1s.values()))
    m_lo = m_hi = float("nan")
    if n_boot > 0 and n >= 2:
        reps = np.empty(n_boot)
        for b in range(n_boot):
            idx = rng.integers(0, n, n)
            reps[b] = _nanmean(list(_class_f1(code[idx], pred[idx]).values()))
        if not np.all(np.isnan(reps)):
            m_lo, m_hi = (float(x) for x in np.nanpercentile(reps, [2.5, 97.5]))
    rho = p = float("nan")
    if n >= 3 and np.unique(score).size > 1 and np.unique(code).size > 1:
        res = stats.spearmanr(score, code)
        rho, p = float(res.statistic), float(res.pvalue)
    result.update({
        "alpha_ordinal": alpha, "alpha_ordinal_lo": a_lo, "alpha_ordinal_hi": a_hi,
        "macro_f1": macro, "macro_f1_lo": m_lo, "macro_f1_hi": m_hi,
        "accuracy": float(np.mean(code == pred)) if n else float("nan"),
        "spearman_rho": rho, "spearman_p": p,
        "f1_per_class": {_TONE_NAMES[int(k)]: v for k, v in f1s.items()},
        "confusion": {
            _TONE_NAMES[int(a)]: {_TONE_NAMES[int(b)]: int(np.sum((code == a) & (pred == b)))
                                  for b in domain}
            for a in domain
        },
    })
    return result


def _class_f1(code: np.ndarray, pred: np.ndarray) -> dict[float, float]:
    out = {}
    for k in (-1.0, 0.0, 1.0):
        tp = float(np.sum((code == k) & (pred == k)))
        denom = float(np.sum(code == k) + np.sum(pred == k))
        out[k] = 2 * tp / denom if denom > 0 else float("nan")
    return out


def _nanmean(values: list[float]) -> float:
    arr = np.array(values, dtype=float)
    return float(np.nanmean(arr)) if not np.all(np.isnan(arr)) else float("nan")
