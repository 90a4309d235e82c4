"""reference_gaps: claims and metrics for which no official figure qualified, with what was
searched and why nothing did (seeds/reference/gaps.yaml)."""
from __future__ import annotations

from scripts.tables.context import Stage
from scripts.tables.reference_facts import load_gaps

READS = ("claims", "reference_facts")


def build(stage: Stage) -> list[dict]:
    return load_gaps(stage.inputs.seeds_dir / "reference" / "gaps.yaml", stage.inputs.entity_ids,
                     {c["claim_id"] for c in stage.rows("claims")}, {f["fact_id"] for f in stage.rows("reference_facts")})
