"""Topics: TF-IDF over paragraphs, factorised with NMF, in scikit-learn's estimator style.

Method
------
- **Documents** are paragraphs. Their terms follow :func:`framing.terms.analysis_terms`:
  Han and Latin tokens only (numbers and punctuation dropped), stopwords dropped, one-character
  terms dropped, entity aliases counted under the canonical entity name (``entities=True``).
  Sign-off paragraphs have no tokens; a paragraph with no term left gets no topic.
- **TF-IDF**, exactly as :class:`sklearn.feature_extraction.text.TfidfVectorizer` on the
  pre-split terms: sublinear tf ``1 + ln(tf)``, smoothed idf, rows scaled to unit length; a
  term must occur in at least ``min_df`` paragraphs (default 2: a term seen in one paragraph
  cannot link paragraphs) and in at most ``max_df`` of them (default 0.95: a term in nearly
  every paragraph separates nothing); at most ``max_features`` terms (the most frequent).
  It is computed from paragraph x term counts (:class:`framing.termcounts.TermCounts`,
  accumulated article by article, or counted from lists of terms), never from the token
  table, so a corpus of millions of paragraphs fits in memory (:func:`tfidf_from_counts`
  rebuilds the vectorizer's matrix, entry order included, so the numbers are identical).
- **NMF** (Frobenius loss, ``init="nndsvda"``, coordinate descent) factorises the
  paragraph x term matrix ``X ~= W H``; above ``minibatch_above`` paragraphs (default
  20 000) :class:`sklearn.decomposition.MiniBatchNMF` is used instead. ``random_state`` is
  fixed, so two fits on the same data give identical topics.
- **Topic order**: topics are numbered from 0 by their total weight over the training
  paragraphs (``W`` column sums), largest first, so numbering does not depend on NMF's
  internal order.
- **Default number of topics** (:func:`default_k`): ``floor(sqrt(n / 2))`` for ``n``
  paragraphs with terms, kept between 2 and 10 (the classic rule of thumb for cluster
  counts, capped so topics stay readable). 93 paragraphs give 6. The diagnostic
  :func:`k_diagnostics` (reconstruction error, NPMI coherence and topic diversity over a range
  of k) is written so a researcher can choose another k with ``-k``; it does not choose k by
  itself, because on small corpora coherence jumps from one k to the next. Above
  :data:`DIAGNOSTIC_SAMPLE` paragraphs (3,000) the diagnostic is computed on a random sample
  of that many paragraphs (seeded with ``random_state``): eleven extra fits on every
  paragraph would cost more than the rest of a large run. Its fits stop at a looser tolerance
  (:data:`DIAGNOSTIC_TOL`, 1e-3 instead of the model's 1e-4), which halves their iterations:
  on the 1,000-article bench corpus the reconstruction errors agree with the strict fits to
  four digits and the coherence to about 0.005. They run with one BLAS thread, so the table
  does not depend on the machine's core count. (The sample was 5,000 paragraphs and the
  tolerance the model's until the diagnostic was found to take three quarters of the topic
  stage; the fitted model itself is unchanged.)

Outputs (:func:`fit_topics`): ``topic_terms`` (top terms per topic), ``topics`` (label and
share), ``paragraph_topics`` (every paragraph's topic shares), ``outlet_topics`` (each
outlet's mean shares), ``topic_k_diagnostics``, and ``paragraphs`` columns
``dominant_topic``/``dominant_topic_weight``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from framing.blas import one_blas_thread
from framing.errors import ConfigError, CorpusError
from framing.forked import map_forked
from framing.schema import DOC_ID, PARA_ID
from framing.termcounts import RowCounts, TermCounts
from framing.terms import analysis_terms

#: Default number of top terms listed per topic.
N_TOP_TERMS = 10
#: Terms per topic used for the coherence and diversity diagnostics.
N_DIAGNOSTIC_TERMS = 10
#: Range of k examined by default in the diagnostic (capped by the data).
DEFAULT_K_VALUES = tuple(range(2, 13))
#: Most paragraphs the k diagnostic fits on (a seeded random sample above this).
DIAGNOSTIC_SAMPLE = 3000
#: Stopping tolerance of the diagnostic's NMF fits (the model's own default is 1e-4).
DIAGNOSTIC_TOL = 1e-3
#: Bounds of the default k rule.
K_MIN, K_MAX = 2, 10
#: Separator of the terms in a topic label.
LABEL_SEP = " / "

TABLE_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {
    "topic_terms": [
        ("topic", "integer", "Topic number, from 0, largest topic first"),
        ("rank", "integer", "Rank of the term in the topic, 1 = heaviest"),
        ("term", "string", "Term (Simplified analysis form, or canonical entity name)"),
        ("weight", "number", "Term's share of the topic's total weight in H (the topic row "
                             "of the NMF components scaled to sum to 1), 0-1"),
        ("term_original", "string", "Most frequent spelling of the term as written in the "
                                    "corpus (display form)"),
    ],
    "topics": [
        ("topic", "integer", "Topic number, from 0"),
        ("label", "string", "Short label: the topic's three heaviest terms joined by ' / '"),
        ("share", "number", "Mean share of the topic over all paragraphs with terms, 0-1"),
        ("n_dominant", "integer", "Paragraphs whose dominant topic this is"),
    ],
    "paragraph_topics": [
        DOC_ID,
        PARA_ID,
        ("topic", "integer", "Topic number"),
        ("weight", "number", "Topic's share of the paragraph's NMF loadings (a row of W "
                             "scaled to sum to 1), 0-1; paragraphs without a term in the "
                             "vocabulary have no rows"),
    ],
    "outlet_topics": [
        ("outlet", "string", "Outlet"),
        ("topic", "integer", "Topic number"),
        ("share", "number", "Mean topic share over the outlet's paragraphs with topic "
                            "weights, 0-1 (each paragraph counts once)"),
        ("n_paragraphs", "integer", "Outlet paragraphs with topic weights"),
    ],
    "topic_k_diagnostics": [
        ("k", "integer", "Number of topics fitted"),
        ("reconstruction_error", "number", "Frobenius norm of X - WH"),
        ("relative_error", "number", "reconstruction_error / Frobenius norm of X, 0-1"),
        ("coherence_npmi", "number", "Mean NPMI over pairs of each topic's top terms, "
                                     "co-occurrence counted in paragraphs, -1 to 1"),
        ("topic_diversity", "number", "Distinct terms among all topics' top terms / "
                                      "(k x terms per topic), 0-1"),
        ("chosen", "boolean", "Whether this is the k of the fitted model"),
        ("n_paragraphs", "integer", "Paragraphs the diagnostic was fitted on (all paragraphs "
                                    "with terms, or a seeded sample of DIAGNOSTIC_SAMPLE = "
                                    "3,000 above that)"),
    ],
}

#: Columns added to ``paragraphs.csv``.
PARAGRAPH_COLUMNS: list[tuple[str, str, str]] = [
    ("dominant_topic", "integer", "Topic with the largest weight in the paragraph (ties: "
                                  "lowest number); empty when the paragraph has no term in "
                                  "the topic vocabulary"),
    ("dominant_topic_weight", "number", "Share of the dominant topic in the paragraph, 0-1"),
]


_DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool", "string": "object"}


def _pre_split(doc: Sequence[str]) -> Sequence[str]:
    """Check that a document is pre-split (a list of terms, not a string)."""
    if isinstance(doc, str):
        raise ConfigError(
            "TopicModel expects pre-split documents (a list of terms per paragraph), got a "
            f"string: {doc[:40]!r}"
        )
    return doc


def as_rows(X: Iterable[Sequence[str]] | TermCounts | RowCounts) -> RowCounts:
    """Paragraph counts from pre-split documents, a :class:`TermCounts` or a
    :class:`RowCounts` (documents are counted as scikit-learn's ``CountVectorizer`` does)."""
    if isinstance(X, RowCounts):
        return X
    if isinstance(X, TermCounts):
        return X.rows()
    if isinstance(X, str):
        raise ConfigError("TopicModel expects a list of pre-split documents, not a string")
    return RowCounts.from_documents(map(_pre_split, X))


@dataclass
class FittedTfidf:
    """A fitted TF-IDF weighting: the vocabulary and scikit-learn's ``TfidfTransformer``.

    Attributes
    ----------
    vocabulary_ : dict
        Term → column.
    terms_ : ndarray of str
        Term of each column (sorted).
    tfidf_ : TfidfTransformer
        The idf weights, sublinear tf and norm.
    """

    vocabulary_: dict[str, int]
    terms_: np.ndarray
    tfidf_: object

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        """The vocabulary, in column order."""
        return self.terms_

    def counts(self, X: Iterable[Sequence[str]] | TermCounts | RowCounts) -> sparse.csr_matrix:
        """Counts of new documents over the fitted vocabulary (other terms ignored)."""
        rows = as_rows(X)
        column = np.asarray([self.vocabulary_.get(t, -1) for t in rows.terms],
                            dtype=np.int64)
        col = column[rows.indices] if len(rows.indices) else np.zeros(0, dtype=np.int64)
        known = col >= 0
        row = np.repeat(np.arange(rows.n_rows), np.diff(rows.indptr))
        indptr = np.zeros(rows.n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(row[known], minlength=rows.n_rows), out=indptr[1:])
        x = sparse.csr_matrix(
            (rows.data[known].astype(np.float64), col[known].astype(np.int32), indptr),
            shape=(rows.n_rows, len(self.terms_)),
        )
        x.sort_indices()  # as CountVectorizer.transform: columns in order within rows
        return x

    def transform(self, X: Iterable[Sequence[str]] | TermCounts | RowCounts
                  ) -> sparse.csr_matrix:
        """TF-IDF of new documents (``TfidfVectorizer.transform``)."""
        return sparse.csr_matrix(self.tfidf_.transform(self.counts(X), copy=False))


def tfidf_from_counts(
    rows: RowCounts, *, min_df: int | float = 2, max_df: int | float = 0.95,
    max_features: int | None = 20000, sublinear_tf: bool = True,
) -> tuple[FittedTfidf, sparse.csr_matrix]:
    """Fit TF-IDF on paragraph counts, exactly as ``TfidfVectorizer.fit_transform`` would on
    the paragraphs' terms (``norm="l2"``, ``smooth_idf=True``, float64).

    The vectorizer numbers the vocabulary by first appearance and sorts each row's entries by
    that number; it then renumbers the columns in term order and prunes them by document
    frequency (and ``max_features``), which keeps each row's entry order. Floating-point
    sums (row norms, NMF) follow that entry order, so it is rebuilt here: the pruned entries
    are dropped first (32-bit arrays), then each row is sorted by first-appearance number,
    then the columns are renumbered. ``max_features`` ties are broken by the same
    ``argsort`` call on the same array as scikit-learn's.

    Raises
    ------
    ValueError
        Empty vocabulary, ``max_df`` below ``min_df``, or no term left after pruning
        (scikit-learn's messages).
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    n_doc, n_ids, idx = rows.n_rows, len(rows.terms), rows.indices
    df = np.bincount(idx, minlength=n_ids)  # a term id occurs at most once in a row
    used = np.flatnonzero(df)
    if not len(used):
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    max_doc = max_df if isinstance(max_df, Integral) else max_df * n_doc
    min_doc = min_df if isinstance(min_df, Integral) else min_df * n_doc
    if max_doc < min_doc:
        raise ValueError("max_df corresponds to < documents than min_df")
    # the vectorizer's columns, in term order
    in_order = used[sorted(range(len(used)), key=rows.terms[used].__getitem__)]
    dfs = df[in_order]
    mask = (dfs <= max_doc) & (dfs >= min_doc)
    if max_features is not None and mask.sum() > max_features:
        tfs = _chunked(lambda c, s: np.bincount(c, weights=rows.data[s], minlength=n_ids),
                       idx)[in_order]  # float64 totals, as X.sum(axis=0)
        mask_inds = (-tfs[mask]).argsort()[:max_features]
        new_mask = np.zeros(len(dfs), dtype=bool)
        new_mask[np.where(mask)[0][mask_inds]] = True
        mask = new_mask
    kept = in_order[mask]
    if not len(kept):
        raise ValueError(
            "After pruning, no terms remain. Try a lower min_df or a higher max_df."
        )
    column = np.full(n_ids, -1, dtype=np.int32)
    column[kept] = np.arange(len(kept), dtype=np.int32)
    keep = column[idx] >= 0
    data, indices, indptr = rows.data, idx, rows.indptr
    if not keep.all():
        lengths = np.diff(indptr)
        per_row = np.zeros(n_doc, dtype=np.int64)
        full = lengths > 0
        if full.any():
            per_row[full] = np.add.reduceat(keep, indptr[:-1][full], dtype=np.int64)
        indptr = np.zeros(n_doc + 1, dtype=np.int64)
        np.cumsum(per_row, out=indptr[1:])
        data, indices = data[keep], indices[keep]
    del keep
    # first-appearance number of each term id (earliest entry), chunk by chunk
    first = np.full(n_ids, np.iinfo(np.int64).max, dtype=np.int64)
    for start in range(0, len(idx), _CHUNK):
        ids, at = np.unique(idx[start:start + _CHUNK], return_index=True)
        new = first[ids] == np.iinfo(np.int64).max
        first[ids[new]] = start + at[new]
    rank = np.empty(n_ids, dtype=np.int32)
    rank[used[np.argsort(first[used], kind="stable")]] = np.arange(len(used), dtype=np.int32)
    # int32 indices and indptr like CountVectorizer's (up to 2**31 entries)
    index_type = np.int64 if indptr[-1] > np.iinfo(np.int32).max else np.int32
    x = sparse.csr_matrix((data.astype(np.float64), rank[indices].astype(index_type),
                           indptr.astype(index_type)), shape=(n_doc, len(used)))
    del data, indices
    x.sort_indices()  # each row by first-appearance number
    x = sparse.csr_matrix((x.data, column[_rank_to_id(rank, used)][x.indices].astype(
        index_type), x.indptr), shape=(n_doc, len(kept)))
    tfidf = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True,
                             sublinear_tf=sublinear_tf)
    tfidf.fit(x)
    words = rows.terms[kept]
    fitted = FittedTfidf({w: i for i, w in enumerate(words)}, words, tfidf)
    return fitted, sparse.csr_matrix(tfidf.transform(x, copy=False))


#: Entries handled at once by the chunked passes over a count matrix.
_CHUNK = 1 << 22


def _rank_to_id(rank: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Term id of each first-appearance number (the inverse of ``rank`` on ``used``)."""
    out = np.empty(len(used), dtype=np.int64)
    out[rank[used]] = used
    return out


def _chunked(fn, idx: np.ndarray) -> np.ndarray:
    """Sum of ``fn(idx[s], s)`` over slices ``s`` of ``_CHUNK`` entries (bounded
    temporaries on large matrices)."""
    total = None
    for start in range(0, max(len(idx), 1), _CHUNK):
        s = slice(start, start + _CHUNK)
        part = fn(idx[s], s)
        total = part if total is None else total + part
    return total


def default_k(n_documents: int) -> int:
    """Default number of topics: ``floor(sqrt(n / 2))`` kept within [2, 10] (and <= n)."""
    k = int(math.floor(math.sqrt(max(n_documents, 0) / 2)))
    return max(1, min(max(K_MIN, min(K_MAX, k)), max(n_documents, 1)))


class TopicModel(TransformerMixin, BaseEstimator):
    """TF-IDF + NMF topic model over pre-split documents (lists of terms).

    Parameters
    ----------
    n_components : int, optional
        Number of topics; None applies :func:`default_k` to the number of documents.
    min_df, max_df, max_features, sublinear_tf :
        Passed to :class:`~sklearn.feature_extraction.text.TfidfVectorizer`.
    init, max_iter, tol :
        Passed to NMF / MiniBatchNMF.
    minibatch_above : int
        Use :class:`~sklearn.decomposition.MiniBatchNMF` when there are more documents.
    batch_size : int
        MiniBatchNMF batch size.
    random_state : int
        Seed of NMF's initialisation (and MiniBatchNMF's batches).

    Attributes
    ----------
    vectorizer_ : FittedTfidf
        Vocabulary and TF-IDF weights (what ``TfidfVectorizer`` would have learned).
    nmf_ : NMF or MiniBatchNMF
    n_components_ : int
    order_ : ndarray
        NMF component behind each topic number (topics ordered by total weight).
    components_ : ndarray, shape (n_components_, n_terms)
        Topic-term weights H, rows in topic order.
    terms_ : ndarray of str
        The vocabulary, in the column order of ``components_``.
    reconstruction_err_ : float
    n_documents_ : int
    solver_ : str
        ``"nmf"`` or ``"minibatch_nmf"``.
    """

    def __init__(
        self,
        n_components: int | None = None,
        *,
        min_df: int | float = 2,
        max_df: int | float = 0.95,
        max_features: int | None = 20000,
        sublinear_tf: bool = True,
        init: str = "nndsvda",
        max_iter: int = 500,
        tol: float = 1e-4,
        minibatch_above: int = 20000,
        batch_size: int = 1024,
        random_state: int = 0,
    ) -> None:
        self.n_components = n_components
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.minibatch_above = minibatch_above
        self.batch_size = batch_size
        self.random_state = random_state

    # -- building blocks ---------------------------------------------------------------

    def _check_tfidf_params(self) -> None:
        """Check min_df, max_df, max_features with scikit-learn's own rules and messages."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        TfidfVectorizer(min_df=self.min_df, max_df=self.max_df,
                        max_features=self.max_features,
                        sublinear_tf=self.sublinear_tf)._validate_params()

    def _make_nmf(self, k: int, n_docs: int):
        from sklearn.decomposition import NMF, MiniBatchNMF

        if n_docs > self.minibatch_above:
            return MiniBatchNMF(n_components=k, init=self.init, batch_size=self.batch_size,
                                max_iter=self.max_iter, tol=self.tol,
                                random_state=self.random_state)
        return NMF(n_components=k, init=self.init, solver="cd", max_iter=self.max_iter,
                   tol=self.tol, random_state=self.random_state)

    def _vectorize(self, X: Iterable[Sequence[str]] | TermCounts | RowCounts
                   ) -> tuple[FittedTfidf, sparse.csr_matrix]:
        rows = as_rows(X)
        if not rows.n_rows:
            raise CorpusError("no paragraph has a term: nothing to model")
        try:
            self._check_tfidf_params()  # an invalid value is reported like the others
            return tfidf_from_counts(rows, min_df=self.min_df, max_df=self.max_df,
                                     max_features=self.max_features,
                                     sublinear_tf=self.sublinear_tf)
        except ValueError as exc:  # empty vocabulary, or min_df/max_df contradict
            raise CorpusError(
                f"cannot build the topic vocabulary from {rows.n_rows} paragraph(s) with "
                f"min_df={self.min_df}, max_df={self.max_df}: {exc}"
            ) from exc

    @one_blas_thread
    def _fit_matrix(self, vec: FittedTfidf, x: sparse.csr_matrix) -> np.ndarray:
        n_docs, n_terms = x.shape
        k = self.n_components if self.n_components is not None else default_k(n_docs)
        if int(k) < 1 or int(k) > min(n_docs, n_terms):
            raise ConfigError(
                f"number of topics k={k} must be between 1 and min(paragraphs, terms) = "
                f"{min(n_docs, n_terms)} ({n_docs} paragraphs, {n_terms} terms)"
            )
        nmf = self._make_nmf(int(k), n_docs)
        import warnings

        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings():
            # convergence is reported by n_iter_; a warning here would only be noise
            warnings.simplefilter("ignore", ConvergenceWarning)
            w = nmf.fit_transform(x)
        totals = w.sum(axis=0)
        order = np.lexsort((np.arange(len(totals)), -totals))
        self.vectorizer_ = vec
        self.nmf_ = nmf
        self.n_components_ = int(k)
        self.order_ = order
        self.components_ = nmf.components_[order]
        self.terms_ = np.asarray(vec.get_feature_names_out(), dtype=object)
        self.reconstruction_err_ = float(nmf.reconstruction_err_)
        self.n_documents_ = int(n_docs)
        self.solver_ = "minibatch_nmf" if n_docs > self.minibatch_above else "nmf"
        return w[:, order]

    # -- estimator API -----------------------------------------------------------------

    def fit(self, X: Iterable[Sequence[str]] | TermCounts | RowCounts, y: None = None
            ) -> TopicModel:
        """Fit the vocabulary, TF-IDF weights and NMF topics on pre-split documents (lists
        of terms) or on paragraph counts (:class:`TermCounts`, :class:`RowCounts`)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[Sequence[str]] | TermCounts | RowCounts,
                      y: None = None) -> np.ndarray:
        """Fit and return the training loadings ``W`` (documents x topics, topic order)."""
        vec, x = self._vectorize(X)
        return self._fit_matrix(vec, x)

    @one_blas_thread
    def transform(self, X: Iterable[Sequence[str]] | TermCounts | RowCounts) -> np.ndarray:
        """Topic loadings of new documents (``W`` solved with ``H`` fixed), topic order."""
        check_is_fitted(self, "components_")
        x = self.vectorizer_.transform(X)
        return self.nmf_.transform(x)[:, self.order_]

    def get_feature_names_out(self, input_features: None = None) -> np.ndarray:
        """Names of the output columns of :meth:`transform`: ``topic0`` ... ``topic{k-1}``.

        The vocabulary (columns of ``components_``) is ``terms_``.
        """
        check_is_fitted(self, "components_")
        return np.asarray([f"topic{i}" for i in range(self.n_components_)], dtype=object)

    def top_terms(self, n: int = N_TOP_TERMS) -> pd.DataFrame:
        """Heaviest terms of every topic.

        Returns
        -------
        DataFrame
            One row per topic and rank: ``topic, rank, term, weight`` (weight = the term's
            share of the topic row of ``components_``), sorted by ``topic, rank``; ties in
            weight are broken by term order.
        """
        check_is_fitted(self, "components_")
        h = self.components_
        sums = h.sum(axis=1, keepdims=True)
        shares = np.divide(h, sums, out=np.zeros_like(h), where=sums > 0)
        rows = []
        for t in range(h.shape[0]):
            order = np.lexsort((np.arange(h.shape[1]), -shares[t]))[: min(n, h.shape[1])]
            order = [i for i in order if shares[t, i] > 0]
            for r, i in enumerate(order, start=1):
                rows.append((t, r, str(self.terms_[i]), float(shares[t, i])))
        return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


