"""Comparisons beyond chance: permutation p, corrections, effect sizes, honest notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from framing import corpus, synthetic
from framing.compare import (
    COMPARISON_COLUMNS,
    benjamini_hochberg,
    compare_groups,
    holm,
    permutation_p,
)
from framing.errors import ConfigError


@pytest.fixture(scope="module")
def syn(tmp_path_factory):
    """3 outlets × 4 months × 4 articles × 8 paragraphs (16 articles per outlet)."""
    from framing.measures import measures_for_corpus

    root = tmp_path_factory.mktemp("syn_cmp")
    records = synthetic.synthetic_articles(seed=5, articles_per_cell=4, paragraphs_per_article=8)
    corpus.init_corpus(root / "corpus")
    corpus.import_table(root / "corpus", synthetic.write_import_table(records, root / "t.jsonl"))
    return measures_for_corpus(root / "corpus")


@pytest.fixture(scope="module")
def seed_measures():
    from conftest import SEED_CORPUS

    from framing.measures import measures_for_corpus

    return measures_for_corpus(SEED_CORPUS)


def test_holm_and_bh_by_hand():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted .005 .01 .03 .04 × 4 3 2 1 = .02 .03 .06 .04, running max .02 .03 .06 .06
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH: × 4/1 4/2 4/3 4/4 = .02 .02 .04 .04, running min from the top: same
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    got = holm([0.5, np.nan, 0.01])
    assert np.isnan(got[1]) and got[[0, 2]] == pytest.approx([0.5, 0.02])
    assert holm([0.6, 0.9]) == pytest.approx([1.0, 1.0])
    from scipy.stats import false_discovery_control

    rng = np.random.default_rng(0)
    q = rng.random(30) ** 3
    assert benjamini_hochberg(q) == pytest.approx(false_discovery_control(q))


def test_exact_permutation_by_hand():
    # Two articles per group, one paragraph each: a = (1, 1), b = (0, 0). Of the C(4,2) = 6
    # relabelings, two ({a1,a2} and {b1,b2}) give |difference| = 1: p = 2/6.
    sums = np.array([[1.0], [1.0], [0.0], [0.0]])
    counts = np.ones((4, 1))
    p, method, n = permutation_p(sums, counts, 2, 5000, np.random.default_rng(0))
    assert (method, n) == ("exact", 6) and p[0] == pytest.approx(1 / 3)
    # One article per group: the swap is as extreme as the observed split, p = 1.
    p, method, n = permutation_p(sums[1:3], counts[1:3], 1, 5000, np.random.default_rng(0))
    assert (method, n, p[0]) == ("exact", 2, 1.0)
    # Monte Carlo when there are more relabelings than n_perm: (1 + k) / (1 + n_perm).
    big = np.r_[np.ones(10), np.zeros(10)][:, None]
    p, method, _ = permutation_p(big, np.ones((20, 1)), 10, 999, np.random.default_rng(0))
    assert method == "monte_carlo" and p[0] == pytest.approx(1 / 1000, abs=2e-3)


def test_constructed_difference_detected_null_not_flagged(syn):
    measures, articles = syn
    c = compare_groups(measures, articles, metrics=["frame_share", "sentiment"], n_perm=2000,
                       n_boot=500)
    assert list(c.columns) == COMPARISON_COLUMNS
    ab = c[(c["group_a"] == "合成乙刊") & (c["group_b"] == "合成甲报")].set_index("metric")
    # Constructed: 甲 strategic_anxiety 0.6-0.8 vs 乙 0.1; 乙 talent_war_drama 0.7 vs 甲 0.1.
    for frame, sign in (("strategic_anxiety", -1), ("talent_war_drama", 1)):
        row = ab.loc[f"frame_share:{frame}"]
        assert row["p_adjusted"] < 0.01
        assert np.sign(row["difference"]) == sign and np.sign(row["effect_size"]) == sign
        assert row["ci_low"] <= row["difference"] <= row["ci_high"]
        assert row["effect_size_kind"] == "cohen_h" and row["ci_unit"] == "article"
    # business_strategy is 0.1 in every outlet by construction: never flagged.
    null = c[c["metric"] == "frame_share:business_strategy"]
    assert len(null) == 3 and (null["p_adjusted"] > 0.05).all()
    # Frames absent everywhere are not tested and not counted in the correction.
    absent = c[c["metric"] == "frame_share:morality"]
    assert absent["p_value"].isna().all() and absent["note"].str.contains("not tested").all()
    assert set(c.loc[c["metric"].str.startswith("sentiment"), "effect_size_kind"]) == \
        {"cohen_d"}
    assert set(c["correction"]) == {"holm"}
    fam = c[c["family"] == "frame_share / (all)"]
    assert fam["p_adjusted"].to_numpy() == pytest.approx(
        holm(fam["p_value"].to_numpy()), nan_ok=True)


def test_seed_corpus_says_it_cannot_tell(seed_measures):
    measures, articles = seed_measures
    c = compare_groups(measures, articles, metrics=["frame_share", "sentiment"], n_perm=100,
                       n_boot=200)
    tested = c[c["p_value"].notna()]
    assert len(tested) >= 5
    assert (tested["p_value"] == 1.0).all() and (tested["p_adjusted"] == 1.0).all()
    assert (tested["n_relabelings"] == 2).all() and (tested["p_method"] == "exact").all()
    assert tested["note"].str.contains("cannot detect any difference").all()
    assert (c["ci_unit"] == "paragraph").all()
    assert (c["n_articles_a"] == 1).all() and (c["n_articles_b"] == 1).all()


def test_deterministic_and_by_period(syn):
    measures, articles = syn
    kw = dict(metrics="frame_share:strategic_anxiety", n_perm=300, n_boot=200)
    a = compare_groups(measures, articles, **kw)
    pd.testing.assert_frame_equal(a, compare_groups(measures, articles, **kw))
    per = compare_groups(measures, articles, by="period", freq="M", **kw)
    assert set(per["group_var"]) == {"period"} and len(per) == 6  # C(4, 2) month pairs
    assert set(per["group_a"]) | set(per["group_b"]) == set(synthetic.DEFAULT_MONTHS)
    within = compare_groups(measures, articles, freq="M", **kw)
    assert set(within["period"]) == set(synthetic.DEFAULT_MONTHS) and len(within) == 12
    with pytest.raises(ConfigError, match="correction"):
        compare_groups(measures, articles, correction="bonferroni")


def test_relabelings_beyond_float_range_are_infinite():
    import math

    from framing.compare import _as_float

    assert _as_float(math.comb(10, 5)) == 252.0
    assert _as_float(math.comb(4000, 2000)) == math.inf  # about 1e1202


def test_smallest_draws_mark_what_argsort_picks():
    from framing.compare import smallest_draws

    rng = np.random.default_rng(3)
    for n, n_a in ((2, 1), (7, 3), (50, 49), (300, 120)):
        draws = rng.random((40, n))
        draws[0, :] = 0.5  # all tied: argsort decides, as before
        expected = np.zeros_like(draws)
        order = draws.argsort(axis=1)[:, :n_a]
        expected[np.repeat(np.arange(len(draws)), n_a), order.ravel()] = 1.0
        np.testing.assert_array_equal(smallest_draws(draws, n_a), expected)


def test_resampling_in_smaller_chunks_gives_the_same_numbers(monkeypatch):
    # On large groups the replicates are drawn a bounded number of rows at a time
    # (blas.rows_per_chunk); the numbers must not depend on it.
    from framing import blas
    from framing.compare import bootstrap_difference, permutation_p
    from framing.frames import bootstrap_means

    gen = np.random.default_rng(1)
    n = 3000
    mats, groups = [gen.random((n, 4)), gen.random((n, 4))], np.arange(n) // 3
    sums, counts = gen.random((n, 3)), gen.integers(1, 5, (n, 3)).astype(float)

    def run() -> list[np.ndarray]:
        return [*bootstrap_means(mats, groups, 1001, np.random.default_rng(5)),
                *bootstrap_difference(sums, counts, sums[:900], counts[:900], 1001,
                                      np.random.default_rng(2)),
                permutation_p(sums, counts, n // 3, 1001, np.random.default_rng(3))[0]]

    whole = run()
    monkeypatch.setattr(blas, "RESAMPLE_CELLS", 1 << 13)
    assert blas.rows_per_chunk(n, 250) == 8 and blas.rows_per_chunk(1000, 250) == 8
    for a, b in zip(whole, run(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_pairs_shared_among_processes_give_the_same_table(syn):
    # Each pair seeds its own generator: the table must not depend on how many processes
    # computed the pairs (framing.forked), to the last byte of its CSV.
    measures, articles = syn
    kw = dict(metrics=["frame_share", "sentiment"], n_perm=300, n_boot=200)
    for extra in ({}, {"freq": "M"}):
        one = compare_groups(measures, articles, jobs=1, **kw, **extra)
        three = compare_groups(measures, articles, jobs=3, **kw, **extra)
        pd.testing.assert_frame_equal(one, three)
        assert one.to_csv(index=False) == three.to_csv(index=False)
