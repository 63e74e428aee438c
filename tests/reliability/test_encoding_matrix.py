"""Encoding matrix: UTF-8, UTF-8 with BOM, UTF-16, GB18030, GBK, CP950, Big5-HKSCS x
samples in Simplified, Taiwan Traditional (with 裏), Hong Kong (赤鱲角), a CJK extension-B
character (𠮷) and mixed text; the legacy-encoding traps; and hypothesis properties that no
text in a legacy encoding is ever mis-decoded.

A *mis-decode* is a successful undeclared decoding whose text differs from the text the
bytes were written from. It must never happen: detection either returns the exact text or
raises DecodeError with a reason. Each cell is also decoded with its encoding declared,
which must always give the text.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.encoding import (
    BIG5_MAPPING_VARIANTS,
    DecodeError,
    decode_bytes,
    plausibility,
)

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
BIG5_MAPPING_VARIANTS_INV = {v: k for k, v in BIG5_MAPPING_VARIANTS.items()}
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, deadline=None)


# ---------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------

SAMPLES: dict[str, str] = {
    "simplified_news": (
        "新华社北京7月3日电 国务院新闻办公室3日举行新闻发布会，介绍今年上半年经济运行情况。"
        "国家统计局新闻发言人表示，上半年国内生产总值同比增长5.3%，就业形势总体稳定，"
        "居民消费价格温和上涨。"
    ),
    "taiwan_traditional": (
        "中央社記者台北3日電 行政院今天召開記者會說明颱風應變措施，院長表示，災區裏的居民"
        "已全數撤離，政府會在這裡設立臨時收容所，並提供飲水與醫療服務。"
    ),
    "hong_kong": (
        "香港國際機場位於大嶼山赤鱲角，今日多班航班因暴雨延誤。機管局發言人表示，旅客應留意"
        "航空公司最新公布，預留充足時間前往機場，港鐵機場快綫服務維持正常。"
    ),
    "extension_b": (
        "“𠮷”字是“吉”的异体字，收录在中日韩统一表意文字扩展B区。日本连锁餐厅“𠮷野家”的"
        "招牌上就使用了这个字，但许多旧系统无法正确显示它。"
    ),
    "mixed_scripts_english": (
        "Reuters報道，美國總統Trump周四表示，将对进口汽车加征25%关税；台灣經濟部回應稱，"
        "會與業者密切溝通，评估对出口的影响。(Reuters, July 3)"
    ),
}

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "cp950", "big5hkscs"]

#: Codec reported when the encoding is declared.
DECLARED_AS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "cp950": "cp950",
    "big5hkscs": "big5hkscs",
}


def encode_cell(sample: str, encoding: str) -> bytes | str:
    """The sample's bytes, or the reason it cannot be encoded (a str)."""
    try:
        data = sample.encode(encoding)
    except UnicodeEncodeError as exc:
        char = exc.object[exc.start]
        return f"{char!r} (U+{ord(char):04X}) at position {exc.start} is not in {encoding}"
    if data.decode(encoding) != sample:
        return f"{encoding} does not round-trip this sample"
    return data


CELLS = [(name, enc) for name in SAMPLES for enc in ENCODINGS]


def test_samples_are_long_and_have_the_required_characters() -> None:
    assert all(len(text) > 40 for text in SAMPLES.values())
    assert "裏" in SAMPLES["taiwan_traditional"] and "裡" in SAMPLES["taiwan_traditional"]
    assert "赤鱲角" in SAMPLES["hong_kong"]
    assert "𠮷" in SAMPLES["extension_b"]


@pytest.mark.parametrize(("name", "encoding"), CELLS)
def test_matrix_cell(name: str, encoding: str) -> None:
    sample = SAMPLES[name]
    data = encode_cell(sample, encoding)
    if isinstance(data, str):
        pytest.skip(f"{name} x {encoding}: not encodable: {data}")

    declared = decode_bytes(data, declared=encoding, source=f"{name}.txt")
    assert declared.text == sample
    assert declared.encoding == DECLARED_AS[encoding]
    assert declared.detected is False

    try:
        detected = decode_bytes(data, source=f"{name}.txt")
    except DecodeError:
        return  # refusing is allowed; a different text is not
    assert detected.text == sample, f"mis-decode as {detected.encoding}"
    assert detected.detected is True