# ---------------------------------------------------------------------------------------
# Documents and diagnostics
# ---------------------------------------------------------------------------------------


def paragraph_documents(
    tokens: pd.DataFrame, entities: bool = True
) -> tuple[pd.DataFrame, list[list[str]]]:
    """The terms of every paragraph that has at least one, in token order.

    Returns
    -------
    keys : DataFrame
        ``doc_id, para_id`` of each document, sorted.
    documents : list of list of str
        The terms of each paragraph (same order as ``keys``).
    """
    return documents_from_terms(analysis_terms(tokens, entities=entities))


def documents_from_terms(terms: pd.DataFrame) -> tuple[pd.DataFrame, list[list[str]]]:
    """:func:`paragraph_documents` from the output of :func:`framing.terms.analysis_terms`."""
    if terms.empty:
        return pd.DataFrame(columns=["doc_id", "para_id"]), []
    doc = terms["doc_id"].to_numpy(dtype=object)
    para = terms["para_id"].to_numpy()
    new = np.ones(len(terms), dtype=bool)
    new[1:] = (doc[1:] != doc[:-1]) | (para[1:] != para[:-1])
    starts = np.flatnonzero(new)
    words = terms["term"].tolist()
    ends = [*starts[1:].tolist(), len(words)]
    docs = [words[a:b] for a, b in zip(starts.tolist(), ends, strict=True)]
    keys = pd.DataFrame({"doc_id": doc[starts], "para_id": para[starts].astype(np.int64)})
    return keys, docs


