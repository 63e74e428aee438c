"""Held-out check of a codebook or dominance-rule revision against one coder's coding sheet.

Revisions are developed on paragraphs with an EVEN ``para_id`` and checked on the others:
codebook 1.2.0 by reading only the lexicon-vs-coder disagreements of even paragraphs, the
dominance rule of 1.3.0 by choosing among pre-registered candidate rules on the even
paragraphs alone. This script compares the lexicon with one human coder (default
``team_a``) separately on

- ``held_out_odd``: paragraphs with an odd ``para_id`` (not used while revising),
- ``development_even``: paragraphs with an even ``para_id`` (used while revising),
- ``all``: every scored, coded paragraph,

and writes, for every codebook and lead-sentence factor (rule 6 of :mod:`framing.frames`:
the codebook's ``rules.lead_factor`` unless ``--lead-factor`` overrides it; factor 1 is the
rule of codebooks up to 1.2.0), the primary-frame Krippendorff alpha (nominal, all frame
ids + ``none``) and the macro F1 for presence and for the primary frame (outlet ``all``),
each with its percentile bootstrap 95% interval, plus each outlet's dominant-frame shares of
chosen frames with the same intervals as ``framing analyze`` (``outlet_frames.csv``).

``--candidates`` replays the selection of the dominance rule (docs/frames.md, section 7):
the 13 pre-registered candidate rules (:data:`CANDIDATES`) are scored on the development
half, one is selected by the pre-registered criterion (:func:`select_candidate`), it is
confirmed or rejected on the held-out half, and only then, labelled as not used for the
choice, every candidate's held-out figures and outlet counts are shown.

Everything is computed by the library (:func:`framing.pipeline.prepare`,
:mod:`framing.frames`, :func:`framing.validate.corpus_validation`); the script only selects
paragraphs, computes the candidate rules' strengths and lays out tables. What the figures
are worth: both halves come from the same two seed articles and the coding was done by the
developers themselves, so the held-out half is weak evidence (same texts, same authors, same
coder), not an independent validation.

Usage (inside the project virtualenv; an older codebook is read from git, read-only)::

    git show f9f0ba4:framing/data/codebook.yaml > /tmp/codebook-1.2.0.yaml
    python scripts/codebook_holdout.py corpora/ai-talent-war \\
        --codebook /tmp/codebook-1.2.0.yaml --codebook framing/data/codebook.yaml
    python scripts/codebook_holdout.py corpora/ai-talent-war --candidates

Each codebook is scored with its own ``rules.lead_factor`` (1 when the file has none, as
every codebook up to 1.2.0). ``--lead-factor`` overrides it to compare rules on one set of
terms; the options pair up in order with ``--codebook`` (a single factor applies to every
codebook). A copy of codebook 1.3.0 read from git has no ``lead_factor`` field (its rule
was a constant in the code): give it ``--lead-factor 2`` to reproduce its scores. Without
``--codebook`` the shipped codebook is used. ``--csv-dir DIR`` also writes
``holdout_agreement.csv`` and ``holdout_outlets.csv`` (and ``holdout_candidates.csv`` with
``--candidates``).
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

#: Pre-registered dominance candidates, in the order that breaks a tie in the selection
#: (simpler first): name → (counting, emphasis). counting: ``weight`` (summed term weights),
#: ``distinct`` (a term repeated in the paragraph counts once), ``per_term`` (summed weight
#: divided by the frame's number of codebook terms); emphasis: hits in the ``lead`` (first)
#: or ``last`` sentence, or in a sentence holding an interpretive ``cue``
#: (:data:`INTERPRETIVE_CUES`), count twice; ``first_hit`` breaks a tie of summed weights
#: in favour of the frame hit first. ``weight`` is the rule up to codebook 1.2.0,
#: ``weight+lead`` the rule since 1.3.0 (``lead_factor: 2``). The list, the cues and the
#: criterion were fixed before any candidate was scored (docs/frames.md, section 7).
CANDIDATES: dict[str, tuple[str, str]] = {
    "weight": ("weight", ""),
    "weight+lead": ("weight", "lead"),
    "weight+last": ("weight", "last"),
    "weight+cue": ("weight", "cue"),
    "distinct": ("distinct", ""),
    "distinct+lead": ("distinct", "lead"),
    "distinct+last": ("distinct", "last"),
    "distinct+cue": ("distinct", "cue"),
    "per_term": ("per_term", ""),
    "per_term+lead": ("per_term", "lead"),
    "per_term+last": ("per_term", "last"),
    "per_term+cue": ("per_term", "cue"),
    "weight+first_hit": ("weight", "first_hit"),
}
#: The candidate that is the rule in force before the revision.
CURRENT = "weight"
#: Interpretive cues of the ``cue`` candidates (Simplified: substrings of the analysis
#: view): words with which a news text says what something means or reveals.
INTERPRETIVE_CUES = ("背后", "反映", "折射", "揭示", "意味", "凸显", "本质", "实质", "说明",
                     "表明", "显示", "证明", "体现", "暴露", "归根结底", "说到底", "实际上",
                     "其实")

AGREEMENT_COLUMNS = [
    "codebook_version", "lead_factor", "half", "n_units", "metric", "value", "lo", "hi",
    "n_boot",
]
OUTLET_COLUMNS = [
    "codebook_version", "lead_factor", "outlet", "frame", "n_paragraphs", "n_dominant",
    "dominant_share", "dominant_share_lo", "dominant_share_hi", "n_boot",
]
CANDIDATE_COLUMNS = ["candidate", "half", "n_units", "primary_alpha", "primary_pct_agree",
                     "macro_f1_primary"]


def _with_outlets(prep: Prepared, tables: dict[str, pd.DataFrame]
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame_scores`` and ``paragraphs`` with the ``outlet`` column added."""
    outlet_of = dict(zip(prep.articles["doc_id"], prep.articles["outlet"], strict=True))
    return tuple(tables[k].assign(outlet=lambda d: d["doc_id"].map(outlet_of))
                 for k in ("frame_scores", "paragraphs"))  # type: ignore[return-value]


