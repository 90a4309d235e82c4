"""Validate a written release: `python -m scripts.validate [RELEASE_DIR]`.

Exit 0 when clean; otherwise 1 with a short report naming table, column, check
and example rows. Defaults to the current release, dataset/v<version>/."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts import gx_report, paths


def validate(release: Path, gx: bool = True, docs_dir: Path | None = None) -> list:
    import pyarrow.parquet as pq

    from scripts.checks import Problem, check_tables, manifest_problems

    if not release.is_dir():
        return [Problem("release", "(dir)", f"{release} is not a directory")]
    problems = manifest_problems(release)
    tables = {}
    import schema
    for p in sorted(release.glob("*.parquet")):
        if p.stem not in schema.load().tables:
            problems.append(Problem(p.stem, "(file)", f"{p.name} is not a declared table"))
            continue
        try:
            tables[p.stem] = pq.read_table(p)
        except Exception as e:  # a truncated or foreign file is a finding, not a crash
            problems.append(Problem(p.stem, "(file)", f"unreadable Parquet: {e}"))
    problems += check_tables(tables)
    if gx:
        from scripts import gx_check
        problems += gx_check.run(release, docs_dir)
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("release", nargs="?", type=Path, default=None)
    ap.add_argument("--docs", nargs="?", type=Path, const=paths.BUILD / "gx", default=None, metavar="DIR",
                    help="also write a self-contained HTML report of the Great Expectations results to DIR/index.html "
                         "(default build/gx/; replaced on every run)")
    ap.add_argument("--no-gx", action="store_true", help="pandera and cross-table checks only (fast)")
    args = ap.parse_args(argv)
    release = args.release or paths.release_dir(paths.version())
    docs_dir = args.docs.resolve() if args.docs else None
    why = gx_report.refusal(docs_dir) if docs_dir else None
    if why:
        print(f"validate: --docs: {why}", file=sys.stderr)
        return 2
    problems = validate(release, gx=not args.no_gx, docs_dir=docs_dir)
    if docs_dir and not args.no_gx:
        print(f"Great Expectations report: {docs_dir / 'index.html'}")
    if problems:
        print(f"{release}: {len(problems)} problem(s)")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"{release}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