@one_blas_thread
def npmi_coherence(binary: sparse.csr_matrix, top_idx: Sequence[Sequence[int]]) -> float:
    """Mean normalised PMI over pairs of top terms, averaged over topics.

    ``NPMI(i, j) = ln(P(i, j) / (P(i) P(j))) / -ln P(i, j)`` with probabilities of occurring
    in a paragraph; a pair that never co-occurs scores -1, a pair in every paragraph 1.

    Parameters
    ----------
    binary : sparse matrix
        Paragraph x term occurrence (non-zero = term present).
    top_idx : list of lists
        Column indices of each topic's top terms.
    """
    n_docs = binary.shape[0]
    b = (binary > 0).astype(np.float64).tocsc()
    per_topic = []
    for idx in top_idx:
        idx = list(idx)
        if len(idx) < 2:
            continue
        sub = b[:, idx]
        co = np.asarray((sub.T @ sub).todense())
        df = np.diag(co)
        vals = []
        for i in range(len(idx)):
            for j in range(i + 1, len(idx)):
                p_ij = co[i, j] / n_docs
                if p_ij == 0:
                    vals.append(-1.0)
                elif p_ij == 1:
                    vals.append(1.0)
                else:
                    pmi = math.log(p_ij / ((df[i] / n_docs) * (df[j] / n_docs)))
                    vals.append(pmi / -math.log(p_ij))
        per_topic.append(float(np.mean(vals)))
    return float(np.mean(per_topic)) if per_topic else float("nan")


