"""Period words -> (start, end, granularity, resolution), resolved against the
date the content was written. jionlp.parse_time does the calendar work (去年一季度,
2021年7月至2021年11月, 今年9月); this module only chooses its time base, maps
'as of' words to a point, corrects the readings of jionlp that contradict the period
policy (seeds/annotations/GUIDELINES.md, *Periods*), and classifies the result."""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Optional

from scripts.normalize.jio import jionlp as _jio

RELATIVE = re.compile(r"今年|去年|明年|前年|后年|本年|上半年|下半年|过去|近\d|近[一两三四五六七八九十]|上月|本月|下月|全年")
AS_OF_NOW = ("目前", "如今", "当前", "现在", "至今", "截至目前", "截至今日", "当下", "眼下", "时至今日")
AS_OF = re.compile(r"^截[至止](.+)$")
SPAN_JOIN = "…"  # '2018年…2020年': a span whose ends the text states apart (从2018年…到2020年)
# jionlp reads 一年前 as the whole previous calendar year; the policy wants the date a year back
AGO = re.compile(r"^([0-9]+|[一两二三四五六七八九十]+)(年|个月)前$")
# 过去一年 / 近12个月 / 一年时间: the N years (months) that end on the writing date, or on the as-of date that
# period_context gives (截至2021年12月31日 … 一年时间); jionlp starts 过去一年 a day early (366 days)
TRAILING = re.compile(r"^(过去|近)?([0-9]+|[一两二三四五六七八九十]+)个?(年|月)(时间)?$")
# jionlp ends 春节前 on the festival itself; 'before X' ends the day before
BEFORE_DAY = re.compile(r"^(.*(?:春节|元旦|除夕|中秋节?|国庆节?|端午节?|清明节?|劳动节|五一|元宵节?))前$")
# Words that date a figure, for the check that a sentence's period governs its claims. Not rate units
# (每天, 全年, 一天): they measure an amount without dating it.
PERIOD_WORDS = re.compile(
    r"[0-9]{4}\s*年|[0-9]{1,2}\s*月(?:份)?(?:[0-9]{1,2}[日号])?|[一二三四1-4]季度|上半年|下半年|今年|去年|明年|前年|后年|"
    r"同年|当年|当时|该季度|目前|现在|如今|当前|当下|眼下|至今|时至今日|届时|此前|之前|以前|一度|春节|元旦|"
    r"过去[一两三四五六七八九十0-9]+个?[年月]|近[一两三四五六七八九十0-9]+个?[年月]|[一两三四五六七八九十0-9]+个?[年月]前")
SENTENCE_END = re.compile(r"[。！？!?\n]")
_CN_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


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


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end] (from the last sentence end before it to the next after it)."""
    before = [m.end() for m in SENTENCE_END.finditer(text, 0, start)]
    after = SENTENCE_END.search(text, end)
    return (before[-1] if before else 0), (after.start() if after else len(text))


def words_outside(text: str, start: int, end: int) -> list[str]:
    """Period words of the sentence around text[start:end] that lie outside that span."""
    a, b = sentence_bounds(text, start, end)
    return [m.group(0) for m in PERIOD_WORDS.finditer(text, a, b) if m.end() <= start or m.start() >= end]


def _count(n: str) -> int:
    if n.isdigit():
        return int(n)
    if len(n) == 1:
        return _CN_DIGITS[n]
    tens, _, ones = n.partition("十")  # 十二, 二十, 二十三
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _month_start(d: dt.date, back: int) -> dt.date:
    k = d.year * 12 + d.month - 1 - back
    return dt.date(k // 12, k % 12 + 1, 1)


def _ago(n: int, unit: str, reference: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """N年前 / N个月前: the date that far back, as wide as the writing date is known."""
    months = n * 12 if unit == "年" else n
    first = _month_start(reference, months)
    if precision == "day":
        last_day = (_month_start(first, -1) - dt.timedelta(days=1)).day
        day = first.replace(day=min(reference.day, last_day))
        return day, day
    if precision == "month":
        return first, _month_start(first, -1) - dt.timedelta(days=1)
    if precision == "quarter":
        q = _month_start(first, (first.month - 1) % 3)
        return q, _month_start(q, -3) - dt.timedelta(days=1)
    return dt.date(first.year, 1, 1), dt.date(first.year, 12, 31)


def _trailing(n: int, unit: str, end: dt.date) -> tuple[dt.date, dt.date]:
    months = n * 12 if unit == "年" else n
    k = end.year * 12 + end.month - 1 - months
    year, month = k // 12, k % 12 + 1
    last_day = (_month_start(dt.date(year, month, 1), -1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(end.day, last_day)) + dt.timedelta(days=1), end


def _span(words: str, reference: dt.date) -> tuple[dt.date, dt.date]:
    """jionlp's reading, corrected where it contradicts the policy (春节前 ends the day before)."""
    start, end = _parse(words, reference)
    m = BEFORE_DAY.match(words)
    if m:
        end = _parse(m.group(1), reference)[0] - dt.timedelta(days=1)
    return start, end


