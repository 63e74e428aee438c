"""``framing analyze``: every stage on a corpus, every table and figure into one folder.

Outputs are written into a staging folder next to the output folder and swapped in only when
complete (:func:`framing.atomic.staged_dir`), so an interrupted run leaves the previous
results untouched. ``manifest.json`` records software versions, the corpus hash, the
configuration and the hash of every dictionary, lexicon and codebook used, plus the SHA-256 of
every file written; it contains no time stamps, so a rerun on the same corpus gives
byte-identical files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import pandas as pd

from framing import atomic, output, schema
from framing.pipeline import RUN_MANIFEST, Prepared, dump_json, ledger_frame, prepare

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

#: Terms kept per group and method in ``distinctive_terms.csv``.
DISTINCTIVE_TOP = 50

#: Seed of every random step (bootstrap, permutation, topic model initialisation).
DEFAULT_SEED = 20250704


@dataclass
class Config:
    """Settings of one analysis run (recorded in ``manifest.json``)."""

    codebook: str | None = None
    topics_k: int | None = None
    seed: int = DEFAULT_SEED
    n_boot: int = 2000
    timeline_freq: str = "M"
    excel: bool = False
    parquet: bool = False
    figures: bool = True
    skip_bad: bool = False

    def as_dict(self) -> dict:
        """The configuration as plain JSON values."""
        return {k: v for k, v in self.__dict__.items()}


@dataclass
class AnalysisResult:
    """What :func:`analyze` produced: the tables, the printed summary, the run manifest."""

    out_dir: Path
    tables: dict[str, pd.DataFrame]
    summary: str
    manifest: dict = field(repr=False, default_factory=dict)


def _with_outlet(df: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    return df.merge(articles[["doc_id", "outlet"]], on="doc_id", how="left")


def per_article_tables(prep: Prepared, codebook: object) -> dict[str, list[dict]]:
    """Run the per-article analysis stages (frames, sentiment) on every article.

    Returns
    -------
    dict
        Table name → rows; ``paragraph_columns`` holds the rows that add columns to
        ``paragraphs`` (keyed by ``doc_id``, ``para_id``).
    """
    from framing import frames, sentiment

    out: dict[str, list[dict]] = {}
    for _doc_id, group in groupby(prep.units, key=lambda u: u.doc_id):
        units = list(group)
        stages = {
            "frames": frames.score_article(units, codebook),
            "sentiment": sentiment.score_article(units),
        }
        for stage, tables in stages.items():
            for name, rows in tables.items():
                key = f"paragraph_columns:{stage}" if name == "paragraphs" else name
                out.setdefault(key, []).extend(rows)
    return out


def merge_paragraph_columns(paragraphs: pd.DataFrame, tables: dict[str, list[dict]]
                            ) -> pd.DataFrame:
    """Join the per-paragraph columns that stages return onto the paragraphs table."""
    out = paragraphs
    for name in sorted(k for k in tables if k.startswith("paragraph_columns:")):
        extra = pd.DataFrame(tables.pop(name))
        if not extra.empty:
            out = out.merge(extra, on=["doc_id", "para_id"], how="left")
    return out


def run_stages(prep: Prepared, config: Config) -> tuple[dict[str, pd.DataFrame], dict]:
    """Run every analysis stage on a prepared corpus.

    Returns
    -------
    tables : dict
        Table name → DataFrame, as written by :func:`analyze`.
    provenance : dict
        Codebook and lexicon versions and hashes for ``manifest.json``.
    """
    from framing import codebook as codebook_lib
    from framing import compare as compare_lib
    from framing import frames, sentiment, terms, topics, validate
    from framing import measures as measures_lib
    from framing import timeline as timeline_lib

    codebook = codebook_lib.load_codebook(config.codebook)
    rows = per_article_tables(prep, codebook)
    paragraphs = merge_paragraph_columns(prep.paragraphs, rows)
    articles = prep.articles
    tables: dict[str, pd.DataFrame] = {
        "articles": articles,
        "tokens": prep.tokens,
        "entities": prep.entities,
        "ledger": ledger_frame(prep.corpus),
    }
    for name, table_rows in rows.items():
        tables[name] = pd.DataFrame(table_rows)

    topic_tables = topics.fit_topics(prep.tokens, paragraphs, articles, k=config.topics_k,
                                     random_state=config.seed)
    topic_par = topic_tables.pop("paragraphs", None)
    if topic_par is not None and not topic_par.empty:
        paragraphs = paragraphs.merge(topic_par, on=["doc_id", "para_id"], how="left")
    tables.update(topic_tables)
    tables["distinctive_terms"] = terms.distinctive_terms(
        prep.tokens, articles, by="outlet", top=DISTINCTIVE_TOP, paragraphs=paragraphs
    )

    measures = measures_lib.paragraph_measures(paragraphs, tables["frame_scores"],
                                               tables.get("paragraph_topics"))
    tl = timeline_lib.timeline(measures, articles, freq=config.timeline_freq, by="outlet",
                               n_boot=config.n_boot, seed=config.seed)
    tables["timeline_excluded"] = tl.attrs.pop("excluded")
    tables["timeline"] = tl
    tables["comparisons"] = compare_lib.compare_groups(
        measures, articles, by="outlet", metrics=["frame_share", "frame_density", "sentiment"],
        n_boot=config.n_boot, seed=config.seed,
    )
    par_o = _with_outlet(paragraphs, articles)
    tables["outlet_frames"] = frames.outlet_frames(
        par_o, _with_outlet(tables["frame_scores"], articles), n_boot=config.n_boot,
        seed=config.seed,
    )
    tables["sentiment_agreement"] = sentiment.sentiment_agreement(par_o)
    tables["entity_sentiment"] = sentiment.entity_sentiment(tables["sentences"], articles)
    tables["sentiment_arcs"] = sentiment.sentiment_arcs(paragraphs, articles)
    tables["frame_sentiment"] = sentiment.frame_sentiment(par_o)
    tables.update(validate.corpus_validation(prep.corpus_dir, par_o, tables, codebook,
                                             seed=config.seed, n_boot=config.n_boot))
    tables["sentiment_validation"] = sentiment.corpus_tone_validation(
        prep.corpus_dir, par_o, n_boot=config.n_boot
    )
    choice = sentiment.choose_scorer(tables["sentiment_validation"])
    tables["paragraphs"] = paragraphs
    provenance = {
        "figure_scorer": {"column": choice.column, "reason": choice.reason},
        "codebook": {"version": codebook.version, "sha256": codebook.sha256,
                     "path": str(config.codebook or "framing/data/codebook.yaml")},
        "sentiment_lexicon": sentiment.lexicon_metadata(),
        "dictionaries": prep.tokenizer.dictionary_hashes,
    }
    return tables, provenance


def sort_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Sort a table by its declared keys (or by all its leading key-like columns)."""
    keys = TABLE_KEYS.get(name)
    if keys is None:
        keys = [c for c in df.columns if c in ("group_var", "group", "doc_id", "para_id",
                                                "outlet", "period", "frame", "topic",
                                                "entity", "method", "rank", "start")]
    keys = [k for k in keys if k in df.columns]
    if not keys or df.empty:
        return df.reset_index(drop=True)
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True)


