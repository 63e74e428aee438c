"""The per-article engine: one pure function per article, run serially, on local processes or
on a Dask cluster, cached by content.

Everything ``framing analyze`` computes from a single article (paragraphs, tokens, entities,
frame hits and scores, both sentiment scores, sentences) is done by :func:`run_article`, a
function of plain data (:class:`ArticleTask`, :class:`StageSettings`) that returns plain JSON
values. That makes three things possible:

- **Parallel work.** Batches of articles go to worker processes
  (:class:`concurrent.futures.ProcessPoolExecutor`, ``--jobs``) or to a Dask distributed
  cluster (``--scheduler ADDRESS``). Results are taken back in ``doc_id`` order whatever
  finished first, so the tables are the same for any engine and any number of workers.
- **Incremental runs.** Each result is stored in :class:`framing.cache.ResultCache` under a
  key that hashes the article and everything the result depends on (:func:`fingerprint`), so
  a rerun recomputes only new or changed articles.
- **Bounded memory per article.** Workers hold one batch at a time; the results come back as
  column lists (:func:`columnar`), which are compact and fast to turn into DataFrames. With a
  ``sink`` (:func:`analyse_articles`), the tables are handed on in pieces of
  :data:`SINK_ARTICLES` articles and never held whole: ``framing analyze`` writes most of
  them to the output folder at once (:mod:`framing.spool`) and folds each article's terms
  into running counts (:mod:`framing.termcounts`). With a rendering sink the pieces are
  built, read from the cache and rendered by the workers (:func:`run_piece`), so the
  process that writes the files does little else.

Engine settings (:class:`RunOptions`) never change the numbers and are not recorded in the
run manifest; :class:`StageSettings` do and are.
"""

from __future__ import annotations

import functools
import hashlib
import json
import multiprocessing
import time
from array import array
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from framing import memory
from framing.errors import ConfigError, WorkerError

# RunOptions and the worker functions are part of this module's interface too
from framing.workers import (  # noqa: F401
    RunOptions,
    available_cores,
    fork_server,
    local_jobs,
    start_workers_early,
    stop_fork_server,
)

#: Version of the per-article result format; part of every cache key.
RESULT_FORMAT = 5

#: Per-article stages timed inside :func:`run_article`.
ARTICLE_STAGES = ("segment", "frames", "sentiment")

#: Base tables whose empty form still needs its columns (the rest are built from rows).
EMPTY_COLUMNS = {
    "paragraphs": ["doc_id", "para_id"],
    "tokens": ["doc_id", "para_id", "token_id"],
    "entities": ["doc_id", "para_id", "entity", "surface", "offset", "end"],
}


@dataclass(frozen=True)
class ArticleTask:
    """One article as the engine needs it: id, manifest title and decoded text."""

    doc_id: str
    title: str
    text: str


@dataclass(frozen=True)
class StageSettings:
    """What the per-article results depend on besides the article (sent to every worker).

    Attributes
    ----------
    codebook : Codebook
        The frame codebook (the object itself, so workers need no shared file system).
    """

    codebook: object


@dataclass
class EngineRun:
    """What :func:`analyse_articles` produced.

    Attributes
    ----------
    tables : dict of str to DataFrame
        ``paragraphs`` (base columns plus the frame and sentiment columns), ``tokens``,
        ``entities``, ``frame_hits``, ``frame_term_splits``, ``frame_scores``,
        ``sentiment_hits``, ``sentences`` and ``terms`` (one row per term occurrence:
        ``doc_id, para_id, term, surface``, from :func:`framing.termcounts.article_terms`,
        for the corpus-wide stages; not written), rows in ``doc_id`` order. Empty when the
        run had a ``sink``.
    summaries : dict
        ``doc_id`` → :func:`framing.pipeline.article_summary`, with ``script``
        (:func:`framing.textview.detect_script` of the text).
    stats : dict
        Engine statistics for benchmarks (not written with the outputs): articles computed and
        taken from the cache, engine used, and per-stage worker seconds and characters.
    """

    tables: dict[str, pd.DataFrame]
    summaries: dict[str, dict[str, object]]
    stats: dict = field(default_factory=dict)


class StageClock:
    """Adds the wall seconds since the previous lap to ``stats["stage_seconds"][name]``."""

    def __init__(self, stats: dict) -> None:
        self.seconds = stats.setdefault("stage_seconds", {})
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        """Charge the time since the last lap (or since creation) to stage ``name``."""
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._t
        self._t = now


