"""Term counts: the per-article terms, the accumulator, and the TF-IDF rebuilt from counts.

The corpus-wide stages (topics, distinctive terms) run from :class:`TermCounts` built article
by article; these tests prove that path gives what the token-table path and scikit-learn's
``TfidfVectorizer`` give, to the bit.
"""

from __future__ import annotations

import os
from itertools import groupby

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from framing import terms, topics
from framing.pipeline import token_columns
from framing.termcounts import RowCounts, TermCounts, article_terms
from framing.topics import TopicModel, tfidf_from_counts

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))


# ---------------------------------------------------------------------------------------
# a hand-checkable corpus
# ---------------------------------------------------------------------------------------


def rows_of(doc_id: str, para_id: int, words: list[tuple[str, str, str]]) -> list[dict]:
    """Token rows of a paragraph written as the concatenation of ``words``
    (token, kind, entity); stopwords are 的 and 我们."""
    out, pos = [], 0
    for i, (w, kind, entity) in enumerate(words):
        out.append({"doc_id": doc_id, "para_id": para_id, "token_id": i, "token": w,
                    "start": pos, "end": pos + len(w), "kind": kind,
                    "stop": w in ("的", "我们"), "entity": entity})
        pos += len(w)
    return out


H, L, N, P = "han", "latin", "number", "punct"
MZ = "Mark Zuckerberg"
# texts as written (Traditional); tokens carry the Simplified analysis form
TEXTS = {("a", 0): "技術的技術祖克柏", ("a", 1): "2025，AI新", ("b", 0): "技术扎克伯格x人才"}


@pytest.fixture
def hand() -> tuple[pd.DataFrame, pd.DataFrame]:
    tokens = pd.DataFrame(
        rows_of("a", 0, [("技术", H, ""), ("的", H, ""), ("技术", H, ""), ("祖克柏", H, MZ)])
        + rows_of("a", 1, [("2025", N, ""), ("，", P, ""), ("AI", L, ""), ("新", H, "")])
        + rows_of("b", 0, [("技术", H, ""), ("扎克伯格", H, MZ), ("x", L, ""),
                           ("人才", H, "")])
    )
    paragraphs = pd.DataFrame({"doc_id": [d for d, _p in TEXTS], "para_id": [p for _d, p in TEXTS],
                               "text": list(TEXTS.values())})
    return tokens, paragraphs


def columns_of(tokens: pd.DataFrame, doc_id: str) -> dict[str, list]:
    sub = tokens[tokens["doc_id"] == doc_id]
    return {c: sub[c].tolist() for c in tokens.columns}


def test_article_terms_by_hand(hand):
    tokens, _paragraphs = hand
    texts = {p: t for (d, p), t in TEXTS.items() if d == "a"}
    got = article_terms(columns_of(tokens, "a"), texts)
    # 的 is a stopword, 2025 a number, ， punctuation, 新 one character; 祖克柏 an alias
    assert got == {"para_id": [0, 0, 0, 1], "term": ["技术", "技术", MZ, "AI"],
                   "surface": ["技術", "技術", "祖克柏", "AI"]}
    raw = article_terms(columns_of(tokens, "a"), None, entities=False)
    assert raw == {"para_id": [0, 0, 0, 1], "term": ["技术", "技术", "祖克柏", "AI"]}
    assert article_terms({}, texts) == {"para_id": [], "term": [], "surface": []}
    # the same rule as the table function, which shares its definition
    assert terms.analysis_terms(tokens)["term"].tolist() == [
        "技术", "技术", MZ, "AI", "技术", MZ, "人才"]


