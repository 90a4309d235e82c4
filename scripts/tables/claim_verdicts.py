"""claim_verdicts: every claim checked against the reference facts by code.

A fact matches a claim on subject, metric, scope (without the annotator's
parenthetical remarks), unit and kind of figure (level or change), and its period
must cover the claim's. A claim about 'now' (no period words) takes the latest fact
disclosed before its document was written. A stated change with no disclosed rate
is compared with the change the level facts imply. Facts carry bounds too
(超60%): a verdict compares the values each side admits."""
from __future__ import annotations

from scripts.normalize.intervals import both_widened_overlap, half_unit, interval, previous_period, scope_key
from scripts.normalize.tolerances import TOLERANCES, tolerance
from scripts.tables.context import Stage


def _reading(c: dict, reconciled: bool) -> dict:
    """The claim as stated, or its reconciled reading, in the stated columns' names."""
    if not reconciled:
        return c
    r = dict(c, value=c["value_reconciled"], direction_stated=c["direction_reconciled"],
             change_basis=c["change_basis_reconciled"], period_start=c["period_start_reconciled"],
             period_end=c["period_end_reconciled"])
    if c["value_reconciled"] != c["value"] and c["value"]:
        ratio = c["value_reconciled"] / c["value"]
        r.update(value_low=c["value_low"] and c["value_low"] * ratio, value_high=c["value_high"] and c["value_high"] * ratio,
                 value_surface=c["value_surface"], _scale=ratio)
    return r


def _claim_range(c: dict) -> tuple[float, float]:
    lo, hi = interval(c)
    if "_scale" in c and c["bound"] == "exact":  # the reconciled value keeps the stated precision, scaled
        h = half_unit(c["value_surface"], c["value"] / c["_scale"]) * c["_scale"]
        lo, hi = c["value"] - h, c["value"] + h
    return lo, hi


def _fact_range(f: dict) -> tuple[float, float]:
    return interval(dict(f, value_surface=f["value_surface"].replace(",", "")))


def _same(c: dict, facts: list[dict], change: bool) -> list[dict]:
    return [f for f in facts if f["subject_id"] == c["subject_id"] and f["metric"] == c["metric"]
            and scope_key(f["scope"]) == scope_key(c["scope"]) and (f["change_basis"] != "none") == change]


def _covering(fs: list[dict], start, end) -> list[dict]:
    return [f for f in fs if f["period_start"] <= start and end <= f["period_end"]]


def _nei(rule: str, why: str) -> dict:
    return {"verdict": "not_enough_info", "fact_ids": [], "relative_error": None, **tolerance(None),
            "rule": rule, "explanation": why}


def _gap(mine: tuple[float, float], theirs: tuple[float, float], ref: float) -> float | None:
    """How far apart the values the claim admits and those the fact admits are,
    relative to the fact (0 when they overlap)."""
    if not ref:
        return None
    return max(0.0, theirs[0] - mine[1], mine[0] - theirs[1]) / abs(ref)


def _judge_level(c: dict, facts: list[dict]) -> dict:
    same = [f for f in _same(c, facts, change=False) if f["unit"] == c["unit"]]
    rule, cands = "value_match", []
    if c["period_resolution"] == "document_date":
        # 'now' in a text can only mean what had been measured by then: a period still running (Q1 of
        # the writing date) was not yet disclosed
        before = [f for f in same if f["period_end"] <= c["period_start"]]
        if before:
            latest = max(f["period_end"] for f in before)
            cands, rule = [f for f in before if f["period_end"] == latest], "latest_before_reference"
    else:
        cands = _covering(same, c["period_start"], c["period_end"])
    if not cands:
        return _nei("no_fact", "no reference fact covers this subject, metric, scope and period")
    tol = TOLERANCES["value_match"]
    mine = _claim_range(c)
    agree = [f for f in cands if both_widened_overlap(mine, _fact_range(f), tol)]
    f = (agree or sorted(cands, key=lambda f: abs(f["value"] - c["value"])))[0]
    rel = _gap(mine, _fact_range(f), f["value"])
    return {"verdict": "supported" if agree else "refuted", "fact_ids": [x["fact_id"] for x in (agree or [f])],
            "relative_error": rel, **tolerance("value_match"), "rule": rule,
            "explanation": f"{c['value_surface']} ({c['bound']}) vs disclosed {f['value_surface']}"
                           + ("" if agree else f": off by {rel:.1%}" if rel is not None else "")}