def _top_indices(h: np.ndarray, n: int) -> list[list[int]]:
    out = []
    for row in h:
        order = np.lexsort((np.arange(len(row)), -row))[:n]
        out.append([int(i) for i in order if row[i] > 0])
    return out


@one_blas_thread
def k_diagnostics(
    documents: Sequence[Sequence[str]] | TermCounts | RowCounts,
    k_values: Iterable[int] = DEFAULT_K_VALUES,
    chosen: int | None = None,
    jobs: int = 1,
    **model_params: object,
) -> pd.DataFrame:
    """Fit the topic model for a range of k and measure each fit.

    The vocabulary is built once; for each k an NMF model with the same parameters is fitted,
    with stopping tolerance :data:`DIAGNOSTIC_TOL` unless ``tol`` is given, and with one BLAS
    thread (the numbers then do not depend on the core count). Values of k above
    ``min(paragraphs, terms) - 1`` are skipped; ``chosen`` is always examined too (if within
    that limit).

    Parameters
    ----------
    documents : list of list of str, TermCounts or RowCounts
        Pre-split paragraphs, or paragraph counts.
    k_values : iterable of int
        Numbers of topics to try.
    chosen : int, optional
        The k of the reported model (marked in ``chosen``).
    jobs : int
        Local processes the values of k are shared among (:func:`framing.forked.map_forked`);
        the table is the same for any number.
    **model_params
        Other :class:`TopicModel` parameters.

    Returns
    -------
    DataFrame
        One row per k: ``k, reconstruction_error, relative_error, coherence_npmi,
        topic_diversity, chosen, n_paragraphs``, sorted by ``k``.
    """
    model_params = {"tol": DIAGNOSTIC_TOL, **model_params}
    return _k_diagnostics(documents, k_values, chosen, model_params, jobs)