def run_matrix() -> dict[str, list[str]]:
    """Run every cell; return the cells by outcome (with skip reasons)."""
    outcome: dict[str, list[str]] = {"exact": [], "refused": [], "mis_decoded": [], "skipped": []}
    for name, encoding in CELLS:
        data = encode_cell(SAMPLES[name], encoding)
        if isinstance(data, str):
            outcome["skipped"].append(f"{name} x {encoding}: {data}")
            continue
        try:
            result = decode_bytes(data)
        except DecodeError as exc:
            outcome["refused"].append(f"{name} x {encoding}: {exc.reason}")
            continue
        label = f"{name} x {encoding} -> {result.encoding}"
        key = "exact" if result.text == SAMPLES[name] else "mis_decoded"
        outcome[key].append(label)
    return outcome


def test_matrix_has_no_mis_decodes(figure) -> None:
    outcome = run_matrix()
    figure("encoding_matrix.cells", len(CELLS))
    figure("encoding_matrix.outcomes", {k: len(v) for k, v in outcome.items()})
    figure("encoding_matrix.mis_decodes", len(outcome["mis_decoded"]))
    assert outcome["mis_decoded"] == []
    assert len(outcome["exact"]) + len(outcome["refused"]) == 27
    assert len(outcome["skipped"]) == 8


def test_matrix_realistic_samples_are_all_detected() -> None:
    """Regression check on detection power: every encodable cell is read, not refused."""
    outcome = run_matrix()
    assert outcome["refused"] == []
    assert set(outcome["exact"]) >= {
        "simplified_news x gbk -> gb18030",
        "taiwan_traditional x cp950 -> cp950",
        "taiwan_traditional x big5hkscs -> cp950",  # identical text: reported as cp950
        "hong_kong x big5hkscs -> big5hkscs",  # 鱲 is not in cp950
        "extension_b x gb18030 -> gb18030",
        "mixed_scripts_english x utf-16 -> utf-16",
        "hong_kong x utf-8-sig -> utf-8-sig",
    }


# ---------------------------------------------------------------------------
# Legacy-encoding traps
# ---------------------------------------------------------------------------


def test_cp950_bytes_are_not_accepted_as_gb18030_garbage() -> None:
    data = SAMPLES["taiwan_traditional"].encode("cp950")
    garbage = data.decode("gb18030")  # the trap: this "succeeds"
    assert garbage != SAMPLES["taiwan_traditional"]
    assert plausibility(garbage)[0] < 0.4
    result = decode_bytes(data)
    assert (result.encoding, result.text) == ("cp950", SAMPLES["taiwan_traditional"])


def test_hong_kong_characters_need_big5hkscs() -> None:
    text = "臺灣總統府今天發表聲明，赤鱲角機場。"  # research note 2.3: jieba garbles these bytes
    data = text.encode("big5hkscs")
    with pytest.raises(UnicodeDecodeError):
        data.decode("cp950")
    result = decode_bytes(data)
    assert (result.encoding, result.text) == ("big5hkscs", text)


def test_big5_alias_decodes_li_with_cp950() -> None:
    with pytest.raises(UnicodeDecodeError):
        "裏".encode("cp950").decode("big5")  # why 'big5' means cp950 here
    result = decode_bytes("這裏".encode("cp950"), declared="big5")
    assert (result.text, result.encoding) == ("這裏", "cp950")


def test_big5_name_dot_reads_as_cp950() -> None:
    # 0xA145 is the name dot of Taiwanese transliterations: '‧' in CP950, '•' in Big5-HKSCS's
    # table. Same symbol, two mapping tables: undeclared text is read as CP950.
    text = (
        "美國總統川普（Donald Trump）與約翰‧史密斯今天在白宮會面，雙方就關稅與貿易議題"
        "交換意見，並同意下週繼續協商。"
    )
    data = text.encode("cp950")
    assert data.decode("big5hkscs") == text.replace("‧", "•")
    got = decode_bytes(data)
    assert (got.text, got.encoding, got.detected) == (text, "cp950", True)
    assert "•" in decode_bytes(data, declared="big5hkscs").text


@pytest.mark.parametrize("symbol", sorted(BIG5_MAPPING_VARIANTS.values()))
def test_every_big5_mapping_variant_reads_as_cp950(symbol: str) -> None:
    text = f"行政院今天召開記者會{symbol}說明颱風應變措施與災區的居民撤離情況"
    hk = BIG5_MAPPING_VARIANTS_INV[symbol]
    assert text.encode("cp950").decode("big5hkscs") == text.replace(symbol, hk)
    assert decode_bytes(text.encode("cp950")).text == text