def columnar(rows: list[dict]) -> dict[str, list]:
    """Row dicts → column name → values (all rows must have the same keys, in order)."""
    if not rows:
        return {}
    columns = list(rows[0])
    for r in rows:
        if list(r) != columns:
            raise ValueError(f"rows with different columns: {columns} vs {list(r)}")
    return {c: [r[c] for r in rows] for c in columns}


def _merge_paragraph_rows(base: list[dict], *extras: list[dict]) -> list[dict]:
    """Add the per-paragraph columns of each stage to the base paragraph rows."""
    out = [dict(r) for r in base]
    for extra in extras:
        by_key = {(r["doc_id"], r["para_id"]): r for r in extra}
        for row in out:
            add = by_key.get((row["doc_id"], row["para_id"]), {})
            row.update({k: v for k, v in add.items() if k not in ("doc_id", "para_id")})
    return out


def pack(values: list) -> array | list:
    """A column of exactly-int (64-bit) or exactly-float values as a typed array, else as is.

    Done in the worker: arrays travel and cache as raw bytes, and the assembler appends them
    without looking at each value (:class:`Assembler`).
    """
    if not values or type(values[0]) not in (int, float):  # text, flags, None: as is
        return values
    kinds = set(map(type, values))
    if kinds == {int}:
        try:
            return array("q", values)
        except OverflowError:
            return values
    if kinds == {float}:
        return array("d", values)
    return values


def run_article(task: ArticleTask, settings: StageSettings) -> dict:
    """Every per-article stage on one article (:func:`run_articles` of one)."""
    return run_articles([task], settings)[0]


def run_articles(tasks: Sequence[ArticleTask], settings: StageSettings) -> list[dict]:
    """Every per-article stage on each article; the sentiment stage on all of them at once.

    Returns
    -------
    list of dict
        Per task: ``doc_id``; ``tables``: table name → columns (:func:`columnar`, then
        :func:`pack`: integer and float columns as typed arrays, the others as lists of JSON
        values); ``summary``: :func:`framing.pipeline.article_summary` and ``script``
        (:func:`framing.textview.detect_script` of the text);
        ``seconds``: stage → time spent (``segment``, ``frames``, ``sentiment``; the
        batch's sentiment time is shared evenly among its articles, whose SnowNLP texts
        :func:`framing.sentiment.score_articles` scores together).
    """
    from framing import frames, sentiment
    from framing.pipeline import article_summary, base_tables, token_columns
    from framing.termcounts import article_terms
    from framing.textview import detect_script
    from framing.tokens import default_tokenizer
    from framing.units import make_units

    done = []
    for task in tasks:
        t0 = time.perf_counter()
        units = make_units(task.doc_id, task.text, default_tokenizer(),
                           title=task.title or None)
        base = base_tables(units, tokens=False)
        token_cols = token_columns(units)
        # The article's terms for the corpus-wide stages (topics, distinctive terms), so that
        # the main process never needs the whole tokens table (framing.termcounts).
        terms = article_terms(token_cols, {u.para_id: u.text for u in units})
        t1 = time.perf_counter()
        frame_rows = frames.score_article(units, settings.codebook)
        t2 = time.perf_counter()
        done.append((task, units, base, token_cols, terms, frame_rows, t1 - t0, t2 - t1))
    t3 = time.perf_counter()
    # One call for the whole batch: its SnowNLP texts are segmented together.
    scored = sentiment.score_articles([d[1] for d in done])
    share = (time.perf_counter() - t3) / max(1, len(done))
    out = []
    for (task, units, base, token_cols, terms, frame_rows, s_seg, s_frames), \
            sentiment_rows in zip(done, scored, strict=True):
        tables = {
            name: columnar(rows) for name, rows in {
                "paragraphs": _merge_paragraph_rows(base["paragraphs"],
                                                    frame_rows.pop("paragraphs"),
                                                    sentiment_rows.pop("paragraphs")),
                "entities": base["entities"],
                **frame_rows,
                **sentiment_rows,
            }.items()
        }
        tables["tokens"] = token_cols
        tables["terms"] = {"doc_id": [task.doc_id] * len(terms["term"]), **terms} if len(
            terms["term"]) else {}
        out.append({
            "doc_id": task.doc_id,
            "tables": {name: {c: pack(v) for c, v in cols.items()}
                       for name, cols in sorted(tables.items())},
            # the script here, where the text is at hand, not in the main process
            "summary": {**article_summary(units), "script": detect_script(task.text)},
            "seconds": {"segment": s_seg, "frames": s_frames, "sentiment": share},
        })
    return out


