"""noise_detection (benchmark task): each document's text with its noise spans as targets."""
from __future__ import annotations

from scripts.benchmark import tasks
from scripts.tables.context import Stage

READS = ("documents", "noise")


def build(stage: Stage) -> list[dict]:
    return tasks.noise_detection(stage.rows("documents"), stage.rows("noise"))
