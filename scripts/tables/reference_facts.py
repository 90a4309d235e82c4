"""Reference facts (seeds/reference/facts.yaml): official figures read on public
pages. Their values are normalized by code from the figure as disclosed, with the
claims' own parser for Chinese forms (人民币9,660万元, 5.7亿) and a small reader
for English results-release forms (RMB381.2 billion, 320.4 million, 53.2%),
which jionlp does not parse. A derived fact (source_tier derived) is computed here
from the facts it names, with the range its inputs' rounding allows."""
from __future__ import annotations

import ast
import datetime as dt
import math
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

import schema
from scripts.errors import InputError
from scripts.inputs.yamlio import line_of, parse_list, vocab_validator
from scripts.normalize.intervals import interval
from scripts.normalize.values import SurfaceValueError, parse_value
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, duplicates, run, same

_EN = re.compile(r"^(?P<q>around|about|nearly|over|more than|exceeded|exceeding|exceed)?\s*(?:RMB|US\$|HK\$)?\s*"
                 r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>trillion|billion|million|thousand|bn|mn)?\s*(?P<pct>%|percent)?"
                 r"(?:\s*yuan)?$", re.I)  # broker notes print Rmb20.5bn, 320.4mn; wire copy 1.18 trillion yuan
DERIVED = "derived"  # the source tier of a figure computed from other facts
_SCALE = {None: 1, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9}
_EN_BOUND = {"around": "approx", "about": "approx", "nearly": "approx", "over": "more_than", "more than": "more_than",
             "exceeded": "more_than", "exceeding": "more_than", "exceed": "more_than"}
# Hong Kong releases print traditional characters; only the few that occur in figures are mapped
# (a full converter such as opencc is not needed for 億/萬/幣).
_TRAD = str.maketrans({"億": "亿", "萬": "万", "幣": "币"})


class FactAnn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^f_[a-z0-9_]+$")
    subject: str
    metric: str
    scope: str
    period_start: dt.date
    period_end: dt.date
    unit: str
    change_basis: str = "none"
    source_tier: str
    # a figure read on a page (primary, secondary)
    value_as_printed: Optional[str] = None
    bound: Optional[str] = None
    source_title: Optional[str] = None
    source_publisher: Optional[str] = None
    source_date: Optional[dt.date] = None
    source_date_basis: Optional[str] = None
    # a comparative restated by a later page: the fact whose earlier page shows the period's results were public
    disclosed_with: Optional[str] = Field(default=None, pattern=r"^f_[a-z0-9_]+$")
    source_url: Optional[str] = Field(default=None, pattern=r"^https?://")
    source_kind: Optional[str] = None
    # a figure computed from other facts (derived)
    formula: Optional[str] = None
    derived_from: list[str] = Field(default_factory=list)
    statement_en: str = Field(min_length=10)
    statement_zh: str = Field(min_length=5)
    note: Optional[str] = None

    _metric = field_validator("metric")(vocab_validator("metric"))
    _kind = field_validator("source_kind")(vocab_validator("source_kind"))
    _tier = field_validator("source_tier")(vocab_validator("source_tier"))
    _unit = field_validator("unit")(vocab_validator("unit"))
    _basis = field_validator("change_basis")(vocab_validator("change_basis"))
    _bound = field_validator("bound")(vocab_validator("bound"))
    _date_basis = field_validator("source_date_basis")(vocab_validator("source_date_basis"))

    @model_validator(mode="after")
    def _tier_fields(self) -> FactAnn:
        read = ("value_as_printed", "bound", "source_title", "source_publisher", "source_date", "source_date_basis",
                "source_url", "source_kind")
        if self.source_tier == DERIVED:
            given = [k for k in (*read, "disclosed_with") if getattr(self, k) is not None]
            if given:
                raise ValueError(f"a derived fact has no page: remove {', '.join(given)}")
            if not (self.formula and self.derived_from):
                raise ValueError("a derived fact needs formula and derived_from")
        else:
            missing = [k for k in read if getattr(self, k) is None]
            if missing:
                raise ValueError(f"a {self.source_tier} fact needs {', '.join(missing)}")
            if self.formula or self.derived_from:
                raise ValueError(f"formula and derived_from are for derived facts, not {self.source_tier}")
        return self


def known_from(fact: Mapping, first: Mapping | None) -> dt.date:
    """The first day the figure could be known: its page's date, or, for a comparative restated later, the day the
    page of `first` (the same subject and period, dated earlier) shows that period's results were public."""
    own = fact["source_date"]
    return min(own, first["source_date"]) if first is not None else own


