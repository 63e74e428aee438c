"""Distinctive terms: the words that set one outlet (or month, region ...) apart from the rest.

Terms
-----
A *term* is the analysis form (Simplified, see :mod:`framing.textview`) of a token of the
``tokens`` table (``doc_id, para_id, token_id, token, start, end, kind, stop, entity``), kept
by these rules, in this order (:func:`analysis_terms`):

1. ``kind`` is ``han`` or ``latin``: numbers (``number``) and punctuation (``punct``) are
   dropped, because amounts and dates are not vocabulary and would make every article
   "distinctive" through its own figures.
2. Stopwords (``stop`` true: the ``zh`` list of stopwords-iso) are dropped.
3. With ``entities=True`` (the default), a token that is an entity alias is replaced by the
   canonical entity name from ``framing/data/entities.csv``, so 祖克柏 and 扎克伯格 both count
   as ``Mark Zuckerberg``. Canonical names are written as in the alias table (not converted).
4. Terms of one character are dropped unless they are an entity. A single Han character
   left by jieba is mostly a function word, measure word or a fragment of a word jieba did
   not know (新, 高, 著); as a term it is ambiguous, and its counts would swamp the scores of
   real words. A single Latin letter is a fragment too.

Latin terms keep their case (``AI``, ``FAIR``): folding case would merge acronyms with
English words. Sign-off paragraphs have no tokens, so they never count.

Display form
------------
Outputs show the Simplified analysis form in ``term``. ``term_original`` is the term's most
frequent spelling *as written* in the corpus (the paragraph text at the token offsets; ties
broken by code-point order), so a Traditional-script outlet's term can be shown as written.
It is computed over the whole corpus, one display form per term.

Groups and periods
------------------
Articles are grouped by any column of the ``articles`` table (``outlet`` by default). Articles
with an empty group value are left out. ``by="period"`` groups by publication period of
frequency ``freq`` (``D`` day, ``W`` ISO week, ``M`` month, ``Q`` quarter, ``Y`` year) with
one rule (:func:`article_periods`): an article belongs to period *P* only if its whole
known date interval ``[date_start, date_end]`` lies inside *P*. So an article known only to
the month is never placed in a week or on a day, and an article known to the ISO week
2025-W27 (30 June to 6 July) is not placed in June or July. Such articles, and undated ones,
are excluded from that grouping, and their number is reported (a warning and
``result.attrs["excluded_articles"]``), never guessed.

Methods
-------
Counts: for a term *w*, ``a`` is its count in the group, ``b`` its count in the reference
(the rest of the corpus, or the other group in pairwise mode), ``n_t`` and ``n_r`` the total
term counts of group and reference, ``c = n_t - a``, ``d = n_r - b``, ``N = a + b + c + d``.
Every score is signed: positive means the term is used more in the group than expected.

``log_odds_dirichlet``
    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
    "Fightin' Words", eqs. 16-22), see :func:`log_odds_dirichlet`. ``score`` is the z-score,
    ``log_odds`` the estimate.
``chi2``
    Pearson's chi-squared of the 2x2 table, with quanteda's ``textstat_keyness`` definition
    and its default Yates correction, see :func:`chi2_keyness`.
``log_likelihood``
    The likelihood-ratio statistic G2 with quanteda's definition (``measure = "lr"``), see
    :func:`log_likelihood_keyness`.
``tfidf``
    TF-IDF of the term in the group, each group taken as one document, see
    :func:`tfidf_by_group`.
"""

from __future__ import annotations

import itertools
import logging
import warnings
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from scipy import sparse

from framing.errors import ConfigError, CorpusError
from framing.termcounts import TERM_KINDS as TERM_KINDS  # re-exported: kinds that can be terms
from framing.termcounts import TermCounts, best_forms, select_terms

log = logging.getLogger(__name__)

#: Methods of :func:`distinctive_terms`, in output order.
METHODS = ("log_odds_dirichlet", "chi2", "log_likelihood", "tfidf")

#: Value of ``reference`` for one-group-against-the-rest rows.
REST = "(rest)"

#: Period frequencies for ``by="period"``: code -> description.
FREQUENCIES = {"D": "day", "W": "ISO week", "M": "month", "Q": "quarter", "Y": "year"}

