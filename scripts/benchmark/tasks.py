"""Benchmark task tables, derived from the release tables (never from the
annotation files): extraction, verification and noise_detection."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

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


def _by_doc(rows: Iterable[Mapping], order: Callable[[Mapping], tuple]) -> dict[str, list[Mapping]]:
    out: dict[str, list[Mapping]] = defaultdict(list)
    for r in sorted(rows, key=order):
        out[r["doc_id"]].append(r)
    return out


def extraction(docs: Sequence[Mapping], claims: Iterable[Mapping]) -> list[dict]:
    per_doc = _by_doc(claims, lambda c: (c["value_char_start"], c["claim_id"]))
    return [{
        "doc_id": d["doc_id"], "text": d["text"], "reference_date": d["reference_date"],
        "targets": [{"claim_id": c["claim_id"], "char_start": c["value_char_start"], "char_end": c["value_char_end"],
                     "quote": c["value_surface"], "value": c["value"], "unit": c["unit"], "bound": c["bound"],
                     "period_start": c["period_start"], "period_end": c["period_end"], "metric": c["metric"]}
                    for c in per_doc[d["doc_id"]]],
    } for d in docs]


def verification(docs: Sequence[Mapping], claims: Iterable[Mapping], verdicts: Iterable[Mapping],
                 facts: Iterable[Mapping]) -> list[dict]:
    by_doc = {d["doc_id"]: d for d in docs}
    facts_by_id = {f["fact_id"]: f for f in facts}
    verdict = {v["claim_id"]: v for v in verdicts}
    rows = []
    for c in claims:
        d = by_doc[c["doc_id"]]
        v = verdict[c["claim_id"]]
        rows.append({
            "claim_id": c["claim_id"], "doc_id": c["doc_id"], "quote": c["quote"],
            "context": sentence(d["text"], c["char_start"], c["char_end"]),
            "reference_date": d["reference_date"], "site": d["site"], "label": v["verdict"],
            "evidence": [{k: facts_by_id[f][k] for k in EVIDENCE_FIELDS} for f in v["fact_ids"]],
        })
    return rows


def noise_detection(docs: Sequence[Mapping], noise: Iterable[Mapping]) -> list[dict]:
    per_doc = _by_doc(noise, lambda n: (n["char_start"], n["noise_id"]))
    return [{
        "doc_id": d["doc_id"], "text": d["text"],
        "targets": [{"noise_id": n["noise_id"], "char_start": n["char_start"], "char_end": n["char_end"],
                     "quote": n["quote"], "noise_type": n["noise_type"]} for n in per_doc[d["doc_id"]]],
    } for d in docs]
