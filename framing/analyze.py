"""``framing analyze``: every stage on a corpus, every table and figure into one folder.

Outputs are written into a staging folder next to the output folder and swapped in only when
complete (:func:`framing.atomic.staged_dir`), so an interrupted run leaves the previous
results untouched. ``manifest.json`` records software versions, the corpus hash, the
configuration and the hash of every dictionary, lexicon and codebook used, plus the SHA-256 of
every file written; it contains no time stamps, so a rerun on the same corpus gives
byte-identical files.
"""

from __future__ import annotations

import functools
import importlib
import itertools
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from framing import atomic, engine, forked, memory, output, schema
from framing.config import DEFAULT_SEED, Config  # noqa: F401 - part of this module's interface
from framing.corpus import Corpus, load_corpus
from framing.engine import EngineRun, RunOptions, StageClock, StageSettings
from framing.errors import ConfigError, CorpusError
from framing.filehash import FileHashes
from framing.pipeline import RUN_MANIFEST, articles_frame, check_ledger, dump_json, ledger_frame
from framing.spool import ColumnStash, PieceRouter, TableSpool, spool_table
from framing.termcounts import PreparedTerms, TermCounts, prepare_terms
from framing.tokens import default_tokenizer

#: Keys each written table is sorted by (reruns give identical files).
TABLE_KEYS: dict[str, list[str]] = {
    "articles": ["doc_id"],
    "paragraphs": ["doc_id", "para_id"],
    "tokens": ["doc_id", "para_id", "token_id"],
    "entities": ["doc_id", "para_id", "offset"],
    "ledger": ["line"],
    "timeline": ["period", "group_var", "group", "metric"],
    "timeline_excluded": ["doc_id"],
    "comparisons": ["group_var", "period", "group_a", "group_b", "metric"],
}

class StageSkippedWarning(UserWarning):
    """A corpus-wide stage cannot run on this corpus (too little text for a topic model, one
    outlet for distinctive terms); its tables are written empty and the rest runs."""


#: Terms kept per group and method in ``distinctive_terms.csv``.
DISTINCTIVE_TOP = 50

@dataclass
class AnalysisResult:
    """What :func:`analyze` produced: the tables, the printed summary, the run manifest."""

    out_dir: Path
    tables: Mapping[str, pd.DataFrame]
    summary: str
    manifest: dict = field(repr=False, default_factory=dict)
    stats: dict = field(repr=False, default_factory=dict)


def _add_outlet(df: pd.DataFrame, articles: pd.DataFrame) -> None:
    """Add each row's ``outlet`` (by ``doc_id``) to ``df`` as its last column, in place: a
    merge would copy the table, the largest of the run on a big corpus."""
    outlet_of = pd.Series(articles["outlet"].to_numpy(dtype=object),
                          index=articles["doc_id"].to_numpy(dtype=object))
    df["outlet"] = df["doc_id"].map(outlet_of).astype(object)


def per_article_run(corpus: Corpus, config: Config, options: RunOptions | None = None,
                    sink: Callable[[dict[str, pd.DataFrame]], None] | None = None
                    ) -> tuple[pd.DataFrame, EngineRun]:
    """The per-article stages of a corpus (:mod:`framing.engine`) and its ``articles`` table.

    ``sink`` receives the tables piece by piece instead (see
    :func:`framing.engine.analyse_articles`).

    Returns
    -------
    articles : DataFrame
        One row per ingested article (:func:`framing.pipeline.articles_frame`).
    run : EngineRun
        The per-article tables, in ``doc_id`` order, and the engine's statistics.
    """
    from framing import codebook as codebook_lib

    settings = StageSettings(codebook_lib.load_codebook(config.codebook))
    run = engine.analyse_articles(corpus.articles, settings, options, sink=sink)
    return articles_frame(corpus, run.summaries), run


#: Per-article tables written to the output folder piece by piece as the articles are
#: analysed (:mod:`framing.spool`), never held whole: their rows number in the tens of
#: millions on a large corpus. Only the projections in :data:`DERIVED` are kept.
SPOOLED = ("tokens", "entities", "frame_hits", "frame_term_splits", "frame_scores",
           "sentiment_hits", "sentences")

