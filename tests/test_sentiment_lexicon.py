"""The polarity lexicon and its rules (``framing.sentiment_lexicon``).

Most cases use a tiny lexicon written in the test and tokens given by hand, so each expected
value can be worked out on paper from the rules in the module docstring:

- lexicon: 成功 +1, 失败 -1, 危机 -2, 风险 -1, 垄断 -1, 风险投资 (neutral mask);
- negators: 不, 没有, 并非; degree adverbs: 很 ×1.5, 稍微 ×0.5, 极其 ×2.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing import sentiment_lexicon
from framing.errors import ConfigError
from framing.sentiment_lexicon import (
    NEGATION_WINDOW,
    _find_matches,
    default_lexicon,
    lexicon_score,
    load_lexicon,
    match_lexicon,
)
from framing.textview import analysis_view, count_han
from framing.tokens import Token, default_tokenizer, token_kind

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))

TERMS = """term,polarity,weight,domain
成功,positive,1,general
失败,negative,1,general
危机,negative,2,general
風險,negative,1,general
垄断,negative,1,economy
风险投资,neutral,0,mask
"""
MODIFIERS = """term,kind,weight,note
不,negator,-1,
没有,negator,-1,
並非,negator,-1,
很,degree,1.5,
稍微,degree,0.5,
极其,degree,2,
"""


@pytest.fixture(scope="module")
def lex(tmp_path_factory):
    d = tmp_path_factory.mktemp("lex")
    (d / "terms.csv").write_text(TERMS, encoding="utf-8")
    (d / "mods.csv").write_text(MODIFIERS, encoding="utf-8")
    return load_lexicon(d / "terms.csv", d / "mods.csv")


def toks(*words: str, entity: dict[int, str] | None = None) -> tuple[list[Token], str]:
    """Tokens for ``words`` written one after the other (no spaces); text is the join."""
    out, pos = [], 0
    for i, w in enumerate(words):
        out.append(Token(analysis_view(w), pos, pos + len(w), token_kind(w), False,
                         (entity or {}).get(i, "")))
        pos += len(w)
    return out, "".join(words)


def run(lex, *words, **kw):
    tokens, text = toks(*words, **kw)
    hits = match_lexicon(tokens, text, lex)
    return hits, lexicon_score(hits)


# ---------------------------------------------------------------- degree and negation


def test_degree_multiplies_weight(lex):
    hits, (pos, neg, score) = run(lex, "公司", "很", "成功")
    assert [(h.term, h.degree, h.degree_word, h.value) for h in hits] == [("成功", 1.5, "很", 1.5)]
    assert (pos, neg, score) == (1.5, 0.0, 1.0)


def test_slightly_halves_weight(lex):
    hits, (pos, neg, score) = run(lex, "稍微", "失败")
    assert hits[0].value == -0.5 and (pos, neg, score) == (0.0, 0.5, -1.0)


def test_only_the_nearest_degree_adverb_counts(lex):
    hits, _ = run(lex, "极其", "很", "成功")
    assert hits[0].degree == 1.5 and hits[0].degree_word == "很"


def test_negator_flips_polarity(lex):
    hits, (_, _, score) = run(lex, "公司", "不", "成功")
    assert hits[0].negated and hits[0].negator == "不" and hits[0].value == -1.0
    assert score == -1.0


def test_negation_and_degree_combine(lex):
    hits, _ = run(lex, "很", "不", "成功")
    assert hits[0].negated and hits[0].degree == 1.5 and hits[0].value == -1.5


def test_double_negation_cancels(lex):
    hits, _ = run(lex, "並非", "不", "成功")
    assert not hits[0].negated and hits[0].negator == "並非+不" and hits[0].value == 1.0


def test_negators_match_in_either_script(lex):
    hits, _ = run(lex, "并非", "失败")  # written 並非 in the modifiers file
    assert hits[0].negated and hits[0].value == 1.0


def test_clause_break_stops_negation(lex):
    hits, _ = run(lex, "不", "，", "成功")
    assert not hits[0].negated and hits[0].value == 1.0


def test_quotes_are_skipped_not_counted(lex):
    hits, _ = run(lex, "没有", "“", "失败", "”")
    assert hits[0].negated and hits[0].value == 1.0


def test_negation_window_is_three_tokens(lex):
    assert NEGATION_WINDOW == 3
    inside, _ = run(lex, "不", "公司", "的", "成功")  # 3 tokens back reach 不
    outside, _ = run(lex, "不", "公司", "的", "今年", "成功")  # 4 tokens back: too far
    assert inside[0].negated and not outside[0].negated


def test_previous_match_stops_the_look_back(lex):
    hits, (pos, neg, score) = run(lex, "不", "成功", "失败")
    assert [(h.term, h.negated, h.value) for h in hits] == [("成功", True, -1.0),
                                                          ("失败", False, -1.0)]
    assert (pos, neg, score) == (0.0, 2.0, -1.0)
    hits, _ = run(lex, "成功", "不", "失败")
    assert [(h.negated, h.value) for h in hits] == [(False, 1.0), (True, 1.0)]


def test_not_only_is_not_negation(lex):
    hits, _ = run(lex, "不", "只是", "成功")
    assert not hits[0].negated


# ---------------------------------------------------------------- matching


def test_traditional_entry_matches_simplified_text_and_back(lex):
    simp, _ = run(lex, "风险")
    trad, _ = run(lex, "風險")
    assert [(h.term, h.value) for h in simp] == [(h.term, h.value) for h in trad] == [
        ("风险", -1.0)]
    assert trad[0].term == "风险"


def test_mask_blocks_word_inside_fixed_expression(lex):
    assert run(lex, "风险投资")[0] == []
    assert run(lex, "风险", "投资")[0] == []  # two touching tokens make the mask
    assert len(run(lex, "风险", "和", "投资")[0]) == 1


def test_tokens_with_space_between_do_not_join(lex):
    tokens = [Token("风险", 0, 2, "han", False, ""), Token("投资", 3, 5, "han", False, "")]
    hits = match_lexicon(tokens, "风险 投资", lex)
    assert [h.term for h in hits] == ["风险"]


def test_compound_rule_finds_entry_inside_token(lex):
    hits, _ = run(lex, "技术垄断", "加剧")
    assert [(h.term, h.start, h.end, h.value) for h in hits] == [("垄断", 2, 4, -1.0)]


def test_negating_character_inside_a_token(lex):
    hits, _ = run(lex, "不成功")
    assert hits[0].negated and hits[0].negator == "不" and hits[0].value == -1.0


def test_entry_never_matches_half_a_short_token(lex):
    # 成功 inside a two-character token cannot happen; inside a longer non-entry token the
    # compound rule applies, but a whole-token entry wins over it.
    assert run(lex, "成")[0] == []
    assert [h.term for h in run(lex, "危机")[0]] == ["危机"]


def test_entity_tokens_are_never_matched(lex):
    assert run(lex, "成功", entity={0: "Some Company"})[0] == []


def test_offsets_index_the_original_text(lex):
    tokens, text = toks("Meta", "的", "危機", "很", "深")
    hits = match_lexicon(tokens, text, lex)
    assert [(text[h.start:h.end], h.value) for h in hits] == [("危機", -2.0)]


# ---------------------------------------------------------------- score


def test_score_formula_by_hand(lex):
    # 很成功 = +1.5, 失败 = -1 -> (1.5 - 1) / (1.5 + 1) = 0.2
    _, (pos, neg, score) = run(lex, "很", "成功", "，", "失败")
    assert (pos, neg) == (1.5, 1.0) and score == pytest.approx(0.2)


def test_no_hits_is_nan_not_zero(lex):
    pos, neg, score = run(lex, "今天", "开会")[1]
    assert (pos, neg) == (0.0, 0.0) and math.isnan(score)


BOUNDED_WORDS = ("成功", "失败", "危机", "不", "很", "稍微", "，", "公司", "并非", "风险", "投资",
                 "“")


# One draw per example (bytes indexing the words) keeps hypothesis's own cost low enough for
# the full example budget.
# Not one of #8's five properties: a smaller budget keeps the suite short.
@settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
@given(st.binary(max_size=12).map(lambda b: [BOUNDED_WORDS[x % len(BOUNDED_WORDS)] for x in b]))
def test_score_is_bounded(lex, words):
    tokens, text = toks(*words)
    hits = match_lexicon(tokens, text, lex)
    pos, neg, score = lexicon_score(hits)
    assert pos >= 0 and neg >= 0
    assert math.isnan(score) == (not hits)
    if hits:
        assert -1.0 <= score <= 1.0
    assert all(text[h.start:h.end] for h in hits)
    assert [h.start for h in hits] == sorted(h.start for h in hits)


# ---------------------------------------------------------------- shipped lexicon


def test_shipped_lexicon_metadata_and_size():
    lx = default_lexicon()
    assert lx.info["name"] == "framing-news-polarity"
    assert lx.info["licence"] == "MIT"
    assert lx.info["version"] and lx.info["source"]
    counts = lx.counts()
    assert counts["positive"] >= 400 and counts["negative"] >= 500
    assert counts["negator"] >= 20 and counts["degree"] >= 20
    for word in ("危机", "困境", "垄断", "焦虑", "落后", "冲击", "质疑", "批评", "失控", "风险",
                 "失望"):
        assert lx.entries[word].polarity == "negative", word
    for word in ("突破", "领先", "成功", "信心", "优势", "创新"):
        assert lx.entries[word].polarity == "positive", word
    for word in ("不", "没有", "并非", "未", "毫无"):
        assert word in lx.negators
    assert lx.degrees["很"] == 1.5 and lx.degrees["非常"] == 1.5
    assert lx.degrees["极其"] == 2.0 and lx.degrees["稍微"] == 0.5


@pytest.mark.parametrize(("text", "expected"), [
    # worked out by hand from the shipped files (weights in news_polarity.csv)
    ("祖克柏並非盲目出擊。", [("盲目", True, 1.0, 0.5)]),
    ("公司沒有失敗。", [("失败", True, 1.0, 1.0)]),
    ("業績極其糟糕", [("糟糕", False, 2.0, -2.0)]),
    ("稍微落後", [("落后", False, 0.5, -0.5)]),
    ("降低風險", [("风险", True, 1.0, 1.0)]),
    ("風險投資支援的創業公司", []),
    ("這是一場危機，但也是機遇。", [("危机", False, 1.0, -1.0), ("机遇", False, 1.0, 1.0)]),
])
def test_shipped_lexicon_on_real_tokens(text, expected):
    tokens = default_tokenizer().tokenize(text)
    hits = match_lexicon(tokens, text)
    assert [(h.term, h.negated, h.degree, h.value) for h in hits] == expected


# ---------------------------------------------------------------- loader errors


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_same_term_in_two_scripts_is_an_error(tmp_path):
    terms = write(tmp_path, "t.csv", "term,polarity\n风险,negative\n風險,negative\n")
    with pytest.raises(ConfigError, match=r"t\.csv:3: term '風險' repeats line 2"):
        load_lexicon(terms)


@pytest.mark.parametrize(("body", "message"), [
    ("term,polarity\n好,good\n", r":2: polarity must be one of"),
    ("term,polarity,weight\n好,positive,-1\n", r":2: weight of a polar entry must be > 0"),
    ("term,polarity,weight\n好,positive,x\n", r":2: weight must be a number"),
    ("term,polarity\n ,positive\n", r":2: empty term"),
    ("word,polarity\n好,positive\n", r":1: missing column\(s\) term"),
])
def test_bad_lexicon_rows_name_file_and_line(tmp_path, body, message):
    with pytest.raises(ConfigError, match=message):
        load_lexicon(write(tmp_path, "t.csv", body))


def test_bad_modifier_rows(tmp_path):
    terms = write(tmp_path, "t.csv", "term,polarity\n好,positive\n")
    mods = write(tmp_path, "m.csv", "term,kind,weight\n很,intensifier,2\n")
    with pytest.raises(ConfigError, match=r"m\.csv:2: kind must be one of"):
        load_lexicon(terms, mods)
    mods = write(tmp_path, "m.csv", "term,kind,weight\n很,degree,0\n")
    with pytest.raises(ConfigError, match=r"m\.csv:2: degree weight must be > 0"):
        load_lexicon(terms, mods)


def test_user_lexicon_without_metadata_records_unknown_licence(tmp_path):
    lx = load_lexicon(write(tmp_path, "mine.csv", "term,polarity\n好,positive\n"))
    assert lx.info["name"] == "mine.csv"
    assert lx.info["licence"].startswith("unknown")
    assert lx.entries["好"].weight == 1.0 and len(lx.info["terms_sha256"]) == 64


# ---------------------------------------------------------------- fast matching = plain rules


def reference_matches(tokens, lexicon):
    """Rules 2-5 trying every token and every length up to the longest entry (pre-#7 code)."""
    entries, max_len = lexicon.entries, lexicon.max_len
    out, i, n = [], 0, len(tokens)
    while i < n:
        if tokens[i].entity or tokens[i].kind == "punct":
            i += 1
            continue
        best, form, j = -1, "", i
        while j < n and not tokens[j].entity:
            if j > i and tokens[j].start != tokens[j - 1].end:
                break
            form += tokens[j].text
            if len(form) > max_len:
                break
            if form in entries:
                best = j
            j += 1
        if best >= 0:
            term = "".join(t.text for t in tokens[i : best + 1])
            out.append((term, i, best, tokens[i].start, tokens[best].end, ""))
            i = best + 1
            continue
        tok = tokens[i]
        if tok.kind == "han" and len(tok.text) > 2:
            form, k = tok.text, 0
            while k < len(form):
                for length in range(min(max_len, len(form) - k), 1, -1):
                    entry = entries.get(form[k : k + length])
                    if entry is not None and count_han(entry.term):
                        out.append((entry.term, i, i, tok.start + k, tok.start + k + length,
                                    form[:k]))
                        k += length
                        break
                else:
                    k += 1
        i += 1
    return [m for m in out if entries[m[0]].polarity != "neutral"]


def fast_matches(tokens, lexicon):
    return [(m.entry.term, m.first, m.last, m.start, m.end, m.prefix)
            for m in _find_matches(tokens, lexicon)]


# Whole entries, their pieces, compounds holding them, masks, modifiers, punctuation.
MATCH_WORDS = ("成功", "成", "功", "失败", "失", "败", "危机", "危", "风险", "风", "险", "投资",
               "风险投资", "风险投", "抗风险", "技术垄断", "垄断", "大危机感", "不", "很", "公司",
               "，", "“", "bug", "ab", "成功率")


def spaced_tokens(draw: bytes) -> list[Token]:
    """Tokens from a byte string: word, then flags (entity, space before it)."""
    out, pos = [], 0
    for k in range(0, len(draw) - 1, 2):
        word, flags = MATCH_WORDS[draw[k] % len(MATCH_WORDS)], draw[k + 1]
        pos += flags & 1  # a space between this token and the one before
        out.append(Token(word, pos, pos + len(word), token_kind(word), False,
                         "E" if flags & 6 == 6 else ""))
        pos += len(word)
    return out


@settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
@given(st.binary(max_size=30))
def test_matches_equal_the_plain_scan(lex, draw):
    tokens = spaced_tokens(draw)
    assert fast_matches(tokens, lex) == reference_matches(tokens, lex)


def test_matches_equal_the_plain_scan_with_a_tiny_form_cache(lex, monkeypatch):
    # The per-form cache is emptied when full; results must not depend on what it holds.
    monkeypatch.setattr(sentiment_lexicon, "_FORM_CACHE_SIZE", 3)
    for seed in range(300):
        tokens = spaced_tokens(bytes((seed * 7 + k * 13) % 256 for k in range(24)))
        assert fast_matches(tokens, lex) == reference_matches(tokens, lex)


def test_shipped_lexicon_matches_equal_the_plain_scan_on_the_seeds():
    root = Path(__file__).resolve().parents[1] / "seeds"
    lx, tk = default_lexicon(), default_tokenizer()
    n = 0
    for path in sorted(root.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            tokens = tk.tokenize(line)
            want = reference_matches(tokens, lx)
            assert fast_matches(tokens, lx) == want, line
            n += len(want)
    assert n > 100
