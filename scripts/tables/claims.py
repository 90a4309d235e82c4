"""Claim annotations -> claims rows. Offsets come from the quote, the value from
the surface number (scripts/normalize/values.py), the period from the period words and the
document's reference_date (scripts/normalize/periods.py); annotators type none of them."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, NoReturn

import schema
from scripts.errors import InputError
from scripts.inputs import coverage
from scripts.inputs.annotations import ClaimAnn, LoadedDoc, doc_number
from scripts.inputs.seeds import Seed
from scripts.inputs.spans import SpanError, exclusion_spans, find_all, locate, locate_or_fail
from scripts.normalize.cleaning import page_noise_spans
from scripts.normalize.periods import (
    AS_OF_NOW,
    SENTENCE_END,
    SPAN_JOIN,
    PeriodError,
    context_words,
    granularity_of,
    reproduces,
    resolve,
    sentence_bounds,
    words_outside,
)
from scripts.normalize.reconcile import reconciled
from scripts.normalize.values import SCALE_WORDS, SurfaceValueError, Value, parse_value
from scripts.tables.context import Stage
from scripts.tables.events import date_spans
from scripts.tables.proof import Findings, Proofs, by_doc, compare_rows, duplicates, run, same

# events: their date words count as covered numbers; noise: page noise is not
# article content, and its likely readings give the reconciled columns
READS = ("noise", "events")

PERIOD_SEARCH_BACK = 2000  # period words may open the sentence, or a paragraph, before the clause


def _fail(doc: LoadedDoc, i: int, field: str, reason: str) -> NoReturn:
    raise InputError(doc.path, doc.line("claims", i), f"claims[{i}].{field}: {reason}")


def locate_period(text: str, words: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Each part of the period words (one, or the two ends of `A…B`) inside the clause, else its nearest
    occurrence before it; None when a part is in neither place."""
    spans = []
    for part in words.split(SPAN_JOIN):
        k = text[start:end].find(part)
        if k != -1:
            spans.append((start + k, start + k + len(part)))
            continue
        before = [s for s in find_all(text, part) if start - PERIOD_SEARCH_BACK <= s < start]
        if not before:
            return None
        spans.append((before[-1], before[-1] + len(part)))
    return spans


def check_period_policy(text: str, s: int, e: int, c: ClaimAnn) -> str | None:
    """The parts of the period policy (GUIDELINES.md, *Periods*) that code can check; the reason, or None."""
    if c.period and c.period_unknown:
        return "period and period_unknown exclude each other: words that date the figure give it a period"
    if c.period_context and not [k for k in find_all(text, c.period_context) if s - PERIOD_SEARCH_BACK <= k < e]:
        return f"period_context {c.period_context!r} is not in the text before the claim (context words are stated, not inferred)"
    if c.period_unknown:
        return None
    amount = c.metric in schema.load().terms_with("metric", "amount")
    if c.period is None:
        stated = words_outside(text, s, e)
        if stated:
            return (f"its sentence states period words {', '.join(dict.fromkeys(stated))}: a period stated anywhere in "
                    "the sentence governs its claims (give them as period) unless they date something else "
                    "(then period_unknown: true)")
        if c.change is not None:
            return "a change compares two periods: give the period words, or period_unknown: true"
        if amount:
            return f"{c.metric} is an amount summed over a span: give the words naming it, or period_unknown: true"
    elif amount and c.period in AS_OF_NOW:
        return (f"{c.period!r} dates a level, not the span an amount ({c.metric}) sums: "
                "give the words naming the span, or period_unknown: true")
    return None


def _value(doc: LoadedDoc, i: int, c: ClaimAnn) -> tuple[Value, str, str]:
    """The value read from its surface, its unit (from the surface, else the annotation) and its bound."""
    try:
        v = parse_value(c.value, c.implied_scale)
    except SurfaceValueError as err:
        _fail(doc, i, "value", str(err))
    unit = v.unit or c.unit
    if v.unit and c.unit and v.unit != c.unit:
        _fail(doc, i, "unit", f"{c.unit} contradicts the unit word in {c.value!r} ({v.unit})")
    if unit is None:
        _fail(doc, i, "unit", f"{c.value!r} has no unit word: state unit ({', '.join(schema.load().terms('unit'))})")
    allowed = schema.load().units_for(c.metric)
    if unit not in allowed:
        _fail(doc, i, "unit", f"unit {unit} is not allowed for metric {c.metric} ({', '.join(allowed)})")
    bound = v.bound
    if c.bound:
        if v.bound != "exact":
            _fail(doc, i, "bound", f"{c.value!r} already has a qualifier ({v.bound})")
        bound = c.bound
    if c.expect is not None and abs(c.expect - v.value) > 1e-9 * max(1.0, abs(v.value)):
        _fail(doc, i, "expect", f"annotation says {c.expect}, code reads {c.value!r} as {v.value}")
    return v, unit, bound


