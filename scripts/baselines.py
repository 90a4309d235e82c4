"""Baselines for the three benchmark tasks, run on the release's task tables
(text, dates and, for verification, the figures of the candidate evidence pool),
never on the annotations. `python -m scripts.baselines [--release DIR] [--out DIR]`
writes their predictions as JSONL and prints the scores."""
from __future__ import annotations

import sys
from pathlib import Path

from scripts import cli, paths
from scripts.benchmark.rule_baselines import (  # noqa: F401 - the baselines' API, importable from their command's module
    BASELINES,
    extraction_baseline,
    noise_baseline,
    run_all,
    table,
    verification_empty_pool,
    verification_majority,
    verification_rule,
)
from scripts.benchmark.scoring import SPLITS, gold_missing


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="baselines", description=__doc__)
    ap.add_argument("--release", default=None,
                    help="a release folder, or a version (0.9.0 or v0.9.0) under dataset/; default: the current version's")
    ap.add_argument("--out", type=Path, default=paths.BUILD / "baselines")
    ap.add_argument("--split", default=None, choices=SPLITS, help="test (default), train or validation")
    ap.add_argument("--learned", action="store_true", help="train the learned baselines (3 seeds), write "
                    "scripts/benchmark/learned_scores.json, which the card reads, and print the transfer table "
                    "(about 3 minutes on 2 cores, so not part of the build)")
    args = ap.parse_args(argv)
    release = paths.current_release(args.release)
    if why := paths.no_release(release) or next(filter(None, (gold_missing(t, release, args.split) for t in BASELINES)), None):
        return cli.refuse("baselines", f"--release: {why}")
    if args.out.exists() and not args.out.is_dir():
        return cli.refuse("baselines", f"--out {args.out} is a file, not a folder: give a folder for the predictions")
    if args.learned:
        from scripts.benchmark import learned
        print(learned.transfer(learned.run(release)))
        return 0
    print(table(run_all(release, args.out, args.split)))
    print(f"predictions in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
