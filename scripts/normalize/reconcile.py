"""The 'best reading' of each claim: the noise labels' likely readings applied
by code beside the stated values, which stay untouched."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from scripts.normalize.numbers import NUMBER
from scripts.normalize.periods import PeriodError, resolve
from scripts.normalize.values import SurfaceValueError, parse_value

UP = re.compile(r"增长|提升|上升|提高|增加")
DOWN = re.compile(r"下降|降低|下跌|减少")
BASIS_SWAPS = ("antonym_substitution", "self_contradiction", "synonym_substitution")
PERIOD_WORDS = re.compile(r"(?:今年|去年|明年)(?:第?[一二三四]季度|\d{1,2}月)")


def _value_in(reading: str):
    """The first number with its unit words in a likely reading (9012亿元)."""
    for m in NUMBER.finditer(reading):
        unit_words = re.match(r"[^\s,。,;]*?(?:元|%|倍|对|人|家|个)?", reading[m.end():])
        tail = unit_words.group(0) if unit_words else ""
        for end in range(len(tail), -1, -1):
            try:
                return parse_value(m.group(0) + tail[:end])
            except SurfaceValueError:
                continue
    return None


def _apply(c: dict, n: Mapping, reference_date: dt.date) -> bool:
    """Apply one noise label's likely reading to the claim's reconciled columns; True if it changed one."""
    reading = n["likely_reading"]
    applied = False
    if n["noise_type"] == "unit_error":
        v = _value_in(reading)
        if v is not None and v.value != c["value"]:
            c["value_reconciled"] = v.value
            applied = True
    if n["noise_type"] in ("antonym_substitution", "self_contradiction") and c["is_change"]:
        new = "increase" if UP.search(reading) else "decrease" if DOWN.search(reading) else None
        if new and new != c["direction_stated"]:
            c["direction_reconciled"] = new
            applied = True
    # a basis word can be swapped by an antonym pass or a synonym spinner alike (环比 for 同比, 000-n68)
    if n["noise_type"] in BASIS_SWAPS and c["is_change"]:
        basis = "yoy" if "同比" in reading else "qoq" if "环比" in reading else None
        if basis and basis != c["change_basis"]:
            c["change_basis_reconciled"] = basis
            applied = True
    if n["noise_type"] == "date_mismatch" and c["period_surface"]:
        m = PERIOD_WORDS.search(reading)
        if m:
            try:
                p = resolve(m.group(0), reference_date)
            except PeriodError:
                p = None
            if p and (p.start, p.end) != (c["period_start"], c["period_end"]):
                c["period_start_reconciled"], c["period_end_reconciled"] = p.start, p.end
                applied = True
    return applied


def reconciled(claims: list[dict], noise: Iterable[Mapping], reference_dates: dict) -> list[dict]:
    """The claim rows with their *_reconciled columns added (new rows; the stated columns are copied as they are)."""
    claims = [dict(c) for c in claims]
    by_claim: dict[str, list[Mapping]] = {}
    for n in noise:
        for cid in n["claim_ids"]:
            by_claim.setdefault(cid, []).append(n)
    for c in claims:
        c.update(value_reconciled=c["value"], direction_reconciled=c["direction_stated"],
                 change_basis_reconciled=c["change_basis"], period_start_reconciled=c["period_start"],
                 period_end_reconciled=c["period_end"], reconciled_by=[])
        for n in sorted(by_claim.get(c["claim_id"], []), key=lambda n: n["noise_id"]):
            if n["likely_reading"] and _apply(c, n, reference_dates[c["doc_id"]]):
                c["reconciled_by"].append(n["noise_id"])
    return claims