def _outside_declared_range(column: str, value: Optional[dt.date]) -> str | None:
    """Why a fact's date lies outside the range schema/tables.yaml declares for its reference_facts column (the
    one declaration the release is validated against), or None: said here, at the fact's line, not after the build."""
    col = schema.load().tables["reference_facts"].column(column)
    low, high = (dt.date.fromisoformat(str(b)) if b is not None else None for b in (col.min, col.max))
    if value is None or (low is None or value >= low) and (high is None or value <= high):
        return None
    return f"{column}: {value} is outside {low}..{high}, the range schema/tables.yaml declares for reference_facts.{column}"


def may_precede_period(basis: Optional[str]) -> bool:
    """Whether vocab source_date_basis lets a source_date fall before its fact's period ends (a forecast)."""
    spec = schema.load().vocab["source_date_basis"].get(basis or "", {})
    return bool(isinstance(spec, dict) and spec.get("may_precede_period"))


def normalize(surface: str) -> dict:
    """value, bound, value_low, value_high of a disclosed figure (bounds matter: 超60%)."""
    s = surface.strip().translate(_TRAD)
    m = _EN.match(s)
    if m:
        v = float(m["num"].replace(",", "")) * _SCALE[(m["scale"] or "").lower() or None]
        bound = _EN_BOUND.get((m["q"] or "").lower(), "exact")
        return {"value": v, "bound": bound, "value_low": v if bound == "more_than" else None,
                "value_high": v if (m["q"] or "").lower() == "nearly" else None}
    # 港元 names the currency (unit HKD), not a scale: read the figure as the claims' parser reads 元
    pv = parse_value(s.removeprefix("人民币").replace(",", "").replace("港元", "元"))
    return {"value": pv.value, "bound": pv.bound, "value_low": pv.low, "value_high": pv.high}


_OPS = {ast.Add: lambda a, b: (a[0] + b[0], a[1] + b[1]), ast.Sub: lambda a, b: (a[0] - b[1], a[1] - b[0]),
        ast.Mult: lambda a, b: _hull([x * y for x in a for y in b]),
        ast.Div: lambda a, b: _hull([x / y for x in a for y in b])}


def _hull(xs: list[float]) -> tuple[float, float]:
    return min(xs), max(xs)


def evaluate(formula: str, ranges: dict[str, tuple[float, float]]) -> tuple[float, float]:
    """Interval arithmetic over a formula of fact ids, numbers, + - * / and brackets: the
    values a derived figure can take, given the values each input admits."""
    def ev(node: ast.AST) -> tuple[float, float]:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Name):
            if node.id not in ranges:
                raise ValueError(f"{node.id} is not in derived_from")
            return ranges[node.id]
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value), float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div) and b[0] <= 0 <= b[1]:
                raise ValueError("division by a range that includes 0")
            return _OPS[type(node.op)](a, b)
        raise ValueError(f"unsupported expression {ast.dump(node)[:40]}")
    try:
        return ev(ast.parse(formula, mode="eval"))
    except SyntaxError as e:
        raise ValueError(f"not a formula: {e.msg}") from None


def fact_range(f: dict) -> tuple[float, float]:
    """The values a fact admits: its bound and the digits printed (596亿 admits 595.5亿..596.5亿),
    or for a derived fact the range computed from its inputs'."""
    if f["value_as_printed"] is None:
        return f["value_low"], f["value_high"]
    return interval(dict(f, value_surface=f["value_as_printed"].replace(",", "")))


def _row(f: FactAnn, norm: dict) -> dict:
    return {"fact_id": f.id, "subject_id": f.subject, "metric": f.metric, "scope": f.scope,
            "period_start": f.period_start, "period_end": f.period_end, "value": norm["value"], "bound": norm["bound"],
            "value_low": norm["value_low"], "value_high": norm["value_high"], "unit": f.unit,
            "change_basis": f.change_basis, "value_as_printed": f.value_as_printed, "source_tier": f.source_tier,
            "formula": f.formula, "derived_from": list(f.derived_from), "source_title": f.source_title,
            "source_publisher": f.source_publisher, "source_date": f.source_date,
            "source_date_basis": f.source_date_basis or "inputs_latest", "disclosed_with": f.disclosed_with,
            "known_from": f.source_date, "source_url": f.source_url,
            "source_kind": f.source_kind, "statement_en": f.statement_en, "statement_zh": f.statement_zh, "note": f.note}


def link_problem(row: Mapping, first: Mapping | None) -> str | None:
    """Why a fact's disclosed_with does not qualify (build and proof apply the same rule), or None: it must name
    another page-read fact of the same subject and period that its own page dates (no chain of restatements)."""
    if first is None or first["source_tier"] == DERIVED:
        return f"disclosed_with: {row['disclosed_with']} is not a fact read on a page"
    if any(first[k] != row[k] for k in ("subject_id", "period_start", "period_end")) \
            or first["fact_id"] == row["fact_id"] or first["disclosed_with"]:
        return (f"disclosed_with: {first['fact_id']} is not another fact of the same subject and period "
                f"({row['subject_id']}, {row['period_start']}..{row['period_end']}) whose own page dates it")
    return None


