"""Validate a written release: `python -m scripts.validate [RELEASE_DIR]`.

Exit 0 when clean; otherwise 1 with a short report naming table, column, check
and example rows. Defaults to the current release, dataset/v<version>/."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scripts import paths


def validate(release: Path) -> list:
    import pyarrow.parquet as pq

    from scripts.checks import Problem, check_tables, manifest_problems

    if not release.is_dir():
        return [Problem("release", "(dir)", f"{release} is not a directory")]
    problems = manifest_problems(release)
    tables = {}
    for p in sorted(release.glob("*.parquet")):
        try:
            tables[p.stem] = pq.read_table(p)
        except Exception as e:  # a truncated or foreign file is a finding, not a crash
            problems.append(Problem(p.stem, "(file)", f"unreadable Parquet: {e}"))
    return problems + check_tables(tables)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("release", nargs="?", type=Path, default=None)
    args = ap.parse_args(argv)
    release = args.release or paths.release_dir(paths.version())
    problems = validate(release)
    if problems:
        print(f"{release}: {len(problems)} problem(s)")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"{release}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
