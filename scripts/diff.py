"""What changed between two releases: `python -m scripts.diff OLD NEW`.

OLD and NEW are release folders (dataset/v0.2.0) or versions (0.2.0). Per table:
rows added, removed and changed (matched by the table's key), with the columns
that changed."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow.parquet as pq

import schema
from scripts import paths


def _release(arg: str) -> Path:
    p = Path(arg)
    if p.is_dir():
        return p
    return paths.release_dir(arg.removeprefix("v"))


def diff(old: Path, new: Path) -> dict:
    out = {}
    for name in schema.table_names():
        key = schema.load().tables[name].key
        a = {tuple(r[k] for k in key): r for r in pq.read_table(old / f"{name}.parquet").to_pylist()} \
            if (old / f"{name}.parquet").exists() else {}
        b = {tuple(r[k] for k in key): r for r in pq.read_table(new / f"{name}.parquet").to_pylist()} \
            if (new / f"{name}.parquet").exists() else {}
        cols_a = set(next(iter(a.values()), {})) if a else set()
        cols_b = set(next(iter(b.values()), {})) if b else set()
        common = cols_a & cols_b
        changed = {}
        for k in sorted(set(a) & set(b)):
            cols = sorted(c for c in common if a[k].get(c) != b[k].get(c))
            if cols:
                changed["/".join(map(str, k))] = cols
        out[name] = {"added": sorted("/".join(map(str, k)) for k in set(b) - set(a)),
                     "removed": sorted("/".join(map(str, k)) for k in set(a) - set(b)),
                     "changed": changed,
                     "columns_added": sorted(cols_b - cols_a) if a else [],
                     "columns_removed": sorted(cols_a - cols_b) if b else [],
                     "new_table": not a and bool(b)}
    return out


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
        for k, cols in list(t["changed"].items())[:limit]:
            lines.append(f"    ~ {k}: {', '.join(cols)}")
        for k in t["added"][:limit] if not t["new_table"] else []:
            lines.append(f"    + {k}")
        for k in t["removed"][:limit]:
            lines.append(f"    - {k}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("old")
    ap.add_argument("new")
    args = ap.parse_args(argv)
    old, new = _release(args.old), _release(args.new)
    for p in (old, new):
        if not p.is_dir():
            print(f"diff: no release at {p}", file=sys.stderr)
            return 2
    print(report(diff(old, new), old, new))
    return 0


if __name__ == "__main__":
    sys.exit(main())
