"""claim_verdicts: every claim checked against the reference facts by code.

A fact matches a claim on subject, metric, scope (without the annotator's
parenthetical remarks), unit and kind of figure (level or change), and its period
must cover the claim's. A claim about 'now' (no period words) takes the latest fact
disclosed before its document was written. A stated change with no disclosed rate
is compared with the change the level facts imply. Facts carry bounds too
(超60%): a verdict compares the values each side admits.

Claims are read as people read them: a lower bound (突破/超过 70% in 2021) is
supported by a reading inside its period whose values all exceed the threshold,
even when that reading covers only a month of it. Where several facts match, the
latest published on or before the document's writing date is preferred (then the
stronger tier); a verdict names the weakest tier it rests on (verdict_basis). A
multiple the prose relates to two levels (an annotation's ratio_multiple check) is
judged from the facts those levels rest on."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Optional

from schema import load
from scripts.normalize.intervals import both_widened_overlap, half_unit, interval, previous_period, scope_key
from scripts.normalize.scopes import normalized_scope
from scripts.normalize.tolerances import TOLERANCES, tolerance
from scripts.tables.claim_relations import declared_checks, declared_from_rows
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, compare_table, run
from scripts.tables.reference_facts import fact_range

TIER_RANK = {"primary": 2, "secondary": 1, "derived": 0}
MISDATED = "page_date_before_release"  # vocab source_date_basis: kept, never preferred
FORECAST = "forecast"  # vocab source_date_basis: a page that states a target or forecast before its period ends
STATED_AHEAD = ("target", "forecast")  # vocab claim_kind: the claims a recorded target or forecast can decide


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
    return fact_range(f)


def _shown(f: dict) -> str:
    """How a fact is quoted in an explanation: as printed, or the computed range of a derived one."""
    if f["value_as_printed"] is not None:
        return f["value_as_printed"]

    def n(v: float) -> str:
        return f"{v / 1e8:,.0f}亿" if f["unit"] == "CNY" and abs(v) >= 1e8 else f"{v:.4g}"
    return f"{n(f['value'])} [{n(f['value_low'])}..{n(f['value_high'])}] ({f['formula']})"


def _prefer(fs: list[dict], ref: Optional[dt.date]) -> list[dict]:
    """The facts a reader of the document would take: the latest published on or before its
    writing date (if none was, the latest at all), then the stronger tier; ties are all kept."""
    if not fs:
        return fs

    def key(f: dict) -> tuple:
        # a page dated before the release it reports (source_date_basis page_date_before_release) is kept
        # for want of a better one but never preferred over a properly dated fact
        return (ref is None or f["known_from"] <= ref, f.get("source_date_basis") != MISDATED, f["source_date"],
                TIER_RANK[f["source_tier"]])
    best = max(key(f) for f in fs)
    return [f for f in fs if key(f) == best]


def _scale_word(surface: str) -> tuple[str, tuple[float, float]] | None:
    """The scale word a surface carries and the range vocab scale_word declares for it."""
    for word, spec in load().vocab["scale_word"].items():
        if word in surface:
            return word, (float(spec["low"]), float(spec["high"]))
    return None


def tolerance_units_agree(unit: str, tolerance_unit: str) -> bool:
    """Percentage points only for percentages; a count or an amount takes a fraction of its value."""
    return tolerance_unit != "percentage_points" or unit == "percent"


def basis(fact_ids: list[str], facts: list[dict]) -> str:
    """The weakest tier among the facts a verdict rests on."""
    if not fact_ids:
        return "none"
    tiers = {f["fact_id"]: f["source_tier"] for f in facts}
    return min((tiers[i] for i in fact_ids), key=TIER_RANK.__getitem__)


# entity id -> its name and aliases, removed from scopes before they are compared (verdicts() sets it)
NAMES: dict[str, tuple[str, ...]] = {}


def _same(c: dict, facts: list[dict], change: bool) -> list[dict]:
    names = NAMES.get(c["subject_id"], ())
    mine = normalized_scope(c["scope"], names)
    return [f for f in facts if f["subject_id"] == c["subject_id"] and f["metric"] == c["metric"]
            and normalized_scope(f["scope"], names) == mine and (f["change_basis"] != "none") == change
            and _kind_agrees(c, f)]


def _kind_agrees(c: dict, f: dict) -> bool:
    """A recorded target or forecast (source_date_basis forecast: 3亿DAU before Spring Festival 2020, set in June
    2019) says what someone aimed at or expected, not what was measured: it decides only a claim that states a
    target or forecast (claim_kind), never an actual level of the same period."""
    return f.get("source_date_basis") != FORECAST or c.get("claim_kind") in STATED_AHEAD


def _lower_bound_only(c: dict, f: dict) -> bool:
    """A lower-bound fact (超60%) says nothing about how far above its bound the value is: it cannot
    support an exact figure above the bound (65%); an exact fact, if any, decides."""
    return c["bound"] == "exact" and f["bound"] in ("more_than", "at_least") and _claim_range(c)[0] >= _fact_range(f)[0]


def _covering(fs: list[dict], start, end) -> list[dict]:
    return [f for f in fs if f["period_start"] <= start and end <= f["period_end"]]


def _tightest(fs: list[dict]) -> list[dict]:
    """The covering facts of the shortest period. A year's total is another quantity than its quarter's (the
    2021 GMV 6800亿元 is not the Q3 2021 GMV 1758亿元): a fact of the claim's own period decides before a
    longer one, whichever was published first (until v0.10.0 _prefer's date order let the annual fact refute)."""
    if not fs:
        return fs
    shortest = min(f["period_end"] - f["period_start"] for f in fs)
    return [f for f in fs if f["period_end"] - f["period_start"] == shortest]


def _nei(rule: str, why: str) -> dict:
    return {"verdict": "not_enough_info", "fact_ids": [], "relative_error": None, **tolerance(None),
            "rule": rule, "explanation": why}


def _gap(mine: tuple[float, float], theirs: tuple[float, float], ref: float) -> float | None:
    """How far apart the values the claim admits and those the fact admits are,
    relative to the fact (0 when they overlap)."""
    if not ref:
        return None
    return max(0.0, theirs[0] - mine[1], mine[0] - theirs[1]) / abs(ref)


def _within(fs: list[dict], start: dt.date, end: dt.date) -> list[dict]:
    return [f for f in fs if start <= f["period_start"] and f["period_end"] <= end]


def _judge_threshold(c: dict, same: list[dict], ref: Optional[dt.date]) -> dict | None:
    """突破/超过 X in a period: a reading inside the period whose every admitted value is
    above X supports it (a reading below X does not refute it: another moment may pass X)."""
    if c["bound"] not in ("more_than", "at_least") or c["period_resolution"] == "document_date" or c["value_low"] is None:
        return None
    above = [f for f in _within(same, c["period_start"], c["period_end"])
             if _fact_range(f)[0] >= c["value_low"] * (1 - TOLERANCES["value_match"])]
    if not above:
        return None
    above = _prefer(above, ref)
    f = above[0]
    return {"verdict": "supported", "fact_ids": [x["fact_id"] for x in above], "relative_error": 0.0,
            **tolerance("value_match"), "rule": "threshold_reached",
            "explanation": f"{c['value_surface']} ({c['bound']}) in {c['period_start']}..{c['period_end']}: "
                           f"the reading for {f['period_start']}..{f['period_end']} is {_shown(f)}, above the threshold"}


def _judge_level(c: dict, facts: list[dict], ref: Optional[dt.date] = None) -> dict:
    same = [f for f in _same(c, facts, change=False) if f["unit"] == c["unit"]]
    threshold = _judge_threshold(c, same, ref)
    if threshold:
        return threshold
    rule, cands = "value_match", []
    if c["period_resolution"] == "document_date":
        # 'now' in a text can only mean what had been measured by then: a period still running (Q1 of
        # the writing date) was not yet disclosed. The latest such period wins even when its page is dated
        # after the writing date: source_date is the page read (often a later restatement), not the first
        # disclosure; among readings of that period, _prefer takes what was published by then.
        before = [f for f in same if f["period_end"] <= c["period_start"]]
        if before:
            latest = max(f["period_end"] for f in before)
            cands, rule = [f for f in before if f["period_end"] == latest], "latest_before_reference"
    else:
        cands = _tightest(_covering(same, c["period_start"], c["period_end"]))  # a year's GMV does not refute a quarter's
    if not cands:
        return _nei("no_fact", "no reference fact covers this subject, metric, scope and period")
    decisive = [f for f in cands if not _lower_bound_only(c, f)]
    if not decisive:
        return _nei("lower_bound_only", f"{c['value_surface']} ({c['bound']}): the only facts are lower bounds "
                    f"({', '.join(_shown(f) for f in cands)}), which neither support nor refute a figure above them")
    cands = _prefer(decisive, ref)
    tol = TOLERANCES["value_match"]
    mine = _claim_range(c)
    scale = _scale_word(c["value_surface"])
    if scale:
        word, (lo, hi) = scale
        # an open-ended fact (超9000亿) cannot say whether the value stays below the range's top
        bounded = [f for f in cands if _fact_range(f)[1] != float("inf")]
        if not bounded:
            return _nei("lower_bound_only", f"{word} is a scale word, read as [{lo / 1e8:,.0f}亿, {hi / 1e8:,.0f}亿) (vocab scale_word): "
                        f"the only facts are lower bounds ({', '.join(_shown(f) for f in cands)}), which cannot place it")
        cands = bounded
        inside = [f for f in cands if lo <= _fact_range(f)[0] and _fact_range(f)[1] < hi]
        f = (inside or cands)[0]
        return {"verdict": "supported" if inside else "refuted", "fact_ids": [x["fact_id"] for x in (inside or [f])],
                "relative_error": None, **tolerance(None), "rule": "scale_range",
                "explanation": f"{word} is a scale word, read as [{lo / 1e8:,.0f}亿, {hi / 1e8:,.0f}亿) (vocab scale_word): "
                               f"disclosed {_shown(f)} is {'inside' if inside else 'outside'} it"}
    agree = [f for f in cands if both_widened_overlap(mine, _fact_range(f), tol)]
    f = (agree or sorted(cands, key=lambda f: abs(f["value"] - c["value"])))[0]
    rel = _gap(mine, _fact_range(f), f["value"])
    ahead = f.get("source_date_basis") == FORECAST  # the page records the target itself, not an outcome
    shown = (f"the {c['claim_kind']} a page dated {f['source_date']} records, {_shown(f)}" if ahead
             else f"disclosed {_shown(f)}")
    return {"verdict": "supported" if agree else "refuted", "fact_ids": [x["fact_id"] for x in (agree or [f])],
            "relative_error": rel, **tolerance("value_match"), "rule": "stated_ahead_match" if ahead else rule,
            "explanation": f"{c['value_surface']} ({c['bound']}) vs {shown}"
                           + ("" if agree else f": off by {rel:.1%}" if rel is not None else "")}


def _judge_change(c: dict, facts: list[dict], ref: Optional[dt.date] = None) -> dict:
    tol = TOLERANCES["change_match"]
    rates = _prefer([f for f in _covering(_same(c, facts, change=True), c["period_start"], c["period_end"])
                     if f["unit"] == c["unit"]], ref)
    if rates:
        f = rates[0]
        disclosed, disclosed_range, basis, ids, rule = f["value"], _fact_range(f), f["change_basis"], [f["fact_id"]], "change_match"
        shown = _shown(f)
    else:
        if c["unit"] != "percent":
            return _nei("no_fact", "no disclosed change covers this claim")
        levels = _same(c, facts, change=False)
        prev = previous_period(c["period_start"], c["period_end"], "yoy" if c["period_granularity"] == "year" else c["change_basis"],
                         c["period_granularity"])
        now = _prefer([f for f in levels if (f["period_start"], f["period_end"]) == (c["period_start"], c["period_end"])], ref)
        before = _prefer([f for f in levels if prev and (f["period_start"], f["period_end"]) == prev], ref)
        if not (now and before) or not before[0]["value"]:
            return _nei("no_fact", "no disclosed change, and no level facts for this period and the one before")
        disclosed = (now[0]["value"] - before[0]["value"]) / before[0]["value"] * 100
        lo_n, hi_n = _fact_range(now[0])
        lo_b, hi_b = _fact_range(before[0])
        disclosed_range = ((lo_n - hi_b) / hi_b * 100, (hi_n - lo_b) / lo_b * 100)
        basis = "yoy" if prev and prev[0].year == c["period_start"].year - 1 else c["change_basis"]
        ids, rule = [before[0]["fact_id"], now[0]["fact_id"]], "change_from_levels"
        shown = f"{_shown(before[0])} -> {_shown(now[0])} ({disclosed:+.1f}%)"
    fact_dir = "increase" if disclosed >= 0 else "decrease"
    lo, hi = sorted((abs(disclosed_range[0]), abs(disclosed_range[1])))
    mine = _claim_range(c)
    if c["unit"] == "percent":
        # a rate: percentage points apart, relative to the disclosed rate (0 when the ranges overlap)
        key = "change_match"
        rel = _gap((mine[0] - tol, mine[1] + tol), (lo, hi), disclosed)
    else:
        # a change stated as an amount (净增近1亿 users): compared as a quantity, so its tolerance is a
        # fraction of the value, never percentage points (tolerance_units_agree checks this)
        key = "value_match"
        rel = 0.0 if both_widened_overlap(mine, (lo, hi), TOLERANCES[key]) else _gap(mine, (lo, hi), disclosed)
    out = {"fact_ids": ids, "relative_error": rel, **tolerance(key), "rule": rule}
    # 环比 of a full year compares with the year before, as 同比 does: only a quarter or month can mislabel it
    if c["change_basis"] not in ("unspecified", basis) and c["period_granularity"] != "year":
        return dict(out, verdict="refuted", explanation=f"states a {c['change_basis']} change; the disclosure is {basis}: {shown}")
    if c["direction_stated"] not in ("none", fact_dir):
        return dict(out, verdict="refuted", explanation=f"states a {c['direction_stated']}; the official figures show an {fact_dir}: {shown}")
    ok = rel == 0.0
    return dict(out, verdict="supported" if ok else "refuted",
                explanation=f"{c['value_surface']} {c['direction_stated']} vs {shown}" + ("" if ok else ": size differs"))


def _judge_share(c: dict, facts: list[dict], ref: Optional[dt.date] = None) -> dict | None:
    """A share stated as 'part 占 total' checked against the part and total the facts disclose."""
    if c["metric"] != "revenue_share" or "占" not in scope_key(c["scope"]):
        return None
    part_scope, total_scope = scope_key(c["scope"]).split("占", 1)

    def level(scope):
        return [f for f in facts if f["subject_id"] == c["subject_id"] and f["metric"] == "revenue"
                and scope_key(f["scope"]) == scope and f["change_basis"] == "none"
                and f["period_start"] <= c["period_start"] and c["period_end"] <= f["period_end"]]
    parts, totals = _prefer(level(part_scope), ref), _prefer(level(total_scope), ref)
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
            "explanation": f"{c['value_surface']} vs {_shown(p)} / {_shown(t)} = "
                           f"{computed[0]:.1f}%..{computed[1]:.1f}% (rounding of both figures)"}