#: Kept tables no stage reads before the topic model is fitted (the fit needs only the
#: paragraphs' keys): they wait on disk until then (:meth:`framing.spool.PieceRouter.load`).
DEFERRED = ("entity_sentences", "frame_matrix", "paragraphs")

#: Columns of the sentences kept for ``entity_sentiment`` (the ones that name an entity).
ENTITY_SENTENCE_COLUMNS = ["doc_id", "para_id", "sent_id", "entities", "snownlp", "lexicon"]


#: Columns of ``paragraphs`` set aside on disk during a run and put back when it is written
#: (:class:`framing.spool.ColumnStash`): no corpus-wide stage reads them.
PARAGRAPH_TEXT_COLUMNS = ("text", "text_analysis")

#: Corpora smaller than this have their ``paragraphs`` and ``paragraph_topics`` written by a
#: forked process while the last corpus-wide stages run (:func:`framing.forked.beside`),
#: when there are several local jobs: about 2 s less at 10,000 articles. The child holds the
#: memory the parent frees while it writes (the term counts, the topic rows), so a large
#: corpus writes them here, one thing at a time, within its memory target.
BESIDE_ARTICLES = 20_000


def _empty_forms() -> dict[str, list[str]]:
    """Columns of every per-article table, for the ones no article gave a row: each is
    still written, with its header, so a folder always holds the same set of tables."""
    schemas = schema.all_schemas()
    out = dict(engine.EMPTY_COLUMNS)
    for name in SPOOLED:
        out.setdefault(name, [c for c, _t, _d in schemas[name]])
    return out


def count_terms(counts: TermCounts, terms: pd.DataFrame | PreparedTerms) -> None:
    """Fold the engine's ``terms`` rows (``doc_id, para_id, term, surface``, whole articles
    in ``doc_id`` order) into ``counts`` (:meth:`TermCounts.add_table`), or those rows as
    a worker prepared them (:func:`framing.termcounts.prepare_terms`)."""
    if isinstance(terms, PreparedTerms):
        counts.add_prepared(terms)
    else:
        counts.add_table(terms)


def write_paragraphs(paragraphs: pd.DataFrame, stash: ColumnStash, folder: Path,
                     config: Config) -> pd.DataFrame | None:
    """Write the finished ``paragraphs`` table into ``folder``, its texts put back from
    ``stash`` as it is written. Returns its zero-row prototype, or None when nothing was
    stashed (the stash is then removed and the table is written as a whole)."""
    if stash.order is None:
        stash.discard()
        return None
    spool = TableSpool("paragraphs", folder, csv=config.csv, excel=config.excel,
                       parquet=config.parquet)
    stash.write(sort_table("paragraphs", paragraphs), spool)
    spool.close()
    return spool.prototype