def _half(df: pd.DataFrame, parity: int | None) -> pd.DataFrame:
    return df if parity is None else df[df["para_id"] % 2 == parity]


def half_metrics(prep: Prepared, codebook: Codebook, frame_scores: pd.DataFrame,
                 paragraphs: pd.DataFrame, coder: str, n_boot: int = N_BOOT_CODING,
                 seed: int = SEED, halves: Sequence[str] = tuple(HALVES)
                 ) -> dict[str, dict[str, pd.Series]]:
    """Lexicon-vs-coder agreement on each half, from given lexicon tables.

    Parameters
    ----------
    prep : Prepared
        The corpus (its ``coding/frames*.csv`` sheets are read).
    codebook : Codebook
    frame_scores, paragraphs : pandas.DataFrame
        The lexicon's tables (``paragraphs`` with ``outlet`` and ``dominant_frame``); a
        half is compared by keeping only its paragraphs in both (coded rows of other
        paragraphs are then left out by :func:`framing.validate.corpus_validation`).
    coder : str
        Reference coder.
    n_boot, seed : int
        Bootstrap of the coding report (paragraphs resampled; 0: no intervals).
    halves : sequence of str
        Keys of :data:`HALVES` to compare.

    Returns
    -------
    dict
        Half → ``{"alpha": row, "presence": row, "primary": row}``: the ``coding_alpha`` row
        of the primary frame and the macro rows of ``coding_prf`` (outlet ``all``).

    Raises
    ------
    ConfigError
        When the corpus has no coding sheet or ``coder`` coded none of the paragraphs.
    """
    out = {}
    for half in halves:
        parity = HALVES[half]
        t = validate.corpus_validation(prep.corpus_dir, _half(paragraphs, parity),
                                       {"frame_scores": _half(frame_scores, parity)},
                                       codebook, seed=seed, n_boot=n_boot)
        if not t:
            raise ConfigError(f"{prep.corpus_dir}: no coding/frames*.csv sheet")
        a, p = t["coding_alpha"], t["coding_prf"]
        prim = a[(a["comparison"] == f"lexicon_vs_{coder}")
                 & (a["variable"] == "primary_frame")]
        if prim.empty:
            found = ", ".join(sorted(p["reference"].unique()))
            raise ConfigError(f"{prep.corpus_dir}: coder {coder!r} not in the sheets "
                              f"(coders: {found})")
        macro = p[(p["reference"] == coder) & (p["outlet"] == "all") & (p["frame"] == "macro")]
        out[half] = {"alpha": prim.iloc[0],
                     **{lv: macro[macro["level"] == lv].iloc[0]
                        for lv in ("presence", "primary")}}
    return out


