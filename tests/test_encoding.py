"""Tests for framing.encoding: the encoding x sample matrix (no mis-decodes), BOMs,
binary files, byte offsets in messages, the common-character data file, and
hypothesis properties on arbitrary text and bytes.

A *mis-decode* is a successful undeclared decoding whose text differs from the text
the bytes were written from.  It must never happen: detection either returns the
exact text or raises DecodeError.
"""

from __future__ import annotations

import codecs
import copy
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.encoding import (
    BIG5_MAPPING_VARIANTS,
    ENCODING_ALIASES,
    Decoded,
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


def test_matrix_has_no_mis_decodes() -> None:
    outcome = run_matrix()
    print("\nencoding matrix:", {k: len(v) for k, v in outcome.items()})
    for key, cells in outcome.items():
        for cell in cells:
            print(f"  {key}: {cell}")
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


def test_common_hanzi_data_file() -> None:
    path = Path(__file__).resolve().parents[1] / "framing" / "data" / "common_hanzi.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = "\n".join(line for line in lines if line.startswith("#"))
    chars = [line for line in lines if line and not line.startswith("#")]
    assert "jieba" in header and "MIT" in header
    assert "OpenCC" in header and "Apache-2.0" in header
    assert "build_common_hanzi.py" in header
    assert all(len(c) == 1 for c in chars)
    assert len(chars) == len(set(chars)) >= 5000
    assert set("的是中国新闻记者这里后发") <= set(chars)  # Simplified
    assert set("這裏裡後發髮記聞臺灣") <= set(chars)  # Traditional forms
    assert not set("鐨紝銆殑") & set(chars)  # jieba's mojibake entries are excluded


# ---------------------------------------------------------------------------
# BOMs, empty input, line endings
# ---------------------------------------------------------------------------

TEXT = "新华社北京电\r\n第二段\n"


def test_utf8_bom_is_removed_and_recorded() -> None:
    data = codecs.BOM_UTF8 + TEXT.encode("utf-8")
    assert decode_bytes(data) == Decoded(TEXT, "utf-8-sig", True, True)
    assert decode_bytes(data, declared="utf-8") == Decoded(TEXT, "utf-8-sig", True, False)
    assert decode_bytes(data, declared="UTF-8-SIG") == Decoded(TEXT, "utf-8-sig", True, False)


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_boms(bom: bytes) -> None:
    body = TEXT.encode("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be")
    assert decode_bytes(bom + body) == Decoded(TEXT, "utf-16", True, True)
    assert decode_bytes(bom + body, declared="utf16") == Decoded(TEXT, "utf-16", True, False)


def test_utf16_odd_length_reports_offset() -> None:
    data = codecs.BOM_UTF16_LE + "新华社".encode("utf-16-le") + b"\x41"
    with pytest.raises(DecodeError, match="not valid UTF-16 at byte 8") as info:
        decode_bytes(data, source="a.txt")
    assert info.value.offset == 8


@pytest.mark.parametrize(
    ("data", "declared", "fragment"),
    [
        (codecs.BOM_UTF8 + b"abc", "gbk", "UTF-8 byte-order mark"),
        (codecs.BOM_UTF8 + b"abc", "utf-16", "UTF-8 byte-order mark"),
        (codecs.BOM_UTF16_LE + "新".encode("utf-16-le"), "utf-8", "UTF-16 byte-order mark"),
        (codecs.BOM_UTF16_BE + "新".encode("utf-16-be"), "big5", "UTF-16 byte-order mark"),
        (codecs.BOM_UTF32_LE + "新".encode("utf-32-le"), None, "UTF-32"),
        (codecs.BOM_UTF32_BE + "新".encode("utf-32-be"), "utf-16", "UTF-32"),
        ("新华社".encode("utf-16-le"), "utf-16", "no byte-order mark"),
    ],
)
def test_bom_conflicts_and_unsupported(data: bytes, declared: str | None, fragment: str) -> None:
    with pytest.raises(DecodeError, match=fragment):
        decode_bytes(data, declared=declared)


def test_only_the_leading_bom_is_removed_and_line_endings_kept() -> None:
    text = "第一段\r\n\ufeff第二段\r第三段\n"
    result = decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert result.text == text


@pytest.mark.parametrize("declared", [None, "utf-8", "gbk", "big5", "utf-8-sig"])
def test_empty_input(declared: str | None) -> None:
    result = decode_bytes(b"", declared=declared)
    assert result.text == ""
    assert result.had_bom is False
    assert result.detected is (declared is None)


def test_declared_utf8_sig_without_bom_is_plain_utf8() -> None:
    assert decode_bytes("新闻".encode(), declared="utf-8-sig").encoding == "utf-8"


def test_ascii_is_utf8() -> None:
    assert decode_bytes(b"Reuters, July 3") == Decoded("Reuters, July 3", "utf-8", False, True)


# ---------------------------------------------------------------------------
# Binary files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "zip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00", "GIF"),
        ("新华社北京电".encode() + b"\x00\x01\x02", "NUL byte at byte 18"),
        ("abc 新华社".encode("utf-16-le"), "NUL byte"),
    ],
)
def test_binary_files_are_refused(data: bytes, kind: str) -> None:
    for declared in (None, "utf-8", "gb18030"):
        with pytest.raises(DecodeError, match="binary file") as info:
            decode_bytes(data, declared=declared, source="articles/a.txt")
        assert kind in str(info.value)
        assert str(info.value).startswith("'articles/a.txt': binary file")


