"""One module per table, named after it. Each declares the tables it reads
(`READS`) and a `build(stage) -> list[dict]`; the build order is derived from
those declarations (a small DAG, like OWID's steps), never from line order.

    noise ─┬─> mentions ──> entities
           ├─> claims ──┬─> claim_relations
    events ┘      │     └─> claim_verdicts <── reference_facts
                  └─> documents (counts) ──> extraction, verification, noise_detection
"""
from __future__ import annotations

import graphlib
import importlib
from types import ModuleType

import schema


class DagError(Exception):
    """A table module that reads an undeclared table, or declarations that form a cycle."""


def modules() -> dict[str, ModuleType]:
    return {name: importlib.import_module(f"scripts.tables.{name}") for name in schema.table_names()}


def dependencies(mods: dict[str, ModuleType] | None = None) -> dict[str, tuple[str, ...]]:
    mods = modules() if mods is None else mods
    return {name: tuple(m.READS) for name, m in mods.items()}


def build_order(deps: dict[str, tuple[str, ...]]) -> list[str]:
    """Topological order; among tables ready at the same time, the declared order
    (schema.table_names()) decides, so the order is the same on every run."""
    for name, reads in deps.items():
        unknown = [r for r in reads if r not in deps]
        if unknown:
            raise DagError(f"table {name} reads {', '.join(unknown)}, which no table module builds")
    rank = {name: i for i, name in enumerate(deps)}
    ts = graphlib.TopologicalSorter(deps)
    try:
        ts.prepare()
    except graphlib.CycleError as e:
        raise DagError(f"table reads form a cycle: {' -> '.join(e.args[1])}") from None
    order: list[str] = []
    while ts.is_active():
        ready = sorted(ts.get_ready(), key=rank.__getitem__)
        order += ready
        ts.done(*ready)
    return order