def _factor(codebook: Codebook, lead_factor: float | None) -> float:
    """The lead factor a comparison uses: the override, else the codebook's own."""
    return codebook.lead_factor if lead_factor is None else float(lead_factor)


def agreement_rows(prep: Prepared, codebook: Codebook, coder: str = "team_a",
                   lead_factor: float | None = None, n_boot: int = N_BOOT_CODING,
                   seed: int = SEED) -> list[dict]:
    """Lexicon-vs-coder agreement on each half of the paragraphs for one rule.

    Parameters
    ----------
    prep : Prepared
        The corpus (units, articles and coding sheets).
    codebook : Codebook
    coder : str
        Reference coder.
    lead_factor : float, optional
        Lead-sentence factor of the dominance rule (:func:`framing.frames.score_units`);
        default: the codebook's ``lead_factor``.
    n_boot, seed : int
        Bootstrap of :func:`framing.validate.corpus_validation` (paragraphs resampled).

    Returns
    -------
    list of dict
        One dict per (half, metric) with the keys of :data:`AGREEMENT_COLUMNS`. Metrics:
        ``primary_alpha`` (Krippendorff's alpha of the primary frame), ``primary_pct_agree``
        (share of paragraphs with the same primary frame; no interval),
        ``macro_f1_presence`` and ``macro_f1_primary`` (outlet ``all``). ``n_units`` is the
        number of scored paragraphs compared; ``lead_factor`` the factor used.
    """
    lead_factor = _factor(codebook, lead_factor)
    scores, paras = _with_outlets(prep, frames.score_units(prep.units, codebook, lead_factor))
    rows = []
    for half, m in half_metrics(prep, codebook, scores, paras, coder, n_boot, seed).items():
        prim = m["alpha"]
        base = {"codebook_version": codebook.version, "lead_factor": lead_factor,
                "half": half, "n_units": int(prim["n_units"]), "n_boot": n_boot}
        rows.append({**base, "metric": "primary_alpha", "value": prim["alpha"],
                     "lo": prim["alpha_lo"], "hi": prim["alpha_hi"]})
        rows.append({**base, "metric": "primary_pct_agree", "value": prim["pct_agree"],
                     "lo": float("nan"), "hi": float("nan")})
        for level in ("presence", "primary"):
            r = m[level]
            rows.append({**base, "metric": f"macro_f1_{level}", "value": r["f1"],
                         "lo": r["f1_lo"], "hi": r["f1_hi"]})
    return rows