def test_utf16_with_bom_may_contain_nul_bytes() -> None:
    data = "abc 新华社".encode("utf-16")  # ASCII in UTF-16 has NUL bytes
    assert b"\x00" in data
    assert decode_bytes(data).text == "abc 新华社"


# ---------------------------------------------------------------------------
# Invalid bytes: offsets and messages
# ---------------------------------------------------------------------------


def test_invalid_utf8_declared_reports_offset() -> None:
    data = "新华社北京电".encode() + b"\xff" + "消息".encode()
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, declared="utf-8", source="articles/a.txt")
    err = info.value
    assert err.offset == 18
    assert err.source == "articles/a.txt"
    assert str(err) == "'articles/a.txt': not valid UTF-8 at byte 18 on line 1 (0xff)"
    # The line is counted by newline bytes, so a text editor finds it.
    with pytest.raises(DecodeError, match=r"at byte 14 on line 3 \(0xff\)"):
        decode_bytes("第一\n第二\n".encode() + b"\xff", declared="utf-8")


def test_declared_encoding_contradicted_by_the_bytes() -> None:
    # GB18030 decodes these UTF-8 bytes without error, as mojibake: refused, naming UTF-8.
    data = "中文新闻报道内容".encode()
    assert data.decode("gb18030") != "中文新闻报道内容"
    with pytest.raises(DecodeError, match="as UTF-8 it does"):
        decode_bytes(data, declared="gbk")
    # UTF-8 bytes that GB18030 cannot decode: the message says the file is UTF-8.
    with pytest.raises(DecodeError, match="the file is valid UTF-8"):
        decode_bytes("中文新闻报道内容。".encode(), declared="gbk")
    # A declaration that gives plausible text wins, even if another codec decodes too.
    hk = "香港國際機場位於大嶼山赤鱲角，今日多班航班因暴雨延誤。"
    assert decode_bytes(hk.encode("big5hkscs"), declared="big5hkscs").text == hk
    simp = "国务院新闻办公室举行新闻发布会介绍经济运行情况"
    assert decode_bytes(simp.encode("gbk"), declared="gbk").text == simp


def test_truncated_utf8_sequence_offset() -> None:
    data = b"abc" + "新".encode()[:2]
    with pytest.raises(DecodeError, match="at byte 3") as info:
        decode_bytes(data, declared="utf8")
    assert info.value.offset == 3


def test_invalid_after_utf8_bom_counts_the_bom() -> None:
    data = codecs.BOM_UTF8 + b"abc\xff"
    with pytest.raises(DecodeError, match="at byte 6") as info:
        decode_bytes(data)
    assert info.value.offset == 6


def test_invalid_declared_legacy_encoding_reports_offset() -> None:
    data = "新华社".encode("gb18030") + b"\xff"
    with pytest.raises(DecodeError, match="not valid GB18030 at byte 6") as info:
        decode_bytes(data, declared="gbk")
    assert info.value.offset == 6


def test_undecodable_undeclared_message() -> None:
    data = b"A" * 17 + b"\xff\xff" + b"tail"
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, source="articles/a.txt")
    message = str(info.value)
    assert message.startswith("'articles/a.txt': not valid UTF-8 at byte 17")
    assert message.endswith(
        "and not recognisably GB18030, Big5 or Big5-HKSCS; declare the encoding"
    )
    assert info.value.offset == 17