def _kept_strings(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its Python-string columns as pandas' ``str`` dtype, as a table assembled
    from lists has them: a piece's strings may come as Python objects (the workers leave
    the spooled tables' strings so), and kept for the whole run they take several times the
    memory of Arrow strings."""
    plain = [c for c, t in df.dtypes.items() if isinstance(t, np.dtype) and t.kind == "O"
             and set(map(type, df[c].to_numpy())) <= {str, type(None)}]
    return df.astype(dict.fromkeys(plain, "str")) if plain else df


def _entity_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """The sentences that name an entity, with the columns ``entity_sentiment`` reads."""
    named = sentences["entities"].fillna("").astype(str) != ""
    return _kept_strings(sentences.loc[named, ENTITY_SENTENCE_COLUMNS])


def _frame_matrix(frame_scores: pd.DataFrame) -> pd.DataFrame:
    """:func:`framing.frames.frame_matrix` (imported when first used)."""
    from framing.frames import frame_matrix

    return _kept_strings(frame_matrix(frame_scores))


#: Projections of spooled tables kept for the corpus-wide stages: table → (name, function of
#: a piece of the table, picklable: pieces are rendered in the workers). ``frame_scores``
#: (one row per scored paragraph and frame) is kept in wide form, about a fifth of its
#: memory (:func:`framing.frames.frame_matrix`).
DERIVED: dict[str, tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]] = {
    "frame_scores": ("frame_matrix", _frame_matrix),
    "sentences": ("entity_sentences", _entity_sentences),
}


#: Modules of the corpus-wide stages, imported while the articles are analysed.
CORPUS_WIDE_MODULES = ("compare", "frames", "measures", "sentiment", "terms", "timeline",
                       "topics", "validate")


#: Modules of the figures, imported with them when the run draws figures; their set-up
#: (matplotlib, seaborn, the CJK font: about 1.5 s) is done then too.
FIGURE_MODULES = ("figures_frames", "figures_sentiment", "figures_terms", "figures_timeline")


def _import_corpus_wide_modules(figures: bool = False) -> None:
    for name in (*CORPUS_WIDE_MODULES, *(FIGURE_MODULES if figures else ())):
        importlib.import_module(f"framing.{name}")
    if figures:
        from framing import plotting

        plotting.setup()


def run_stages(corpus: Corpus, config: Config, options: RunOptions | None = None,
               stage: Path | None = None, release_texts: bool = False,
               hashes: FileHashes | None = None
               ) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    """Run every analysis stage on a loaded corpus.

    Parameters
    ----------
    corpus : Corpus
        The loaded corpus (:func:`framing.corpus.load_corpus`).
    config : Config
        Settings that shape the numbers (recorded in ``manifest.json``).
    options : RunOptions, optional
        How the per-article work runs (workers, Dask, cache, progress); never changes a number.
    stage : path, optional
        Folder the :data:`SPOOLED` tables are written into as the articles are analysed
        (:func:`analyze` passes its staging folder); they are then not in ``tables`` but in
        ``stats["spooled"]`` (name → zero-row prototype). Without it every table is kept.
    release_texts : bool
        Empty each article's ``text`` once the per-article stages are done (no later stage
        reads it): :func:`analyze`, which loaded the corpus for the run, frees the memory of
        the texts (hundreds of megabytes on a large corpus) before the corpus-wide stages.
    hashes : FileHashes, optional
        Given the files written into ``stage`` as each is finished, to hash them while the
        later stages run (:func:`analyze` records the digests in ``manifest.json``).

    Returns
    -------
    tables : dict
        Table name → DataFrame, as written by :func:`analyze`.
    provenance : dict
        Codebook and lexicon versions and hashes for ``manifest.json``.
    stats : dict
        Engine statistics and seconds per stage, for benchmarks (not written to the outputs).
    """
    # A large corpus gives memory back after each stage that frees a table; a small one
    # skips the garbage collections that costs (memory.trimming): 0.6 s of a 1,000-article
    # run's 10 s, with nothing much to give back.
    large = len(corpus.articles) >= engine.STOP_SERVER_ARTICLES
    with memory.trimming(large):
        return _run_stages(corpus, config, options, stage, release_texts, hashes, large)


def _run_stages(corpus: Corpus, config: Config, options: RunOptions | None,
                stage: Path | None, release_texts: bool, hashes: FileHashes | None,
                large: bool) -> tuple[dict[str, pd.DataFrame], dict, dict]:
    """:func:`run_stages`, with ``large`` saying whether the corpus is a large one."""
    from framing import codebook as codebook_lib

    # The corpus-wide stages share their independent pieces among the local cores
    # (framing.forked), also when the per-article work goes to a Dask cluster.
    jobs = engine.local_jobs(options or RunOptions())
    importer = None
    if jobs > 1 or (options is not None and options.scheduler):
        # The corpus-wide stages' modules (scikit-learn and SciPy among them: about 0.8 s)
        # are imported by a thread while the workers analyse the articles, not before they
        # start. (A serial run computes here: it imports them when it needs them.)
        # The cache key's code hash (which parses framing's source with ast) is computed
        # first: on Python 3.11 two threads building ASTs at once can fail with "AST
        # constructor recursion depth mismatch", and matplotlib's set-up calls
        # ast.literal_eval. (code_hash keeps its result for the process.)
        engine.code_hash()
        importer = threading.Thread(target=_import_corpus_wide_modules,
                                    args=(config.figures,), daemon=True)
        importer.start()
    codebook = codebook_lib.load_codebook(config.codebook)
    # On disk while the articles are analysed (a few KB per article), read back for topics.
    counts = TermCounts(spill=stage / ".term-counts" if stage is not None else None)
    router = None
    if stage is not None:
        stash = ColumnStash(stage / ".paragraph-texts.jsonl", list(PARAGRAPH_TEXT_COLUMNS))
        router = PieceRouter(
            stage, SPOOLED, keep={"paragraphs"}, derive=DERIVED,
            consume={"terms": functools.partial(count_terms, counts)},
            # counted per paragraph in the workers: this process only numbers the terms
            prepare={"terms": prepare_terms},
            stash={"paragraphs": stash},
            csv=config.csv, excel=config.excel, parquet=config.parquet,
        )
    articles, run = per_article_run(corpus, config, options, sink=router)

    def finished(names: Iterable[str]) -> None:
        # Files written for good: hashed for the manifest while the stages below run.
        if hashes is not None and stage is not None:
            hashes.add(p for name in sorted(names)
                       for p in (stage / f"{name}.csv", stage / f"{name}.parquet")
                       if p.exists())
    if importer is not None:
        importer.join()
    from framing import compare as compare_lib
    from framing import frames, sentiment, terms, topics
    from framing import measures as measures_lib
    from framing import timeline as timeline_lib

    if release_texts:
        for article in corpus.articles:
            article.text = ""
    # The per-article models (the fork server's, or loaded here by a serial run) are not used
    # below: on a large corpus their memory goes to the corpus-wide stages.
    engine.release_models(stop_server=large)
    clock = StageClock(run.stats)
    if router is not None:
        # The kept tables stay on disk through the topic stage (the largest), read back
        # where they are first needed (DEFERRED).
        tables = router.finish({**_empty_forms(),
                                "entity_sentences": ENTITY_SENTENCE_COLUMNS,
                                "frame_matrix": ["doc_id", "para_id"]},
                               defer=DEFERRED)
        run.stats["spooled"] = router.written()
        finished(router.spools)
        run.stats["stash"] = stash
        memory.trim()  # what the per-article phase left behind
    else:
        tables = dict(run.tables)
        for name, cols in _empty_forms().items():
            tables.setdefault(name, pd.DataFrame(columns=cols))
        kept = {"entity_sentences": tables["sentences"],
                "frame_matrix": frames.frame_matrix(tables["frame_scores"]),
                "paragraphs": tables.pop("paragraphs")}
        count_terms(counts, tables.pop("terms", pd.DataFrame(columns=["doc_id"])))
    tables["articles"] = articles
    tables["ledger"] = ledger_frame(corpus)

    def deferred(name: str, columns: list[str] | None = None, keep: bool = False
                 ) -> pd.DataFrame:
        if router is not None:
            return router.load(name, columns, keep=keep)
        if columns is not None:
            return kept[name][columns]
        return kept[name] if keep else kept.pop(name)

    clock.lap("aggregate")
    # On a small corpus with several local jobs, two forked processes work beside this one
    # (framing.forked.beside): one runs the paragraph stages, which need no topic, while the
    # topic model is fitted; the other writes the paragraphs and their topics while the
    # comparisons run. Each holds what this process frees while it runs, so a large corpus
    # does one thing at a time, within its memory target.
    beside = (stage is not None and jobs > 1 and len(corpus.articles) < BESIDE_ARTICLES)
    paragraph_job = writer = None
    try:
        if beside:
            # The files still being written are closed first: the child would otherwise
            # write their buffered bytes a second time.
            router.close_files()
            stash.close()
            paragraph_job = forked.beside(lambda: paragraph_stages(
                deferred("paragraphs", keep=True), functools.partial(deferred, keep=True),
                articles, corpus.root, codebook, config, stage, jobs=jobs))
        try:
            # the paragraphs' keys only while the model is fitted (in forked processes)
            topic_tables = topics.fit_topics(counts, deferred("paragraphs", ["doc_id", "para_id"]),
                                             articles, k=config.topics_k,
                                             random_state=config.seed, jobs=jobs)
        except CorpusError as exc:
            # Too little text for a topic model (e.g. one short article): the other analyses
            # still run; the topic tables are written empty and the warning says why.
            warnings.warn(f"no topic model: {exc}", StageSkippedWarning, stacklevel=2)
            topic_tables = topics.empty_topic_tables()
        topic_par = topic_tables.pop("paragraphs", None)
        has_dominant = topic_par is not None and not topic_par.empty
        tables.update(topic_tables)
        del topic_tables
        topic_rows = tables.get("paragraph_topics")
        spool_rows = None
        if stage is not None and topic_rows is not None:
            # One row per paragraph and topic, the largest corpus-wide table: written now,
            # not held through the stages below. The measures need only its topics (the
            # dominant topic of each paragraph goes into ``paragraphs``).
            spool_rows = functools.partial(
                spool_table, "paragraph_topics",
                sort_table("paragraph_topics", tables.pop("paragraph_topics")), stage,
                csv=config.csv, excel=config.excel, parquet=config.parquet)
            if not (beside and stash.order is not None):
                run.stats["spooled"]["paragraph_topics"] = spool_rows()
                finished(["paragraph_topics"])
                spool_rows = None
            if has_dominant:
                topic_rows = topic_rows.drop_duplicates("topic").reset_index(drop=True)
        memory.trim()  # the TF-IDF matrix and the model's fitting arrays
        # The distinctive terms read the term counts alone: computed before the paragraphs
        # are loaded, and the counts then freed, so that the two never take memory at once
        # (at 100,000 articles this stage holds about 450 MiB more than at its start).
        try:
            tables["distinctive_terms"] = terms.distinctive_terms(
                counts, articles, by="outlet", top=DISTINCTIVE_TOP
            )
        except (ConfigError, CorpusError) as exc:
            # One outlet only: nothing to contrast. Written empty; the warning says why.
            warnings.warn(f"no distinctive terms: {exc}", StageSkippedWarning, stacklevel=2)
            tables["distinctive_terms"] = pd.DataFrame(columns=terms.OUTPUT_COLUMNS)
        # The term counts (the largest thing held on a big corpus) are not needed any more; the
        # router's consumer holds them too.
        counts.close()
        del counts
        if router is not None:
            router.consume.clear()
        memory.trim()
        # (left on disk for the forked process reading them too: removed at the end)
        paragraphs = deferred("paragraphs", keep=beside)
        if has_dominant:
            paragraphs = paragraphs.merge(topic_par, on=["doc_id", "para_id"], how="left")
        del topic_par
        if spool_rows is not None:
            # The paragraphs are final: they and the paragraph topics are written by a
            # forked process while this one computes the stages below.
            writer = forked.beside(lambda: {
                "paragraph_topics": spool_rows(),
                "paragraphs": write_paragraphs(paragraphs, stash, stage, config)})
            run.stats["stash"] = None
            del spool_rows
            memory.trim()
        clock.lap("terms_topics")

        # Read again after the comparisons: not held while their processes run (the peak of a
        # large run).
        measures = measures_lib.paragraph_measures(paragraphs, deferred("frame_matrix", keep=True),
                                                   topic_rows)
        del topic_rows
        tl = timeline_lib.timeline(measures, articles, freq=config.timeline_freq, by="outlet",
                                   n_boot=config.n_boot, seed=config.seed, jobs=jobs)
        tables["timeline_excluded"] = tl.attrs.pop("excluded")
        tables["timeline"] = tl
        tables["comparisons"] = compare_lib.compare_groups(
            measures, articles, by="outlet", metrics=["frame_share", "frame_density", "sentiment"],
            n_boot=config.n_boot, seed=config.seed, jobs=jobs,
        )
        del measures  # (one column per frame, scorer and topic for every paragraph)
        memory.trim()
        if paragraph_job is not None:
            done = paragraph_job.result()
            router.discard()  # the kept tables' files, read by the forked process
        else:
            done = paragraph_stages(paragraphs, deferred, articles, corpus.root, codebook,
                                    config, stage, jobs=jobs)
        tables.update(done["tables"])
        if stage is not None:
            run.stats["spooled"].update(done["spooled"])
            # what the forked process wrote (the paragraphs are held as well)
            run.stats["written"] = writer.result() if writer is not None else {}
            finished([*done["spooled"], *run.stats["written"]])
        choice = done["choice"]
        tables["paragraphs"] = paragraphs
        provenance = {
            "figure_scorer": {"column": choice.column, "reason": choice.reason},
            "codebook": {"version": codebook.version, "sha256": codebook.sha256,
                         "path": str(config.codebook or "framing/data/codebook.yaml")},
            "sentiment_lexicon": sentiment.lexicon_metadata(),
            "dictionaries": default_tokenizer().dictionary_hashes,
        }
        clock.lap("aggregate")
    finally:
        for job in (paragraph_job, writer):
            if job is not None:
                job.close()
    return tables, provenance, run.stats


def paragraph_stages(paragraphs: pd.DataFrame, load: Callable[[str], pd.DataFrame],
                     articles: pd.DataFrame, corpus_root: Path, codebook: object,
                     config: Config, stage: Path | None, jobs: int = 1) -> dict:
    """The corpus-wide stages that read the paragraphs' frames and sentiment (after the
    topic model): entity sentiment, sentiment arcs, outlet frames, the scorers' agreement,
    frame sentiment, the validations and the choice of the figures' scorer.

    ``load(name)`` gives the kept ``frame_matrix`` and ``entity_sentences``. With ``stage``,
    ``entity_sentiment`` is written there at once. ``paragraphs`` gets an ``outlet`` column
    while they run; it is taken off again. ``jobs``: threads the outlet frame profiles are
    shared among.

    Returns
    -------
    dict
        ``tables`` (name → DataFrame), ``spooled`` (name → zero-row prototype of the tables
        written into ``stage``) and ``choice`` (:class:`framing.sentiment.ScorerChoice`).
    """
    from framing import frames, sentiment, validate

    tables: dict[str, pd.DataFrame] = {}
    spooled: dict[str, pd.DataFrame] = {}

    def written_now(name: str, df: pd.DataFrame) -> None:
        # A table no later stage reads: written at once with ``stage`` (and dropped here).
        if stage is None:
            tables[name] = df
            return
        spooled[name] = spool_table(name, sort_table(name, df), stage, csv=config.csv,
                                    excel=config.excel, parquet=config.parquet)
        memory.trim()

    # Entity sentiment first, before the frame matrix is loaded: at 100,000 articles it held
    # about 450 MiB more than its start while it ran (one row per sentence and entity).
    written_now("entity_sentiment",
                sentiment.entity_sentiment(load("entity_sentences"), articles))
    frame_matrix = load("frame_matrix")
    # Each stage below gets the paragraphs' columns it reads only: several copy their input
    # (the whole table is about 170 MiB of column arrays at 100,000 articles).
    written_now("sentiment_arcs", sentiment.sentiment_arcs(
        paragraphs[[c for c in ("doc_id", "para_id", "role", *sentiment.SCORER_COLUMNS)
                    if c in paragraphs.columns]], articles))
    # The outlet is added to the paragraphs for the stages below and taken off again before
    # the table is written (the articles table has it).
    _add_outlet(paragraphs, articles)
    _add_outlet(frame_matrix, articles)
    tables["outlet_frames"] = frames.outlet_frames(
        paragraphs[["doc_id", "para_id", "dominant_frame"]], frame_matrix,
        n_boot=config.n_boot, seed=config.seed, jobs=jobs)
    scores = paragraphs[["outlet", *sentiment.SCORER_COLUMNS]]
    tables["sentiment_agreement"] = sentiment.sentiment_agreement(scores)
    tables["frame_sentiment"] = sentiment.frame_sentiment(
        scores.assign(dominant_frame=paragraphs["dominant_frame"]))
    del scores
    tables.update(validate.corpus_validation(corpus_root, paragraphs,
                                             {"frame_scores": frame_matrix}, codebook,
                                             seed=config.seed, n_boot=config.n_boot))
    tables["sentiment_validation"] = sentiment.corpus_tone_validation(
        corpus_root, paragraphs, n_boot=config.n_boot)
    del paragraphs["outlet"]
    return {"tables": tables, "spooled": spooled,
            "choice": sentiment.choose_scorer(tables["sentiment_validation"])}


def sort_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Sort a table by its declared keys (or by all its leading key-like columns)."""
    keys = TABLE_KEYS.get(name)
    if keys is None:
        keys = [c for c in df.columns if c in ("group_var", "group", "doc_id", "para_id",
                                                "outlet", "period", "frame", "topic",
                                                "entity", "method", "rank", "start")]
    keys = [k for k in keys if k in df.columns]
    if not keys or df.empty or _in_order(df, keys):
        return df.reset_index(drop=True)
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True)