TOKEN_COLUMNS = ("doc_id", "para_id", "token_id", "token", "start", "end", "kind", "stop",
                 "entity")

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "distinctive_terms": [
        ("group_var", "string", "Article column the groups come from (outlet, period, ...)"),
        ("group", "string", "Group value (an outlet name, a period such as 2025-06, ...)"),
        ("term", "string", "Term: analysis form (Simplified) of the token, or the canonical "
                           "entity name for entity aliases"),
        ("n_group", "integer", "Occurrences of the term in the group (tokens)"),
        ("n_rest", "integer", "Occurrences of the term in the reference: the rest of the "
                              "corpus, or the other group in pairwise rows (tokens)"),
        ("method", "string", "log_odds_dirichlet (z-score), chi2, log_likelihood (G2) or "
                             "tfidf"),
        ("score", "number", "Signed score of the method; positive = used more in the group "
                            "than in the reference (z for log-odds, chi2 and G2 values, "
                            "tf-idf weight in [0, 1])"),
        ("rank", "integer", "Rank of the term within group_var, group, reference and method "
                            "by score, 1 = most distinctive (ties: term order)"),
        ("reference", "string", "What the group is compared with: '(rest)' or another group"),
        ("log_odds", "number", "log_odds_dirichlet only: the log-odds ratio estimate "
                               "(natural log); empty for other methods"),
        ("term_original", "string", "Most frequent spelling of the term as written in the "
                                    "corpus (display form); empty if paragraph text was not "
                                    "given"),
    ],
}

#: Columns added to ``paragraphs.csv``: none.
PARAGRAPH_COLUMNS: list[tuple[str, str, str]] = []

OUTPUT_COLUMNS = [c for c, _t, _d in TABLE_SCHEMAS["distinctive_terms"]]


class ExcludedArticlesWarning(UserWarning):
    """Some articles could not be placed in a group (undated, date too coarse, no value)."""


# ---------------------------------------------------------------------------------------
# Terms from tokens
# ---------------------------------------------------------------------------------------


def _as_bool(values: pd.Series) -> np.ndarray:
    """Booleans from a bool column or its CSV text form ('True'/'False', '1'/'0')."""
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["true", "1", "yes"]).to_numpy()


def _check_columns(df: pd.DataFrame, needed: Sequence[str], name: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise CorpusError(
            f"{name} table lacks column(s) {', '.join(missing)}; expected "
            f"{', '.join(needed)}"
        )


def analysis_terms(tokens: pd.DataFrame, entities: bool = True) -> pd.DataFrame:
    """Keep the tokens that are terms (module rules 1-4) and give each its term.

    Parameters
    ----------
    tokens : DataFrame
        The ``tokens`` table (``doc_id, para_id, token_id, token, start, end, kind, stop,
        entity``).
    entities : bool
        Replace entity aliases by their canonical entity name (default on).

    Returns
    -------
    DataFrame
        One row per kept token: ``doc_id, para_id, token_id, term, start, end``, sorted by
        ``doc_id, para_id, token_id``.
    """
    _check_columns(tokens, TOKEN_COLUMNS, "tokens")
    # the one definition of the rule, shared with the per-article path (article_terms)
    keep, term = select_terms(
        tokens["token"].astype(str).tolist(), tokens["kind"].astype(str).tolist(),
        _as_bool(tokens["stop"]).tolist(), tokens["entity"].fillna("").astype(str).tolist(),
        entities,
    )
    sub = tokens.iloc[keep].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "doc_id": sub["doc_id"].astype(str),
            "para_id": sub["para_id"].astype(np.int64),
            "token_id": sub["token_id"].astype(np.int64),
            "term": pd.Series(term, dtype=str),
            "start": sub["start"].astype(np.int64),
            "end": sub["end"].astype(np.int64),
        }
    )
    return out.sort_values(["doc_id", "para_id", "token_id"], kind="mergesort").reset_index(
        drop=True
    )


