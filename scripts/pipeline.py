"""Seeds + reviewed annotations -> Arrow tables: each table module (scripts/tables/)
runs once, in the order its declared reads give, and its rows become a table with
the declared schema. Every span is located by code from its quote."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

import schema
from schema.derive import arrow_schema
from scripts import paths
from scripts.errors import InputError
from scripts.gc_policy import settle, settled_objects
from scripts.inputs.seeds import refuse_outside_root
from scripts.tables import build_order, dependencies, modules
from scripts.tables.context import Inputs, Row, Stage, frozen


class RowShapeError(Exception):
    """A table module produced a row whose keys are not the table's declared columns."""


def to_table(name: str, rows: Sequence[Row]) -> pa.Table:
    """Rows -> Arrow table with the declared schema, sorted by the declared key so that
    the same input always gives the same bytes. A key that is not a declared column, or a
    declared column missing from a row, is an error: from_pylist would turn it into a null."""
    t = schema.load().tables[name]
    declared = set(t.column_names)
    for r in rows:
        if r.keys() != declared:
            ident = ", ".join(f"{k}={r.get(k)!r}" for k in t.key)
            unknown, missing = sorted(r.keys() - declared), sorted(declared - r.keys())
            what = ([f"unknown key(s) {', '.join(unknown)}"] if unknown else []) + \
                   ([f"missing key(s) {', '.join(missing)}"] if missing else [])
            raise RowShapeError(f"table {name}, row {ident}: {'; '.join(what)}")
    ordered = [r if type(r) is dict else dict(r) for r in in_key_order(name, rows)]
    declared_schema = arrow_schema(name)
    ordered = _instants(ordered, declared_schema)
    try:
        tbl = pa.Table.from_pylist(ordered, schema=declared_schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as e:  # which column, in the schema's own file
        bad = next((f for f in declared_schema if not _converts([r[f.name] for r in ordered], f.type)), None)
        raise _schema_error(name, bad.name if bad else None, f"the rows do not fit the declared types: {e}") from None
    for f in declared_schema:
        # from_pylist truncates a float into an integer column (32.5 -> 32) and rounds into float32 without a word
        if pa.types.is_integer(f.type) or pa.types.is_decimal(f.type) or f.type in (pa.float32(), pa.float16()):
            for r, stored in zip(ordered, tbl.column(f.name).to_pylist()):
                if r[f.name] is not None and stored != r[f.name]:
                    ident = ", ".join(f"{k}={r.get(k)!r}" for k in t.key)
                    raise _schema_error(name, f.name, f"declared {f.type}, which would store {r[f.name]!r} as "
                                                      f"{stored!r} (row {ident}): a type that loses information")
    return tbl


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_PER_US = {"s": 1_000_000, "ms": 1_000, "us": 1}  # microseconds per unit (a datetime holds no finer)


def _instants(rows: list[dict], declared: pa.Schema) -> list[dict]:
    """Aware datetimes in a timestamp column as integers in the column's unit since the epoch: once pandera
    has imported pyspark, PYARROW_IGNORE_TIMEZONE is set and from_pylist would store an aware datetime's wall
    clock as UTC (a +08:00 page date 8 hours off). An integer means one instant whatever the environment."""
    cols = [f for f in declared if pa.types.is_timestamp(f.type)]
    if not cols:
        return rows
    out = []
    for r in rows:
        fixed = {f.name: _since_epoch(r[f.name], f.type.unit) for f in cols
                 if isinstance(r[f.name], dt.datetime) and r[f.name].tzinfo is not None}
        out.append({**r, **fixed} if fixed else r)
    return out


def _since_epoch(when: dt.datetime, unit: str) -> int:
    us = (when - _EPOCH) // dt.timedelta(microseconds=1)
    return us * 1000 if unit == "ns" else us // _PER_US[unit]


def _converts(values: list, typ: pa.DataType) -> bool:
    try:
        pa.array(values, type=typ)
        return True
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return False


def _schema_error(table: str, column: str | None, reason: str) -> InputError:
    """An InputError at the column's line in schema/tables.yaml (the one place types are declared)."""
    path = Path(schema.__file__).with_name("tables.yaml")
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next((i for i, ln in enumerate(lines, 1) if ln.strip() == f"{table}:"), 1)
    if column:
        at = next((i for i, ln in enumerate(lines[at:], at + 1) if f"name: {column}," in ln or ln.strip() == f"- name: {column}"), at)
    return InputError(path, at, f"{table}.{column or '(columns)'}: {reason}")


def in_key_order(name: str, rows: Sequence[Row]) -> list[Row]:
    key = schema.load().tables[name].key
    return sorted(rows, key=lambda r: tuple(r[k] for k in key))


def build_tables(seeds_dir: Path = paths.SEEDS, workers: int = 1,
                 timings: dict[str, float] | None = None, engine: str = "embedded",
                 master: str | None = None) -> tuple[dict[str, pa.Table], list[dict[str, Any]]]:
    """All tables, and the completeness report per document (for the manifest); `workers`
    processes share the per-document stages (the tables are the same for any number), or with
    engine="spark" Spark jobs on `master` (default local[*]) run them, with the same tables.
    timings, if given, receives the seconds each table took (scripts/bench.py)."""
    refuse_outside_root(seeds_dir)
    mods = modules()
    deps = dependencies(mods)
    inputs = Inputs(seeds_dir, workers, engine, master)
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
            rows = mods[name].build(stage)
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
