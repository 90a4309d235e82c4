"""Great Expectations suites derived from tables.yaml, in memory at validation time
(`python -m schema.gx_suites [OUT_DIR]` writes them as JSON for inspection, by default
into build/gx/expectations/). No GX import here: a suite is plain JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from schema import HERE, load

OUT = HERE.parent / "build" / "gx" / "expectations"
_NUMERIC = {"int64", "float64"}


def suite(table: str) -> dict:
    sch = load()
    t = sch.tables[table]
    ex = [{"type": "expect_table_columns_to_match_ordered_list", "kwargs": {"column_list": t.column_names}}]
    if len(t.key) > 1:
        ex.append({"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": t.key}})
    for c in t.columns:
        kw = {"column": c.name}
        if not c.nullable:
            ex.append({"type": "expect_column_values_to_not_be_null", "kwargs": dict(kw)})
        if c.unique:
            ex.append({"type": "expect_column_values_to_be_unique", "kwargs": dict(kw)})
        if c.vocab and not c.type.startswith("list<"):
            ex.append({"type": "expect_column_values_to_be_in_set", "kwargs": dict(kw, value_set=sch.terms(c.vocab))})
        if c.pattern:
            ex.append({"type": "expect_column_values_to_match_regex", "kwargs": dict(kw, regex=c.pattern)})
        if c.type in _NUMERIC and (c.min is not None or c.max is not None):
            ex.append({"type": "expect_column_values_to_be_between",
                       "kwargs": dict(kw, min_value=c.min, max_value=c.max)})
    return {"name": table, "expectations": ex, "meta": {"generated_from": "schema/tables.yaml",
                                                         "schema_version": sch.schema_version}}


def render(table: str) -> str:
    return json.dumps(suite(table), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name in load().tables:
        (out / f"{name}.json").write_text(render(name), encoding="utf-8")
    print(f"wrote {len(load().tables)} suites to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
