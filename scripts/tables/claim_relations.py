"""claim_relations: checks over the normalized claims. Code decides every
relation; annotations may only declare which claims an arithmetic check links
(share_of_base, ratio_multiple) where the link is in the prose, not the numbers."""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping
from itertools import combinations, permutations

import pyarrow.compute as pc

from scripts.errors import InputError, ReleaseError
from scripts.inputs.annotations import doc_number
from scripts.normalize.intervals import interval, previous_period, scope_key, widened_overlap
from scripts.normalize.tolerances import TOLERANCES, tolerance
from scripts.tables.arrow import arrow_rows
from scripts.tables.context import Inputs, Stage
from scripts.tables.proof import MISSING, Findings, Proofs, ReleaseRows, Rows, compare_table, run, same

SCALE_FACTOR = TOLERANCES["scale_mismatch"]
NEAR_DAYS = 548        # 18 months


# 64 bits: a corpus of a million documents gives tens of millions of relations, where 40 bits
# (v0.8.0 and before) would give colliding ids, which the build refuses
ID_HEX_DIGITS = 16


def rid(rule: str, a: str, b: str) -> str:
    return "rel-" + hashlib.sha1(f"{rule}|{a}|{b}".encode()).hexdigest()[:ID_HEX_DIGITS]


def _row(rule, relation, a, b, explanation, expected=None, curated=False):
    return {"relation_id": rid(rule, a["claim_id"], b["claim_id"]), "claim_id_a": a["claim_id"],
            "claim_id_b": b["claim_id"], "relation": relation, "rule": rule,
            **tolerance(rule), "expected": expected,
            "cross_document": a["doc_id"] != b["doc_id"], "curated": curated, "explanation": explanation}


def _fmt(c: dict) -> str:
    return f"{c['claim_id']} {c['value_surface']}"


def _key(c):
    return (c["subject_id"], c["metric"], c["unit"], c["is_change"], c["change_basis"], scope_key(c["scope"]))


def block(c) -> tuple:
    """The key a same-quantity comparison is blocked on: subject, metric, unit, change, scope and period."""
    return _key(c) + (c["period_start"], c["period_end"])


def reading(c) -> tuple:
    """What every rule reads of a claim besides its block: two claims of one block with the same
    reading relate to every other claim alike, so one of them (the lowest id) stands for both."""
    return (c["direction_stated"], c["period_granularity"], c["value"], interval(c))


