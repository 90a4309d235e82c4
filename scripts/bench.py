"""Wall time and peak RSS, stage by stage.

`python -m scripts.bench [--runs N]`: build, validate, load_dataset and a DuckDB scan of this
repository's release, each in a fresh Python process (so imports count, as they do for a user).

`python -m scripts.bench --docs 1000,10000 [--runs N] [--workers N] [--engine spark]`: the same build and
validation on corpora of N documents (`python -m scripts.generate` when it exists, else the five
seeds replicated under new ids by scripts/benchmark/replicate.py), each run a fresh process timed
from after its imports: per stage and in total, wall time (median of the runs), documents per
second per core, peak RSS (the main process; the largest worker beside it) and the growth factor
per 10x documents. Prints a Markdown table. With `--engine spark` the per-document stages are Spark jobs
(local[*]) and the validation adds the pandera pyspark.sql checks; Spark's JVM counts as a worker."""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from scripts import parallel, paths
from scripts.benchmark.replicate import replicate

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

# one whole build of a corpus, then its validation, each timed after the imports
BUILD_PROBE = """
import json, resource, time
from pathlib import Path
from scripts.build import build
root = Path({root!r})
t0 = time.perf_counter()
s = build(root=root, quiet=True, workers={workers}, docs={docs}, engine={engine!r})
wall = time.perf_counter() - t0
if {engine!r} == "spark":  # the JVM (and its Python workers) exit here, so that their peak RSS is counted
    from scripts import spark
    spark.stop()
print(json.dumps({{"total": wall, "stages": s["stages"], "tables": s["tables"],
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""

VALIDATE_PROBE = """
import json, resource, time, os
os.environ.setdefault('GX_ANALYTICS_ENABLED', 'False')
from pathlib import Path
from scripts import paths
from scripts.release import expectations
from scripts.validate import check_form, check_meaning
release = paths.release_dir(paths.version(Path({root!r})), Path({root!r}) / "dataset")
t = {{}}
t0 = time.perf_counter()
tables, problems = check_form(release, {engine!r})
t["validate: form (pandera, cross-table)"] = time.perf_counter() - t0
t0 = time.perf_counter()
problems += check_meaning(release, tables, problems)
t["validate: meaning (re-derivation)"] = time.perf_counter() - t0
t0 = time.perf_counter()
problems += expectations.run(release, None, tables)
t["validate: Great Expectations"] = time.perf_counter() - t0
assert not problems, problems[:5]
if {engine!r} == "spark":
    from scripts import spark
    spark.stop()
print(json.dumps({{"total": sum(t.values()), "stages": t, "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""


def python(code: str, **kw) -> subprocess.CompletedProcess:
    """`python FILE` with the code in FILE, not `python -c`: with pyspark installed, Great Expectations and pandera
    import pyspark.sql.connect, which ends a process whose __main__ has no file (it takes it for a doctest run)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "probe.py"
        script.write_text(code, encoding="utf-8")
        return subprocess.run([sys.executable, str(script)], cwd=paths.ROOT, capture_output=True, text=True, **kw)


def run(code: str, cache: str) -> dict:
    out = python(PROBE.format(code=code, cache=cache), check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def probe(code: str) -> dict:
    env = dict(os.environ, TQDM_DISABLE="1", GX_ANALYTICS_ENABLED="False")
    out = python(code, env=env)
    if out.returncode or not out.stdout.strip():
        raise SystemExit(f"bench: a probe failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def corpus(docs: int, out: Path) -> Path:
    """A project-shaped folder of `docs` documents: the generator's when there is one, else replicated seeds."""
    if importlib.util.find_spec("scripts.generate") is not None:
        subprocess.run([sys.executable, "-m", "scripts.generate", "--docs", str(docs), "--seed", "0", "--out", str(out)],
                       cwd=paths.ROOT, check=True, capture_output=True)
    else:
        replicate(out, docs)
    return out


def measure(docs: int, runs: int, workers: int, where: Path, with_docs: bool, engine: str = "embedded") -> dict[str, dict]:
    """stage -> {wall: median seconds, rss: peak MiB, worker_rss}, for builds and validations of one corpus."""
    root = corpus(docs, where / f"docs-{docs}")
    builds = [probe(BUILD_PROBE.format(root=str(root), workers=workers, docs=with_docs, engine=engine)) for _ in range(runs)]
    checks = [probe(VALIDATE_PROBE.format(root=str(root), engine=engine)) for _ in range(runs)]
    out: dict[str, dict] = {}
    for label, results in (("build", builds), ("validate", checks)):
        names = list(results[0]["stages"]) + ([f"  table {t}" for t in results[0]["tables"]] if "tables" in results[0] else [])
        for name in names:
            key, sub = ("tables", name.removeprefix("  table ")) if name.startswith("  table ") else ("stages", name)
            out[name] = {"wall": statistics.median(r[key][sub] for r in results)}
        out[f"**{label} total**"] = {"wall": statistics.median(r["total"] for r in results),
                                    "rss": max(r["rss_mib"] for r in results),
                                    "worker_rss": max((r.get("worker_rss_mib", 0) for r in results), default=0)}
    return out


def scale_table(sizes: list[int], runs: int, workers: int, where: Path, with_docs: bool = True, engine: str = "embedded") -> str:
    """The Markdown table, printed row by row as each corpus is measured (a 10,000-document run is long)."""
    cores = min(workers, parallel.default_workers())
    lines = [f"| docs | stage ({engine} engine) | wall s (median of {runs}) | docs/s per core | peak RSS MiB (main / worker) | growth per 10x docs |",
             "|---:|---|---:|---:|---:|---:|"]
    print("\n".join(lines), flush=True)
    results: dict[int, dict[str, dict]] = {}
    for n in sizes:
        results[n] = measure(n, runs, workers, where, with_docs, engine)
        for name, m in results[n].items():
            prev = results.get(n // 10, {}).get(name) if n % 10 == 0 else None
            growth = f"{m['wall'] / prev['wall']:.1f}x" if prev and prev["wall"] > 0 else ""
            rss = f"{m['rss']:.0f} / {m['worker_rss']:.0f}" if "rss" in m else ""
            rate = f"{n / m['wall'] / cores:,.0f}" if m["wall"] > 0 else ""
            lines.append(f"| {n:,} | {name} | {m['wall']:.2f} | {rate} | {rss} | {growth} |")
            print(lines[-1], flush=True)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--docs", type=lambda s: [int(x) for x in s.split(",")], default=None,
                    help="comma-separated corpus sizes, e.g. 1000,10000")
    ap.add_argument("--workers", type=int, default=parallel.default_workers(), help="build processes (default: one per core)")
    ap.add_argument("--keep", type=Path, default=None, help="write the corpora here (default: a temporary folder)")
    ap.add_argument("--no-docs", action="store_true", help="build without the figure, card, Croissant, views and datasheet")
    ap.add_argument("--engine", choices=parallel.ENGINES, default="embedded",
                    help="with --docs: what runs the per-document stages and adds to validation (spark: local[*])")
    args = ap.parse_args(argv)
    if args.engine != "embedded" and not args.docs:
        ap.error("--engine needs --docs")
    if args.docs:
        with tempfile.TemporaryDirectory() as tmp:
            scale_table(args.docs, args.runs, args.workers, args.keep or Path(tmp), not args.no_docs, args.engine)
        return 0
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
