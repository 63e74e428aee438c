"""Term counts accumulated article by article, for the corpus-wide stages (topics, terms).

The corpus-wide stages need, per paragraph, how often each term occurs, and per term its
spellings as written. The ``tokens`` table holds much more (one row per token, numbers and
punctuation included): about 56 million rows at 100,000 articles, too many to hold in
memory. So each article's terms are computed where the article is processed
(:func:`article_terms`, in a worker process, plain lists that can be cached and sent
between processes), and the main process folds them into a compact paragraph x term count
matrix (:class:`TermCounts`): a vocabulary dict, and 32-bit column indices and counts in
numpy chunks, about 8 bytes per distinct term of a paragraph.

The term rule (which tokens are terms, and what term they give) is defined once, in
:func:`select_terms`; :func:`framing.terms.analysis_terms` applies the same function to a
whole ``tokens`` table. :meth:`TermCounts.from_tokens` builds the counts from the
DataFrames through :func:`article_terms`, so the DataFrame API of the corpus-wide stages is
a thin wrapper over this path.

Row order
---------
Each paragraph's entries are stored in the order of the first occurrence of their term in
the paragraph (token order). scikit-learn's ``CountVectorizer`` numbers the vocabulary by
first appearance in the documents, and the in-row order of its matrices follows from that
numbering; the floating-point sums of TF-IDF and NMF follow the in-row order. Keeping the
first-occurrence order lets :mod:`framing.topics` rebuild exactly scikit-learn's matrix for
any subset of paragraphs (the k diagnostic's sample), so results stay identical to the bit.
"""

from __future__ import annotations

import contextlib
import operator
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

#: Token kinds that can be terms.
TERM_KINDS = ("han", "latin")
_TERM_KINDS = frozenset(TERM_KINDS)

#: Columns of :func:`article_terms`' result.
ARTICLE_TERM_COLUMNS = ("para_id", "term", "surface")

#: Entries gathered in a Python array before they are moved to a numpy chunk.
_CHUNK = 1 << 20


# ---------------------------------------------------------------------------------------
# The term rule
# ---------------------------------------------------------------------------------------


def select_terms(
    token: Sequence[str], kind: Sequence[str], stop: Sequence[bool], entity: Sequence[str],
    entities: bool = True,
) -> tuple[list[int], list[str]]:
    """Which tokens are terms, and their terms (the rules of :mod:`framing.terms`).

    A token is a term if its ``kind`` is ``han`` or ``latin`` and it is not a stopword; its
    term is the canonical entity name when it is an entity alias and ``entities`` is on,
    else the token itself, which must then be longer than one character.

    Parameters
    ----------
    token, kind, stop, entity : sequences
        Columns of the ``tokens`` table (``stop`` as booleans, ``entity`` as text, empty or
        None when the token is no entity alias).
    entities : bool
        Replace entity aliases by their canonical name.

    Returns
    -------
    positions : list of int
        Positions of the tokens that are terms, in input order.
    terms : list of str
        Their terms.
    """
    kinds = _TERM_KINDS
    # comprehensions rather than a loop with appends: this runs on every token of a corpus
    if entities:
        positions = [i for i, t, k, s, e in zip(range(len(token)), token, kind, stop, entity,
                                                strict=True)
                     if not s and k in kinds and (e or len(t) > 1)]
        return positions, [entity[i] or token[i] for i in positions]
    positions = [i for i, t, k, s in zip(range(len(token)), token, kind, stop, strict=True)
                 if not s and k in kinds and len(t) > 1]
    return positions, list(map(token.__getitem__, positions))