def judge_multiple(c: dict, numerator: dict, denominator: dict, facts: list[dict]) -> dict | None:
    """A multiple that the prose declares as numerator / denominator (an annotation's ratio_multiple
    check: 两年增长近4000倍 from 2018 to 2020), checked against the facts the two levels' own verdicts
    rest on; read as a ratio, with the ratio_multiple tolerance, as claim_relations reads it."""
    by_id = {f["fact_id"]: f for f in facts}
    if len(numerator["fact_ids"]) != 1 or len(denominator["fact_ids"]) != 1:
        return None
    n, d = by_id[numerator["fact_ids"][0]], by_id[denominator["fact_ids"][0]]
    (lo_n, hi_n), (lo_d, hi_d) = _fact_range(n), _fact_range(d)
    if n["change_basis"] != "none" or d["change_basis"] != "none" or lo_d <= 0 or hi_d == float("inf"):
        return None
    computed = (lo_n / hi_d, hi_n / lo_d)
    tol = TOLERANCES["ratio_multiple"]
    mine = _claim_range(c)
    ok = both_widened_overlap(mine, computed, tol)
    rel = _gap(mine, computed, n["value"] / d["value"])
    return {"verdict": "supported" if ok else "refuted", "fact_ids": [d["fact_id"], n["fact_id"]], "relative_error": rel,
            **tolerance("ratio_multiple"), "rule": "multiple_from_levels",
            "explanation": f"{c['value_surface']} vs {_shown(n)} / {_shown(d)} = {computed[0]:,.0f}..{computed[1]:,.0f} times"}