def _k_diagnostics(documents: Sequence[Sequence[str]] | TermCounts | RowCounts,
                   k_values: Iterable[int], chosen: int | None, model_params: dict,
                   jobs: int = 1) -> pd.DataFrame:
    fit = _diagnostic_fit(documents, k_values, chosen, model_params)
    return fit.table(map_forked(fit.row, fit.ks, jobs))


class _diagnostic_fit:  # noqa: N801 - used like a function returning its pieces
    """The k diagnostic as independent pieces, one per k: the vocabulary and TF-IDF
    matrix are built once (here), and :meth:`row` fits and measures one k (it may run in a
    forked process: :func:`framing.forked.map_forked`)."""

    def __init__(self, documents: Sequence[Sequence[str]] | TermCounts | RowCounts,
                 k_values: Iterable[int], chosen: int | None, model_params: dict) -> None:
        self.n_rows = as_rows(documents).n_rows
        self.params = model_params
        self.chosen = chosen
        self.vec, self.x = TopicModel(**model_params)._vectorize(documents)
        self.norm_x = float(np.sqrt(self.x.multiply(self.x).sum()))
        limit = min(self.x.shape) - 1
        wanted = {int(k) for k in k_values} | ({int(chosen)} if chosen is not None else set())
        self.ks = [k for k in sorted(wanted) if 1 <= k <= limit]

    def row(self, k: int) -> tuple:
        model = TopicModel(n_components=k, **self.params)
        model._fit_matrix(self.vec, self.x)
        top = _top_indices(model.components_, N_DIAGNOSTIC_TERMS)
        n_top = sum(len(t) for t in top)
        diversity = len({i for t in top for i in t}) / n_top if n_top else float("nan")
        err = model.reconstruction_err_
        return (k, err, err / self.norm_x if self.norm_x else float("nan"),
                npmi_coherence(self.x, top), diversity, self.chosen == k, self.n_rows)

    @staticmethod
    def table(rows: list[tuple]) -> pd.DataFrame:
        return pd.DataFrame(rows,
                            columns=[c for c, _t, _d in TABLE_SCHEMAS["topic_k_diagnostics"]])