def claim_row(seed: Seed, doc: LoadedDoc, i: int, c: ClaimAnn, entity_ids: set[str]) -> tuple[dict, list]:
    """The row, and the spans (value, period words) it covers for the completeness check."""
    text = seed.text
    s, e = locate_or_fail(text, c.quote, c.occurrence, doc.path, doc.line("claims", i), f"claims[{i}].quote")
    for field in ("subject", "speaker"):
        v = getattr(c, field)
        if v is not None and v not in entity_ids:
            _fail(doc, i, field, f"unknown entity {v!r} (not in entities.yaml)")
    try:
        vs, ve = locate(c.quote, c.value, c.value_occurrence)
    except SpanError as err:
        _fail(doc, i, "value", f"not inside the quote: {err}")
    v, unit, bound = _value(doc, i, c)
    low, high = v.low, v.high
    covered = [(s + vs, s + ve)]
    reason = check_period_policy(text, s, e, c)
    if reason:
        _fail(doc, i, "period", reason)
    if c.period_unknown:
        period = None
    else:
        try:
            period = resolve(c.period, seed.source.reference_date, c.period_context, seed.source.reference_date_precision)
        except PeriodError as err:
            _fail(doc, i, "period", str(err))
    if c.period:
        where = locate_period(text, c.period, s, e)
        if where is None:
            _fail(doc, i, "period", f"{c.period!r} is neither in the quote nor in the {PERIOD_SEARCH_BACK} characters before it")
        covered += where
        if period and period.resolution not in ("context", "document_date") and not all(s <= w[0] < e for w in where):
            period = period.__class__(period.start, period.end, period.granularity, "context")
    is_change = c.change is not None
    row = {
        "claim_id": f"{doc_number(seed.doc_id)}-{c.id}", "doc_id": seed.doc_id,
        "char_start": s, "char_end": e, "quote": text[s:e],
        "value_char_start": s + vs, "value_char_end": s + ve,
        "subject_id": c.subject, "metric": c.metric, "scope": c.scope,
        "value": v.value, "unit": unit, "value_surface": c.value, "implied_scale": c.implied_scale, "bound": bound,
        "value_low": low, "value_high": high, "is_change": is_change,
        "change_basis": c.change.basis if c.change else "none",
        "direction_stated": c.change.direction if c.change else "none",
        "period_start": period.start if period else None, "period_end": period.end if period else None,
        "period_granularity": period.granularity if period else "unknown",
        "period_surface": c.period, "period_resolution": period.resolution if period else "unknown",
        "claim_kind": c.kind, "speaker_id": c.speaker, "statement_en": c.en,
        "confidence": c.confidence, "note": c.note,
    }
    return row, covered


def _completeness(seed: Seed, doc: LoadedDoc, covered: list, event_spans: list, page_noise: list) -> dict:
    """Every number in the text is a claim, an event date, page noise or an explained exclusion."""
    report = coverage.check(seed.doc_id, seed.text, covered, event_spans, page_noise,
                            exclusion_spans(seed.text, doc, "excluded"))
    if report.missing:
        s, e, tok = report.missing[0]
        line, col = coverage.line_col(seed.text, s)
        more = f" (and {len(report.missing) - 1} more)" if len(report.missing) > 1 else ""
        raise InputError(seed.path, line, f"column {col}: number {tok!r} at [{s}:{e}] "
                         f"(…{seed.text[max(0, s - 12):e + 12]}…) is not covered by a claim, an event date, "
                         f"page noise or an exclusion in {doc.path.name}{more}")
    return report.as_dict()


def one_number_one_claim(doc: LoadedDoc, rows: list[dict]) -> None:
    """A number of the text is one claim: a second claim whose value overlaps an earlier claim's value (in
    characters of the text) is the same clause annotated twice (two opposite readings of one 下降, or a copy),
    unless its annotation says why in second_reading. Claims that only share a clause, each with its own
    number (2022年GMV环比下降32.5%达到9012万元: a change and a level), are not concerned."""
    for j, b in enumerate(rows):
        for i, a in enumerate(rows[:j]):
            if a["value_char_start"] < b["value_char_end"] and b["value_char_start"] < a["value_char_end"] \
                    and not doc.ann.claims[j].second_reading:
                _fail(doc, j, "value", f"{b['value_surface']!r} at [{b['value_char_start']}:{b['value_char_end']}] is the number "
                                       f"{doc.ann.claims[i].id} already reads ({a['value_surface']!r} at "
                                       f"[{a['value_char_start']}:{a['value_char_end']}]): one clause annotated as two claims; "
                                       "merge them, or say in second_reading why the text states two things with it")


