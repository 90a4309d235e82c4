"""Benchmark task tables, derived from the release tables (never from the
annotation files): extraction, verification and noise_detection."""
from __future__ import annotations

import re

import schema

_END = re.compile(r"[。！？!?\n]")
# the evidence a verification item carries: the fact_evidence struct as declared in schema/tables.yaml
EVIDENCE_FIELDS = tuple(c.name for c in schema.load().structs["fact_evidence"])


def sentence(text: str, start: int, end: int) -> str:
    """The sentence(s) containing [start, end): from after the previous terminator to the next one."""
    left = max((m.end() for m in _END.finditer(text, 0, start)), default=0)
    m = _END.search(text, end)
    right = m.end() if m else len(text)
    return text[left:right].strip()


def build(docs: list[dict], claims: list[dict], noise: list[dict], verdicts: list[dict], facts: list[dict]) -> dict[str, list[dict]]:
    by_doc = {d["doc_id"]: d for d in docs}
    facts_by_id = {f["fact_id"]: f for f in facts}
    extraction = [{
        "doc_id": d["doc_id"], "text": d["text"], "reference_date": d["reference_date"],
        "targets": [{"claim_id": c["claim_id"], "char_start": c["value_char_start"], "char_end": c["value_char_end"],
                     "quote": c["value_surface"], "value": c["value"], "unit": c["unit"], "bound": c["bound"],
                     "period_start": c["period_start"], "period_end": c["period_end"], "metric": c["metric"]}
                    for c in sorted(claims, key=lambda c: (c["value_char_start"], c["claim_id"])) if c["doc_id"] == d["doc_id"]],
    } for d in docs]
    verdict = {v["claim_id"]: v for v in verdicts}
    verification = []
    for c in claims:
        d = by_doc[c["doc_id"]]
        v = verdict[c["claim_id"]]
        verification.append({
            "claim_id": c["claim_id"], "doc_id": c["doc_id"], "quote": c["quote"],
            "context": sentence(d["text"], c["char_start"], c["char_end"]),
            "reference_date": d["reference_date"], "site": d["site"], "label": v["verdict"],
            "evidence": [{k: facts_by_id[f][k] for k in EVIDENCE_FIELDS} for f in v["fact_ids"]],
        })
    noise_detection = [{
        "doc_id": d["doc_id"], "text": d["text"],
        "targets": [{"noise_id": n["noise_id"], "char_start": n["char_start"], "char_end": n["char_end"],
                     "quote": n["quote"], "noise_type": n["noise_type"]}
                    for n in sorted(noise, key=lambda n: (n["char_start"], n["noise_id"])) if n["doc_id"] == d["doc_id"]],
    } for d in docs]
    return {"extraction": extraction, "verification": verification, "noise_detection": noise_detection}