def display_forms(
    terms: pd.DataFrame, paragraphs: pd.DataFrame | None, only: Sequence[str] | None = None
) -> pd.DataFrame:
    """Most frequent written spelling of every term (its display form).

    Parameters
    ----------
    terms : DataFrame
        Output of :func:`analysis_terms`.
    paragraphs : DataFrame or None
        The ``paragraphs`` table (``doc_id, para_id, text``): ``start``/``end`` of a token
        index ``text``. If None, every ``term_original`` is empty.
    only : sequence of str, optional
        Compute the display form of these terms only (all occurrences of each are still
        counted), which saves time on large corpora.

    Returns
    -------
    DataFrame
        One row per term: ``term, term_original, n_original`` (occurrences of that spelling),
        sorted by ``term``. Ties between spellings go to the first in code-point order.
    """
    if only is not None:
        terms = terms[terms["term"].isin(pd.unique(pd.Series(list(only), dtype=object)))]
    if paragraphs is None or terms.empty:
        uniq = sorted(pd.unique(terms["term"]).tolist()) if len(terms) else []
        return pd.DataFrame({"term": uniq, "term_original": "", "n_original": 0})
    _check_columns(paragraphs, ("doc_id", "para_id", "text"), "paragraphs")
    # locate each token's paragraph with a vectorised join, then slice plain Python strings
    keys = pd.DataFrame({"doc_id": paragraphs["doc_id"].astype(str),
                         "para_id": paragraphs["para_id"].astype(np.int64),
                         "row": np.arange(len(paragraphs), dtype=np.int64)})
    keys = keys.drop_duplicates(["doc_id", "para_id"])
    where = terms[["doc_id", "para_id"]].merge(keys, on=["doc_id", "para_id"], how="left")
    texts = paragraphs["text"].fillna("").astype(str).tolist() + [""]
    rows = where["row"].fillna(len(texts) - 1).astype(np.int64).tolist()
    originals = [
        texts[r][s:e]
        for r, s, e in zip(rows, terms["start"].tolist(), terms["end"].tolist(), strict=True)
    ]
    df = pd.DataFrame({"term": terms["term"].astype(object).to_numpy(),
                       "term_original": originals})
    counts = df.groupby(["term", "term_original"], sort=True).size().reset_index()
    return best_forms(counts["term"], counts["term_original"], counts[0])


# ---------------------------------------------------------------------------------------
# Groups and periods
# ---------------------------------------------------------------------------------------


def period_label(day: date, freq: str) -> str:
    """Label of the period of frequency ``freq`` holding ``day``.

    ``D`` → ``2025-07-03``, ``W`` → ISO week ``2025-W27`` (ISO week-numbering year),
    ``M`` → ``2025-07``, ``Q`` → ``2025-Q3``, ``Y`` → ``2025``.
    """
    if freq == "D":
        return day.isoformat()
    if freq == "W":
        iso = day.isocalendar()
        return f"{iso.year:04d}-W{iso.week:02d}"
    if freq == "M":
        return f"{day.year:04d}-{day.month:02d}"
    if freq == "Q":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if freq == "Y":
        return f"{day.year:04d}"
    raise ConfigError(
        f"unknown period frequency {freq!r}; expected one of {', '.join(FREQUENCIES)}"
    )


def normalise_freq(freq: str | None) -> str:
    """Check a ``--freq`` value (case-insensitive; ``A`` is taken as ``Y``); default ``M``."""
    if freq is None:
        return "M"
    code = str(freq).strip().upper()
    code = {"A": "Y", "ME": "M", "MS": "M", "QE": "Q", "QS": "Q", "YE": "Y", "YS": "Y"}.get(
        code, code
    )
    if code not in FREQUENCIES:
        raise ConfigError(
            f"unknown period frequency {freq!r}; expected one of "
            + ", ".join(f"{k} ({v})" for k, v in FREQUENCIES.items())
        )
    return code


def _parse_day(value: object) -> date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text or text.lower() in {"nan", "nat", "none"}:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise CorpusError("articles: date_start/date_end is not an ISO date (YYYY-MM-DD)",
                          value=text) from exc