def run_batch(tasks: Sequence[ArticleTask], settings: StageSettings | None = None,
              encoded: bool = False) -> list[dict]:
    """:func:`run_article` on each task, in order (the unit of work sent to a worker).

    With ``encoded``, each result also carries ``stored``: its cache form
    (:func:`framing.cache.encode`), made here, in the worker, so that the process that
    assembles the tables and writes the cache is not the bottleneck.
    """
    from framing.cache import encode

    settings = settings or _WORKER_SETTINGS["settings"]
    out = run_articles(tasks, settings)
    if encoded:
        for result in out:
            result["stored"] = encode(result)
    return out


# Settings installed in each local worker process by the pool initializer, so they are sent
# once per worker instead of once per batch.
_WORKER_SETTINGS: dict[str, StageSettings] = {}


def _init_worker(settings: StageSettings) -> None:
    _WORKER_SETTINGS["settings"] = settings


def warm_up(settings: StageSettings | None = None) -> None:
    """Load the tokenizer, lexicon and SnowNLP model in this process, and compute one short
    article with ``settings`` (default: the shipped codebook), which imports every module
    the stages use.

    The fork server the local workers are forked from runs it once
    (:mod:`framing.workerboot`), so the workers share the loaded models and modules instead
    of each loading its own copy.
    """
    from framing import snowfast
    from framing.sentiment_lexicon import default_lexicon
    from framing.tokens import default_tokenizer

    default_tokenizer().tokenize("預熱")
    default_lexicon()
    snowfast.default_model()
    if settings is None:
        from framing.codebook import load_codebook

        settings = StageSettings(load_codebook(None))
    run_articles([ArticleTask("warm-up", "", "預熱。Meta 的策略焦慮")], settings)


#: Corpora of at least this many articles stop the fork server after their per-article
#: phase (:func:`release_models`); below, its models (about 300 MiB) are a small part of
#: what the run needs, and the server is kept for the next run, which then starts its
#: workers at once instead of after the server's loading (1.6 s with the model caches built).
#: The same size decides whether a run gives freed memory back after its corpus-wide stages
#: (:func:`framing.memory.trimming`).
STOP_SERVER_ARTICLES = 5000


def release_models(stop_server: bool = True) -> None:
    """Free the models loaded for the per-article stages: the fork server's (with
    ``stop_server``; see :func:`framing.workers.fork_server`) and those :func:`warm_up` or a
    serial run loaded in this process (the tokenizer's dictionaries and the SnowNLP model).
    On a large corpus the corpus-wide stages want the memory. A later call that needs them
    loads them again (a later pool starts a new fork server)."""
    import sys

    if stop_server:
        stop_fork_server()

    tokens = sys.modules.get("framing.tokens")
    if tokens is not None and tokens.default_tokenizer.cache_info().currsize:
        tokens.default_tokenizer().release()
    snowfast = sys.modules.get("framing.snowfast")
    if snowfast is not None:
        snowfast.default_model.cache_clear()
    memory.trim()


#: Modules whose code makes the per-article results: the cache key hashes them and every
#: framing module they import (:func:`result_modules`).
RESULT_CODE_ROOTS = ("framing.engine",)


def _module_file(root: Path, name: str) -> Path | None:
    """The source file of module ``name`` (``framing.x.y``) in the package folder ``root``."""
    parts = name.split(".")[1:]
    for path in (root.joinpath(*parts).with_suffix(".py") if parts else None,
                 root.joinpath(*parts, "__init__.py")):
        if path is not None and path.is_file():
            return path
    return None