def comparable(column: pd.Series) -> np.ndarray | None:
    """A key column as an array whose elements compare as its values do, or None when the
    column holds a missing value.

    Strings become their rank among the column's distinct strings (sorted by code point,
    as Python and Arrow compare them): a table of millions of rows is checked without
    making a Python string per row (half a gigabyte for ``paragraph_topics``' ``doc_id`` at
    100,000 articles). They are numbered in order of appearance first: when the distinct
    strings appear in increasing order, as in a table already in key order, those numbers
    are their ranks and the sort is saved. Other columns are their values.
    """
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        codes, uniques = pd.factorize(column)  # missing values: -1
        if len(codes) and codes.min() < 0:
            return None
        distinct = list(uniques)
        if not all(a < b for a, b in itertools.pairwise(distinct)):
            codes, _uniques = pd.factorize(column, sort=True)
        return codes
    if column.isna().to_numpy().any():
        return None
    return column.to_numpy()


def _in_order(df: pd.DataFrame, keys: list[str]) -> bool:
    """True when the rows are already in key order (a stable sort would leave them as they
    are). The engine's per-article tables come in ``doc_id`` order, and sorting millions of
    token rows again costs seconds. Missing keys, which a sort puts last, answer False."""
    # Row i is out of order when, on the first key where rows i and i+1 differ, row i is
    # the larger one. Compared key by key on whole columns (what a MultiIndex check would do,
    # without building one).
    settled = np.zeros(max(len(df) - 1, 0), dtype=bool)  # rows told apart by an earlier key
    try:
        for key in keys:
            values = comparable(df[key])
            if values is None:
                return False
            before, after = values[:-1], values[1:]
            if (~settled & (before > after)).any():
                return False
            settled |= before < after
    except TypeError:  # keys of mixed types: let the sort decide (or refuse)
        return False
    return True


