"""Comparisons beyond chance: differences between outlets (or periods) per measure.

Method
------
For every pair of groups (all pairs, sorted) and every measure, ``difference`` is
``mean_a - mean_b`` of the pooled paragraph means (as in :mod:`framing.timeline`).

- **p_value**: two-sided permutation test that permutes the *article* group labels between
  the two groups (group sizes kept), statistic ``|mean_a - mean_b|``. When the number of
  distinct relabelings ``C(n_a + n_b, n_a)`` is at most ``n_perm`` every relabeling is
  enumerated and ``p`` is exact (the share of relabelings at least as extreme, the observed
  one included); otherwise ``n_perm`` random relabelings give ``p = (1 + k) / (1 + n_perm)``.
  With one article per group there are two relabelings, the swap is exactly as extreme as
  the observed split, and ``p = 1``: the test cannot detect anything, and the note says so.
  A measure with the same value in every paragraph of both groups (e.g. a frame that never
  dominates in either) is not tested: ``p_value`` is NaN and it is left out of the
  correction.
- **p_adjusted**: Holm's step-down correction (default; ``correction="bh"`` for
  Benjamini-Hochberg) within a *family* = one measure kind (``frame_share``,
  ``frame_density``, ``sentiment``, ``topic_share``) and one period scope, across every
  measure of the kind *and* every pair of groups in the table.
- **effect_size**: Cohen's h ``2 asin(sqrt(p_a)) - 2 asin(sqrt(p_b))`` for shares;
  Cohen's d (difference over the pooled paragraph-level standard deviation) for densities
  and sentiment. ``effect_size_kind`` names it.
- **ci_low, ci_high**: percentile bootstrap 95% interval of the difference, resampling
  articles within each group independently (``ci_unit = article``). If either group has fewer
  than two articles, paragraphs are resampled instead (``ci_unit = paragraph``); such an
  interval describes these texts only, not the outlets' coverage.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from framing.blas import one_blas_thread, rows_per_chunk
from framing.errors import ConfigError
from framing.forked import map_forked
from framing.measures import SHARE_KINDS, metric_kind, select_metrics
from framing.terms import article_groups, article_periods, normalise_freq
from framing.timeline import FEW_ARTICLES, interval_bounds, stable_int

#: Output columns of ``comparisons.csv``.
COMPARISON_COLUMNS = [
    "group_var", "period", "group_a", "group_b", "metric", "family", "mean_a", "mean_b",
    "difference", "effect_size", "effect_size_kind", "ci_low", "ci_high", "ci_unit",
    "p_value", "p_method", "n_relabelings", "p_adjusted", "correction", "n_articles_a",
    "n_articles_b", "n_paragraphs_a", "n_paragraphs_b", "note",
]

#: Period value of comparisons pooled over all dates.
ALL_PERIODS = "(all)"

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "comparisons": [
        ("group_var", "string", "what is compared: outlet, another articles column, or "
                                "period"),
        ("period", "string", "period the comparison is restricted to, or (all)"),
        ("group_a", "string", "first group (alphabetically first of the pair)"),
        ("group_b", "string", "second group"),
        ("metric", "string", "measure (see timeline.csv)"),
        ("family", "string", "multiple-comparison family: measure kind and period"),
        ("mean_a", "number", "pooled paragraph mean of the measure in group a"),
        ("mean_b", "number", "pooled paragraph mean of the measure in group b"),
        ("difference", "number", "mean_a - mean_b (shares: fraction of paragraphs)"),
        ("effect_size", "number", "Cohen's h (shares) or Cohen's d (densities, sentiment)"),
        ("effect_size_kind", "string", "cohen_h or cohen_d"),
        ("ci_low", "number", "lower bound of the bootstrap 95% interval of the difference"),
        ("ci_high", "number", "upper bound of the bootstrap 95% interval of the difference"),
        ("ci_unit", "string", "bootstrap resampling unit within groups: article, or "
                              "paragraph when a group has one article"),
        ("p_value", "number", "two-sided permutation p-value (article labels permuted)"),
        ("p_method", "string", "exact (every relabeling enumerated) or monte_carlo"),
        ("n_relabelings", "number", "number of distinct relabelings C(n_a+n_b, n_a); inf "
                                    "above the largest float (about 1.8e308)"),
        ("p_adjusted", "number", "p_value corrected within the family (see correction)"),
        ("correction", "string", "holm (family-wise error) or bh (false discovery rate)"),
        ("n_articles_a", "integer", "articles of group a with the measure defined"),
        ("n_articles_b", "integer", "articles of group b with the measure defined"),
        ("n_paragraphs_a", "integer", "paragraphs of group a with the measure defined"),
        ("n_paragraphs_b", "integer", "paragraphs of group b with the measure defined"),
        ("note", "string", "caveat: too few articles for the test or the interval"),
    ],
}

#: Columns added to ``paragraphs.csv``: none.
PARAGRAPH_COLUMNS: list[tuple[str, str, str]] = []


def _ranked(p: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(p, out, order)``: p as floats, an all-NaN result, non-NaN indices by rising p."""
    p = np.asarray(p, dtype=float)
    idx = np.flatnonzero(~np.isnan(p))
    return p, np.full(p.shape, np.nan), idx[np.argsort(p[idx], kind="mergesort")]