def article_terms(
    token_cols: Mapping[str, Sequence], texts: Mapping[int, str] | None,
    entities: bool = True,
) -> dict[str, list]:
    """The analysis terms of one article, as plain lists.

    Parameters
    ----------
    token_cols : mapping
        The article's ``tokens`` table as column lists, as
        :func:`framing.pipeline.token_columns` returns them (``para_id, token_id, token,
        start, end, kind, stop, entity``; an empty mapping when there is no token).
    texts : mapping or None
        ``para_id`` → paragraph text, for the written spelling of each term. None when the
        text is not known: the result then has no ``surface``.
    entities : bool
        Count entity aliases under their canonical entity name (default on).

    Returns
    -------
    dict of lists
        ``para_id``, ``term`` and (with ``texts``) ``surface`` (``text[start:end]``, empty
        if the paragraph's text is not given), one entry per term occurrence, in
        ``para_id, token_id`` order.
    """
    if not token_cols or not len(token_cols.get("token", ())):
        return {c: [] for c in ARTICLE_TERM_COLUMNS if c != "surface" or texts is not None}
    para = token_cols["para_id"]
    positions, terms = select_terms(token_cols["token"], token_cols["kind"],
                                    token_cols["stop"], token_cols["entity"], entities)
    order = list(zip(para, token_cols["token_id"], strict=True))
    if order != sorted(order):  # not in token order: put it there (sorted() runs in C)
        rank = sorted(range(len(positions)), key=lambda i: order[positions[i]])
        positions, terms = [positions[i] for i in rank], [terms[i] for i in rank]
    kept_para = list(map(para.__getitem__, positions))
    out: dict[str, list] = {"para_id": kept_para, "term": terms}
    if texts is not None:
        text = {p: texts.get(p) or "" for p in set(kept_para)}
        out["surface"] = [text[p][s:e] for p, s, e in zip(
            kept_para, map(token_cols["start"].__getitem__, positions),
            map(token_cols["end"].__getitem__, positions), strict=True)]
    return out


def best_forms(term: Sequence[str], form: Sequence[str], n: Sequence[int]) -> pd.DataFrame:
    """Display form of every term: its most frequent spelling (ties: code-point order).

    Parameters
    ----------
    term, form, n : sequences
        Occurrences ``n`` of each (term, spelling) pair, one entry per pair.

    Returns
    -------
    DataFrame
        ``term, term_original, n_original``, one row per term, sorted by ``term``.
    """
    counts = pd.DataFrame({"term": pd.Series(term, dtype=object),
                           "term_original": pd.Series(form, dtype=object),
                           "n_original": np.asarray(n, dtype=np.int64)})
    # highest count first; for equal counts the first spelling in code-point order
    counts = counts.sort_values(["term", "n_original", "term_original"],
                                ascending=[True, False, True], kind="mergesort")
    best = counts.drop_duplicates("term", keep="first").reset_index(drop=True)
    return best[["term", "term_original", "n_original"]]


# ---------------------------------------------------------------------------------------
# Compact storage
# ---------------------------------------------------------------------------------------