def _judge_change(c: dict, facts: list[dict]) -> dict:
    tol = TOLERANCES["change_match"]
    rates = [f for f in _covering(_same(c, facts, change=True), c["period_start"], c["period_end"]) if f["unit"] == c["unit"]]
    if rates:
        f = rates[0]
        disclosed, disclosed_range, basis, ids, rule = f["value"], _fact_range(f), f["change_basis"], [f["fact_id"]], "change_match"
        shown = f["value_surface"]
    else:
        if c["unit"] != "percent":
            return _nei("no_fact", "no disclosed change covers this claim")
        levels = _same(c, facts, change=False)
        prev = previous_period(c["period_start"], c["period_end"], "yoy" if c["period_granularity"] == "year" else c["change_basis"],
                         c["period_granularity"])
        now = [f for f in levels if (f["period_start"], f["period_end"]) == (c["period_start"], c["period_end"])]
        before = [f for f in levels if prev and (f["period_start"], f["period_end"]) == prev]
        if not (now and before) or not before[0]["value"]:
            return _nei("no_fact", "no disclosed change, and no level facts for this period and the one before")
        disclosed = (now[0]["value"] - before[0]["value"]) / before[0]["value"] * 100
        lo_n, hi_n = _fact_range(now[0])
        lo_b, hi_b = _fact_range(before[0])
        disclosed_range = ((lo_n - hi_b) / hi_b * 100, (hi_n - lo_b) / lo_b * 100)
        basis = "yoy" if prev and prev[0].year == c["period_start"].year - 1 else c["change_basis"]
        ids, rule = [before[0]["fact_id"], now[0]["fact_id"]], "change_from_levels"
        shown = f"{before[0]['value_surface']} -> {now[0]['value_surface']} ({disclosed:+.1f}%)"
    fact_dir = "increase" if disclosed >= 0 else "decrease"
    lo, hi = sorted((abs(disclosed_range[0]), abs(disclosed_range[1])))
    mine = _claim_range(c)
    # percentage points apart, relative to the disclosed rate (0 when the ranges overlap)
    rel = _gap((mine[0] - tol, mine[1] + tol), (lo, hi), disclosed)
    out = {"fact_ids": ids, "relative_error": rel, **tolerance("change_match"), "rule": rule}
    # 环比 of a full year compares with the year before, as 同比 does: only a quarter or month can mislabel it
    if c["change_basis"] not in ("unspecified", basis) and c["period_granularity"] != "year":
        return dict(out, verdict="refuted", explanation=f"states a {c['change_basis']} change; the disclosure is {basis}: {shown}")
    if c["direction_stated"] not in ("none", fact_dir):
        return dict(out, verdict="refuted", explanation=f"states a {c['direction_stated']}; the official figures show an {fact_dir}: {shown}")
    ok = rel == 0.0
    return dict(out, verdict="supported" if ok else "refuted",
                explanation=f"{c['value_surface']} {c['direction_stated']} vs {shown}" + ("" if ok else ": size differs"))


def _judge_share(c: dict, facts: list[dict]) -> dict | None:
    """A share stated as 'part 占 total' checked against the part and total the facts disclose."""
    if c["metric"] != "revenue_share" or "占" not in scope_key(c["scope"]):
        return None
    part_scope, total_scope = scope_key(c["scope"]).split("占", 1)

    def level(scope):
        return [f for f in facts if f["subject_id"] == c["subject_id"] and f["metric"] == "revenue"
                and scope_key(f["scope"]) == scope and f["change_basis"] == "none"
                and f["period_start"] <= c["period_start"] and c["period_end"] <= f["period_end"]]
    parts, totals = level(part_scope), level(total_scope)
    if not (parts and totals):
        return None
    p, t = parts[0], totals[0]
    (lo_p, hi_p), (lo_t, hi_t) = _fact_range(p), _fact_range(t)
    computed = (lo_p / hi_t * 100, hi_p / lo_t * 100)
    tol = TOLERANCES["value_match"]
    rel = _gap(_claim_range(c), computed, p["value"] / t["value"] * 100)
    ok = rel is not None and rel <= tol
    return {"verdict": "supported" if ok else "refuted", "fact_ids": [p["fact_id"], t["fact_id"]], "relative_error": rel,
            **tolerance("value_match"), "rule": "share_from_levels",
            "explanation": f"{c['value_surface']} vs {p['value_surface']} / {t['value_surface']} = "
                           f"{computed[0]:.1f}%..{computed[1]:.1f}% (rounding of both figures)"}


def judge(c: dict, facts: list[dict]) -> dict:
    if c["period_start"] is None:
        return _nei("no_period", "the claim states no period")
    if c["is_change"]:
        return _judge_change(c, facts)
    v = _judge_level(c, facts)
    if v["verdict"] == "not_enough_info":
        return _judge_share(c, facts) or v
    return v


def verdicts(claims: list[dict], facts: list[dict]) -> list[dict]:
    rows = []
    for c in claims:
        v = judge(c, facts)
        v_rec = judge(_reading(c, True), facts) if c["reconciled_by"] else v
        rows.append({"claim_id": c["claim_id"], **v, "verdict_reconciled": v_rec["verdict"]})
    return rows


READS = ("claims", "reference_facts")


def build(stage: Stage) -> list[dict]:
    return verdicts([dict(c) for c in stage.rows("claims")], [dict(f) for f in stage.rows("reference_facts")])