def holm(p: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN entries stay NaN and are not counted)."""
    p, out, order = _ranked(p)
    m = len(order)
    if m:
        out[order] = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * p[order]))
    return out


def benjamini_hochberg(p: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values; NaN entries stay NaN)."""
    p, out, order = _ranked(p)
    m = len(order)
    if m:
        raw = p[order] * m / np.arange(1, m + 1)
        out[order] = np.minimum(1.0, np.minimum.accumulate(raw[::-1])[::-1])
    return out


CORRECTIONS = {"holm": holm, "bh": benjamini_hochberg}


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def smallest_draws(draws: np.ndarray, n_a: int) -> np.ndarray:
    """0/1 rows marking each row's ``n_a`` smallest draws: a random relabeling per row.

    The units marked are those of ``draws.argsort(axis=1)[:, :n_a]``, found in linear time
    (the ``n_a``-th smallest value by partition, then a comparison) instead of a full sort,
    the cost that dominated permutation tests on large groups. A row whose cut falls between
    equal draws (chance about ``n / 2**53``) is marked by argsort itself, as before.

    Parameters
    ----------
    draws : ndarray (n_rows, n_units)
        Uniform random draws.
    n_a : int
        Units marked per row, 1 to ``n_units``.

    Returns
    -------
    ndarray of float (n_rows, n_units)
    """
    cut = np.partition(draws, n_a - 1, axis=1)[:, n_a - 1 : n_a]
    labels = (draws <= cut).astype(np.float64)
    for i in np.flatnonzero(labels.sum(axis=1) != n_a).tolist():
        labels[i] = 0.0
        labels[i, draws[i].argsort()[:n_a]] = 1.0
    return labels


