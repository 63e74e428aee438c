"""Held-out check of a codebook revision against one coder of a corpus's coding sheet.

Codebook 1.2.0 was revised by reading only the lexicon-vs-coder disagreements of paragraphs
with an EVEN ``para_id`` (the development half). This script compares the lexicon with one
human coder (default ``team_a``) separately on

- ``held_out_odd``: paragraphs with an odd ``para_id`` (not read while revising),
- ``development_even``: paragraphs with an even ``para_id`` (read while revising),
- ``all``: every scored, coded paragraph,

and writes, for every codebook given, the primary-frame Krippendorff alpha (nominal, all frame
ids + ``none``) and the macro F1 for presence and for the primary frame (outlet ``all``), each
with its percentile bootstrap 95% interval, plus each outlet's dominant-frame shares of chosen
frames with the same intervals as ``framing analyze`` (``outlet_frames.csv``).

Everything is computed by the library (:func:`framing.pipeline.prepare`,
:mod:`framing.frames`, :mod:`framing.validate`); the script only selects paragraphs and lays
out tables. What the figures are worth: both halves come from the same two seed articles and
the coding was done by the developers themselves, so the held-out half is weak evidence (same
texts, same authors, same coder), not an independent validation.

Usage (inside the project virtualenv; the older codebook is read from git, read-only)::

    git show 3573226:framing/data/codebook.yaml > /tmp/codebook-1.1.0.yaml
    python scripts/codebook_holdout.py corpora/ai-talent-war \\
        --codebook /tmp/codebook-1.1.0.yaml --codebook framing/data/codebook.yaml

Without ``--codebook`` the shipped codebook is used. ``--csv-dir DIR`` also writes
``holdout_agreement.csv`` and ``holdout_outlets.csv``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from framing import frames, validate
from framing.codebook import Codebook, load_codebook
from framing.errors import ConfigError, FramingError
from framing.pipeline import Prepared, prepare

#: Paragraph halves: name → parity of ``para_id`` kept (None keeps every paragraph).
HALVES: dict[str, int | None] = {"held_out_odd": 1, "development_even": 0, "all": None}
#: Bootstrap replicates of the agreement figures (as ``framing coding report``).
N_BOOT_CODING = validate.N_BOOT
#: Bootstrap replicates of the outlet shares (as ``framing analyze``).
N_BOOT_SHARES = frames.N_BOOT
#: Seed of every bootstrap (as ``framing analyze`` and ``framing coding report``).
SEED = validate.SEED
#: Frames whose outlet shares are reported.
FOCUS = ("strategic_anxiety", "talent_war_drama")

AGREEMENT_COLUMNS = [
    "codebook_version", "half", "n_units", "metric", "value", "lo", "hi", "n_boot",
]
OUTLET_COLUMNS = [
    "codebook_version", "outlet", "frame", "n_paragraphs", "n_dominant", "dominant_share",
    "dominant_share_lo", "dominant_share_hi", "n_boot",
]


def coder_sheet(corpus_dir: str | Path, codebook: Codebook, coder: str) -> pd.DataFrame:
    """The rows of one coder from the corpus's frame coding sheets.

    Parameters
    ----------
    corpus_dir : path-like
        Corpus folder; its ``coding/frames*.csv`` sheets are read.
    codebook : Codebook
        Gives the frame columns the sheets must have.
    coder : str
        Coder whose rows are kept.

    Returns
    -------
    pandas.DataFrame
        One row per paragraph coded by ``coder``, columns as
        :func:`framing.validate.read_coded_sheets`.

    Raises
    ------
    ConfigError
        When the corpus has no sheet or the coder coded nothing.
    """
    sheets = validate.coding_sheets(corpus_dir)
    if not sheets:
        raise ConfigError(f"{corpus_dir}: no coding/frames*.csv sheet")
    coded = validate.read_coded_sheets(sheets, codebook)
    mine = coded[coded["coder"] == coder].reset_index(drop=True)
    if mine.empty:
        found = ", ".join(sorted(coded["coder"].unique()))
        raise ConfigError(f"{corpus_dir}: coder {coder!r} not in the sheets (coders: {found})")
    return mine


def agreement_rows(prep: Prepared, codebook: Codebook, sheet: pd.DataFrame,
                   n_boot: int = N_BOOT_CODING, seed: int = SEED) -> list[dict]:
    """Lexicon-vs-coder agreement on each half of the paragraphs.

    Parameters
    ----------
    prep : Prepared
        The corpus (units and articles).
    codebook : Codebook
    sheet : pandas.DataFrame
        One coder's rows (:func:`coder_sheet`).
    n_boot, seed : int
        Bootstrap of :func:`framing.validate.coding_report` (paragraphs resampled).

    Returns
    -------
    list of dict
        One dict per (half, metric) with the keys of :data:`AGREEMENT_COLUMNS`. Metrics:
        ``primary_alpha`` (Krippendorff's alpha of the primary frame), ``primary_pct_agree``
        (share of paragraphs with the same primary frame; no interval),
        ``macro_f1_presence`` and ``macro_f1_primary`` (outlet ``all``). ``n_units`` is the
        number of scored paragraphs compared.
    """
    coder = str(sheet["coder"].iloc[0])
    rows = []
    for half, parity in HALVES.items():
        part = sheet if parity is None else sheet[sheet["para_id"] % 2 == parity]
        report = validate.coding_report(prep.units, prep.articles, codebook,
                                        part.reset_index(drop=True), n_boot=n_boot, seed=seed)
        a = report.alpha
        prim = a[(a["comparison"] == f"lexicon_vs_{coder}")
                 & (a["variable"] == "primary_frame")].iloc[0]
        base = {"codebook_version": codebook.version, "half": half,
                "n_units": int(prim["n_units"]), "n_boot": n_boot}
        rows.append({**base, "metric": "primary_alpha", "value": prim["alpha"],
                     "lo": prim["alpha_lo"], "hi": prim["alpha_hi"]})
        rows.append({**base, "metric": "primary_pct_agree", "value": prim["pct_agree"],
                     "lo": float("nan"), "hi": float("nan")})
        p = report.prf
        for level in ("presence", "primary"):
            m = p[(p["reference"] == coder) & (p["outlet"] == "all") & (p["level"] == level)
                  & (p["frame"] == "macro")].iloc[0]
            rows.append({**base, "metric": f"macro_f1_{level}", "value": m["f1"],
                         "lo": m["f1_lo"], "hi": m["f1_hi"]})
    return rows


def outlet_rows(prep: Prepared, codebook: Codebook, n_boot: int = N_BOOT_SHARES,
                seed: int = SEED, focus: Sequence[str] = FOCUS) -> list[dict]:
    """Each outlet's dominant-frame shares, computed as ``framing analyze`` does.

    Parameters
    ----------
    prep : Prepared
    codebook : Codebook
    n_boot, seed : int
        Bootstrap of :func:`framing.frames.outlet_frames` (paragraphs resampled within the
        outlet; defaults as ``framing analyze``, so the figures equal ``outlet_frames.csv``).
    focus : sequence of str
        Frames reported.

    Returns
    -------
    list of dict
        One dict per (outlet, frame) with the keys of :data:`OUTLET_COLUMNS`.
    """
    tables = frames.score_units(prep.units, codebook)
    outlet_of = dict(zip(prep.articles["doc_id"], prep.articles["outlet"], strict=True))
    scores = tables["frame_scores"].assign(outlet=lambda d: d["doc_id"].map(outlet_of))
    prof = frames.outlet_frames(tables["paragraphs"], scores, n_boot=n_boot, seed=seed)
    prof = prof[prof["frame"].isin(list(focus))]
    return [{"codebook_version": codebook.version, **{c: r[c] for c in OUTLET_COLUMNS[1:]}}
            for _, r in prof.iterrows()]


def holdout_tables(corpus_dir: str | Path, codebooks: Sequence[Codebook], coder: str = "team_a",
                   n_boot: int = N_BOOT_CODING, seed: int = SEED
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement by half and outlet shares for each codebook.

    Parameters
    ----------
    corpus_dir : path-like
    codebooks : sequence of Codebook
        Compared in the order given.
    coder : str
        Reference coder.
    n_boot : int
        Replicates of the agreement intervals (the outlet shares always use
        :data:`N_BOOT_SHARES`, as ``framing analyze``).
    seed : int

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Agreement: one row per (codebook, half, metric), columns :data:`AGREEMENT_COLUMNS`;
        outlets: one row per (codebook, outlet, frame), columns :data:`OUTLET_COLUMNS`.
        Rows in codebook order, then as listed by the library.
    """
    prep = prepare(corpus_dir)
    agree: list[dict] = []
    shares: list[dict] = []
    for cb in codebooks:
        agree += agreement_rows(prep, cb, coder_sheet(corpus_dir, cb, coder), n_boot, seed)
        shares += outlet_rows(prep, cb, seed=seed)
    return (pd.DataFrame(agree, columns=AGREEMENT_COLUMNS),
            pd.DataFrame(shares, columns=OUTLET_COLUMNS))


def _ci(value: float, lo: float, hi: float, fmt: str = "{:.2f}") -> str:
    if pd.isna(value):
        return "n/a"
    if pd.isna(lo):
        return fmt.format(value)
    return f"{fmt.format(value)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def format_agreement(table: pd.DataFrame) -> str:
    """The agreement table as Markdown: one line per (codebook, half)."""
    lines = ["| codebook | paragraphs | n | primary alpha [95% CI] | primary agreement "
             "| macro F1 presence [95% CI] | macro F1 primary [95% CI] |",
             "|---|---|---|---|---|---|---|"]
    for (version, half), part in table.groupby(["codebook_version", "half"], sort=False):
        m = part.set_index("metric")
        cells = [_ci(m.loc[k, "value"], m.loc[k, "lo"], m.loc[k, "hi"])
                 for k in ("primary_alpha", "primary_pct_agree", "macro_f1_presence",
                           "macro_f1_primary")]
        lines.append(f"| {version} | {half} | {int(part['n_units'].iloc[0])} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def format_outlets(table: pd.DataFrame) -> str:
    """The outlet shares as Markdown: one line per (codebook, outlet)."""
    focus = list(dict.fromkeys(table["frame"]))
    lines = ["| codebook | outlet | paragraphs | "
             + " | ".join(f"{f} share [95% CI] (n)" for f in focus) + " |",
             "|---|---|---|" + "---|" * len(focus)]
    for (version, outlet), part in table.groupby(["codebook_version", "outlet"], sort=False):
        r = part.set_index("frame")
        cells = [_ci(r.loc[f, "dominant_share"], r.loc[f, "dominant_share_lo"],
                     r.loc[f, "dominant_share_hi"], "{:.0%}")
                 + f" ({int(r.loc[f, 'n_dominant'])})" for f in focus]
        lines.append(f"| {version} | {outlet} | {int(part['n_paragraphs'].iloc[0])} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print both tables as Markdown (and write CSV files on request)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="corpus folder with coding/frames*.csv")
    ap.add_argument("--codebook", action="append", default=None,
                    help="codebook YAML (repeatable; default: the shipped codebook)")
    ap.add_argument("--coder", default="team_a", help="reference coder (default team_a)")
    ap.add_argument("--n-boot", type=int, default=N_BOOT_CODING,
                    help=f"bootstrap replicates of the agreement figures ({N_BOOT_CODING})")
    ap.add_argument("--csv-dir", default=None, help="also write the tables as CSV here")
    args = ap.parse_args(argv)
    try:
        books = [load_codebook(p) for p in (args.codebook or [None])]
        agree, shares = holdout_tables(args.corpus, books, args.coder, args.n_boot)
    except FramingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Lexicon vs {args.coder} (odd para_id held out; both halves are from the same "
          "articles and the developers' own coding: weak evidence)\n")
    print(format_agreement(agree))
    print("Dominant-frame share per outlet (paragraphs resampled, as framing analyze)\n")
    print(format_outlets(shares))
    if args.csv_dir:
        out = Path(args.csv_dir)
        out.mkdir(parents=True, exist_ok=True)
        agree.to_csv(out / "holdout_agreement.csv", index=False, encoding="utf-8")
        shares.to_csv(out / "holdout_outlets.csv", index=False, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
