"""``framing report``: draw the figure set of a corpus."""

from __future__ import annotations

import argparse
import sys

from framing.analyze import DEFAULT_SEED
from framing.commands.analyze import DEFAULT_CORPUS


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``report`` to the ``framing`` parser."""
    p = sub.add_parser(
        "report",
        help="draw the figure set (PNG + SVG) of a corpus",
        description="Analyse a corpus in memory and write its figures as PNG and SVG, plus a "
        "manifest.json with the corpus hash, the settings and each figure's SHA-256: outlet "
        "frame profiles, each article's frames, distinctive terms, topic shares, sentiment arcs "
        "and sentiment by frame. The same figures as in `framing analyze`'s figures/ folder; "
        "the output folder is replaced only when the run succeeds.",
    )
    p.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS,
                   help=f"corpus folder (default: {DEFAULT_CORPUS})")
    p.add_argument("-o", "--out", default="report", help="output folder (default: report)")
    p.add_argument("--codebook", default=None, help="frame codebook YAML (default: shipped)")
    p.add_argument("--topics-k", type=int, default=None, help="number of topics (default: auto)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of every random step")
    p.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples")
    p.add_argument("--skip-bad", action="store_true",
                   help="use the readable articles even if some manifest rows are skipped")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from framing.figureset import write_report

    paths = write_report(args.corpus, args.out, codebook=args.codebook, seed=args.seed,
                         n_boot=args.n_boot, topics_k=args.topics_k, skip_bad=args.skip_bad,
                         progress=sys.stderr.isatty())
    figures = sorted({p.stem for p in paths if p.suffix == ".png"})
    print(f"wrote {len(figures)} figures (PNG + SVG) to {args.out}:")
    for stem in figures:
        print(f"  {stem}")
    return 0
