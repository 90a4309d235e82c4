"""reference_gaps: claims and metrics for which no official figure qualified, with what was
searched and why nothing did (seeds/reference/gaps.yaml)."""
from __future__ import annotations

from collections.abc import Mapping

from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, run
from scripts.tables.reference_facts import load_gaps

READS = ("claims", "reference_facts")


def build(stage: Stage) -> list[dict]:
    return load_gaps(stage.inputs.seeds_dir / "reference" / "gaps.yaml", stage.inputs.entity_ids,
                     {c["claim_id"] for c in stage.rows("claims")}, {f["fact_id"] for f in stage.rows("reference_facts")})


PROVES = ("reference_gaps", "claim_verdicts")


def claim_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """A gap lists claims no fact decides, or decided only by the gap's own fallback facts."""
    verdicts = {v["claim_id"]: v for v in t["claim_verdicts"]}
    for g in t["reference_gaps"]:
        for cid in g["claim_ids"]:
            v = verdicts.get(cid)
            if v and v["verdict"] != "not_enough_info" and not set(v["fact_ids"]) <= set(g["fallback_fact_ids"]):
                f.add("reference_gaps", g["gap_id"], "claim_ids", "a gap's claim is one no fact (but its fallbacks) decides",
                      "not_enough_info", f"{cid}: {v['verdict']} on {v['fact_ids']}")


PROOFS: Proofs = ((PROVES, claim_problems),)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