def judge(c: dict, facts: list[dict], ref: Optional[dt.date] = None) -> dict:
    """The verdict on one claim; ref is its document's writing date (reference_date)."""
    if c["period_start"] is None:
        return _nei("no_period", "the claim states no period")
    if c["is_change"]:
        return _judge_change(c, facts, ref)
    v = _judge_level(c, facts, ref)
    if v["verdict"] == "not_enough_info":
        return _judge_share(c, facts, ref) or v
    return v


def verdicts(claims: list[dict], facts: list[dict], reference_dates: dict[str, dt.date] | None = None,
             multiples: dict[str, tuple[str, str]] | None = None,
             names: dict[str, tuple[str, ...]] | None = None) -> list[dict]:
    """One verdict per claim. multiples: multiple claim id -> (numerator, denominator) claim ids, as
    an annotation declares them; such a claim is judged from the facts its two levels rest on."""
    NAMES.clear()
    NAMES.update(names or {})
    refs = {c["claim_id"]: (reference_dates or {}).get(c["doc_id"]) for c in claims}
    # verdict: only what was published by the writing date; verdict_hindsight: everything known now
    rows = _judged(claims, facts, refs, multiples, at_time=True)
    hindsight = _judged(claims, facts, refs, multiples, at_time=False)
    by_id = {f["fact_id"]: f for f in facts}
    out = []
    for c in claims:
        row, late = rows[c["claim_id"]], hindsight[c["claim_id"]]
        if row["rule"] == "no_fact" and late["verdict"] != "not_enough_info":
            row = dict(row, **_nei("not_yet_published", f"nothing published by {refs[c['claim_id']]} decides it; today "
                                   f"{', '.join(late['fact_ids'])} {'decides' if len(late['fact_ids']) == 1 else 'decide'} it, "
                                   f"{late['verdict']} ({late['explanation']})"))
        elif late["verdict"] != row["verdict"]:
            row = dict(row, explanation=f"{row['explanation']}; today {late['verdict']} by {', '.join(late['fact_ids'])}")
        early = [by_id[i] for i in row["fact_ids"] if refs[c["claim_id"]] and by_id[i]["source_date"] > refs[c["claim_id"]]]
        if early:  # decided at the writing date by a later page's figure: say which earlier page shows it was public
            row = dict(row, explanation=row["explanation"] + "; " + "; ".join(
                f"{f['fact_id']}'s page is dated {f['source_date']}, but its period's results were public by "
                f"{f['known_from']} ({f['disclosed_with']})" if f["disclosed_with"] else
                f"{f['fact_id']} is computed from pages dated up to {f['source_date']}, known by {f['known_from']} "
                f"({', '.join(f['derived_from'])})" for f in early))
        out.append({"claim_id": c["claim_id"], **{k: v for k, v in row.items() if k not in ("claim_id", "verdict_reconciled")},
                    "verdict_basis": basis(row["fact_ids"], facts), "verdict_reconciled": row["verdict_reconciled"],
                    "verdict_hindsight": late["verdict"]})
    return out