def test_term_counts_by_hand(hand):
    tokens, paragraphs = hand
    tc = TermCounts.from_tokens(tokens, paragraphs)
    assert len(tc) == 3 and tc.articles() == ["a", "b"]
    assert tc.keys().to_dict("list") == {"doc_id": ["a", "a", "b"], "para_id": [0, 1, 0]}
    assert tc.vocabulary().tolist() == ["AI", MZ, "人才", "技术"]
    assert tc.matrix().toarray().tolist() == [[0, 1, 0, 2], [1, 0, 0, 0], [0, 1, 1, 1]]
    forms = tc.display_forms()
    # 技术: 技術 twice, 技术 once; Zuckerberg: one spelling each, the first in code-point
    # order wins (扎 U+624E < 祖 U+7956)
    assert forms.to_dict("list") == {"term": ["AI", MZ, "人才", "技术"],
                                     "term_original": ["AI", "扎克伯格", "人才", "技術"],
                                     "n_original": [1, 1, 1, 2]}
    assert tc.display_forms(only=["技术", "nowhere"])["term"].tolist() == ["技术"]
    bare = TermCounts.from_tokens(tokens)  # no text: no spelling is invented
    assert set(bare.display_forms()["term_original"]) == {""}
    names, vocab, counts = terms.group_term_counts(tc, pd.Series({"a": "A", "b": "B"}))
    assert names == ["A", "B"] and vocab.tolist() == tc.vocabulary().tolist()
    assert counts.toarray().tolist() == [[1, 1, 0, 2], [0, 1, 1, 1]]


def test_rows_keep_first_occurrence_order(hand):
    tokens, paragraphs = hand
    rows = TermCounts.from_tokens(tokens, paragraphs).rows()
    # ids by first appearance: 技术 0, MZ 1, AI 2, 人才 3; row b/0 is 技术, MZ, 人才
    assert rows.terms.tolist() == ["技术", MZ, "AI", "人才"]
    assert rows.indptr.tolist() == [0, 2, 3, 6]
    assert rows.indices.tolist() == [0, 1, 2, 0, 1, 3] and rows.data.tolist() == [2, 1, 1, 1,
                                                                                   1, 1]
    sub = rows.take(np.array([2, 0]))
    assert sub.indptr.tolist() == [0, 3, 5] and sub.indices.tolist() == [0, 1, 3, 0, 1]


def test_add_checks():
    tc = TermCounts()
    tc.add("a", {"para_id": [0], "term": ["技术"], "surface": ["技術"]})
    with pytest.raises(ValueError, match="twice"):
        tc.add("a", {"para_id": [], "term": [], "surface": []})
    with pytest.raises(ValueError, match="surface"):
        tc.add("b", {"para_id": [0], "term": ["技术"]})


# ---------------------------------------------------------------------------------------
# article by article == from the tables (the seed corpus, the engine's own columns)
# ---------------------------------------------------------------------------------------


def engine_counts(prepared, order=None) -> TermCounts:
    """TermCounts built as the engine does: token_columns -> article_terms -> add."""
    by_doc = {d: list(us) for d, us in groupby(prepared.units, key=lambda u: u.doc_id)}
    tc = TermCounts()
    for doc_id in order or sorted(by_doc):
        units = by_doc[doc_id]
        tc.add(doc_id, article_terms(token_columns(units), {u.para_id: u.text for u in units}))
    return tc


def assert_same_counts(one: TermCounts, two: TermCounts) -> None:
    pd.testing.assert_frame_equal(one.keys(), two.keys())
    assert one.vocabulary().tolist() == two.vocabulary().tolist()
    assert (one.matrix() != two.matrix()).nnz == 0
    pd.testing.assert_frame_equal(one.display_forms(), two.display_forms())
    a, b = one.rows(), two.rows()
    # same documents as term lists in first-occurrence order (ids may be numbered apart)
    for i in range(a.n_rows):
        sa, sb = slice(a.indptr[i], a.indptr[i + 1]), slice(b.indptr[i], b.indptr[i + 1])
        assert a.terms[a.indices[sa]].tolist() == b.terms[b.indices[sb]].tolist()
        assert a.data[sa].tolist() == b.data[sb].tolist()


