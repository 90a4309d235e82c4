"""Wall time and peak RSS, stage by stage.

`python -m scripts.bench [--runs N]`: build, validate, load_dataset and a DuckDB scan of this
repository's release, each in a fresh Python process (so imports count, as they do for a user).

`python -m scripts.bench --docs 1000,10000 [--runs N] [--workers N] [--engine spark]`: the same build and
validation on corpora of N documents (`python -m scripts.generate` when it exists, else the five
seeds replicated under new ids by scripts/benchmark/replicate.py), each run a fresh process timed
from after its imports: per stage and in total, wall time (median of the runs), documents per
second per core, peak RSS (the main process; the largest worker beside it) and the growth factor
per 10x documents. Prints a Markdown table. With `--engine spark` the build is Spark jobs
(local[*], a task per part of the corpus, scripts/release/spark_build.py) and the validation adds the
pandera pyspark.sql checks; Spark's JVM counts as a worker.

`python -m scripts.bench --validate [RELEASE] [--runs N]`: `python -m scripts.validate RELEASE` (default: the current
release) as a whole process, command line and imports included, beside a process that only imports Great Expectations,
run in turn after one warm-up each; per command the median wall and CPU time and the peak RSS of the N runs (default 5),
and the median of the runs' validate / import ratios (issue 25: validation within 2x of the GX import); with
`--against REV` also `validate RELEASE` by REV's code (a temporary worktree), in the same turns.

`--against REV` measures the same sizes with the code of git revision REV too (checked out in a
temporary worktree, its corpus made by its own generator, so each side reads the format it knows)
and adds the ratio REV / this tree per stage: the effect of a change is
`python -m scripts.bench --docs 1000 --this <change> --against <change>^` (`--this` defaults to the work tree)."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts import cli, parallel, paths

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
import inspect, json, resource, time
from pathlib import Path
from scripts.build import build
root = Path({root!r})
# an older revision's build may lack an option: pass those it has (bench --against)
opts = {{k: v for k, v in dict(quiet=True, workers={workers}, docs={docs}, engine={engine!r}).items()
        if k in inspect.signature(build).parameters}}
t0 = time.perf_counter()
s = build(root=root, **opts)
wall = time.perf_counter() - t0
if {engine!r} == "spark":  # the JVM (and its Python workers) exit here, so that their peak RSS is counted
    from scripts import spark
    spark.stop()
print(json.dumps({{"total": wall, "stages": s.get("stages", {{}}), "tables": s.get("tables", {{}}),
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""

VALIDATE_PROBE = """
import json, resource, time, os
os.environ.setdefault('GX_ANALYTICS_ENABLED', 'False')
from pathlib import Path
from scripts import paths
release = paths.release_dir(paths.version(Path({root!r})), Path({root!r}) / "dataset")
t = {{}}
try:
    from scripts.release import expectations
    from scripts.validate import check_form, check_meaning
except ImportError:  # an older revision (bench --against): validation as one stage
    from scripts.validate import validate
    t0 = time.perf_counter()
    problems = validate(release)
    t["validate (one stage)"] = time.perf_counter() - t0
else:
    if {engine!r} == "spark":  # form, meaning and GX as Spark jobs: one stage (scripts/release/spark_validate.py)
        from scripts.validate import check_with_spark
        t0 = time.perf_counter()
        problems = check_with_spark(release)
        t["validate: Spark jobs (form, meaning, GX)"] = time.perf_counter() - t0
    else:
        t0 = time.perf_counter()
        tables, problems = check_form(release)
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


# what every validation pays before it checks anything; a file, not `python -c`: see python() below
GX_IMPORT = "import great_expectations\n"


