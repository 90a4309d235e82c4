"""Completeness: every number in a document must be accounted for, by a claim
(value or period words), an event's date, a page-noise span, or an explained
exclusion. No library finds 'every numeric expression' in Chinese text the way
this check needs: jionlp's extractors skip bare counts and ordinals, and
cn2an.transform rewrites every numeral character it meets (程一笑 -> 程1笑,
零售宝 -> 0售宝, 一直 -> 1直), so it cannot tell a count from a word. The scanner
is a small regex, tested in tests/test_claims.py; the values it finds are read
by jionlp (scripts/normalize/values.py) once they are claims."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from scripts.normalize.values import CN_NUMERALS as _CN

# Classifiers and units after a single numeral 一..九 (一公斤, 一元, 一分钱, 两个月, 三大, 一季度): the
# numeral is a quantity (or the article 'a', which an exclusion then says). Longest first where one
# is a prefix of another (个月 before 个).
MEASURE_WORDS = ("公斤", "千克", "斤", "吨", "元", "块钱", "分钱", "个月", "个", "家", "大", "年", "项", "种", "条",
                 "位", "名", "次", "倍", "月", "季度", "成", "分钟", "小时", "天", "周", "部", "组", "层", "方面",
                 "端", "点", "章", "件", "批", "份", "张", "款", "笔", "间", "户", "场", "届", "期", "轮", "代")

NUMBER = re.compile(
    r"\d+(?:\.\d+)?[十百千万亿]*%?"                                  # 3812, 32.5%, 2021, 9012万, 1亿
    rf"|第[{_CN}]+"                                                   # ordinals: 第三, 第五(个年头), 第一(时间)
    rf"|数?[{_CN}]*[十百千万亿][{_CN}]*"                             # 百亿, 数百万, 十亿, 五十
    rf"|[一二两三四五六七八九](?={'|'.join(MEASURE_WORDS)})"          # 一公斤, 一元, 两个, 三大, 一季度
)


@dataclass
class Report:
    doc_id: str
    found: int = 0
    by_claims: int = 0
    by_events: int = 0
    by_noise: int = 0
    excluded: Counter = field(default_factory=Counter)
    missing: list = field(default_factory=list)  # (start, end, token)

    def as_dict(self) -> dict:
        return {"doc_id": self.doc_id, "numbers": self.found, "covered_by_claims": self.by_claims,
                "covered_by_events": self.by_events, "in_page_noise": self.by_noise,
                "excluded": dict(sorted(self.excluded.items()))}


def numbers(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in NUMBER.finditer(text)]


def _inside(s: int, e: int, spans) -> bool:
    return any(a <= s and e <= b for a, b in spans)


def check(doc_id: str, text: str, claim_spans, event_spans, noise_spans, exclusions) -> Report:
    """exclusions: list of (start, end, reason)."""
    r = Report(doc_id)
    for s, e, tok in numbers(text):
        r.found += 1
        if _inside(s, e, claim_spans):
            r.by_claims += 1
        elif _inside(s, e, event_spans):
            r.by_events += 1
        elif _inside(s, e, noise_spans):
            r.by_noise += 1
        else:
            reason = next((why for a, b, why in exclusions if a <= s and e <= b), None)
            if reason:
                r.excluded[reason] += 1
            else:
                r.missing.append((s, e, tok))
    return r


def line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1
