"""What changed between two releases: `python -m scripts.diff OLD NEW [--limit N] [--json]`.

OLD and NEW are release folders (dataset/v0.2.0) or versions (0.2.0). Per table:
rows added, removed and changed (matched by the table's key), with each changed
cell's old and new value. The text report shows --limit rows of each kind per
table and says how many more there are; --json prints everything."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import schema
from scripts import cli, paths


def diff(old: Path, new: Path) -> dict:
    """table -> what changed; the generated splits' tables as "<table> (<split>)", after the tables."""
    out = {name: _table(name, old / f"{name}.parquet", new / f"{name}.parquet") for name in schema.table_names()}
    for split, names in schema.generated_splits().items():
        for name in names:
            file = schema.load().tables[name].file(split)
            if (old / file).exists() or (new / file).exists():
                out[f"{name} ({split})"] = _table(name, old / file, new / file)
    return out


def _table(name: str, old: Path, new: Path) -> dict:
    import pyarrow.parquet as pq  # after argument parsing: --help answers at once

    key = schema.load().tables[name].key
    a = {tuple(r[k] for k in key): r for r in pq.read_table(old).to_pylist()} if old.exists() else {}
    b = {tuple(r[k] for k in key): r for r in pq.read_table(new).to_pylist()} if new.exists() else {}
    cols_a = set(next(iter(a.values()), {})) if a else set()
    cols_b = set(next(iter(b.values()), {})) if b else set()
    common = cols_a & cols_b
    changed = {}
    for k in sorted(set(a) & set(b)):
        cells = {c: [a[k].get(c), b[k].get(c)] for c in sorted(common) if a[k].get(c) != b[k].get(c)}
        if cells:
            changed["/".join(map(str, k))] = cells
    return {"added": sorted("/".join(map(str, k)) for k in set(b) - set(a)),
            "removed": sorted("/".join(map(str, k)) for k in set(a) - set(b)),
            "changed": changed,
            "columns_added": sorted(cols_b - cols_a) if a else [],
            "columns_removed": sorted(cols_a - cols_b) if b else [],
            "new_table": not a and bool(b)}


def _short(v: object, width: int = 80) -> str:
    s = json.dumps(v, ensure_ascii=False, default=str)
    return s if len(s) <= width else s[:width - 1] + "…"


def _cell(col: str, was: object, now: object) -> str:
    """One changed cell, old → new; in a list (of structs), the first item that differs and only its changed fields."""
    if isinstance(was, list) and isinstance(now, list) and len(was) == len(now):
        idx = [i for i, (x, y) in enumerate(zip(was, now)) if x != y]
        x, y = was[idx[0]], now[idx[0]]
        if isinstance(x, dict) and isinstance(y, dict):
            keys = [k for k in dict.fromkeys([*x, *y]) if k not in x or k not in y or x[k] != y[k]]
            x, y = {k: x[k] for k in keys if k in x}, {k: y[k] for k in keys if k in y}
        more = f" (and {len(idx) - 1} more items)" if len(idx) > 1 else ""
        return f"{col}[{idx[0]}]: {_short(x)} → {_short(y)}{more}"
    return f"{col}: {_short(was)} → {_short(now)}"


def _more(lines: list[str], n: int, limit: int, what: str) -> None:
    if n > limit:
        lines.append(f"    … and {n - limit} more {what} (--limit {n} or --json to see all)")


def report(d: dict, old: Path, new: Path, limit: int = 8) -> str:
    lines = [f"{old.name} -> {new.name}"]
    for name, t in d.items():
        if not (t["added"] or t["removed"] or t["changed"] or t["columns_added"] or t["columns_removed"]):
            lines.append(f"  {name}: unchanged")
            continue
        lines.append(f"  {name}: +{len(t['added'])} added, -{len(t['removed'])} removed, ~{len(t['changed'])} changed"
                     + (" (new table)" if t["new_table"] else ""))
        if t["columns_added"] or t["columns_removed"]:
            lines.append(f"    columns: +{', +'.join(t['columns_added']) or '0'}; -{', -'.join(t['columns_removed']) or '0'}")
        for k, cells in list(t["changed"].items())[:limit]:
            for col, (was, now) in cells.items():
                lines.append(f"    ~ {k}.{_cell(col, was, now)}")
        _more(lines, len(t["changed"]), limit, "changed rows")
        if not t["new_table"]:
            for k in t["added"][:limit]:
                lines.append(f"    + {k}")
            _more(lines, len(t["added"]), limit, "added rows")
        for k in t["removed"][:limit]:
            lines.append(f"    - {k}")
        _more(lines, len(t["removed"]), limit, "removed rows")
    return "\n".join(lines)


def _count(arg: str) -> int:
    n = int(arg)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{arg} is negative: give 0 or more")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="diff", description=__doc__)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--limit", type=_count, default=8, help="rows of each kind shown per table (default 8; 0: none)")
    ap.add_argument("--json", action="store_true", help="the whole diff as JSON (old and new value of every changed cell)")
    args = ap.parse_args(argv)
    old, new = paths.current_release(args.old), paths.current_release(args.new)
    for p in (old, new):
        if why := paths.no_release(p):
            print(f"diff: {why}", file=sys.stderr)
            return 2
    d = diff(old, new)
    if args.json:
        print(json.dumps({"old": old.name, "new": new.name, "tables": d}, ensure_ascii=False, indent=1, default=str))
    else:
        print(report(d, old, new, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