def _framing_imports(path: Path) -> set[str]:
    """framing modules imported anywhere in a source file (function bodies included)."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "framing")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "framing":
            found.add(node.module)
            # ``from framing import tokens`` imports a module, not a name
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def result_modules(root: Path | None = None) -> list[str]:
    """The framing modules the per-article results can depend on, sorted: those of
    :data:`RESULT_CODE_ROOTS` and, transitively, every framing module any of them imports
    (read from the source, so imports inside functions count, whether or not they run).

    The corpus-wide stages (topics, timeline, comparisons), the writers, the figures and
    the command line are outside it, so a release that changes only them keeps every cached
    result. ``tests/test_engine.py`` checks that a process computing articles imports no
    framing module outside this list.
    """
    root = root or Path(__file__).resolve().parent
    seen: set[str] = set()
    todo = ["framing", *RESULT_CODE_ROOTS]
    while todo:
        name = todo.pop()
        path = _module_file(root, name)
        if name in seen or path is None:  # a name imported from a module, not a module
            continue
        seen.add(name)
        todo.extend(_framing_imports(path))
    return sorted(seen)


@functools.lru_cache(maxsize=4)
def code_hash(root: Path | None = None) -> str:
    """SHA-256 over the code and data the per-article results are made with: the source of
    each of :func:`result_modules` and every file of framing that is not Python source (its
    data: codebook, lexicon, dictionaries), each as its path and its bytes, sorted.

    Part of every cache key, so results cached by one version of that code are never reused
    by another, even between two commits that share a version number; a change to the
    corpus-wide stages, the writers or the command line leaves it unchanged.

    Parameters
    ----------
    root : path, optional
        The package folder (default: this installed ``framing``).
    """
    root = root or Path(__file__).resolve().parent
    files = [_module_file(root, name) for name in result_modules(root)]
    files += [p for p in root.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
              and "__pycache__" not in p.relative_to(root).parts]
    h = hashlib.sha256()
    for path in sorted({p for p in files if p is not None}):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def fingerprint(settings: StageSettings) -> str:
    """Hash of everything besides the article that the per-article results depend on:
    result format, library versions, the code and data of framing that make them
    (:func:`code_hash`), codebook, dictionaries and sentiment lexicon."""
    from framing.pipeline import package_versions
    from framing.sentiment import lexicon_metadata
    from framing.tokens import default_tokenizer

    payload = {
        "format": RESULT_FORMAT,
        "code": code_hash(),
        "versions": package_versions(),
        "codebook": settings.codebook.sha256,  # type: ignore[attr-defined]
        "dictionaries": default_tokenizer().dictionary_hashes,
        "lexicon": lexicon_metadata(),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def task_key(task: ArticleTask, settings_hash: str) -> str:
    """Cache key of one article under one settings fingerprint."""
    h = hashlib.sha256()
    for part in (settings_hash, task.doc_id, task.title, task.text):
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))  # length-prefixed: no two inputs collide
        h.update(data)
    return h.hexdigest()


def _ordered(submit: Callable[[object], object], batches: Iterable[object],
             window: int) -> Iterator:
    """Submit work with at most ``window`` in flight; yield results in submission order."""
    pending: deque = deque()
    todo = iter(batches)
    for batch in todo:
        pending.append(submit(batch))
        if len(pending) >= window:
            break
    while pending:
        yield pending.popleft().result()
        nxt = next(todo, None)
        if nxt is not None:
            pending.append(submit(nxt))


@contextmanager
def _dask_client(options: RunOptions) -> Iterator:
    """A Dask distributed client connected to ``options.scheduler``."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise ConfigError(
            "--scheduler needs Dask distributed: pip install 'framing[dask]'"
        ) from exc
    with Client(options.scheduler, set_as_default=False) as client:
        yield client