def test_engine_path_equals_table_path(seed_prepared):
    p = seed_prepared
    by_article = engine_counts(p)
    from_tables = TermCounts.from_tokens(p.tokens, p.paragraphs)
    assert_same_counts(by_article, from_tables)
    # articles may arrive in any order
    assert_same_counts(engine_counts(p, order=sorted({u.doc_id for u in p.units},
                                                     reverse=True)), from_tables)
    # and the corpus-wide tables are the same, to the bit
    old = topics.fit_topics(p.tokens, p.paragraphs, p.articles, k_values=range(2, 9))
    new = topics.fit_topics(by_article, p.paragraphs[["doc_id", "para_id"]], p.articles,
                            k_values=range(2, 9))
    for name in old:
        pd.testing.assert_frame_equal(new[name], old[name], check_exact=True)
    old = terms.distinctive_terms(p.tokens, p.articles, paragraphs=p.paragraphs, top=20)
    new = terms.distinctive_terms(by_article, p.articles, top=20)
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_diagnostic_sample_is_the_same_paragraphs(seed_prepared, monkeypatch):
    """Above DIAGNOSTIC_SAMPLE the diagnostic fits a row sample; its vocabulary is numbered
    within the sample, which the first-occurrence order of the rows makes possible."""
    p = seed_prepared
    monkeypatch.setattr(topics, "DIAGNOSTIC_SAMPLE", 40)
    res = topics.fit_topics(engine_counts(p), p.paragraphs, p.articles, k=3,
                            k_values=[2, 4])
    keys, docs = topics.paragraph_documents(p.tokens)
    rng = np.random.default_rng(0)
    picked = np.sort(rng.choice(len(docs), 40, replace=False))
    want = topics.k_diagnostics([docs[i] for i in picked], [2, 4], chosen=3, random_state=0)
    pd.testing.assert_frame_equal(res["topic_k_diagnostics"], want, check_exact=True)


# ---------------------------------------------------------------------------------------
# TF-IDF from counts == TfidfVectorizer, entry order and bits included
# ---------------------------------------------------------------------------------------


def vectorizer(**params) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=list, lowercase=False, norm="l2", smooth_idf=True,
                           dtype=np.float64, **params)


def assert_same_tfidf(docs: list[list[str]], **params) -> None:
    params.setdefault("sublinear_tf", True)  # the topic model's setting
    try:
        want = vectorizer(**params).fit(docs)
        x_want = want.transform(docs)
    except ValueError as exc:
        with pytest.raises(ValueError, match=str(exc)[:20]):
            tfidf_from_counts(RowCounts.from_documents(docs), **params)
        return
    vec = vectorizer(**params)
    x_want = vec.fit_transform(docs)  # fit_transform's own matrix (entry order as fitted)
    fitted, x = tfidf_from_counts(RowCounts.from_documents(docs), **params)
    assert fitted.terms_.tolist() == vec.get_feature_names_out().tolist()
    np.testing.assert_array_equal(x.indptr, x_want.indptr)
    np.testing.assert_array_equal(x.indices, x_want.indices)
    assert x.data.tobytes() == x_want.data.tobytes()
    np.testing.assert_array_equal(fitted.tfidf_.idf_, vec.idf_)
    # transform of new documents: the vectorizer's own
    new = [d[::-1] + ["unseen"] for d in docs[:5]]
    assert (fitted.transform(new) != vec.transform(new)).nnz == 0


WORDS = st.sampled_from(["人才", "薪酬", "模型", "技术", "AI", "开源", "数据", "监管", "法律",
                         "FAIR", "年薪", "团队"])


@settings(max_examples=min(EXAMPLES, 300), derandomize=True, deadline=None)
@given(docs=st.lists(st.lists(WORDS, max_size=12), min_size=1, max_size=25),
       max_features=st.sampled_from([None, 1, 3, 5, 20000]),
       min_df=st.sampled_from([1, 2, 0.1]), max_df=st.sampled_from([1.0, 0.95, 0.5, 6]),
       sublinear_tf=st.booleans())
def test_tfidf_equals_vectorizer(docs, max_features, min_df, max_df, sublinear_tf):
    assert_same_tfidf(docs, max_features=max_features, min_df=min_df, max_df=max_df,
                      sublinear_tf=sublinear_tf)


def test_tfidf_ties_and_sample(seed_prepared):
    """max_features cuts through tied frequencies: the same terms are kept (sklearn's own
    argsort on the same array); and a row sample is numbered as a fresh vectorizer would."""
    _keys, docs = topics.paragraph_documents(seed_prepared.tokens)
    for limit in (7, 50, 333):
        assert_same_tfidf(docs, max_features=limit, min_df=1, max_df=1.0)
    assert_same_tfidf(docs, max_features=None, min_df=2, max_df=0.95)
    rows = RowCounts.from_documents(docs)
    picked = np.array([50, 3, 17, 17, 80, 9])
    fitted, x = tfidf_from_counts(rows.take(picked))
    x_want = vectorizer(min_df=2, max_df=0.95, max_features=20000,
                        sublinear_tf=True).fit_transform(
        [docs[i] for i in picked])
    np.testing.assert_array_equal(x.indices, x_want.indices)
    assert x.data.tobytes() == x_want.data.tobytes()


