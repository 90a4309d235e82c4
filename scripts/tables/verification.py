"""verification (benchmark task): each claim in context with its candidate evidence pool; its verdict and gold facts as labels."""
from __future__ import annotations

from collections.abc import Mapping

from scripts.tables import tasks
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, run

READS = ("documents", "claims", "claim_verdicts", "reference_facts")


def build(stage: Stage) -> list[dict]:
    return tasks.verification(stage.rows("documents"), stage.rows("claims"), stage.rows("claim_verdicts"),
                              stage.rows("reference_facts"))


PROOFS: Proofs = ((tasks.PROVES, tasks.rebuilt_problems("verification", READS, lambda stage: build(stage))),)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
