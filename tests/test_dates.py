"""Tests for framing.dates: a hand-checked table of accepted and refused forms, plus
hypothesis properties (round trip through every format, impossible months and days,
arbitrary text).

Hand-checked reference facts used below: 2025-07-03 is a Thursday (星期四); ISO week
2025-W27 runs Monday 2025-06-30 to Sunday 2025-07-06; 2024-12-30 is in ISO week
2025-W01; ISO year 2025 has 52 weeks and 2026 has 53; ROC year = Gregorian - 1911
(民國114年 = 2025, 民國元年 = 1912, 民國99年 = 2010).
"""

from __future__ import annotations

import calendar
import copy
import datetime as dt
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.dates import (
    FORMAT_PRECISION,
    MAX_YEAR,
    MIN_YEAR,
    SUPPORTED_FORMATS,
    DateError,
    ParsedDate,
    format_date,
    parse_date,
)

EXAMPLES = int(os.environ.get("FRAMING_HYPOTHESIS_EXAMPLES", "10000"))
PROPERTY = settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
#: Budget of the properties that are not issue #8's date round trip (kept short for CI).
SECONDARY = settings(max_examples=min(EXAMPLES, 1500), derandomize=True, deadline=None)

D = dt.date

# ---------------------------------------------------------------------------
# Accepted forms: (input, value, precision, start, end)
# ---------------------------------------------------------------------------

JULY3 = ("2025-07-03", "day", D(2025, 7, 3), D(2025, 7, 3))

