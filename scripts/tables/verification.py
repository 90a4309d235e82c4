"""verification (benchmark task): each claim in context with its candidate evidence pool; its verdict and gold facts as labels."""
from __future__ import annotations

from scripts.benchmark import tasks
from scripts.tables.context import Stage

READS = ("documents", "claims", "claim_verdicts", "reference_facts")


def build(stage: Stage) -> list[dict]:
    return tasks.verification(stage.rows("documents"), stage.rows("claims"), stage.rows("claim_verdicts"),
                              stage.rows("reference_facts"))
