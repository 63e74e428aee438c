"""Per-paragraph measures: the numbers that timelines and comparisons aggregate.

One table, one row per analysed paragraph, one column per measure (wide, because the
bootstrap and the permutation test work on a paragraphs × measures matrix). Measure names:

- ``frame_share:<frame>``: 1 if the paragraph's dominant frame is ``<frame>``, else 0
  (a paragraph with no dominant frame or a tie is 0 for every frame). Its mean over
  paragraphs is the share of paragraphs the frame dominates.
- ``frame_density:<frame>``: the frame's density (weighted hits per 100 word tokens,
  ``frame_scores.density``).
- ``sentiment_lexicon``, ``sentiment_snownlp``: the paragraph's scores as in
  ``paragraphs.csv``.
- ``topic_share:<topic>``: 1 if the paragraph's dominant topic is ``<topic>``, else 0
  (only when topics were fitted).

Rules: sign-off paragraphs (role ``signoff``) are left out entirely. A missing value stays
missing (NaN) and is not counted: a paragraph that frame scoring skipped (no word token) has
NaN frame measures, a paragraph a sentiment scorer gave no score (NaN) is not in that
scorer's mean, a paragraph without topic terms has NaN topic shares. Aggregates are pooled
paragraph means (sum over paragraphs ÷ number of non-missing paragraphs), i.e. shares of
paragraphs, never counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import ConfigError
from framing.frames import as_frame_matrix, matrix_frames, matrix_values

#: Measure kinds (the part of a measure name before ``:``), in table order.
KINDS: tuple[str, ...] = ("frame_share", "frame_density", "sentiment", "topic_share")

#: Sentiment columns of ``paragraphs`` taken as measures.
SENTIMENT_COLUMNS: tuple[str, ...] = ("sentiment_lexicon", "sentiment_snownlp")

#: Key columns of the measures table.
KEYS: tuple[str, ...] = ("doc_id", "para_id")

#: Measure kinds whose paragraph values are 0/1 (their means are shares).
SHARE_KINDS: tuple[str, ...] = ("frame_share", "topic_share")


def metric_kind(metric: str) -> str:
    """Kind of a measure: ``frame_share``, ``frame_density``, ``sentiment`` or ``topic_share``."""
    if metric.startswith("sentiment"):
        return "sentiment"
    kind = metric.split(":", 1)[0]
    if kind not in KINDS:
        raise ConfigError(f"unknown measure {metric!r}; measures are frame_share:<frame>, "
                          "frame_density:<frame>, sentiment_lexicon, sentiment_snownlp, "
                          "topic_share:<topic>")
    return kind


def metric_names(measures: pd.DataFrame) -> list[str]:
    """The measure columns of a measures table, in table order."""
    return [c for c in measures.columns if c not in KEYS]


def select_metrics(measures: pd.DataFrame, metrics: Iterable[str] | str | None) -> list[str]:
    """Resolve a metric selection: exact names or kinds (``frame_share`` = all frames).

    Raises
    ------
    ConfigError
        If a name matches no measure column.
    """
    available = metric_names(measures)
    if metrics is None:
        return available
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    out: list[str] = []
    for m in wanted:
        hits = [c for c in available if c == m or c.split(":", 1)[0] == m
                or (m == "sentiment" and c.startswith("sentiment"))]
        if not hits:
            raise ConfigError(f"no measure {m!r}; available: {', '.join(available)} (or a kind: "
                              f"{', '.join(KINDS)})")
        out.extend(h for h in hits if h not in out)
    return [c for c in available if c in out]


def _require(df: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ConfigError(f"paragraph_measures: table {name} lacks column(s) "
                          f"{', '.join(missing)}")


def _frame_measures(paras: pd.DataFrame, matrix: pd.DataFrame) -> pd.DataFrame:
    frames = matrix_frames(matrix)
    index = pd.MultiIndex.from_frame(paras[list(KEYS)])
    density = matrix_values(matrix, "density")
    density.index = pd.MultiIndex.from_frame(matrix[list(KEYS)])
    scored = pd.Series(index.isin(density.index), index=index)
    density = density.reindex(index)
    if "frames_scored" in paras.columns:
        scored &= paras["frames_scored"].fillna(False).astype(bool).to_numpy()
    dom = paras["dominant_frame"].astype(object).where(paras["dominant_frame"].notna(), "")
    dom = dom.astype(str).to_numpy()
    out = {}
    for f in frames:
        out[f"frame_share:{f}"] = np.where(scored, (dom == f).astype(float), np.nan)
    for f in frames:
        # A scored paragraph without a row for this frame has density 0.
        col = density[f].to_numpy(dtype=float)
        out[f"frame_density:{f}"] = np.where(scored, np.nan_to_num(col, nan=0.0), np.nan)
    return pd.DataFrame(out, index=paras.index)


def _topic_measures(paras: pd.DataFrame, paragraph_topics: pd.DataFrame | None
                    ) -> pd.DataFrame:
    if paragraph_topics is not None and not paragraph_topics.empty:
        _require(paragraph_topics, ["doc_id", "para_id", "topic", "weight"], "paragraph_topics")
        topics = sorted(paragraph_topics["topic"].unique())
    elif "dominant_topic" in paras.columns:
        topics = sorted(paras["dominant_topic"].dropna().unique())
    else:
        return pd.DataFrame(index=paras.index)
    if "dominant_topic" in paras.columns:
        dom = paras["dominant_topic"]
    else:
        # The topic of largest weight (first on ties, as topics.py does with argmax).
        pt = paragraph_topics.sort_values(["doc_id", "para_id", "weight", "topic"],
                                          ascending=[True, True, False, True], kind="mergesort")
        best = pt.drop_duplicates(["doc_id", "para_id"]).set_index(list(KEYS))["topic"]
        dom = pd.Series(best.reindex(pd.MultiIndex.from_frame(paras[list(KEYS)])).to_numpy(),
                        index=paras.index)
    has = dom.notna().to_numpy()
    vals = dom.to_numpy()
    out = {}
    for t in topics:
        name = str(int(t)) if isinstance(t, (int, float, np.integer, np.floating)) else str(t)
        out[f"topic_share:{name}"] = np.where(has, (vals == t).astype(float), np.nan)
    return pd.DataFrame(out, index=paras.index)


def paragraph_measures(
    paragraphs: pd.DataFrame,
    frame_scores: pd.DataFrame,
    paragraph_topics: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Build the per-paragraph measure table from the analysis tables.

    Parameters
    ----------
    paragraphs : DataFrame
        ``paragraphs`` table with ``doc_id, para_id, role, dominant_frame`` and, when
        present, ``frames_scored``, ``sentiment_lexicon``, ``sentiment_snownlp``,
        ``dominant_topic``.
    frame_scores : DataFrame
        ``frame_scores`` table (``doc_id, para_id, frame, density``): one row per scored
        paragraph and frame; or its wide form (:func:`framing.frames.frame_matrix`).
    paragraph_topics : DataFrame, optional
        ``paragraph_topics`` table (``doc_id, para_id, topic, weight``); gives the topic list
        (and the dominant topic when ``paragraphs`` has no ``dominant_topic``).

    Returns
    -------
    DataFrame
        One row per paragraph that is not a sign-off, sorted by ``doc_id, para_id``;
        columns ``doc_id, para_id`` then one float column per measure (see module
        docstring), NaN where the measure does not apply.
    """
    _require(paragraphs, ["doc_id", "para_id", "role", "dominant_frame"], "paragraphs")
    if "frame" in frame_scores.columns:
        _require(frame_scores, ["doc_id", "para_id", "frame", "density"], "frame_scores")
    else:
        _require(frame_scores, ["doc_id", "para_id"], "frame_scores")
    paras = paragraphs[paragraphs["role"].astype(str) != "signoff"]
    paras = paras.sort_values(list(KEYS), kind="mergesort").reset_index(drop=True)
    parts = [paras[list(KEYS)].astype({"doc_id": str, "para_id": "int64"}),
             _frame_measures(paras, as_frame_matrix(frame_scores))]
    sent = {c: pd.to_numeric(paras[c], errors="coerce").astype(float)
            for c in SENTIMENT_COLUMNS if c in paras.columns}
    parts.append(pd.DataFrame(sent, index=paras.index))
    parts.append(_topic_measures(paras, paragraph_topics))
    return pd.concat(parts, axis=1)


