"""Figures of distinctive terms and topics.

- ``distinctive_terms``: one panel per group (outlet, period ...), its top terms by one method
  as horizontal bars, sorted within the panel (most distinctive at the top). Terms are shown
  in their display form (``term_original``: the spelling used in the corpus).
- ``topic_shares``: heat map of each outlet's mean topic shares (rows outlets, columns
  topics labelled by their top terms).
- ``topic_k_diagnostics``: relative reconstruction error, NPMI coherence and topic diversity
  against the number of topics, with the fitted k marked.

Builders return a :class:`matplotlib.figure.Figure`; the ``write_*`` helpers save PNG+SVG
with :func:`framing.plotting.save`. Labels are English, terms Chinese (Noto Sans CJK via
:func:`framing.plotting.setup`).
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from framing import plotting
from framing.errors import ConfigError
from framing.terms import REST

#: Axis label of each distinctive-terms method.
METHOD_LABELS = {
    "log_odds_dirichlet": "z-score of log-odds ratio (informative Dirichlet prior)",
    "chi2": "signed chi-squared (Yates-corrected where quanteda applies it)",
    "log_likelihood": "signed log-likelihood G2",
    "tfidf": "TF-IDF weight (group as one document)",
}

#: Panels per row in facet figures.
FACET_COLUMNS = 4


def _display(df: pd.DataFrame) -> pd.Series:
    if "term_original" in df.columns:
        orig = df["term_original"].fillna("").astype(str)
        return orig.where(orig != "", df["term"].astype(str))
    return df["term"].astype(str)


def distinctive_terms_figure(
    distinctive: pd.DataFrame, method: str = "log_odds_dirichlet", top: int = 10,
    reference: str = REST,
) -> Figure:
    """Top distinctive terms per group, one panel per group.

    Parameters
    ----------
    distinctive : DataFrame
        Output of :func:`framing.terms.distinctive_terms`.
    method : str
        Method whose scores are shown.
    top : int
        Terms per panel.
    reference : str
        Which comparison to show: ``"(rest)"`` (one against the rest) or a group name.
    """
    plotting.setup()
    sub = distinctive[(distinctive["method"] == method)
                      & (distinctive["reference"] == reference)
                      & (distinctive["rank"] <= top)]
    if sub.empty:
        raise ConfigError(f"no distinctive terms for method {method!r} and reference "
                          f"{reference!r} to plot")
    groups = sorted(sub["group"].astype(str).unique())
    shown = int(sub["rank"].max())  # the table may hold fewer than ``top`` terms per group
    ncols = min(FACET_COLUMNS, len(groups))
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, (0.28 * shown + 1.2) * nrows),
                             squeeze=False)
    group_var = str(sub["group_var"].iloc[0])
    for ax, g in zip(axes.ravel(), groups, strict=False):
        rows = sub[sub["group"].astype(str) == g].sort_values("rank", kind="mergesort")
        labels = _display(rows).tolist()[::-1]
        values = rows["score"].tolist()[::-1]
        colors = ["#3b6ea8" if v >= 0 else "#b8553a" for v in values]
        ax.barh(range(len(values)), values, color=colors)
        ax.set_yticks(range(len(values)), labels)
        ax.set_title(f"{group_var} = {g}", fontsize=10)
        ax.axvline(0, color="0.3", linewidth=0.6)
        ax.tick_params(axis="y", labelsize=9)
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    against = "the rest" if reference == REST else reference
    fig.supxlabel(METHOD_LABELS.get(method, method), fontsize=9)
    fig.suptitle(f"Top {shown} distinctive terms per {group_var} (vs {against})", fontsize=11)
    fig.tight_layout()
    return fig


def topic_shares_figure(outlet_topics: pd.DataFrame, topics: pd.DataFrame) -> Figure:
    """Heat map of mean topic shares per outlet (rows outlets, columns topics)."""
    import seaborn as sns

    plotting.setup()
    if outlet_topics.empty:
        raise ConfigError("no outlet topic shares to plot")
    labels = {int(t): f"{int(t)}: {lab}" for t, lab in zip(topics["topic"], topics["label"],
                                                          strict=True)}
    wide = outlet_topics.pivot(index="outlet", columns="topic", values="share").sort_index()
    wide.columns = [labels.get(int(c), str(c)) for c in wide.columns]
    n_out, n_top = wide.shape
    fig, ax = plt.subplots(figsize=(1.3 * n_top + 3.0, 0.5 * n_out + 3.2))
    sns.heatmap(wide, ax=ax, cmap="Blues", vmin=0, annot=n_out * n_top <= 300, fmt=".2f",
                cbar_kws={"label": "mean paragraph share", "shrink": 0.8}, linewidths=0.5)
    ax.set_xlabel("topic (top terms)")
    ax.set_ylabel("outlet")
    ax.set_title("Topic shares per outlet")
    plt.setp(ax.get_xticklabels(), rotation=35, ha="right")
    plt.setp(ax.get_yticklabels(), rotation=0)
    fig.tight_layout()
    return fig


def k_diagnostics_figure(diagnostics: pd.DataFrame) -> Figure:
    """Reconstruction error, NPMI coherence and topic diversity against k."""
    plotting.setup()
    if diagnostics.empty:
        raise ConfigError("no k diagnostics to plot")
    panels = [("relative_error", "relative reconstruction error"),
              ("coherence_npmi", "coherence (NPMI of top terms)"),
              ("topic_diversity", "topic diversity")]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    chosen = diagnostics.loc[diagnostics["chosen"].astype(bool), "k"]
    for ax, (col, label) in zip(axes, panels, strict=True):
        ax.plot(diagnostics["k"], diagnostics[col], marker="o", color="#3b6ea8")
        for k in chosen:
            ax.axvline(k, color="#b8553a", linestyle="--", linewidth=1)
        ax.set_xlabel("number of topics k")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(label)
    fig.suptitle("Choosing k (dashed: fitted k)", fontsize=11)
    fig.tight_layout()
    return fig


def write_terms_figures(
    distinctive: pd.DataFrame, out_dir: str | Path, method: str = "log_odds_dirichlet",
    top: int = 10,
) -> list[Path]:
    """Save ``distinctive_terms.png``/``.svg`` (falls back to the first method present)."""
    present = distinctive["method"].unique().tolist()
    if method not in present and present:
        method = present[0]
    fig = distinctive_terms_figure(distinctive, method=method, top=top)
    return plotting.save(fig, out_dir, "distinctive_terms")


def write_topic_figures(results: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Save ``topic_shares`` and (if diagnostics exist) ``topic_k_diagnostics`` figures."""
    paths = plotting.save(topic_shares_figure(results["outlet_topics"], results["topics"]),
                          out_dir, "topic_shares")
    diag = results.get("topic_k_diagnostics")
    if diag is not None and not diag.empty:
        paths += plotting.save(k_diagnostics_figure(diag), out_dir, "topic_k_diagnostics")
    return paths
