"""Strict, clock-free parsing of publication dates in Chinese-language news.

The parser reads a whitelist of explicit formats and refuses everything else
with a :class:`DateError` that says why.  It never guesses, never looks at the
clock and does not use ``dateparser`` (which has no ROC calendar, silently
swaps ``2025年13月1日`` into 2025-01-13, reads ``03/07/2025`` differently
depending on the language setting and treats ``1751500800`` as a timestamp).

Rules
-----
Normalisation
    The input is NFKC-normalised first (so full-width ``２０２５年７月３日``,
    ``２０２５／０７／０３`` and full-width brackets work), runs of whitespace
    (including the ideographic space U+3000) are collapsed to one space, and
    surrounding whitespace, byte-order marks and zero-width characters are
    stripped.
Weekday
    One weekday, ``(星期四)``, ``（星期四）``, ``(週四)``, ``(周四)``, ``(禮拜四)``
    (``日``/``天`` = Sunday), is removed and cross-checked against the date;
    without brackets it is accepted only after a space or directly after
    ``日``/``号``/a digit (``2025年7月3日星期四``, ``2025-07-03 周四``).  A mismatch,
    more than one weekday, or a weekday on a date without a day is a
    :class:`DateError`.
Day precision
    ``2025-07-03``, ``2025-7-3``, ``2025/07/03``, ``2025.07.03`` (the same
    separator twice), ``20250703``, ``2025年7月3日`` (spaces allowed between the
    parts, ``号``/``號`` accepted for ``日``), Chinese numerals
    (``二〇二五年七月三日``, ``二零二五年七月三日``, ``十二月三十一日``; the year
    digit by digit, months and days positionally) and ISO week dates
    ``2025-W27-4``.
Time of day
    A trailing time is dropped: ``2025-07-03T10:25:00``, ``2025-07-03 10:25``,
    ``2025年07月03日 10:25``, ``2025年7月3日10时25分``.  If it carries ``Z`` or a
    UTC offset (``+08:00``, ``+0800``, ``-05``), the instant is converted to
    UTC+8, the time zone of Chinese-language outlets in mainland China, Taiwan
    and Hong Kong, before the date is taken (``2025-07-02T18:30:00Z`` is
    2025-07-03).  A time without an offset is taken as local outlet time.  A
    time needs a full date.
ROC (Minguo) calendar
    ``民國114年7月3日``, ``民国…``, ``中華民國…``/``中华民国…``, Chinese numerals
    (``民國一百一十四年七月三日``) and ``民國元年`` (year 1 = 1912); with the prefix,
    numeric forms (``民國114/07/03``) and one- or two-digit years
    (``民國99年``) are accepted.  Without a prefix, a *three-digit* year is
    read as ROC: ``114/07/03``, ``114.7.3``, ``114-07-03``, ``114/07``,
    ``114年7月3日``; it must be 100–199 (2011–2110).  The Gregorian year is the
    ROC year + 1911.  ROC year 0, negative years and ``民前…`` are refused.
Month precision
    ``2025-07``, ``2025/07``, ``2025/7``, ``2025年7月``, ``民國114年7月``,
    ``114/07``.  A dotted pair (``2025.07``) is refused because it may be a
    decimal number.
Week precision
    ISO 8601 weeks ``2025-W27`` / ``2025W27`` (Monday to Sunday; the ISO
    week-numbering year can differ from the calendar year around 1 January).
Year precision
    ``2025``, ``2025年``, ``民國114年``.
Range
    Years 1900–2200 only (for a converted time zone, both the written and the
    converted date).
Refused
    Year-last dates (``03/07/2025``, ``13/07/2025``: ambiguous day/month order),
    two-digit (or shorter) Gregorian years (``25/07/03``, ``25年7月3日``),
    dates without a year (``7月3日``, ``07-03``), impossible months and days
    (``2025年13月1日``, ``2025-02-30``), relative dates (``昨天``, ``今天 08:30``,
    ``3小时前``: they need a reference date), bare numbers that look like Unix
    timestamps or Excel serials (``1751500800``, ``45841``), six- and
    seven-digit numbers (``202507``, ``1140703``), lunar dates
    (``农历六月初九``), the empty string, and anything else.

``precision=``
    If given, the parsed precision must equal it, except that a day may be
    coarsened to the week, month or year containing it
    (``parse_date('2025-07-04', precision='week')`` is ``2025-W27``).

Every :class:`DateError` message quotes the raw value, e.g.
``cannot read date '2025年13月1日': month 13 does not exist``.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "FORMAT_PRECISION",
    "MAX_YEAR",
    "MIN_YEAR",
    "PRECISIONS",
    "ROC_OFFSET",
    "SUPPORTED_FORMATS",
    "DateError",
    "ParsedDate",
    "format_date",
    "parse_date",
]

MIN_YEAR = 1900
MAX_YEAR = 2200
ROC_OFFSET = 1911
PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

#: UTC+8: Asia/Shanghai, Asia/Taipei and Asia/Hong_Kong (no daylight saving since 1979).
UTC8 = datetime.timezone(datetime.timedelta(hours=8), "UTC+08:00")

_MAX_QUOTED = 80


class DateError(ValueError):
    """Raised for a date that cannot be read.

    Parameters
    ----------
    value : str
        The raw input, as given.
    reason : str
        A human-readable sentence saying why it was refused.

    Attributes
    ----------
    value : str
        The raw input, as given.
    reason : str
        Why the date was refused.
    """

    def __init__(self, value: str, reason: str) -> None:
        self.value = value
        self.reason = reason
        quoted = value if len(value) <= _MAX_QUOTED else value[:_MAX_QUOTED] + "…"
        super().__init__(f"cannot read date {quoted!r}: {reason}")

    def __reduce__(self) -> tuple[type[DateError], tuple[str, str]]:
        return (type(self), (self.value, self.reason))


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date read by :func:`parse_date`, with its precision.

    Attributes
    ----------
    value : str
        Canonical text: ``'YYYY-MM-DD'`` (day), ``'YYYY-Www'`` (ISO week, e.g.
        ``'2025-W27'``), ``'YYYY-MM'`` (month) or ``'YYYY'`` (year).
    precision : str
        ``'day'``, ``'week'``, ``'month'`` or ``'year'``.
    start : datetime.date
        First day of the period.
    end : datetime.date
        Last day of the period (equal to `start` for day precision).
    raw : str
        The input as given.
    """

    value: str
    precision: str
    start: datetime.date
    end: datetime.date
    raw: str

    @property
    def midpoint(self) -> datetime.date:
        """Middle day of the period (the earlier one when the length is even).

        Returns
        -------
        datetime.date
            ``start + (end - start) // 2``.
        """
        return self.start + (self.end - self.start) // 2


