"""noise_detection (benchmark task): each document's text with its noise spans as targets."""
from __future__ import annotations

from collections.abc import Mapping

from scripts.tables import tasks
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, run

READS = ("documents", "noise")


def build(stage: Stage) -> list[dict]:
    return tasks.noise_detection(stage.rows("documents"), stage.rows("noise"))


PROOFS: Proofs = ((tasks.PROVES, tasks.rebuilt_problems("noise_detection", READS, lambda stage: build(stage))),)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
