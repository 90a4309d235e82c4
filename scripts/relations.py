"""claim_relations: checks over the normalized claims. Code decides every
relation; annotations may only declare which claims an arithmetic check links
(share_of_base, ratio_multiple) where the link is in the prose, not the numbers."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from itertools import combinations

from scripts.tolerances import APPROX, NEAR, TOLERANCES, tolerance

SCALE_FACTOR = TOLERANCES["scale_mismatch"]
NEAR_DAYS = 548        # 18 months


def scope_key(scope: str) -> str:
    """Scope without the annotator's parenthetical remarks."""
    return re.sub(r"\s*\(.*?\)\s*$", "", scope).strip()


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


def interval(c: dict) -> tuple[float, float]:
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


def _overlap(a: tuple[float, float], b: tuple[float, float], rel: float) -> bool:
    lo_a, hi_a = a[0] - abs(a[0]) * rel, a[1] + abs(a[1]) * rel
    return lo_a <= b[1] and b[0] <= hi_a


def rid(rule: str, a: str, b: str) -> str:
    return "rel-" + hashlib.sha1(f"{rule}|{a}|{b}".encode()).hexdigest()[:10]


def _row(rule, relation, a, b, explanation, expected=None, curated=False):
    return {"relation_id": rid(rule, a["claim_id"], b["claim_id"]), "claim_id_a": a["claim_id"],
            "claim_id_b": b["claim_id"], "relation": relation, "rule": rule,
            **tolerance(rule), "expected": expected,
            "cross_document": a["doc_id"] != b["doc_id"], "curated": curated, "explanation": explanation}


def _fmt(c: dict) -> str:
    return f"{c['claim_id']} {c['value_surface']}"


def _key(c):
    return (c["subject_id"], c["metric"], c["unit"], c["is_change"], c["change_basis"], scope_key(c["scope"]))


def same_quantity(claims: list[dict]) -> list[dict]:
    out = []
    groups = defaultdict(list)
    for c in claims:
        if c["period_start"] is not None:
            groups[_key(c) + (c["period_start"], c["period_end"])].append(c)
    for group in groups.values():
        for a, b in combinations(sorted(group, key=lambda c: c["claim_id"]), 2):
            if a["is_change"] and a["direction_stated"] != b["direction_stated"]:
                out.append(_row("same_quantity", "contradicts", a, b,
                                f"{_fmt(a)} says {a['direction_stated']}, {_fmt(b)} says {b['direction_stated']}"))
                continue
            agree = _overlap(interval(a), interval(b), TOLERANCES["same_quantity"])
            out.append(_row("same_quantity", "corroborates" if agree else "contradicts", a, b,
                            f"{_fmt(a)} vs {_fmt(b)} for {a['period_start']}..{a['period_end']}: "
                            + ("ranges overlap" if agree else "ranges do not overlap")))
    return out


def scale_mismatch(claims: list[dict]) -> list[dict]:
    out = []
    groups = defaultdict(list)
    for c in claims:
        if not c["is_change"] and c["period_start"] is not None and c["unit"] in ("CNY", "count") and c["value"] > 0:
            groups[(c["doc_id"],) + _key(c)].append(c)
    for group in groups.values():
        for a, b in combinations(sorted(group, key=lambda c: c["claim_id"]), 2):
            overlapping = a["period_start"] <= b["period_end"] and b["period_start"] <= a["period_end"]
            current = "point" in (a["period_granularity"], b["period_granularity"])
            if not (overlapping or current):
                continue  # a time series (2018 -> 2019) may grow 100-fold; direction_vs_values checks those
            gap = abs((a["period_start"] - b["period_start"]).days)
            ratio = max(a["value"], b["value"]) / min(a["value"], b["value"])
            if gap <= NEAR_DAYS and ratio >= SCALE_FACTOR:
                out.append(_row("scale_mismatch", "contradicts", a, b,
                                f"{_fmt(a)} and {_fmt(b)} differ {ratio:,.0f}-fold within {gap} days: a scale word is wrong"))
    return out


def _previous(start: dt.date, end: dt.date, basis: str, granularity: str) -> tuple[dt.date, dt.date] | None:
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


def direction_vs_values(claims: list[dict]) -> list[dict]:
    """A stated percent change against the two levels the sources give."""
    out = []
    levels = defaultdict(list)
    for c in claims:
        if not c["is_change"] and c["period_start"] is not None:
            levels[(c["subject_id"], c["metric"], scope_key(c["scope"]), c["period_start"], c["period_end"])].append(c)
    for c in claims:
        if not (c["is_change"] and c["unit"] == "percent" and c["direction_stated"] in ("increase", "decrease")
                and c["period_start"] is not None):
            continue
        prev = _previous(c["period_start"], c["period_end"], c["change_basis"], c["period_granularity"])
        if not prev:
            continue
        k = (c["subject_id"], c["metric"], scope_key(c["scope"]))
        for now in levels.get(k + (c["period_start"], c["period_end"]), []):
            for before in levels.get(k + prev, []):
                if now["unit"] != before["unit"] or before["value"] == 0:
                    continue
                actual = (now["value"] - before["value"]) / before["value"] * 100
                sign = 1 if c["direction_stated"] == "increase" else -1
                expected = before["value"] * (1 + sign * c["value"] / 100)
                if (actual > 0) != (sign > 0):
                    relation = "contradicts"
                elif _overlap(interval(now), (expected, expected), TOLERANCES["direction_vs_values"]):
                    relation = "arithmetic_consistent"
                else:
                    relation = "arithmetic_inconsistent"
                out.append(_row("direction_vs_values", relation, c, now,
                                f"{_fmt(c)} ({c['direction_stated']}) vs levels {_fmt(before)} -> {_fmt(now)}: "
                                f"actual change {actual:+.1f}%", expected=expected))
    return out