@one_blas_thread
def permutation_p(sums: np.ndarray, counts: np.ndarray, n_a: int, n_perm: int,
                  rng: np.random.Generator, chunk: int = 1000) -> tuple[np.ndarray, str, int]:
    """Two-sided permutation p-values of the difference of pooled means, per measure.

    Parameters
    ----------
    sums, counts : ndarray (n_units, n_metrics)
        Per-unit (article) sums and non-missing counts; the first ``n_a`` units are group a.
    n_a : int
    n_perm : int
        Maximum relabelings enumerated exactly / random relabelings drawn.
    rng : numpy.random.Generator

    Returns
    -------
    p : ndarray (n_metrics,)
    method : str
        ``exact`` or ``monte_carlo``.
    n_relabelings : int
        ``C(n_units, n_a)``.
    """
    n = sums.shape[0]
    total_s, total_c = sums.sum(axis=0), counts.sum(axis=0)

    def stats(labels: np.ndarray) -> np.ndarray:
        sa, ca = labels @ sums, labels @ counts
        return np.abs(_ratio(sa, ca) - _ratio(total_s - sa, total_c - ca))

    observed = stats(np.r_[np.ones(n_a), np.zeros(n - n_a)][None, :])[0]
    # Float noise must not make a relabeling with the same statistic look less extreme.
    tol = 1e-12 * np.maximum(1.0, np.abs(observed))
    n_rel = math.comb(n, n_a)
    extreme = np.zeros(sums.shape[1])
    if n_rel <= n_perm:
        combos = itertools.combinations(range(n), n_a)
        while batch := list(itertools.islice(combos, chunk)):
            labels = np.zeros((len(batch), n))
            labels[np.repeat(np.arange(len(batch)), n_a), np.array(batch).ravel()] = 1.0
            extreme += np.sum(stats(labels) >= observed - tol, axis=0)
        return np.where(np.isnan(observed), np.nan, extreme / n_rel), "exact", n_rel
    chunk = rows_per_chunk(n, chunk)  # bounded memory on large groups
    done = 0
    while done < n_perm:
        size = min(chunk, n_perm - done)
        labels = smallest_draws(rng.random((size, n)), n_a)
        extreme += np.sum(stats(labels) >= observed - tol, axis=0)
        done += size
    return np.where(np.isnan(observed), np.nan, (1 + extreme) / (1 + n_perm)), \
        "monte_carlo", n_rel