def analyze(corpus_dir: str | Path, out_dir: str | Path = "results",
            config: Config | None = None, progress: bool = False,
            options: RunOptions | None = None) -> AnalysisResult:
    """Analyse a corpus and write every table, figure and the run manifest.

    Parameters
    ----------
    corpus_dir : path
        Corpus folder (``manifest.csv`` + articles).
    out_dir : path
        Output folder; replaced as a whole when the run succeeds. An existing folder that
        framing did not write is refused.
    config : Config, optional
        Run settings (recorded in ``manifest.json``).
    progress : bool
        Show progress bars on standard error (overrides ``options.progress`` when True).
    options : RunOptions, optional
        Workers, Dask scheduler and cache (:class:`framing.engine.RunOptions`); the outputs
        are byte-identical whatever these are.

    Returns
    -------
    AnalysisResult
        ``stats`` holds the engine statistics and the seconds spent in each stage.
    """
    from framing.pipeline import corpus_hash, package_versions

    t_start = time.perf_counter()
    config = config or Config()
    options = replace(options or RunOptions(), progress=progress or bool(
        options and options.progress))
    corpus_path, out_path = Path(corpus_dir), Path(out_dir)
    if out_path.resolve().is_relative_to(corpus_path.resolve()):
        from framing.errors import FramingError

        raise FramingError(f"{out_dir}: the output folder must not be inside the corpus folder")
    engine.start_workers_early(options)
    corpus = load_corpus(corpus_path, progress=options.progress)
    if not config.skip_bad:
        check_ledger(corpus)
    if not (config.csv or config.parquet):
        raise ConfigError("no output format: write CSV, Parquet or both")
    decode_seconds = time.perf_counter() - t_start
    files: dict[str, str] = {}
    # (threads, one per local job: they hash the finished files while the later stages run)
    with (atomic.staged_dir(out_path, RUN_MANIFEST) as stage,
          FileHashes(threads=min(4, engine.local_jobs(options))) as hashes):
        # The staging folder exists before the analysis starts: the per-article tables are
        # written into it piece by piece as the articles are analysed (SPOOLED).
        tables, provenance, stats = run_stages(corpus, config, options, stage=stage,
                                               release_texts=True, hashes=hashes)
        spooled: dict[str, pd.DataFrame] = stats.pop("spooled", {})
        stash: ColumnStash | None = stats.pop("stash", None)
        # written while the stages ran (tables may still hold them)
        written: dict[str, pd.DataFrame] = stats.pop("written", {})
        spooled.update(written)
        stats["written_beside"] = sorted(written)  # for tests and benchmarks
        clock = StageClock(stats)
        stats["stage_seconds"]["decode"] = decode_seconds
        tables = {name: sort_table(name, df) for name, df in sorted(tables.items())}
        for name, df in tables.items():
            if name in written:
                continue
            if name == "paragraphs" and stash is not None:
                # the texts come back from the stash as the table is written
                prototype = write_paragraphs(df, stash, stage, config)
                if prototype is not None:
                    spooled[name] = prototype
                    continue
            if config.csv:
                output.write_csv(df, stage / f"{name}.csv", excel=config.excel)
            if config.parquet:
                output.write_parquet(df, stage / f"{name}.parquet")
        for name in sorted({*tables, *spooled}):
            files[name] = f"{name}.csv" if config.csv else f"{name}.parquet"
        clock.lap("write")
        from framing.codebook import load_codebook
        from framing.report import methods_text, summary_text, write_figures

        scorer = provenance["figure_scorer"]
        if config.figures:
            # the spooled tables (frame_scores for the article heat maps) are read back
            write_figures(Tables(tables, {name: stage / files[name] for name in spooled}),
                          stage / "figures", load_codebook(config.codebook), scorer["column"],
                          jobs=engine.local_jobs(options))
        clock.lap("figures")
        package = schema.datapackage({**tables, **spooled}, schema.package_name(corpus_path),
                                     files)
        atomic.write_text(stage / "datapackage.json", dump_json(package))
        summary = summary_text(tables, corpus, scorer["column"], scorer["reason"])
        manifest = {
            "framing_output": 1,
            "versions": package_versions(),
            "corpus": {
                "path": corpus_path.as_posix(),
                "sha256": corpus_hash(tables["articles"]),
                "counts": corpus.counts(),
            },
            "config": config.as_dict(),
            **provenance,
        }
        atomic.write_text(stage / "methods.md", methods_text(tables, corpus, manifest))
        outputs = [p for p in sorted(stage.rglob("*")) if p.is_file()]
        hashes.add(outputs)  # the files not hashed yet, on the hashing threads too
        manifest["files"] = {p.relative_to(stage).as_posix(): hashes.sha256(p)
                             for p in outputs}
        atomic.write_text(stage / RUN_MANIFEST, dump_json(manifest))
        clock.lap("write")
    stats["wall_seconds"] = time.perf_counter() - t_start
    stats["chars"] = int(tables["articles"]["n_chars"].sum()) if len(tables["articles"]) else 0
    held = {name: df for name, df in tables.items() if name not in spooled}
    return AnalysisResult(out_path, Tables(held, {name: out_path / files[name]
                                                  for name in spooled}),
                          summary, manifest, stats)


