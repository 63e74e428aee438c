"""Benchmark of ``framing analyze``: throughput per stage, wall time, peak memory, ratios.

For each corpus size (articles, built by ``bench/corpus.py`` from a seed: news-shaped text
whose Han stretches repeat about as rarely as in real news, so that framing's caches keyed by
a stretch of text do not flatter it) it measures, in one run on this machine:

- the corpus: seconds to generate it, and the share of its Han-run occurrences (and of
  their characters) that occurred earlier in it (:func:`corpus.repetition`);

- the **naive pipeline** the issue names (``jieba.lcut`` + ``SnowNLP(p).sentiments`` per
  paragraph, one core) on a sample of the corpus's paragraphs, in characters per second;
- **raw tokenisation** (``jieba.lcut`` per paragraph, one core) on the same sample;
- OpenCC conversion alone on the sample (the ``convert`` stage);
- the full ``framing analyze`` run (installed command, empty cache, figures off): wall time
  and the seconds each stage took (``--timings``: per-article stages are summed worker
  seconds, so their chars/s are per core), repeated ``--repeat`` times (default 3), each in
  an empty result cache of its own, for the range of the ratio (one run's wall time varies
  by several per cent on a shared machine);
- the same cold run again, in another result cache, for the peak memory of the whole process
  tree (proportional set size sampled every 0.1 s with psutil). Sampling costs the run it
  measures (at 10,000 articles the sampler used 13.5 s of CPU and the run took 68 s instead
  of 61), so the timed run above is not sampled; the sampler's own CPU seconds and the
  sampled run's wall time are recorded;
- an **incremental** run: 100 new articles imported, ``framing analyze`` again with the cache
  that the first run filled; its per-article work must touch those 100 only, and its
  output must equal the full recomputation byte for byte (checked here on every size up to
  ``--verify-max``; the unit tests check it on small corpora);
- exact SnowNLP: ``bench/bench_snowfast.py`` (SnowNLP's own speed vs framing.snowfast).

Results go to ``bench/results/<size>.json`` and a Markdown table on standard output
(``--markdown FILE`` also writes it to a file). Usage::

    make bench                       # 1k and 10k articles
    .venv/bin/python bench/run.py --sizes 1000 10000 100000
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus as bench_corpus  # noqa: E402

#: Paragraphs timed with the naive pipeline (SnowNLP is slow; the sample keeps this short).
NAIVE_PARAGRAPHS = 400
#: Paragraphs timed for raw tokenisation and conversion.
SAMPLE_PARAGRAPHS = 4000
#: Articles added for the incremental run.
INCREMENT = 100


#: Builds the model caches (jieba, snowfast) in a fresh cache folder, as a first run would.
MODEL_WARM_UP = ("from framing.tokens import default_tokenizer; from framing import snowfast; "
                 "default_tokenizer().tokenize('預熱'); snowfast.default_model()")


def framing_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("framing")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "framing"]


class PeakRSS:
    """Peak memory of a process and all its descendants (sampled).

    Each process is charged its proportional set size (PSS): forked workers share the
    models they inherited, and plain RSS would count those pages once per process.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.peak = 0
        self.peak_worker = 0
        self.cpu_seconds = 0.0  # the sampler's own CPU time
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        import psutil

        start = time.thread_time()
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_full_info().pss)
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, sum(rss))
                if len(rss) > 1:
                    self.peak_worker = max(self.peak_worker, max(rss[1:]))
            except psutil.Error:
                pass
            self.cpu_seconds = time.thread_time() - start
            self._stop.wait(interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_cli(args: list[str], env: dict[str, str], sample: bool = False) -> dict:
    """Run ``framing`` with ``args``; wall seconds, and with ``sample`` the peak memory
    (PSS) of its process tree and the sampler's CPU seconds (:class:`PeakRSS`)."""
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    # framing writes UTF-8 whatever the locale (framing.cli), and its messages hold Chinese
    # (outlet names): read them as UTF-8, not in the locale's encoding.
    proc = subprocess.Popen([*framing_cmd(), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
    meter = PeakRSS(proc.pid) if sample else None
    out, err = proc.communicate()
    if meter is not None:
        meter.stop()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"framing {' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    out = {"wall_seconds": wall, "load_average_1min": [load_before, os.getloadavg()[0]],
           "stdout_tail": out[-300:]}
    if meter is not None:
        out.update(peak_rss_bytes=meter.peak, peak_worker_rss_bytes=meter.peak_worker,
                   sampler_cpu_seconds=meter.cpu_seconds)
    return out


def sample_paragraphs(table: Path, n: int) -> list[str]:
    paras: list[str] = []
    with table.open(encoding="utf-8") as fh:
        for line in fh:
            paras.extend(p for p in json.loads(line)["text"].splitlines() if p.strip())
            if len(paras) >= n:
                break
    return paras[:n]


def chars_per_second(fn, texts: list[str]) -> float:
    """Characters per second of ``fn`` applied to each text (one core)."""
    t0 = time.perf_counter()
    for t in texts:
        fn(t)
    return sum(map(len, texts)) / (time.perf_counter() - t0)


def naive_speed(texts: list[str]) -> float:
    """The naive pipeline (``jieba.lcut`` + ``SnowNLP(p).sentiments`` per paragraph, one
    core) on the first :data:`NAIVE_PARAGRAPHS` texts, chars/s."""
    import jieba
    from snownlp import SnowNLP

    jieba.setLogLevel(60)
    jieba.initialize()
    _ = SnowNLP("預熱").sentiments

    def naive_one(t: str) -> None:
        jieba.lcut(t)
        _ = SnowNLP(t).sentiments

    return chars_per_second(naive_one, texts[:NAIVE_PARAGRAPHS])


def baselines(texts: list[str]) -> dict[str, float]:
    """Naive pipeline, raw tokenisation and conversion speeds on the same paragraphs."""
    import jieba
    import opencc

    naive = texts[:NAIVE_PARAGRAPHS]
    converter = opencc.OpenCC("t2s")
    return {
        "naive_chars_per_s": naive_speed(texts),
        "naive_sample_chars": sum(map(len, naive)),
        "tokenise_chars_per_s": chars_per_second(jieba.lcut, texts),
        "convert_chars_per_s": chars_per_second(converter.convert, texts),
        "sample_chars": sum(map(len, texts)),
    }


def build(work: Path, size: int, seed: int, env: dict[str, str]
          ) -> tuple[Path, Path, float, dict]:
    """Write the import tables and import the corpus.

    Returns the corpus, the extra table, the import seconds, and what the corpus is like:
    seconds to generate it and how much of its Han text repeats
    (:func:`corpus.repetition`, the share a cache of Han runs could skip).
    """
    table = work / "articles.jsonl"
    extra = work / "more.jsonl"
    t0 = time.perf_counter()
    bench_corpus.write_table(table, bench_corpus.articles(size, seed=seed))
    generate_s = time.perf_counter() - t0
    bench_corpus.write_table(extra, bench_corpus.articles(INCREMENT, seed=seed + 1))
    with table.open(encoding="utf-8") as fh:
        about = {"generate_seconds": generate_s,
                 **bench_corpus.repetition(json.loads(line)["text"] for line in fh)}
    root = work / "corpus"
    t0 = time.perf_counter()
    subprocess.run([*framing_cmd(), "init", str(root)], check=True, env=env,
                   capture_output=True)
    subprocess.run([*framing_cmd(), "import", str(root), str(table)], check=True, env=env,
                   capture_output=True)
    return root, extra, time.perf_counter() - t0, about


def same_tree(a: Path, b: Path) -> bool:
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    other = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    if names != other:
        return False
    _m, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return not mismatch and not errors


def bench_size(size: int, args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"framing-bench-{size}-", dir=args.workdir))
    env = dict(os.environ, FRAMING_CACHE_DIR=str(work / "cache"), PYTHONHASHSEED="0")
    print(f"[{size}] building corpus in {work}", file=sys.stderr)
    root, extra, import_s, about = build(work, size, args.seed, env)
    texts = sample_paragraphs(work / "articles.jsonl", SAMPLE_PARAGRAPHS)
    print(f"[{size}] baselines on {len(texts)} paragraphs", file=sys.stderr)
    base = baselines(texts)
    common = ["--no-figures", "--n-boot", str(args.n_boot)]
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    # The models' own caches (jieba's dictionary cache, snowfast's arrays) are built once per
    # cache folder, the first time framing runs; that one-time cost is measured here and
    # reported apart, as it is not part of any later run.
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", MODEL_WARM_UP], check=True, env=env)
    model_cache_s = time.perf_counter() - t0
    # The first run starts from an empty result cache: it computes every article (and stores
    # it, as a first run does), so it is the cold throughput and it fills the cache for the
    # next.
    print(f"[{size}] framing analyze (empty cache)", file=sys.stderr)
    timings = work / "timings.json"
    full = run_cli(["analyze", str(root), "-o", str(work / "out_full"), *common, *jobs,
                    "--timings", str(timings)], env)
    stats = json.loads(timings.read_text(encoding="utf-8"))
    if stats["cached"]:
        raise SystemExit(f"the first run found {stats['cached']} articles in a new cache")
    # The same cold run again (--repeat), each in an empty result cache of its own: one
    # run's wall time varies by several per cent on a shared machine, so the table gives the
    # range of the ratio as well as the first run's (whose stage seconds it shows).
    walls = [full["wall_seconds"]]
    for i in range(1, args.repeat):
        print(f"[{size}] the same cold run again ({i + 1} of {args.repeat})", file=sys.stderr)
        rep_cache = work / f"cache-rep{i}"
        shutil.copytree(work / "cache", rep_cache,
                        ignore=shutil.ignore_patterns("article-results-*"))
        rep = run_cli(["analyze", str(root), "-o", str(work / "out_rep"), *common, *jobs],
                      dict(env, FRAMING_CACHE_DIR=str(rep_cache)))
        walls.append(rep["wall_seconds"])
        shutil.rmtree(work / "out_rep", ignore_errors=True)
        shutil.rmtree(rep_cache, ignore_errors=True)
    # This machine's speed drifts by 10-15 % over minutes: the naive pipeline is measured
    # again right after the timed runs, and the ratio uses the mean of the two measurements.
    base["naive_runs_chars_per_s"] = [base["naive_chars_per_s"], naive_speed(texts)]
    base["naive_chars_per_s"] = sum(base["naive_runs_chars_per_s"]) / 2
    print(f"[{size}] the same cold run, memory sampled", file=sys.stderr)
    # a second result cache (the models' caches copied): a first run again
    mem_env = dict(env, FRAMING_CACHE_DIR=str(work / "cache-mem"))
    shutil.copytree(work / "cache", work / "cache-mem",
                    ignore=shutil.ignore_patterns("article-results-*"))
    memory = run_cli(["analyze", str(root), "-o", str(work / "out_mem"), *common, *jobs],
                     mem_env, sample=True)
    shutil.rmtree(work / "out_mem", ignore_errors=True)
    subprocess.run([*framing_cmd(), "import", str(root), str(extra)], check=True, env=env,
                   capture_output=True)
    print(f"[{size}] incremental run (+{INCREMENT} articles)", file=sys.stderr)
    inc_timings = work / "timings_inc.json"
    inc = run_cli(["analyze", str(root), "-o", str(work / "out_inc"), *common, *jobs,
                   "--timings", str(inc_timings)], env)
    inc_stats = json.loads(inc_timings.read_text(encoding="utf-8"))
    identical = None
    if size <= args.verify_max:
        print(f"[{size}] full recomputation for the byte comparison", file=sys.stderr)
        run_cli(["analyze", str(root), "-o", str(work / "out_inc_full"), *common, *jobs,
                 "--no-cache"], env)
        identical = same_tree(work / "out_inc", work / "out_inc_full")
    chars = stats["chars"]
    per_stage = {}
    for stage, secs in sorted(stats["stage_seconds"].items()):
        per_stage[stage] = {"seconds": secs,
                            "chars_per_s": chars / secs if secs > 0 else None}
    per_stage["convert (isolated)"] = {"seconds": None,
                                       "chars_per_s": base["convert_chars_per_s"]}
    result = {
        "size": size,
        "chars": chars,
        "paragraphs": None,
        "import_seconds": import_s,
        "corpus": about,
        "model_cache_build_seconds": model_cache_s,
        "baselines": base,
        "full_run": {**full, "stats": stats},
        "memory_run": memory,
        "stages": per_stage,
        "whole_run_chars_per_s": chars / full["wall_seconds"],
        "ratio_vs_naive": chars / full["wall_seconds"] / base["naive_chars_per_s"],
        "timed_runs_wall_seconds": walls,
        "ratio_vs_naive_range": [chars / max(walls) / base["naive_chars_per_s"],
                                 chars / min(walls) / base["naive_chars_per_s"]],
        "per_article_vs_tokenise": None,
        "incremental": {**inc, "computed": inc_stats["computed"], "cached": inc_stats["cached"],
                        "identical_to_full_recompute": identical},
    }
    pa = sum(stats["stage_seconds"].get(s, 0.0) for s in ("segment", "frames"))
    # Everything per article except SnowNLP/lexicon sentiment, per core, against raw jieba.
    if pa > 0:
        result["per_article_vs_tokenise"] = (chars / pa) / base["tokenise_chars_per_s"]
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def machine() -> str:
    import psutil

    cpu = platform.processor() or platform.machine()
    return (f"{psutil.cpu_count(logical=True)} cores ({cpu}), "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def markdown(results: list[dict], snow: dict | None) -> str:
    gib = 2**30
    lines = [
        f"Machine: {machine()}.",
        "",
        "| articles | load avg (start, end) | chars | naive chars/s (before / after the run) "
        "| jieba chars/s | "
        "analyze chars/s (wall) | "
        "× naive (target ≥ 20) | segment+frames vs jieba (target ≥ 0.5) | peak memory, PSS, "
        "second cold run (target < 2 GiB at 100k) | max worker PSS | incremental +100: "
        "computed, wall, "
        "identical |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        b, inc = r["baselines"], r["incremental"]
        runs = b.get("naive_runs_chars_per_s", [b["naive_chars_per_s"]])
        pa = r["per_article_vs_tokenise"]
        load = r["full_run"].get("load_average_1min") or [float("nan")] * 2
        ratio = f"{r['ratio_vs_naive']:.1f}"
        walls = r.get("timed_runs_wall_seconds", [])
        if len(walls) > 1:
            lo, hi = r["ratio_vs_naive_range"]
            ratio += f" ({lo:.1f}–{hi:.1f} in {len(walls)} runs)"
        lines.append(
            f"| {r['size']:,} | {load[0]:.1f}, {load[1]:.1f} | {r['chars']:,} | "
            f"{b['naive_chars_per_s']:,.0f} ({' / '.join(f'{v:,.0f}' for v in runs)}) | "
            f"{b['tokenise_chars_per_s']:,.0f} | {r['whole_run_chars_per_s']:,.0f} | "
            f"{ratio} | {'' if pa is None else f'{pa:.2f}'} | "
            f"{r['memory_run']['peak_rss_bytes'] / gib:.2f} GiB | "
            f"{r['memory_run']['peak_worker_rss_bytes'] / gib:.2f} GiB | "
            f"{inc['computed']}, {inc['wall_seconds']:.0f} s (full run "
            f"{r['full_run']['wall_seconds']:.0f} s), {inc['identical_to_full_recompute']} |"
        )
    lines += ["", "Seconds per stage of the full run (per-article stages: worker seconds "
              "summed over processes) and characters per second:", "",
              "| articles | " + " | ".join(STAGE_ORDER) + " |",
              "|---:|" + "---:|" * len(STAGE_ORDER)]
    for r in results:
        cells = []
        for s in STAGE_ORDER:
            st = r["stages"].get(s)
            if st is None:
                cells.append("")
            elif st["seconds"] is None:
                cells.append(f"{st['chars_per_s']:,.0f}/s")
            else:
                rate = st["chars_per_s"]
                cells.append(f"{st['seconds']:.1f} s ({rate:,.0f}/s)" if rate else
                             f"{st['seconds']:.1f} s")
        lines.append(f"| {r['size']:,} | " + " | ".join(cells) + " |")
    for note in SIZE_NOTES:  # one paragraph per note: a sentence per size it applies to
        lines += [""] + [f"{r['size']:,} articles: {text}" for r in results
                         if (text := note(r)) is not None]
    if snow:
        lines += ["", "Exact SnowNLP (bench/bench_snowfast.py):", "",
                  "```", snow.get("table", json.dumps(snow, indent=1)).rstrip(), "```"]
    return "\n".join(lines) + "\n"


def _corpus_note(r: dict) -> str | None:
    if "corpus" not in r:
        return None
    c = r["corpus"]
    return (f"generated in {c['generate_seconds']:.1f} s; {c['repeated_runs']:.1%} of its "
            f"Han-run occurrences ({c['repeated_chars']:.1%} of their characters) occurred "
            "earlier in it.")


def _memory_note(r: dict) -> str | None:
    if "memory_run" not in r:
        return None
    m = r["memory_run"]
    return ("the peak memory comes from a second cold run sampled every 0.1 s, not from the "
            f"timed one; the sampler used {m['sampler_cpu_seconds']:.1f} s of CPU and that run "
            f"took {m['wall_seconds']:.1f} s (the timed run "
            f"{r['full_run']['wall_seconds']:.1f} s).")


def _repeat_note(r: dict) -> str | None:
    walls = r.get("timed_runs_wall_seconds", [])
    if len(walls) < 2:
        return None
    return ("the timed cold run, repeated in empty result caches, took "
            + ", ".join(f"{w:.1f}" for w in walls) + " s.")


def _phase_note(r: dict) -> str:
    full = r["full_run"]
    return ("the per-article phase (workers, cache, assembly) took "
            f"{full['stats'].get('per_article_wall_seconds', float('nan')):.1f} s of wall "
            f"time, the rest ({full['wall_seconds']:.1f} s in all) is start-up and the "
            "corpus-wide stages.")


#: The notes under the tables, each a sentence per corpus size (None: not for that size).
SIZE_NOTES = (_corpus_note, _memory_note, _repeat_note, _phase_note)


STAGE_ORDER = ("decode", "convert (isolated)", "segment", "frames", "sentiment",
               "terms_topics", "aggregate", "write")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=20250704)
    parser.add_argument("--jobs", type=int, default=None, help="framing analyze --jobs")
    parser.add_argument("--n-boot", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed cold runs per size, each in an empty result cache")
    parser.add_argument("--verify-max", type=int, default=1000,
                        help="largest size whose incremental output is compared byte for byte")
    parser.add_argument("--workdir", default=None, help="where corpora are built (tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the built corpora")
    parser.add_argument("--no-snowfast", action="store_true")
    parser.add_argument("--markdown", default=None, help="also write the table here")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    results = []
    for size in args.sizes:
        r = bench_size(size, args)
        (out_dir / f"{size}.json").write_text(json.dumps(r, indent=1, ensure_ascii=False),
                                             encoding="utf-8")
        results.append(r)
    snow = None
    snow_script = HERE / "bench_snowfast.py"
    if not args.no_snowfast and snow_script.exists():
        snow_json = out_dir / "snowfast.json"
        subprocess.run([sys.executable, str(snow_script), "--json", str(snow_json)],
                       check=True)
        snow = json.loads(snow_json.read_text(encoding="utf-8"))
    text = markdown(results, snow)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
