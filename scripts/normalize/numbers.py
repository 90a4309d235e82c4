"""The number grammar of the completeness scan: what counts as a number written in a Chinese text.
Owned here, in the lowest stage, because both the scan (scripts/inputs/coverage.py) and the reconciled
readings (scripts/normalize/reconcile.py) read it: one definition, and no import back up the layers."""
from __future__ import annotations

import re

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