class Tables(Mapping):
    """The tables of a run: those held in memory, and the ones written piece by piece
    (:data:`SPOOLED`), read back from the output folder the first time they are asked for
    (:func:`framing.output.read_table`, with the dtypes of the data dictionary)."""

    def __init__(self, held: dict[str, pd.DataFrame], on_disk: dict[str, Path]) -> None:
        self._held = dict(held)
        self._on_disk = dict(on_disk)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._held and name in self._on_disk:
            self._held[name] = output.read_table(self._on_disk[name], name)
        return self._held[name]

    def __iter__(self):
        return iter(sorted({*self._held, *self._on_disk}))

    def __len__(self) -> int:
        return len({*self._held, *self._on_disk})

    def rows_of(self, name: str, doc_ids: list[str]) -> pd.DataFrame:
        """The rows of table ``name`` that belong to the articles ``doc_ids``. A table on
        disk is read no further than the last of them (``output.read_table``), so asking
        for a large corpus's first articles does not read the whole table."""
        if name in self._held or name not in self._on_disk:
            table = self[name]
            return table[table["doc_id"].astype(str).isin(set(doc_ids))].reset_index(drop=True)
        return output.read_table(self._on_disk[name], name, doc_ids=doc_ids)

    def in_memory(self) -> dict[str, pd.DataFrame]:
        """The tables held in memory now (no file is read)."""
        return dict(self._held)
