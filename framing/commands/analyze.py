"""``framing analyze``: the batch run."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# Only light modules here: the command line's parser is built before anything heavy is
# imported, and `analyze` starts its workers' fork server first (framing.workers).
from framing.config import DEFAULT_SEED, Config
from framing.workers import RunOptions, start_workers_early

DEFAULT_CORPUS = "corpora/ai-talent-war"


def add_run_arguments(p: argparse.ArgumentParser, out: str) -> None:
    """Options every whole-corpus run shares (``analyze``, ``report``): corpus, output
    folder, codebook, topics, seed, bootstrap size and ``--skip-bad``."""
    p.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS,
                   help=f"corpus folder (default: {DEFAULT_CORPUS})")
    p.add_argument("-o", "--out", default=out, help=f"output folder (default: {out})")
    p.add_argument("--codebook", default=None, help="frame codebook YAML (default: shipped)")
    p.add_argument("--topics-k", type=int, default=None, help="number of topics (default: auto)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of every random step")
    p.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples")
    p.add_argument("--skip-bad", action="store_true",
                   help="analyse the readable articles even if some manifest rows are skipped")


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``analyze`` to the ``framing`` parser."""
    p = sub.add_parser(
        "analyze",
        help="run every analysis on a corpus and write tables and figures",
        description="Run every analysis on a corpus and write CSV tables, figures, "
        "datapackage.json, methods.md and manifest.json into the output folder. The folder is "
        "replaced only when the run succeeds.",
    )
    add_run_arguments(p, out="results")
    p.add_argument("--timeline-freq", default="M", choices=["W", "M", "Q", "Y"],
                   help="period of timeline.csv: week, month, quarter or year (default M)")
    p.add_argument("--excel", action="store_true",
                   help="write spreadsheet CSVs: UTF-8 BOM, CRLF, formula cells neutralised")
    p.add_argument("--format", dest="formats", default=None, choices=["csv", "parquet", "both"],
                   help="table files: csv (default), parquet (smaller and faster on large "
                   "corpora) or both")
    p.add_argument("--parquet", action="store_true", help="also write Parquet files "
                   "(same as --format both)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help="worker processes for the per-article work (default: every core)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the per-article work on this Dask distributed scheduler "
                   "(tcp://host:8786; needs framing[dask])")
    p.add_argument("--no-cache", action="store_true",
                   help="recompute every article instead of reusing cached per-article results")
    p.add_argument("--cache-dir", default=None,
                   help="per-article result cache folder (default: $FRAMING_CACHE_DIR or "
                   "~/.cache/framing)")
    p.add_argument("--timings", default=None, metavar="JSON",
                   help="write engine statistics and seconds per stage to this JSON file "
                   "(outside the output folder; for benchmarks)")
    p.set_defaults(func=cmd_analyze)


def cmd_analyze(args: argparse.Namespace) -> int:
    config = Config(
        codebook=args.codebook,
        topics_k=args.topics_k,
        seed=args.seed,
        n_boot=args.n_boot,
        timeline_freq=args.timeline_freq,
        excel=args.excel,
        csv=(args.formats or "csv") != "parquet",
        parquet=args.parquet or args.formats in ("parquet", "both"),
        figures=not args.no_figures,
        skip_bad=args.skip_bad,
    )
    options = RunOptions(jobs=args.jobs, scheduler=args.scheduler, cache=not args.no_cache,
                         cache_dir=args.cache_dir, progress=sys.stderr.isatty())
    t0 = time.perf_counter()
    # The fork server loads the models (about 1.6 s) while this process imports the stages
    # and reads the corpus.
    start_workers_early(options)
    from framing import atomic
    from framing.analyze import analyze
    from framing.pipeline import dump_json

    result = analyze(args.corpus, args.out, config, options=options)
    print(result.summary)
    stats = result.stats
    print(f"wrote {len(result.manifest.get('files', {}))} files to {result.out_dir} "
          f"in {time.perf_counter() - t0:.1f} s ({stats['computed']} articles analysed, "
          f"{stats['cached']} from the cache)")
    if args.timings:
        atomic.write_text(Path(args.timings), dump_json(stats))
    return 0