ACCEPTED: list[tuple[str, str, str, dt.date, dt.date]] = [
    # Day precision, Gregorian
    ("2025-07-03", *JULY3),
    ("2025-7-3", *JULY3),
    ("2025/07/03", *JULY3),
    ("2025/7/3", *JULY3),
    ("2025.07.03", *JULY3),
    ("20250703", *JULY3),
    ("2025年7月3日", *JULY3),
    ("2025年07月03日", *JULY3),
    ("2025 年 7 月 3 日", *JULY3),
    ("2025年7月3号", *JULY3),
    ("2025年7月3號", *JULY3),
    ("  2025-07-03 \n", *JULY3),
    ("\u30002025年7月3日\u3000", *JULY3),
    ("\ufeff2025-07-03", *JULY3),
    # Full-width (NFKC)
    ("２０２５年７月３日", *JULY3),
    ("２０２５／０７／０３", *JULY3),
    # Chinese numerals
    ("二〇二五年七月三日", *JULY3),
    ("二零二五年七月三日", *JULY3),
    ("二○二五年七月三日", *JULY3),
    ("二〇二五年十二月三十一日", "2025-12-31", "day", D(2025, 12, 31), D(2025, 12, 31)),
    ("二〇二五年十月十日", "2025-10-10", "day", D(2025, 10, 10), D(2025, 10, 10)),
    ("二〇二五年十一月二十日", "2025-11-20", "day", D(2025, 11, 20), D(2025, 11, 20)),
    # Weekday, stripped and cross-checked
    ("2025年7月3日（星期四）", *JULY3),
    ("2025年7月3日(星期四)", *JULY3),
    ("2025年7月3日(週四)", *JULY3),
    ("2025年7月3日(周四)", *JULY3),
    ("2025年7月3日（禮拜四）", *JULY3),
    ("2025年7月3日 星期四", *JULY3),
    ("2025年7月3日星期四", *JULY3),
    ("2025-07-03 (周四)", *JULY3),
    ("2025年7月6日（星期日）", "2025-07-06", "day", D(2025, 7, 6), D(2025, 7, 6)),
    ("2025年7月6日(星期天)", "2025-07-06", "day", D(2025, 7, 6), D(2025, 7, 6)),
    ("民國114年7月3日（星期四）", *JULY3),
    # Date and time: time dropped, offsets converted to UTC+8
    ("2025-07-03T10:25:00", *JULY3),
    ("2025-07-03 10:25", *JULY3),
    ("2025-07-03 10:25:31", *JULY3),
    ("2025年07月03日 10:25", *JULY3),
    ("2025年7月3日10时25分", *JULY3),
    ("2025-07-03T10:25:00+08:00", *JULY3),
    ("2025-07-02T18:30:00Z", *JULY3),
    ("2025-07-02T18:30:00.123Z", *JULY3),
    ("2025-07-02T18:30:00+0000", *JULY3),
    ("2025-07-02T16:00:00Z", *JULY3),
    ("2025-07-02T15:59:59Z", "2025-07-02", "day", D(2025, 7, 2), D(2025, 7, 2)),
    ("2025-07-03T01:00:00+09:00", *JULY3),
    ("2025-07-03T00:30:00+09:00", "2025-07-02", "day", D(2025, 7, 2), D(2025, 7, 2)),
    ("2025-07-03T23:30:00-05:00", "2025-07-04", "day", D(2025, 7, 4), D(2025, 7, 4)),
    ("2024-12-31T20:00:00Z", "2025-01-01", "day", D(2025, 1, 1), D(2025, 1, 1)),
    # ROC (Minguo) calendar
    ("民國114年7月3日", *JULY3),
    ("民国114年7月3日", *JULY3),
    ("中華民國114年7月3日", *JULY3),
    ("中华民国114年7月3日", *JULY3),
    ("民國 114 年 7 月 3 日", *JULY3),
    ("民國一百一十四年七月三日", *JULY3),
    ("民國一一四年七月三日", *JULY3),
    ("民國114/07/03", *JULY3),
    ("民國元年1月1日", "1912-01-01", "day", D(1912, 1, 1), D(1912, 1, 1)),
    ("民國元年一月一日", "1912-01-01", "day", D(1912, 1, 1), D(1912, 1, 1)),
    ("114/07/03", *JULY3),
    ("114.7.3", *JULY3),
    ("114-07-03", *JULY3),
    ("114年7月3日", *JULY3),
    ("100/01/01", "2011-01-01", "day", D(2011, 1, 1), D(2011, 1, 1)),
    ("199/12/31", "2110-12-31", "day", D(2110, 12, 31), D(2110, 12, 31)),
    # Leap days and range limits
    ("2024-02-29", "2024-02-29", "day", D(2024, 2, 29), D(2024, 2, 29)),
    ("2000-02-29", "2000-02-29", "day", D(2000, 2, 29), D(2000, 2, 29)),
    ("1900-01-01", "1900-01-01", "day", D(1900, 1, 1), D(1900, 1, 1)),
    ("2200-12-31", "2200-12-31", "day", D(2200, 12, 31), D(2200, 12, 31)),
    # ISO week dates (day precision) and weeks
    ("2025-W27-5", "2025-07-04", "day", D(2025, 7, 4), D(2025, 7, 4)),
    ("2025W275", "2025-07-04", "day", D(2025, 7, 4), D(2025, 7, 4)),
    ("2025-W27", "2025-W27", "week", D(2025, 6, 30), D(2025, 7, 6)),
    ("2025W27", "2025-W27", "week", D(2025, 6, 30), D(2025, 7, 6)),
    ("2025-w27", "2025-W27", "week", D(2025, 6, 30), D(2025, 7, 6)),
    ("2025-W01", "2025-W01", "week", D(2024, 12, 30), D(2025, 1, 5)),
    ("2026-W53", "2026-W53", "week", D(2026, 12, 28), D(2027, 1, 3)),
    # Month precision
    ("2025-07", "2025-07", "month", D(2025, 7, 1), D(2025, 7, 31)),
    ("2025/07", "2025-07", "month", D(2025, 7, 1), D(2025, 7, 31)),
    ("2025/7", "2025-07", "month", D(2025, 7, 1), D(2025, 7, 31)),
    ("2025年7月", "2025-07", "month", D(2025, 7, 1), D(2025, 7, 31)),
    ("二〇二五年七月", "2025-07", "month", D(2025, 7, 1), D(2025, 7, 31)),
    ("民國114年7月", "2025-07", "month", D(2025, 7, 1), D(2025, 7, 31)),
    ("114/07", "2025-07", "month", D(2025, 7, 1), D(2025, 7, 31)),
    ("2024-02", "2024-02", "month", D(2024, 2, 1), D(2024, 2, 29)),
    # Year precision
    ("2025", "2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
    ("2025年", "2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
    ("民國114年", "2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
    ("民國99年", "2010", "year", D(2010, 1, 1), D(2010, 12, 31)),
    ("民國元年", "1912", "year", D(1912, 1, 1), D(1912, 12, 31)),
]


@pytest.mark.parametrize(("text", "value", "precision", "start", "end"), ACCEPTED)
def test_accepted_forms(
    text: str, value: str, precision: str, start: dt.date, end: dt.date
) -> None:
    parsed = parse_date(text)
    assert parsed == ParsedDate(value, precision, start, end, text)


# ---------------------------------------------------------------------------
# Refused forms: (input, fragment of the reason)
# ---------------------------------------------------------------------------

REFUSED: list[tuple[str, str]] = [
    # Ambiguous order, short years
    ("03/07/2025", "ambiguous day/month order"),
    ("07/03/2025", "ambiguous day/month order"),
    ("13/07/2025", "ambiguous day/month order"),
    ("03-07-2025", "ambiguous day/month order"),
    ("25/07/03", "two-digit year"),
    ("25-07-03", "two-digit year"),
    ("25.7.3", "two-digit year"),
    ("25年7月3日", "two-digit year"),
    ("99/07/03", "two-digit year"),
    ("07/2025", "the year must come first"),
    # Impossible months and days
    ("2025年13月1日", "month 13 does not exist"),
    ("2025-13-01", "month 13 does not exist"),
    ("2025-00-10", "month 0 does not exist"),
    ("2025-02-30", "no such day"),
    ("2025年2月29日", "no such day"),
    ("1900-02-29", "no such day"),
    ("2025-06-31", "no such day"),
    ("2025-07-00", "no such day"),
    ("20250230", "no such day"),
    ("2025-07-003", "too many digits"),
    # Relative dates
    ("昨天", "relative dates need a reference date"),
    ("今天", "relative dates need a reference date"),
    ("前天", "relative dates need a reference date"),
    ("今天 08:30", "relative dates need a reference date"),
    ("3小时前", "relative dates need a reference date"),
    ("3小時前", "relative dates need a reference date"),
    ("5分钟前", "relative dates need a reference date"),
    ("2天前", "relative dates need a reference date"),
    ("yesterday", "relative dates need a reference date"),
    # No year
    ("7月3日", "no year"),
    ("七月三日", "no year"),
    ("3日", "no year"),
    ("07-03", "no year"),
    ("7/3", "no year"),
    # Timestamps, serials and bare numbers
    ("1751500800", "looks like a Unix timestamp or Excel serial"),
    ("1751500800000", "looks like a Unix timestamp or Excel serial"),
    ("45841", "looks like a Unix timestamp or Excel serial"),
    ("45841.5", "looks like a Unix timestamp or Excel serial"),
    ("202507", "six digits"),
    ("1140703", "seven digits"),
    ("114", "bare number"),
    # Lunar calendar
    ("农历六月初九", "lunar"),
    ("農曆六月初九", "lunar"),
    ("正月初一", "lunar"),
    # Empty
    ("", "empty date"),
    ("   ", "empty date"),
    ("\u3000", "empty date"),
    # Range 1900-2200
    ("1899-12-31", "outside the supported range"),
    ("2201-01-01", "outside the supported range"),
    ("1850年1月1日", "outside the supported range"),
    ("1899", "outside the supported range"),
    ("0000-01-01", "outside the supported range"),
    # ROC
    ("民國0年1月1日", "year 0 does not exist"),
    ("民國-1年", "before 1"),
    ("民前1年1月1日", "民前"),
    ("民國2025年1月1日", "too many digits"),
    ("民國290年1月1日", "outside the supported range"),
    ("200/07/03", "must be 100–199"),
    ("099/07/03", "must be 100–199"),
    ("元年1月1日", "without 民國"),
    # Weekdays
    ("2025年7月3日(周五)", "weekday mismatch"),
    ("2025年7月3日（星期日）", "weekday mismatch"),
    ("2025年7月(周四)", "weekday was given"),
    ("2025年7月3日（星期四）（星期四）", "more than one weekday"),
    ("(周四)", "weekday alone"),
    # ISO weeks
    ("2025-W53", "week 53 does not exist"),
    ("2025-W00", "week 0 does not exist"),
    ("2025-W27-8", "ISO weekday 8"),
    ("2025-W7", "two digits"),
    # Times
    ("2025-07-03T25:00", "does not exist"),
    ("2025-07-03T10:61", "does not exist"),
    ("2025-07-03T10:25+24:00", "UTC offset"),
    ("2025-07 10:25", "needs a full date"),
    # Others
    ("2025.07", "decimal number"),
    ("二〇二五年一二月三日", "Chinese numeral"),
    ("July 3, 2025", "not a recognised date format"),
    ("2025年7月3", "not a recognised date format"),
    ("2025/07-03", "not a recognised date format"),
    ("发布时间：2025-07-03", "not a recognised date format"),
    ("２０２５年７月３日 来源：新华社", "not a recognised date format"),
]


@pytest.mark.parametrize(("text", "fragment"), REFUSED)
def test_refused_forms(text: str, fragment: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    err = info.value
    assert fragment in err.reason
    assert err.value == text
    assert str(err).startswith(f"cannot read date {text!r}: ")


def test_error_message_quotes_raw_value() -> None:
    with pytest.raises(DateError) as info:
        parse_date("2025年13月1日")
    assert str(info.value) == "cannot read date '2025年13月1日': month 13 does not exist"
    assert info.value.value == "2025年13月1日"
    assert info.value.reason == "month 13 does not exist"
    assert isinstance(info.value, ValueError)
    with pytest.raises(DateError) as info:
        parse_date("2025年7月3日(周五)")
    assert str(info.value) == (
        "cannot read date '2025年7月3日(周五)': weekday mismatch:"
        " 2025-07-03 is a Thursday (星期四), not 星期五"
    )


def test_error_survives_copying_and_long_values_are_shortened() -> None:
    raw = "x" * 500
    with pytest.raises(DateError) as info:
        parse_date(raw)
    err = info.value
    assert err.value == raw
    assert len(str(err)) < 200
    # deepcopy goes through __reduce__, as pickling (multiprocessing) does.
    clone = copy.deepcopy(err)
    assert (clone.value, clone.reason, str(clone)) == (err.value, err.reason, str(err))


@pytest.mark.parametrize("value", [None, 20250703, 2025.0, b"2025-07-03"])
def test_non_string_input_is_a_date_error(value: object) -> None:
    with pytest.raises(DateError, match="expected a string"):
        parse_date(value)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# precision=
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "precision", "value", "start", "end"),
    [
        ("2025-07-04", "day", "2025-07-04", D(2025, 7, 4), D(2025, 7, 4)),
        ("2025-07-04", "week", "2025-W27", D(2025, 6, 30), D(2025, 7, 6)),
        ("2025-07-04", "month", "2025-07", D(2025, 7, 1), D(2025, 7, 31)),
        ("2025-07-04", "year", "2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2024-12-30", "week", "2025-W01", D(2024, 12, 30), D(2025, 1, 5)),
        ("民國114年7月4日", "week", "2025-W27", D(2025, 6, 30), D(2025, 7, 6)),
        ("2025-W27", "week", "2025-W27", D(2025, 6, 30), D(2025, 7, 6)),
        ("2025年7月", "month", "2025-07", D(2025, 7, 1), D(2025, 7, 31)),
        ("2025", "year", "2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025-07-04", " Week ", "2025-W27", D(2025, 6, 30), D(2025, 7, 6)),
    ],
)
def test_precision_argument(
    text: str, precision: str, value: str, start: dt.date, end: dt.date
) -> None:
    parsed = parse_date(text, precision=precision)
    assert (parsed.value, parsed.start, parsed.end, parsed.raw) == (value, start, end, text)
    assert parsed.precision == precision.strip().lower()


@pytest.mark.parametrize(
    ("text", "precision", "fragment"),
    [
        ("2025-07", "day", "expected day precision but the date has month precision"),
        ("2025-W27", "month", "expected month precision but the date has week precision"),
        ("2025", "month", "expected month precision"),
        ("2025-07", "week", "expected week precision"),
        ("2025-07-04", "fortnight", "unknown precision"),
    ],
)
def test_precision_mismatch(text: str, precision: str, fragment: str) -> None:
    with pytest.raises(DateError, match=fragment):
        parse_date(text, precision=precision)


def test_midpoint() -> None:
    assert parse_date("2025-07-03").midpoint == D(2025, 7, 3)
    assert parse_date("2025-W27").midpoint == D(2025, 7, 3)
    assert parse_date("2025-07").midpoint == D(2025, 7, 16)
    assert parse_date("2024-02").midpoint == D(2024, 2, 15)
    assert parse_date("2025").midpoint == D(2025, 7, 2)
    assert parse_date("2024").midpoint == D(2024, 7, 1)


# ---------------------------------------------------------------------------
# format_date
# ---------------------------------------------------------------------------

FORMATTED_2025_07_03 = {
    "iso": "2025-07-03",
    "iso-unpadded": "2025-7-3",
    "slash": "2025/07/03",
    "slash-unpadded": "2025/7/3",
    "dot": "2025.07.03",
    "compact": "20250703",
    "zh": "2025年7月3日",
    "zh-padded": "2025年07月03日",
    "zh-spaced": "2025 年 7 月 3 日",
    "zh-hao": "2025年7月3号",
    "zh-hao-trad": "2025年7月3號",
    "zh-fullwidth": "２０２５年７月３日",
    "zh-numerals": "二〇二五年七月三日",
    "zh-numerals-ling": "二零二五年七月三日",
    "zh-weekday": "2025年7月3日（星期四）",
    "zh-weekday-short": "2025年7月3日(周四)",
    "iso-datetime": "2025-07-03T10:25:00",
    "datetime-space": "2025-07-03 10:25",
    "iso-datetime-utc": "2025-07-02T16:00:00Z",
    "iso-datetime-offset": "2025-07-03T08:30:00+09:00",
    "zh-datetime": "2025年07月03日 10:25",
    "iso-week-date": "2025-W27-4",
    "roc": "民國114年7月3日",
    "roc-simplified": "民国114年7月3日",
    "roc-full": "中華民國114年7月3日",
    "roc-numerals": "民國一百一十四年七月三日",
    "roc-slash": "114/07/03",
    "roc-dot": "114.7.3",
    "roc-dash": "114-07-03",
    "iso-week": "2025-W27",
    "iso-month": "2025-07",
    "slash-month": "2025/7",
    "zh-month": "2025年7月",
    "roc-month": "民國114年7月",
    "year": "2025",
    "zh-year": "2025年",
}


def test_format_table_covers_every_format() -> None:
    assert set(FORMATTED_2025_07_03) == set(SUPPORTED_FORMATS) == set(FORMAT_PRECISION)


@pytest.mark.parametrize(("fmt", "expected"), sorted(FORMATTED_2025_07_03.items()))
def test_format_date_examples(fmt: str, expected: str) -> None:
    assert format_date(D(2025, 7, 3), fmt) == expected
    parsed = parse_date(expected)
    assert parsed.precision == FORMAT_PRECISION[fmt]
    assert parsed.start <= D(2025, 7, 3) <= parsed.end


def test_format_date_roc_numerals_first_year_and_errors() -> None:
    assert format_date(D(1912, 1, 1), "roc-numerals") == "民國元年一月一日"
    assert format_date(D(2010, 10, 10), "roc-numerals") == "民國九十九年十月十日"
    assert format_date(D(2014, 2, 3), "roc-numerals") == "民國一百零三年二月三日"
    with pytest.raises(ValueError, match="before the ROC calendar"):
        format_date(D(1911, 12, 31), "roc")
    with pytest.raises(ValueError, match="three-digit"):
        format_date(D(2010, 1, 1), "roc-slash")
    with pytest.raises(ValueError, match="unknown date format"):
        format_date(D(2025, 7, 3), "rfc2822")
    assert parse_date("民國一百零三年二月三日").value == "2014-02-03"


# ---------------------------------------------------------------------------
# Hypothesis properties
#
# Hypothesis costs about 0.5 ms per example and per draw, so each property makes a
# single draw (an integer decoded into the case, or one string) to stay under about
# 10 s at 10,000 examples.  Shrinking still works: smaller integers are simpler cases.
# ---------------------------------------------------------------------------

FIRST_DAY, LAST_DAY = D(1912, 1, 1), D(2100, 12, 31)
N_DAYS = (LAST_DAY - FIRST_DAY).days + 1
THREE_DIGIT_ROC = {"roc-slash", "roc-dot", "roc-dash"}
ROC_100 = D(2011, 1, 1)  # first day of ROC year 100


def _format_range(fmt: str) -> tuple[dt.date, int]:
    """First day and number of days in 1912-2100 that `fmt` can express."""
    first = ROC_100 if fmt in THREE_DIGIT_ROC else FIRST_DAY
    return first, (LAST_DAY - first).days + 1


FORMAT_RANGES = [(fmt, *_format_range(fmt)) for fmt in SUPPORTED_FORMATS]
N_ROUND_TRIP_CASES = sum(n for _, _, n in FORMAT_RANGES)


def _round_trip_case(index: int) -> tuple[dt.date, str]:
    """Decode an integer into a (date, format) pair; every pair is reachable once."""
    for fmt, first, n in FORMAT_RANGES:
        if index < n:
            return first + dt.timedelta(days=index), fmt
        index -= n
    raise AssertionError("index out of range")


def test_round_trip_case_decoding_covers_the_space() -> None:
    assert _round_trip_case(0) == (FIRST_DAY, SUPPORTED_FORMATS[0])
    assert _round_trip_case(N_ROUND_TRIP_CASES - 1) == (LAST_DAY, SUPPORTED_FORMATS[-1])
    seen = {_round_trip_case(i)[1] for i in range(0, N_ROUND_TRIP_CASES, N_DAYS // 2)}
    assert seen == set(SUPPORTED_FORMATS)


@PROPERTY
@given(st.integers(min_value=0, max_value=N_ROUND_TRIP_CASES - 1).map(_round_trip_case))
def test_round_trip_every_format(case: tuple[dt.date, str]) -> None:
    day, fmt = case
    text = format_date(day, fmt)
    parsed = parse_date(text)
    assert parsed.precision == FORMAT_PRECISION[fmt]
    assert parsed.raw == text
    if FORMAT_PRECISION[fmt] == "day":
        assert parsed.start == parsed.end == day
        assert parsed.value == day.isoformat()
    else:
        assert parsed.start <= day <= parsed.end
    # The canonical value reads back as the same period.
    again = parse_date(parsed.value)
    assert (again.value, again.precision, again.start, again.end) == (
        parsed.value,
        parsed.precision,
        parsed.start,
        parsed.end,
    )


COARSE = ("week", "month", "year")


@SECONDARY
@given(st.integers(min_value=0, max_value=N_DAYS * len(COARSE) - 1))
def test_coarsening_contains_the_day(index: int) -> None:
    offset, which = divmod(index, len(COARSE))
    day, precision = FIRST_DAY + dt.timedelta(days=offset), COARSE[which]
    parsed = parse_date(day.isoformat(), precision=precision)
    assert parsed.precision == precision
    assert parsed.start <= day <= parsed.end
    assert parsed.start <= parsed.midpoint <= parsed.end


BAD_FORMATS = ("iso", "slash", "dot", "compact", "zh", "roc")
YEARS = range(1912, MAX_YEAR + 1)
BAD_MONTHS = [0, *range(13, 100)]


def _render(fmt: str, year: int, month: int, day: int) -> str:
    """Render a possibly impossible date in one of BAD_FORMATS."""
    if fmt == "iso":
        return f"{year:04d}-{month:02d}-{day:02d}"
    if fmt == "slash":
        return f"{year}/{month}/{day}"
    if fmt == "dot":
        return f"{year}.{month:02d}.{day:02d}"
    if fmt == "compact":
        return f"{year:04d}{month:02d}{day:02d}"
    if fmt == "zh":
        return f"{year}年{month}月{day}日"
    if fmt == "roc":
        return f"民國{year - 1911}年{month}月{day}日"
    raise AssertionError(fmt)


def _bad_month_case(index: int) -> tuple[str, int, int, int]:
    index, fmt_i = divmod(index, len(BAD_FORMATS))
    index, year_i = divmod(index, len(YEARS))
    day, month_i = divmod(index, len(BAD_MONTHS))
    return BAD_FORMATS[fmt_i], YEARS[year_i], BAD_MONTHS[month_i], day + 1


N_BAD_MONTH_CASES = len(BAD_FORMATS) * len(YEARS) * len(BAD_MONTHS) * 28


@SECONDARY
@given(st.integers(min_value=0, max_value=N_BAD_MONTH_CASES - 1).map(_bad_month_case))
def test_impossible_month_is_refused(case: tuple[str, int, int, int]) -> None:
    fmt, year, month, day = case
    with pytest.raises(DateError) as info:
        parse_date(_render(fmt, year, month, day))
    assert f"month {month} does not exist" in info.value.reason


N_BAD_DAYS = 70  # day 0 plus up to 69 days past the end of the month (at most day 99)


def _bad_day_case(index: int) -> tuple[str, int, int, int]:
    index, fmt_i = divmod(index, len(BAD_FORMATS))
    index, year_i = divmod(index, len(YEARS))
    k, month_i = divmod(index, 12)
    year, month = YEARS[year_i], month_i + 1
    n_days = calendar.monthrange(year, month)[1]
    day = 0 if k == 0 else n_days + 1 + (k - 1) % (99 - n_days)
    return BAD_FORMATS[fmt_i], year, month, day


N_BAD_DAY_CASES = len(BAD_FORMATS) * len(YEARS) * 12 * N_BAD_DAYS


@SECONDARY
@given(st.integers(min_value=0, max_value=N_BAD_DAY_CASES - 1).map(_bad_day_case))
def test_impossible_day_is_refused(case: tuple[str, int, int, int]) -> None:
    fmt, year, month, day = case
    assert day == 0 or day > calendar.monthrange(year, month)[1]
    with pytest.raises(DateError) as info:
        parse_date(_render(fmt, year, month, day))
    assert "no such day" in info.value.reason


def _check_any_outcome(text: str) -> None:
    try:
        parsed = parse_date(text)
    except DateError as err:
        assert err.value == text
        assert err.reason
        return
    assert parsed.raw == text
    assert parsed.precision in ("day", "week", "month", "year")
    assert parsed.start <= parsed.end
    assert MIN_YEAR - 1 <= parsed.start.year and parsed.end.year <= MAX_YEAR + 1
    again = parse_date(parsed.value)
    assert (again.start, again.end, again.precision) == (parsed.start, parsed.end, parsed.precision)


@SECONDARY
@given(st.text())
def test_arbitrary_text_raises_only_date_error(text: str) -> None:
    _check_any_outcome(text)


DATEISH = st.text(
    alphabet="0123456789０１２３-/.:TZWw+() （）年月日号號民國国中華华元前"
    "〇零一二三四五六七八九十百星期周週天农历昨小时\u3000",
    max_size=16,
)


@SECONDARY
@given(DATEISH)
def test_date_like_text_raises_only_date_error(text: str) -> None:
    _check_any_outcome(text)