class _IntBuffer:
    """A growing column of integers: a Python array, moved to numpy chunks as it fills.

    With ``spill`` (a file path) the full chunks are appended to that file instead of kept
    in memory: a run's term counts then wait on disk while its articles are analysed, and
    :meth:`values` maps the file (read-only) rather than reading it into memory. Pages of a
    mapping are shared with the file cache and leave the process when the mapping is
    dropped (:meth:`TermCounts.release`), so the counts take memory only while they are
    being read.
    """

    __slots__ = ("_chunks", "_dtype", "_pending", "_spill", "_typecode")

    def __init__(self, typecode: str, spill: Path | None = None) -> None:
        self._typecode = typecode
        self._dtype = np.dtype(typecode)
        self._pending = array(typecode)
        self._chunks: list[np.ndarray] = []
        self._spill = spill

    def extend(self, values: Iterable[int]) -> None:
        if isinstance(values, np.ndarray):  # as raw bytes, not element by element
            self._pending.frombytes(values.astype(self._dtype, copy=False).tobytes())
        else:
            self._pending.extend(values)
        if len(self._pending) >= _CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._spill is not None:
            # Binary mode (raw integers): no text, so no encoding applies (Python refuses
            # one in binary mode).
            with open(self._spill, "ab") as fh:
                self._pending.tofile(fh)
        else:
            self._chunks.append(np.frombuffer(self._pending, dtype=self._dtype).copy())
        self._pending = array(self._typecode)

    def values(self) -> np.ndarray:
        """All values as one array: a read-only map of the spill file, or the in-memory
        chunks merged into one (so this is cheap again)."""
        if self._spill is not None:
            if len(self._pending):
                self._flush()
            if not self._spill.exists() or not self._spill.stat().st_size:
                return np.empty(0, dtype=self._dtype)
            return np.memmap(self._spill, dtype=self._dtype, mode="r")
        if len(self._pending) or len(self._chunks) != 1:
            tail = np.frombuffer(self._pending, dtype=self._dtype).copy()
            self._chunks = [np.concatenate([*self._chunks, tail])]
            self._pending = array(self._typecode)
        return self._chunks[0]

    def discard_spill(self) -> None:
        """Remove the spill file, if any (the values are not needed any more)."""
        if self._spill is not None:
            self._spill.unlink(missing_ok=True)