def parts_sum_to_total(claims: list[dict]) -> list[dict]:
    out = []
    groups = defaultdict(list)
    for c in claims:
        if c["metric"] == "revenue" and not c["is_change"] and c["period_start"] is not None and c["bound"] == "exact":
            groups[(c["doc_id"], c["subject_id"], c["unit"], c["period_start"], c["period_end"])].append(c)
    for group in groups.values():
        if len(group) < 3:
            continue
        total = max(group, key=lambda c: c["value"])
        parts = [c for c in group if c is not total]
        s = sum(p["value"] for p in parts)
        ok = abs(s - total["value"]) <= TOLERANCES["parts_sum_to_total"] * total["value"]
        for p in sorted(parts, key=lambda c: c["claim_id"]):
            expected = total["value"] - (s - p["value"])
            out.append(_row("parts_sum_to_total", "arithmetic_consistent" if ok else "arithmetic_inconsistent", total, p,
                            f"parts {' + '.join(x['value_surface'] for x in parts)} = {s:,.0f} vs total {_fmt(total)}",
                            expected=expected))
    return out


def shares_sum_to_100(claims: list[dict]) -> list[dict]:
    out = []
    groups = defaultdict(list)
    for c in claims:
        if c["metric"] == "revenue_share" and c["period_start"] is not None:
            groups[(c["doc_id"], c["subject_id"], c["period_start"], c["period_end"])].append(c)
    for group in groups.values():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda c: c["claim_id"])
        s = sum(c["value"] for c in group)
        ok = s <= 100 + TOLERANCES["shares_sum_to_100"]
        for b in group[1:]:
            out.append(_row("shares_sum_to_100", "arithmetic_consistent" if ok else "arithmetic_inconsistent", group[0], b,
                            f"shares {' + '.join(c['value_surface'] for c in group)} = {s:.1f}%",
                            expected=100 - (s - b["value"])))
    return out


def share_of_base(share: dict, base: dict, part: dict) -> dict:
    expected = base["value"] * share["value"] / 100
    ok = _overlap(interval(part), (expected, expected), TOLERANCES["share_of_base"]) or \
        _overlap((base["value"] * interval(share)[0] / 100, base["value"] * interval(share)[1] / 100), interval(part), TOLERANCES["share_of_base"])
    return _row("share_of_base", "arithmetic_consistent" if ok else "arithmetic_inconsistent", share, part,
                f"{_fmt(share)} of {_fmt(base)} = {expected:,.4g}; {_fmt(part)} states {part['value']:,.4g}",
                expected=expected, curated=True)


def ratio_multiple(multiple: dict, numerator: dict, denominator: dict) -> dict:
    lo_n, hi_n = interval(numerator)
    lo_d, hi_d = interval(denominator)
    lo = lo_n / hi_d if hi_d not in (0, float("inf")) else 0.0
    hi = hi_n / lo_d if lo_d > 0 else float("inf")
    ok = _overlap(interval(multiple), (lo, hi), TOLERANCES["ratio_multiple"])
    expected = numerator["value"] / denominator["value"] if denominator["value"] else None
    return _row("ratio_multiple", "arithmetic_consistent" if ok else "arithmetic_inconsistent", numerator, multiple,
                f"{_fmt(numerator)} / {_fmt(denominator)} = {lo:,.0f}..{hi:,.0f} times vs {_fmt(multiple)}",
                expected=expected, curated=True)


AUTOMATIC = (same_quantity, scale_mismatch, direction_vs_values, parts_sum_to_total, shares_sum_to_100)
DECLARED = {"share_of_base": (share_of_base, ("share", "base", "part")),
            "ratio_multiple": (ratio_multiple, ("multiple", "numerator", "denominator"))}


def find_relations(claims: list[dict], declared: list[tuple[str, dict[str, dict]]]) -> list[dict]:
    rows = [r for rule in AUTOMATIC for r in rule(claims)]
    for rule, roles in declared:
        fn, names = DECLARED[rule]
        rows.append(fn(*(roles[n] for n in names)))
    seen, out = set(), []
    for r in sorted(rows, key=lambda r: r["relation_id"]):
        if r["relation_id"] not in seen:
            seen.add(r["relation_id"])
            out.append(r)
    return out
