"""Surface numbers and period words -> normalized values (scripts/normalize/values.py, scripts/normalize/periods.py)."""
import datetime as dt

import pytest

from scripts.normalize.periods import PeriodError, resolve, words_outside
from scripts.normalize.values import SurfaceValueError, parse_value


@pytest.mark.parametrize("surface, value, unit, bound, low, high", [
    ("9012万元", 90_120_000, "CNY", "exact", None, None),
    ("3812亿", 381_200_000_000, None, "exact", None, None),
    ("2万亿", 2_000_000_000_000, None, "exact", None, None),
    ("千亿", 100_000_000_000, None, "exact", None, None),
    ("百万", 1_000_000, None, "exact", None, None),
    ("32.5%", 32.5, "percent", "exact", None, None),
    ("近4000倍", 4000, "times", "approx", None, 4000),
    ("近7000亿", 700_000_000_000, None, "approx", None, 700_000_000_000),
    ("约为5.7亿", 570_000_000, None, "approx", None, None),
    ("20万左右", 200_000, None, "approx", None, None),
    ("万亿规模", 1_000_000_000_000, None, "approx", None, None),
    ("超5.7亿元", 570_000_000, "CNY", "more_than", 570_000_000, None),
    ("超过 30%", 30, "percent", "more_than", 30, None),
    ("逾10%", 10, "percent", "more_than", 10, None),
    ("500多家", 500, "count", "more_than", 500, None),
    ("1亿以上", 100_000_000, None, "at_least", 100_000_000, None),
    ("起码600亿", 60_000_000_000, None, "at_least", 60_000_000_000, None),
    ("不到1亿", 100_000_000, None, "less_than", None, 100_000_000),
    ("数百万元", 1_000_000, "CNY", "approx", 1_000_000, 10_000_000),
    ("24.6万笔", 246_000, "count", "exact", None, None),
    ("8.8亿人次", 880_000_000, "count", "exact", None, None),
    ("三位", 3, "count", "exact", None, None),
    ("上亿", 100_000_000, None, "at_least", 100_000_000, None),
])
def test_surface_patterns(surface, value, unit, bound, low, high):
    v = parse_value(surface)
    assert (v.value, v.unit, v.bound, v.low, v.high) == (value, unit, bound, low, high)


def test_implied_scale_from_a_neighbouring_number():
    # 全年流量从300降低到起码600亿: 亿 is written once for both numbers
    assert parse_value("300", implied_scale="亿").value == 30_000_000_000


@pytest.mark.parametrize("bad", ["九千多亿元吧", "abc", "约超5亿", "", "5亿美元"])
def test_unreadable_or_contradictory_values_are_refused(bad):
    with pytest.raises(SurfaceValueError):
        parse_value(bad)


D2019, D2021, D2022, D2023 = dt.date(2019, 6, 26), dt.date(2021, 6, 10), dt.date(2022, 3, 20), dt.date(2023, 5, 10)


@pytest.mark.parametrize("words, ref, context, start, end, gran, res", [
    ("去年一季度", D2023, None, "2022-01-01", "2022-03-31", "quarter", "relative"),
    ("去年一季度", D2022, None, "2021-01-01", "2021-03-31", "quarter", "relative"),
    ("今年9月", D2023, None, "2023-09-01", "2023-09-30", "month", "relative"),
    ("今年9月", D2019, None, "2019-09-01", "2019-09-30", "month", "relative"),
    ("明年二季度", D2023, None, "2024-04-01", "2024-06-30", "quarter", "relative"),
    ("明年春节前", D2019, None, "2019-06-26", "2020-01-24", "span", "relative"),  # ends the day before the festival
    ("去年第四季度", D2022, None, "2021-10-01", "2021-12-31", "quarter", "relative"),
    ("去年5月底", D2021, None, "2020-05-25", "2020-05-31", "span", "relative"),
    ("今年以来", D2019, None, "2019-01-01", "2019-06-26", "span", "relative"),
    ("二季度", D2023, "去年", "2022-04-01", "2022-06-30", "quarter", "context"),
    ("10月", D2022, "去年", "2021-10-01", "2021-10-31", "month", "context"),
    ("6月份", D2021, None, "2021-06-01", "2021-06-30", "month", "relative"),
    ("2021年7月至2021年11月", D2022, None, "2021-07-01", "2021-11-30", "span", "explicit"),
    ("2021 年 9 月", D2022, None, "2021-09-01", "2021-09-30", "month", "explicit"),
    ("2021年第三季度", D2022, None, "2021-07-01", "2021-09-30", "quarter", "explicit"),
    ("2022年", D2023, None, "2022-01-01", "2022-12-31", "year", "explicit"),
    ("截至2021年12月31日", D2022, None, "2021-12-31", "2021-12-31", "point", "explicit"),
    ("截至去年底", D2022, None, "2021-12-31", "2021-12-31", "point", "relative"),
    ("目前", D2021, None, "2021-06-10", "2021-06-10", "point", "document_date"),
])
def test_periods_resolve_against_the_reference_date(words, ref, context, start, end, gran, res):
    p = resolve(words, ref, context)
    assert (p.start.isoformat(), p.end.isoformat(), p.granularity, p.resolution) == (start, end, gran, res)


@pytest.mark.parametrize("words, ref, precision, start, end, gran, res", [
    # 一年前 is the date a year back, as wide as the writing date is known, not a calendar year (jionlp's reading)
    ("一年前", D2022, "month", "2021-03-01", "2021-03-31", "month", "relative"),
    ("一年前", D2022, "day", "2021-03-20", "2021-03-20", "day", "relative"),
    ("两年前", D2022, "year", "2020-01-01", "2020-12-31", "year", "relative"),
    ("6个月前", D2022, "quarter", "2021-07-01", "2021-09-30", "quarter", "relative"),
    # a span whose ends the text states apart (从2018年…到2020年)
    ("2018年…2020年", D2021, "day", "2018-01-01", "2020-12-31", "span", "explicit"),
    ("时至今日", D2022, "month", "2022-03-20", "2022-03-20", "point", "document_date"),
])
def test_period_policy_readings(words, ref, precision, start, end, gran, res):
    p = resolve(words, ref, None, precision)
    assert (p.start.isoformat(), p.end.isoformat(), p.granularity, p.resolution) == (start, end, gran, res)


def test_sentence_period_words_are_found_outside_the_claim():
    text = "快手财报显示,2022年,快手电商GMV达到9012万元,月活跃卖家稳定在1亿以上。电商GMV步入万亿规模阶段后。"
    s = text.index("月活跃卖家")
    assert words_outside(text, s, s + len("月活跃卖家稳定在1亿以上")) == ["2022年"]
    s = text.index("电商GMV步入")  # the next sentence names no period
    assert words_outside(text, s, s + 6) == []
    # rate units measure an amount without dating it
    t2 = "全平台全年投入超5.7亿元资金,近3000人专业团队来服务消费者。"
    assert words_outside(t2, t2.index("近3000人"), t2.index("来服务")) == []


@pytest.mark.parametrize("words", ["中长期", "日前", "2021年11月至2021年7月", "2020年…2018年", "2018年…", "2018年…2019年…2020年"])
def test_unresolvable_or_backwards_periods_are_refused(words):
    with pytest.raises(PeriodError):
        resolve(words, D2022)
