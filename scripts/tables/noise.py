"""noise: the labelled noisy spans of each document, located from their quotes."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from scripts.errors import InputError
from scripts.inputs.annotations import LoadedDoc, doc_number
from scripts.inputs.seeds import Seed
from scripts.inputs.spans import locate_or_fail
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, duplicates, run

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


# --- proof ------------------------------------------------------------------------------------------

PROVES = ("noise", "claims", "entities", "mentions")


def id_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Each id prefixed with its document's number, and each claim it lists of the same document."""
    claim_doc = {c["claim_id"]: c["doc_id"] for c in t["claims"]}
    for n in t["noise"]:
        if not n["noise_id"].startswith(doc_number(n["doc_id"]) + "-"):
            f.add("noise", n["noise_id"], "noise_id", "prefixed with its document's number", doc_number(n["doc_id"]),
                  n["noise_id"])
        for cid in n["claim_ids"]:
            if cid in claim_doc and claim_doc[cid] != n["doc_id"]:
                f.add("noise", n["noise_id"], "claim_ids", "claims of the same document", n["doc_id"],
                      f"{cid} of {claim_doc[cid]}")


def reading_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """A garbled name reads as its entities' names and lists each entity garbled inside it; a label lists every
    claim it reconciles."""
    ents = {e["entity_id"]: e for e in t["entities"]}
    noisy = defaultdict(set)
    for m in t["mentions"]:
        if m["is_noisy_variant"] and m["noise_id"]:
            noisy[m["noise_id"]].add(m["entity_id"])
    reconciles = defaultdict(set)
    for c in t["claims"]:
        for nid in c["reconciled_by"]:
            reconciles[nid].add(c["claim_id"])
    for n in t["noise"]:
        nid = n["noise_id"]
        if n["noise_type"] == "garbled_name" and n["likely_reading"]:
            for eid in n["entity_ids"]:
                names = [ents[eid]["canonical_name"], *ents[eid]["aliases"]] if eid in ents else []
                reading = n["likely_reading"]
                if names and not any(x in reading or reading in x for x in names if x not in ents[eid]["noisy_aliases"]):
                    f.add("noise", nid, "likely_reading", "a garbled name reads as a name of each entity it lists",
                          f"a name of {eid}", n["likely_reading"])
            missing = sorted(noisy[nid] - set(n["entity_ids"]))
            if missing:
                f.add("noise", nid, "entity_ids", "every entity garbled inside the span is listed", missing, n["entity_ids"])
        unlisted = sorted(reconciles[nid] - set(n["claim_ids"]))
        if unlisted:
            f.add("noise", nid, "claim_ids", "every claim the label reconciles is listed", unlisted, n["claim_ids"])
    duplicates(f, "noise", t["noise"], "noise_id")


PROOFS: Proofs = (
    (("claims", "noise"), id_problems),
    (PROVES, reading_problems),
)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