# ---------------------------------------------------------------------------------------
# Corpus-wide entry point
# ---------------------------------------------------------------------------------------


def _normalised(w: np.ndarray) -> np.ndarray:
    sums = w.sum(axis=1, keepdims=True)
    return np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)


def topic_tables(
    model: TopicModel, keys: pd.DataFrame, w: np.ndarray, paragraphs: pd.DataFrame,
    articles: pd.DataFrame, forms: pd.DataFrame, n_top: int = N_TOP_TERMS,
) -> dict[str, pd.DataFrame]:
    """Build the output tables from a fitted model and its paragraph loadings ``w``.

    See :func:`fit_topics` for the tables.
    """
    k = model.n_components_
    shares = _normalised(w)
    has = shares.sum(axis=1) > 0
    top = model.top_terms(n_top)
    top["term_original"] = top["term"].map(forms.set_index("term")["term_original"]).fillna("")

    # one copy of the loaded rows, made as before: the memory layout of this copy decides
    # the rounding of the column means below
    sh = shares[has]
    del shares
    doc = keys["doc_id"].to_numpy(dtype=object)[has]
    para_id = keys["para_id"].to_numpy(dtype=np.int64)[has]
    pt = pd.DataFrame(
        {
            "doc_id": np.repeat(doc, k),
            "para_id": np.repeat(para_id, k),
            "topic": np.tile(np.arange(k, dtype=np.int64), len(doc)),
            "weight": sh.ravel(),
        }
    )
    dom = pd.DataFrame(
        {
            "doc_id": doc,
            "para_id": para_id,
            "dominant_topic": sh.argmax(axis=1).astype(np.int64),
            "dominant_topic_weight": sh.max(axis=1),
        }
    )
    para = paragraphs[["doc_id", "para_id"]].copy()
    para["doc_id"] = para["doc_id"].astype(str).astype(object)
    para["para_id"] = para["para_id"].astype(np.int64)
    para = para.merge(dom, on=["doc_id", "para_id"], how="left", validate="one_to_one")
    para["dominant_topic"] = para["dominant_topic"].astype("Int64")
    para = para.sort_values(["doc_id", "para_id"], kind="mergesort").reset_index(drop=True)

    labels = [
        LABEL_SEP.join(top.loc[top["topic"] == t, "term"].head(3).tolist()) for t in range(k)
    ]
    n_dom = np.bincount(dom["dominant_topic"].to_numpy(), minlength=k)
    mean_share = sh.mean(axis=0) if len(sh) else np.zeros(k)
    topics = pd.DataFrame({"topic": np.arange(k, dtype=np.int64), "label": labels,
                           "share": mean_share, "n_dominant": n_dom.astype(np.int64)})
    if not _strictly_sorted(doc, para_id):  # keys from TermCounts are; sort only otherwise
        pt = pt.sort_values(["doc_id", "para_id", "topic"], kind="mergesort")
    return {
        "topic_terms": top[["topic", "rank", "term", "weight", "term_original"]],
        "topics": topics,
        "paragraph_topics": pt.reset_index(drop=True),
        "outlet_topics": _outlet_topics(doc, sh, articles),
        "paragraphs": para,
    }


