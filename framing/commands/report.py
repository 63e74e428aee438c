"""``framing report``: draw the figure set of a corpus."""

from __future__ import annotations

import argparse
import sys

from framing.commands.analyze import add_run_arguments


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
    add_run_arguments(p, out="report")
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
