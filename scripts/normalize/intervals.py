"""Stated numbers as intervals: the values a claim (or fact) admits from its bound and
the precision of its surface, how two such intervals are compared, and the period a
change compares against. Relations and verdicts both read claims this way."""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping

from scripts.normalize.tolerances import APPROX, NEAR


def scope_key(scope: str) -> str:
    """Scope without the annotator's parenthetical remarks."""
    return re.sub(r"\s*\(.*?\)\s*$", "", scope).strip()


@functools.lru_cache(maxsize=1 << 16)  # interval() asks again for every comparison a claim takes part in
def half_unit(surface: str, value: float) -> float:
    """Half of the last significant written digit's unit: 596亿 -> 0.5亿, 32.5% -> 0.05,
    600亿 -> 50亿 (trailing zeros before a scale word are read as rounding)."""
    m = re.search(r"\d+(?:\.(\d+))?", surface)
    if not m or value == 0:
        return 0.0
    written = float(m.group(0))
    scale = value / written if written else 1.0
    decimals = len(m.group(1) or "")
    zeros = 0
    if not decimals and scale > 1:
        digits = m.group(0)
        zeros = len(digits) - len(digits.rstrip("0")) if digits.rstrip("0") else 0
    return 0.5 * 10 ** (zeros - decimals) * scale


def interval(c: Mapping) -> tuple[float, float]:
    """The values a claim admits, from its bound and the precision of its surface."""
    v, b = c["value"], c["bound"]
    if c["value_low"] is not None and c["value_high"] is not None:
        return c["value_low"], c["value_high"]
    if b in ("more_than", "at_least"):
        return c["value_low"], float("inf")
    if b in ("less_than", "at_most"):
        return float("-inf"), c["value_high"]
    if b == "approx":
        if c["value_high"] is not None:  # 近: just under the stated figure
            return v * (1 - NEAR), c["value_high"]
        return v * (1 - APPROX), v * (1 + APPROX)
    h = half_unit(c["value_surface"], v)
    return v - h, v + h


def widened_overlap(a: tuple[float, float], b: tuple[float, float], rel: float) -> bool:
    """Do a, widened by rel of its own ends, and b overlap? (relations: b is a computed expectation)"""
    lo_a, hi_a = a[0] - abs(a[0]) * rel, a[1] + abs(a[1]) * rel
    return lo_a <= b[1] and b[0] <= hi_a


def both_widened_overlap(a: tuple[float, float], b: tuple[float, float], rel: float) -> bool:
    """Do a and b overlap once each is widened by rel of its own ends? (verdicts: claim vs fact)"""
    return a[0] - abs(a[0]) * rel <= b[1] + abs(b[1]) * rel and b[0] - abs(b[0]) * rel <= a[1] + abs(a[1]) * rel


def previous_period(start: dt.date, end: dt.date, basis: str, granularity: str) -> tuple[dt.date, dt.date] | None:
    """The period a change compares against (a year earlier; the quarter before)."""
    if basis == "yoy" or (basis in ("qoq", "unspecified") and granularity == "year"):
        return start.replace(year=start.year - 1), end.replace(year=end.year - 1)
    if basis == "qoq" and granularity == "quarter":
        m = start.month - 3
        y = start.year - (1 if m < 1 else 0)
        m = m + 12 if m < 1 else m
        s = dt.date(y, m, 1)
        e = dt.date(start.year, start.month, 1) - dt.timedelta(days=1)
        return s, e
    return None
