"""Score predictions on a benchmark task:
`python -m scripts.evaluate --task {extraction,verification,noise_detection} --predictions FILE.jsonl [--release DIR]`.

Prints one JSON object of metrics and exits 0; a prediction file the scorer refuses exits 2
naming the line. Importable: `evaluate(task, predictions, release)`.

Every headline metric comes with its 95% bootstrap interval (`ci95`: documents resampled for the span
tasks, claims for verification; fixed seed). Classification metrics are counted as scikit-learn counts them
(label_scores, tested against it); span matching (exact, partial, typed; one to one) is scripts/benchmark/metrics.py."""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from scripts import cli, paths
from scripts.benchmark import submission
from scripts.benchmark.scoring import (  # noqa: F401 - the scorer's API, importable from its command's module
    SPLITS,
    TASKS,
    PredictionError,
    PredictionWarning,
    evaluate,
    gold_missing,
    label_scores,
    read_predictions,
    score,
    score_noise,
)


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="evaluate", description=__doc__, epilog="Submission format\n\n" + submission.text(),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--task", required=True, choices=TASKS)
    ap.add_argument("--predictions", required=True, type=Path)
    ap.add_argument("--release", default=None,
                    help="a release folder, or a version (0.9.0 or v0.9.0) under dataset/; default: the current version's")
    ap.add_argument("--split", default=None, choices=SPLITS, help="the split the predictions are for: test (default), train or validation")
    args = ap.parse_args(argv)
    if not args.predictions.is_file():
        what = "a folder" if args.predictions.is_dir() else "no such file"
        return cli.refuse("evaluate", f"--predictions {args.predictions}: {what}; give a JSON Lines file (see --help)")
    release = paths.current_release(args.release)
    if why := paths.no_release(release) or gold_missing(args.task, release, args.split):
        return cli.refuse("evaluate", f"--release: {why}")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PredictionWarning)
            metrics = evaluate(args.task, args.predictions, release, args.split)
    except PredictionError as e:
        return cli.refuse("evaluate", str(e))
    for w in caught:  # ours as one line each; any other warning as Python shows it
        if issubclass(w.category, PredictionWarning):
            print(f"evaluate: warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    print(json.dumps(metrics, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