@contextmanager
def _process_pool(workers: int, settings: StageSettings) -> Iterator:
    """A pool of ``workers`` local processes with ``settings`` set and the models loaded."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = fork_server() or multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=_init_worker, initargs=(settings,)) as pool:
            yield pool
    except BrokenProcessPool as exc:
        raise WorkerError(
            "a local worker process ended abruptly (its own message, if any, is above). In a "
            "Python script, call framing under `if __name__ == \"__main__\":`: each worker "
            "starts in a new process that imports the script (as on macOS and Windows), and "
            "without the guard the script starts again there. Otherwise the machine may have "
            "run out of memory: try fewer workers (--jobs)."
        ) from exc


def _stream(tasks: Sequence[ArticleTask], settings: StageSettings, options: RunOptions,
            info: dict) -> Iterator[dict]:
    """Run the tasks on the chosen engine and yield their results one by one, in task order.

    ``info`` receives ``engine`` and ``workers`` once the engine is chosen. Results are
    yielded while later batches still run, so the caller assembles tables as they come and
    never holds every article's result at once.
    """

    def batches_for(workers: int) -> list[list[ArticleTask]]:
        # At most batch_size articles per batch, and at least one batch per worker when there
        # are enough articles, so a small corpus still uses every worker.
        size = max(1, min(options.batch_size, -(-len(tasks) // max(1, workers))))
        return [tasks[i : i + size] for i in range(0, len(tasks), size)]

    if options.scheduler:
        with _dask_client(options) as client:
            n = max(1, len(client.scheduler_info().get("workers", {})))
            info.update(engine="dask", workers=n)
            remote = client.scatter(settings, broadcast=True)

            def submit_dask(batch: list[ArticleTask]) -> object:
                return client.submit(run_batch, batch, remote, options.cache, pure=False)

            for part in _ordered(submit_dask, batches_for(n), window=4 * n):
                yield from part
        return
    batches = batches_for(local_jobs(options))
    jobs = min(local_jobs(options), len(batches)) or 1
    if jobs == 1:
        info.update(engine="serial", workers=1)
        for batch in batches:
            yield from run_batch(batch, settings, options.cache)
        return
    info.update(engine="processes", workers=jobs)
    with _process_pool(jobs, settings) as pool:
        for part in _ordered(lambda b: pool.submit(run_batch, b, None, options.cache),
                             batches, window=4 * jobs):
            yield from part


#: Articles whose results are read from, or written to, the cache in one transaction.
CACHE_SLICE = 256


#: Articles per piece handed to a ``sink`` (:func:`analyse_articles`): small, because the
#: memory a piece takes while it is built and written stays with the process afterwards
#: (measured: 546 MiB vs 629 MiB main-process RSS after 3,000 articles with 100 vs 500).
SINK_ARTICLES = 100


def analyse_articles(articles: Iterable[object], settings: StageSettings,
                     options: RunOptions | None = None,
                     sink: Callable[[dict[str, pd.DataFrame]], None] | None = None
                     ) -> EngineRun:
    """Run the per-article stages on every article, from the cache where possible.

    Parameters
    ----------
    articles : iterable of framing.corpus.Article
        The ingested articles (any order; results are in ``doc_id`` order).
    settings : StageSettings
    options : RunOptions, optional
    sink : callable, optional
        Receives the tables piece by piece (every :data:`SINK_ARTICLES` articles, in
        ``doc_id`` order, each piece a dict of DataFrames built as the whole tables would
        be); the run then keeps none of them and ``EngineRun.tables`` is empty. Without a
        sink the whole tables are returned. A sink with a ``renderer`` (a picklable object
        whose ``render(piece)`` prepares a piece, as :class:`framing.spool.PieceRouter`
        has) gets ``sink.accept(renderer.render(piece))`` instead, and the pieces are
        built, read from the cache and rendered in the worker processes
        (:func:`run_piece`): this process then only writes and keeps what they return.

    Returns
    -------
    EngineRun
    """
    from tqdm import tqdm

    from framing.cache import ResultCache

    options = options or RunOptions()
    t_start = time.perf_counter()
    tasks = sorted(
        (ArticleTask(a.doc_id, a.title or "", a.text) for a in articles),  # type: ignore[attr-defined]
        key=lambda t: t.doc_id,
    )
    settings_hash = fingerprint(settings)
    keys = [task_key(t, settings_hash) for t in tasks]
    store = ResultCache(options.cache_dir) if options.cache else None
    if store is not None:
        from framing import __version__

        codebook = settings.codebook
        store.use(settings_hash, __version__,
                  f"{codebook.version} ({codebook.sha256[:12]})")  # type: ignore[attr-defined]
    info = {"engine": "none", "workers": 0}
    if sink is not None and hasattr(sink, "renderer"):
        try:
            done = _analyse_pieces(tasks, keys, settings, options, sink, store)
        finally:
            if store is not None:
                store.close()
        done["stats"]["per_article_wall_seconds"] = time.perf_counter() - t_start
        return EngineRun({}, done["summaries"], done["stats"])
    seconds = dict.fromkeys(ARTICLE_STAGES, 0.0)
    summaries: dict[str, dict] = {}
    tables = Assembler()
    try:
        intact = store.intact_keys(keys) if store is not None else set()
        todo = [t for t, k in zip(tasks, keys, strict=True) if k not in intact]
        bar = tqdm(total=len(tasks), desc="analysing", unit="article",
                   disable=not options.progress, leave=False, smoothing=0.1)
        computed = _stream(todo, settings, options, info)
        stored: dict[str, dict] = {}  # the next slice of cached results, read ahead
        new: dict[str, dict] = {}  # computed results not yet written to the cache
        lost: list[ArticleTask] = []  # cached when checked, gone when read
        for i, (task, key) in enumerate(zip(tasks, keys, strict=True)):
            if key in intact:
                if key not in stored:
                    ahead = [k for k in keys[i : i + 4 * CACHE_SLICE] if k in intact]
                    stored = store.get_many(ahead[:CACHE_SLICE])  # type: ignore[union-attr]
                result = stored.pop(key, None)
                if result is None:  # removed or damaged since it was checked: compute it
                    result = run_batch([task], settings)[0]
                    new[key] = result  # (store is set: only cached keys are "intact")
                    lost.append(task)
            else:
                result = next(computed)
                stored_form = result.pop("stored", result)
                if store is not None:  # without a cache, nothing is kept for writing
                    new[key] = stored_form
                for stage, s in result["seconds"].items():
                    seconds[stage] += s
            if store is not None and len(new) >= CACHE_SLICE:
                store.put_many(new)
                new = {}
            summaries[result["doc_id"]] = result["summary"]
            tables.add(result)
            if sink is not None and (i + 1) % SINK_ARTICLES == 0:
                sink(tables.tables(empty=False))
            bar.update(1)
        computed.close()
        if store is not None and new:
            store.put_many(new)
        bar.close()
    finally:
        if store is not None:
            store.close()
    stats = {
        "articles": len(tasks),
        "computed": len(todo) + len(lost),
        "cached": len(tasks) - len(todo) - len(lost),
        "engine": info["engine"],
        "workers": info["workers"],
        "chars_computed": sum(len(t.text) for t in [*todo, *lost]),
        "stage_seconds": seconds,
    }
    if sink is not None:
        sink(tables.tables(empty=False))
        built = {}
    else:
        built = tables.tables()
    # Wall time of the whole per-article phase (cache, workers, assembly); the stage seconds
    # above are worker seconds summed over processes.
    stats["per_article_wall_seconds"] = time.perf_counter() - t_start
    return EngineRun(built, summaries, stats)


@dataclass
class PieceJob:
    """Consecutive articles (in ``doc_id`` order) whose tables form one piece of a run with a
    rendering sink: the unit of work sent to a worker in that mode.

    Attributes
    ----------
    tasks : list of ArticleTask
    keys : list of str
        Each task's cache key (:func:`task_key`).
    stored : dict
        Cache key → ``(sha256, payload)`` as read from the cache, not yet decoded: the
        worker decodes and checks it (:func:`framing.cache.decode`), and computes the
        article when the bytes are damaged.
    """

    tasks: list[ArticleTask]
    keys: list[str]
    stored: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def run_piece(job: PieceJob, settings: StageSettings | None, renderer: object,
              encoded: bool) -> dict:
    """One piece of a run: each article from its stored result or computed, the piece's
    tables assembled and rendered by ``renderer`` (:class:`framing.spool.PieceRenderer`).

    Runs in a worker, so that the process that writes the files only writes them.

    Returns
    -------
    dict
        ``rendered`` (``renderer.render`` of the piece's tables), ``summaries`` (doc_id →
        summary), ``seconds`` (stage → worker seconds of the computed articles),
        ``computed`` (doc_ids computed, stored ones included when their bytes were
        damaged), ``chars_computed``, and ``new``: cache key → :class:`framing.cache.Encoded`
        of each computed article when ``encoded``.
    """
    from framing.cache import decode, encode

    settings = settings or _WORKER_SETTINGS["settings"]
    # The piece is rendered and dropped here: sharing its short strings would save no memory.
    tables = Assembler(share=False)
    seconds = dict.fromkeys(ARTICLE_STAGES, 0.0)
    summaries, new, computed, chars = {}, {}, [], 0
    results = {}
    for key in job.keys:
        raw = job.stored.get(key)
        if raw is not None:
            results[key] = decode(*raw)  # None when damaged since it was checked
    todo = [(t, k) for t, k in zip(job.tasks, job.keys, strict=True) if results.get(k) is None]
    # The piece's missing articles in one call: their SnowNLP texts are scored together.
    for (task, key), result in zip(todo, run_articles([t for t, _k in todo], settings),
                                   strict=True):
        for stage, s in result["seconds"].items():
            seconds[stage] += s
        computed.append(task.doc_id)
        chars += len(task.text)
        if encoded:
            new[key] = encode(result)
        results[key] = result
    for key in job.keys:
        result = results.pop(key)
        summaries[result["doc_id"]] = result["summary"]
        tables.add(result)
    # The spooled tables are only rendered to CSV here: their strings stay Python strings
    # (a Parquet run converts them to Arrow once, in render_table). So do the consumed ones
    # (the terms): the main process folds them into its counts with Python dict lookups,
    # and would otherwise turn every Arrow string back into a Python one.
    plain = (*(renderer.spooled if not renderer.parquet else ()),  # type: ignore[attr-defined]
             *renderer.consume)  # type: ignore[attr-defined]
    return {"rendered": renderer.render(tables.tables(empty=False, plain_strings=plain)),  # type: ignore[attr-defined]
            "summaries": summaries, "seconds": seconds, "computed": computed,
            "chars_computed": chars, "new": new}


def _piece_jobs(tasks: Sequence[ArticleTask], keys: Sequence[str], size: int,
                store: object | None, present: set[str]) -> Iterator[PieceJob]:
    """The run's pieces in order, each with its stored bytes read as it is needed."""
    for i in range(0, len(tasks), size):
        part = keys[i : i + size]
        have = [k for k in part if k in present]
        stored = store.raw_many(have) if have else {}  # type: ignore[attr-defined]
        yield PieceJob(tasks[i : i + size], part, stored)