def article_periods(articles: pd.DataFrame, freq: str | None = "M") -> pd.DataFrame:
    """Place each article in a period of frequency ``freq``, or say why it cannot be.

    Rule: an article belongs to period *P* only if both ``date_start`` and ``date_end`` (its
    whole known date interval) fall in *P*. An article known only to the month cannot be put
    in a week; a week that straddles two months is in neither. Nothing is guessed.

    Parameters
    ----------
    articles : DataFrame
        Needs ``doc_id, date_start, date_end`` (ISO dates).
    freq : str
        ``D``, ``W``, ``M``, ``Q`` or ``Y``.

    Returns
    -------
    DataFrame
        One row per article: ``doc_id``; ``period`` (label, empty if excluded); ``status``:
        ``placed``, ``spans_periods`` (date known less precisely than ``freq``, or its
        interval crosses a period boundary) or ``undated``. Sorted by ``doc_id``.
    """
    code = normalise_freq(freq)
    _check_columns(articles, ("doc_id", "date_start", "date_end"), "articles")
    rows = []
    for doc_id, s, e in zip(articles["doc_id"], articles["date_start"], articles["date_end"],
                            strict=True):
        start, end = _parse_day(s), _parse_day(e)
        if start is None or end is None:
            rows.append((str(doc_id), "", "undated"))
            continue
        lo, hi = period_label(start, code), period_label(end, code)
        if lo == hi:
            rows.append((str(doc_id), lo, "placed"))
        else:
            rows.append((str(doc_id), "", "spans_periods"))
    out = pd.DataFrame(rows, columns=["doc_id", "period", "status"])
    return out.sort_values("doc_id", kind="mergesort").reset_index(drop=True)


def article_groups(
    articles: pd.DataFrame, by: str = "outlet", freq: str | None = None
) -> tuple[pd.Series, dict[str, int]]:
    """Group label of every article that can be grouped.

    Parameters
    ----------
    articles : DataFrame
        The ``articles`` table.
    by : str
        An ``articles`` column, or ``"period"`` (see :func:`article_periods`).
    freq : str, optional
        Period frequency for ``by="period"`` (default ``M``); must be None otherwise.

    Returns
    -------
    groups : Series
        Index ``doc_id``, value the group label (text); excluded articles are absent.
    excluded : dict
        Number of articles left out, by reason (``undated``, ``spans_periods``,
        ``missing_group``); reasons with no article are absent.
    """
    _check_columns(articles, ("doc_id",), "articles")
    if by == "period":
        per = article_periods(articles, freq)
        placed = per[per["status"] == "placed"]
        groups = pd.Series(placed["period"].to_numpy(), index=placed["doc_id"].to_numpy())
        excluded = per.loc[per["status"] != "placed", "status"].value_counts().to_dict()
        return groups.sort_index(kind="mergesort"), {k: int(v) for k, v in
                                                     sorted(excluded.items())}
    if freq is not None:
        raise ConfigError(f"--freq applies to --by period only, not to --by {by}")
    if by not in articles.columns:
        raise ConfigError(
            f"cannot group by {by!r}: the articles table has no such column; available: "
            + ", ".join(sorted(map(str, articles.columns))) + ", period"
        )
    values = articles[by].astype(object).where(articles[by].notna(), "")
    labels = values.map(lambda v: str(v).strip())
    ok = (labels != "").to_numpy()
    groups = pd.Series(labels.to_numpy()[ok], index=articles["doc_id"].astype(str).to_numpy()[ok])
    n_missing = int((~ok).sum())
    return groups.sort_index(kind="mergesort"), ({"missing_group": n_missing} if n_missing
                                                 else {})


# ---------------------------------------------------------------------------------------
# Scores (vectorised over terms)
# ---------------------------------------------------------------------------------------