def measures_for_corpus(
    corpus_dir: str | Path,
    codebook: str | Path | None = None,
    topics: bool = False,
    topics_k: int | None = None,
    seed: int = 20250704,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a corpus and compute its paragraph measures (frames, sentiment, optional topics).

    Runs the per-article stages of :func:`framing.analyze.per_article_run` (frame and
    sentiment scoring, cached per article); with
    ``topics`` also fits the topic model (:func:`framing.topics.fit_topics`, seed ``seed``).

    Returns
    -------
    measures : DataFrame
        :func:`paragraph_measures` of the corpus.
    articles : DataFrame
        The ``articles`` table (one row per article).
    """
    from framing import analyze
    from framing.corpus import load_corpus
    from framing.engine import RunOptions

    config = analyze.Config(codebook=None if codebook is None else str(codebook))
    articles, run = analyze.per_article_run(load_corpus(corpus_dir), config,
                                            RunOptions())
    paragraphs = run.tables["paragraphs"]
    frame_scores = run.tables["frame_scores"]
    if frame_scores.empty:
        frame_scores = pd.DataFrame(columns=["doc_id", "para_id", "frame", "density"])
    topic_par = None
    if topics:
        from framing import topics as topics_lib

        out = topics_lib.fit_topics(run.tables["tokens"], paragraphs, articles, k=topics_k,
                                    random_state=seed, k_values=[])
        extra = out.get("paragraphs")
        if extra is not None and not extra.empty:
            paragraphs = paragraphs.merge(extra, on=list(KEYS), how="left")
        topic_par = out.get("paragraph_topics")
    return paragraph_measures(paragraphs, frame_scores, topic_par), articles


def article_sums(measures: pd.DataFrame, metrics: Sequence[str]
                 ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per-article sums and non-missing counts of the measures.

    Returns
    -------
    doc_ids : list of str
        Sorted article ids (rows of the arrays).
    sums, counts : ndarray (n_articles, n_metrics)
        Sum of each measure over the article's paragraphs (NaN as 0) and the number of
        paragraphs where it is not NaN.
    """
    x = measures[list(metrics)].to_numpy(dtype=float)
    ok = ~np.isnan(x)
    codes, docs = pd.factorize(measures["doc_id"].astype(str), sort=True)
    sums = np.zeros((len(docs), len(metrics)))
    counts = np.zeros((len(docs), len(metrics)))
    np.add.at(sums, codes, np.where(ok, x, 0.0))
    np.add.at(counts, codes, ok.astype(float))
    return [str(d) for d in docs], sums, counts
