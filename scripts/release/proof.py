"""A release proves what its derived columns mean: every table module's proof, run on the release's rows.

Each table module (scripts/tables/) re-derives the columns it builds from what the release itself stores (plus
schema/ and the rules in code), by the same functions its build uses, and compares them with what is stored
(its `PROOFS`, scripts/tables/proof.py); this module adds what no single table states (keys that repeat, ids
inside struct columns) and runs every check whose tables are present and of sound form, so a table whose form
is already wrong yields no finding in another. Only dataset/ is needed: nothing reads seeds/.

Each finding names table, key and column and says what was expected and what was found. Used by
`python -m scripts.validate`, by the build before it writes a release, and for each generated split."""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc

import schema
from scripts.gc_policy import settle, settled_objects
from scripts.tables import modules
from scripts.tables.proof import Findings, Problem, ReleaseRows, Rows, show_key

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
    return show_key(tuple(r[c] for c in schema.load().tables[name].key))


def problems(tables: dict[str, pa.Table], manifest: dict | None, untrusted: Iterable[str] = (),
             skip: Collection[Callable] = ()) -> list[Problem]:
    """Findings of every table's proof. `untrusted`: tables whose form is already wrong (Arrow schema,
    nulls, types); checks that need them are skipped, as their rows cannot be read as declared. `skip`: checks
    not to run (on one part of a corpus, those that compare its documents with the others')."""
    distrusted = set(untrusted)
    arrow = {name: tbl for name, tbl in tables.items() if name not in distrusted}
    t = ReleaseRows(arrow)
    f = Findings()
    key_problems(f, arrow)
    struct_reference_problems(f, t, arrow)
    checks = [(needs, check) for m in modules().values() for needs, check in m.PROOFS
              if all(n in t for n in needs) and check not in skip]
    # a table's rows go after the last check that declares it (as the build lets a table's rows go after its last
    # reader): the largest, mentions, is read by the first checks only; a check reading one undeclared converts it again
    last = {n: i for i, (needs, _) in enumerate(checks) for n in needs}
    with settled_objects():
        for i, (needs, check) in enumerate(checks):
            try:
                check(t, manifest, f)
            except Exception as e:  # a row the rules cannot even read is a finding, not a crash
                f.add(needs[-1], "(table)", "(proof)", f"cannot re-derive: {type(e).__name__}: {e}")
            for done in [n for n, j in last.items() if j == i]:
                t.release(done)
            settle()  # the rows read so far are walked by no later collection (scripts/gc_policy.py)
    return f.problems()