def outlet_rows(prep: Prepared, codebook: Codebook, lead_factor: float | None = None,
                n_boot: int = N_BOOT_SHARES, seed: int = SEED,
                focus: Sequence[str] = FOCUS) -> list[dict]:
    """Each outlet's dominant-frame shares, computed as ``framing analyze`` does.

    Parameters
    ----------
    prep : Prepared
    codebook : Codebook
    lead_factor : float, optional
        Lead-sentence factor of the dominance rule; default: the codebook's.
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
    lead_factor = _factor(codebook, lead_factor)
    scores, paras = _with_outlets(prep, frames.score_units(prep.units, codebook, lead_factor))
    prof = frames.outlet_frames(paras, scores, n_boot=n_boot, seed=seed)
    prof = prof[prof["frame"].isin(list(focus))]
    return [{"codebook_version": codebook.version, "lead_factor": lead_factor,
             **{c: r[c] for c in OUTLET_COLUMNS[2:]}} for _, r in prof.iterrows()]


def holdout_tables(corpus_dir: str | Path, codebooks: Sequence[Codebook], coder: str = "team_a",
                   n_boot: int = N_BOOT_CODING, seed: int = SEED,
                   lead_factors: Sequence[float] | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement by half and outlet shares for each (codebook, lead factor) pair.

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
    lead_factors : sequence of float, optional
        Overrides of the codebooks' ``lead_factor``: one per codebook, or a single one for
        all. Default: each codebook's own.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Agreement: one row per (codebook, factor, half, metric), columns
        :data:`AGREEMENT_COLUMNS`; outlets: one row per (codebook, factor, outlet, frame),
        columns :data:`OUTLET_COLUMNS`. Rows in the order given, then as listed by the
        library.
    """
    if lead_factors is None:
        factors: list[float | None] = [None] * len(codebooks)
    elif len(lead_factors) not in (1, len(codebooks)):
        raise ConfigError(f"give one lead factor or one per codebook ({len(codebooks)}), "
                          f"not {len(lead_factors)}")
    else:
        factors = list(lead_factors) * (len(codebooks) if len(lead_factors) == 1 else 1)
    prep = prepare(corpus_dir)
    agree: list[dict] = []
    shares: list[dict] = []
    for cb, factor in zip(codebooks, factors, strict=True):
        agree += agreement_rows(prep, cb, coder, factor, n_boot, seed)
        shares += outlet_rows(prep, cb, factor, seed=seed)
    return (pd.DataFrame(agree, columns=AGREEMENT_COLUMNS),
            pd.DataFrame(shares, columns=OUTLET_COLUMNS))


# ---------------------------------------------------------------------------------------
# the pre-registered candidates of the dominance rule


def _emphasised(view: str, emphasis: str) -> list[tuple[int, int]]:
    """The spans of a paragraph whose hits count twice under an emphasis."""
    spans = frames.sentence_spans(view)
    if emphasis == "lead":
        return spans[:1]
    if emphasis == "last":
        return spans[-1:]
    if emphasis == "cue":
        return [(a, b) for a, b in spans if any(c in view[a:b] for c in INTERPRETIVE_CUES)]
    return []


def candidate_dominance(prep: Prepared, codebook: Codebook, tables: dict[str, pd.DataFrame],
                        candidate: str) -> pd.DataFrame:
    """Every scored paragraph's dominant frame under one candidate rule.

    Presence is as in the library (weight at least the codebook threshold); the candidate
    only ranks the present frames (:func:`framing.frames.dominant_frame` with strengths).

    Parameters
    ----------
    prep : Prepared
    codebook : Codebook
    tables : dict of str to pandas.DataFrame
        :func:`framing.frames.score_units` of ``prep.units`` (any lead factor: only the
        hits and weights are used).
    candidate : str
        A key of :data:`CANDIDATES`.

    Returns
    -------
    pandas.DataFrame
        ``doc_id, para_id, dominant_frame`` of the scored paragraphs, sorted.
    """
    counting, emphasis = CANDIDATES[candidate]
    n_terms = codebook.to_frame().groupby("frame").size().to_dict()
    views = {(u.doc_id, u.para_id): u.text_analysis for u in prep.units}
    hits = tables["frame_hits"]
    by_para = {k: g for k, g in hits[~hits["negated"]].groupby(["doc_id", "para_id"])}
    weights = tables["frame_scores"].groupby(["doc_id", "para_id"])
    rows = []
    for key, part in weights:
        w = dict(zip(part["frame"], part["weight"], strict=True))
        mine = by_para.get(key, hits.iloc[:0])
        if counting == "distinct":
            mine = mine.drop_duplicates(["frame", "term"])  # the first occurrence counts
        spans = _emphasised(views[key], emphasis)
        strength: dict[str, float] = {}
        for h in mine.itertuples():
            twice = any(a <= h.start < b for a, b in spans)
            strength[h.frame] = strength.get(h.frame, 0.0) + h.weight * (2.0 if twice else 1.0)
        if counting == "per_term":
            strength = {f: s / n_terms[f] for f, s in strength.items()}
        dom, _top, tied = frames.dominant_frame(w, codebook.dominant_threshold, strength)
        if emphasis == "first_hit" and tied:
            first = mine.groupby("frame")["start"].min()
            cand = [f for f in tied.split("|") if first[f] == first[tied.split("|")].min()]
            dom = cand[0] if len(cand) == 1 else ""
        rows.append({"doc_id": key[0], "para_id": key[1], "dominant_frame": dom})
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "dominant_frame"])