@dataclass(frozen=True)
class RowCounts:
    """Term counts of a sequence of documents (paragraphs), in CSR form.

    Each row's entries are in the order of their term's first occurrence in the document.

    Attributes
    ----------
    indptr : ndarray of int64
        Row ``i`` holds entries ``indptr[i]:indptr[i + 1]``.
    indices : ndarray of int32
        Term id of each entry (a position in ``terms``).
    data : ndarray of int32
        Count of each entry (>= 1).
    terms : ndarray of str
        Term of each id (not sorted; ids may be unused).
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    terms: np.ndarray

    @property
    def n_rows(self) -> int:
        """Number of documents."""
        return len(self.indptr) - 1

    def take(self, rows: np.ndarray) -> RowCounts:
        """The documents ``rows`` (positions, in the order given), same term ids."""
        rows = np.asarray(rows, dtype=np.int64)
        lengths = np.diff(self.indptr)[rows]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        # position of every kept entry: its row's start plus its place in the row
        src = np.repeat(self.indptr[rows] - indptr[:-1], lengths) + np.arange(indptr[-1])
        return RowCounts(indptr, self.indices[src], self.data[src], self.terms)

    @classmethod
    def from_documents(cls, documents: Iterable[Sequence[str]]) -> RowCounts:
        """Counts of pre-split documents (lists of terms); empty documents give empty rows.

        Term ids are numbered by first appearance, as scikit-learn's ``CountVectorizer``
        does.
        """
        vocab: defaultdict[str, int] = defaultdict()
        vocab.default_factory = vocab.__len__
        indices, data, indptr = array("i"), array("i"), [0]
        for doc in documents:
            counts = Counter(map(vocab.__getitem__, doc))
            indices.extend(counts.keys())
            data.extend(counts.values())
            indptr.append(len(indices))
        return cls(np.asarray(indptr, dtype=np.int64),
                   np.frombuffer(indices, dtype=np.int32).copy(),
                   np.frombuffer(data, dtype=np.int32).copy(),
                   np.asarray(list(vocab), dtype=object))


@dataclass
class PreparedTerms:
    """The terms of consecutive whole articles, counted per paragraph but not yet numbered
    in a vocabulary (:func:`prepare_terms`; :meth:`TermCounts.add_prepared` numbers them).

    Made where a piece of a run is built (a worker process): what crosses to the process that
    keeps the counts is one entry per distinct term of a paragraph and the piece's distinct
    terms, not one Python string per term occurrence.

    Attributes
    ----------
    docs : list of str
        The articles, in order.
    terms : list of str
        The piece's distinct terms in order of first appearance.
    row_doc, row_para, row_len : ndarray
        Per paragraph with a term: its article (index into ``docs``), ``para_id`` and
        number of distinct terms.
    entry_term, entry_count : ndarray
        Per (paragraph, distinct term), paragraphs in order and terms in order of first
        occurrence: the term (index into ``terms``) and its count.
    forms : dict or None
        ``(index into terms, spelling) → occurrences`` for spellings that differ from
        their term, in order of first occurrence; None when the table has no ``surface``.
    raw : DataFrame or None
        The table itself when it must be added article by article (an article in two
        places, rows out of token order, or no ``surface``); the other fields are then
        empty.
    """

    docs: list[str]
    terms: list[str]
    row_doc: np.ndarray
    row_para: np.ndarray
    row_len: np.ndarray
    entry_term: np.ndarray
    entry_count: np.ndarray
    forms: dict[tuple[int, str], int] | None
    raw: pd.DataFrame | None = None


def prepare_terms(terms: pd.DataFrame) -> PreparedTerms:
    """Count the terms of a ``doc_id, para_id, term[, surface]`` table per paragraph (each
    article's rows together and in token order, as :func:`article_terms` gives them), ready
    for :meth:`TermCounts.add_prepared`.
    """
    empty = np.zeros(0, dtype=np.int64)
    if terms.empty:
        return PreparedTerms([], [], empty, empty, empty, empty, empty, {})
    doc = terms["doc_id"].to_numpy(dtype=object)
    para = terms["para_id"].to_numpy(dtype=np.int64)
    new_doc = np.r_[True, doc[1:] != doc[:-1]]
    starts = np.flatnonzero(new_doc)
    docs = [str(d) for d in doc[starts].tolist()]
    backwards = np.flatnonzero(para[1:] < para[:-1]) + 1
    if (len(set(docs)) < len(docs) or not np.isin(backwards, starts).all()
            or "surface" not in terms.columns):
        return PreparedTerms(docs, [], empty, empty, empty, empty, empty, None, raw=terms)
    codes, uniques = pd.factorize(terms["term"].to_numpy(dtype=object), sort=False)
    surface = terms["surface"].to_numpy(dtype=object)
    differ = np.flatnonzero(terms["term"].to_numpy(dtype=object) != surface)
    forms = Counter(zip(codes[differ].tolist(), surface[differ].tolist(), strict=True))
    # (paragraph, term) entries in order of first occurrence, with their counts: numbering
    # the terms by local codes instead of vocabulary ids groups and orders them the same way
    # (one numbering is a one-to-one map of the other)
    group = np.cumsum(new_doc | np.r_[True, para[1:] != para[:-1]]) - 1
    key = group * np.int64(len(uniques)) + codes
    _keys, first, count = np.unique(key, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    first, count = first[order], count[order]
    n_groups = int(group[-1]) + 1
    group_start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    doc_index = np.cumsum(new_doc) - 1  # each row's article number within the piece
    return PreparedTerms(
        docs=docs, terms=[str(t) for t in uniques.tolist()],
        row_doc=doc_index[group_start], row_para=para[group_start],
        row_len=np.bincount(group[first], minlength=n_groups),
        entry_term=codes[first], entry_count=count, forms=dict(forms),
    )


class TermCounts:
    """Paragraph x term counts of a corpus, accumulated one article at a time.

    Parameters
    ----------
    entities : bool
        Whether the terms were made with entity aliases merged (recorded for the callers;
        :func:`article_terms` applies it).
    surfaces : bool
        Whether the written spellings are counted (the added results carry ``surface``).
        Without them every display form is empty.
    spill : path, optional
        A folder (created) where the counts are kept on disk, a million entries at a time,
        and read from (mapped) when needed: :func:`framing.analyze.run_stages` keeps a
        large run's counts there. :meth:`close` removes the folder.

    Notes
    -----
    Keeps, per paragraph with at least one term, its key and its distinct terms with their
    counts; per distinct (term, spelling) pair whose spelling differs from the term, its
    count (the term's own spelling has the rest of its occurrences). Nothing per occurrence.
    """

    def __init__(self, entities: bool = True, surfaces: bool = True,
                 spill: str | Path | None = None) -> None:
        self.entities = bool(entities)
        self.surfaces = bool(surfaces)
        self._vocab: defaultdict[str, int] = defaultdict()
        self._vocab.default_factory = self._vocab.__len__  # a new term gets the next id
        self._docs: list[str] = []
        self._seen: set[str] = set()
        folder = Path(spill) if spill is not None else None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

        def buffer(typecode: str, name: str) -> _IntBuffer:
            return _IntBuffer(typecode, folder / f"{name}.bin" if folder else None)

        self._row_doc = buffer("i", "row_doc")
        self._row_para = buffer("q", "row_para")
        self._row_len = buffer("i", "row_len")
        self._indices = buffer("i", "indices")
        self._data = buffer("i", "data")
        self._spill_folder = folder
        self._forms: Counter[tuple[int, str]] = Counter()  # spellings other than the term
        self._final: tuple[RowCounts, np.ndarray, np.ndarray] | None = None

    # -- building ----------------------------------------------------------------------

    def add(self, doc_id: str, cols: Mapping[str, Sequence]) -> None:
        """Add one article's terms (the result of :func:`article_terms`).

        Articles may come in any order (results are put in ``doc_id, para_id`` order when
        read); each article once. Within an article, entries are expected in token order.
        """
        doc_id = str(doc_id)
        if doc_id in self._seen:
            raise ValueError(f"article {doc_id!r} added twice to the term counts")
        self._seen.add(doc_id)
        terms = cols["term"]
        if not len(terms):
            return
        if self.surfaces and "surface" not in cols:
            raise ValueError(f"article {doc_id!r}: terms without surface (written spelling)")
        self._final = None
        para = list(cols["para_id"])
        ids = list(map(self._vocab.__getitem__, terms))
        if self.surfaces:
            # Only spellings that differ from their term are counted (in C: Counter.update
            # on an iterable); a term's own spelling has the rest of its occurrences
            # (display_forms). In Simplified text that is most of them.
            surface = cols["surface"]
            self._forms.update(compress(zip(ids, surface, strict=True),
                                        map(operator.ne, terms, surface)))
        if para != sorted(para):  # keep token order within each paragraph
            rank = sorted(range(len(para)), key=para.__getitem__)
            para, ids = [para[i] for i in rank], [ids[i] for i in rank]
        # (paragraph, term) pairs in order of first occurrence, with their counts
        pairs = Counter(zip(para, ids, strict=True))
        row_para, row_ids = zip(*pairs, strict=True)
        lengths = Counter(row_para)  # distinct terms per paragraph, paragraphs in order
        doc = len(self._docs)
        self._docs.append(doc_id)
        self._row_doc.extend([doc] * len(lengths))
        self._row_para.extend(lengths.keys())
        self._row_len.extend(lengths.values())
        self._indices.extend(row_ids)
        self._data.extend(pairs.values())

    def add_table(self, terms: pd.DataFrame) -> None:
        """Add the terms of consecutive whole articles at once: ``doc_id, para_id, term`` and
        ``surface`` columns, as :func:`article_terms` gives them, each article's rows
        together and in token order.

        The same counts, term ids and spellings as :meth:`add` article by article (term ids
        by first appearance, entries in order of first occurrence), computed with array
        operations: :meth:`add_prepared` of :func:`prepare_terms`.
        """
        self.add_prepared(prepare_terms(terms))

    def add_prepared(self, prepared: PreparedTerms) -> None:
        """Add the terms :func:`prepare_terms` made ready (in a worker process: only the
        piece's distinct terms are looked up here, and its counts appended)."""
        if prepared.raw is not None:
            # an article in two places, or out of token order: add() sorts it out (or says
            # what is wrong), article by article
            terms = prepared.raw
            if terms.empty:
                return
            doc = terms["doc_id"].to_numpy(dtype=object)
            starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
            cols = {c: terms[c].tolist() for c in ARTICLE_TERM_COLUMNS if c in terms.columns}
            ends = [*starts[1:].tolist(), len(doc)]
            for a, b in zip(starts.tolist(), ends, strict=True):
                self.add(str(doc[a]), {c: v[a:b] for c, v in cols.items()})
            return
        if not prepared.docs:
            return
        for d in prepared.docs:
            if d in self._seen:
                raise ValueError(f"article {d!r} added twice to the term counts")
        self._seen.update(prepared.docs)
        self._final = None
        # Term ids: the piece's distinct terms in order of first appearance get their ids in
        # that order, as add() gives them occurrence by occurrence.
        vocab = self._vocab
        ids = np.fromiter(map(vocab.__getitem__, prepared.terms), dtype=np.int64,
                          count=len(prepared.terms))
        if self.surfaces:
            id_list = ids.tolist()
            forms = self._forms
            for (term, surface), n in prepared.forms.items():  # type: ignore[union-attr]
                forms[(id_list[term], surface)] += n
        self._row_doc.extend(prepared.row_doc + len(self._docs))
        self._docs.extend(prepared.docs)
        self._row_para.extend(prepared.row_para)
        self._row_len.extend(prepared.row_len)
        self._indices.extend(ids[prepared.entry_term])
        self._data.extend(prepared.entry_count)

    @classmethod
    def from_tokens(
        cls, tokens: pd.DataFrame, paragraphs: pd.DataFrame | None = None,
        entities: bool = True,
    ) -> TermCounts:
        """Term counts of a whole ``tokens`` table (article by article, as the engine does).

        Parameters
        ----------
        tokens : DataFrame
            The ``tokens`` table (``doc_id, para_id, token_id, token, start, end, kind,
            stop, entity``; ``stop`` may be CSV text).
        paragraphs : DataFrame, optional
            The ``paragraphs`` table (``doc_id, para_id, text``), for the written spellings;
            without it display forms are empty.
        entities : bool
            Count entity aliases under their canonical entity name.
        """
        from framing.terms import TOKEN_COLUMNS, _as_bool, _check_columns

        _check_columns(tokens, TOKEN_COLUMNS, "tokens")
        if paragraphs is not None:
            _check_columns(paragraphs, ("doc_id", "para_id", "text"), "paragraphs")
        out = cls(entities=entities, surfaces=paragraphs is not None)
        cols = {
            "doc_id": tokens["doc_id"].astype(str),
            "para_id": tokens["para_id"].astype(np.int64),
            "token_id": tokens["token_id"].astype(np.int64),
            "token": tokens["token"].astype(str),
            "start": tokens["start"].astype(np.int64),
            "end": tokens["end"].astype(np.int64),
            "kind": tokens["kind"].astype(str),
            "stop": pd.Series(_as_bool(tokens["stop"]), index=tokens.index),
            "entity": tokens["entity"].fillna("").astype(str),
        }
        frame = pd.DataFrame(cols).sort_values(["doc_id", "para_id", "token_id"],
                                               kind="mergesort")
        lists = {c: frame[c].tolist() for c in frame.columns}
        texts = _texts_by_article(paragraphs) if paragraphs is not None else None
        docs = lists.pop("doc_id")
        bounds = [i for i in range(1, len(docs)) if docs[i] != docs[i - 1]]
        for a, b in zip([0, *bounds], [*bounds, len(docs)], strict=True):
            if a == b:
                continue
            part = {c: v[a:b] for c, v in lists.items()}
            doc_texts = None if texts is None else texts.get(docs[a], {})
            out.add(docs[a], article_terms(part, doc_texts, entities))
        return out

    @classmethod
    def from_terms(cls, terms: pd.DataFrame) -> TermCounts:
        """Term counts of the output of :func:`framing.terms.analysis_terms` (no spellings)."""
        out = cls(surfaces=False)
        docs = terms["doc_id"].astype(str).tolist()
        para = terms["para_id"].astype(np.int64).tolist()
        words = terms["term"].tolist()
        bounds = [i for i in range(1, len(docs)) if docs[i] != docs[i - 1]]
        for a, b in zip([0, *bounds], [*bounds, len(docs)], strict=True):
            if a < b:
                out.add(docs[a], {"para_id": para[a:b], "term": words[a:b]})
        return out

    def release(self) -> None:
        """Drop the counts read so far (they are read again when next needed): with
        ``spill``, the mapped files' pages leave this process (the topic stage releases
        them before it forks its fitting processes)."""
        self._final = None

    def close(self) -> None:
        """Remove the spill folder's files (and the folder): the counts are not read again."""
        if self._spill_folder is None:
            return
        for buf in (self._row_doc, self._row_para, self._row_len, self._indices, self._data):
            buf.discard_spill()
        with contextlib.suppress(OSError):
            self._spill_folder.rmdir()

    # -- reading -----------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of paragraphs with at least one term."""
        return len(self._row_len.values())

    def _finalise(self) -> tuple[RowCounts, np.ndarray, np.ndarray]:
        """Rows in ``doc_id, para_id`` order: counts, row article (position), row para_id."""
        if self._final is not None:
            return self._final
        lengths = self._row_len.values()
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        rows = RowCounts(indptr, self._indices.values(), self._data.values(),
                         np.asarray(list(self._vocab), dtype=object))
        row_doc = self._row_doc.values()
        row_para = self._row_para.values()
        doc_rank = np.empty(len(self._docs), dtype=np.int64)
        doc_rank[sorted(range(len(self._docs)), key=self._docs.__getitem__)] = np.arange(
            len(self._docs))
        order = np.lexsort((row_para, doc_rank[row_doc]))
        if not (order == np.arange(len(order))).all():  # articles were added out of order
            rows, row_doc, row_para = rows.take(order), row_doc[order], row_para[order]
        self._final = (rows, row_doc, row_para)
        return self._final

    def rows(self) -> RowCounts:
        """The counts, one row per paragraph with terms in :meth:`keys` order."""
        return self._finalise()[0]

    def keys(self) -> pd.DataFrame:
        """``doc_id, para_id`` of each paragraph with at least one term, sorted."""
        _rows, row_doc, row_para = self._finalise()
        docs = np.asarray(self._docs, dtype=object)
        return pd.DataFrame({"doc_id": docs[row_doc], "para_id": row_para.astype(np.int64)})

    def doc_ids(self) -> np.ndarray:
        """Article of each paragraph (:meth:`keys` order) as a position in :meth:`articles`."""
        return self._finalise()[1]

    def articles(self) -> list[str]:
        """The ``doc_id`` of every article added (in the order added)."""
        return list(self._docs)

    def vocabulary(self) -> np.ndarray:
        """Every term seen, sorted (code-point order)."""
        return np.asarray(sorted(self._vocab), dtype=object)

    def _sorted_columns(self) -> np.ndarray:
        """Column of each term id in :meth:`vocabulary` order."""
        terms = list(self._vocab)
        col = np.empty(len(terms), dtype=np.int32)
        col[sorted(range(len(terms)), key=terms.__getitem__)] = np.arange(len(terms))
        return col

    def matrix(self) -> sparse.csr_matrix:
        """Paragraph x term counts (int64): rows in :meth:`keys` order, columns in
        :meth:`vocabulary` order, column indices sorted within rows."""
        rows = self.rows()
        out = sparse.csr_matrix(
            (rows.data.astype(np.int64), self._sorted_columns()[rows.indices], rows.indptr),
            shape=(rows.n_rows, len(self._vocab)),
        )
        out.sort_indices()
        return out

    def group_sums(self, row_group: np.ndarray, n_groups: int) -> sparse.csr_matrix:
        """Counts summed by group of paragraphs: ``G @ self.matrix()`` for the 0/1 matrix
        ``G[g, i] = (row_group[i] == g)`` (int64, columns in :meth:`vocabulary` order,
        canonical), computed a few million entries at a time.

        Parameters
        ----------
        row_group : ndarray of int
            Group of each paragraph (:meth:`keys` order), -1 for none.
        n_groups : int

        The sums are of integers, so adding them chunk by chunk gives the same numbers as
        one product; the paragraph x term matrix (gigabytes on a large corpus) is never
        built whole.
        """
        rows = self.rows()
        cols = self._sorted_columns()
        n_terms = len(cols)
        row_group = np.asarray(row_group, dtype=np.int64)
        out = sparse.csr_matrix((n_groups, n_terms), dtype=np.int64)
        indptr = rows.indptr
        start = 0
        while start < rows.n_rows:
            # rows start..stop hold about _CHUNK * 4 entries
            stop = int(np.searchsorted(indptr, indptr[start] + 4 * _CHUNK, side="right")) - 1
            stop = min(max(stop, start + 1), rows.n_rows)
            a, b = int(indptr[start]), int(indptr[stop])
            part = sparse.csr_matrix(
                (np.asarray(rows.data[a:b], dtype=np.int64), cols[rows.indices[a:b]],
                 indptr[start:stop + 1] - a), shape=(stop - start, n_terms))
            placed = np.flatnonzero(row_group[start:stop] >= 0)
            pick = sparse.csr_matrix(
                (np.ones(len(placed), dtype=np.int64), (row_group[start:stop][placed], placed)),
                shape=(n_groups, stop - start))
            out = out + sparse.csr_matrix(pick @ part)
            start = stop
        out.sum_duplicates()
        out.sort_indices()
        return out

    def display_forms(self, only: Sequence[str] | None = None) -> pd.DataFrame:
        """Most frequent written spelling of every term, as
        :func:`framing.terms.display_forms` (``term, term_original, n_original``, sorted by
        ``term``; empty spellings and zero counts without ``surfaces``).

        Parameters
        ----------
        only : sequence of str, optional
            These terms only (those seen).
        """
        vocab = self._vocab
        wanted = (set(vocab) if only is None else
                  {t for t in only if t in vocab})
        if not self.surfaces:
            uniq = sorted(wanted)
            return pd.DataFrame({"term": pd.Series(uniq, dtype=object), "term_original": "",
                                 "n_original": 0})
        ids = {vocab[t] for t in wanted}
        terms = list(vocab)
        picked = [(terms[i], form, n) for (i, form), n in self._forms.items() if i in ids]
        # Spelled as the term itself: the occurrences not counted under another spelling.
        rows = self.rows()
        total = np.bincount(rows.indices, weights=rows.data, minlength=len(terms))
        other: Counter[int] = Counter()
        for (i, _form), n in self._forms.items():
            if i in ids:
                other[i] += n
        for i in sorted(ids):
            own = int(total[i]) - other[i]
            if own > 0:
                picked.append((terms[i], terms[i], own))
        if not picked:
            return best_forms([], [], [])
        term, form, n = zip(*picked, strict=True)
        return best_forms(term, form, n)


def _texts_by_article(paragraphs: pd.DataFrame) -> dict[str, dict[int, str]]:
    """``doc_id`` → ``para_id`` → text (the first row of a repeated key)."""
    out: dict[str, dict[int, str]] = {}
    for doc, para, text in zip(paragraphs["doc_id"].astype(str).tolist(),
                               paragraphs["para_id"].astype(np.int64).tolist(),
                               paragraphs["text"].fillna("").astype(str).tolist(), strict=True):
        out.setdefault(doc, {}).setdefault(para, text)
    return out
