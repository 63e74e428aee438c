"""Topics: the TopicModel estimator, fit_topics tables on the seeds, diagnostics, figures, CLI."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from framing import topics
from framing.errors import ConfigError, CorpusError
from framing.topics import TopicModel, default_k, fit_topics, npmi_coherence

ROOT = Path(__file__).resolve().parents[1]




@pytest.fixture(scope="module")
def seeds(seed_prepared):
    """tokens, paragraphs, articles of the shipped seed corpus (the real prepare())."""
    return seed_prepared.tokens, seed_prepared.paragraphs, seed_prepared.articles


@pytest.fixture(scope="module")
def seed_docs(seeds):
    return topics.paragraph_documents(seeds[0])


@pytest.fixture(scope="module")
def seed_topics(seeds):
    tokens, paragraphs, articles = seeds
    return fit_topics(tokens, paragraphs, articles, k_values=range(2, 9), return_model=True)


# ---------------------------------------------------------------------------------------
# the estimator
# ---------------------------------------------------------------------------------------


def test_default_k_rule():
    # floor(sqrt(n / 2)) within [2, 10], never more than n
    assert [default_k(n) for n in (1, 2, 8, 18, 50, 93, 200, 10_000)] == [1, 2, 2, 3, 5, 6, 10,
                                                                          10]


def test_estimator_api(seed_docs):
    _keys, docs = seed_docs
    model = TopicModel(n_components=4, random_state=3, min_df=2)
    assert model.get_params()["n_components"] == 4 and model.get_params()["random_state"] == 3
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.transform(docs)
    assert model.fit(docs) is model
    learned = {k for k in vars(model) if k.endswith("_")}
    assert {"vectorizer_", "nmf_", "n_components_", "components_", "terms_", "order_",
            "reconstruction_err_", "n_documents_", "solver_"} <= learned
    assert model.components_.shape == (4, len(model.terms_))
    assert model.get_feature_names_out().tolist() == ["topic0", "topic1", "topic2", "topic3"]
    assert model.solver_ == "nmf" and model.n_documents_ == len(docs) == 93
    # topics are numbered by total training weight, largest first
    w = model.fit_transform(docs)
    assert (np.diff(w.sum(axis=0)) <= 0).all()


def test_determinism_and_pickle(seed_docs):
    _keys, docs = seed_docs
    one = TopicModel(random_state=0).fit(docs)
    two = TopicModel(random_state=0).fit(docs)
    assert one.n_components_ == 6  # default rule on 93 paragraphs
    np.testing.assert_array_equal(one.components_, two.components_)
    pd.testing.assert_frame_equal(one.top_terms(), two.top_terms())
    blob = pickle.dumps(one)
    # unpickling our own in-memory bytes, made two lines above (never a file from elsewhere)
    back = pickle.loads(blob)  # noqa: S301
    np.testing.assert_array_equal(back.transform(docs[:5]), one.transform(docs[:5]))
    assert back.get_feature_names_out().tolist() == one.get_feature_names_out().tolist()
    assert back.terms_.tolist() == one.terms_.tolist()


def test_pre_split_documents_only():
    with pytest.raises(ConfigError, match="pre-split"):
        TopicModel(n_components=2, min_df=1).fit(["人才 薪酬", "模型 技术"])


def test_errors_on_tiny_input():
    docs = [["人才", "薪酬"], ["模型", "技术"], ["开源", "数据"]]
    with pytest.raises(CorpusError, match="topic vocabulary"):
        TopicModel(n_components=2).fit(docs)  # min_df=2: no term in two paragraphs
    with pytest.raises(ConfigError, match="between 1 and"):
        TopicModel(n_components=5, min_df=1).fit(docs)
    with pytest.raises(CorpusError, match="no paragraph"):
        TopicModel().fit([])


def synthetic_docs(n: int) -> list[list[str]]:
    """n paragraphs drawn from three clear themes (fixed seed)."""
    rng = np.random.default_rng(0)
    themes = [["人才", "薪酬", "挖角", "年薪", "团队"], ["模型", "开源", "训练", "数据", "算力"],
              ["监管", "法律", "隐私", "诉讼", "政府"]]
    return [list(rng.choice(themes[i % 3], size=6)) for i in range(n)]


def test_minibatch_path_is_deterministic():
    docs = synthetic_docs(120)
    params = dict(n_components=3, minibatch_above=50, batch_size=32, random_state=0)
    one, two = TopicModel(**params).fit(docs), TopicModel(**params).fit(docs)
    assert one.solver_ == "minibatch_nmf"
    np.testing.assert_array_equal(one.components_, two.components_)
    # each topic's top terms come from one theme
    tops = one.top_terms(3)
    themes = {t: set(s["term"]) for t, s in tops.groupby("topic")}
    assert all(len(v & {"人才", "薪酬", "挖角", "年薪", "团队"}) in (0, 3) for v in themes.values())


def test_npmi_hand_worked():
    # 4 paragraphs; term 0 in {0, 1}, term 1 in {0, 1}, term 2 in {1, 2}, term 3 in {3}
    x = sparse.csr_matrix(np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1]]))
    # (0,1): P = 2/4, P0 = P1 = 2/4 -> ln(0.5 / 0.25) / -ln(0.5) = 1
    assert npmi_coherence(x, [[0, 1]]) == pytest.approx(1.0)
    # (0,2): P = 1/4, P0 = P2 = 1/2 -> ln(0.25 / 0.25) = 0
    assert npmi_coherence(x, [[0, 2]]) == pytest.approx(0.0)
    # (0,3): never together -> -1; topic mean over its pairs, then mean over topics
    assert npmi_coherence(x, [[0, 3]]) == -1.0
    assert npmi_coherence(x, [[0, 1, 3]]) == pytest.approx((1 - 1 - 1) / 3)
    assert npmi_coherence(x, [[0, 1], [0, 3]]) == pytest.approx(0.0)


# ---------------------------------------------------------------------------------------
# fit_topics on the seeds
# ---------------------------------------------------------------------------------------


def test_fit_topics_tables(seeds, seed_topics):
    tokens, paragraphs, articles = seeds
    res = seed_topics
    k = res["model"].n_components_
    assert k == 6
    tt = res["topic_terms"]
    assert list(tt.columns) == ["topic", "rank", "term", "weight", "term_original"]
    assert tt.groupby("topic")["rank"].apply(list).map(lambda r: r == list(range(1, 11))).all()
    assert (tt.groupby("topic")["weight"].apply(lambda w: (np.diff(w) <= 0).all())).all()
    assert (tt["term_original"] != "").all()
    pt = res["paragraph_topics"]
    assert list(pt.columns) == ["doc_id", "para_id", "topic", "weight"]
    np.testing.assert_allclose(pt.groupby(["doc_id", "para_id"])["weight"].sum(), 1.0)
    assert len(pt) == 93 * k  # every paragraph with terms; the sign-off has none
    para = res["paragraphs"]
    assert list(para.columns) == ["doc_id", "para_id", "dominant_topic", "dominant_topic_weight"]
    assert len(para) == len(paragraphs) == 94
    signoff = paragraphs.loc[paragraphs.role == "signoff", ["doc_id", "para_id"]]
    merged = signoff.merge(para, on=["doc_id", "para_id"])
    assert merged["dominant_topic"].isna().all()
    best = pt.sort_values(["doc_id", "para_id", "weight", "topic"],
                          ascending=[True, True, False, True]).drop_duplicates(
        ["doc_id", "para_id"])
    check = para.dropna().merge(best, on=["doc_id", "para_id"])
    assert (check["dominant_topic"] == check["topic"]).all()
    ot = res["outlet_topics"]
    assert sorted(ot["outlet"].unique()) == ["JER學家", "雲媒體"]
    np.testing.assert_allclose(ot.groupby("outlet")["share"].sum(), 1.0)
    assert set(ot["n_paragraphs"]) == {55, 38}
    tp = res["topics"]
    assert list(tp.columns) == ["topic", "label", "share", "n_dominant"]
    assert tp["n_dominant"].sum() == 93 and tp["label"].str.count(" / ").eq(2).all()
    diag = res["topic_k_diagnostics"]
    assert diag["k"].tolist() == list(range(2, 9))
    assert diag.loc[diag["chosen"], "k"].tolist() == [6]
    assert (np.diff(diag["reconstruction_error"]) < 0).all()  # more topics fit better
    assert diag["coherence_npmi"].between(-1, 1).all()


def test_fit_topics_identical_across_runs(seeds, seed_topics):
    tokens, paragraphs, articles = seeds
    again = fit_topics(tokens, paragraphs, articles, k_values=range(2, 9))
    for name in ("topic_terms", "topics", "paragraph_topics", "outlet_topics",
                 "topic_k_diagnostics", "paragraphs"):
        pd.testing.assert_frame_equal(again[name], seed_topics[name], check_exact=True)


def test_fit_topics_same_tables_on_two_processes(seeds, seed_topics):
    # The model and each k of the diagnostic are fitted in forked processes with jobs=2
    # (framing.forked): every table must be the same, to the last byte of its CSV.
    tokens, paragraphs, articles = seeds
    two = fit_topics(tokens, paragraphs, articles, k_values=range(2, 9), jobs=2,
                     return_model=True)
    for name in ("topic_terms", "topics", "paragraph_topics", "outlet_topics",
                 "topic_k_diagnostics", "paragraphs"):
        pd.testing.assert_frame_equal(two[name], seed_topics[name], check_exact=True)
        assert two[name].to_csv(index=False) == seed_topics[name].to_csv(index=False)
    np.testing.assert_array_equal(two["model"].components_, seed_topics["model"].components_)
    assert len(two["topic_k_diagnostics"]) == 7  # k = 2..8
    # the mini-batch solver (large corpora) too
    kw = dict(k_values=range(2, 5), minibatch_above=10, batch_size=16)
    one = fit_topics(tokens, paragraphs, articles, jobs=1, return_model=True, **kw)
    two = fit_topics(tokens, paragraphs, articles, jobs=2, return_model=True, **kw)
    assert one["model"].solver_ == "minibatch_nmf"
    for name in ("paragraph_topics", "topic_terms", "topic_k_diagnostics"):
        assert two[name].to_csv(index=False) == one[name].to_csv(index=False)


def test_seed_topics_separate_the_outlets(seed_topics):
    """The 雲媒體 piece (Zuckerberg's personal offers, CEO 親自下場) and the JER學家 piece
    (FAIR, LeCun) load on different topics."""
    res = seed_topics
    labels = res["topics"].set_index("topic")["label"]
    ot = res["outlet_topics"].pivot(index="topic", columns="outlet", values="share")
    fair = [t for t, lab in labels.items() if "FAIR" in lab]
    ceo = [t for t, lab in labels.items() if "亲自" in lab]
    assert fair and ceo
    assert ot.loc[fair[0], "JER學家"] > 2 * ot.loc[fair[0], "雲媒體"]
    assert ot.loc[ceo[0], "雲媒體"] > 2 * ot.loc[ceo[0], "JER學家"]


def test_explicit_k_and_schemas(seeds):
    tokens, paragraphs, articles = seeds
    res = fit_topics(tokens, paragraphs, articles, k=3, k_values=())
    assert res["topics"]["topic"].tolist() == [0, 1, 2]
    assert res["topic_k_diagnostics"].empty  # k_values=() skips the diagnostic
    diag = fit_topics(tokens, paragraphs, articles, k=3, k_values=[2, 4])["topic_k_diagnostics"]
    assert diag["k"].tolist() == [2, 3, 4]  # the fitted k is always examined
    for name, cols in topics.TABLE_SCHEMAS.items():
        assert list(res[name].columns) == [c for c, _t, _d in cols], name
    assert [c for c, _t, _d in topics.PARAGRAPH_COLUMNS] == list(res["paragraphs"].columns[2:])


# ---------------------------------------------------------------------------------------
# figures and command line
# ---------------------------------------------------------------------------------------


class FakePrepared:
    def __init__(self, tokens, paragraphs, articles):
        self.tokens, self.paragraphs, self.articles = tokens, paragraphs, articles


def test_cli_outputs_identical_across_runs(seeds, tmp_path, monkeypatch, capsys):
    """`framing topics` and `framing terms` write the same tables and figures, byte for byte,
    twice (missing CJK glyphs would fail: pyproject turns matplotlib warnings into errors)."""
    from framing import cli
    from framing.commands import terms as cmd

    prep = FakePrepared(*seeds)
    monkeypatch.setattr(cmd, "_prepare", lambda corpus: prep)
    for run in ("one", "two"):
        assert cli.main(["topics", "corpus", "--k-max", "7", "--out", str(tmp_path / run)]) == 0
        assert cli.main(["terms", "corpus", "--top", "10", "--out", str(tmp_path / run)]) == 0
    names = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert {"topic_terms.csv", "topics.csv", "paragraph_topics.csv", "outlet_topics.csv",
            "topic_k_diagnostics.csv", "distinctive_terms.csv", "topic_shares.png",
            "topic_shares.svg", "topic_k_diagnostics.svg", "distinctive_terms.svg"} <= set(names)
    for name in names:
        one, two = (tmp_path / "one" / name), (tmp_path / "two" / name)
        assert one.read_bytes() == two.read_bytes(), name
    assert cli.main(["topics", "corpus", "-k", "3", "--k-max", "0"]) == 0
    out = capsys.readouterr().out
    assert "label" in out and "term_original" in out