def _strictly_sorted(doc: np.ndarray, para: np.ndarray) -> bool:
    """Whether the keys (doc_id, para_id) are strictly increasing."""
    if len(doc) < 2:
        return True
    same = doc[1:] == doc[:-1]
    return bool(np.all((doc[1:] > doc[:-1]) | (same & (para[1:] > para[:-1]))))


def _outlet_topics(doc: np.ndarray, shares: np.ndarray, articles: pd.DataFrame
                   ) -> pd.DataFrame:
    """Mean topic shares per outlet, from the paragraphs x topics shares.

    Grouped on the wide array (one row per paragraph) rather than on the long
    ``paragraph_topics`` table (k times as many rows): pandas' grouped mean adds each
    (outlet, topic) group's values in row order either way, so the means are the same to the
    bit.
    """
    k = shares.shape[1]
    outlet = articles.set_index(articles["doc_id"].astype(str))["outlet"].astype(str)
    para_outlet = pd.Series(doc, dtype=object).map(outlet).rename("outlet")
    if para_outlet.isna().any():
        missing = sorted(set(doc[para_outlet.isna().to_numpy()]))
        raise CorpusError("paragraphs refer to article(s) missing from the articles table",
                          value=", ".join(missing[:5]))
    grouped = pd.DataFrame(shares).groupby(para_outlet, sort=True)
    means = grouped.mean()
    sizes = grouped.size().to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "outlet": pd.Series(np.repeat(means.index.to_numpy(), k), dtype=means.index.dtype),
            "topic": np.tile(np.arange(k, dtype=np.int64), len(means)),
            "share": means.to_numpy(dtype=np.float64).ravel(),
            "n_paragraphs": np.repeat(sizes, k),
        }
    )


