"""Paragraph sentiment (``framing.sentiment``): SnowNLP exactness and gate, sentence split,
per-article tables, corpus-wide tables, validation against the team's tone codes, CLI.

SnowNLP is slow (about 7,500 characters a second), so the seed corpus is scored once per
test session (``seed_tables``).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from framing import sentiment as S
from framing.errors import CorpusError, FramingError
from framing.textview import _is_han, count_han
from framing.tokens import default_tokenizer
from framing.units import ParagraphUnit, make_units

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "ai-talent-war"
DOC_000 = "000_dbf7afa30f9a52d6"
DOC_001 = "001_66ab1e2e055d30d8"
TITLE_001 = "Meta開天價“Offer”搶人,CEO親自下場,扎克伯格慌了嗎?"
OUTLETS = {DOC_000: "JER學家", DOC_001: "雲媒體"}
ARTICLES = pd.DataFrame({"doc_id": [DOC_000, DOC_001], "outlet": [OUTLETS[DOC_000],
                                                                    OUTLETS[DOC_001]],
                         "n_paragraphs": [56, 38]})


def seed_units() -> list[ParagraphUnit]:
    tk = default_tokenizer()
    units = []
    for doc, title in ((DOC_000, None), (DOC_001, TITLE_001)):
        text = (ROOT / "seeds" / f"{doc}.txt").read_text(encoding="utf-8")
        units += make_units(doc, text, tk, title)
    return units


@pytest.fixture(scope="session")
def units() -> list[ParagraphUnit]:
    return seed_units()


@pytest.fixture(scope="session")
def seed_tables(units) -> dict[str, pd.DataFrame]:
    tables = S.score_units(units)
    tables["paragraphs"] = tables["paragraphs"].merge(ARTICLES[["doc_id", "outlet"]],
                                                      on="doc_id")
    return tables


# ---------------------------------------------------------------- SnowNLP, exact


def test_snownlp_column_equals_snownlp_on_every_seed_paragraph(units, seed_tables):
    from snownlp import SnowNLP

    par = seed_tables["paragraphs"].set_index(["doc_id", "para_id"])
    assert len(par) == 94
    checked = 0
    for u in units:
        row = par.loc[(u.doc_id, u.para_id)]
        if u.role == "signoff":
            assert math.isnan(row["sentiment_snownlp"])
            assert row["sentiment_snownlp_reason"] == "signoff"
            continue
        expected = SnowNLP(u.text_analysis).sentiments
        assert abs(row["sentiment_snownlp"] - expected) <= 1e-9, (u.doc_id, u.para_id)
        assert row["sentiment_snownlp_reason"] == ""
        checked += 1
    assert checked == 93


def test_sentence_mean_is_mean_of_gated_sentences(seed_tables):
    sent = seed_tables["sentences"]
    par = seed_tables["paragraphs"].set_index(["doc_id", "para_id"])
    for (doc, pid), g in sent.groupby(["doc_id", "para_id"]):
        scored = g.loc[g["snownlp_reason"] == "", "snownlp"]
        row = par.loc[(doc, pid)]
        assert row["sentiment_snownlp_n_sentences"] == len(scored)
        if len(scored):
            assert row["sentiment_snownlp_sent_mean"] == pytest.approx(scored.mean(), abs=1e-12)


def test_snownlp_is_not_news_tone_on_the_seeds(seed_tables):
    # The documented failure: most seed paragraphs saturate near 1 after conversion.
    sn = seed_tables["paragraphs"]["sentiment_snownlp"].dropna()
    assert (sn > 0.9).mean() > 0.8 and (sn < 0.1).mean() == 0


# ---------------------------------------------------------------- gate


@pytest.mark.parametrize(("text", "role", "reason"), [
    ("", "body", "empty"),
    ("   \u3000\n", "body", "empty"),
    ("(JER學家)", "signoff", "signoff"),
    ("Hello world, this is English.", "body", "no_chinese"),
    ("12345", "body", "no_chinese"),
    ("=cmd|' /C calc'!A0", "body", "no_chinese"),
    ("好", "body", "too_few_han_chars"),
    ("Meta said the offer was OK 好的", "body", "low_han_share"),
    ("立即可得現金:1000~2000萬美元", "body", ""),
    ("这个手机很好用", "heading", ""),
])
def test_gate(text, role, reason):
    assert S.snownlp_gate(text, role) == reason


def test_gated_paragraphs_get_empty_score_and_reason():
    tk = default_tokenizer()
    article = "This paragraph is English only.\n12345\n好\n這是一場危機。\n(JER學家)\n"
    units = make_units("x", article, tk)
    rows = {r["para_id"]: r for r in S.score_article(units)["paragraphs"]}
    assert [rows[i]["sentiment_snownlp_reason"] for i in range(5)] == [
        "no_chinese", "no_chinese", "too_few_han_chars", "", "signoff"]
    for i in (0, 1, 2, 4):
        assert math.isnan(rows[i]["sentiment_snownlp"])
        assert math.isnan(rows[i]["sentiment_snownlp_sent_mean"])
    assert rows[4]["sentiment_lexicon_reason"] == "signoff"
    assert rows[0]["sentiment_lexicon_reason"] == "no_lexicon_hits"
    assert rows[3]["sentiment_lexicon"] == -1.0 and rows[3]["sentiment_lexicon_hits"] == 1


def test_empty_unit_does_not_crash():
    u = ParagraphUnit("x", 0, "body", "   ", "   ")
    row = S.score_article([u])["paragraphs"][0]
    assert row["sentiment_snownlp_reason"] == "empty"
    assert row["sentiment_lexicon_reason"] == "empty"


def test_snownlp_score_refuses_empty_text():
    with pytest.raises(FramingError):
        S.snownlp_score("")


def test_snownlp_scores_equal_one_by_one_whatever_the_cache_holds(monkeypatch):
    texts = ["这个手机很好用", "质量太差了", "这个手机很好用", "中国人民", "好", "质量太差了"]
    want = [snowfast_model().sentiment(t) for t in texts]
    assert S.snownlp_scores(texts) == want
    monkeypatch.setattr(S, "_SCORE_CACHE_SIZE", 2)  # emptied while the call fills it
    monkeypatch.setattr(S, "_score_cache", {"中国人民": S.snownlp_score("中国人民")})
    assert S.snownlp_scores(texts) == want
    assert S.snownlp_scores(texts[:1]) == want[:1] and S.snownlp_scores([]) == []
    with pytest.raises(FramingError):
        S.snownlp_scores(["好", ""])


def snowfast_model():
    from framing import snowfast

    return snowfast.FastSnowNLP()


def text_of(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    """Texts over ``alphabet`` drawn as one byte string (cheap enough for the full budget)."""
    return st.binary(max_size=max_size).map(lambda b: "".join(alphabet[x % len(alphabet)]
                                                              for x in b))


# Not one of #8's five properties: a smaller budget keeps the suite short.
@settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
@given(text_of("好坏的是公司 \u3000\tabc12。，!?“”《》😀", 12))
def test_gate_then_score_never_crashes(text):
    reason = S.snownlp_gate(text)
    assert reason in ("", *S.SNOWNLP_REASONS)
    if not reason:
        assert 0.0 <= S.snownlp_score(text) <= 1.0


# ---------------------------------------------------------------- sentences


def pieces(text: str, **kw) -> list[str]:
    return [text[s:e] for s, e in S.split_sentences(text, **kw)]


@pytest.mark.parametrize(("text", "expected"), [
    ("我们来了。你好！", ["我们来了。", "你好！"]),
    ("真的吗？！是的。", ["真的吗？！", "是的。"]),
    ("“我现在有一种强烈的感觉。”Chen写道，“请相信我们。”",
     ["“我现在有一种强烈的感觉。”", "Chen写道，“请相信我们。”"]),
    ("“第一句。第二句。”他说。", ["“第一句。第二句。”", "他说。"]),
    ("他读了《你好。世界》这本书。后来呢", ["他读了《你好。世界》这本书。", "后来呢"]),
    ('他说"A。B"就走了。好', ['他说"A。B"就走了。', "好"]),
    ("等等……然后。", ["等等……", "然后。"]),
    ("Wait... then. Done", ["Wait...", "then. Done"]),
    ("一；二;三", ["一；", "二;", "三"]),
    ("“没有结束。后面。", ["“没有结束。", "后面。"]),
    ("你好。 ”", ["你好。 ”"]),
    ("（完。）下一句", ["（完。）", "下一句"]),
    ("", []),
    ("   ", []),
])
def test_split_sentences_by_hand(text, expected):
    assert pieces(text) == expected


def test_long_sentences_are_cut_after_a_comma():
    text = "甲乙丙丁，" * 10 + "戊"  # 51 characters, commas at 4, 9, ...
    got = pieces(text, max_chars=12)
    assert got[0] == "甲乙丙丁，甲乙丙丁，"
    assert all(len(p) <= 12 for p in got)
    assert "".join(got) == text
    assert pieces("一" * 25, max_chars=10) == ["一" * 10, "一" * 10, "一" * 5]


# Not one of #8's five properties: a smaller budget keeps the suite short.
@settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
@given(text_of("甲乙 a1。！？!?；;….，,“”‘’「」《》\"()）\n", 40),
       st.integers(min_value=1, max_value=30))
@example("“。”“", 3)
def test_split_sentences_invariants(text, max_chars):
    spans = S.split_sentences(text, max_chars=max_chars)
    covered = set()
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        assert e - s <= max_chars
        assert not text[s].isspace() and not text[e - 1].isspace()
        covered.update(range(s, e))
        last = e
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


# ---------------------------------------------------------------- per-article tables


def test_score_article_tables_and_columns(seed_tables):
    par, hits, sent = (seed_tables[k] for k in ("paragraphs", "sentiment_hits", "sentences"))
    assert list(par.columns[:2]) == ["doc_id", "para_id"]
    assert [c for c, _, _ in S.PARAGRAPH_COLUMNS] == list(par.columns[2:-1])
    assert list(hits.columns) == [c for c, _, _ in S.TABLE_SCHEMAS["sentiment_hits"]]
    assert list(sent.columns) == [c for c, _, _ in S.TABLE_SCHEMAS["sentences"]]
    assert par["sentiment_lexicon"].dropna().between(-1, 1).all()
    assert set(par["sentiment_snownlp_reason"]) <= {"", *S.SNOWNLP_REASONS}
    assert set(par["sentiment_lexicon_reason"]) <= {"", *S.LEXICON_REASONS}
    assert (par["sentiment_lexicon_reason"] == "no_lexicon_hits").eq(
        par["sentiment_lexicon_hits"].eq(0) & par["sentiment_snownlp_reason"].ne("signoff")).all()
    assert hits["lexicon"].unique().tolist() == ["framing-news-polarity 1.0.0"]


def test_hits_quote_the_original_text_and_add_up(units, seed_tables):
    by_key = {(u.doc_id, u.para_id): u for u in units}
    hits = seed_tables["sentiment_hits"]
    for row in hits.itertuples():
        assert by_key[(row.doc_id, row.para_id)].text[row.start:row.end] == row.matched
    par = seed_tables["paragraphs"].set_index(["doc_id", "para_id"])
    sums = hits.groupby(["doc_id", "para_id"])["value"]
    pos = sums.apply(lambda v: v[v > 0].sum())
    neg = sums.apply(lambda v: -v[v < 0].sum())
    assert np.allclose(par.loc[pos.index, "sentiment_lexicon_pos"], pos)
    assert np.allclose(par.loc[neg.index, "sentiment_lexicon_neg"], neg)
    # the 困境 paragraph of seed 000 is negative for the lexicon (SnowNLP: 0.999)
    row = par.loc[(DOC_000, 20)]
    assert row["sentiment_lexicon"] < 0 and row["sentiment_snownlp"] > 0.9


def test_sentences_cover_paragraphs_and_carry_entities(units, seed_tables):
    sent = seed_tables["sentences"]
    zuck = sent[sent["entities"].str.contains("Mark Zuckerberg")]
    assert set(zuck["doc_id"]) == {DOC_000, DOC_001}
    by_key = {(u.doc_id, u.para_id): u for u in units}
    for row in sent.itertuples():
        assert by_key[(row.doc_id, row.para_id)].text[row.start:row.end] == row.text
    assert sent.groupby(["doc_id", "para_id"])["sent_id"].apply(
        lambda s: list(s) == list(range(len(s)))).all()


def test_score_article_is_deterministic(units):
    doc = [u for u in units if u.doc_id == DOC_001]
    assert S.score_article(doc) == S.score_article(list(reversed(doc)))


def test_articles_scored_together_equal_one_by_one(units, monkeypatch):
    # score_articles scores the SnowNLP texts of a batch of articles in one call; with the
    # per-text cache off, every text is scored anew both ways, and every row is the same.
    monkeypatch.setattr(S, "_SCORE_CACHE_SIZE", 0)
    by_doc: dict[str, list[ParagraphUnit]] = {}
    for u in units:
        by_doc.setdefault(u.doc_id, []).append(u)
    docs = [by_doc[d] for d in sorted(by_doc)]
    alone = [S.score_article(doc) for doc in docs]
    assert S.score_articles(docs) == alone
    assert S.score_articles([]) == []
    assert S.score_articles([[], docs[0]]) == [S.score_article([]), alone[0]]


HASH_TEXT = "這場危機並非不可收拾，但Meta和OpenAI都很焦慮。\n突破！"
HASH_SCRIPT = (
    "import sys; from framing.units import make_units; from framing.tokens import "
    "default_tokenizer; from framing import sentiment as S; "
    "S.snownlp_scores = lambda texts: [0.5] * len(texts); "
    "t = S.score_units(make_units('d', sys.argv[1], default_tokenizer())); "
    "sys.stdout.write(t['paragraphs'].to_csv() + t['sentiment_hits'].to_csv() + "
    "t['sentences'].to_csv())"
)


def test_same_output_under_another_hash_seed(monkeypatch):
    # framing's own code (sets, dicts) must not make the tables depend on the hash seed:
    # this process and a child with a different PYTHONHASHSEED must write the same tables.
    # SnowNLP is replaced by a constant to keep the test fast; the exactness test covers it.
    monkeypatch.setattr(S, "snownlp_scores", lambda texts: [0.5] * len(texts))
    t = S.score_units(make_units("d", HASH_TEXT, default_tokenizer()))
    here = t["paragraphs"].to_csv() + t["sentiment_hits"].to_csv() + t["sentences"].to_csv()
    seed = "4242" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    child = subprocess.run([sys.executable, "-c", HASH_SCRIPT, HASH_TEXT], check=True,
                           capture_output=True, text=True, encoding="utf-8",
                           env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONUTF8": "1",
                                "PYTHONIOENCODING": "utf-8"}).stdout
    assert child == here and "危机" in here and "Meta;OpenAI" in here


# ---------------------------------------------------------------- corpus-wide tables


def test_entity_sentiment_for_meta_and_openai_in_both_outlets(seed_tables):
    ent = S.entity_sentiment(seed_tables["sentences"], ARTICLES)
    assert list(ent.columns) == [c for c, _, _ in S.TABLE_SCHEMAS["entity_sentiment"]]
    for entity in ("Meta", "OpenAI", "Mark Zuckerberg"):  # 祖克柏 in 000, 扎克伯格 in 001
        rows = ent[ent["entity"] == entity]
        assert set(rows["outlet"]) == {"JER學家", "雲媒體"}, entity
        assert (rows["n_sentences"] > 0).all() and rows["snownlp_mean"].notna().all()
    meta = ent[ent["entity"] == "Meta"]
    assert meta["lexicon_mean"].notna().all()
    by_outlet = S.entity_sentiment_by_outlet(seed_tables["sentences"], ARTICLES)
    assert {"JER學家", "雲媒體"} <= set(by_outlet.loc[by_outlet["entity"] == "OpenAI", "outlet"])


def test_entity_sentiment_by_hand():
    sent = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b"], "para_id": [0, 0, 1, 0], "sent_id": [0, 1, 0, 0],
        "snownlp": [0.2, 0.8, np.nan, 0.5], "lexicon": [-1.0, np.nan, 0.5, 1.0],
        "entities": ["Meta;OpenAI", "Meta", "", "OpenAI"],
    })
    arts = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    ent = S.entity_sentiment(sent, arts).set_index(["doc_id", "entity"])
    assert ent.loc[("a", "Meta")].to_dict() == {
        "outlet": "X", "n_sentences": 2, "n_snownlp": 2, "snownlp_mean": 0.5,
        "n_lexicon": 1, "lexicon_mean": -1.0}
    assert ent.loc[("b", "OpenAI"), "lexicon_mean"] == 1.0
    assert len(ent) == 3


def test_sentiment_agreement_by_hand():
    par = pd.DataFrame({
        "outlet": ["X"] * 4 + ["Y"] * 2,
        "sentiment_snownlp": [0.9, 0.7, 0.3, 0.1, 0.6, np.nan],
        "sentiment_snownlp_sent_mean": [0.9, 0.7, 0.3, 0.1, 0.4, 0.5],
        "sentiment_lexicon": [1.0, 0.5, -0.5, -1.0, 0.5, 0.0],
    })
    agr = S.sentiment_agreement(par).set_index(["scope", "outlet", "snownlp_column"])
    x = agr.loc[("outlet", "X", "sentiment_snownlp")]
    assert x["n_paragraphs"] == 4 and x["spearman"] == pytest.approx(1.0)
    assert x["sign_agreement"] == 1.0
    y = agr.loc[("outlet", "Y", "sentiment_snownlp")]
    assert y["n_paragraphs"] == 1 and math.isnan(y["spearman"])
    overall = agr.loc[("overall", "", "sentiment_snownlp_sent_mean")]
    # signs: (+,+) (+,+) (-,-) (-,-) (-,+) (0,0) -> 5 of 6 agree
    assert overall["n_paragraphs"] == 6 and overall["sign_agreement"] == pytest.approx(5 / 6)


def test_seed_agreement_table(seed_tables):
    agr = S.sentiment_agreement(seed_tables["paragraphs"])
    assert len(agr) == 6 and set(agr["outlet"]) == {"", "JER學家", "雲媒體"}
    assert (agr["n_paragraphs"] > 20).all()


def test_sentiment_arcs(seed_tables):
    arcs = S.sentiment_arcs(seed_tables["paragraphs"], ARTICLES)
    assert list(arcs.columns) == [c for c, _, _ in S.TABLE_SCHEMAS["sentiment_arcs"]]
    first = arcs.groupby("doc_id")["position"].agg(["min", "max"])
    assert (first["min"] == 0).all() and (first["max"] == 1).all()
    row = arcs[(arcs["doc_id"] == DOC_001) & (arcs["para_id"] == 19)].iloc[0]
    assert row["position"] == pytest.approx(19 / 37)


def test_frame_sentiment_by_hand():
    par = pd.DataFrame({
        "outlet": ["X", "X", "X", "Y"], "dominant_frame": ["a", "a", "", "a"],
        "sentiment_lexicon": [1.0, 0.0, -1.0, np.nan],
        "sentiment_snownlp": [0.2, 0.4, 0.5, 0.9],
        "sentiment_snownlp_sent_mean": [0.2, 0.4, 0.5, 0.9],
    })
    fs = S.frame_sentiment(par).set_index(["outlet", "dominant_frame", "scorer"])
    xa = fs.loc[("X", "a", "sentiment_lexicon")]
    assert xa["n_paragraphs"] == 2 and xa["mean"] == 0.5
    assert xa["std"] == pytest.approx(math.sqrt(0.5))
    # half-width 1.96 * 0.707 / sqrt(2) = 0.98: the upper end is clipped to the scale's 1
    assert xa["ci_low"] == pytest.approx(0.5 - 0.98) and xa["ci_high"] == 1.0
    assert fs.loc[("X", "(none)", "sentiment_snownlp"), "mean"] == 0.5
    assert fs.loc[("Y", "a", "sentiment_lexicon"), "n_paragraphs"] == 0
    assert math.isnan(fs.loc[("Y", "a", "sentiment_snownlp"), "std"])


# ---------------------------------------------------------------- validation


def test_team_tone_sheet_covers_the_seed_paragraphs(units):
    sheet = pd.read_csv(CORPUS / "coding" / "tone_team.csv", dtype=str, keep_default_na=False)
    assert list(sheet.columns) == ["doc_id", "para_id", "coder", "tone"]
    assert len(sheet) == 94 and set(sheet["coder"]) == {"team_a"}
    roles = {(u.doc_id, str(u.para_id)): u.role for u in units}
    for row in sheet.itertuples():
        assert (row.tone == "") == (roles[(row.doc_id, row.para_id)] == "signoff")
    codes = S.read_tone_codes(CORPUS / "coding" / "tone_team.csv")
    assert len(codes) == 93 and set(codes["tone"]) == set(S.TONES)


def test_tone_validation_on_the_seeds(seed_tables):
    codes = S.read_tone_codes(CORPUS / "coding" / "tone_team.csv")
    val = S.tone_validation(seed_tables["paragraphs"], codes, n_boot=0).set_index("scorer")
    assert (val["n"] == 93).all()
    lex, sn = val.loc["sentiment_lexicon"], val.loc["sentiment_snownlp"]
    # figures reported in docs/sentiment.md
    assert lex["spearman"] == pytest.approx(0.504, abs=0.001)
    assert sn["spearman"] == pytest.approx(0.096, abs=0.001)
    assert lex["alpha"] > 0.3 > sn["alpha"]
    choice = S.choose_scorer(val.reset_index())
    assert choice.column == "sentiment_lexicon" and "0.50" in choice.reason


def test_choose_scorer_rules():
    assert S.preferred_scorer(None) == S.DEFAULT_SCORER
    v = pd.DataFrame({"scorer": ["sentiment_lexicon", "sentiment_snownlp"],
                      "coder": ["a", "a"], "n": [50, 50], "spearman": [0.1, 0.3]})
    assert S.preferred_scorer(v) == "sentiment_snownlp"
    v["n"] = [50, 10]  # too few paragraphs to trust SnowNLP's figure
    assert S.preferred_scorer(v) == "sentiment_lexicon"
    v["spearman"] = [0.3, 0.3]
    v["n"] = [50, 50]
    assert S.preferred_scorer(v) == "sentiment_lexicon"  # tie: lexicon first


@pytest.mark.parametrize(("body", "message"), [
    ("doc_id,para_id,coder\n", "missing column"),
    ("doc_id,para_id,coder,tone\nd,0,a,bad\n", r"tone\.csv:2: tone must be one of"),
    ("doc_id,para_id,coder,tone\nd,x,a,neutral\n", r"tone\.csv:2: para_id must be an integer"),
    ("doc_id,para_id,coder,tone\nd,0,a,neutral\nd,0,a,positive\n", r"tone\.csv:3: .*twice"),
])
def test_bad_tone_sheets(tmp_path, body, message):
    path = tmp_path / "tone.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        S.read_tone_codes(path)


# ---------------------------------------------------------------- figures and CLI


def test_figures(seed_tables, tmp_path):
    from framing import figures_sentiment as F

    arcs = S.sentiment_arcs(seed_tables["paragraphs"], ARTICLES)
    paths = F.write_sentiment_arcs(arcs, tmp_path)
    par = seed_tables["paragraphs"].assign(
        dominant_frame=np.where(seed_tables["paragraphs"]["para_id"] % 2, "戰略焦慮", ""))
    paths += F.write_frame_sentiment(S.frame_sentiment(par), tmp_path, "sentiment_snownlp")
    assert sorted(p.name for p in paths) == ["frame_sentiment.png", "frame_sentiment.svg",
                                             "sentiment_arcs.png", "sentiment_arcs.svg"]
    assert all(p.stat().st_size > 1000 for p in paths)


def test_cli_prints_summary(capsys):
    from framing.cli import main

    assert main(["sentiment", str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert "framing-news-polarity 1.0.0 (MIT)" in out
    assert "Default scorer: sentiment_lexicon" in out
    assert "JER學家" in out and "雲媒體" in out and "Agreement with human tone codes" in out
    assert "by dominant frame and outlet" in out


def test_table_schemas_are_well_formed():
    types = {"string", "integer", "number", "boolean", "date"}
    for name, cols in [*S.TABLE_SCHEMAS.items(), ("paragraphs", S.PARAGRAPH_COLUMNS)]:
        assert all(t in types and desc for _, t, desc in cols), name
        names = [c for c, _, _ in cols]
        assert len(names) == len(set(names)) and all(c.isascii() for c in names)


def test_corpus_tone_validation_and_metadata(seed_tables, tmp_path):
    empty = S.corpus_tone_validation(tmp_path, seed_tables["paragraphs"])
    assert empty.empty and list(empty.columns) == [
        c for c, _, _ in S.TABLE_SCHEMAS["sentiment_validation"]]
    val = S.corpus_tone_validation(CORPUS, seed_tables["paragraphs"], n_boot=0)
    assert list(val["scorer"]) == sorted(S.SCORER_COLUMNS) and (val["coder"] == "team_a").all()
    meta = S.lexicon_metadata()
    assert meta["name"] == "framing-news-polarity" and meta["licence"] == "MIT"
    assert int(meta["n_negative"]) >= 500 and len(meta["terms_sha256"]) == 64


# ---------------------------------------------------------------- fast paths = plain rules
# The per-article code takes shortcuts for speed (issue #7); each is checked here against the
# plain, one-character-at-a-time statement of the same rule.


def reference_sentence_ends(text: str) -> list[int]:
    """Rules 1-2 of split_sentences, scanning every character (the pre-#7 code)."""
    stack, spans = [], []  # stack: (closing mark awaited, offset of the opener)
    for i, ch in enumerate(text):
        waiting = [k for k, (closer, _) in enumerate(stack) if closer == ch]
        if waiting and (ch in S._SELF_QUOTES or ch in S._CLOSING):
            spans.append((stack[waiting[-1]][1], i))  # innermost opener it closes
            del stack[waiting[-1]:]
        elif ch in S._SELF_QUOTES or ch in S._PAIRS:
            stack.append((S._PAIRS.get(ch, ch), i))
    closes = {c for _, c in spans}
    inside = [sum(1 for o, c in spans if o < p < c) for p in range(len(text))]
    ends, i, n = [], 0, len(text)
    while i < n:
        if not (text[i] in S._TERMINATORS or text.startswith("...", i)):
            i += 1
            continue
        j = i
        while j < n and (text[j] in S._TERMINATORS or text.startswith("...", j)
                         or (j > i and text[j] == "." and text[j - 1] == ".")):
            j += 1
        while j < n and (text[j] in S._TRAILING_CLOSERS or (text[j] in S._SELF_QUOTES
                                                           and j in closes)):
            j += 1
        if inside[j - 1] == 0:
            ends.append(j)
        i = j
    return ends


@settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
@given(text_of("甲 a。！？!?；;….，“”‘’「」『』《》〈〉\"＂)）】]\n", 40))
@example("....。”")
@example("“a...”b")
def test_sentence_ends_equal_a_scan_of_every_character(text):
    assert S._sentence_ends(text) == reference_sentence_ends(text)


# Han from every range count_han knows (and just outside them), and assorted white space.
_GATE_ALPHABET = ("好一鿿㐀䶿𠀀𱍏豈﫿〇ぁ\u4dc0\U00031350"
                  " \t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000\u200bab1。")


@settings(max_examples=min(EXAMPLES, 1000), derandomize=True, deadline=None)
@given(text_of(_GATE_ALPHABET, 12))
def test_gate_counts_equal_a_plain_count(text):
    # The gate's two counts, done in C, against one Python step per character.
    assert count_han(text) == sum(map(_is_han, text))
    assert S.visible_chars(text) == sum(1 for ch in text if not ch.isspace())


def test_split_on_white_space_is_isspace():
    # snownlp_gate counts visible characters with str.split(): it must cut exactly where
    # str.isspace() is true, for every code point.
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        assert (ch.split() == []) == ch.isspace(), hex(cp)


def test_sentence_mean_is_numpy_mean():
    # Seeded draws, not hypothesis: list strategies of floats are slow to generate.
    rng = np.random.default_rng(20250704)
    for n in [*range(1, 21)] * 500:
        values = (rng.random(n) ** rng.integers(1, 10)).tolist()
        assert S._mean(values).hex() == float(np.mean(values)).hex(), values


def test_arcs_of_many_articles_are_outlet_means_by_position(tmp_path):
    # Beyond ARC_LINES articles the figure draws each outlet's mean per position bin,
    # computed by hand here: outlet A scores 0.1 x bin, outlet B minus that.
    from framing import figures_sentiment as F

    n = F.ARC_LINES + 1
    rows = [{"doc_id": f"d{i:03d}", "para_id": j, "outlet": "A" if i % 2 else "B",
             "position": j / 9, "sentiment_lexicon": (0.1 if i % 2 else -0.1) * j}
            for i in range(n) for j in range(10)]
    fig = F.sentiment_arcs_figure(pd.DataFrame(rows), "sentiment_lexicon")
    lines = {ln.get_label(): ln.get_ydata() for ln in fig.axes[0].get_lines()
             if not ln.get_label().startswith("_")}
    assert sorted(lines) == ["A", "B"]
    np.testing.assert_allclose(lines["A"], [0.1 * j for j in range(10)])
    np.testing.assert_allclose(lines["B"], [-0.1 * j for j in range(10)])
    assert f"{n:,} articles" in fig.axes[0].get_title()


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="M;祖克柏a", max_size=8)), max_size=8),
       st.sampled_from(["str", object]))
def test_entities_split_like_pandas_explode(entities, dtype):
    # One row per (sentence, entity), split by Arrow: the frame str.split(";") + explode give.
    from framing.sentiment import _explode_entities

    df = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(entities))],
                       "entities": pd.Series(entities, dtype=dtype),
                       "snownlp": 0.5, "lexicon": 1.0})
    ref = df[df["entities"].fillna("") != ""].copy()
    ref["entity"] = ref["entities"].str.split(";")
    pd.testing.assert_frame_equal(_explode_entities(df), ref.explode("entity"))