def _disclosed_known_from(path: Path, raw: Any, row: dict, first: dict | None) -> dt.date:
    """known_from of a restated comparative, once its disclosed_with fact qualifies (link_problem)."""
    reason = link_problem(row, first)
    if reason:
        raise InputError(path, line_of(raw, ("disclosed_with",)), reason)
    return known_from(row, first)


def derived_figure(formula: str, inputs: list[dict]) -> dict:
    """value, value_low, value_high of a formula over its input facts: the value from theirs, the range from their
    ranges (build and proof compute it here)."""
    lo, hi = evaluate(formula, {x["fact_id"]: fact_range(x) for x in inputs})
    mid, _ = evaluate(formula, {x["fact_id"]: (x["value"], x["value"]) for x in inputs})
    return {"value": mid, "value_low": lo, "value_high": hi}


def _derived_row(path: Path, line: int, f: FactAnn, rows: dict[str, dict]) -> dict:
    """A fact computed from page-read facts by its formula, over their ranges."""
    inputs = []
    for fid in f.derived_from:
        if fid not in rows:
            raise InputError(path, line, f"derived_from: {fid} is not a fact read on a page")
        inputs.append(rows[fid])
    try:
        figure = derived_figure(f.formula or "", inputs)
    except (ValueError, ZeroDivisionError) as e:
        raise InputError(path, line, f"formula: {e}") from None
    if not (math.isfinite(figure["value_low"]) and math.isfinite(figure["value_high"])):
        raise InputError(path, line, "formula: an input is open-ended (a bound), so the result has no range")
    row = _row(f, {**figure, "bound": "approx"})
    # known from the day the last input was published; sourced from the pages of its inputs
    row.update(source_date=max(x["source_date"] for x in inputs), known_from=max(x["known_from"] for x in inputs),
               source_kind="computed",
               source_title=f"computed from {', '.join(f.derived_from)}", source_publisher="this dataset (scripts/tables/reference_facts.py)")
    return row


def _checked(path: Path, f: FactAnn, line: int, raw, entity_ids: set[str]) -> None:
    """What every fact must hold, read on a page or derived: a known subject, a unit of its metric, its dates in
    order and inside the ranges schema/tables.yaml declares."""
    if f.subject not in entity_ids:
        raise InputError(path, line, f"subject: unknown entity {f.subject!r}")
    if f.unit not in schema.load().vocab["metric"][f.metric]["units"]:
        raise InputError(path, line, f"unit {f.unit} is not allowed for metric {f.metric}")
    if f.period_end < f.period_start:
        raise InputError(path, line, "period_end is before period_start")
    for field in ("period_start", "period_end", "source_date"):
        reason = _outside_declared_range(field, getattr(f, field))
        if reason:
            raise InputError(path, line_of(raw, (field,)), reason)


def _read_on_a_page(path: Path, f: FactAnn, line: int, raw) -> dict:
    """A page's figure normalized, once its date, its share range and its bound agree with what it prints."""
    if f.source_date is not None and f.source_date < f.period_end and not may_precede_period(f.source_date_basis):
        raise InputError(path, line_of(raw, ("source_date",)),
                         f"source_date {f.source_date} is before the end of its own period ({f.period_end}): a page cannot "
                         f"report a figure not yet measured unless source_date_basis says why (e.g. forecast), "
                         f"not {f.source_date_basis}")
    try:
        norm = normalize(f.value_as_printed or "")
    except SurfaceValueError as e:
        raise InputError(path, line, f"value_as_printed: {e}") from None
    if f.metric in schema.load().terms_with("metric", "share") and f.change_basis == "none" \
            and not 0 <= norm["value"] <= 100:
        raise InputError(path, line_of(raw, ("value_as_printed",)),
                         f"value_as_printed: {f.value_as_printed!r} reads {norm['value']:g}%, but metric {f.metric} is a share "
                         "of a whole (schema/vocab.yaml): a level lies within 0..100")
    if norm["bound"] != f.bound:
        raise InputError(path, line_of(raw, ("bound",)), f"bound: {f.bound} is declared, but {f.value_as_printed!r} as printed reads "
                                     f"{norm['bound']}")
    return norm