def test_message_without_source_has_no_prefix() -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(b"%PDF-1.4")
    assert str(info.value) == info.value.reason
    assert info.value.source == ""


def test_decode_error_survives_copying() -> None:
    err = DecodeError("not valid UTF-8 at byte 3 (0xff)", source="a.txt", offset=3)
    clone = copy.deepcopy(err)  # goes through __reduce__, as pickling does
    assert (clone.reason, clone.source, clone.offset, str(clone)) == (
        err.reason,
        err.source,
        err.offset,
        str(err),
    )
    assert isinstance(err, ValueError)


# ---------------------------------------------------------------------------
# Declared names
# ---------------------------------------------------------------------------

ALIAS_SAMPLE = {
    "utf-8": ("taiwan_traditional", "utf-8"),
    "utf-8-sig": ("taiwan_traditional", "utf-8-sig"),
    "utf-16": ("taiwan_traditional", "utf-16"),
    "gb18030": ("extension_b", "gb18030"),
    "cp950": ("taiwan_traditional", "cp950"),
    "big5hkscs": ("hong_kong", "big5hkscs"),
}


@pytest.mark.parametrize("alias", sorted(ENCODING_ALIASES))
def test_every_alias_decodes(alias: str) -> None:
    codec = ENCODING_ALIASES[alias]
    name, encode_with = ALIAS_SAMPLE[codec]
    data = SAMPLES[name].encode(encode_with)
    result = decode_bytes(data, declared=alias)
    assert result.text == SAMPLES[name]
    assert result.encoding == codec
    assert result.detected is False


def test_required_aliases_are_present() -> None:
    required = {
        "utf8": "utf-8",
        "utf-8": "utf-8",
        "utf-8-sig": "utf-8-sig",
        "utf16": "utf-16",
        "utf-16": "utf-16",
        "gbk": "gb18030",
        "gb2312": "gb18030",
        "gb18030": "gb18030",
        "big5": "cp950",
        "cp950": "cp950",
        "big5-hkscs": "big5hkscs",
        "big5hkscs": "big5hkscs",
        "hkscs": "big5hkscs",
    }
    assert required.items() <= ENCODING_ALIASES.items()


@pytest.mark.parametrize("spelling", ["UTF_8", " GBK ", "Big5", "BIG5_HKSCS", "ＧＢＫ"])
def test_names_are_case_and_underscore_insensitive(spelling: str) -> None:
    assert decode_bytes(b"abc", declared=spelling).text == "abc"


def test_unknown_name_lists_accepted_names() -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(b"abc", declared="latin-1", source="a.txt")
    message = str(info.value)
    assert "unknown encoding 'latin-1'" in message
    for name in ("gb18030", "big5", "big5-hkscs", "utf-8"):
        assert name in message


def test_non_bytes_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        decode_bytes("already text")  # type: ignore[arg-type]
    assert decode_bytes(bytearray(b"abc")).text == "abc"
    assert decode_bytes(memoryview(b"abc")).text == "abc"


# ---------------------------------------------------------------------------
# Hypothesis properties (one draw per example: about 0.5 ms of overhead each)
# ---------------------------------------------------------------------------

MAGIC_PREFIXES = ("%PDF", "PK\x03\x04", "GIF8")


@PROPERTY
@given(st.text())
def test_utf8_text_round_trips(text: str) -> None:
    data = text.encode("utf-8")
    if "\x00" in text or text.startswith(MAGIC_PREFIXES):
        with pytest.raises(DecodeError, match="binary file"):
            decode_bytes(data)
        return
    result = decode_bytes(data)
    if text.startswith("\ufeff"):
        assert result == Decoded(text[1:], "utf-8-sig", True, True)
    else:
        assert result == Decoded(text, "utf-8", False, True)


DECLARED_CHOICES = (None, "utf-8", "utf-16", "gbk", "big5", "big5hkscs")


@PROPERTY
@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_raise_decode_error(data: bytes) -> None:
    for declared in DECLARED_CHOICES:
        try:
            result = decode_bytes(data, declared=declared, source="x.txt")
        except DecodeError as err:
            assert err.reason
            assert err.offset is None or 0 <= err.offset <= len(data)
            continue
        assert isinstance(result.text, str)
        assert result.encoding in DECLARED_AS.values()
        assert result.detected is (declared is None)


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