def test_topic_model_from_counts_equals_documents(seed_prepared):
    p = seed_prepared
    _keys, docs = topics.paragraph_documents(p.tokens)
    tc = engine_counts(p)
    one, two = TopicModel(random_state=0), TopicModel(random_state=0)
    w_docs, w_counts = one.fit_transform(docs), two.fit_transform(tc)
    assert w_docs.tobytes() == w_counts.tobytes()
    assert one.components_.tobytes() == two.components_.tobytes()
    assert one.transform(docs[:7]).tobytes() == two.transform(tc.rows().take(np.arange(7))
                                                              ).tobytes()


# ---------------------------------------------------------------------------------------
# random token tables
# ---------------------------------------------------------------------------------------

TOKEN = st.tuples(
    st.sampled_from(["人才", "薪酬", "新", "的", "AI", "x", "2025", "，", "祖克柏", "扎克伯格",
                     "X"]),
    st.sampled_from([H, L, N, P]), st.booleans(), st.sampled_from(["", "", MZ, "X Corp"]),
)


@settings(max_examples=min(EXAMPLES, 150), derandomize=True, deadline=None)
@given(
    table=st.lists(st.tuples(st.sampled_from(["d1", "d2", "d10", "e"]), st.integers(0, 3),
                             TOKEN), max_size=60),
    entities=st.booleans(), shuffle=st.randoms(use_true_random=False),
)
def test_counts_match_the_token_table(table, entities, shuffle):
    rows, next_id = [], {}
    for doc, para, (tok, kind, stop, entity) in table:
        i = next_id.get((doc, para), 0)
        next_id[(doc, para)] = i + 1
        rows.append({"doc_id": doc, "para_id": para, "token_id": i, "token": tok,
                     "start": 2 * i, "end": 2 * i + len(tok), "kind": kind, "stop": stop,
                     "entity": entity})
    cols = ["doc_id", "para_id", "token_id", "token", "start", "end", "kind", "stop", "entity"]
    tokens = pd.DataFrame(rows, columns=cols)
    keys = sorted(next_id)
    paragraphs = pd.DataFrame({"doc_id": [d for d, _p in keys], "para_id": [p for _d, p in keys],
                               "text": ["人才薪酬新的AIx2025，祖克柏扎克伯格X" * 8] * len(keys)})
    tc = TermCounts.from_tokens(tokens, paragraphs, entities=entities)
    table_terms = terms.analysis_terms(tokens, entities=entities)
    # counts: one per kept token, by paragraph
    want = table_terms.groupby(["doc_id", "para_id", "term"]).size()
    got = pd.DataFrame(tc.matrix().toarray(), columns=tc.vocabulary())
    got.index = pd.MultiIndex.from_frame(tc.keys())
    got = got.stack()
    got = got[got > 0]
    got.index.names = ["doc_id", "para_id", "term"]
    assert got.sort_index().to_dict() == want.to_dict()
    assert (tc.display_forms().to_dict("list")
            == terms.display_forms(table_terms, paragraphs).to_dict("list"))
    # articles added in any order give the same counts
    docs = sorted(set(tokens["doc_id"]))
    shuffle.shuffle(docs)
    texts = {d: {p: t for d2, p, t in paragraphs.itertuples(index=False) if d2 == d}
             for d in docs}
    again = TermCounts(entities=entities)
    for d in docs:
        sub = tokens[tokens["doc_id"] == d].sort_values(["para_id", "token_id"])
        again.add(d, article_terms({c: sub[c].tolist() for c in cols}, texts[d], entities))
    assert_same_counts(again, tc)