# ---------------------------------------------------------------------------
# Constructors for each precision
# ---------------------------------------------------------------------------


def _check_year(raw: str, year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(raw, f"year {year} is outside the supported range {MIN_YEAR}–{MAX_YEAR}")


def _make_day(raw: str, day: datetime.date) -> ParsedDate:
    _check_year(raw, day.year)
    return ParsedDate(day.isoformat(), "day", day, day, raw)


def _make_week(raw: str, iso_year: int, week: int) -> ParsedDate:
    _check_year(raw, iso_year)
    try:
        start = datetime.date.fromisocalendar(iso_year, week, 1)
    except ValueError:
        n_weeks = datetime.date(iso_year, 12, 28).isocalendar().week
        raise DateError(
            raw, f"week {week} does not exist: ISO year {iso_year} has weeks 1–{n_weeks}"
        ) from None
    end = start + datetime.timedelta(days=6)
    return ParsedDate(f"{iso_year:04d}-W{week:02d}", "week", start, end, raw)


def _make_month(raw: str, year: int, month: int) -> ParsedDate:
    _check_year(raw, year)
    _check_month(raw, month)
    start = datetime.date(year, month, 1)
    end = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return ParsedDate(f"{year:04d}-{month:02d}", "month", start, end, raw)


def _make_year(raw: str, year: int) -> ParsedDate:
    _check_year(raw, year)
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    return ParsedDate(f"{year:04d}", "year", start, end, raw)


def _check_month(raw: str, month: int) -> None:
    if not 1 <= month <= 12:
        raise DateError(raw, f"month {month} does not exist")


def _build_date(raw: str, year: int, month: int, day: int) -> datetime.date:
    """Validate year, month and day and return the date (no range slack)."""
    _check_year(raw, year)
    _check_month(raw, month)
    n_days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= n_days:
        if day == 0:
            raise DateError(raw, "no such day: day 0 does not exist")
        raise DateError(raw, f"no such day: {year:04d}-{month:02d} has {n_days} days, not {day}")
    return datetime.date(year, month, day)


# ---------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------

_STRIP_CHARS = " \t\r\n\ufeff\u200b\u200c\u200d\u2060"

_LUNAR_RE = re.compile(
    r"农历|農曆|农暦|阴历|陰曆|夏历|夏曆|旧历|舊曆|正月|腊月|臘月|冬月|闰|閏"
    r"|初[一二三四五六七八九十]|[大小]年(?:初|夜)|除夕"
)
_RELATIVE_RE = re.compile(
    r"昨天|昨日|今天|今日|前天|前日|明天|明日|后天|後天|大前天|刚刚|剛剛|刚才|剛才"
    r"|本周|本週|上周|上週|下周|下週|本月|上月|下月|今年|去年|明年|前年"
    r"|[0-9]+\s*(?:秒|分钟|分鐘|分|小时|小時|个小时|個小時|天|日|周|週|星期|个月|個月|月|年)\s*(?:前|以前|之前|后|後|以后|以後)"
    r"|半小时前|半小時前|\bago\b|\byesterday\b|\btoday\b|\btomorrow\b|\bnow\b",
    re.IGNORECASE,
)
_WEEKDAY_NAMES = "一二三四五六日"
# Fixed English names (calendar.day_name depends on the locale).
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_RE = re.compile(
    r"\s*\(\s*(?:星期|週|周|禮拜|礼拜)\s*(?P<b>[一二三四五六日天])\s*\)\s*"
    r"|(?:(?<=[日号號0-9])|\s+)(?:星期|週|周|禮拜|礼拜)(?P<u>[一二三四五六日天])(?=\s|$)"
)
_TIME_RE = re.compile(
    r"""
    (?:\s*T\s*|\s+|(?<=[日号號]))
    (?P<h>[0-9]{1,2})
    (?:
        :(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,][0-9]{1,9})?)?
      | \s*[时時点點]\s*(?:(?P<mi2>[0-9]{1,2})\s*分(?:\s*(?P<s2>[0-9]{1,2})\s*秒)?)?
    )
    \s*(?P<tz>[zZ]|[+-][0-9]{2}(?::?[0-9]{2})?)?
    $
    """,
    re.VERBOSE,
)
_ZH_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_ZH_NUM_RUN_RE = re.compile(r"([〇零○一二三四五六七八九十百]+)(\s*)([年月日号號])")
_ZH_POSITIONAL_RE = re.compile(
    r"^(?:(?P<h>[一二三四五六七八九])百(?P<z>[零〇○])?)?"
    r"(?:(?P<t>[一二三四五六七八九])?(?P<ten>十))?"
    r"(?P<u>[一二三四五六七八九])?$"
)
_ROC_PREFIX_RE = re.compile(r"^(?:中華民國|中华民国|民國|民国)\s*")
_WEEK_RE = re.compile(r"^([0-9]{4})-?[Ww]([0-9]{1,2})(?:-?([0-9]))?$")
_ZH_DATE_RE = re.compile(r"^([0-9]+)\s*年(?:\s*([0-9]+)\s*月(?:\s*([0-9]+)\s*[日号號])?)?$")
_SEP3_RE = re.compile(r"^([0-9]+)([-/.])([0-9]+)\2([0-9]+)$")
_SEP2_RE = re.compile(r"^([0-9]+)([-/.])([0-9]+)$")
_NO_YEAR_RE = re.compile(r"^[0-9]{1,2}\s*月(?:\s*[0-9]{1,2}\s*[日号號])?$|^[0-9]{1,2}\s*[日号號]$")
_DECIMAL_RE = re.compile(r"^[-+]?[0-9]{5,}(?:[.,][0-9]+)?$")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _zh_number(raw: str, run: str, unit: str) -> int:
    """Convert a run of Chinese numerals before 年/月/日 to an integer."""
    if unit == "年" and "十" not in run and "百" not in run:
        return int("".join(str(_ZH_DIGIT[c]) for c in run))
    if len(run) == 1 and run in _ZH_DIGIT:
        return _ZH_DIGIT[run]
    m = _ZH_POSITIONAL_RE.match(run)
    valid = m is not None and bool(m["h"] or m["ten"] or m["u"])
    # 零 is only valid between hundreds and units, as in 一百零三.
    if valid and m is not None and m["z"] and (m["ten"] or not m["u"]):
        valid = False
    if not valid or m is None:
        raise DateError(raw, f"cannot read the Chinese numeral {run!r}")
    value = 0
    if m["h"]:
        value += _ZH_DIGIT[m["h"]] * 100
    if m["ten"]:
        value += (_ZH_DIGIT[m["t"]] if m["t"] else 1) * 10
    if m["u"]:
        value += _ZH_DIGIT[m["u"]]
    return value


def _convert_zh_numerals(raw: str, text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        return f"{_zh_number(raw, m[1], m[3])}{m[2]}{m[3]}"

    return _ZH_NUM_RUN_RE.sub(repl, text)


def _resolve_year(raw: str, digits: str, roc: bool) -> int:
    """Turn the written year into a Gregorian year (checking the range)."""
    if roc:
        if len(digits) > 3:
            raise DateError(raw, f"ROC (民國) year {int(digits)} has too many digits")
        roc_year = int(digits)
        if roc_year == 0:
            raise DateError(raw, "ROC (民國) year 0 does not exist (民國元年 is 1912)")
        year = roc_year + ROC_OFFSET
    elif len(digits) == 4:
        year = int(digits)
    elif len(digits) == 3:
        roc_year = int(digits)
        if not 100 <= roc_year <= 199:
            raise DateError(
                raw,
                f"a three-digit year is read as a ROC (民國) year and must be 100–199,"
                f" not {digits}",
            )
        year = roc_year + ROC_OFFSET
    elif len(digits) <= 2:
        raise DateError(raw, f"two-digit year {digits!r} is ambiguous; write the full year")
    else:
        raise DateError(raw, f"year {digits!r} has too many digits")
    _check_year(raw, year)
    return year


def _month_day_number(raw: str, digits: str, what: str) -> int:
    if len(digits) > 2:
        raise DateError(raw, f"{what} {digits!r} has too many digits")
    return int(digits)


def _parse_plain(raw: str, text: str) -> ParsedDate:
    """Parse a date without weekday or time (already normalised)."""
    text = _convert_zh_numerals(raw, text)
    roc = False
    m = _ROC_PREFIX_RE.match(text)
    if m:
        roc = True
        text = text[m.end() :]
        if text.startswith(("-", "−", "前")):
            raise DateError(raw, "ROC (民國) years before 1 (民前) are not supported")
        if re.match(r"^元\s*年", text):
            text = "1" + text[1:]
    elif re.match(r"^元\s*年", text):
        raise DateError(raw, "元年 without 民國 does not name a year")

    if not roc:
        m = _WEEK_RE.match(text)
        if m:
            iso_year = int(m[1])
            if len(m[2]) != 2:
                raise DateError(raw, "ISO week numbers have two digits (e.g. 2025-W07)")
            week = int(m[2])
            if week == 0:
                raise DateError(raw, "week 0 does not exist")
            if m[3] is None:
                return _make_week(raw, iso_year, week)
            weekday = int(m[3])
            if not 1 <= weekday <= 7:
                raise DateError(raw, f"ISO weekday {weekday} does not exist (1 = Monday … 7)")
            week_start = _make_week(raw, iso_year, week).start
            return _make_day(raw, week_start + datetime.timedelta(days=weekday - 1))

        if re.fullmatch(r"[0-9]+", text):
            return _parse_bare_number(raw, text)

    m = _ZH_DATE_RE.match(text)
    if m:
        year = _resolve_year(raw, m[1], roc)
        if m[2] is None:
            return _make_year(raw, year)
        month = _month_day_number(raw, m[2], "month")
        if m[3] is None:
            return _make_month(raw, year, month)
        day = _month_day_number(raw, m[3], "day")
        return _make_day(raw, _build_date(raw, year, month, day))

    m = _SEP3_RE.match(text)
    if m:
        first, _, second, third = m.groups()
        if roc or len(first) >= 3:
            year = _resolve_year(raw, first, roc)
            month = _month_day_number(raw, second, "month")
            day = _month_day_number(raw, third, "day")
            return _make_day(raw, _build_date(raw, year, month, day))
        if len(third) >= 3:
            raise DateError(raw, "ambiguous day/month order: the year must come first (YYYY-MM-DD)")
        raise DateError(raw, "two-digit year is ambiguous; write the full year first")

    m = _SEP2_RE.match(text)
    if m:
        first, sep, second = m.groups()
        if sep == "." and not roc:
            if len(first) >= 5:
                raise DateError(raw, "looks like a Unix timestamp or Excel serial, not a date")
            raise DateError(
                raw, "a dotted pair may be a decimal number; write 2025-07 or 2025年7月"
            )
        if roc or len(first) >= 3:
            year = _resolve_year(raw, first, roc)
            month = _month_day_number(raw, second, "month")
            return _make_month(raw, year, month)
        if len(second) >= 3:
            raise DateError(raw, "month/year order: the year must come first (YYYY-MM)")
        raise DateError(raw, "no year given (or a two-digit year); a full year is required")

    if not roc and _NO_YEAR_RE.match(text):
        raise DateError(raw, "no year given; a full year is required")
    if not roc and _DECIMAL_RE.match(text):
        raise DateError(raw, "looks like a Unix timestamp or Excel serial, not a date")
    raise DateError(raw, "not a recognised date format")


def _parse_bare_number(raw: str, digits: str) -> ParsedDate:
    n = len(digits)
    if n == 4:
        return _make_year(raw, int(digits))
    if n == 8:
        year = int(digits[:4])
        _check_year(raw, year)
        return _make_day(raw, _build_date(raw, year, int(digits[4:6]), int(digits[6:])))
    if n == 6:
        raise DateError(raw, "six digits could be YYYYMM, YYMMDD or an Excel serial; ambiguous")
    if n == 7:
        raise DateError(
            raw, "seven digits (ROC YYYMMDD?) are not accepted; write 114/07/03 or 民國114年7月3日"
        )
    if n >= 5:
        raise DateError(raw, "looks like a Unix timestamp or Excel serial, not a date")
    raise DateError(raw, "a bare number of one to three digits is not a date")


def _parse_offset(raw: str, tz: str) -> datetime.timezone:
    if tz in ("Z", "z"):
        return datetime.UTC
    sign = 1 if tz[0] == "+" else -1
    body = tz[1:].replace(":", "")
    hours = int(body[:2])
    minutes = int(body[2:]) if len(body) > 2 else 0
    if hours > 23 or minutes > 59:
        raise DateError(raw, f"UTC offset {tz!r} does not exist")
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def _native_parse(raw: str) -> ParsedDate:
    """Parse at the precision the text itself has."""
    text = unicodedata.normalize("NFKC", raw)
    text = re.sub(r"\s+", " ", text).strip(_STRIP_CHARS)
    if not text:
        raise DateError(raw, "empty date")
    if "民前" in text:
        raise DateError(raw, "ROC (民國) years before 1 (民前) are not supported")
    if _LUNAR_RE.search(text):
        raise DateError(raw, "lunar-calendar dates are not supported")
    if _RELATIVE_RE.search(text):
        raise DateError(raw, "relative dates need a reference date")

    weekday: int | None = None
    weekday_name = ""
    matches = list(_WEEKDAY_RE.finditer(text))
    if len(matches) > 1:
        raise DateError(raw, "more than one weekday")
    if matches:
        wm = matches[0]
        weekday_name = wm["b"] or wm["u"]
        weekday = 6 if weekday_name in "日天" else _WEEKDAY_NAMES.index(weekday_name)
        text = (text[: wm.start()] + " " + text[wm.end() :]).strip()
        text = re.sub(r"\s+", " ", text)
        if not text:
            raise DateError(raw, "a weekday alone is not a date")

    tz: datetime.timezone | None = None
    clock: tuple[int, int, int] | None = None
    tm = _TIME_RE.search(text)
    if tm and tm.start() > 0:
        hour = int(tm["h"])
        minute = int(tm["mi"] or tm["mi2"] or 0)
        second = int(tm["s"] or tm["s2"] or 0)
        if hour > 23 or minute > 59 or second > 60:
            raise DateError(raw, f"time {tm.group().strip()!r} does not exist")
        clock = (hour, minute, min(second, 59))
        if tm["tz"]:
            tz = _parse_offset(raw, tm["tz"])
        text = text[: tm.start()].strip()

    parsed = _parse_plain(raw, text)

    if weekday is not None:
        if parsed.precision != "day":
            raise DateError(
                raw, f"a weekday was given but the date has {parsed.precision} precision"
            )
        actual = parsed.start.weekday()
        if actual != weekday:
            raise DateError(
                raw,
                f"weekday mismatch: {parsed.value} is a {_DAY_NAMES[actual]}"
                f" (星期{_WEEKDAY_NAMES[actual]}), not 星期{weekday_name}",
            )
    if clock is not None:
        if parsed.precision != "day":
            raise DateError(raw, "a time of day needs a full date (year, month and day)")
        if tz is not None:
            moment = datetime.datetime.combine(parsed.start, datetime.time(*clock), tzinfo=tz)
            parsed = _make_day(raw, moment.astimezone(UTC8).date())
    return parsed


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def parse_date(text: str, precision: str | None = None) -> ParsedDate:
    """Read a publication date, strictly.

    Parameters
    ----------
    text : str
        The date as written (see the module docstring for the accepted forms).
    precision : {'day', 'week', 'month', 'year'}, optional
        Required precision (case and surrounding spaces are ignored).  The
        parsed precision must equal it, except that a day may be coarsened to
        the week (ISO), month or year containing it.

    Returns
    -------
    ParsedDate
        The canonical value, precision, first and last day, and the raw input.

    Raises
    ------
    DateError
        For any input that is not one of the accepted forms, names a day that
        does not exist, is relative, ambiguous, out of range (1900–2200), or
        does not have the requested precision.  No other exception is raised
        for string input.

    Examples
    --------
    >>> parse_date("民國114年7月3日（星期四）").value
    '2025-07-03'
    >>> parse_date("2025-07-02T18:30:00Z").value
    '2025-07-03'
    >>> parse_date("2025-07-04", precision="week").value
    '2025-W27'
    """
    if not isinstance(text, str):
        raise DateError(str(text), f"expected a string, got {type(text).__name__}")
    if precision is not None:
        wanted = precision.strip().lower() if isinstance(precision, str) else precision
        if wanted not in PRECISIONS:
            raise DateError(
                text, f"unknown precision {precision!r}; expected one of {', '.join(PRECISIONS)}"
            )
        precision = wanted
    parsed = _native_parse(text)
    if precision is None or precision == parsed.precision:
        return parsed
    if parsed.precision == "day":
        day = parsed.start
        if precision == "week":
            iso = day.isocalendar()
            return _make_week(text, iso.year, iso.week)
        if precision == "month":
            return _make_month(text, day.year, day.month)
        return _make_year(text, day.year)
    raise DateError(
        text, f"expected {precision} precision but the date has {parsed.precision} precision"
    )


# ---------------------------------------------------------------------------
# Formatting (for round-trip tests and fixtures)
# ---------------------------------------------------------------------------


def _zh_digits(n: int) -> str:
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(n))


def _zh_positional(n: int) -> str:
    digits = "〇一二三四五六七八九"
    if not 1 <= n <= 999:
        raise ValueError(f"cannot write {n} in positional Chinese numerals")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = ""
    if hundreds:
        out += digits[hundreds] + "百"
        if rest == 0:
            return out
        if tens == 0:
            return out + "零" + digits[units]
        out += digits[tens] + "十"
    elif tens:
        out += ("" if tens == 1 else digits[tens]) + "十"
    if units:
        out += digits[units]
    return out


def _roc_year(d: datetime.date) -> int:
    roc = d.year - ROC_OFFSET
    if roc < 1:
        raise ValueError(f"{d.isoformat()} is before the ROC calendar (1912)")
    return roc


def _roc_three_digit(d: datetime.date) -> int:
    roc = _roc_year(d)
    if not 100 <= roc <= 199:
        raise ValueError(f"{d.isoformat()} has ROC year {roc}, not a three-digit year 100–199")
    return roc


def _utc_midnight(d: datetime.date) -> str:
    moment = datetime.datetime.combine(d, datetime.time(0, 0), tzinfo=UTC8)
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_WD = "一二三四五六日"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

_FORMATTERS: dict[str, tuple[str, Callable[[datetime.date], str]]] = {
    "iso": ("day", lambda d: d.isoformat()),
    "iso-unpadded": ("day", lambda d: f"{d.year}-{d.month}-{d.day}"),
    "slash": ("day", lambda d: f"{d.year:04d}/{d.month:02d}/{d.day:02d}"),
    "slash-unpadded": ("day", lambda d: f"{d.year}/{d.month}/{d.day}"),
    "dot": ("day", lambda d: f"{d.year:04d}.{d.month:02d}.{d.day:02d}"),
    "compact": ("day", lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"),
    "zh": ("day", lambda d: f"{d.year}年{d.month}月{d.day}日"),
    "zh-padded": ("day", lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日"),
    "zh-spaced": ("day", lambda d: f"{d.year} 年 {d.month} 月 {d.day} 日"),
    "zh-hao": ("day", lambda d: f"{d.year}年{d.month}月{d.day}号"),
    "zh-hao-trad": ("day", lambda d: f"{d.year}年{d.month}月{d.day}號"),
    "zh-fullwidth": ("day", lambda d: f"{d.year}年{d.month}月{d.day}日".translate(_FULLWIDTH)),
    "zh-numerals": (
        "day",
        lambda d: f"{_zh_digits(d.year)}年{_zh_positional(d.month)}月{_zh_positional(d.day)}日",
    ),
    "zh-numerals-ling": (
        "day",
        lambda d: (
            f"{_zh_digits(d.year).replace('〇', '零')}年"
            f"{_zh_positional(d.month)}月{_zh_positional(d.day)}日"
        ),
    ),
    "zh-weekday": ("day", lambda d: f"{d.year}年{d.month}月{d.day}日（星期{_WD[d.weekday()]}）"),
    "zh-weekday-short": ("day", lambda d: f"{d.year}年{d.month}月{d.day}日(周{_WD[d.weekday()]})"),
    "iso-datetime": ("day", lambda d: f"{d.isoformat()}T10:25:00"),
    "datetime-space": ("day", lambda d: f"{d.isoformat()} 10:25"),
    "iso-datetime-utc": ("day", _utc_midnight),
    "iso-datetime-offset": ("day", lambda d: f"{d.isoformat()}T08:30:00+09:00"),
    "zh-datetime": ("day", lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日 10:25"),
    "iso-week-date": (
        "day",
        lambda d: f"{d.isocalendar().year:04d}-W{d.isocalendar().week:02d}-{d.isoweekday()}",
    ),
    "roc": ("day", lambda d: f"民國{_roc_year(d)}年{d.month}月{d.day}日"),
    "roc-simplified": ("day", lambda d: f"民国{_roc_year(d)}年{d.month}月{d.day}日"),
    "roc-full": ("day", lambda d: f"中華民國{_roc_year(d)}年{d.month}月{d.day}日"),
    "roc-numerals": (
        "day",
        lambda d: (
            "民國"
            + ("元" if _roc_year(d) == 1 else _zh_positional(_roc_year(d)))
            + f"年{_zh_positional(d.month)}月{_zh_positional(d.day)}日"
        ),
    ),
    "roc-slash": ("day", lambda d: f"{_roc_three_digit(d)}/{d.month:02d}/{d.day:02d}"),
    "roc-dot": ("day", lambda d: f"{_roc_three_digit(d)}.{d.month}.{d.day}"),
    "roc-dash": ("day", lambda d: f"{_roc_three_digit(d)}-{d.month:02d}-{d.day:02d}"),
    "iso-week": (
        "week",
        lambda d: f"{d.isocalendar().year:04d}-W{d.isocalendar().week:02d}",
    ),
    "iso-month": ("month", lambda d: f"{d.year:04d}-{d.month:02d}"),
    "slash-month": ("month", lambda d: f"{d.year}/{d.month}"),
    "zh-month": ("month", lambda d: f"{d.year}年{d.month}月"),
    "roc-month": ("month", lambda d: f"民國{_roc_year(d)}年{d.month}月"),
    "year": ("year", lambda d: f"{d.year:04d}"),
    "zh-year": ("year", lambda d: f"{d.year}年"),
}

#: Names accepted by :func:`format_date`.
SUPPORTED_FORMATS: tuple[str, ...] = tuple(_FORMATTERS)
#: Precision that :func:`parse_date` gives for each format.
FORMAT_PRECISION: dict[str, str] = {name: prec for name, (prec, _) in _FORMATTERS.items()}


def format_date(d: datetime.date, fmt: str) -> str:
    """Render a date in one of the formats :func:`parse_date` accepts.

    Parameters
    ----------
    d : datetime.date
        The date (a ``datetime.datetime`` is reduced to its date).
    fmt : str
        One of :data:`SUPPORTED_FORMATS`, e.g. ``'iso'`` (``2025-07-03``),
        ``'zh-numerals'`` (``二〇二五年七月三日``), ``'roc'`` (``民國114年7月3日``),
        ``'roc-slash'`` (``114/07/03``), ``'iso-datetime-utc'``
        (``2025-07-02T16:00:00Z``, midnight in UTC+8), ``'iso-week'``
        (``2025-W27``).  :data:`FORMAT_PRECISION` gives the precision each
        format parses back to.

    Returns
    -------
    str
        The rendered date.  For day formats,
        ``parse_date(format_date(d, fmt)).start == d``.

    Raises
    ------
    ValueError
        For an unknown format, or a date the format cannot express (ROC
        formats before 1912; three-digit ROC forms outside 2011–2110).
    """
    if isinstance(d, datetime.datetime):
        d = d.date()
    if not isinstance(d, datetime.date):
        raise TypeError(f"expected a datetime.date, got {type(d).__name__}")
    try:
        _, render = _FORMATTERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown date format {fmt!r}; supported: {', '.join(SUPPORTED_FORMATS)}"
        ) from None
    return render(d)
