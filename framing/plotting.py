"""Shared figure set-up: a real CJK font shipped by a PyPI package, deterministic files.

matplotlib's default fonts have no CJK glyphs and only *warn* when a glyph is missing, so
figures with Chinese labels would silently show empty boxes. framing registers Noto Sans CJK
from the ``noto-cjk-sans-otc`` package (installed with framing; nothing is downloaded) and
uses it for every figure. The test suite turns matplotlib's missing-glyph warnings into
errors.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

#: Fixed salt so SVG element ids are the same in every run.
SVG_HASHSALT = "framing"


@functools.lru_cache(maxsize=1)
def cjk_font_name() -> str:
    """Register the shipped Noto Sans CJK font with matplotlib and return its family name."""
    import noto_cjk_sans_otc

    path = Path(str(noto_cjk_sans_otc.FONT_PATH))
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def setup() -> str:
    """Configure matplotlib and seaborn for framing's figures; return the CJK font name.

    Sets the CJK font first in the sans-serif list (DejaVu Sans stays as fallback for Latin
    signs), a fixed SVG hash salt, no SVG/PNG date metadata, and seaborn's ``whitegrid``.
    """
    import seaborn as sns

    name = cjk_font_name()
    sns.set_theme(style="whitegrid", font=name)
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["svg.hashsalt"] = SVG_HASHSALT
    matplotlib.rcParams["svg.fonttype"] = "path"
    return name


def save(fig: matplotlib.figure.Figure, out_dir: str | Path, stem: str) -> list[Path]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg`` in ``out_dir`` and close it.

    Metadata that would change between runs (creation date, software version) is left out,
    so reruns give identical files.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        path = out / f"{stem}.{ext}"
        fig.savefig(path, dpi=150, bbox_inches="tight", metadata=meta)
        paths.append(path)
    plt.close(fig)
    return paths