def candidate_table(corpus_dir: str | Path, codebook: Codebook, coder: str = "team_a",
                    halves: Sequence[str] = tuple(HALVES)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement (no intervals) and outlet counts of every candidate rule.

    Parameters
    ----------
    corpus_dir : path-like
    codebook : Codebook
    coder : str
        Reference coder.
    halves : sequence of str
        Halves to score (keys of :data:`HALVES`); the selection needs only
        ``development_even``.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Agreement: one row per (candidate, half), columns :data:`CANDIDATE_COLUMNS`;
        counts: one row per (candidate, outlet, frame of :data:`FOCUS`) with
        ``n_dominant, n_paragraphs``.
    """
    prep = prepare(corpus_dir)
    tables = frames.score_units(prep.units, codebook)
    scores, _p = _with_outlets(prep, tables)
    outlet_of = dict(zip(prep.articles["doc_id"], prep.articles["outlet"], strict=True))
    agree, counts = [], []
    for name in CANDIDATES:
        paras = candidate_dominance(prep, codebook, tables, name).assign(
            outlet=lambda d: d["doc_id"].map(outlet_of))
        for half, m in half_metrics(prep, codebook, scores, paras, coder, n_boot=0,
                                    halves=halves).items():
            agree.append({"candidate": name, "half": half,
                          "n_units": int(m["alpha"]["n_units"]),
                          "primary_alpha": m["alpha"]["alpha"],
                          "primary_pct_agree": m["alpha"]["pct_agree"],
                          "macro_f1_primary": m["primary"]["f1"]})
        for (outlet, frame), part in paras.assign(
                frame=paras["dominant_frame"]).groupby(["outlet", "frame"]):
            if frame in FOCUS:
                counts.append({"candidate": name, "outlet": outlet, "frame": frame,
                               "n_dominant": len(part),
                               "n_paragraphs": int((paras["outlet"] == outlet).sum())})
    return (pd.DataFrame(agree, columns=CANDIDATE_COLUMNS),
            pd.DataFrame(counts, columns=["candidate", "outlet", "frame", "n_dominant",
                                          "n_paragraphs"]))


def select_candidate(table: pd.DataFrame) -> tuple[str, bool, bool | None]:
    """The pre-registered choice among the candidate rules.

    On the development half, the candidate with the largest primary-frame alpha wins; a tie
    goes to the larger macro F1 of the primary frame, then to the earlier candidate of
    :data:`CANDIDATES`. It replaces :data:`CURRENT` only if its development alpha is
    strictly larger, and it is confirmed only if its held-out alpha is not smaller than the
    current rule's.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`candidate_table` agreement rows (``development_even`` required;
        ``held_out_odd`` needed for the confirmation).

    Returns
    -------
    (str, bool, bool or None)
        The selected candidate, whether it beats the current rule on the development half,
        and whether the held-out half confirms it (None without held-out rows or when the
        current rule is kept).
    """
    order = {name: i for i, name in enumerate(CANDIDATES)}
    dev = table[table["half"] == "development_even"].assign(
        order=lambda d: d["candidate"].map(order))
    # Rounding: two rules that put the same paragraphs in the same bins must tie exactly.
    dev = dev.assign(a=dev["primary_alpha"].round(9), f=dev["macro_f1_primary"].round(9))
    best = dev.sort_values(["a", "f", "order"], ascending=[False, False, True]).iloc[0]
    current = dev[dev["candidate"] == CURRENT].iloc[0]
    better = bool(best["a"] > current["a"])
    held = table[table["half"] == "held_out_odd"].set_index("candidate")["primary_alpha"]
    if not better or held.empty:
        return str(best["candidate"]), better, None
    return str(best["candidate"]), better, bool(
        round(held[best["candidate"]] - held[CURRENT], 9) >= 0)


# ---------------------------------------------------------------------------------------
# output


def _ci(value: float, lo: float, hi: float, fmt: str = "{:.2f}") -> str:
    if pd.isna(value):
        return "n/a"
    if pd.isna(lo):
        return fmt.format(value)
    return f"{fmt.format(value)} [{fmt.format(lo)}, {fmt.format(hi)}]"


def format_agreement(table: pd.DataFrame) -> str:
    """The agreement table as Markdown: one line per (codebook, lead factor, half)."""
    lines = ["| codebook | lead factor | paragraphs | n | primary alpha [95% CI] "
             "| primary agreement | macro F1 presence [95% CI] | macro F1 primary [95% CI] |",
             "|---|---|---|---|---|---|---|---|"]
    for (version, factor, half), part in table.groupby(
            ["codebook_version", "lead_factor", "half"], sort=False):
        m = part.set_index("metric")
        cells = [_ci(m.loc[k, "value"], m.loc[k, "lo"], m.loc[k, "hi"])
                 for k in ("primary_alpha", "primary_pct_agree", "macro_f1_presence",
                           "macro_f1_primary")]
        lines.append(f"| {version} | {factor:g} | {half} | {int(part['n_units'].iloc[0])} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def format_outlets(table: pd.DataFrame) -> str:
    """The outlet shares as Markdown: one line per (codebook, lead factor, outlet)."""
    focus = list(dict.fromkeys(table["frame"]))
    lines = ["| codebook | lead factor | outlet | paragraphs | "
             + " | ".join(f"{f} share [95% CI] (n)" for f in focus) + " |",
             "|---|---|---|---|" + "---|" * len(focus)]
    for (version, factor, outlet), part in table.groupby(
            ["codebook_version", "lead_factor", "outlet"], sort=False):
        r = part.set_index("frame")
        cells = [_ci(r.loc[f, "dominant_share"], r.loc[f, "dominant_share_lo"],
                     r.loc[f, "dominant_share_hi"], "{:.0%}")
                 + f" ({int(r.loc[f, 'n_dominant'])})" for f in focus]
        lines.append(f"| {version} | {factor:g} | {outlet} | {int(part['n_paragraphs'].iloc[0])}"
                     " | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def format_candidates(table: pd.DataFrame, counts: pd.DataFrame) -> str:
    """The selection as Markdown: development table, choice, confirmation, then the rest."""
    wide = table.pivot(index="candidate", columns="half").reindex(list(CANDIDATES))
    name, better, confirmed = select_candidate(table)

    def cells(cand: str, half: str) -> str:
        r = wide.loc[cand]
        return (f"{r[('primary_alpha', half)]:.3f} | {r[('primary_pct_agree', half)]:.3f} | "
                f"{r[('macro_f1_primary', half)]:.3f}")

    n_dev = int(wide[("n_units", "development_even")].iloc[0])
    lines = [f"Selection on the development half (even para_id, n = {n_dev}; the criterion "
             "was fixed before any candidate was scored):", "",
             "| candidate | primary alpha | primary agreement | macro F1 primary |",
             "|---|---|---|---|"]
    lines += [f"| {c} | {cells(c, 'development_even')} |" for c in CANDIDATES]
    lines += ["", f"selected: {name} ({'beats' if better else 'does not beat'} the current "
              f"rule {CURRENT!r} on the development half)"]
    if confirmed is not None:
        lines.append(f"held-out confirmation (odd para_id): "
                     f"{'confirmed' if confirmed else 'NOT confirmed'}: primary alpha "
                     f"{wide.loc[name, ('primary_alpha', 'held_out_odd')]:.3f} vs "
                     f"{wide.loc[CURRENT, ('primary_alpha', 'held_out_odd')]:.3f}")
    if {"held_out_odd", "all"} <= set(table["half"]) and not counts.empty:
        n = counts.pivot_table(index="candidate", columns=["frame", "outlet"],
                               values="n_dominant", aggfunc="first").reindex(
                                   list(CANDIDATES)).fillna(0).astype(int)
        heads = [f"{f} {o}" for f, o in n.columns]
        lines += ["", "Not used for the selection: every candidate on the other halves and "
                  "its dominant-frame counts per outlet:", "",
                  "| candidate | held-out alpha | held-out agreement | held-out macro F1 "
                  "primary | all alpha | all agreement | all macro F1 primary | "
                  + " | ".join(heads) + " |",
                  "|---|---|---|---|---|---|---|" + "---|" * len(heads)]
        lines += [f"| {c} | {cells(c, 'held_out_odd')} | {cells(c, 'all')} | "
                  + " | ".join(str(v) for v in n.loc[c]) + " |" for c in CANDIDATES]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the tables as Markdown (and write CSV files on request)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="corpus folder with coding/frames*.csv")
    ap.add_argument("--codebook", action="append", default=None,
                    help="codebook YAML (repeatable; default: the shipped codebook)")
    ap.add_argument("--lead-factor", action="append", type=float, default=None,
                    help="override the codebook's lead-sentence factor of the dominance "
                         "rule (rules.lead_factor), one per codebook or one for all "
                         "(default: each codebook's own; 1: rule up to 1.2.0)")
    ap.add_argument("--coder", default="team_a", help="reference coder (default team_a)")
    ap.add_argument("--n-boot", type=int, default=N_BOOT_CODING,
                    help=f"bootstrap replicates of the agreement figures ({N_BOOT_CODING})")
    ap.add_argument("--candidates", action="store_true",
                    help="replay the pre-registered selection of the dominance rule (first "
                         "codebook only)")
    ap.add_argument("--csv-dir", default=None, help="also write the tables as CSV here")
    args = ap.parse_args(argv)
    out = Path(args.csv_dir) if args.csv_dir else None
    try:
        books = [load_codebook(p) for p in (args.codebook or [None])]
        if args.candidates:
            table, counts = candidate_table(args.corpus, books[0], args.coder)
            print(format_candidates(table, counts))
            if out:
                out.mkdir(parents=True, exist_ok=True)
                table.to_csv(out / "holdout_candidates.csv", index=False, encoding="utf-8")
            return 0
        agree, shares = holdout_tables(args.corpus, books, args.coder, args.n_boot,
                                       lead_factors=args.lead_factor)
    except FramingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Lexicon vs {args.coder} (odd para_id held out; both halves are from the same "
          "articles and the developers' own coding: weak evidence)\n")
    print(format_agreement(agree))
    print("Dominant-frame share per outlet (paragraphs resampled, as framing analyze)\n")
    print(format_outlets(shares))
    if out:
        out.mkdir(parents=True, exist_ok=True)
        agree.to_csv(out / "holdout_agreement.csv", index=False, encoding="utf-8")
        shares.to_csv(out / "holdout_outlets.csv", index=False, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
