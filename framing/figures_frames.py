"""Figures of the frame analysis (seaborn, Noto Sans CJK via :mod:`framing.plotting`).

- :func:`plot_outlet_frames`: each outlet's frame profile, share of paragraphs in which a
  frame dominates and mean density, with the bootstrap 95% intervals of ``outlet_frames``.
- :func:`plot_article_frames`: one heat map per article, frames × paragraphs, colour = frame
  weight, a dot on each paragraph's dominant frame.

Labels are English with the Chinese frame labels and outlet names as written.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from framing import plotting
from framing.codebook import Codebook

_ROLE_MARK = {"title": "T", "heading": "H", "list_item": "L"}


def _frame_labels(codebook: Codebook | None, frames: list[str]) -> list[str]:
    if codebook is None:
        return frames
    labels = {f.id: f.label for f in codebook.frames}
    return [labels.get(f, f) for f in frames]


def frame_order(codebook: Codebook | None, present: list[str]) -> list[str]:
    """The frames ``present``, in the codebook's order (the others after them, sorted)."""
    if codebook is None:
        return sorted(present)
    order = [f for f in codebook.frame_ids if f in present]
    return order + sorted(f for f in present if f not in order)


def plot_outlet_frames(
    outlet_table: pd.DataFrame,
    codebook: Codebook | None,
    out_dir: str | Path,
    stem: str = "outlet_frames",
) -> list[Path]:
    """Plot each outlet's frame profile with its intervals.

    Parameters
    ----------
    outlet_table : pandas.DataFrame
        Output of :func:`framing.frames.outlet_frames`.
    codebook : Codebook, optional
        For frame labels and order.
    out_dir : path-like
    stem : str
        File stem; writes ``stem.png`` and ``stem.svg``.

    Returns
    -------
    list of Path
        The files written.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    plotting.setup()
    frames = frame_order(codebook, list(outlet_table["frame"].unique()))
    outlets = sorted(outlet_table["outlet"].unique())
    palette = sns.color_palette("colorblind", max(len(outlets), 1))
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.45 * len(frames) + 1.8), sharey=True)
    y = np.arange(len(frames))
    step = 0.7 / max(len(outlets), 1)
    panels = (("dominant_share", "share of paragraphs the frame dominates"),
              ("mean_density", "mean density (weight per 100 word tokens)"))
    for ax, (col, xlabel) in zip(axes, panels, strict=True):
        for k, outlet in enumerate(outlets):
            part = outlet_table[outlet_table["outlet"] == outlet].set_index("frame")
            part = part.reindex(frames)
            est = part[col].to_numpy(float)
            lo, hi = part[f"{col}_lo"].to_numpy(float), part[f"{col}_hi"].to_numpy(float)
            err = np.vstack([np.clip(est - lo, 0, None), np.clip(hi - est, 0, None)])
            err = np.nan_to_num(err)
            n = int(part["n_paragraphs"].dropna().iloc[0]) if part["n_paragraphs"].notna().any() \
                else 0
            offset = (k - (len(outlets) - 1) / 2) * step
            ax.errorbar(est, y + offset, xerr=err, fmt="o", color=palette[k], capsize=3,
                        label=f"{outlet} (n={n} paragraphs)")
        ax.set_xlabel(xlabel)
        ax.set_xlim(left=0)
    axes[0].set_yticks(y, _frame_labels(codebook, frames))
    axes[0].invert_yaxis()
    axes[0].legend(loc="lower right", fontsize=8)
    unit = str(outlet_table["ci_unit"].iloc[0]) if not outlet_table.empty else "paragraph"
    fig.suptitle(f"Frame profile by outlet (bootstrap 95% intervals, {unit}s resampled)")
    fig.tight_layout()
    return plotting.save(fig, out_dir, stem)


def plot_article_frames(
    frame_scores: pd.DataFrame,
    paragraphs: pd.DataFrame,
    codebook: Codebook | None,
    out_dir: str | Path,
    outlets: dict[str, str] | None = None,
    stem_prefix: str = "frames_by_paragraph_",
    frame_rows: list[str] | None = None,
) -> list[Path]:
    """One heat map per article: frames (rows) × paragraphs (columns), colour = weight.

    Parameters
    ----------
    frame_scores : pandas.DataFrame
        The ``frame_scores`` table.
    paragraphs : pandas.DataFrame
        ``doc_id, para_id, dominant_frame`` and optionally ``role`` (titles, headings and
        list items are marked T, H, L on the axis).
    codebook : Codebook, optional
    out_dir : path-like
    outlets : dict, optional
        doc_id → outlet, for the titles.
    stem_prefix : str
        Files are ``<stem_prefix><doc_id>.png`` / ``.svg``.
    frame_rows : list of str, optional
        The rows, in order (default: :func:`frame_order` of the frames in ``frame_scores``;
        :func:`framing.report.write_figures` gives each article's drawing the order of all
        the articles it draws).

    Returns
    -------
    list of Path
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    plotting.setup()
    outlets = outlets or {}
    paths: list[Path] = []
    frames = (list(frame_rows) if frame_rows is not None
              else frame_order(codebook, list(frame_scores["frame"].unique())))
    labels = _frame_labels(codebook, frames)
    para_idx = paragraphs.set_index(["doc_id", "para_id"])
    for doc_id, part in frame_scores.groupby("doc_id", sort=True):
        wide = part.pivot_table(index="frame", columns="para_id", values="weight",
                                aggfunc="first").reindex(frames).fillna(0.0)
        cols = list(wide.columns)
        ticks = []
        for pid in cols:
            role = para_idx["role"].get((doc_id, pid), "") if "role" in para_idx else ""
            ticks.append(f"{pid}{_ROLE_MARK.get(role, '')}")
        fig, ax = plt.subplots(figsize=(max(6.0, 0.2 * len(cols) + 4), 0.42 * len(frames) + 1.8))
        sns.heatmap(wide.to_numpy(float), ax=ax, cmap="rocket_r", linewidths=0.3,
                    linecolor="white", cbar_kws={"label": "frame weight (sum of term weights)"},
                    xticklabels=ticks, yticklabels=labels)
        for j, pid in enumerate(cols):
            dom = para_idx["dominant_frame"].get((doc_id, pid), "")
            if isinstance(dom, str) and dom in frames:
                ax.plot(j + 0.5, frames.index(dom) + 0.5, "o", color="#1f77b4", markersize=4)
        ax.set_xlabel("paragraph (T title, H heading, L list item); dot = dominant frame")
        ax.set_ylabel("")
        ax.tick_params(axis="x", labelsize=6, rotation=90)
        outlet = outlets.get(doc_id, "")
        ax.set_title(f"{doc_id} {outlet}: frames paragraph by paragraph".replace("  ", " "))
        fig.tight_layout()
        paths.extend(plotting.save(fig, out_dir, f"{stem_prefix}{doc_id}"))
    return paths