def whole_process(argv: list[str], cwd: Path = paths.ROOT) -> dict:
    """One run of argv as a process of its own, from the outside: wall seconds, CPU seconds (user + system) and
    peak RSS (MiB) as the kernel accounts the finished child. Its output is read and dropped; a failure stops.
    Linux keeps the child's RSS high-water mark from before its exec, when it was a copy of this process: the
    figure is only the child's own when this process is small, as `python -m scripts.bench` is."""
    env = dict(os.environ, TQDM_DISABLE="1", GX_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    t0 = time.perf_counter()
    with subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so that its own usage is the one read
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit(f"bench: {' '.join(argv)} exited {proc.returncode}:\n{out.decode(errors='replace')[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024}


def validate_table(release: Path, runs: int, against: tuple[str, Path] | None = None) -> str:
    """`validate RELEASE` and the GX import, each a whole process, in turn (A B A B ...: a drift of the machine's
    speed reaches both), after one warm-up run each; with `against` (revision, its tree), also `validate RELEASE`
    run by that revision's code, in the same turns. Markdown, printed once measured."""
    with tempfile.TemporaryDirectory() as tmp:
        gx_file = Path(tmp) / "import_gx.py"
        gx_file.write_text(GX_IMPORT, encoding="utf-8")
        root = paths.ROOT.resolve()
        shown = release.relative_to(root) if release.is_relative_to(root) else release
        validate = [sys.executable, "-m", "scripts.validate", str(release)]
        commands = {f"python -m scripts.validate {shown}": (validate, paths.ROOT),
                    'python -c "import great_expectations" (from a file)': ([sys.executable, str(gx_file)], paths.ROOT)}
        if against:
            commands[f"python -m scripts.validate {shown}, code of {against[0]}"] = (validate, against[1])
        for argv, cwd in commands.values():
            whole_process(argv, cwd)
        results: dict[str, list[dict]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, (argv, cwd) in commands.items():
                results[name].append(whole_process(argv, cwd))
    gx = results['python -c "import great_expectations" (from a file)']
    lines = [f"| command (whole process, median of {runs}) | wall s | CPU s | peak RSS MiB | wall / GX import "
             "(median of the pairs; min-max) |", "|---|---:|---:|---:|---:|"]
    for name, rs in results.items():
        ratios = [x["wall"] / y["wall"] for x, y in zip(rs, gx)]
        ratio = "" if rs is gx else f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
        lines.append(f"| `{name}` | {statistics.median(r['wall'] for r in rs):.2f} | "
                     f"{statistics.median(r['cpu'] for r in rs):.2f} | {max(r['rss_mib'] for r in rs):.0f} | {ratio} |")
    print("\n".join(lines), flush=True)
    return "\n".join(lines)


def python(code: str, cwd: Path = paths.ROOT, **kw) -> subprocess.CompletedProcess:
    """`python FILE` with the code in FILE, not `python -c`: with pyspark installed, Great Expectations and pandera
    import pyspark.sql.connect, which ends a process whose __main__ has no file (it takes it for a doctest run).
    The code's own folder goes first on the path, as `-c` would put `cwd` (bench --against runs another tree)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "probe.py"
        script.write_text(f"import sys; sys.path.insert(0, {str(cwd)!r})\n" + code, encoding="utf-8")
        return subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, **kw)


def run(code: str, cache: str) -> dict:
    out = python(PROBE.format(code=code, cache=cache), check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def probe(code: str, cwd: Path = paths.ROOT) -> dict:
    env = dict(os.environ, TQDM_DISABLE="1", GX_ANALYTICS_ENABLED="False")
    out = python(code, cwd, env=env)
    if out.returncode or not out.stdout.strip():
        raise SystemExit(f"bench: a probe failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def corpus(docs: int, out: Path, code: Path = paths.ROOT) -> Path:
    """A project-shaped folder of `docs` documents made by the code in `code`: its generator when it has one,
    else the five seeds replicated."""
    if (code / "scripts" / "generate.py").is_file():
        subprocess.run([sys.executable, "-m", "scripts.generate", "--docs", str(docs), "--seed", "0", "--out", str(out)],
                       cwd=code, check=True, capture_output=True)
    elif code == paths.ROOT:
        from scripts.benchmark.replicate import replicate  # the generator's material: not needed by --help
        replicate(out, docs)
    else:
        subprocess.run([sys.executable, "-c", f"from scripts.benchmark.replicate import replicate; "
                        f"from pathlib import Path; replicate(Path({str(out)!r}), {docs})"], cwd=code, check=True)
    return out


@contextlib.contextmanager
def checkout(rev: str, where: Path):
    """The tree of git revision `rev` in a temporary worktree (its own seeds, code and pyproject)."""
    tree = where / f"rev-{rev.replace('/', '_')}"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), rev], cwd=paths.ROOT, check=True)
    try:
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=paths.ROOT, check=False)


def measure(docs: int, runs: int, workers: int, where: Path, with_docs: bool, code: Path = paths.ROOT,
            engine: str = "embedded") -> dict[str, dict]:
    """stage -> {wall: median seconds, rss: peak MiB, worker_rss}, for builds and validations of one corpus."""
    root = corpus(docs, where / f"docs-{docs}", code)
    builds = [probe(BUILD_PROBE.format(root=str(root), workers=workers, docs=with_docs, engine=engine), code)
              for _ in range(runs)]
    checks = [probe(VALIDATE_PROBE.format(root=str(root), engine=engine), code) for _ in range(runs)]
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


def scale_table(sizes: list[int], runs: int, workers: int, where: Path, with_docs: bool = True,
                against: tuple[str, Path] | None = None, this: Path = paths.ROOT, engine: str = "embedded") -> str:
    """The Markdown table, printed row by row as each corpus is measured (a 10,000-document run is long).
    With `against` (revision, its tree), two more columns: that revision's wall time and its ratio to this tree's."""
    cores = min(workers, parallel.default_workers())
    extra = (f" {against[0]} wall s | {against[0]} / this |", "---:|---:|") if against else ("", "")
    lines = [f"| docs | stage ({engine} engine) | wall s (median of {runs}) | docs/s per core | peak RSS MiB (main / worker) | growth per 10x docs |"
             + extra[0], "|---:|---|---:|---:|---:|---:|" + extra[1]]
    print("\n".join(lines), flush=True)
    results: dict[int, dict[str, dict]] = {}
    for n in sizes:
        results[n] = measure(n, runs, workers, where / "this", with_docs, this, engine)
        before = measure(n, runs, workers, where / "rev", with_docs, against[1], engine) if against else {}
        for name in list(results[n]) + [k for k in before if k not in results[n]]:
            m = results[n].get(name, {"wall": 0.0})
            prev = results.get(n // 10, {}).get(name) if n % 10 == 0 else None
            growth = f"{m['wall'] / prev['wall']:.1f}x" if prev and prev["wall"] > 0 else ""
            rss = f"{m['rss']:.0f} / {m['worker_rss']:.0f}" if "rss" in m else ""
            rate = f"{n / m['wall'] / cores:,.0f}" if m["wall"] > 0 else ""
            row = f"| {n:,} | {name} | {m['wall']:.2f} | {rate} | {rss} | {growth} |"
            if against:
                b = before.get(name)
                b_rss = f" (peak {b['rss']:.0f} MiB)" if b and "rss" in b else ""
                row += (f" {b['wall']:.2f}{b_rss} | {b['wall'] / m['wall']:.2f}x |" if b and m["wall"] > 0
                        else f" {b['wall']:.2f}{b_rss} | |" if b else " | |")
            lines.append(row)
            print(row, flush=True)
        built, checked = results[n]["**build total**"]["wall"], results[n]["**validate total**"]["wall"]
        if built > 0:  # issue 25: at 10,000 documents validation within 1x the build
            row = f"| {n:,} | validate / build | {checked / built:.2f}x | | | |" + (" | |" if against else "")
            lines.append(row)
            print(row, flush=True)
    return "\n".join(lines)


def _sizes(arg: str) -> list[int]:
    """--docs 1000,10000; its name is what argparse shows for a value it refuses."""
    return [int(x) for x in arg.split(",")]


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=None, help="runs of each measurement (default 3; 5 with --validate)")
    ap.add_argument("--validate", nargs="?", const="", default=None, metavar="RELEASE",
                    help="whole-process `validate RELEASE` (default: the current release) beside the GX import")
    ap.add_argument("--docs", type=_sizes, default=None,
                    help="comma-separated corpus sizes, e.g. 1000,10000")
    ap.add_argument("--workers", type=int, default=parallel.default_workers(), help="build processes (default: one per core)")
    ap.add_argument("--keep", type=Path, default=None, help="write the corpora here (default: a temporary folder)")
    ap.add_argument("--no-docs", action="store_true", help="build without the figure, card, Croissant, views and datasheet")
    ap.add_argument("--against", metavar="REV", default=None,
                    help="with --docs or --validate: also measure git revision REV (e.g. a change's parent, `abc123^`) "
                         "and print the ratio")
    ap.add_argument("--engine", choices=parallel.ENGINES, default="embedded",
                    help="with --docs: what runs the build and adds to validation (spark: local[*])")
    ap.add_argument("--this", metavar="REV", default=None, help="with --against: measure revision REV instead of the work tree")
    args = ap.parse_args(argv)
    if args.runs is None:
        args.runs = 5 if args.validate is not None else 3
    if args.runs < 1 or args.workers < 1:
        ap.error("--runs and --workers must be at least 1")
    if args.against and not (args.docs or args.validate is not None) or args.this and not args.against:
        ap.error("--against needs --docs or --validate, --this needs --against")
    if args.engine != "embedded" and not args.docs:
        ap.error("--engine needs --docs")
    if args.validate is not None:
        if args.docs:
            ap.error("--validate measures one release: leave out --docs")
        release = paths.current_release(args.validate or None).resolve()
        if why := paths.no_release(release):
            return cli.refuse("bench", why)
        with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
            against = (args.against, stack.enter_context(checkout(args.against, Path(tmp)))) if args.against else None
            validate_table(release, args.runs, against)
        return 0
    if args.docs:
        with tempfile.TemporaryDirectory() as tmp:
            where = args.keep or Path(tmp)
            with contextlib.ExitStack() as stack:
                against = (args.against, stack.enter_context(checkout(args.against, Path(tmp)))) if args.against else None
                this = stack.enter_context(checkout(args.this, Path(tmp) / "this-rev")) if args.this else paths.ROOT
                scale_table(args.docs, args.runs, args.workers, where, not args.no_docs, against, this, args.engine)
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