# ---------------------------------------------------------------------------------------
# topic tables at scale: grouped on the wide shares, the same bits as on the long table
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_outlet_topics_wide_equals_long(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(1, 20000)), int(rng.integers(2, 12))
    w = rng.random((n, k)) ** 3
    shares = w / w.sum(axis=1, keepdims=True)
    docs = np.array([f"d{i}" for i in rng.integers(0, max(1, n // 5), n)], dtype=object)
    articles = pd.DataFrame({"doc_id": sorted(set(docs))})
    articles["outlet"] = [f"o{int(x)}" for x in rng.integers(0, 9, len(articles))]
    # what topic_tables computed before: a groupby on the long paragraph_topics table
    long = pd.DataFrame({"doc_id": np.repeat(docs, k), "topic": np.tile(np.arange(k), n),
                         "weight": shares.ravel()})
    outlet = articles.set_index("doc_id")["outlet"].astype(str)
    want = (long.assign(outlet=long["doc_id"].map(outlet))
            .groupby(["outlet", "topic"], sort=True)
            .agg(share=("weight", "mean"), n_paragraphs=("weight", "size")).reset_index())
    want["n_paragraphs"] = want["n_paragraphs"].astype(np.int64)
    got = topics._outlet_topics(docs, shares, articles)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got["share"].to_numpy().tobytes() == want["share"].to_numpy().tobytes()


_WORDS = st.sampled_from(["人才", "战争", "Meta", "挖角", "薪酬", "超级智能"])


@st.composite
def _term_tables(draw) -> pd.DataFrame:
    """Rows of a few whole articles in doc_id order, each article's rows in para order,
    spellings sometimes different from the term (Traditional text)."""
    rows = []
    for d in range(draw(st.integers(1, 4))):
        for p in sorted(draw(st.lists(st.integers(0, 5), min_size=1, max_size=4))):
            for term in draw(st.lists(_WORDS, min_size=1, max_size=6)):
                spelt = draw(st.sampled_from([term, term + "·", term.upper()]))
                rows.append((f"d{d}", p, term, spelt))
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "term", "surface"])


def _state(tc: TermCounts) -> tuple:
    rows = tc.rows()
    return (rows.indptr.tolist(), rows.indices.tolist(), rows.data.tolist(),
            rows.terms.tolist(), tc.keys().values.tolist(), tc.articles(),
            tc.display_forms().values.tolist())


def _distinct_articles(pieces: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Pieces as the engine folds them: later pieces hold later articles."""
    return [p.assign(doc_id=p["doc_id"] + f"-{i}") for i, p in enumerate(pieces)]


def _one_by_one(pieces: list[pd.DataFrame]) -> TermCounts:
    """The counts of ``pieces`` added article by article (:meth:`TermCounts.add`)."""
    tc = TermCounts()
    for piece in pieces:
        for doc, part in piece.groupby("doc_id", sort=False):
            tc.add(doc, {c: part[c].tolist() for c in ("para_id", "term", "surface")})
    return tc


def _through_a_worker(counts: TermCounts, piece: pd.DataFrame) -> None:
    """What a run does with a piece: prepared in a worker (prepare_terms), sent to the main
    process (pickled), numbered there (add_prepared)."""
    import pickle

    from framing.analyze import count_terms
    from framing.termcounts import prepare_terms

    sent = pickle.dumps(prepare_terms(piece))
    count_terms(counts, pickle.loads(sent))  # noqa: S301 - bytes made just above


@settings(max_examples=60, deadline=None)
@given(st.lists(_term_tables(), min_size=1, max_size=3),
       st.sampled_from(["add_table", "through_a_worker"]))
def test_pieces_count_as_add_article_by_article(pieces, route):
    pieces = _distinct_articles(pieces)
    counts = TermCounts()
    for piece in pieces:
        if route == "add_table":
            counts.add_table(piece)
        else:
            _through_a_worker(counts, piece)
    assert _state(counts) == _state(_one_by_one(pieces))


def test_router_prepares_consumed_pieces_where_they_are_rendered(tmp_path):
    from framing.spool import PieceRouter
    from framing.termcounts import PreparedTerms, prepare_terms

    got = []
    router = PieceRouter(tmp_path, spooled=[], consume={"terms": got.append},
                         prepare={"terms": prepare_terms})
    piece = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_id": [0, 0, 1],
                          "term": ["人才", "人才", "Meta"], "surface": ["人才", "人材", "Meta"]})
    rendered = router.renderer.render({"terms": piece})
    assert isinstance(rendered["consumed"]["terms"], PreparedTerms)
    router.accept(rendered)
    (p,) = got
    assert p.docs == ["a", "b"] and p.terms == ["人才", "Meta"]
    assert p.entry_count.tolist() == [2, 1] and p.forms == {(0, "人材"): 1}


def test_add_table_refuses_an_article_twice():
    tc = TermCounts()
    piece = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "term": ["人才"],
                          "surface": ["人才"]})
    tc.add_table(piece)
    with pytest.raises(ValueError, match="added twice"):
        tc.add_table(piece)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(_term_tables(), min_size=1, max_size=3), st.integers(1, 7))
def test_counts_spilled_to_disk_are_the_same(tmp_path_factory, pieces, chunk):
    # A run keeps its counts on disk (spill): read from there (mapped), they are the counts
    # kept in memory, whatever the chunk size, also after release() and more articles; the
    # files and the folder are removed by close().
    import framing.termcounts as tcm

    folder = tmp_path_factory.mktemp("spill") / "counts"
    pieces = [p.assign(doc_id=p["doc_id"] + f"-{i}") for i, p in enumerate(pieces)]
    kept, spilled = TermCounts(), TermCounts(spill=folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tcm, "_CHUNK", chunk)
        for piece in pieces:
            kept.add_table(piece)
            spilled.add_table(piece)
        on_disk = sorted(p.name for p in folder.iterdir())
        # spilled as soon as a column (the entries are the longest) reached a chunk
        assert (on_disk != []) == (len(kept.rows().indices) >= chunk)
        assert _state(spilled) == _state(kept)
        spilled.release()
        assert _state(spilled) == _state(kept)
        more = pieces[0].assign(doc_id=pieces[0]["doc_id"] + "-more")
        kept.add_table(more)
        spilled.add_table(more)
        assert _state(spilled) == _state(kept)
    spilled.close()
    assert not folder.exists()


def test_spilled_counts_are_read_from_the_file_not_copied(tmp_path):
    # What release() frees: the spilled columns are read-only maps of their files, so the
    # process holds their pages only while they are mapped.
    import framing.termcounts as tcm

    tc = TermCounts(spill=tmp_path / "counts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tcm, "_CHUNK", 2)
        tc.add_table(pd.DataFrame({"doc_id": ["a"] * 3, "para_id": [0, 0, 1],
                                   "term": ["人才", "戰爭", "人才"],
                                   "surface": ["人才", "戰爭", "人才"]}))
        rows = tc.rows()
    assert isinstance(rows.indices, np.memmap) and isinstance(rows.data, np.memmap)
    assert not rows.indices.flags.writeable
    assert rows.indices.tolist() == [0, 1, 0] and rows.data.tolist() == [1, 1, 1]
    tc.release()
    assert tc.rows() is not rows and tc.rows().indices.tolist() == [0, 1, 0]
    tc.close()


@settings(max_examples=40, deadline=None, derandomize=True)
@given(_term_tables(), st.integers(1, 5), st.integers(1, 4), st.randoms(use_true_random=False))
def test_group_sums_are_the_product_with_the_whole_matrix(table, chunk, n_groups, rnd):
    # distinctive terms sum the counts by group a few entries at a time: the same integers
    # as the product with the whole paragraph x term matrix, for any chunk size.
    from scipy import sparse

    import framing.termcounts as tcm

    tc = TermCounts()
    tc.add_table(table)
    n_rows = tc.rows().n_rows
    row_group = np.array([rnd.randrange(-1, n_groups) for _ in range(n_rows)], dtype=np.int64)
    placed = np.flatnonzero(row_group >= 0)
    pick = sparse.csr_matrix((np.ones(len(placed), dtype=np.int64),
                              (row_group[placed], placed)), shape=(n_groups, n_rows))
    expected = sparse.csr_matrix(pick @ tc.matrix())
    expected.sum_duplicates()
    expected.sort_indices()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tcm, "_CHUNK", chunk)
        got = tc.group_sums(row_group, n_groups)
    assert got.dtype == np.int64 and got.has_canonical_format
    assert got.shape == expected.shape
    assert (got.indptr.tolist(), got.indices.tolist(), got.data.tolist()) == (
        expected.indptr.tolist(), expected.indices.tolist(), expected.data.tolist())