@one_blas_thread
def bootstrap_difference(sums_a: np.ndarray, counts_a: np.ndarray, sums_b: np.ndarray,
                         counts_b: np.ndarray, n_boot: int, rng: np.random.Generator
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95% interval of ``mean_a - mean_b``, resampling units within each group.

    Returns
    -------
    lo, hi : ndarray (n_metrics,)
    """
    boots = []
    for s, c in ((sums_a, counts_a), (sums_b, counts_b)):
        k = s.shape[0]
        # n_boot x k draws, made a bounded number of rows at a time on large groups
        step, parts, done = rows_per_chunk(k, n_boot), [], 0
        while done < n_boot:
            draws = rng.multinomial(k, np.full(k, 1.0 / k),
                                    size=min(step, n_boot - done)).astype(float)
            parts.append(_ratio(draws @ s, draws @ c))
            done += len(draws)
        boots.append(np.vstack(parts))
    return interval_bounds(boots[0] - boots[1])


def effect_sizes(metrics: Sequence[str], xa: np.ndarray, xb: np.ndarray, mean_a: np.ndarray,
                 mean_b: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Cohen's h for share measures, Cohen's d (pooled paragraph SD) for the others."""
    out, kinds = np.full(len(metrics), np.nan), []
    for j, m in enumerate(metrics):
        if metric_kind(m) in SHARE_KINDS:
            kinds.append("cohen_h")
            out[j] = (2 * np.arcsin(np.sqrt(mean_a[j])) - 2 * np.arcsin(np.sqrt(mean_b[j])))
            continue
        kinds.append("cohen_d")
        a, b = xa[:, j][~np.isnan(xa[:, j])], xb[:, j][~np.isnan(xb[:, j])]
        if len(a) + len(b) > 2:
            var = (((len(a) - 1) * a.var(ddof=1) if len(a) > 1 else 0.0)
                   + ((len(b) - 1) * b.var(ddof=1) if len(b) > 1 else 0.0)) / (len(a) + len(b) - 2)
            if var > 0:
                out[j] = (mean_a[j] - mean_b[j]) / math.sqrt(var)
    return out, kinds


def _unit_sums(x: np.ndarray, codes: np.ndarray, n_units: int) -> tuple[np.ndarray, np.ndarray]:
    ok = ~np.isnan(x)
    sums, counts = np.zeros((n_units, x.shape[1])), np.zeros((n_units, x.shape[1]))
    np.add.at(sums, codes, np.where(ok, x, 0.0))
    np.add.at(counts, codes, ok.astype(float))
    return sums, counts


def _as_float(n: int) -> float:
    """``n`` as a float; infinity when it exceeds the largest float (C(n, k) of large groups)."""
    try:
        return float(n)
    except OverflowError:
        return math.inf


def _note(n_a: int, n_b: int, n_rel: int) -> str:
    parts = []
    if n_a < 2 or n_b < 2:
        parts.append(f"{n_a} and {n_b} article(s): the permutation test cannot detect any "
                     "difference; intervals resample paragraphs and describe these texts "
                     "only, not the groups' coverage")
        return parts[0]
    if n_rel < 40:
        parts.append(f"only {n_rel} relabelings: the smallest attainable p is "
                     f"{2 / n_rel:.3g}; a non-significant p is weak evidence of no "
                     "difference")
    if min(n_a, n_b) < FEW_ARTICLES:
        parts.append(f"only {min(n_a, n_b)} articles in a group: the bootstrap interval is "
                     "too narrow with so few articles")
    return "; ".join(parts)


def compare_pair(part_a: pd.DataFrame, part_b: pd.DataFrame, metrics: list[str],
                 n_perm: int, n_boot: int, rng: np.random.Generator) -> list[dict]:
    """Compare two groups' paragraphs on every measure (unadjusted rows)."""
    return _compare_groups_data(group_data(part_a, metrics), group_data(part_b, metrics),
                                metrics, n_perm, n_boot, rng)


def group_data(part: pd.DataFrame, metrics: list[str]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One group's paragraphs as :func:`compare_pair` uses them: the measures (paragraph x
    metric) and their per-article sums and non-missing counts (articles in ``doc_id``
    order)."""
    x = part[metrics].to_numpy(float)
    codes = pd.factorize(part["doc_id"], sort=True)[0]
    sums, counts = _unit_sums(x, codes, int(codes.max()) + 1)
    return x, sums, counts


def _compare_groups_data(data_a: tuple, data_b: tuple, metrics: list[str], n_perm: int,
                         n_boot: int, rng: np.random.Generator) -> list[dict]:
    """:func:`compare_pair` of two groups' :func:`group_data`."""
    (xa, sa, na), (xb, sb, nb) = data_a, data_b
    mean_a, mean_b = _ratio(sa.sum(0), na.sum(0)), _ratio(sb.sum(0), nb.sum(0))
    p, method, n_rel = permutation_p(np.vstack([sa, sb]), np.vstack([na, nb]), len(sa),
                                     n_perm, rng)
    if len(sa) >= 2 and len(sb) >= 2:
        lo, hi = bootstrap_difference(sa, na, sb, nb, n_boot, rng)
        unit = "article"
    else:
        pa, pb = ~np.isnan(xa), ~np.isnan(xb)
        lo, hi = bootstrap_difference(np.where(pa, xa, 0.0), pa.astype(float),
                                      np.where(pb, xb, 0.0), pb.astype(float), n_boot, rng)
        unit = "paragraph"
    es, kinds = effect_sizes(metrics, xa, xb, mean_a, mean_b)
    both = np.vstack([xa, xb])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        constant = ~(np.nanmax(both, axis=0) > np.nanmin(both, axis=0))
    rows = []
    for j, m in enumerate(metrics):
        n_art_a, n_art_b = int((na[:, j] > 0).sum()), int((nb[:, j] > 0).sum())
        note = _note(n_art_a, n_art_b, n_rel)
        if constant[j]:
            # Nothing varies, so there is nothing to test; kept out of the correction.
            p[j] = np.nan
            note = "the measure has the same value in every paragraph of both groups: not tested"
        rows.append({
            "metric": m, "family": metric_kind(m), "mean_a": float(mean_a[j]),
            "mean_b": float(mean_b[j]), "difference": float(mean_a[j] - mean_b[j]),
            "effect_size": float(es[j]), "effect_size_kind": kinds[j],
            "ci_low": float(lo[j]), "ci_high": float(hi[j]), "ci_unit": unit,
            "p_value": float(p[j]), "p_method": method, "n_relabelings": _as_float(n_rel),
            "n_articles_a": n_art_a, "n_articles_b": n_art_b,
            "n_paragraphs_a": int(na[:, j].sum()), "n_paragraphs_b": int(nb[:, j].sum()),
            "note": note,
        })
    return rows


def _labels(articles: pd.DataFrame, by: str, freq: str | None
            ) -> tuple[pd.DataFrame, dict[str, int]]:
    """doc_id → group and period scope (``(all)`` unless comparing groups within periods)."""
    if by == "period":
        groups, excluded = article_groups(articles, by="period", freq=freq or "M")
        scope = pd.Series(ALL_PERIODS, index=groups.index)
    else:
        groups, excluded = article_groups(articles, by=by)
        if freq is None:
            scope = pd.Series(ALL_PERIODS, index=groups.index)
        else:
            per = article_periods(articles, freq)
            placed = per[per["status"] == "placed"].set_index("doc_id")["period"]
            for status, n in per.loc[per["status"] != "placed", "status"].value_counts().items():
                excluded[str(status)] = excluded.get(str(status), 0) + int(n)
            scope = placed.reindex(groups.index)
    table = pd.DataFrame({"doc_id": groups.index.astype(str), "group": groups.to_numpy(),
                          "period": scope.to_numpy()}).dropna()
    return table, excluded


def compare_groups(
    measures: pd.DataFrame,
    articles: pd.DataFrame,
    by: str = "outlet",
    freq: str | None = None,
    metrics: Iterable[str] | str | None = None,
    n_perm: int = 5000,
    n_boot: int = 2000,
    seed: int = 20250704,
    correction: str = "holm",
    jobs: int = 1,
) -> pd.DataFrame:
    """Differences between groups on each measure, tested by permuting articles.

    Parameters
    ----------
    measures : DataFrame
        :func:`framing.measures.paragraph_measures` output.
    articles : DataFrame
        ``articles`` table.
    by : str
        ``outlet``, another articles column, or ``period`` (compare periods of ``freq``).
    freq : str, optional
        With ``by="period"``: the period frequency (default ``M``). Otherwise: compare the
        groups within each period of this frequency (None: over all dates).
    metrics : str or iterable of str, optional
        Measure names or kinds; default all.
    n_perm : int
        Relabelings: exact enumeration up to this many, else this many random ones.
    n_boot : int
        Bootstrap replicates for the interval of the difference.
    seed : int
    correction : {"holm", "bh"}
        Multiple-comparison correction within each family (measure kind × period).
    jobs : int
        Local processes the pairs of groups are shared among (:func:`framing.forked.map_forked`);
        the table is the same for any number.

    Returns
    -------
    DataFrame
        One row per (period scope, pair of groups, measure), columns
        :data:`COMPARISON_COLUMNS`, sorted by ``group_var, period, group_a, group_b,
        metric``. Pairs where a group has no article are absent.
    """
    if correction not in CORRECTIONS:
        raise ConfigError(f"correction must be one of {', '.join(CORRECTIONS)}, not "
                          f"{correction!r}")
    if n_perm < 1 or n_boot < 1:
        raise ConfigError("n_perm and n_boot must be at least 1")
    if freq is not None:
        freq = normalise_freq(freq)
    chosen = select_metrics(measures, metrics)
    labels, _excluded = _labels(articles, by, freq)
    # only the columns the pairs read
    data = measures[["doc_id", *chosen]].merge(labels, on="doc_id", how="inner")
    # Each group's measures and article sums, made once here (a group is in a pair with
    # every other): the forked processes that compute the pairs share them and copy
    # nothing of the table.
    groups: dict[tuple[str, str], tuple] = {}
    pairs = []
    for period, scope in data.groupby("period", sort=True):
        names = sorted(scope["group"].astype(str).unique())
        for g in names:
            groups[(str(period), g)] = group_data(scope[scope["group"] == g], chosen)
        pairs += [(str(period), ga, gb) for ga, gb in itertools.combinations(names, 2)]
        del scope  # (a copy of the period's rows)
    del data

    def one_pair(key: tuple[str, str, str]) -> list[dict]:
        # Each pair draws from its own generator, seeded by its names: the same numbers
        # whichever process computes it (map_forked).
        period, ga, gb = key
        rng = np.random.default_rng([seed, stable_int(f"{period}\x1f{ga}\x1f{gb}")])
        pair = _compare_groups_data(groups[(period, ga)], groups[(period, gb)], chosen,
                                    n_perm, n_boot, rng)
        for r in pair:
            r.update(group_var=by, period=period, group_a=ga, group_b=gb)
            r["family"] = f"{r['family']} / {period}"
        return pair

    rows = [r for pair in map_forked(one_pair, pairs, jobs) for r in pair]
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    out["correction"] = correction
    adjust = CORRECTIONS[correction]
    for _fam, idx in out.groupby("family", sort=True).groups.items():
        out.loc[idx, "p_adjusted"] = adjust(out.loc[idx, "p_value"].to_numpy(float))
    out["p_adjusted"] = out["p_adjusted"].astype(float)
    out = out.sort_values(["group_var", "period", "group_a", "group_b", "metric"],
                          kind="mergesort").reset_index(drop=True)
    return out


@dataclass
class CompareResult:
    """What :func:`run_compare` produced."""

    table: pd.DataFrame

    def summary(self, alpha: float = 0.05) -> str:
        """Terminal text: the differences that pass the corrected test, and the caveats."""
        t = self.table
        if t.empty:
            return "comparisons: fewer than two groups; nothing to compare"
        sig = t[t["p_adjusted"] < alpha]
        lines = [f"comparisons: {len(t)} rows ({t['metric'].nunique()} measure(s), "
                 f"{len(t.groupby(['period', 'group_a', 'group_b']))} pair(s)); "
                 f"{len(sig)} with {t['correction'].iloc[0]}-adjusted p < {alpha}"]
        for _, r in sig.head(20).iterrows():
            lines.append(f"  {r['period']} {r['metric']}: {r['group_a']} {r['mean_a']:.3g} vs "
                         f"{r['group_b']} {r['mean_b']:.3g}, difference {r['difference']:.3g} "
                         f"[{r['ci_low']:.3g}, {r['ci_high']:.3g}], {r['effect_size_kind']} "
                         f"{r['effect_size']:.2f}, p_adj {r['p_adjusted']:.3g}")
        notes = sorted(n for n in t["note"].unique() if n)
        for n in notes:
            lines.append(f"  note: {n}")
        return "\n".join(lines)


def run_compare(corpus_dir: str | Path, by: str = "outlet", freq: str | None = None,
                metrics: Iterable[str] | str | None = None, n_perm: int = 5000,
                n_boot: int = 2000, seed: int = 20250704, correction: str = "holm",
                codebook: str | Path | None = None, topics: bool = False) -> CompareResult:
    """Compute a corpus's measures and compare groups (:func:`compare_groups`)."""
    from framing.measures import measures_for_corpus

    measures, articles = measures_for_corpus(corpus_dir, codebook=codebook, topics=topics,
                                             seed=seed)
    return CompareResult(compare_groups(measures, articles, by, freq, metrics, n_perm, n_boot,
                                        seed, correction))
