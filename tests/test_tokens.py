"""Tokens, entities and the isolated jieba tokenizer (``framing.tokens``).

``tests/golden/segmentation.tsv`` holds sentences of the two seeds with the tokens framing
gives them (as written, joined by `` / ``), in the spirit of spaCy's Chinese tokenizer tests:
a change of jieba, of its dictionary or of ``framing/data/domain_terms.csv`` shows up as a
readable diff. The table was generated once and checked by hand (domain terms whole, names
whole, no token across a script or word boundary). After a deliberate change, rewrite it with
``FRAMING_REGENERATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.errors import ConfigError
from framing.textview import analysis_view, converter
from framing.tokens import Tokenizer, default_tokenizer, private_cache_dir, token_kind
from framing.units import make_units

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
REGENERATE = os.environ.get("FRAMING_REGENERATE_GOLDEN") == "1"

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden" / "segmentation.tsv"
SEED_000 = ROOT / "seeds" / "000_dbf7afa30f9a52d6.txt"
SEED_001 = ROOT / "seeds" / "001_66ab1e2e055d30d8.txt"
TITLE_001 = "Meta開天價“Offer”搶人,CEO親自下場,扎克伯格慌了嗎?"

# Sentences copied from the seeds (000: JER學家; 001: 雲媒體).
SENTENCES = [
    'Meta將其新的AI部門命名為"超級智能實驗室",這個術語的選擇頗具深意。',
    "Sam Altman在早前做客其胞弟Jack Altman的播客中提到,Meta向OpenAI員工提供“100萬美元簽約獎金”。",
    "這場人才爭奪戰背後,隱藏著兩種不同的AI發展戰略。",
    "單個有才華的\"叛逃者\"可以帶走價值數十億美元的“隱性知識(tacit knowledge)”",
    "Meta 最新發佈的大模型 Llama 4 並未達到外界預期,在多個基準測試中的表現平平",
    "由 Scale AI 創始人 Alexandr Wang 領銜。",
    "祖克柏並不試圖直接挑戰ChatGPT的消費者市場地位",
    "CEO 扎克伯格親自出馬,向全球僅 50–100 位擁有大模型訓練經驗的頂尖 AI 研究員發出邀請",
    "OpenAI首席研究官Mark Chen在上周六向全體員工發出了一份“強硬備忘錄”",
    "與之對比,OpenAI 的 GPT-4、Google的 Gemini 已在多模態能力、工具呼叫等關鍵領域實現突破",
    "Shengjia Zhao,深度學習研究專家,2022年加入OpenAI,參與了GPT-4模型的開發",
    "對該公司首席AI科學家Yann LeCun的地位產生了複雜而微妙的影響",
    "LeCun長期以來一直質疑當前LLM技術路徑能否達到人類等級智能",
    "大力財經認為AI 人才爭奪戰就像一場技術版的冷啟動核競賽",
]


def segment(sentence: str) -> str:
    toks = default_tokenizer().tokenize(sentence)
    return " / ".join(sentence[t.start : t.end] for t in toks)


def golden_table() -> str:
    lines = ["sentence\ttokens"] + [f"{s}\t{segment(s)}" for s in SENTENCES]
    return "\n".join(lines) + "\n"


def test_sentences_are_from_the_seeds() -> None:
    seeds = SEED_000.read_text(encoding="utf-8") + SEED_001.read_text(encoding="utf-8")
    for s in SENTENCES:
        assert s in seeds


def test_segmentation_matches_golden() -> None:
    got = golden_table()
    if REGENERATE:
        GOLDEN.write_text(got, encoding="utf-8")
    assert got.splitlines() == GOLDEN.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    "term",
    ["超級智能實驗室", "簽約獎金", "人才爭奪戰", "隱性知識", "Llama 4", "Scale AI", "Sam Altman",
     "Jack Altman", "祖克柏", "扎克伯格", "備忘錄", "GPT-4", "Yann LeCun", "Alexandr Wang"],
)
def test_domain_terms_stay_whole(term: str) -> None:
    tokens = {seg for s in SENTENCES for seg in segment(s).split(" / ")}
    assert term in tokens


@pytest.mark.parametrize("sentence", SENTENCES)
def test_simplified_copy_gives_same_boundaries(sentence: str) -> None:
    simplified = converter("t2s").convert(sentence)
    assert simplified != sentence
    a = default_tokenizer().tokenize(sentence)
    b = default_tokenizer().tokenize(simplified)
    assert [(t.start, t.end, t.text, t.entity) for t in a] == [
        (t.start, t.end, t.text, t.entity) for t in b
    ]


# --------------------------------------------------------------------------- entities


def entities(text: str) -> list[tuple[str, str]]:
    toks = default_tokenizer().tokenize(text)
    return [(text[t.start : t.end], t.entity) for t in toks if t.entity]


def test_entity_aliases() -> None:
    assert entities("祖克柏並不試圖直接挑戰ChatGPT") == [("祖克柏", "Mark Zuckerberg")]
    assert entities("CEO 扎克伯格親自出馬") == [("扎克伯格", "Mark Zuckerberg")]
    assert entities("Mark Zuckerberg和Zuckerberg") == [
        ("Mark Zuckerberg", "Mark Zuckerberg"), ("Zuckerberg", "Mark Zuckerberg")
    ]
    assert entities("Sam Altman在早前做客其胞弟Jack Altman的播客") == [
        ("Sam Altman", "Sam Altman"), ("Jack Altman", "Jack Altman")
    ]
    assert entities("Altman專注於維護OpenAI") == [("Altman", "Sam Altman"), ("OpenAI", "OpenAI")]
    assert entities("LeCun與楊立昆、杨立昆") == [
        ("LeCun", "Yann LeCun"), ("楊立昆", "Yann LeCun"), ("杨立昆", "Yann LeCun")
    ]
    assert entities("首席AI科學家Yann LeCun") == [("Yann LeCun", "Yann LeCun")]
    # Latin aliases are never matched inside a longer word.
    assert entities("Metaverse and LeCuneiform") == []


def test_token_kinds_and_stopwords() -> None:
    toks = default_tokenizer().tokenize("Meta 的 GPT-4 花了 100 萬美元。")
    kinds = {t.text: t.kind for t in toks}
    assert kinds["Meta"] == "latin" and kinds["GPT-4"] == "latin"
    assert kinds["100"] == "number" and kinds["。"] == "punct" and kinds["的"] == "han"
    assert next(t for t in toks if t.text == "的").stop
    assert token_kind("1,000%") == "number" and token_kind("——") == "punct"


# --------------------------------------------------------------------------- offsets


@pytest.mark.parametrize(("path", "title"), [(SEED_000, None), (SEED_001, TITLE_001)])
def test_token_offsets_on_seed_paragraphs(path: Path, title: str | None) -> None:
    units = make_units(path.stem, path.read_text(encoding="utf-8"), default_tokenizer(), title)
    n = 0
    for u in units:
        assert len(u.text_analysis) <= len(u.text)
        for t in u.tokens:
            assert 0 <= t.start < t.end <= len(u.text_analysis)
            assert analysis_view(u.text[t.start : t.end]) == t.text
            assert u.text_analysis[t.start : t.end] == t.text
            assert t.text.strip() == t.text
            n += 1
    assert n > 1000


def test_tiny_caches_give_the_same_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    # The form and block caches are emptied when full: tokens must not depend on what they
    # hold, and they must stay within their bounds.
    import framing.tokens as tokens_mod

    text = SEED_001.read_text(encoding="utf-8")
    want = Tokenizer().tokenize(text)
    monkeypatch.setattr(tokens_mod, "FORM_CACHE_SIZE", 3)
    monkeypatch.setattr(tokens_mod, "BLOCK_CACHE_SIZE", 2)
    tk = Tokenizer()
    assert tk.tokenize(text) == want
    assert tk.tokenize(text) == want  # a second pass, with caches emptied again and again
    assert len(tk._forms) <= 3
    assert len(tk._blocks) <= 2


TOKEN_PIECES = [
    *"人才爭奪戰祖克柏扎克伯格簽約獎金隱性知識的了。,“”() \u3000\u200b\nA-Za4GPT",
    "Sam Altman", "Llama 4", "GPT-4", "Scale AI", "LeCun", "楊立昆", "Metaverse", "4.5",
]
token_text = st.binary(max_size=30).map(
    lambda b: "".join(TOKEN_PIECES[x % len(TOKEN_PIECES)] for x in b)
)


@settings(max_examples=max(EXAMPLES // 10, 50), derandomize=True, deadline=None)
@given(token_text)
def test_tokens_cover_the_view(text: str) -> None:
    # Tokens are in order, do not overlap and, with white space, rebuild the view.
    view = analysis_view(text)
    pos = 0
    for t in default_tokenizer().tokenize(text):
        assert t.start >= pos and view[t.start : t.end] == t.text
        assert view[pos : t.start].strip() == ""
        pos = t.end
    assert view[pos:].strip() == ""


# --------------------------------------------------------------------------- isolation

ISOLATION_SCRIPT = textwrap.dedent(
    """
    import os, sys, tempfile
    from pathlib import Path
    import jieba
    import framing.pipeline
    from framing.tokens import default_tokenizer, private_cache_dir
    prepared = framing.pipeline.prepare(sys.argv[1])
    assert len(prepared.tokens) > 1000
    tk = default_tokenizer()
    inner = tk._tk()
    assert inner is not jieba.dt
    assert not jieba.dt.initialized, "framing initialised jieba's global tokenizer"
    assert Path(inner.tmp_dir).resolve() == (private_cache_dir() / "jieba").resolve()
    print("ok", tempfile.gettempdir())
    """
)


def test_tokenizer_is_isolated_and_caches_privately(tmp_path: Path) -> None:
    cache, tmp = tmp_path / "cache", tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, FRAMING_CACHE_DIR=str(cache), TMPDIR=str(tmp))
    proc = subprocess.run(
        [sys.executable, "-c", ISOLATION_SCRIPT, str(ROOT / "corpora" / "ai-talent-war")],
        env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["ok", str(tmp)]
    assert (cache / "jieba" / "jieba.cache").is_file()
    assert list(tmp.iterdir()) == []  # nothing, in particular no jieba.cache, in the temp dir
    assert (cache.stat().st_mode & 0o777) == 0o700
    assert (cache / "jieba").stat().st_mode & 0o077 == 0


def test_private_cache_dir_follows_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "c"))
    assert private_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("FRAMING_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert private_cache_dir() == tmp_path / "xdg" / "framing"


def test_cache_folder_is_made_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    shared = tmp_path / "cache" / "jieba"
    shared.mkdir(parents=True)
    shared.chmod(0o777)
    tk = Tokenizer()
    assert [t.text for t in tk.tokenize("人才爭奪戰")] == ["人才争夺战"]
    assert shared.stat().st_mode & 0o777 == 0o700


def test_cache_folder_of_another_user_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "cache" / "jieba").mkdir(parents=True)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    with pytest.raises(ConfigError, match="belongs to another user"):
        Tokenizer().tokenize("人才")


def test_custom_dictionary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    terms = tmp_path / "terms.csv"
    terms.write_text("term\n冷啟動核競賽\n", encoding="utf-8")
    ents = tmp_path / "entities.csv"
    ents.write_text("entity,type,alias\nDali Finance,media,大力財經\n", encoding="utf-8")
    tk = Tokenizer(terms, ents)
    toks = tk.tokenize("大力財經認為這是冷啟動核競賽")
    assert [(t.text, t.entity) for t in toks if t.entity] == [("大力财经", "Dali Finance")]
    assert "冷启动核竞赛" in [t.text for t in toks]
    assert set(tk.dictionary_hashes) == {"domain_terms", "entities"}


# --------------------------------------------------------------------------- rjieba = jieba
# rjieba may cut the Han blocks only where it gives jieba's tokens (issue #7). These tests
# compare the two backends span by span: on the seeds, on a benchmark corpus in both scripts,
# and on generated strings that mix the characters where the two could part (Latin and
# digits inside blocks, rare Han characters, white space of every kind, private-use marks).


def both_backends() -> tuple[Tokenizer, Tokenizer]:
    pytest.importorskip("rjieba")
    return Tokenizer(backend="jieba"), Tokenizer(backend="rjieba")


def bench_paragraphs(n_articles: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus as bench_corpus
    finally:
        sys.path.pop(0)
    return [p for a in bench_corpus.articles(n_articles, seed=7) for p in a["text"].split("\n")]


def test_rjieba_gives_jiebas_tokens_on_seeds_and_bench_corpus() -> None:
    ref, fast = both_backends()
    texts = [p for path in (SEED_000, SEED_001)
             for p in path.read_text(encoding="utf-8").splitlines()]
    texts += bench_paragraphs(300)
    views = [analysis_view(t) for t in texts if t.strip()]
    assert len(views) > 2000 and sum(map(len, views)) > 300_000
    differ = [v for v in views if ref.tokenize_view(v) != fast.tokenize_view(v)]
    assert differ == []


HARD_PIECES = [
    "的一是在不了有和人這中大為上個國我以要他時來用們生到作地於出就分對成會可主發年動同工",
    "鿀鿇鿎鿕",  # late URO characters, mostly unknown to jieba's HMM
    "abcXYZ", "0129", "+#&._%-", "GPT-4", "Al-Dahle", "4.5%",
    " ", "\t", "\n", "\r\n", "\x1c", "\u3000", "\xa0",
    "，。、「」《》！？：；（）…—·",
    "\u3400\u4db5", "\u9fd6\u9fef", "\uf900", "\U00020000",  # Han that jieba-rs alone blocks
    "\ue000\ue001",  # the placeholder word's characters
]
hard_text = st.lists(
    st.tuples(st.integers(0, len(HARD_PIECES) - 1), st.integers(0, 40)), max_size=12
).map(lambda picks: "".join(HARD_PIECES[i][j % len(HARD_PIECES[i]):][:1 + j % 5]
                            for i, j in picks))


@settings(max_examples=max(EXAMPLES // 5, 200), derandomize=True, deadline=None)
@given(hard_text)
def test_rjieba_gives_jiebas_tokens_on_generated_text(text: str) -> None:
    ref, fast = cached_backends()
    assert fast.tokenize_view(text) == ref.tokenize_view(text)


@functools.cache
def cached_backends() -> tuple[Tokenizer, Tokenizer]:
    return both_backends()


def test_backend_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRAMING_SEGMENTER", "jieba")
    assert Tokenizer().backend == "jieba"
    monkeypatch.setenv("FRAMING_SEGMENTER", "hanlp")
    with pytest.raises(ConfigError, match="FRAMING_SEGMENTER"):
        Tokenizer()
    monkeypatch.delenv("FRAMING_SEGMENTER")
    # Without the rjieba package, ``auto`` falls back to jieba (the reference).
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "rjieba" else real(name, *a))
    assert Tokenizer().backend == "jieba"


# --------------------------------------------------------------------------- prepared dictionary


def _jieba_state(tk: Tokenizer) -> tuple[dict[str, int], int]:
    inner = tk._tk()
    return inner.FREQ, inner.total


def test_prepared_dictionary_equals_jiebas_own(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # The first tokenizer builds the prefix dictionary with jieba and stores it; the second
    # reads the stored one. Both hold exactly jieba's FREQ and total with the domain words.
    import jieba

    from framing.tokens import PREPARED_PREFIX

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    built = _jieba_state(Tokenizer())
    files = list((tmp_path / "cache" / "jieba").glob(f"{PREPARED_PREFIX}*"))
    assert len(files) == 1
    read = _jieba_state(Tokenizer())
    assert read == built
    reference = jieba.Tokenizer()
    reference.tmp_dir = str(tmp_path / "cache" / "jieba")
    reference.initialize()
    for w in Tokenizer()._han_words:
        reference.add_word(w, freq=max(2000, reference.FREQ.get(w, 0) or 0))
    assert read == (reference.FREQ, reference.total)


def test_prepared_dictionary_damaged_or_other_words(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from framing.tokens import PREPARED_PREFIX

    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "jieba"
    good = _jieba_state(Tokenizer())
    (stored,) = folder.glob(f"{PREPARED_PREFIX}*")
    stored.write_bytes(stored.read_bytes()[:1000])  # cut short: rebuilt, not trusted
    assert _jieba_state(Tokenizer()) == good
    assert stored.stat().st_size > 1_000_000
    # Other domain words: another file, and the old one is removed.
    terms = tmp_path / "terms.csv"
    terms.write_text("term\n冷啟動核競賽\n", encoding="utf-8")
    custom = Tokenizer(terms)
    assert "冷启动核竞赛" in custom._tk().FREQ
    (other,) = folder.glob(f"{PREPARED_PREFIX}*")
    assert other != stored
    assert "冷启动核竞赛" not in _jieba_state(Tokenizer())[0]
