"""The benchmark's task rows, as the benchmark and its readers name them. They are built by the task table
modules, so the code lives with them in scripts/tables/tasks.py (a table module imports no higher stage);
this module keeps the name that released schema descriptions give for POOL_SIZE (v0.11.0's Parquet metadata)."""
from scripts.tables.tasks import EVIDENCE_FIELDS, POOL_SIZE, FactIndex, evidence_pool, extraction, noise_detection, sentence, verification

__all__ = ["EVIDENCE_FIELDS", "POOL_SIZE", "FactIndex", "evidence_pool", "extraction", "noise_detection", "sentence",
           "verification"]
