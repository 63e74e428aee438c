"""Timeline figure: one panel per frame, one line per group, bootstrap interval bands.

Drawn from ``timeline.csv`` (:func:`framing.timeline.timeline`). Panels of a frame that is
0 in every cell are not drawn; the caption names them. Periods are placed at
equal steps in label order (labels of one frequency sort in time order); a period where a
group has no article is a gap in its line, not a zero. Points resting on one article have
no band (their interval is NaN) and are drawn as hollow markers.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from framing import plotting
from framing.codebook import Codebook

_KIND_LABEL = {
    "frame_share": "share of paragraphs (dominant frame)",
    "frame_density": "frame density (weighted hits / 100 tokens)",
    "topic_share": "share of paragraphs (dominant topic)",
}


def _panel_title(name: str, codebook: Codebook | None) -> str:
    if codebook is not None:
        for f in codebook.frames:
            if f.id == name:
                return f"{f.label_zh} / {f.label_en}"
    return name


def plot_timeline(
    table: pd.DataFrame,
    out_dir: str | Path,
    codebook: Codebook | None = None,
    kind: str = "frame_share",
    stem: str | None = None,
    ncols: int = 3,
) -> list[Path]:
    """Draw the timeline of one measure kind: a panel per frame (or topic), a line per group.

    Parameters
    ----------
    table : DataFrame
        ``timeline.csv`` rows.
    out_dir : path-like
    codebook : Codebook, optional
        For frame labels (Chinese / English) and panel order.
    kind : str
        ``frame_share``, ``frame_density`` or ``topic_share``.
    stem : str, optional
        File stem (default ``timeline_<kind>``).
    ncols : int
        Panels per row.

    Returns
    -------
    list of Path
        The PNG and SVG written (empty if the table has no row of this kind).
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    part = table[table["metric"].astype(str).str.startswith(kind + ":")].copy()
    if part.empty:
        return []
    plotting.setup()
    part["panel"] = part["metric"].str.split(":", n=1).str[1]
    # A panel where the measure is 0 in every cell only shows its (wide) interval; it is
    # left out and named in the caption instead.
    flat = part.groupby("panel")["value"].apply(lambda v: bool((v.fillna(0) == 0).all()))
    empty = sorted(flat[flat].index)
    panels = sorted(p for p in part["panel"].unique() if p not in empty)
    if not panels:
        panels, empty = sorted(part["panel"].unique()), []
    if codebook is not None:
        order = [f for f in codebook.frame_ids if f in panels]
        panels = order + [p for p in panels if p not in order]
    periods = sorted(part["period"].astype(str).unique())
    groups = sorted(part["group"].astype(str).unique())
    colors = dict(zip(groups, sns.color_palette("colorblind", len(groups)), strict=True))
    ncols = max(1, min(ncols, len(panels)))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.9 * nrows), sharex=True,
                             sharey=kind != "frame_density", squeeze=False)
    for ax, panel in zip(axes.flat, panels, strict=False):
        sub = part[part["panel"] == panel]
        for g in groups:
            line = sub[sub["group"].astype(str) == g].set_index("period").reindex(periods)
            x = np.arange(len(periods), dtype=float)
            y = line["value"].to_numpy(dtype=float)
            ax.plot(x, y, color=colors[g], marker="o", lw=1.6, ms=4, label=g)
            ax.fill_between(x, line["ci_low"].to_numpy(float), line["ci_high"].to_numpy(float),
                            color=colors[g], alpha=0.18, lw=0)
            single = (line["n_articles"].fillna(0).to_numpy() < 2) & ~np.isnan(y)
            if single.any():
                ax.plot(x[single], y[single], ls="none", marker="o", ms=7, mfc="white",
                        mec=colors[g])
        ax.set_title(_panel_title(panel, codebook), fontsize=10)
        ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right", fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    freq = str(part["freq"].iloc[0]) if "freq" in part.columns else ""
    group_var = str(part["group_var"].iloc[0])
    fig.supylabel(_KIND_LABEL.get(kind, kind), fontsize=10)
    caption = (f"period ({freq}); bands: bootstrap 95% interval resampling articles; "
               "hollow: one article, no interval")
    if empty:
        caption += "\nzero in every period and group (not drawn): " + ", ".join(
            _panel_title(p, codebook) for p in empty)
    fig.supxlabel(caption, fontsize=9)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, title=group_var, loc="upper center",
               ncol=min(len(groups), 6), bbox_to_anchor=(0.5, 1.0 + 0.04 / nrows), fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    return plotting.save(fig, out_dir, stem or f"timeline_{kind}")