def resolve(surface: str | None, reference: dt.date, context: str | None = None, precision: str = "day") -> Period:
    """surface: the period words as written; context: words stated elsewhere that
    the period needs (`去年` for a bare `二季度`); precision: how precisely the writing
    date is known (documents.reference_date_precision), the width of `一年前`."""
    if not surface:
        return Period(reference, reference, "point", "document_date")
    if surface in AS_OF_NOW:
        return Period(reference, reference, "point", "document_date")
    if SPAN_JOIN in surface:
        first, _, last = surface.partition(SPAN_JOIN)
        if not first or not last or SPAN_JOIN in last:
            raise PeriodError(f"period {surface!r}: write a span stated apart as two period words joined by one {SPAN_JOIN!r}")
        a, b = resolve(first, reference, context, precision), resolve(last, reference, context, precision)
        if a.start is None or b.end is None or b.end < a.start:
            raise PeriodError(f"period {surface!r} ends before it starts")
        kinds = {a.resolution, b.resolution}
        resolution = "context" if "context" in kinds else "relative" if "relative" in kinds else "explicit"
        return Period(a.start, b.end, granularity_of(a.start, b.end), resolution)
    trailing = TRAILING.match(re.sub(r"\s+", "", surface))
    if trailing and (trailing.group(1) or trailing.group(4)):
        anchor = AS_OF.match(re.sub(r"\s+", "", context or ""))
        end = _parse(anchor.group(1), reference)[1] if anchor else reference
        start, end = _trailing(_count(trailing.group(2)), trailing.group(3), end)
        return Period(start, end, granularity_of(start, end), "context" if context else "relative")
    words = re.sub(r"\s+", "", (context or "") + surface)
    ago = AGO.match(words)
    if ago:
        start, end = _ago(_count(ago.group(1)), ago.group(2), reference, precision)
        return Period(start, end, granularity_of(start, end), "context" if context else "relative")
    m = AS_OF.match(words)
    if m:
        _, end = _parse(m.group(1), reference)  # 截至去年底: the last day of the span
        resolution = "relative" if RELATIVE.search(words) else "explicit"
        return Period(end, end, "point", "context" if context else resolution)
    start, end = _span(words, reference)
    if end < start:
        raise PeriodError(f"period {surface!r} ends before it starts")
    if context:
        resolution = "context"
    elif RELATIVE.search(words) or not re.search(r"\d{4}年|\d{4}-", words):
        resolution = "relative"
    else:
        resolution = "explicit"
    return Period(start, end, granularity_of(start, end), resolution)


# words a period or event date may borrow from elsewhere in its text (`去年` for a bare `二季度`)
CONTEXT_WORDS = ("今年", "去年", "前年", "明年", "后年", "同年")


def context_words(text: str) -> list[str | None]:
    """Context words a period may have borrowed: the relative-year words, every year the text writes and
    every as-of date it states (the end of a trailing 一年时间)."""
    return [None, *CONTEXT_WORDS, *sorted(set(re.findall(r"[0-9]{4}年", text))),
            *sorted(set(re.findall(r"截[至止][0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}[日号])?", text)))]


def reproduces(words: str | None, ref: dt.date, start: dt.date | None, end: dt.date | None,
               contexts: Iterable[str | None], precision: str = "day") -> bool:
    """Whether the words, read with one of the context words, mean exactly start..end."""
    for ctx in contexts:
        try:
            p = resolve(words, ref, ctx, precision)
        except PeriodError:
            continue
        if (p.start, p.end) == (start, end):
            return True
    return False