def doc_claims(seed: Seed, doc: LoadedDoc, entity_ids: set[str], event_spans: list, page_noise: list) -> tuple[list[dict], dict]:
    """One document's claim rows and its completeness report."""
    rows, covered = [], []
    for i, c in enumerate(doc.ann.claims):
        row, spans = claim_row(seed, doc, i, c, entity_ids)
        rows.append(row)
        covered += spans
    one_number_one_claim(doc, rows)
    report = _completeness(seed, doc, covered, event_spans, page_noise)
    return rows, report | {"claims": len(rows)}


def build(stage: Stage) -> list[dict]:
    inp = stage.inputs
    noise = stage.rows("noise")
    page_noise = page_noise_spans(noise)
    event_spans = date_spans(stage.rows("events"))
    per_doc = inp.map_docs(doc_claims, [(seed, inp.annotations[seed.doc_id], inp.entity_ids, event_spans.get(seed.doc_id, []),
                                         page_noise.get(seed.doc_id, [])) for seed in inp.seeds])
    stage.reports["completeness"] = [report for _, report in per_doc]
    rows = [r for doc_rows, _ in per_doc for r in doc_rows]
    reference_dates = {s.doc_id: s.source.reference_date for s in inp.seeds}
    return reconciled(rows, noise, reference_dates)


# --- proof: what the build derived, re-derived; what the text decides, the text checks -----------------

PROVES = ("documents", "claims", "mentions", "noise", "events")


def _granularity_ok(f: Findings, table: str, key: str, start: dt.date, end: dt.date, gran: str) -> None:
    want = "point" if gran == "point" and start == end else granularity_of(start, end)
    if gran != want:
        f.add(table, key, "period_granularity", "consistent with the period's length", want, gran)


def derived_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """The value, unit, bound and range re-read from value_surface by the build's parser, and the period
    re-resolved from period_surface and the document's reference_date."""
    docs = {d["doc_id"]: d for d in t["documents"]}
    for c in t["claims"]:
        cid, doc = c["claim_id"], docs.get(c["doc_id"])
        if doc is None:
            continue  # reported by the foreign-key check
        text, ref = doc["text"], doc["reference_date"]
        if not cid.startswith(doc_number(c["doc_id"]) + "-"):
            f.add("claims", cid, "claim_id", "prefixed with its document's number", doc_number(c["doc_id"]), cid)
        # the value span: inside the clause, and exactly the surface
        vs, ve = c["value_char_start"], c["value_char_end"]
        if not (c["char_start"] <= vs < ve <= c["char_end"]):
            f.add("claims", cid, "value_char_start", "value span inside the claim span",
                  f"within [{c['char_start']}:{c['char_end']}]", f"[{vs}:{ve}]")
        if text[vs:ve] != c["value_surface"]:
            f.add("claims", cid, "value_surface", "text[value_char_start:value_char_end] == value_surface",
                  text[vs:ve], c["value_surface"])
        # value, unit, bound and range from the surface, by the build's parser
        for col, exp in _expected_value(c).items():
            if not same(exp, c[col]):
                f.add("claims", cid, col, "re-derived from value_surface", exp, c[col])
        _period_problems(f, c, text, ref, doc["reference_date_precision"])


def _expected_value(c: dict) -> dict[str, Any]:
    try:
        v = parse_value(c["value_surface"], c["implied_scale"])
    except SurfaceValueError as e:
        return {"value_surface": f"a readable number ({e})"}
    scale = c["implied_scale"]
    # the text, not the annotation, decides that a scale word is implied: it follows the value in the same quote
    # (全年流量从300降低到起码600亿), and the surface has none of its own
    after = c["quote"][c["value_char_end"] - c["char_start"]:]
    if scale and (scale not in after or any(w in c["value_surface"] for w in SCALE_WORDS)):
        return {"implied_scale": f"a scale word that follows the value in its quote, absent from {c['value_surface']!r}"}
    exp: dict[str, Any] = {"value": v.value, "value_low": v.low, "value_high": v.high}
    if v.unit is not None:  # a surface without a unit word takes the annotated unit (checked against the metric)
        exp["unit"] = v.unit
    # an annotation may mark a bare round figure (百亿) as approximate; nothing else overrides the wording
    exp["bound"] = "approx" if v.bound == "exact" and c["bound"] == "approx" else v.bound
    return exp