def load_facts(path: Path, entity_ids: set[str]) -> list[dict]:
    """Facts read on pages, then the derived ones computed from them (in file order)."""
    rows: dict[str, dict] = {}
    derived: list[tuple[FactAnn, int]] = []
    disclosed: list[tuple[FactAnn, Any]] = []
    for f, line, raw in parse_list(path, FactAnn, lambda f: f.id, "facts"):
        _checked(path, f, line, raw, entity_ids)
        if f.source_tier == DERIVED:
            derived.append((f, line))
            continue
        rows[f.id] = _row(f, _read_on_a_page(path, f, line, raw))
        if f.disclosed_with:
            disclosed.append((f, raw))
    for f, raw in disclosed:
        rows[f.id]["known_from"] = _disclosed_known_from(path, raw, rows[f.id], rows.get(f.disclosed_with or ""))
    for f, line in derived:
        rows[f.id] = _derived_row(path, line, f, rows)
    return list(rows.values())


class GapAnn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^g_[a-z0-9_]+$")
    subject: str
    metric: str
    scope: str
    claims: list[str] = Field(default_factory=list)
    searched: str = Field(min_length=10)
    reason: str = Field(min_length=10)
    fallback_facts: list[str] = Field(default_factory=list)

    _metric = field_validator("metric")(vocab_validator("metric"))


def load_gaps(path: Path, entity_ids: set[str], claim_ids: Collection[str], fact_ids: set[str]) -> list[dict]:
    """seeds/reference/gaps.yaml: the claims or metrics for which no reference fact qualified."""
    rows = []
    for g, line, _ in parse_list(path, GapAnn, lambda g: g.id, "gaps"):
        if g.subject not in entity_ids:
            raise InputError(path, line, f"subject: unknown entity {g.subject!r}")
        for cid in g.claims:
            if cid not in claim_ids:
                raise InputError(path, line, f"claims: unknown claim {cid}")
        for fid in g.fallback_facts:
            if fid not in fact_ids:
                raise InputError(path, line, f"fallback_facts: unknown fact {fid}")
        rows.append({"gap_id": g.id, "subject_id": g.subject, "metric": g.metric, "scope": g.scope,
                     "claim_ids": list(g.claims), "searched": g.searched, "reason": g.reason,
                     "fallback_fact_ids": list(g.fallback_facts)})
    return rows


READS: tuple[str, ...] = ()


def build(stage: Stage) -> list[dict]:
    return load_facts(stage.inputs.seeds_dir / "reference" / "facts.yaml", stage.inputs.entity_ids)


# --- proof ------------------------------------------------------------------------------------------

PROVES = ("reference_facts",)


def value_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Printed figures re-read from value_as_printed; derived ones re-computed from the facts they name."""
    facts = t["reference_facts"]
    by_id = {r["fact_id"]: r for r in facts}
    for r in facts:
        if r["source_tier"] == DERIVED:
            try:
                norm = derived_figure(r["formula"], [by_id[fid] for fid in r["derived_from"]])
            except (KeyError, ValueError, ZeroDivisionError, TypeError) as e:
                f.add("reference_facts", r["fact_id"], "formula", "computable from derived_from", "a value", str(e))
                continue
        else:
            try:
                norm = normalize(r["value_as_printed"] or "")
            except SurfaceValueError as e:
                f.add("reference_facts", r["fact_id"], "value_as_printed", "a readable figure", "a number", str(e))
                continue
        for col, exp in norm.items():
            if not same(exp, r[col]):
                f.add("reference_facts", r["fact_id"], col, "re-derived from value_as_printed or formula", exp, r[col])


def source_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """A source reports a period only once it has ended, unless its basis says it may precede it (a recorded
    forecast or target, as the build allows); known_from re-derived from source_date and disclosed_with; no fact
    recorded twice under two ids."""
    for r in t["reference_facts"]:
        if r["source_date"] and r["period_end"] and r["source_date"] < r["period_end"] \
                and not may_precede_period(r.get("source_date_basis")):
            f.add("reference_facts", r["fact_id"], "source_date", "a source dated on or after the end of the period it reports",
                  f">= {r['period_end']}", r["source_date"])
    by_id = {r["fact_id"]: r for r in t["reference_facts"]}
    for r in t["reference_facts"]:
        if r["source_tier"] == DERIVED:
            want = max((by_id[i]["known_from"] for i in r["derived_from"] if i in by_id), default=r["known_from"])
        elif r["disclosed_with"] and link_problem(r, by_id.get(r["disclosed_with"])):
            f.add("reference_facts", r["fact_id"], "disclosed_with", "another page-read fact of the same subject and period",
                  "such a fact", link_problem(r, by_id.get(r["disclosed_with"])))
            continue
        else:
            want = known_from(r, by_id.get(r["disclosed_with"] or ""))
        if r["known_from"] != want:
            f.add("reference_facts", r["fact_id"], "known_from", "source_date, or the disclosed_with fact's when earlier",
                  want, r["known_from"])
    duplicates(f, "reference_facts", t["reference_facts"], "fact_id")


PROOFS: Proofs = ((PROVES, value_problems), (PROVES, source_problems))


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
