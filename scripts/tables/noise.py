"""noise: the labelled noisy spans of each document, located from their quotes."""
from __future__ import annotations

from typing import Any

from scripts.errors import InputError
from scripts.inputs.annotations import LoadedDoc, doc_number
from scripts.inputs.seeds import Seed
from scripts.inputs.spans import locate_or_fail
from scripts.tables.context import Stage

READS: tuple[str, ...] = ()


def noise_rows(seed: Seed, doc: LoadedDoc, entity_ids: set[str]) -> list[dict]:
    num = doc_number(seed.doc_id)
    known_claims = {f"{num}-{c.id}" for c in doc.ann.claims}
    rows = []
    for i, n in enumerate(doc.ann.noise):
        s, e = locate_or_fail(seed.text, n.quote, n.occurrence, doc.path, doc.line("noise", i), f"noise[{i}].quote")
        row: dict[str, Any] = {
            "noise_id": f"{num}-{n.id}", "doc_id": seed.doc_id,
            "char_start": s, "char_end": e, "quote": seed.text[s:e],
            "noise_type": n.type, "likely_reading": n.likely_reading, "basis": n.basis,
            "explanation": n.explanation, "confidence": n.confidence,
            "claim_ids": [f"{num}-{c}" for c in n.claims], "entity_ids": list(n.entities),
        }
        for cid in row["claim_ids"]:
            if cid not in known_claims:
                raise InputError(doc.path, doc.line("noise", i), f"noise[{i}].claims: unknown claim {cid}")
        for eid in row["entity_ids"]:
            if eid not in entity_ids:
                raise InputError(doc.path, doc.line("noise", i), f"noise[{i}].entities: unknown entity {eid}")
        rows.append(row)
    return rows


def build(stage: Stage) -> list[dict]:
    inp = stage.inputs
    per_doc = inp.map_docs(noise_rows, [(seed, inp.annotations[seed.doc_id], inp.entity_ids) for seed in inp.seeds])
    return [r for rows in per_doc for r in rows]
