"""Claim annotations -> claims rows. Offsets come from the quote, the value from
the surface number (scripts/normalize/values.py), the period from the period words and the
document's reference_date (scripts/normalize/periods.py); annotators type none of them."""
from __future__ import annotations

import schema
from scripts.inputs.annotations import ClaimAnn, LoadedDoc, doc_number
from scripts.errors import InputError
from scripts.normalize.periods import PeriodError, resolve
from scripts.inputs.seeds import Seed
from scripts.inputs.spans import SpanError, find_all, locate
from scripts.normalize.values import ValueError_, parse_value

PERIOD_SEARCH_BACK = 2000  # period words may open the sentence, or a paragraph, before the clause


def _fail(doc: LoadedDoc, i: int, field: str, reason: str):
    raise InputError(doc.path, doc.line("claims", i), f"claims[{i}].{field}: {reason}")


def locate_period(text: str, words: str, start: int, end: int) -> tuple[int, int] | None:
    """The period words inside the clause, else the nearest occurrence before it."""
    k = text[start:end].find(words)
    if k != -1:
        return start + k, start + k + len(words)
    before = [s for s in find_all(text, words) if start - PERIOD_SEARCH_BACK <= s < start]
    return (before[-1], before[-1] + len(words)) if before else None


def claim_row(seed: Seed, doc: LoadedDoc, i: int, c: ClaimAnn, entity_ids: set[str]) -> tuple[dict, list]:
    """The row, and the spans (value, period words) it covers for the completeness check."""
    text = seed.text
    sch = schema.load()
    try:
        s, e = locate(text, c.quote, c.occurrence)
    except SpanError as err:
        _fail(doc, i, "quote", str(err))
    for field in ("subject", "speaker"):
        v = getattr(c, field)
        if v is not None and v not in entity_ids:
            _fail(doc, i, field, f"unknown entity {v!r} (not in entities.yaml)")
    try:
        vs, ve = locate(c.quote, c.value, c.value_occurrence)
    except SpanError as err:
        _fail(doc, i, "value", f"not inside the quote: {err}")
    try:
        v = parse_value(c.value, c.implied_scale)
    except ValueError_ as err:
        _fail(doc, i, "value", str(err))
    unit = v.unit or c.unit
    if v.unit and c.unit and v.unit != c.unit:
        _fail(doc, i, "unit", f"{c.unit} contradicts the unit word in {c.value!r} ({v.unit})")
    if unit is None:
        _fail(doc, i, "unit", f"{c.value!r} has no unit word: state unit (CNY, percent, count, times)")
    allowed = sch.vocab["metric"][c.metric]["units"]
    if unit not in allowed:
        _fail(doc, i, "unit", f"unit {unit} is not allowed for metric {c.metric} ({', '.join(allowed)})")
    bound, low, high = v.bound, v.low, v.high
    if c.bound:
        if v.bound != "exact":
            _fail(doc, i, "bound", f"{c.value!r} already has a qualifier ({v.bound})")
        bound = c.bound
    if c.expect is not None and abs(c.expect - v.value) > 1e-9 * max(1.0, abs(v.value)):
        _fail(doc, i, "expect", f"annotation says {c.expect}, code reads {c.value!r} as {v.value}")
    covered = [(s + vs, s + ve)]
    if c.period_unknown:
        period = None
    else:
        try:
            period = resolve(c.period, seed.source.reference_date, c.period_context)
        except PeriodError as err:
            _fail(doc, i, "period", str(err))
    if c.period:
        where = locate_period(text, c.period, s, e)
        if where is None:
            _fail(doc, i, "period", f"{c.period!r} is neither in the quote nor in the {PERIOD_SEARCH_BACK} characters before it")
        covered.append(where)
        if period and period.resolution not in ("context", "document_date") and not (s <= where[0] < e):
            period = period.__class__(period.start, period.end, period.granularity, "context")
    is_change = c.change is not None
    row = {
        "claim_id": f"{doc_number(seed.doc_id)}-{c.id}", "doc_id": seed.doc_id,
        "char_start": s, "char_end": e, "quote": text[s:e],
        "value_char_start": s + vs, "value_char_end": s + ve,
        "subject_id": c.subject, "metric": c.metric, "scope": c.scope,
        "value": v.value, "unit": unit, "value_surface": c.value, "bound": bound,
        "value_low": low, "value_high": high, "is_change": is_change,
        "change_basis": c.change.basis if is_change else "none",
        "direction_stated": c.change.direction if is_change else "none",
        "period_start": period.start if period else None, "period_end": period.end if period else None,
        "period_granularity": period.granularity if period else "unknown",
        "period_surface": c.period, "period_resolution": period.resolution if period else "unknown",
        "claim_kind": c.kind, "speaker_id": c.speaker, "statement_en": c.en,
        "confidence": c.confidence, "note": c.note,
    }
    return row, covered