def _run_pieces(jobs: Iterator[PieceJob], n_jobs: int, settings: StageSettings,
                renderer: object, options: RunOptions, info: dict, encoded: bool
                ) -> Iterator[dict]:
    """:func:`run_piece` on each job, on the chosen engine; results in job order."""
    if options.scheduler:
        with _dask_client(options) as client:
            n = max(1, len(client.scheduler_info().get("workers", {})))
            info.update(engine="dask", workers=n)
            remote = client.scatter(settings, broadcast=True)
            yield from _ordered(
                lambda job: client.submit(run_piece, job, remote, renderer, encoded,
                                          pure=False),
                jobs, window=2 * n)
        return
    workers = min(local_jobs(options), n_jobs) or 1
    if workers == 1:
        info.update(engine="serial", workers=1)
        for job in jobs:
            yield run_piece(job, settings, renderer, encoded)
        return
    info.update(engine="processes", workers=workers)
    with _process_pool(workers, settings) as pool:
        yield from _ordered(lambda job: pool.submit(run_piece, job, None, renderer, encoded),
                            jobs, window=2 * workers)


def _analyse_pieces(tasks: Sequence[ArticleTask], keys: Sequence[str], settings: StageSettings,
                    options: RunOptions, sink: object, store: object | None) -> dict:
    """:func:`analyse_articles` with a rendering sink: pieces built and rendered by the
    workers (:func:`run_piece`), written and kept by ``sink.accept`` here.

    Returns the run's statistics and summaries (``stats``, ``summaries``).
    """
    from tqdm import tqdm

    # Only the keys' presence is checked here; the bytes are checked where they are
    # decoded, and a damaged entry is computed there.
    present = store.present_keys(keys) if store is not None else set()  # type: ignore[attr-defined]
    workers = max(1, local_jobs(options) if not options.scheduler else 1)
    # Pieces of at most SINK_ARTICLES, and at least one per worker on a small corpus.
    size = max(1, min(SINK_ARTICLES, -(-len(tasks) // workers)))
    n_jobs = -(-len(tasks) // size)
    info = {"engine": "none", "workers": 0}
    seconds = dict.fromkeys(ARTICLE_STAGES, 0.0)
    summaries: dict[str, dict] = {}
    computed, chars, new = 0, 0, {}
    bar = tqdm(total=len(tasks), desc="analysing", unit="article",
               disable=not options.progress, leave=False, smoothing=0.1)
    jobs = _piece_jobs(tasks, keys, size, store, present)
    for result in _run_pieces(jobs, n_jobs, settings, sink.renderer, options,  # type: ignore[attr-defined]
                              info, encoded=store is not None):
        new.update(result["new"])
        if store is not None and len(new) >= CACHE_SLICE:
            store.put_many(new)  # type: ignore[attr-defined]
            new = {}
        for stage, s in result["seconds"].items():
            seconds[stage] += s
        computed += len(result["computed"])
        chars += result["chars_computed"]
        summaries.update(result["summaries"])
        sink.accept(result["rendered"])  # type: ignore[attr-defined]
        bar.update(len(result["summaries"]))
    if store is not None and new:
        store.put_many(new)  # type: ignore[attr-defined]
    bar.close()
    stats = {"articles": len(tasks), "computed": computed, "cached": len(tasks) - computed,
             "engine": info["engine"], "workers": info["workers"],
             "chars_computed": chars, "stage_seconds": seconds}
    return {"stats": stats, "summaries": summaries}


#: Strings up to this length are shared between rows (:func:`assemble`): ids, tokens, kinds,
#: frame names repeat millions of times, and one object per distinct value saves most of the
#: memory a large table of Python strings takes. Longer strings (paragraph texts) rarely repeat.
SHARE_MAX_LEN = 32


class _Shared(dict):
    """value → the one shared object equal to it (the value itself on first sight)."""

    def __missing__(self, key: object) -> object:
        self[key] = key
        return key


class _Column:
    """One column's values, gathered article by article.

    Integers and floats are packed into typed arrays (8 bytes a value instead of a Python
    object and a pointer) for as long as every value has exactly that type; the first value of
    another type turns the column into a plain list, so the final column is exactly what
    pandas infers from the full list of values.
    """

    __slots__ = ("packed", "values")

    def __init__(self) -> None:
        self.packed: str | None = "?"  # "?" until the first value is seen
        self.values: array | list = []

    def extend(self, values: list | array) -> None:
        if not values:
            return
        if isinstance(values, array):  # packed by the worker (:func:`pack`)
            if self.packed == "?":
                self.packed, self.values = values.typecode, array(values.typecode)
            if self.packed == values.typecode:
                self.values.extend(values)  # type: ignore[arg-type]
                return
            values = values.tolist()
        if self.packed == "?":
            kinds = set(map(type, values))
            self.packed = {int: "q", float: "d"}.get(kinds.pop()) if len(kinds) == 1 else None
            self.values = array(self.packed, []) if self.packed else []
        if self.packed:
            want = int if self.packed == "q" else float
            if set(map(type, values)) == {want}:
                n = len(self.values)
                try:
                    self.values.extend(values)  # type: ignore[arg-type]
                    return
                except OverflowError:  # an integer beyond 64 bits, after n values went in
                    del self.values[n:]
            self.values, self.packed = self.values.tolist(), None  # type: ignore[union-attr]
        self.values.extend(values)  # type: ignore[arg-type]

    def series(self, plain_strings: bool = False) -> pd.Series | list:
        """The column: typed when packed; else the list, which pandas infers from. With
        ``plain_strings`` a column of strings (missing values allowed) stays Python strings
        (object dtype) instead of being converted to pandas' Arrow-backed ``str``."""
        if self.packed in ("q", "d"):  # ("?": no value was ever added)
            dtype = np.int64 if self.packed == "q" else np.float64
            return pd.Series(np.frombuffer(self.values, dtype=dtype).copy())
        if plain_strings and set(map(type, self.values)) <= {str, type(None)}:
            return pd.Series(self.values, dtype=object)
        return self.values  # type: ignore[return-value]


class Assembler:
    """Concatenates per-article column lists into one DataFrame per table, as results arrive.

    Each result's lists are packed (:class:`_Column`) when it is added, and the caller drops
    the result, so a large run holds the growing tables once, not every article's result as
    well. With ``share``, short strings (ids, tokens, kinds, frame names) are shared: one
    object per distinct value.
    """

    def __init__(self, share: bool = True) -> None:
        self._shared = _Shared() if share else None
        self._tables: dict[str, dict[str, _Column]] = {}

    def add(self, result: dict) -> None:
        """Append one article's tables (``result["tables"]``, left as it is: the same result
        may still be written to the cache)."""
        shared = self._shared
        for name in sorted(result["tables"]):
            part = result["tables"][name]
            if not part:
                continue
            columns = self._tables.get(name)
            if columns is None:
                columns = self._tables[name] = {c: _Column() for c in part}
            elif list(part) != list(columns):
                raise ValueError(f"{name}: articles returned different columns")
            for c, values in part.items():
                first = values[0] if len(values) else None
                if (shared is not None and isinstance(first, str)
                        and len(first) <= SHARE_MAX_LEN
                        and set(map(type, values)) == {str}):
                    # A column of strings, short ones judged by its first value: one object
                    # per distinct value. Type-checked first so that True and 1 (equal keys)
                    # are never merged; the dict lookups run in C through map().
                    values = list(map(shared.__getitem__, values))
                columns[c].extend(values)

    def tables(self, empty: bool = True, plain_strings: Collection[str] = ()
               ) -> dict[str, pd.DataFrame]:
        """The assembled tables (the assembler is emptied; shared strings are kept for the
        next piece). With ``empty``, the base tables that got no row are returned with their
        columns (:data:`EMPTY_COLUMNS`). The string columns of the tables in
        ``plain_strings`` are left as Python strings (object dtype): tables that are only
        rendered to CSV would be converted to Arrow strings and straight back."""
        out: dict[str, pd.DataFrame] = {}
        for name in sorted(self._tables):
            columns = self._tables.pop(name)
            plain = name in plain_strings
            data = {}
            for c in list(columns):
                data[c] = columns.pop(c).series(plain)
            out[name] = pd.DataFrame(data)
            del data
        if empty:
            for name, cols in EMPTY_COLUMNS.items():
                out.setdefault(name, pd.DataFrame(columns=cols))
        return out


def assemble(results: list[dict]) -> dict[str, pd.DataFrame]:
    """Concatenate per-article results into one DataFrame per table (:class:`Assembler`)."""
    asm = Assembler()
    for r in results:
        asm.add(r)
    return asm.tables()