def empty_topic_tables() -> dict[str, pd.DataFrame]:
    """The topic tables with their columns and no rows (a corpus too small for a model)."""
    return {
        name: pd.DataFrame({c: pd.Series(dtype=_DTYPES[t]) for c, t, _d in cols})
        for name, cols in TABLE_SCHEMAS.items()
    }


def fit_topics(
    tokens: pd.DataFrame | TermCounts,
    paragraphs: pd.DataFrame,
    articles: pd.DataFrame,
    k: int | None = None,
    random_state: int = 0,
    *,
    k_values: Iterable[int] | None = None,
    n_top: int = N_TOP_TERMS,
    entities: bool = True,
    return_model: bool = False,
    jobs: int = 1,
    **model_params: object,
) -> dict[str, pd.DataFrame]:
    """Fit the topic model on the corpus's paragraphs and build every topic table.

    Parameters
    ----------
    tokens : DataFrame or TermCounts
        The ``tokens`` table, or the corpus's term counts
        (:class:`framing.termcounts.TermCounts`, built article by article with
        :func:`framing.termcounts.article_terms`), which give the same tables.
    paragraphs, articles : DataFrame
        The base tables (``paragraphs`` needs ``doc_id, para_id``, and ``text`` with a
        tokens table; ``articles`` needs ``doc_id, outlet``).
    k : int, optional
        Number of topics; None applies :func:`default_k`.
    random_state : int
        NMF seed.
    k_values : iterable of int, optional
        k examined by the diagnostic (default 2-12, capped by the data, plus the fitted k);
        empty to skip the diagnostic (the table is then empty).
    n_top : int
        Terms listed per topic.
    entities : bool
        Count entity aliases under the canonical entity name (default on; with a
        ``TermCounts``, fixed when it was built).
    return_model : bool
        Also return the fitted :class:`TopicModel` under key ``"model"``.
    jobs : int
        Local processes the model and the diagnostic's fits are shared among
        (:func:`framing.forked.map_forked`); the tables are the same for any number.
    **model_params
        Other :class:`TopicModel` parameters (``min_df``, ``max_df``, ...).

    Returns
    -------
    dict of DataFrame
        ``topic_terms``: one row per topic and rank (``topic, rank, term, weight,
        term_original``). ``topics``: one row per topic (``topic, label, share,
        n_dominant``). ``paragraph_topics``: one row per paragraph with terms and topic
        (``doc_id, para_id, topic, weight``). ``outlet_topics``: one row per outlet and topic
        (``outlet, topic, share, n_paragraphs``). ``topic_k_diagnostics``: one row per k
        examined. ``paragraphs``: one row per input paragraph (``doc_id, para_id,
        dominant_topic, dominant_topic_weight``; empty when the paragraph has no term).
    """
    counts = (tokens if isinstance(tokens, TermCounts)
              else TermCounts.from_tokens(tokens, paragraphs, entities=entities))
    rows = counts.rows()
    model = TopicModel(n_components=k, random_state=random_state, **model_params)
    vec, x = model._vectorize(rows)
    held = {"x": x}  # dropped once the model is fitted (the largest thing here)
    del x
    kv = list(DEFAULT_K_VALUES if k_values is None else k_values)
    diagnostic = None
    if kv:
        sample = rows
        if rows.n_rows > DIAGNOSTIC_SAMPLE:
            rng = np.random.default_rng(random_state)
            picked = np.sort(rng.choice(rows.n_rows, DIAGNOSTIC_SAMPLE, replace=False))
            sample = rows.take(picked)
        chosen = model.n_components if model.n_components is not None else default_k(
            rows.n_rows)
        diagnostic = _diagnostic_fit(
            sample, kv, int(chosen),
            {"tol": DIAGNOSTIC_TOL, **model_params, "random_state": random_state})
        del sample
    # The counts are read again only for the tables, after the fits: the forked fitting
    # processes start without them (TermCounts.release).
    del rows
    counts.release()

    def piece(item: int | None) -> object:
        # None: the reported model (its fitted self and loadings); k: one diagnostic row
        if item is None:
            return model, model._fit_matrix(vec, held["x"])
        return diagnostic.row(item)  # type: ignore[union-attr]

    # The model and the diagnostic's fits are independent: they share the local cores.
    (model, w), *diag_rows = map_forked(piece, [None, *(diagnostic.ks if diagnostic else [])],
                                        jobs)
    held.clear()
    # display forms of the listed terms only (counting all their occurrences)
    forms = counts.display_forms(only=model.top_terms(n_top)["term"].tolist())
    out = topic_tables(model, counts.keys(), w, paragraphs, articles, forms, n_top=n_top)
    del w
    if diagnostic is not None:
        out["topic_k_diagnostics"] = diagnostic.table(diag_rows)
    else:
        out["topic_k_diagnostics"] = pd.DataFrame(
            {c: pd.Series(dtype=_DTYPES[t]) for c, t, _d in TABLE_SCHEMAS["topic_k_diagnostics"]}
        )
    if return_model:
        out["model"] = model  # type: ignore[assignment]
    return out