def knowable(facts: list[dict], ref: Optional[dt.date]) -> list[dict]:
    """The facts a writer on date ref could have known: those known_from on or before it (the page's date, or for a
    comparative restated later, the date an earlier page shows its period's results public: reference_facts.known_from)."""
    return facts if ref is None else [f for f in facts if f["known_from"] <= ref]


def _judged(claims: list[dict], facts: list[dict], refs: dict[str, Optional[dt.date]],
            multiples: dict[str, tuple[str, str]] | None, at_time: bool) -> dict[str, dict]:
    """Every claim's verdict (and its reconciled reading's) from the facts knowable at its writing
    date (at_time) or from all of them; a declared multiple is judged from its levels' facts."""
    rows = {}
    for c in claims:
        # hindsight prefers what is best known now (the latest page, then the stronger tier), not what the writer read
        ref = refs[c["claim_id"]] if at_time else None
        fs = knowable(facts, ref) if at_time else facts
        v = judge(c, fs, ref)
        v_rec = judge(_reading(c, True), fs, ref) if c["reconciled_by"] else v
        rows[c["claim_id"]] = dict(v, claim_id=c["claim_id"], verdict_reconciled=v_rec["verdict"])
    by_id = {c["claim_id"]: c for c in claims}
    for cid, (num, den) in sorted((multiples or {}).items()):
        c = by_id[cid]
        if rows[cid]["verdict"] != "not_enough_info":
            continue
        fs = knowable(facts, refs[cid]) if at_time else facts
        mv = judge_multiple(c, rows[num], rows[den], fs)
        if mv:
            mv_rec = judge_multiple(_reading(c, True), rows[num], rows[den], fs) if c["reconciled_by"] else mv
            rows[cid] = dict(mv, claim_id=cid, verdict_reconciled=(mv_rec or mv)["verdict"])
    return rows


