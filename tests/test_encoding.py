"""Tests for framing.encoding: BOMs, empty input, binary files, byte offsets and lines in
messages, declared names, and hypothesis properties on arbitrary text and bytes.

The encoding x sample matrix, the legacy-encoding traps and the no-mis-decode properties
are in ``tests/reliability/test_encoding_matrix.py``.
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
    ENCODING_ALIASES,
    Decoded,
    DecodeError,
    decode_bytes,
)

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
# The no-mis-decode properties run at 10,000 in tests/reliability/test_encoding_matrix.py;
# these two check decode() itself and get a smaller budget to keep the suite short.
PROPERTY = settings(max_examples=min(EXAMPLES, 2000), derandomize=True, deadline=None)


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

TAIWAN = "行政院今天召開記者會說明颱風應變措施，災區裏的居民已全數撤離。"
ALIAS_SAMPLE = {
    "utf-8": (TAIWAN, "utf-8"),
    "utf-8-sig": (TAIWAN, "utf-8-sig"),
    "utf-16": (TAIWAN, "utf-16"),
    "gb18030": ("日本连锁餐厅“𠮷野家”的招牌", "gb18030"),
    "cp950": (TAIWAN, "cp950"),
    "big5hkscs": ("香港國際機場位於大嶼山赤鱲角", "big5hkscs"),
}


@pytest.mark.parametrize("alias", sorted(ENCODING_ALIASES))
def test_every_alias_decodes(alias: str) -> None:
    codec = ENCODING_ALIASES[alias]
    text, encode_with = ALIAS_SAMPLE[codec]
    result = decode_bytes(text.encode(encode_with), declared=alias)
    assert result.text == text
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
        assert result.encoding in set(ENCODING_ALIASES.values())
        assert result.detected is (declared is None)