def _period_problems(f: Findings, c: dict, text: str, ref: dt.date, precision: str) -> None:
    cid, res, surface = c["claim_id"], c["period_resolution"], c["period_surface"]
    start, end, gran = c["period_start"], c["period_end"], c["period_granularity"]
    check = "re-resolved from period_surface and reference_date"
    where = locate_period(text, surface, c["char_start"], c["char_end"]) if surface else None
    if surface and where is None:
        f.add("claims", cid, "period_surface", "in the clause or the text before it", surface, "not found")
    if res == "document_date" and not surface:
        _implicit_date_problems(f, c, text)
    if res == "unknown":
        for col, exp in (("period_start", None), ("period_end", None), ("period_granularity", "unknown")):
            if c[col] != exp:
                f.add("claims", cid, col, "empty when period_resolution is unknown", exp, c[col])
        return
    if start is None or end is None:
        f.add("claims", cid, "period_start", f"a period when period_resolution is {res}", "a date", None)
        return
    _granularity_ok(f, "claims", cid, start, end, gran)
    if res == "context":  # words borrowed from elsewhere: one of them must reproduce the period
        if surface and not reproduces(surface, ref, start, end, context_words(text), precision):
            f.add("claims", cid, "period_start", check + " (with context words)", f"a period {surface!r} can mean",
                  f"{start}..{end}")
        return
    try:
        p = resolve(surface, ref, None, precision)
    except PeriodError as e:
        f.add("claims", cid, "period_surface", check, "resolvable words", f"{surface!r} ({e})")
        return
    derived: tuple[tuple[str, Any], ...] = (("period_start", p.start), ("period_end", p.end),
                                             ("period_granularity", p.granularity), ("period_resolution", p.resolution))
    for col, exp in derived:
        if c[col] != exp:
            f.add("claims", cid, col, check, exp, c[col])
    if res in ("explicit", "relative") and where and not all(c["char_start"] <= w[0] < c["char_end"] for w in where):
        f.add("claims", cid, "period_resolution", "context when the period words are outside the clause", "context", res)
    if res == "document_date" and surface and surface not in AS_OF_NOW:
        f.add("claims", cid, "period_resolution", check, "explicit or relative", res)


def _implicit_date_problems(f: Findings, c: dict, text: str) -> None:
    """A claim taken at the writing date without period words must be a level in a sentence that names
    no period (GUIDELINES.md, Periods, rules 2, 5 and 6)."""
    check = "a claim without period words is a level in a sentence without period words"
    stated = words_outside(text, c["char_start"], c["char_end"])
    if stated:
        f.add("claims", c["claim_id"], "period_surface", check, "the sentence's period words", ", ".join(stated))
    if c["is_change"] or c["metric"] in schema.load().terms_with("metric", "amount"):
        f.add("claims", c["claim_id"], "period_resolution", check, "unknown or stated", "document_date")


def reconcile_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """The reconciled readings re-derived by the build's reconciled()."""
    claims = t["claims"]
    rebuilt = reconciled([dict(c) for c in claims], t["noise"], {d["doc_id"]: d["reference_date"] for d in t["documents"]})
    compare_rows(f, "claims", ["claim_id"], claims, rebuilt, "re-derived from the noise labels' likely readings")




def _words(vocab: str, term: str) -> list[str]:
    spec = schema.load().vocab[vocab][term]
    return list(spec.get("words", [])) if isinstance(spec, dict) else []


def _stated(quote: str, vocab: str, terms: tuple[str, ...]) -> set[str]:
    """The terms of a vocabulary whose declared words the quote contains."""
    return {t for t in terms if any(w in quote for w in _words(vocab, t))}


