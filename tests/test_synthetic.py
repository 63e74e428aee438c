"""The synthetic corpus generator: reproducible, labelled, and its frames are what it says."""

from __future__ import annotations

import json

import numpy as np
import pytest

from framing import corpus, frames, synthetic, tokens
from framing.codebook import load_codebook
from framing.errors import ConfigError
from framing.units import make_units

SMALL = dict(months=("2025-03", "2025-04"), articles_per_cell=6, paragraphs_per_article=4)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A small synthetic corpus imported with ``framing import`` and its measures."""
    from framing.measures import measures_for_corpus

    root = tmp_path_factory.mktemp("syn")
    records = synthetic.synthetic_articles(seed=3, **SMALL)
    table = synthetic.write_import_table(records, root / "import.jsonl")
    corpus.init_corpus(root / "corpus")
    ledger = corpus.import_table(root / "corpus", table)
    measures, articles = measures_for_corpus(root / "corpus")
    return records, ledger, measures, articles


def test_every_sentence_scores_only_its_frame_in_both_scripts():
    cb, tk = load_codebook(), tokens.default_tokenizer()
    pools = [*synthetic.FRAME_SENTENCES.items(), (synthetic.NEUTRAL, synthetic.NEUTRAL_SENTENCES)]
    assert set(synthetic.FRAME_SENTENCES) == set(cb.frame_ids)
    for frame, sentences in pools:
        for s in sentences:
            for co in synthetic.COMPANIES:
                for script in ("simplified", "traditional"):
                    text = synthetic._to_script(s.format(co=co), script)
                    out = frames.score_article(make_units("x", text, tk), cb)
                    scored = {r["frame"] for r in out["frame_scores"] if r["weight"] > 0}
                    expected = set() if frame == synthetic.NEUTRAL else {frame}
                    assert scored == expected, (frame, script, text)
                    assert not any(h["negated"] for h in out["frame_hits"]), text
                    want = "" if frame == synthetic.NEUTRAL else frame
                    assert out["paragraphs"][0]["dominant_frame"] == want, text


def test_generator_is_reproducible_and_labelled():
    a = synthetic.synthetic_articles(seed=1, **SMALL)
    b = synthetic.synthetic_articles(seed=1, **SMALL)
    c = synthetic.synthetic_articles(seed=2, **SMALL)
    assert a == b
    assert a != c
    assert len(a) == 3 * 2 * 6
    for r in a:
        assert r["title"].startswith("[合成 synthetic]")
        assert r["source"] == "synthetic (framing.synthetic, seed=1)"
        assert len(r["synthetic_frames"].split("|")) == 4
    precisions = {r["date_precision"] for r in a}
    assert precisions == {"day", "week", "month"}


def test_exact_composition_uses_largest_remainders():
    shares = {("甲", "2025-01"): {"conflict": 0.25, "morality": 0.35}}
    recs = synthetic.synthetic_articles(outlets={"甲": "simplified"}, months=("2025-01",),
                                        articles_per_cell=3, paragraphs_per_article=10,
                                        shares=shares, composition="exact")
    for r in recs:
        f = r["synthetic_frames"].split("|")
        # 10 × (.25, .35, .40) = 2.5, 3.5, 4.0 → floors 2, 3, 4 leave one paragraph; the
        # remainders tie (.5, .5) and the first in sorted frame order (conflict) gets it.
        assert (f.count("conflict"), f.count("morality"), f.count("none")) == (3, 3, 4)


def test_shares_are_checked():
    with pytest.raises(ConfigError, match="unknown frame"):
        synthetic.synthetic_articles(shares={("合成甲报", "2025-03"): {"nope": 0.5}})
    with pytest.raises(ConfigError, match="sum to"):
        synthetic.synthetic_articles(shares={("合成甲报", "2025-03"): {"conflict": 0.7,
                                                                      "morality": 0.6}})
    with pytest.raises(ConfigError, match="composition"):
        synthetic.synthetic_articles(composition="roughly")


def test_default_shares_rise_and_stay_flat():
    s = synthetic.default_shares(["A", "B", "C"], synthetic.DEFAULT_MONTHS)
    assert [s[("A", m)]["strategic_anxiety"] for m in synthetic.DEFAULT_MONTHS] == \
        pytest.approx([0.6, 0.6667, 0.7333, 0.8], abs=1e-4)
    assert {s[("B", m)]["talent_war_drama"] for m in synthetic.DEFAULT_MONTHS} == {0.7}
    assert {s[(o, m)]["business_strategy"] for o in "ABC" for m in synthetic.DEFAULT_MONTHS} \
        == {0.1}


def test_import_table_is_jsonl_that_framing_import_reads(imported, tmp_path):
    records, ledger, _m, articles = imported
    assert [r.status for r in ledger] == ["ingested"] * len(records)
    by_id = articles.set_index("doc_id")
    for r in records:
        row = by_id.loc[r["doc_id"]]
        assert row["outlet"] == r["outlet"]
        assert row["date"] == r["date"] and row["date_precision"] == r["date_precision"]
        assert row["synthetic_frames"] == r["synthetic_frames"]
        script = synthetic.DEFAULT_OUTLETS[r["outlet"]]
        assert row["script"] == script
    path = synthetic.write_import_table(records[:2], tmp_path / "x.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["doc_id"] for x in lines] == [r["doc_id"] for r in records[:2]]


def test_every_paragraph_dominant_frame_is_its_constructed_frame(imported):
    records, _l, measures, _a = imported
    share_cols = [c for c in measures.columns if c.startswith("frame_share:")]
    for r in records:
        part = measures[measures["doc_id"] == r["doc_id"]].sort_values("para_id")
        constructed = r["synthetic_frames"].split("|")
        # Sign-off lines are not in the measures table: one row per constructed paragraph.
        assert len(part) == len(constructed)
        x = part[share_cols].to_numpy()
        for row, frame in zip(x, constructed, strict=True):
            want = np.array([1.0 if c == f"frame_share:{frame}" else 0.0 for c in share_cols])
            assert np.array_equal(row, want), (r["doc_id"], frame)


def test_signoffs_are_generated_and_left_out(imported):
    records, _l, measures, articles = imported
    with_signoff = [r["doc_id"] for r in records if r["text"].rstrip().endswith("）")]
    assert with_signoff
    counts = articles.set_index("doc_id")["n_paragraphs"]
    for d in with_signoff:
        assert counts[d] == (measures["doc_id"] == d).sum() + 1
