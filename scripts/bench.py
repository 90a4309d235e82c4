"""Wall time and peak RSS of each stage: `python -m scripts.bench [--runs N]`.

Each stage runs in a fresh Python process (so imports count, as they do for a
user) that reports its own wall time and peak resident memory."""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile

from scripts import paths

STAGES = {
    "build": "from scripts.build import build; build(quiet=True)",
    "validate": "from scripts.validate import validate; from scripts import paths; "
                "assert not validate(paths.release_dir(paths.version()))",
    "load_dataset (all configs)": "import datasets, schema; "
                                  "[datasets.load_dataset('dataset', n, split=schema.load().tables[n].split, cache_dir=CACHE)"
                                  " for n in schema.table_names()]",
    "duckdb scan": "import duckdb; from scripts import paths; v = paths.version(); "
                   "duckdb.sql(f\"SELECT count(*), sum(value) FROM 'dataset/v{v}/claims.parquet'\").fetchall(); "
                   "duckdb.sql(f\"SELECT count(*) FROM (SELECT unnest(evidence) FROM 'dataset/v{v}/events.parquet')\").fetchall()",
}

PROBE = """
import json, resource, time, os
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('HF_DATASETS_OFFLINE', '1')
CACHE = {cache!r}
t0 = time.perf_counter()
{code}
print(json.dumps({{"wall": time.perf_counter() - t0, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run(code: str, cache: str) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE.format(code=code, cache=cache)], cwd=paths.ROOT,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    print(f"{'stage':<28} {'wall s (median of ' + str(args.runs) + ')':>24} {'peak RSS MiB':>14}")
    with tempfile.TemporaryDirectory() as cache:
        for name, code in STAGES.items():
            runs = [run(code, cache) for _ in range(args.runs)]
            wall = statistics.median(r["wall"] for r in runs)
            rss = max(r["rss_mib"] for r in runs)
            print(f"{name:<28} {wall:>24.2f} {rss:>14.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