def analyze(corpus_dir: str | Path, out_dir: str | Path = "results",
            config: Config | None = None, progress: bool = False) -> AnalysisResult:
    """Analyse a corpus and write every table, figure and the run manifest.

    Parameters
    ----------
    corpus_dir : path
        Corpus folder (``manifest.csv`` + articles).
    out_dir : path
        Output folder; replaced as a whole when the run succeeds. An existing folder that
        framing did not write is refused.
    config : Config, optional
        Run settings.
    progress : bool
        Show progress bars on standard error.

    Returns
    -------
    AnalysisResult
    """
    from framing.pipeline import corpus_hash, package_versions

    config = config or Config()
    corpus_path, out_path = Path(corpus_dir), Path(out_dir)
    if out_path.resolve().is_relative_to(corpus_path.resolve()):
        from framing.errors import FramingError

        raise FramingError(f"{out_dir}: the output folder must not be inside the corpus folder")
    prep = prepare(corpus_path, progress=progress, allow_skipped=config.skip_bad)
    tables, provenance = run_stages(prep, config)
    tables = {name: sort_table(name, df) for name, df in sorted(tables.items())}
    files: dict[str, str] = {}
    with atomic.staged_dir(out_path, RUN_MANIFEST) as stage:
        for name, df in tables.items():
            files[name] = f"{name}.csv"
            output.write_csv(df, stage / files[name], excel=config.excel)
            if config.parquet:
                output.write_parquet(df, stage / f"{name}.parquet")
        from framing.codebook import load_codebook
        from framing.report import methods_text, summary_text, write_figures

        scorer = provenance["figure_scorer"]
        if config.figures:
            write_figures(tables, stage / "figures", load_codebook(config.codebook),
                          scorer["column"])
        package = schema.datapackage(tables, schema.package_name(corpus_path), files)
        atomic.write_text(stage / "datapackage.json", dump_json(package))
        summary = summary_text(tables, prep, scorer["column"], scorer["reason"])
        manifest = {
            "framing_output": 1,
            "versions": package_versions(),
            "corpus": {
                "path": corpus_path.as_posix(),
                "sha256": corpus_hash(prep.articles),
                "counts": prep.corpus.counts(),
            },
            "config": config.as_dict(),
            **provenance,
        }
        atomic.write_text(stage / "methods.md", methods_text(tables, prep, manifest))
        manifest["files"] = {
            p.relative_to(stage).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(stage.rglob("*")) if p.is_file()
        }
        atomic.write_text(stage / RUN_MANIFEST, dump_json(manifest))
    return AnalysisResult(out_path, tables, summary, manifest)