READS = ("claims", "reference_facts", "documents", "entities")


def multiples_from(declared: list[tuple[str, dict]]) -> dict[str, tuple[str, str]]:
    """multiple claim id -> (numerator, denominator) claim ids, from declared ratio_multiple checks."""
    return {roles["multiple"]["claim_id"]: (roles["numerator"]["claim_id"], roles["denominator"]["claim_id"])
            for rule, roles in declared if rule == "ratio_multiple"}


def build(stage: Stage) -> list[dict]:
    claims = [dict(c) for c in stage.rows("claims")]
    declared = declared_checks(stage.inputs, {c["claim_id"]: c for c in claims})
    dates = {d["doc_id"]: d["reference_date"] for d in stage.rows("documents")}
    return verdicts(claims, [dict(f) for f in stage.rows("reference_facts")], dates, multiples_from(declared),
                    subject_names(stage.rows("entities")))


def subject_names(entities) -> dict[str, tuple[str, ...]]:
    """entity id -> the name and aliases removed from a scope about it (build and re-derivation share this)."""
    return {e["entity_id"]: tuple(e["aliases"] or ()) + (e["name_en"],) for e in entities}


# --- proof ------------------------------------------------------------------------------------------

def verdict_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Every claim re-judged against reference_facts by the build's verdicts()."""
    multiples = multiples_from(declared_from_rows(t["claims"], t.get("claim_relations", [])))
    dates = {d["doc_id"]: d["reference_date"] for d in t.get("documents", [])}
    rebuilt = verdicts([dict(c) for c in t["claims"]], [dict(x) for x in t["reference_facts"]], dates, multiples,
                       subject_names(t.get("entities", [])))
    compare_table(f, "claim_verdicts", ["claim_id"], t, rebuilt, "re-judged against reference_facts")


PROOFS: Proofs = ((("claims", "reference_facts", "claim_verdicts"), verdict_problems),)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