def text_problems(f: Findings, c: Mapping, text: str, mentioned: set[str]) -> None:
    """One claim against its text: direction and basis words, bound qualifiers, scope words, speaker, one sentence."""
    cid, quote = c["claim_id"], c["quote"]
    if c["is_change"]:
        said = _stated(quote, "direction", ("increase", "decrease"))
        if len(said) == 1 and c["direction_stated"] not in said:
            f.add("claims", cid, "direction_stated", "the direction words in the quote", next(iter(said)), c["direction_stated"])
        basis = _stated(quote, "change_basis", ("yoy", "qoq"))
        if len(basis) == 1 and c["change_basis"] not in basis:
            f.add("claims", cid, "change_basis", "the basis words in the quote", next(iter(basis)), c["change_basis"])
        if c["change_basis"] == "none":
            f.add("claims", cid, "change_basis", "a change has a basis (unspecified when the text names none)", "not none", "none")
    elif c["change_basis"] != "none" or c["direction_stated"] != "none":
        f.add("claims", cid, "is_change", "a level has no change basis and no direction", True, False)
    if c["bound"] == "approx" and re.search(r"[0-9]", c["value_surface"]) \
            and not any(w in c["value_surface"] for w in _words("bound", "approx")):
        f.add("claims", cid, "bound", "a figure in digits is approximate only with a qualifier in its words",
              "exact", "approx")
    s, e = sentence_bounds(text, c["char_start"], c["char_end"])
    sentence = text[s:e]
    head = (c["scope"] or "").split(" (")[0]
    if head and not any(head[i:i + 2] in sentence for i in range(len(head) - 1)):
        f.add("claims", cid, "scope", "scope words present in the claim's sentence", f"words of {sentence!r}", c["scope"])
    if c["speaker_id"] is not None and c["speaker_id"] not in mentioned:
        f.add("claims", cid, "speaker_id", "a speaker the document names (a mention of it, or a garbled_name row naming it)",
              "an entity mentioned", c["speaker_id"])
    if SENTENCE_END.search(quote):
        f.add("claims", cid, "char_end", "a claim's quote lies inside one sentence", f"[{c['char_start']}:{e}] at most", quote)


def covered_spans(c: Mapping, text: str) -> list[tuple[int, int]]:
    """What a claim covers for the completeness scan: its value and its period words (as claim_row says)."""
    spans = [(c["value_char_start"], c["value_char_end"])]
    if c["period_surface"]:
        spans += locate_period(text, c["period_surface"], c["char_start"], c["char_end"]) or []
    return spans


def completeness_problems(f: Findings, t: Mapping, manifest: dict) -> None:
    """Every number in the text recounted by the build's scanner against what covers it in the release
    (claims, event dates, page noise): the counts must be the manifest's, and the rest its exclusions."""
    claims, noise, events = by_doc(t["claims"]), page_noise_spans(t["noise"]), date_spans(t["events"])
    for entry in manifest.get("completeness", []):
        doc = next((d for d in t["documents"] if d["doc_id"] == entry["doc_id"]), None)
        if doc is None:
            f.add("documents", entry["doc_id"], "(row)", "the manifest's completeness entry names a document")
            continue
        text = doc["text"]
        covered = [s for c in claims.get(doc["doc_id"], []) for s in covered_spans(c, text)]
        r = coverage.check(doc["doc_id"], text, covered, events.get(doc["doc_id"], []), noise.get(doc["doc_id"], []), [])
        got = {"numbers": r.found, "covered_by_claims": r.by_claims, "covered_by_events": r.by_events,
               "in_page_noise": r.by_noise, "claims": len(claims.get(doc["doc_id"], [])),
               "excluded": len(r.missing)}
        want = {k: (sum(entry[k].values()) if k == "excluded" else entry.get(k)) for k in got}
        for k in got:
            if got[k] != want[k]:
                f.add("documents", doc["doc_id"], f"completeness.{k}",
                      "every number in the text recounted: a claim, an event date, page noise or a listed exclusion",
                      f"{want[k]} (manifest.json)", got[k])


def text_checks(t: Mapping, manifest: dict | None, f: Findings) -> None:
    texts = {d["doc_id"]: d["text"] for d in t["documents"]}
    mentioned = by_doc(t["mentions"])
    # a name written garbled is still the document naming that entity: the garbled_name noise row says whose it is
    garbled = by_doc([n for n in t["noise"] if n["noise_type"] == "garbled_name"])
    for c in t["claims"]:
        if c["doc_id"] in texts:
            named = {m["entity_id"] for m in mentioned.get(c["doc_id"], [])} | \
                {e for n in garbled.get(c["doc_id"], []) for e in (n["entity_ids"] or [])}
            text_problems(f, c, texts[c["doc_id"]], named)
    duplicates(f, "claims", t["claims"], "claim_id")
    if manifest and "completeness" in manifest:
        completeness_problems(f, t, manifest)


PROOFS: Proofs = (
    (("documents", "claims"), derived_problems),
    (("documents", "claims", "noise"), reconcile_problems),
    (PROVES, text_checks),
)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
