"""Period words -> (start, end, granularity, resolution), resolved against the
date the content was written. jionlp.parse_time does the calendar work (去年一季度,
2021年7月至2021年11月, 今年9月); this module only chooses its time base, maps
'as of' words to a point, and classifies the result."""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Optional

from scripts.normalize.jio import jionlp as _jio

RELATIVE = re.compile(r"今年|去年|明年|前年|后年|本年|上半年|下半年|过去|近\d|近[一两三四五六七八九十]|上月|本月|下月|全年")
AS_OF_NOW = ("目前", "如今", "当前", "现在", "至今", "截至目前", "截至今日")
AS_OF = re.compile(r"^截[至止](.+)$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    start: Optional[dt.date]
    end: Optional[dt.date]
    granularity: str
    resolution: str


def granularity_of(start: dt.date, end: dt.date) -> str:
    if start == end:
        return "day"
    nxt = end + dt.timedelta(days=1)
    if start.day == 1 and nxt.day == 1:
        months = (nxt.year - start.year) * 12 + nxt.month - start.month
        if months == 1:
            return "month"
        if months == 3 and start.month in (1, 4, 7, 10):
            return "quarter"
        if months == 6 and start.month in (1, 7):
            return "half_year"
        if months == 12 and start.month == 1:
            return "year"
    return "span"


YEARS = (1900, 2100)  # a written year outside this is a typo, not a date
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")


def check_words(words: str) -> None:
    """Refuse what jionlp would misread or crash on: digits other than ASCII (２０２２年),
    years out of range (9999年), months and days that do not exist (13月, 32日)."""
    bad = _NON_ASCII_DIGIT.search(words)
    if bad:
        raise PeriodError(f"period {words!r}: {bad.group(0)!r} is not an ASCII digit 0-9 (jionlp misreads other digits)")
    for m in re.finditer(r"([0-9]+)年", words):
        if not YEARS[0] <= int(m.group(1)) <= YEARS[1]:
            raise PeriodError(f"period {words!r}: year {m.group(1)} is outside {YEARS[0]}..{YEARS[1]}")
    for m in re.finditer(r"([0-9]+)月", words):
        if not 1 <= int(m.group(1)) <= 12:
            raise PeriodError(f"period {words!r}: there is no month {m.group(1)}")
    for m in re.finditer(r"([0-9]+)[日号]", words):
        if not 1 <= int(m.group(1)) <= 31:
            raise PeriodError(f"period {words!r}: there is no day {m.group(1)}")


# jionlp takes about a millisecond a call; a corpus repeats the same words for the same writing
# date (2020年, 去年) thousands of times, and the answer depends on nothing else
@functools.lru_cache(maxsize=1 << 16)
def _parse(words: str, base: dt.date) -> tuple[dt.date, dt.date]:
    jionlp = _jio()

    check_words(words)
    # jionlp misreads spaced dates ('2021 年 9 月' -> all of 2021) and rejects '6月份'
    words = re.sub(r"\s+", "", words).replace("月份", "月")
    if re.fullmatch(r"\d{1,2}月[底初]?", words):  # jionlp rejects a bare '6月': it means this year's
        words = "今年" + words
    try:
        r = jionlp.parse_time(words, time_base={"year": base.year, "month": base.month, "day": base.day})
    except Exception as e:  # jionlp raises bare errors for words it cannot read
        raise PeriodError(f"cannot resolve period {words!r}: {e}") from None
    if not r or r.get("type") not in ("time_point", "time_span") or not isinstance(r.get("time"), list):
        raise PeriodError(f"cannot resolve period {words!r} to a date range (jionlp: {r})")
    first, last = r["time"]
    try:
        start = dt.date.fromisoformat(first[:10])
        end = base if last == "inf" else dt.date.fromisoformat(last[:10])  # 今年以来: up to the writing date
    except (TypeError, ValueError):
        raise PeriodError(f"cannot resolve period {words!r} to a date range (jionlp: {r['time']})") from None
    return start, end


def resolve(surface: str | None, reference: dt.date, context: str | None = None) -> Period:
    """surface: the period words as written; context: words stated elsewhere that
    the period needs (`去年` for a bare `二季度`)."""
    if not surface:
        return Period(reference, reference, "point", "document_date")
    if surface in AS_OF_NOW:
        return Period(reference, reference, "point", "document_date")
    words = re.sub(r"\s+", "", (context or "") + surface)
    m = AS_OF.match(words)
    if m:
        _, end = _parse(m.group(1), reference)  # 截至去年底: the last day of the span
        resolution = "relative" if RELATIVE.search(words) else "explicit"
        return Period(end, end, "point", "context" if context else resolution)
    start, end = _parse(words, reference)
    if end < start:
        raise PeriodError(f"period {surface!r} ends before it starts")
    if context:
        resolution = "context"
    elif RELATIVE.search(words) or not re.search(r"\d{4}年|\d{4}-", words):
        resolution = "relative"
    else:
        resolution = "explicit"
    return Period(start, end, granularity_of(start, end), resolution)