def test_big5_tables_disagreeing_on_the_symbol_itself_is_refused() -> None:
    # 0xC6A5..: hiragana in CP950, circled numbers in Big5-HKSCS: different symbols, tied
    # scores: refused rather than guessed.
    text = "行政院今天召開記者會說明颱風應變措施，ぁあぃい災區的居民已全數撤離"
    data = text.encode("cp950")
    assert data.decode("big5hkscs") != text
    with pytest.raises(DecodeError, match="too close"):
        decode_bytes(data)
    assert decode_bytes(data, declared="cp950").text == text


@pytest.mark.parametrize(
    ("text", "codec", "fragment"),
    [
        (
            "대한민국 정부는 오늘 서울에서 기자회견을 열고 새로운 경제 정책을 발표했다. "
            "장관은 물가 안정을 최우선 과제로 삼겠다고 말했다.",
            "euc-kr",
            "not Chinese words",
        ),
        (
            "日本政府は本日、東京で記者会見を開き、新しい経済政策を発表した。"
            "大臣は物価の安定を最優先課題にすると述べた。",
            "euc-jp",
            "not Chinese words",
        ),
        (
            "日本政府は本日、東京で記者会見を開き、新しい経済政策を発表した。"
            "大臣は物価の安定を最優先課題にすると述べた。",
            "shift_jis",
            "no candidate reads as Chinese",
        ),
        (
            "Le gouvernement a annoncé aujourd’hui à Paris une nouvelle politique économique.",
            "cp1252",
            "not recognisably GB18030, Big5 or Big5-HKSCS",
        ),
        ("中文", "gb18030", "only 2 non-ASCII characters"),
        ("香港", "big5hkscs", "only 2 non-ASCII characters"),
    ],
)
def test_other_encodings_and_short_texts_are_refused(text: str, codec: str, fragment: str) -> None:
    with pytest.raises(DecodeError, match=fragment) as info:
        decode_bytes(text.encode(codec), source="a.txt")
    assert "declare" in info.value.reason


def test_plausibility_scores() -> None:
    assert plausibility("")[0] == 0.0
    assert plausibility("abc 123") == (0.0, 0)
    score, n = plausibility(SAMPLES["simplified_news"])
    assert score > 0.9 and n > 80
    assert plausibility(SAMPLES["taiwan_traditional"])[0] > 0.9


# ---------------------------------------------------------------------------
# No mis-decodes on realistic and arbitrary text
# ---------------------------------------------------------------------------

LEGACY = ("gb18030", "cp950", "big5hkscs")


def _check_no_mis_decode(text: str, codecs_: tuple[str, ...] = LEGACY) -> None:
    """For each legacy encoding the text fits in, undeclared decoding is exact or refused."""
    non_ascii = sum(1 for c in text if c >= "\x80")
    for codec in codecs_:
        data = encode_cell(text, codec)
        if isinstance(data, str):
            continue
        try:
            result = decode_bytes(data)
        except DecodeError:
            continue
        if result.text != text:
            # Only the documented UTF-8-first rule may misread bytes, and only for
            # texts too short to matter: a few legacy characters can form valid UTF-8.
            assert result.encoding == "utf-8" and non_ascii < 8, (codec, result)


CORPUS = "".join(SAMPLES.values()) + (
    "台灣積體電路製造公司今天公布第二季財報，營收與獲利均創新高，董事長在法說會上表示，"
    "人工智慧需求強勁，明年資本支出將維持高檔。"
    "国家发展改革委副主任在发布会上说，将加快推进重大项目建设，稳定就业和物价，"
    "确保全年经济社会发展目标任务顺利完成。"
)
MAX_WINDOW = 60
N_WINDOW_CASES = len(CORPUS) * MAX_WINDOW * len(LEGACY)


def _window_case(index: int) -> tuple[str, str]:
    """Decode an integer into (window of CORPUS, legacy codec)."""
    index, codec_i = divmod(index, len(LEGACY))
    start, length = divmod(index, MAX_WINDOW)
    return CORPUS[start : start + length + 1], LEGACY[codec_i]


@PROPERTY
@given(st.integers(min_value=0, max_value=N_WINDOW_CASES - 1).map(_window_case))
def test_realistic_windows_never_mis_decode(case: tuple[str, str]) -> None:
    text, codec = case
    _check_no_mis_decode(text, (codec,))


@PROPERTY
@given(st.text())
def test_arbitrary_text_in_legacy_encodings_never_mis_decodes(text: str) -> None:
    _check_no_mis_decode(text)