def log_odds_dirichlet(
    y_i: np.ndarray, y_j: np.ndarray, n_i: float, n_j: float, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio with an informative Dirichlet prior and its z-score (Monroe et al. 2008).

    With prior pseudo-counts ``alpha_w`` and ``alpha_0 = sum_w alpha_w``::

        delta_w = log((y_iw + alpha_w) / (n_i + alpha_0 - y_iw - alpha_w))
                - log((y_jw + alpha_w) / (n_j + alpha_0 - y_jw - alpha_w))
        var(delta_w) ~= 1 / (y_iw + alpha_w) + 1 / (y_jw + alpha_w)
        z_w = delta_w / sqrt(var(delta_w))

    (Monroe, Colaresi & Quinn 2008, eqs. 16, 18-20; natural logarithms.)

    Parameters
    ----------
    y_i, y_j : array
        Counts of every term in group *i* and in the reference *j*.
    n_i, n_j : float
        Total term counts of *i* and *j*.
    alpha : array
        Prior pseudo-count of every term (all terms of the vocabulary, so that ``alpha_0``
        is their sum). :func:`distinctive_terms` uses the term's count in the whole corpus
        (the informative prior, ``alpha_0`` = corpus size), scaled by ``prior_scale``.

    Returns
    -------
    delta, z : arrays
        The estimate and its z-score, one value per term. Both are NaN for a term that is
        the whole vocabulary (its odds are infinite in both groups).
    """
    y_i = np.asarray(y_i, dtype=float)
    y_j = np.asarray(y_j, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    a0 = alpha.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log(
            (y_j + alpha) / (n_j + a0 - y_j - alpha)
        )
        var = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
        z = delta / np.sqrt(var)
    return delta, z


def _yates_delta(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """quanteda's rule: correct by 0.5 when some expected cell < 5 and |ad - bc| >= N/2."""
    n = a + b + c + d
    # the smallest expected cell is (smallest row total) * (smallest column total) / N
    smallest = np.minimum(a + b, c + d) * np.minimum(a + c, b + d) / n
    return np.where((smallest < 5) & (np.abs(a * d - b * c) >= n / 2), 0.5, 0.0)


def _williams_q(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    n = a + b + c + d
    q = 1.0 + (n / (a + b) + n / (c + d) - 1.0) * (n / (a + c) + n / (b + d) - 1.0) / (6.0 * n)
    return np.where(a * b * c * d == 0, 1.0, q)


def _cells(a, b, n_t, n_r):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return a, b, float(n_t) - a, float(n_r) - b


def _check_correction(correction: str) -> None:
    if correction not in ("default", "yates", "williams", "none"):
        raise ConfigError(
            f"unknown correction {correction!r}; expected default, yates, williams or none"
        )


def chi2_keyness(
    a: np.ndarray, b: np.ndarray, n_target: float, n_reference: float,
    correction: str = "default",
) -> np.ndarray:
    """Signed chi-squared keyness, as quanteda's ``textstat_keyness(measure = "chi2")``.

    For the 2x2 table ``[[a, b], [c, d]]`` (``c = n_target - a``, ``d = n_reference - b``,
    ``N = a + b + c + d``, ``E = (a + b)(a + c) / N``)::

        chi2 = N * (|a d - b c| - N * delta)^2 / ((a + b)(c + d)(a + c)(b + d))
        score = chi2 if a > E else -chi2

    Yates correction (``correction`` "default" or "yates"): ``delta = 0.5`` when some
    expected cell is below 5 and ``|a d - b c| >= N / 2``, else 0. "williams" divides by
    Williams' ``q = 1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / (6N)`` (1 if a cell
    is 0); "none" uses ``delta = 0``.

    Returns
    -------
    array
        One signed value per term.
    """
    _check_correction(correction)
    a, b, c, d = _cells(a, b, n_target, n_reference)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = _yates_delta(a, b, c, d) if correction in ("default", "yates") else 0.0
        q = _williams_q(a, b, c, d) if correction == "williams" else 1.0
        expected = (a + b) * (a + c) / n
        num = n * (np.abs(a * d - b * c) - n * delta) ** 2
        den = (a + b) * (c + d) * (a + c) * (b + d)
        value = num / den / q
    value = np.where(den > 0, value, 0.0)
    return np.where(a > expected, value, -value)


def log_likelihood_keyness(
    a: np.ndarray, b: np.ndarray, n_target: float, n_reference: float,
    correction: str = "default",
) -> np.ndarray:
    """Signed log-likelihood (G2) keyness, as quanteda's ``textstat_keyness(measure = "lr")``.

    With the cells of :func:`chi2_keyness`, each adjusted by the Yates rule when it applies
    (``correction`` "default" or "yates": if ``a d - b c > 0`` then ``a, d -= delta`` and
    ``b, c += delta``, else the opposite; margins do not change)::

        G2 = 2 * sum over cells O * ln(O / E),   E = row total * column total / N
        score = G2 if a > E_11 else -G2     (sign from the unadjusted a)

    "williams" divides G2 by Williams' q; "none" leaves the cells as counted.

    Two notes on quanteda: its documentation says the default applies Williams' correction
    to G2, but its code applies the Yates adjustment, which is what is reproduced here. And
    quanteda computes ``O * ln(O / E + 1e-9)`` to avoid ``ln 0``; that adds about
    ``2e-9 * N`` to every |G2| (0.02 for ten million tokens). framing uses the exact limit
    ``0 ln 0 = 0`` instead, so its values differ from quanteda's by at most that much.

    Returns
    -------
    array
        One signed value per term.
    """
    _check_correction(correction)
    a, b, c, d = _cells(a, b, n_target, n_reference)
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        e11 = (a + b) * (a + c) / n
        obs = np.stack([a, b, c, d])
        if correction in ("default", "yates"):
            delta = _yates_delta(a, b, c, d)
            step = np.where(a * d - b * c > 0, -delta, delta)
            obs = obs + np.stack([step, -step, -step, step])
        # expected cells from the margins (the Yates adjustment keeps them)
        rows = np.stack([a + b, a + b, c + d, c + d])
        cols = np.stack([a + c, b + d, a + c, b + d])
        # O ln(O/E), with the limit 0 ln 0 = 0 for empty cells
        terms = np.where(obs > 0, obs * np.log(obs / (rows * cols / n)), 0.0)
        g2 = 2.0 * terms.sum(axis=0)
        if correction == "williams":
            g2 = g2 / _williams_q(a, b, c, d)
    return np.where(a > e11, g2, -g2)


def tfidf_by_group(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """TF-IDF with each group taken as one document (scikit-learn's ``TfidfTransformer``).

    ``tfidf(g, w) = tf(g, w) * idf(w)`` with raw counts as ``tf`` and the smoothed
    ``idf(w) = ln((1 + G) / (1 + df(w))) + 1`` (``G`` groups, ``df`` groups using *w*); each
    group's row is then scaled to unit Euclidean length.

    Parameters
    ----------
    counts : sparse matrix
        Groups x terms counts.

    Returns
    -------
    sparse matrix
        Same shape, the TF-IDF weights.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    tf = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=False)
    return sparse.csr_matrix(tf.fit_transform(counts))


# ---------------------------------------------------------------------------------------
# Corpus-wide entry point
# ---------------------------------------------------------------------------------------


def group_term_counts(
    terms: pd.DataFrame | TermCounts, groups: pd.Series
) -> tuple[list[str], np.ndarray, sparse.csr_matrix]:
    """Count terms by group.

    Parameters
    ----------
    terms : DataFrame or TermCounts
        Output of :func:`analysis_terms`, or the corpus's term counts.
    groups : Series
        ``doc_id`` → group label (from :func:`article_groups`).

    Returns
    -------
    group_names : list of str
        Sorted group labels that have at least one term.
    vocabulary : array of str
        Sorted terms.
    counts : csr_matrix
        ``counts[g, w]``: occurrences of term *w* in group *g* (int64, canonical: sorted
        column indices, no explicit zeros).
    """
    tc = terms if isinstance(terms, TermCounts) else TermCounts.from_terms(terms)
    # map articles (few) to groups, then sum paragraph rows by group with one sparse product
    doc_group = pd.Series(tc.articles(), dtype=object).map(groups)
    names = sorted(pd.unique(doc_group.dropna()).tolist())
    group_code = pd.Series(range(len(names)), index=names, dtype=np.int64)
    doc_to_group = doc_group.map(group_code).fillna(-1).to_numpy(dtype=np.int64)
    row_group = doc_to_group[tc.doc_ids()]
    # canonical form (sorted columns, no duplicates): TF-IDF row norms sum in column order
    counts = tc.group_sums(row_group, len(names))
    return names, tc.vocabulary(), counts


def _score_rows(
    a: np.ndarray, b: np.ndarray, n_t: float, n_r: float, alpha: np.ndarray,
    tfidf_row: np.ndarray | None, methods: Sequence[str], correction: str,
) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for m in methods:
        if m == "log_odds_dirichlet":
            delta, z = log_odds_dirichlet(a, b, n_t, n_r, alpha)
            out[m] = (z, delta)
        elif m == "chi2":
            out[m] = (chi2_keyness(a, b, n_t, n_r, correction), None)
        elif m == "log_likelihood":
            out[m] = (log_likelihood_keyness(a, b, n_t, n_r, correction), None)
        elif m == "tfidf":
            out[m] = (tfidf_row, None)
    return out


def _comparison_frame(
    group: str, reference: str, vocab: np.ndarray, a: np.ndarray, b: np.ndarray,
    scores: dict[str, tuple[np.ndarray, np.ndarray | None]], top: int | None,
) -> list[pd.DataFrame]:
    """Rows of one comparison: terms used in the group, ranked per method."""
    present = np.flatnonzero(a > 0)
    frames = []
    for method, (score, delta) in scores.items():
        s = score[present]
        # rank by score (descending), ties by term (vocab is sorted, so by index)
        order = np.lexsort((present, -s))
        idx = present[order]
        if top is not None:
            idx, s_sorted = idx[:top], s[order][:top]
        else:
            s_sorted = s[order]
        frames.append(
            pd.DataFrame(
                {
                    "group": group,
                    "term": vocab[idx],
                    "n_group": a[idx].astype(np.int64),
                    "n_rest": b[idx].astype(np.int64),
                    "method": method,
                    "score": s_sorted.astype(float),
                    "rank": np.arange(1, len(idx) + 1, dtype=np.int64),
                    "reference": reference,
                    "log_odds": delta[idx] if delta is not None else np.nan,
                }
            )
        )
    return frames


def _check_methods(methods: Sequence[str] | str) -> list[str]:
    if isinstance(methods, str):
        methods = [methods]
    bad = [m for m in methods if m not in METHODS]
    if bad or not methods:
        raise ConfigError(
            f"unknown method(s) {', '.join(map(repr, bad)) or '(none given)'}; expected one or "
            f"more of {', '.join(METHODS)}"
        )
    return [m for m in METHODS if m in methods]


def distinctive_terms(
    tokens: pd.DataFrame | TermCounts,
    articles: pd.DataFrame,
    by: str = "outlet",
    freq: str | None = None,
    methods: Sequence[str] = METHODS,
    top: int | None = None,
    pairwise: bool = False,
    *,
    paragraphs: pd.DataFrame | None = None,
    entities: bool = True,
    prior_scale: float = 1.0,
    correction: str = "default",
    min_count: int = 1,
) -> pd.DataFrame:
    """Distinctive terms of each group against the rest (and, if asked, against each group).

    Parameters
    ----------
    tokens : DataFrame or TermCounts
        The ``tokens`` table, terms chosen by the module rules (:func:`analysis_terms`); or
        the corpus's term counts (:class:`framing.termcounts.TermCounts`, built article by
        article), which give the same result.
    articles : DataFrame
        The ``articles`` table (``doc_id`` plus the grouping column, or ``date_start`` and
        ``date_end`` for ``by="period"``).
    by : str
        Grouping: any ``articles`` column (``outlet``, ``source``, a manifest column such as
        ``region``) or ``"period"``.
    freq : str, optional
        Period frequency for ``by="period"``: ``D``, ``W``, ``M`` (default), ``Q``, ``Y``.
    methods : sequence of str
        Any of :data:`METHODS`.
    top : int, optional
        Keep the ``top`` best-ranked terms per group, reference and method (all if None).
    pairwise : bool
        Also compare every group with every other group (rows with ``reference`` = the other
        group); the log-odds prior is still the whole corpus, TF-IDF is computed over the
        two groups only.
    paragraphs : DataFrame, optional
        The ``paragraphs`` table, for the display form ``term_original`` (not used with
        a ``TermCounts``, which holds the spellings).
    entities : bool
        Count entity aliases under their canonical name (default on; with a ``TermCounts``,
        fixed when it was built).
    prior_scale : float
        Log-odds prior: ``alpha_w = prior_scale * (count of w in the whole corpus)``, so
        ``alpha_0 = prior_scale * corpus size``. 1 (the default) gives the prior as much
        weight as the data, the usual choice with the corpus as its own background.
    correction : str
        Correction for chi2 and G2: ``default`` (quanteda's Yates rule), ``yates``,
        ``williams`` or ``none``.
    min_count : int
        Leave out terms seen fewer than ``min_count`` times in the grouped corpus (they still
        count in the totals).

    Returns
    -------
    DataFrame
        One row per group, reference, method and term used in the group (``n_group >= 1``):
        columns :data:`OUTPUT_COLUMNS`, sorted by ``group_var, group, reference, method,
        rank``. ``attrs["excluded_articles"]`` holds the number of articles left out of the
        grouping by reason, and ``attrs["n_groups"]`` the number of groups.

    Raises
    ------
    ConfigError
        Unknown method, grouping column or frequency, or fewer than two groups with terms.
    """
    methods = _check_methods(methods)
    _check_correction(correction)
    if top is not None and int(top) < 1:
        raise ConfigError(f"--top must be a positive number of terms, not {top}")
    if prior_scale <= 0:
        raise ConfigError(f"prior_scale must be > 0, not {prior_scale}")
    counts = (tokens if isinstance(tokens, TermCounts)
              else TermCounts.from_tokens(tokens, paragraphs, entities=entities))
    known = pd.Index(articles["doc_id"].astype(str).unique())
    unknown = sorted(pd.Index(counts.articles()).difference(known).tolist())
    if unknown:
        raise CorpusError("tokens refer to article(s) missing from the articles table",
                          value=", ".join(unknown[:5]))
    groups, excluded = article_groups(articles, by, freq)
    if excluded:
        warnings.warn(
            f"grouping by {by}{'/' + normalise_freq(freq) if by == 'period' else ''}: "
            + ", ".join(f"{n} article(s) {reason}" for reason, n in excluded.items())
            + " left out (see framing.terms.article_groups)",
            ExcludedArticlesWarning,
            stacklevel=2,
        )
    names, vocab, group_counts = group_term_counts(counts, groups)
    if len(names) < 2:
        raise ConfigError(
            f"grouping by {by!r} gives {len(names)} group(s) with terms "
            f"({', '.join(names) or 'none'}); distinctive terms need at least two"
            + (" (left out: " + ", ".join(f"{n} article(s) {r}" for r, n in excluded.items())
               + ")" if excluded else "")
        )
    frames = _all_comparisons(names, vocab, group_counts, methods, top, pairwise,
                              prior_scale, correction, min_count)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "group_var", by)
    forms = counts.display_forms(only=out["term"].unique().tolist())
    forms = forms.set_index("term")["term_original"]
    out["term_original"] = out["term"].map(forms).fillna("")
    out = out[OUTPUT_COLUMNS].sort_values(
        ["group_var", "group", "reference", "method", "rank"], kind="mergesort"
    ).reset_index(drop=True)
    out.attrs["excluded_articles"] = excluded
    out.attrs["n_groups"] = len(names)
    return out


def _all_comparisons(
    names: list[str], vocab: np.ndarray, counts: sparse.csr_matrix, methods: list[str],
    top: int | None, pairwise: bool, prior_scale: float, correction: str, min_count: int,
) -> list[pd.DataFrame]:
    total = np.asarray(counts.sum(axis=0)).ravel().astype(float)
    alpha = prior_scale * total
    keep = total >= min_count
    group_totals = np.asarray(counts.sum(axis=1)).ravel().astype(float)
    n_all = float(total.sum())
    tfidf = tfidf_by_group(counts) if "tfidf" in methods else None
    frames: list[pd.DataFrame] = []
    for g, name in enumerate(names):
        a = counts.getrow(g).toarray().ravel().astype(float)
        b = total - a
        row = tfidf.getrow(g).toarray().ravel() if tfidf is not None else None
        scores = _score_rows(a, b, group_totals[g], n_all - group_totals[g], alpha, row,
                             methods, correction)
        frames += _comparison_frame(name, REST, vocab, np.where(keep, a, 0), b, scores, top)
    if pairwise:
        for g, h in itertools.permutations(range(len(names)), 2):
            a = counts.getrow(g).toarray().ravel().astype(float)
            b = counts.getrow(h).toarray().ravel().astype(float)
            row = None
            if tfidf is not None:
                pair = tfidf_by_group(sparse.vstack([counts.getrow(g), counts.getrow(h)]))
                row = pair.getrow(0).toarray().ravel()
            scores = _score_rows(a, b, group_totals[g], group_totals[h], alpha, row, methods,
                                 correction)
            frames += _comparison_frame(names[g], names[h], vocab, np.where(keep, a, 0), b,
                                        scores, top)
    return frames
