"""Seeds + reviewed annotations -> Arrow tables: each table module (scripts/tables/)
runs once, in the order its declared reads give, and its rows become a table with
the declared schema. Every span is located by code from its quote."""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

import schema
from scripts import paths
from scripts.gc_policy import settle, settled_objects
from scripts.inputs.seeds import refuse_outside_root
from scripts.tables import build_order, dependencies, modules
from scripts.tables.arrow import RowShapeError, in_key_order, to_table
from scripts.tables.context import Inputs, Row, Stage, frozen

__all__ = ["RowShapeError", "build_tables", "frozen", "in_key_order", "input_files", "to_table"]


def build_tables(seeds_dir: Path = paths.SEEDS, workers: int = 1,
                 timings: dict[str, float] | None = None, only: frozenset[str] | None = None,
                 given: dict[str, Callable[[Stage], Sequence[Row]]] | None = None,
                 ) -> tuple[dict[str, pa.Table], list[dict[str, Any]]]:
    """All tables, and the completeness report per document (for the manifest); `workers`
    processes share the per-document stages (the tables are the same for any number; `--engine spark` runs this
    function once per part of the corpus, scripts/release/spark_build.py).
    timings, if given, receives the seconds each table took (scripts/bench.py). only: the documents of one part of
    the corpus; given: tables whose rows come from elsewhere than their module's build (one part's build by
    scripts/release/spark_build.py: the tables made across parts)."""
    refuse_outside_root(seeds_dir)
    mods = modules()
    deps = dependencies(mods)
    inputs = Inputs(seeds_dir, workers, only)
    given = given or {}
    built: dict[str, Sequence[Row]] = {}
    tables: dict[str, pa.Table] = {}
    reports: dict[str, Any] = {}
    order = build_order(deps)
    # a table's rows are let go once its last reader is built (the Arrow table stays): the largest
    # tables (mentions, the task tables) are not held twice through the rest of the build
    last_reader = {r: i for i, n in enumerate(order) for r in deps[n]}
    with settled_objects():
        for i, name in enumerate(order):
            t0 = time.perf_counter()
            stage = Stage(name, deps[name], inputs, built)
            rows = (given[name] if name in given else mods[name].build)(stage)
            tables[name] = to_table(name, rows)
            if name in last_reader:
                built[name] = frozen(in_key_order(name, rows))  # readers see the table as it is written
            del rows
            for done in [t for t in built if last_reader[t] <= i]:
                del built[done]
            reports.update(stage.reports)
            if timings is not None:
                timings[name] = time.perf_counter() - t0
            settle()  # this table's rows, and the inputs, are walked by no later collection
    # the alias exclusions ride in the completeness report: the proof re-scans the text with them (mentions.prove)
    excluded = reports.get("alias_exclusions", {})
    completeness = [c | {"alias_exclusions": excluded[c["doc_id"]]} if c["doc_id"] in excluded else c
                    for c in reports["completeness"]]
    return {name: tables[name] for name in schema.table_names()}, completeness


def input_files(seeds_dir: Path = paths.SEEDS) -> list[Path]:
    """Every file the build reads from seeds/: its hash goes in the manifest."""
    # JSON lines count only where the build reads them (annotations/*.jsonl): the second pass's are not inputs
    return sorted([p for p in seeds_dir.rglob("*") if p.is_file() and p.suffix in (".txt", ".yaml", ".yml", ".md")]
                  + list((seeds_dir / "annotations").glob("*.jsonl")))
