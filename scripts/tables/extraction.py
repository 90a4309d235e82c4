"""extraction (benchmark task): each document's text with its claims' value spans as targets."""
from __future__ import annotations

from scripts.benchmark import tasks
from scripts.tables.context import Stage

READS = ("documents", "claims")


def build(stage: Stage) -> list[dict]:
    return tasks.extraction(stage.rows("documents"), stage.rows("claims"))
