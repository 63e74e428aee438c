"""Figures of paragraph sentiment.

- ``sentiment_arcs``: each article's sentiment along its paragraphs (position 0–1), one line
  per article, coloured by outlet. Dots are the paragraph scores; the line is their centred
  rolling mean over :data:`ARC_WINDOW` scored paragraphs (fewer at the ends), because a
  paragraph's score jumps between -1 and 1 on one or two lexicon hits. Paragraphs without a
  score are left out. With more than :data:`ARC_LINES` articles, each outlet's mean score
  in :data:`ARC_BINS` position bins is drawn instead.
- ``frame_sentiment``: mean sentiment by dominant frame (rows) and outlet (colours), with
  rough 95 % intervals, for one scorer.

Both show one scorer, by default the one :func:`framing.sentiment.preferred_scorer` picks,
and say which in the title. Builders return a :class:`matplotlib.figure.Figure`; the
``write_*`` helpers save PNG+SVG with :func:`framing.plotting.save`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from framing import plotting
from framing.errors import ConfigError
from framing.sentiment import SCORER_COLUMNS, preferred_scorer

#: Scored paragraphs in the rolling mean drawn as each article's arc.
ARC_WINDOW = 5
#: Most articles drawn one line each. Beyond it the lines would hide one another (and
#: 100,000 of them take minutes to draw): each outlet's mean over its articles is drawn
#: instead, paragraph positions in :data:`ARC_BINS` equal bins.
ARC_LINES = 60
#: Position bins of the per-outlet mean arc.
ARC_BINS = 10
#: Axis label of each scorer.
SCORER_LABELS = {
    "sentiment_lexicon": "lexicon tone, (pos - neg) / (pos + neg)",
    "sentiment_snownlp": "SnowNLP P(positive) (product-review model)",
    "sentiment_snownlp_sent_mean": "SnowNLP, mean over sentences (product-review model)",
}
#: Neutral reference line of each scorer.
SCORER_MIDPOINT = {"sentiment_lexicon": 0.0, "sentiment_snownlp": 0.5,
                   "sentiment_snownlp_sent_mean": 0.5}
#: Value range of each scorer.
SCORER_RANGE = {"sentiment_lexicon": (-1.05, 1.05), "sentiment_snownlp": (-0.03, 1.03),
                "sentiment_snownlp_sent_mean": (-0.03, 1.03)}


def _check_scorer(scorer: str | None) -> str:
    col = scorer or preferred_scorer()
    if col not in SCORER_COLUMNS:
        raise ConfigError(f"unknown scorer {col!r}; expected one of {', '.join(SCORER_COLUMNS)}")
    return col


def _outlet_colours(outlets: list[str]) -> dict[str, tuple]:
    import seaborn as sns

    palette = sns.color_palette("colorblind", max(len(outlets), 1))
    return {o: palette[i % len(palette)] for i, o in enumerate(outlets)}


def sentiment_arcs_figure(arcs: pd.DataFrame, scorer: str | None = None) -> Figure:
    """One line per article along normalised paragraph position, coloured by outlet.

    Parameters
    ----------
    arcs : DataFrame
        Output of :func:`framing.sentiment.sentiment_arcs`.
    scorer : str, optional
        Column to plot; defaults to :func:`framing.sentiment.preferred_scorer`.
    """
    col = _check_scorer(scorer)
    plotting.setup()
    outlets = sorted(arcs["outlet"].dropna().astype(str).unique())
    colours = _outlet_colours(outlets)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    n_articles = arcs.loc[arcs[col].notna(), "doc_id"].nunique()
    if n_articles > ARC_LINES:
        _outlet_mean_arcs(ax, arcs, col, outlets, colours)
        ax.set_title(f"Sentiment arcs, mean of each outlet's {n_articles:,} articles "
                     f"({col}; position in {ARC_BINS} equal bins)")
        return _arc_axes(fig, ax, col, bool(outlets))
    seen: set[str] = set()
    for _doc_id, g in arcs.sort_values(["doc_id", "para_id"]).groupby("doc_id", sort=True):
        g = g.dropna(subset=[col])
        if g.empty:
            continue
        outlet = str(g["outlet"].iloc[0])
        smooth = g[col].rolling(ARC_WINDOW, center=True, min_periods=1).mean()
        ax.scatter(g["position"], g[col], s=8, alpha=0.35, color=colours.get(outlet))
        ax.plot(g["position"], smooth, linewidth=1.6, color=colours.get(outlet),
                label=outlet if outlet not in seen else None)
        seen.add(outlet)
    ax.set_title(f"Sentiment arcs, one line per article ({col}; line = rolling mean of "
                 f"{ARC_WINDOW} paragraphs)")
    return _arc_axes(fig, ax, col, bool(seen))


def _outlet_mean_arcs(ax: plt.Axes, arcs: pd.DataFrame, col: str, outlets: list[str],
                      colours: dict[str, tuple]) -> None:
    """Each outlet's mean score per position bin (a paragraph at position 1 goes in the
    last bin), the bins' centres joined by a line; a bin without a scored paragraph is a
    gap."""
    scored = arcs[arcs[col].notna() & arcs["outlet"].notna()]
    bins = (scored["position"].to_numpy(float) * ARC_BINS).astype(int).clip(0, ARC_BINS - 1)
    means = (scored.assign(bin=bins, outlet=scored["outlet"].astype(str))
             .groupby(["outlet", "bin"], sort=True)[col].mean())
    centres = (pd.RangeIndex(ARC_BINS) + 0.5) / ARC_BINS
    for outlet in outlets:
        if outlet not in means.index.get_level_values(0):
            continue
        line = means.loc[outlet].reindex(range(ARC_BINS))
        ax.plot(centres, line.to_numpy(float), marker="o", markersize=3, linewidth=1.6,
                color=colours.get(outlet), label=outlet)


def _arc_axes(fig: Figure, ax: plt.Axes, col: str, legend: bool) -> Figure:
    ax.axhline(SCORER_MIDPOINT[col], color="grey", linewidth=0.8, linestyle="--")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(*SCORER_RANGE[col])
    ax.set_xlabel("position in article (0 = first paragraph, 1 = last)")
    ax.set_ylabel(SCORER_LABELS[col])
    if legend:
        ax.legend(title="outlet", loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def frame_sentiment_figure(frame_sent: pd.DataFrame, scorer: str | None = None) -> Figure:
    """Mean sentiment by dominant frame and outlet, with rough 95 % intervals.

    Parameters
    ----------
    frame_sent : DataFrame
        Output of :func:`framing.sentiment.frame_sentiment`.
    scorer : str, optional
        Scorer to show; defaults to :func:`framing.sentiment.preferred_scorer`.
    """
    col = _check_scorer(scorer)
    plotting.setup()
    df = frame_sent[(frame_sent["scorer"] == col) & (frame_sent["n_paragraphs"] > 0)]
    frames = sorted(df["dominant_frame"].astype(str).unique())
    outlets = sorted(df["outlet"].astype(str).unique())
    colours = _outlet_colours(outlets)
    fig, ax = plt.subplots(figsize=(8, 0.5 * max(len(frames), 2) + 1.5))
    step = 0.7 / max(len(outlets), 1)
    for j, outlet in enumerate(outlets):
        g = df[df["outlet"] == outlet].set_index("dominant_frame")
        ys, xs, lo, hi = [], [], [], []
        for i, fr in enumerate(frames):
            if fr in g.index:
                row = g.loc[fr]
                ys.append(i - 0.35 + step * (j + 0.5))
                xs.append(row["mean"])
                lo.append(row["mean"] - row["ci_low"] if pd.notna(row["ci_low"]) else 0.0)
                hi.append(row["ci_high"] - row["mean"] if pd.notna(row["ci_high"]) else 0.0)
        ax.errorbar(xs, ys, xerr=[lo, hi], fmt="o", color=colours[outlet], label=outlet,
                    capsize=2, markersize=4)
    ax.axvline(SCORER_MIDPOINT[col], color="grey", linewidth=0.8, linestyle="--")
    ax.set_yticks(range(len(frames)), frames)
    ax.set_xlim(*SCORER_RANGE[col])
    ax.invert_yaxis()
    ax.set_xlabel(f"mean {SCORER_LABELS[col]}")
    ax.set_ylabel("dominant frame")
    ax.set_title(f"Sentiment by dominant frame and outlet ({col})")
    if outlets:
        ax.legend(title="outlet", loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def write_sentiment_arcs(arcs: pd.DataFrame, out_dir: str | Path,
                         scorer: str | None = None) -> list[Path]:
    """Save ``sentiment_arcs.png`` and ``.svg`` in ``out_dir``."""
    return plotting.save(sentiment_arcs_figure(arcs, scorer), out_dir, "sentiment_arcs")


def write_frame_sentiment(frame_sent: pd.DataFrame, out_dir: str | Path,
                          scorer: str | None = None) -> list[Path]:
    """Save ``frame_sentiment.png`` and ``.svg`` in ``out_dir``."""
    return plotting.save(frame_sentiment_figure(frame_sent, scorer), out_dir, "frame_sentiment")
