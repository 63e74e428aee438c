"""Timeline and comparison commands: ``framing timeline`` and ``framing compare``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the commands import what they use: the parser is built without pandas
    import pandas as pd


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``timeline`` and ``compare`` to the ``framing`` parser."""
    p = sub.add_parser(
        "timeline",
        help="frame shares, densities, sentiment (and topics) by period × outlet, with "
             "article-bootstrap intervals",
        description="Aggregate paragraph measures by period and group. An article is placed "
        "in a period only if its whole date interval lies inside it (a month-dated article "
        "is in no week); articles that cannot be placed are listed in "
        "timeline_excluded.csv.",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--freq", default="M", help="period: D, W, M (default), Q or Y")
    p.add_argument("--by", default="outlet", help="outlet (default), another manifest "
                                                  "column, or 'all'")
    p.add_argument("--metric", action="append", default=None, metavar="M",
                   help="measure or kind (repeatable): frame_share (default), frame_density, "
                        "sentiment, sentiment_lexicon, frame_share:<frame>, topic_share ...")
    p.add_argument("--topics", action="store_true", help="also fit topics (topic_share)")
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates")
    p.add_argument("--seed", type=int, default=20250704)
    p.add_argument("--codebook", default=None, help="codebook YAML (default: shipped)")
    p.add_argument("-o", "--out", default=None, help="folder for timeline.csv, "
                   "timeline_excluded.csv and the figure (default: print the table)")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser(
        "compare",
        help="differences between outlets (or periods) per measure: permutation test over "
             "articles, effect size, interval, Holm correction",
    )
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--by", default="outlet", help="outlet (default), another manifest "
                                                  "column, or period")
    p.add_argument("--freq", default=None, help="with --by period: D, W, M, Q or Y "
                   "(default M); otherwise compare within each period of this frequency")
    p.add_argument("--metric", action="append", default=None, metavar="M",
                   help="measure or kind (repeatable; default frame_share and sentiment)")
    p.add_argument("--topics", action="store_true", help="also fit topics (topic_share)")
    p.add_argument("--correction", choices=("holm", "bh"), default="holm")
    p.add_argument("--n-perm", type=int, default=5000, help="permutations (exact enumeration "
                   "when there are at most this many relabelings)")
    p.add_argument("--n-boot", type=int, default=2000, help="bootstrap replicates")
    p.add_argument("--seed", type=int, default=20250704)
    p.add_argument("--codebook", default=None, help="codebook YAML (default: shipped)")
    p.add_argument("-o", "--out", default=None, help="CSV file to write (comparisons.csv)")
    p.set_defaults(func=cmd_compare)


def _write(df: pd.DataFrame, path: Path) -> Path:
    from framing import output

    return output.write_csv(df, path)


def cmd_timeline(args: argparse.Namespace) -> int:
    """``framing timeline``: compute, then print or write the table and figure."""
    from framing.timeline import run_timeline

    result = run_timeline(args.corpus, freq=args.freq, by=args.by,
                          metrics=args.metric or ["frame_share"], n_boot=args.n_boot,
                          seed=args.seed, codebook=args.codebook, topics=args.topics)
    print(result.summary())
    if args.out is None:
        print(result.table.to_string(index=False))
        return 0
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = [_write(result.table, out / "timeline.csv"),
               _write(result.excluded, out / "timeline_excluded.csv")]
    from framing.codebook import load_codebook
    from framing.figures_timeline import plot_timeline

    cb = load_codebook(args.codebook)
    for kind in ("frame_share", "frame_density", "topic_share"):
        written += plot_timeline(result.table, out / "figures", cb, kind=kind)
    print("wrote " + ", ".join(str(p) for p in written))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """``framing compare``: compute, then print the summary and write or print the table."""
    from framing.compare import run_compare

    result = run_compare(args.corpus, by=args.by, freq=args.freq,
                         metrics=args.metric or ["frame_share", "sentiment"],
                         n_perm=args.n_perm, n_boot=args.n_boot, seed=args.seed,
                         correction=args.correction, codebook=args.codebook,
                         topics=args.topics)
    print(result.summary())
    if args.out is None:
        cols = ["period", "group_a", "group_b", "metric", "mean_a", "mean_b", "difference",
                "ci_low", "ci_high", "p_value", "p_adjusted"]
        print(result.table[cols].to_string(index=False))
    else:
        print(f"wrote {_write(result.table, Path(args.out))}")
    return 0
