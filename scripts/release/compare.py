"""The first cell in which a released table differs from the same table made again from its inputs,
named by table, row key and column: what `validate --rebuild` and the metadata checks of source/ report."""
from __future__ import annotations

import math
from typing import Any

import pyarrow as pa

import schema
from scripts.release.conformance import Problem


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def _ident(key: list[str], row: dict) -> str:
    return ", ".join(f"{k}={row[k]!r}" for k in key)


def first_difference(name: str, want: pa.Table, got: pa.Table, check: str, want_label: str = "rebuilt") -> Problem | None:
    """None when every cell of `got` (the release) equals `want` (made from the inputs); else one Problem naming
    the first row (in the declared key order both are written in) and, in it, the first column that differs."""
    if want.schema.remove_metadata() != got.schema.remove_metadata():
        diffs = [f"{f.name}: release {got.field(f.name).type if f.name in got.column_names else 'missing'}, "
                 f"{want_label} {f.type}" for f in want.schema if f.name not in got.column_names or got.field(f.name).type != f.type]
        return Problem(name, "(schema)", check, diffs or ["column order or nullability"])
    key = [k for k in schema.load().tables[name].key if k in want.column_names]
    differing = [c for c in want.column_names if not want.column(c).equals(got.column(c))]
    if not differing and want.num_rows == got.num_rows:
        return None
    cols = list(dict.fromkeys(key + differing))
    w, g = want.select(cols).to_pylist(), got.select(cols).to_pylist()
    for i in range(max(len(w), len(g))):
        if i >= len(g):
            return Problem(name, "(rows)", check, [f"row {_ident(key, w[i])}: in the {want_label} table, not in the release"])
        if i >= len(w):
            return Problem(name, "(rows)", check, [f"row {_ident(key, g[i])}: in the release, not in the {want_label} table"])
        a, b = w[i], g[i]
        if any(not _same(a[k], b[k]) for k in key):
            return Problem(name, "(rows)", check, [f"row {i}: release has {_ident(key, b)}, {want_label} has {_ident(key, a)} "
                                                   "(a row added, removed or moved)"])
        for c in differing:
            if not _same(a[c], b[c]):
                return Problem(name, c, check, [f"row {_ident(key, b)}: release {b[c]!r}, {want_label} {a[c]!r}"])
    return None  # the columns differ only in chunking or NaN payloads: the cells are equal
