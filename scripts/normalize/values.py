"""Surface numbers -> normalized value, unit, bound and range.

jionlp.parse_money reads the numeric core with its scale words (9012万, 3.2亿,
百亿, 数百万 -> a range); the qualifier words around it are mapped here because
jionlp folds them into blur+/blur-, which cannot tell 近 (approx, just under)
from 不到 (less than) or 以上 (at least) from 超 (more than)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from scripts.normalize.jio import jionlp

PREFIXES = {  # longest first where one is a prefix of another
    "不超过": "at_most", "超过了": "more_than", "超过": "more_than", "突破了": "more_than", "突破": "more_than", "超": "more_than", "逾": "more_than",
    "不到": "less_than", "不足": "less_than", "起码": "at_least", "至少": "at_least", "最多": "at_most",
    "上": "at_least", "近": "approx", "约为": "approx", "约": "approx", "高达": "exact",
}
SUFFIXES = {"以上": "at_least", "以下": "at_most", "左右": "approx", "规模": "approx"}
MULTI = {"多": "more_than", "余": "more_than"}
COUNT_WORDS = ("人次", "对", "人", "家", "个", "条", "笔", "间", "名", "部", "组", "位", "款", "户", "次", "项", "张", "种")

UNIT_WORDS = {"%": "percent", "倍": "times", "元": "CNY", "分钱": "CNY", "公斤": "kg", None: None}  # else a count word

MAX_DIGITS = 15  # a float64 holds 15 significant decimal digits exactly; more is a garbled number

CN_NUMERALS = "零一二两三四五六七八九十百千万亿"
SCALE_WORDS = ("万亿", "千亿", "百亿", "十亿", "亿", "千万", "百万", "十万", "万", "千")
_NUM = rf"(?:[0-9]+(?:\.[0-9]+)?|[{CN_NUMERALS}]+|数[十百千万亿]+)"
_SCALE = rf"(?:{'|'.join(SCALE_WORDS)})?"
# The one pattern of a stated number with its qualifier, scale and unit words: parse_value
# reads it anchored; the baselines search text with it.
SURFACE = (rf"(?P<prefix>{'|'.join(PREFIXES)})?(?P<core>{_NUM}{_SCALE})(?P<multi>[多余])?"
           rf"(?P<unit>%|倍|元|分钱|公斤|{'|'.join(COUNT_WORDS)})?(?P<suffix>{'|'.join(SUFFIXES)})?")
_RX = re.compile(rf"^{SURFACE}$")


class SurfaceValueError(ValueError):
    pass


def check_digits(surface: str) -> None:
    """Refuse a number with more significant digits than a float64 keeps (a 400-digit run)."""
    for run in re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?", surface):
        digits = re.sub(r"[^0-9]", "", run).lstrip("0")
        if len(digits) > MAX_DIGITS:
            raise SurfaceValueError(f"number {run[:20]}… has {len(digits)} digits; at most {MAX_DIGITS} are read exactly")


@dataclass(frozen=True)
class Value:
    value: float
    unit: Optional[str]  # None when the surface has no unit word: the annotation must say
    bound: str
    low: Optional[float]
    high: Optional[float]


def parse_core(core: str) -> tuple[float, Optional[tuple[float, float]]]:
    try:
        num = jionlp().parse_money(core)["num"]
    except Exception as e:  # jionlp raises bare ValueErrors with its own wording
        raise SurfaceValueError(f"cannot read the number {core!r}: {e}") from None
    if isinstance(num, list):
        lo, hi = float(num[0]), float(num[1])
        return lo, (lo, hi)
    return float(num), None


def parse_value(surface: str, implied_scale: str | None = None) -> Value:
    check_digits(surface)
    m = _RX.match(re.sub(r"\s+", "", surface))  # '超过 30%' as machine translation spaced it
    if not m:
        raise SurfaceValueError(f"value {surface!r} is not a number with optional qualifier, scale and unit words")
    core = m["core"] + (implied_scale or "")
    # a sub-unit of the yuan is read by jionlp with its number (一分钱 -> 0.01 yuan)
    value, rng = parse_core(core + m["unit"] if m["unit"] == "分钱" else core)
    unit = UNIT_WORDS.get(m["unit"], "count")
    bound = "exact"
    for part, table in ((m["prefix"], PREFIXES), (m["multi"], MULTI), (m["suffix"], SUFFIXES)):
        if part:
            b = table[part]
            if bound not in ("exact", b):
                raise SurfaceValueError(f"value {surface!r} has conflicting qualifiers")
            bound = b
    low = high = None
    if rng:
        bound, (low, high) = "approx", rng
    elif bound in ("more_than", "at_least"):
        low = value
    elif bound in ("less_than", "at_most"):
        high = value
    elif bound == "approx" and m["prefix"] == "近":
        high = value
    return Value(value=value, unit=unit, bound=bound, low=low, high=high)
