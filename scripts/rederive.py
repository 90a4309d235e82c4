"""Re-derivation: a release proves what its derived columns mean.

Every column the build derives is recomputed from what the release itself stores
(plus schema/ and the rules in code) and compared with what is stored: values from
`value_surface` by the build's own parser, periods from `period_surface` and the
document's `reference_date`, relations, reconciled readings and verdicts by the
build's own rule code, every benchmark table by the build's task code, every count,
every id inside a list or struct column, every key, and each document's hash
against the seed hash recorded in manifest.json. The build's functions are called
on the release's rows (never re-implemented here), so a change of a build rule is
followed automatically; rebuilt rows are compared with stored rows column by
column, whatever the columns are. Only dataset/ is needed: nothing reads seeds/.

Each finding names table, key and column and says what was expected and what was
found. Used by `python -m scripts.validate`."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

import schema
from scripts.gc_policy import settle, settled_objects
from scripts.normalize.values import SCALE_WORDS
from scripts.pipeline import to_table
from scripts.tables import modules
from scripts.tables.proof import MISSING, Findings, Problem, ReleaseRows
from scripts.tables.proof import show_key as _show_key

_MISSING = MISSING
# words a period or event date may borrow from elsewhere in its text (`去年` for a bare `二季度`)
_CONTEXT_WORDS = ("今年", "去年", "前年", "明年", "后年", "同年")
_SCALES = SCALE_WORDS  # the scale words an annotation may imply (ClaimAnn.implied_scale)

Rows = list[dict[str, Any]]


# --- comparing rows -------------------------------------------------------------

def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def first_difference(expected: Any, found: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """Where two values first differ: (path inside the value, expected part, found part)."""
    if _same(expected, found):
        return None
    if isinstance(expected, list) and isinstance(found, list):
        for i, (x, y) in enumerate(zip(expected, found)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return (f"{path} length", len(expected), len(found))
    if isinstance(expected, dict) and isinstance(found, dict):
        for k in list(expected) + [k for k in found if k not in expected]:
            d = first_difference(expected.get(k, _MISSING), found.get(k, _MISSING), f"{path}.{k}")
            if d:
                return d
    return (path, expected, found)


def compare_rows(f: Findings, table: str, key: list[str], stored: Rows, rebuilt: Rows, check: str) -> None:
    """Rebuilt rows against stored rows: rows missing on either side, then every column
    (the union of both sides' columns) of every row present on both."""
    # The common case first, in C: rows equal by == are equal by _same too, as both sides hold the values of
    # one declared Arrow type per column (NaN is the exception, and fails == into the comparison below).
    if stored == rebuilt:
        return

    def k(r: dict) -> Any:
        return r[key[0]] if len(key) == 1 else tuple(r[c] for c in key)
    got = {k(r): r for r in reversed(stored)}  # the first of duplicates; duplicates are a key finding
    want = {k(r): r for r in reversed(rebuilt)}
    for key_ in sorted(want.keys() - got.keys(), key=str):
        f.add(table, key_, "(row)", f"{check}: a row the rules derive is missing")
    for key_ in sorted(got.keys() - want.keys(), key=str):
        f.add(table, key_, "(row)", f"{check}: a row the rules do not derive")
    for key_ in sorted(want.keys() & got.keys(), key=str):
        w, g = want[key_], got[key_]
        for col in list(w) + [c for c in g if c not in w]:
            d = first_difference(w.get(col, _MISSING), g.get(col, _MISSING))
            if d:
                path, exp, fnd = d
                f.add(table, key_ if not path else f"{_show_key(key_)} {col}{path}", col, check, exp, fnd)


def _arrow_rows(name: str, rows: Rows) -> Rows:
    """Rows as the build would write them (declared schema, key order), read back."""
    return to_table(name, rows).to_pylist()


# --- form rules that single-table schemas cannot state ---------------------------

def key_problems(f: Findings, tables: Mapping[str, pa.Table]) -> None:
    """Keys that repeat, counted by Arrow (no table is turned into rows for this)."""
    for name, spec in schema.load().tables.items():
        if name not in tables:
            continue
        counts = tables[name].select(spec.key).group_by(spec.key).aggregate([([], "count_all")])
        repeated = counts.filter(pc.greater(counts["count_all"], 1)).to_pylist()
        for key_, n in sorted(((tuple(r[c] for c in spec.key), r["count_all"]) for r in repeated), key=str):
            f.add(name, key_ if len(key_) > 1 else key_[0], "+".join(spec.key), f"key unique ({n} rows share it)")


def struct_reference_problems(f: Findings, tables: Mapping[str, Rows], arrow: Mapping[str, pa.Table]) -> None:
    """Every id inside a list-of-struct or struct column against the table it names. The ids are gathered by
    Arrow; rows are read only when one is not found, to name them."""
    sch = schema.load()
    for name, spec in sch.tables.items():
        if name not in tables:
            continue
        for col in spec.columns:
            is_list = col.type.startswith("list<")
            struct = col.type[5:-1] if is_list else col.type
            if struct not in sch.structs:
                continue
            values = arrow[name].column(col.name).combine_chunks()
            items = pc.list_flatten(values) if is_list else values
            for field in sch.structs[struct]:
                if not field.references:
                    continue
                ref_table, ref_col = field.references.split(".")
                allowed = set(arrow[ref_table].column(ref_col).to_pylist()) if ref_table in arrow else set()
                if set(pc.unique(pc.struct_field(items, field.name)).to_pylist()) <= allowed | {None}:
                    continue
                for r in tables[name]:
                    row_items = r[col.name] if is_list else [r[col.name]]
                    for i, item in enumerate(row_items or []):
                        if item and item[field.name] is not None and item[field.name] not in allowed:
                            f.add(name, f"{_row_key(name, r)} {col.name}[{i}]", f"{col.name}.{field.name}",
                                  f"references {field.references}", f"an existing {ref_col}", item[field.name])


def _row_key(name: str, r: dict) -> str:
    return _show_key(tuple(r[c] for c in schema.load().tables[name].key))


# --- base tables ------------------------------------------------------------------

# --- derived tables ----------------------------------------------------------------

# --- entry point -------------------------------------------------------------------

def _checks(t: Mapping[str, Rows], arrow: Mapping[str, pa.Table],
            manifest: dict | None) -> list[tuple[tuple[str, ...], Callable[[Findings], None]]]:
    return [
        *[(tuple(needs), lambda f, check=check: check(t, manifest, f)) for m in modules().values()
          for needs, check in getattr(m, "PROOFS", ((getattr(m, "PROVES", ()), m.prove),) if hasattr(m, "prove") else ())],
    ]


def problems(tables: dict[str, pa.Table], manifest: dict | None, untrusted: Iterable[str] = ()) -> list[Problem]:
    """Findings of re-derivation. `untrusted`: tables whose form is already wrong (Arrow schema,
    nulls, types); checks that need them are skipped, as their rows cannot be read as declared."""
    skip = set(untrusted)
    arrow = {name: tbl for name, tbl in tables.items() if name not in skip}
    t = ReleaseRows(arrow)
    f = Findings()
    key_problems(f, arrow)
    struct_reference_problems(f, t, arrow)
    with settled_objects():
        for needs, check in _checks(t, arrow, manifest):
            if all(n in t for n in needs):
                try:
                    check(f)
                except Exception as e:  # a row the rules cannot even read is a finding, not a crash
                    f.add(needs[-1], "(table)", "(rederive)", f"cannot re-derive: {type(e).__name__}: {e}")
                settle()  # the rows read so far are walked by no later collection (scripts/gc_policy.py)
    return f.problems()