def readings(claims: list[dict]) -> defaultdict[tuple, defaultdict[tuple, list[dict]]]:
    """block -> reading -> its claims in claim id order (claims with a period only)."""
    out: defaultdict[tuple, defaultdict[tuple, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for c in sorted(claims, key=lambda c: c["claim_id"]):
        if c["period_start"] is not None:
            out[block(c)][reading(c)].append(c)
    return out


def representatives(claims: list[dict]) -> set[str]:
    return {members[0]["claim_id"] for by_reading in readings(claims).values() for members in by_reading.values()}


def same_quantity_row(a: dict, b: dict) -> dict:
    """The relation of two claims of one block (a has the lower id)."""
    if a["is_change"] and a["direction_stated"] != b["direction_stated"]:
        return _row("same_quantity", "contradicts", a, b,
                    f"{_fmt(a)} says {a['direction_stated']}, {_fmt(b)} says {b['direction_stated']}")
    agree = widened_overlap(interval(a), interval(b), TOLERANCES["same_quantity"])
    return _row("same_quantity", "corroborates" if agree else "contradicts", a, b,
                f"{_fmt(a)} vs {_fmt(b)} for {a['period_start']}..{a['period_end']}: "
                + ("ranges overlap" if agree else "ranges do not overlap"))


def same_quantity(claims: list[dict]) -> list[dict]:
    """Claims about one quantity (same block), compared within their block only. Corroboration
    is summarised by reading: each claim that repeats a reading gets one row to the reading's
    first claim (its representative), and only representatives are compared with each other,
    each with its NEIGHBOURS nearest on either side in value order (compared_pairs). A block of
    n copies of one figure gives n - 1 rows, and a block of n readings at most NEIGHBOURS * n,
    not n(n - 1)/2: a block of up to NEIGHBOURS + 1 readings (every block of the five seeds) gives every pair."""
    out = []
    for by_reading in readings(claims).values():
        reps = []
        for members in by_reading.values():
            reps.append(members[0])
            out += [same_quantity_row(members[0], m) for m in members[1:]]
        out += [same_quantity_row(a, b) for a, b in compared_pairs(reps)]
    return out


# how many readings of a block, on either side in value order, each reading is compared with. Bounded, because a
# growing corpus gives a block ever more distinct readings (410 in one block at 10,000 generated documents, 3,084 at
# 100,000) and every pair of them is quadratic (v0.13.0's 32.7 million relations at 100,000). Two readings further
# apart have at least NEIGHBOURS distinct figures between them: the rows of each to its neighbours say how it stands
NEIGHBOURS = 8


def compared_pairs(reps: list[dict]):
    """The pairs of a block's representatives that same_quantity compares, each as (lower id, higher id): those at
    most NEIGHBOURS apart in the order of value (then claim id)."""
    ordered = sorted(reps, key=lambda c: (c["value"], c["claim_id"]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:i + 1 + NEIGHBOURS]:
            yield (a, b) if a["claim_id"] < b["claim_id"] else (b, a)


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


def direction_vs_values(claims: list[dict]) -> list[dict]:
    """A stated percent change against the two levels the sources give. Only the representatives
    of their readings take part (same_quantity links every other claim to its representative)."""
    out = []
    reps = representatives(claims)
    levels = defaultdict(list)
    for c in claims:
        if not c["is_change"] and c["period_start"] is not None and c["claim_id"] in reps:
            levels[(c["subject_id"], c["metric"], scope_key(c["scope"]), c["period_start"], c["period_end"])].append(c)
    for c in claims:
        if not (c["is_change"] and c["unit"] == "percent" and c["direction_stated"] in ("increase", "decrease")
                and c["period_start"] is not None and c["claim_id"] in reps):
            continue
        prev = previous_period(c["period_start"], c["period_end"], c["change_basis"], c["period_granularity"])
        if not prev:
            continue
        k = (c["subject_id"], c["metric"], scope_key(c["scope"]))
        for now in levels.get(k + (c["period_start"], c["period_end"]), []):
            row = direction_row(c, now, levels.get(k + prev, []))
            if row is not None:
                out.append(row)
    return out


def direction_row(c: dict, now: dict, befores: list[dict]) -> dict | None:
    """The change claim c against the level now and the first usable level before it."""
    before = next((b for b in befores if now["unit"] == b["unit"] and b["value"] != 0), None)
    if before is None:
        return None
    actual = (now["value"] - before["value"]) / before["value"] * 100
    sign = 1 if c["direction_stated"] == "increase" else -1
    expected = before["value"] * (1 + sign * c["value"] / 100)
    if (actual > 0) != (sign > 0):
        relation = "contradicts"
    elif widened_overlap(interval(now), (expected, expected), TOLERANCES["direction_vs_values"]):
        relation = "arithmetic_consistent"
    else:
        relation = "arithmetic_inconsistent"
    return _row("direction_vs_values", relation, c, now,
                f"{_fmt(c)} ({c['direction_stated']}) vs levels {_fmt(before)} -> {_fmt(now)}: "
                f"actual change {actual:+.1f}%", expected=expected)


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
    ok = widened_overlap(interval(part), (expected, expected), TOLERANCES["share_of_base"]) or \
        widened_overlap((base["value"] * interval(share)[0] / 100, base["value"] * interval(share)[1] / 100), interval(part),
                        TOLERANCES["share_of_base"])
    return _row("share_of_base", "arithmetic_consistent" if ok else "arithmetic_inconsistent", share, part,
                f"{_fmt(share)} of {_fmt(base)} = {expected:,.4g}; {_fmt(part)} states {part['value']:,.4g}",
                expected=expected, curated=True)


def ratio_multiple(multiple: dict, numerator: dict, denominator: dict) -> dict:
    lo_n, hi_n = interval(numerator)
    lo_d, hi_d = interval(denominator)
    lo = lo_n / hi_d if hi_d not in (0, float("inf")) else 0.0
    hi = hi_n / lo_d if lo_d > 0 else float("inf")
    ok = widened_overlap(interval(multiple), (lo, hi), TOLERANCES["ratio_multiple"])
    expected = numerator["value"] / denominator["value"] if denominator["value"] else None
    return _row("ratio_multiple", "arithmetic_consistent" if ok else "arithmetic_inconsistent", numerator, multiple,
                f"{_fmt(numerator)} / {_fmt(denominator)} = {lo:,.0f}..{hi:,.0f} times vs {_fmt(multiple)}",
                expected=expected, curated=True)


AUTOMATIC = (same_quantity, scale_mismatch, direction_vs_values, parts_sum_to_total, shares_sum_to_100)
WITHIN_DOCUMENT = (scale_mismatch, parts_sum_to_total, shares_sum_to_100)  # each groups by doc_id first
DECLARED = {"share_of_base": (share_of_base, ("share", "base", "part")),
            "ratio_multiple": (ratio_multiple, ("multiple", "numerator", "denominator"))}
# the two roles a declared check's row names, as claim_id_a and claim_id_b
NAMED_ROLES = {"share_of_base": ("share", "part"), "ratio_multiple": ("numerator", "multiple")}


def group_key(c: Mapping) -> tuple:
    """What direction_vs_values compares within: subject, metric and scope (a change and the levels of its period
    and the one before). A Spark build finds each ACROSS_DOCUMENTS rule's relations per value of its key."""
    return (c["subject_id"], c["metric"], scope_key(c["scope"]))


# each rule that compares claims of different documents, with the key it compares within: a block (a corpus's
# largest group of claims about one subject is cut by period), and group_key
ACROSS_DOCUMENTS = ((same_quantity, block), (direction_vs_values, group_key))


def find_relations(claims: list[dict], declared: list[tuple[str, dict[str, dict]]],
                   rules: tuple[Callable[[list[dict]], list[dict]], ...] | None = None) -> list[dict]:
    """rules: the automatic rules to run (default all): a part of a corpus runs WITHIN_DOCUMENT on its claims;
    each rule of ACROSS_DOCUMENTS runs on the claims of every document that share its key."""
    rows = [r for rule in (AUTOMATIC if rules is None else rules) for r in rule(claims)]
    for rule, roles in declared:
        fn, names = DECLARED[rule]
        rows.append(fn(*(roles[n] for n in names)))
    # the same pair found twice by one rule is one relation; two different pairs under one
    # id is a collision, and an error: a silent drop would lose a row
    seen: dict[str, tuple] = {}
    out = []
    for r in sorted(rows, key=lambda r: r["relation_id"]):
        key = (r["rule"], r["claim_id_a"], r["claim_id_b"])
        if r["relation_id"] in seen:
            if seen[r["relation_id"]] != key:
                raise ReleaseError(f"claim_relations: relation_id {r['relation_id']} collides: "
                                   f"{' / '.join(seen[r['relation_id']])} and {' / '.join(key)}")
            continue
        seen[r["relation_id"]] = key
        out.append(r)
    return out


READS = ("claims",)


def declared_checks(inputs: Inputs, by_claim: dict[str, dict]) -> list[tuple[str, dict[str, dict]]]:
    """The arithmetic checks the annotation files declare: (rule, {role: claim row})."""
    declared = []
    for seed in inputs.seeds:
        doc = inputs.annotations[seed.doc_id]
        for i, chk in enumerate(doc.ann.checks):
            roles = {}
            for role, cid in chk.roles().items():
                full = f"{doc_number(seed.doc_id)}-{cid}"
                if full not in by_claim:
                    raise InputError(doc.path, doc.line("checks", i), f"checks[{i}].{role}: unknown claim {cid}")
                roles[role] = by_claim[full]
            declared.append((chk.rule, roles))
    return declared


def build(stage: Stage) -> list[dict]:
    claims = [dict(c) for c in stage.rows("claims")]
    return find_relations(claims, declared_checks(stage.inputs, {c["claim_id"]: c for c in claims}))


# --- proof ------------------------------------------------------------------------------------------

def relation_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Automatic rules re-run on the claims. A curated (declared) relation names two of its
    three claims, so the third is searched for: the claim that reproduces the stored row
    (or, if none does, comes closest: the comparison then names the columns that differ)."""
    rule_problems(t, f, None)


def within_document_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """relation_problems for one part of a corpus, whose claim_relations hold the rows of WITHIN_DOCUMENT's rules and
    the declared checks (`validate --engine spark`: the rows of ACROSS_DOCUMENTS are compared by a job of their own)."""
    rule_problems(t, f, WITHIN_DOCUMENT)


def rule_problems(t: Mapping, f: Findings, rules: tuple[Callable[[list[dict]], list[dict]], ...] | None) -> None:
    claims = t["claims"]
    # the relations are the release's largest table after mentions: with the Arrow tables at hand (ReleaseRows) only
    # the curated rows become Python to recover the declared checks, and the rebuilt table is compared as Arrow;
    # the rows are read to name what differs only when it differs
    arrow = t.arrow.get("claim_relations") if isinstance(t, ReleaseRows) else None
    curated = arrow.filter(pc.field("curated")).to_pylist() if arrow is not None else t["claim_relations"]
    declared = declared_from_rows(claims, curated, f)
    compare_table(f, "claim_relations", ["relation_id"], t, find_relations(claims, declared, rules),
                  "re-found by the relation rules")


def declared_from_rows(claims: Rows, relations: Rows, f: Findings | None = None) -> list[tuple[str, dict]]:
    """The declared checks, recovered from the curated relation rows (each names two of its three claims)."""
    by_id = {c["claim_id"]: c for c in claims}
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_doc[c["doc_id"]].append(c)
    declared = []
    for r in relations:
        if not r["curated"] or r["rule"] not in DECLARED:
            continue
        found = _declared_roles(r, by_id, by_doc)
        if found is None:
            if f is not None:
                f.add("claim_relations", r["relation_id"], "(row)",
                      f"re-found by the relation rules: no claims complete the {r['rule']} check to this relation_id")
        else:
            declared.append((r["rule"], found))
    return declared


def _declared_roles(row: dict, by_id: dict[str, dict], by_doc: dict[str, list[dict]]) -> dict[str, dict] | None:
    """A declared check names claims of its own annotation file: the third claim is searched for
    in the documents of the two the row names, not in the whole release."""
    fn, names = DECLARED[row["rule"]]
    a, b = by_id.get(row["claim_id_a"]), by_id.get(row["claim_id_b"])
    if a is None or b is None:
        return None
    ia, ib = (names.index(role) for role in NAMED_ROLES[row["rule"]])
    candidates = []
    for x in by_doc[a["doc_id"]] + (by_doc[b["doc_id"]] if b["doc_id"] != a["doc_id"] else []):
        for order in permutations((a, b, x)):
            if rid(row["rule"], order[ia]["claim_id"], order[ib]["claim_id"]) != row["relation_id"]:
                continue  # the rule would give another id: not worth computing
            try:
                got = fn(*order)
            except (ArithmeticError, TypeError, ValueError):
                continue
            if got["relation_id"] == row["relation_id"]:
                candidates.append((got, order))
    # the explanation names all three claims and their numbers: the one that reproduces it is
    # tried first, so that one row is read back through Arrow, not one per candidate
    candidates.sort(key=lambda g: g[0]["explanation"] != row["explanation"])
    best: tuple[int, dict[str, dict]] | None = None
    for got, order in candidates:
        got = arrow_rows("claim_relations", [got])[0]
        differing = sum(not same(got[k], row.get(k, MISSING)) for k in got)
        if best is None or differing < best[0]:
            best = (differing, dict(zip(names, order)))
        if differing == 0:
            return best[1]
    return best[1] if best else None


PROOFS: Proofs = ((("claims", "claim_relations"), relation_problems),)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
