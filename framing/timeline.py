"""Timelines: paragraph measures by period × group, with article-bootstrap intervals.

Method
------
Each article is placed in a period by the rule of :func:`framing.terms.article_periods`:
**an article belongs to period P only if its whole known date interval
(``date_start``–``date_end``) lies inside P.** An article dated only to the month is never
put in a week; an article dated to an ISO week that straddles two months is in neither
month (it is in its week, and in a quarter only if the week lies inside the quarter). Such
articles are left out and listed, with the reason, by :func:`timeline_excluded`
(``timeline_excluded.csv``); nothing is placed on a guessed day.

For one period × group cell and one measure, ``value`` is the pooled paragraph mean: the
sum of the measure over the cell's paragraphs divided by the number of paragraphs where it
is not missing. For ``frame_share:*`` and ``topic_share:*`` that is the share of paragraphs
(volume-normalised: a busy month does not weigh more). The 95% interval is a percentile
bootstrap that resamples the cell's *articles* with replacement (paragraphs of one article
are not independent), ``n_boot`` replicates, each cell from its own random stream seeded by
``seed`` and the cell's labels. A cell with one article gets no interval (NaN) and a note. A
share whose bootstrap collapses at 0 (no paragraph in any article) or 1 is widened to the
exact one-sided bound treating each article as one observation, ``1 - 0.025 ** (1 / n)``
with n articles, so "never seen" does not look like "certainly absent".
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from framing.errors import ConfigError
from framing.forked import map_forked
from framing.frames import bootstrap_means
from framing.measures import SHARE_KINDS, metric_kind, select_metrics
from framing.terms import article_groups, article_periods, normalise_freq

#: Cells with fewer articles than this get a note that their interval is too narrow.
FEW_ARTICLES = 5

#: Output columns of ``timeline.csv``.
TIMELINE_COLUMNS = ["period", "group_var", "group", "metric", "value", "ci_low", "ci_high",
                    "n_articles", "n_paragraphs", "freq", "note"]

#: Output columns of ``timeline_excluded.csv``.
EXCLUDED_COLUMNS = ["doc_id", "date", "date_precision", "freq", "reason"]

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "timeline": [
        ("period", "string", "period label: 2025-07-03 (D), 2025-W27 (ISO week), 2025-07 "
                             "(M), 2025-Q3 (Q), 2025 (Y)"),
        ("group_var", "string", "articles column the groups come from (e.g. outlet; 'all' "
                                "for no grouping)"),
        ("group", "string", "group label (e.g. the outlet name)"),
        ("metric", "string", "measure: frame_share:<frame>, frame_density:<frame>, "
                             "sentiment_lexicon, sentiment_snownlp, topic_share:<topic>"),
        ("value", "number", "pooled paragraph mean of the measure in the cell (shares: "
                            "fraction of paragraphs 0-1; density: weighted hits per 100 "
                            "word tokens; sentiment: the scorer's scale)"),
        ("ci_low", "number", "lower bound of the bootstrap 95% interval resampling articles "
                             "(NaN with one article)"),
        ("ci_high", "number", "upper bound of the bootstrap 95% interval resampling articles "
                              "(NaN with one article)"),
        ("n_articles", "integer", "articles in the cell with at least one paragraph where the "
                                  "measure is defined"),
        ("n_paragraphs", "integer", "paragraphs in the cell where the measure is defined"),
        ("freq", "string", "period frequency: D, W, M, Q or Y"),
        ("note", "string", "caveat for this point (e.g. one article: no interval)"),
    ],
    "timeline_excluded": [
        ("doc_id", "string", "article left out of the timeline"),
        ("date", "string", "its date as recorded (canonical text)"),
        ("date_precision", "string", "day, week, month or year"),
        ("freq", "string", "period frequency of the timeline"),
        ("reason", "string", "spans_periods (date interval not inside one period), undated "
                             "or missing_group (no value in the grouping column)"),
    ],
}

#: Columns added to ``paragraphs.csv``: none.
PARAGRAPH_COLUMNS: list[tuple[str, str, str]] = []


def stable_int(text: str) -> int:
    """A seed component from a label (SHA-256, so it does not depend on Python's hash)."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16)


def widen_collapsed_share(total: np.ndarray, count: np.ndarray, n_articles: int,
                          lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Widen share intervals stuck at 0 or 1 to the exact bound for ``n_articles`` trials.

    ``total`` is the sum of 0/1 values and ``count`` the number of paragraphs, per measure.
    """
    bound = 1.0 - 0.025 ** (1.0 / n_articles)
    hi = np.where((total == 0) & (count > 0), np.maximum(hi, bound), hi)
    lo = np.where((total == count) & (count > 0), np.minimum(lo, 1.0 - bound), lo)
    return lo, hi


def _group_of(articles: pd.DataFrame, by: str) -> tuple[pd.Series, dict[str, int]]:
    if by == "all":
        ids = articles["doc_id"].astype(str)
        return pd.Series("all", index=ids.to_numpy()).sort_index(kind="mergesort"), {}
    if by == "period":
        raise ConfigError("a timeline is already by period; --by takes outlet, another "
                          "articles column or 'all'")
    return article_groups(articles, by=by)


def place_articles(articles: pd.DataFrame, freq: str = "M", by: str = "outlet"
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Period and group of every article, and the articles that cannot be placed.

    Parameters
    ----------
    articles : DataFrame
        ``articles`` table (``doc_id, date, date_precision, date_start, date_end`` and the
        grouping column).
    freq : str
        ``D``, ``W``, ``M``, ``Q`` or ``Y``.
    by : str
        ``outlet``, another articles column, or ``all``.

    Returns
    -------
    placed : DataFrame
        One row per placed article: ``doc_id, period, group``, sorted by ``doc_id``.
    excluded : DataFrame
        One row per article left out: ``doc_id, date, date_precision, freq, reason``.
    """
    code = normalise_freq(freq)
    per = article_periods(articles, code)
    groups, _ = _group_of(articles, by)
    per["group"] = per["doc_id"].map(groups)
    per["reason"] = np.where(per["status"] != "placed", per["status"],
                             np.where(per["group"].isna(), "missing_group", ""))
    meta = articles.assign(doc_id=articles["doc_id"].astype(str)).set_index("doc_id")
    ok = per["reason"] == ""
    placed = per.loc[ok, ["doc_id", "period", "group"]].reset_index(drop=True)
    bad = per.loc[~ok, ["doc_id", "reason"]].reset_index(drop=True)
    excluded = pd.DataFrame({
        "doc_id": bad["doc_id"],
        "date": [str(meta.at[d, "date"]) if "date" in meta.columns else "" for d in bad["doc_id"]],
        "date_precision": [str(meta.at[d, "date_precision"]) if "date_precision" in meta.columns
                           else "" for d in bad["doc_id"]],
        "freq": code,
        "reason": bad["reason"],
    }, columns=EXCLUDED_COLUMNS)
    return placed, excluded


def cell_estimates(x: np.ndarray, doc_codes: np.ndarray, n_boot: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled means of one cell's paragraphs and their article-bootstrap 95% bounds.

    Parameters
    ----------
    x : ndarray (n_paragraphs, n_metrics)
        Measures, NaN where missing.
    doc_codes : ndarray of int (n_paragraphs,)
        Article of each paragraph, numbered 0..A-1.
    n_boot : int
    rng : numpy.random.Generator

    Returns
    -------
    value, lo, hi : ndarray (n_metrics,)
        NaN bounds when the cell has fewer than two articles.
    """
    ok = ~np.isnan(x)
    filled = np.where(ok, x, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = filled.sum(axis=0) / ok.sum(axis=0)
    n_art = int(doc_codes.max()) + 1 if len(doc_codes) else 0
    if n_art < 2:
        nan = np.full(x.shape[1], np.nan)
        return value, nan, nan
    # bootstrap_means divides both sums by the same paragraph total; their ratio is the
    # NaN-aware pooled mean of each replicate.
    bs, bn = bootstrap_means([filled, ok.astype(float)], doc_codes, n_boot, rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = bs / bn
    lo, hi = interval_bounds(boot)
    return value, lo, hi


def interval_bounds(boot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95% bounds of each column of bootstrap replicates, NaN replicates ignored.

    Equal to ``np.nanpercentile(boot, [2.5, 97.5], axis=0)`` (NaN for an all-NaN column),
    but columns without NaN go through one vectorised ``np.percentile``: nanpercentile
    handles every column by a Python-level loop, which dominated timelines with many cells.
    The per-column arithmetic (partition, linear interpolation) is the same, so are the bits.

    Returns
    -------
    lo, hi : ndarray (n_columns,)
    """
    lo, hi = np.full(boot.shape[1], np.nan), np.full(boot.shape[1], np.nan)
    nan = np.isnan(boot)
    full = ~nan.any(axis=0)
    if full.any():
        lo[full], hi[full] = np.percentile(boot[:, full], [2.5, 97.5], axis=0)
    partial = ~full & ~nan.all(axis=0)
    if partial.any():
        lo[partial], hi[partial] = np.nanpercentile(boot[:, partial], [2.5, 97.5], axis=0)
    return lo, hi


def _cell_rows(period: str, group: str, by: str, code: str, part: pd.DataFrame,
               metrics: list[str], n_boot: int, seed: int) -> list[dict]:
    x = part[metrics].to_numpy(dtype=float)
    doc_codes = pd.factorize(part["doc_id"], sort=True)[0]
    rng = np.random.default_rng([seed, stable_int(f"{period}\x1f{group}")])
    value, lo, hi = cell_estimates(x, doc_codes, n_boot, rng)
    ok = ~np.isnan(x)
    n_par = ok.sum(axis=0)
    n_docs = np.array([len(np.unique(doc_codes[ok[:, j]])) for j in range(len(metrics))])
    rows = []
    for j, m in enumerate(metrics):
        if n_par[j] == 0:
            continue
        lo_j, hi_j = lo[j], hi[j]
        if metric_kind(m) in SHARE_KINDS and n_docs[j] >= 2:
            total = np.nansum(x[:, j])
            (lo_j,), (hi_j,) = widen_collapsed_share(np.array([total]), np.array([n_par[j]]),
                                                     int(n_docs[j]), np.array([lo_j]),
                                                     np.array([hi_j]))
        rows.append(_row(period, by, group, m, value[j], lo_j, hi_j, int(n_docs[j]),
                         int(n_par[j]), code))
    return rows


def _row(period: str, by: str, group: str, metric: str, value: float, lo: float, hi: float,
         n_docs: int, n_par: int, code: str) -> dict:
    if n_docs < 2:
        note = ("1 article: no interval (resampling articles needs at least two); the value "
                "describes this text only")
    elif n_docs < FEW_ARTICLES:
        note = (f"only {n_docs} articles: a bootstrap over so few articles gives too narrow "
                "an interval; read it as a lower bound on the uncertainty")
    else:
        note = ""
    return {"period": period, "group_var": by, "group": group, "metric": metric,
            "value": float(value), "ci_low": float(lo), "ci_high": float(hi),
            "n_articles": n_docs, "n_paragraphs": n_par, "freq": code, "note": note}

def timeline(
    measures: pd.DataFrame,
    articles: pd.DataFrame,
    freq: str = "M",
    by: str = "outlet",
    metrics: Iterable[str] | str | None = None,
    n_boot: int = 1000,
    seed: int = 20250704,
    jobs: int = 1,
) -> pd.DataFrame:
    """Aggregate paragraph measures by period × group with article-bootstrap intervals.

    Parameters
    ----------
    measures : DataFrame
        :func:`framing.measures.paragraph_measures` output.
    articles : DataFrame
        ``articles`` table.
    freq : str
        Period frequency: ``D``, ``W``, ``M``, ``Q`` or ``Y``.
    by : str
        Grouping: ``outlet``, another articles column, or ``all``.
    metrics : str or iterable of str, optional
        Measure names or kinds (``frame_share`` = every frame); default all.
    n_boot : int
        Bootstrap replicates.
    seed : int
        Seed of the bootstrap.
    jobs : int
        Local processes the cells are shared among (:func:`framing.forked.map_forked`); the
        table is the same for any number.

    Returns
    -------
    DataFrame
        One row per (period, group, measure) with at least one paragraph, columns
        :data:`TIMELINE_COLUMNS`, sorted by ``period, group_var, group, metric``.
        ``attrs["excluded"]`` holds :func:`timeline_excluded`'s table.
    """
    if n_boot < 1:
        raise ConfigError(f"n_boot must be at least 1, not {n_boot}")
    code = normalise_freq(freq)
    chosen = select_metrics(measures, metrics)
    placed, excluded = place_articles(articles, code, by)
    data = measures.merge(placed, on="doc_id", how="inner")
    cells = [(str(period), str(group), part)
             for (period, group), part in data.groupby(["period", "group"], sort=True)]

    def one_cell(cell: tuple[str, str, pd.DataFrame]) -> list[dict]:
        return _cell_rows(cell[0], cell[1], by, code, cell[2], chosen, n_boot, seed)

    # Each cell seeds its own generator (_cell_rows): the same rows in any process.
    rows = [r for cell_rows in map_forked(one_cell, cells, jobs) for r in cell_rows]
    out = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    out = out.sort_values(["period", "group_var", "group", "metric"], kind="mergesort")
    out = out.reset_index(drop=True).astype({"n_articles": "int64", "n_paragraphs": "int64"})
    out.attrs["excluded"] = excluded
    return out


def timeline_excluded(articles: pd.DataFrame, freq: str = "M", by: str = "outlet"
                      ) -> pd.DataFrame:
    """Articles a timeline leaves out, with the reason (``timeline_excluded.csv``).

    Returns
    -------
    DataFrame
        One row per excluded article: ``doc_id, date, date_precision, freq, reason``,
        sorted by ``doc_id``.
    """
    return place_articles(articles, freq, by)[1]


@dataclass
class TimelineResult:
    """What :func:`run_timeline` produced."""

    table: pd.DataFrame
    excluded: pd.DataFrame
    n_articles: int

    def summary(self) -> str:
        """A short text for the terminal."""
        t = self.table
        reasons = self.excluded["reason"].value_counts().sort_index()
        why = ", ".join(f"{k} {v}" for k, v in reasons.items())
        lines = [
            f"timeline: {t['period'].nunique()} period(s) × {t['group'].nunique()} group(s) "
            f"× {t['metric'].nunique()} measure(s), {len(t)} rows; "
            f"{self.n_articles - len(self.excluded)} of {self.n_articles} articles placed",
        ]
        if len(self.excluded):
            lines.append(f"  left out {len(self.excluded)} article(s) whose date does not fit "
                         f"in one period or that have no group ({why}); see "
                         "timeline_excluded.csv")
        single = int((t["n_articles"] < 2).sum())
        if single:
            lines.append(f"  {single} row(s) rest on one article: no interval")
        return "\n".join(lines)


def run_timeline(corpus_dir: str | Path, freq: str = "M", by: str = "outlet",
                 metrics: Iterable[str] | str | None = None, n_boot: int = 1000,
                 seed: int = 20250704, codebook: str | Path | None = None,
                 topics: bool = False) -> TimelineResult:
    """Compute a corpus's timeline: measures (:func:`framing.measures.measures_for_corpus`)
    then :func:`timeline`.

    Returns
    -------
    TimelineResult
        ``table`` (``timeline.csv``), ``excluded`` (``timeline_excluded.csv``) and the
        number of articles.
    """
    from framing.measures import measures_for_corpus

    code = normalise_freq(freq)
    measures, articles = measures_for_corpus(corpus_dir, codebook=codebook, topics=topics,
                                             seed=seed)
    table = timeline(measures, articles, code, by, metrics, n_boot, seed)
    return TimelineResult(table, table.attrs.pop("excluded"), len(articles))
