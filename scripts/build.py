"""Build the current release: `python -m scripts.build`.

seeds + annotations -> tables (scripts/tables/, in the order their declared reads
give) -> validation -> dataset/v<version>/ (atomic) -> the documents that describe it.
A failed build writes nothing and leaves every existing release untouched."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from scripts import cli, parallel, paths


def build(root: Path = paths.ROOT, dataset_root: Path | None = None, quiet: bool = False, workers: int | None = None,
          docs: bool = True, engine: str = "embedded", master: str | None = None, part_docs: int | None = None) -> dict:
    """workers: processes for the per-document stages (default: one per core); the bytes are the same for any number.
    engine="spark" builds the tables as Spark jobs on `master` (default local[*]), a task per part of the corpus of
    `part_docs` documents, and merges the parts into the files (scripts/release/spark_build.py), with the same bytes
    while a table fits one row group (the same rows beyond).
    docs=False writes and validates the release but not the figure, card, Croissant, views and datasheet
    (a scratch corpus measured by scripts/bench.py). The summary has the seconds of each stage
    (`stages`) and of each table (`tables`)."""
    # the pipeline's imports (pyarrow, pandera, datasets, ...) here, not at the top: --help answers at once
    from scripts import pipeline
    from scripts.errors import ReleaseError
    from scripts.files import sha256_file
    from scripts.progress import Stages
    from scripts.release import proof, splits, write
    from scripts.release.conformance import check_tables

    dataset_root = dataset_root or root / "dataset"
    # what a killed build left behind goes first (a build running beside this one keeps its own)
    write.remove_debris(dataset_root, dataset_root / "figures", root)
    version = paths.version(root)
    seeds_dir = root / "seeds"
    summary: dict = {"version": version, "tables": {}}
    parts = None
    with Stages(quiet) as st:
        if engine == "spark":  # the tables built, checked and proved by Spark tasks, part by part, and merged when written
            from scripts.release import spark_build
            with st.stage("derive, check and prove the tables as Spark jobs, a part of the corpus a task"):
                parts = spark_build.build(seeds_dir, dataset_root, master, part_docs or spark_build.PART_DOCS)
                problems = parts.problems
                rows = parts.rows
                test_ids = set(parts.doc_ids)
        else:
            with st.stage("read seeds and annotations, derive tables"):
                tbls, completeness = pipeline.build_tables(seeds_dir, workers or parallel.default_workers(),
                                                           summary["tables"])
            with st.stage("validate tables"):
                problems = check_tables(tbls)
                # the release must prove itself as `scripts.validate` will ask it to: re-derive what it derived
                inputs = {p.relative_to(root).as_posix(): sha256_file(p) for p in pipeline.input_files(seeds_dir)}
                problems += proof.problems(tbls, {"inputs": inputs, "completeness": completeness},
                                           untrusted={p.table for p in problems})
            rows = {n: t.num_rows for n, t in tbls.items()}
            test_ids = set(tbls["documents"].column("doc_id").to_pylist())
        try:
            if problems:
                raise ReleaseError("validation failed:\n  " + "\n  ".join(str(p) for p in problems))
            with st.stage("generated train/validation splits (cached when the inputs did not change)"):
                split_tables = splits.build(root, test_ids)
            with st.stage("write Parquet and manifest"):
                staged = write.stage(parts.write_into if parts else tbls, version, pipeline.input_files(seeds_dir), root,
                                     dataset_root, parts.completeness() if parts else completeness, split_tables,
                                     splits.declared(root))
        finally:
            if parts:
                parts.cleanup()
        target = paths.release_dir(version, dataset_root)
        try:
            if parts and docs:  # the card's figure reads claims and relations: from the files just written
                tbls = write.read_release(staged)
            if docs:
                with st.stage("figure, card, Croissant, views and datasheet"):
                    companions = describe(staged, tbls, root, dataset_root, version)
            else:
                companions = {}
        except BaseException:  # nothing was moved: the staged release goes, the previous one stays as it is
            shutil.rmtree(staged.parent, ignore_errors=True)
            raise
        with st.stage("move release and the files that describe it into place"):
            summary["status"] = write.publish(staged, target, companions)
        if not docs:
            summary.update(release=str(target), rows=rows, seconds=st.total, stages=st.timings)
            return summary
    summary.update(release=str(target), rows=rows, seconds=st.total, stages=st.timings,
                   splits={s: {n: t.num_rows for n, t in ts.items()} for s, ts in split_tables.items()})
    return summary


def describe(staged: Path, tbls: dict, root: Path, dataset_root: Path, version: str) -> dict[Path, bytes]:
    """The figure, card, Croissant, views, the datasheet's Hub copy, LICENSE.md and DATASHEET.md of the staged
    release (path where each goes -> bytes), rendered before anything moves, so that they move with it."""
    from scripts.docs import datasheet, figures, hub
    ctx = datasheet.context(staged, root)
    svg = figures.gmv_timeline(tbls["claims"].to_pylist(), tbls["claim_relations"].to_pylist(),
                               {d: {} for d in tbls["documents"].column("doc_id").to_pylist()},
                               staged.parent / Path(datasheet.FIGURE).name)
    out = {dataset_root / datasheet.FIGURE: svg.read_bytes()}
    # card, Croissant, views, the datasheet's Hub copy and LICENSE.md: paths seen from dataset/ itself
    for name, text in hub.render_files(root, staged.parent, version, ctx=ctx).items():
        out[dataset_root / name] = text.encode("utf-8")
    out[root / "DATASHEET.md"] = datasheet.render(staged, root, ctx=ctx).encode("utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="build", description=__doc__)
    ap.add_argument("--quiet", action="store_true", help="no progress output (CI)")
    ap.add_argument("--root", type=Path, default=paths.ROOT, help="project folder to build (default: this repository)")
    ap.add_argument("--workers", type=int, default=None, metavar="N",
                    help=f"processes for the per-document stages (default: one per core, here {parallel.default_workers()})")
    ap.add_argument("--no-docs", action="store_true",
                    help="write and validate the release only, not the figure, card, Croissant, views and datasheet")
    ap.add_argument("--engine", choices=parallel.ENGINES, default="embedded",
                    help="what runs the build: this machine's processes (default) or Spark jobs, a part of the corpus a task")
    ap.add_argument("--master", default=None, metavar="URL",
                    help="Spark master for --engine spark (default local[*]; e.g. spark://host:7077, yarn)")
    ap.add_argument("--part-docs", type=int, default=None, metavar="N",
                    help="documents per Spark task with --engine spark (default 2,000; an event's documents stay together)")
    args = ap.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        ap.error("--workers must be at least 1")
    if (args.master or args.part_docs) and args.engine != "spark":
        ap.error("--master and --part-docs need --engine spark")
    if args.part_docs is not None and args.part_docs < 1:
        ap.error("--part-docs must be at least 1")
    if not (args.root / "pyproject.toml").is_file():
        ap.error(f"--root {args.root} holds no pyproject.toml: give a project folder (this repository, or one "
                 "`python -m scripts.generate` wrote)")
    from scripts import pipeline
    from scripts.errors import InputError, ReleaseError
    from scripts.tables import DagError

    try:
        s = build(root=args.root.resolve(), quiet=args.quiet, workers=args.workers, docs=not args.no_docs,
                  engine=args.engine, master=args.master, part_docs=args.part_docs)
    except (InputError, ReleaseError, DagError, pipeline.RowShapeError) as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # an unwritable or full disk: what failed, not a traceback
        print(f"build failed: {e.filename or args.root}: {e.strerror or e}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{k} {v}" for k, v in s["rows"].items())
    print(f"release v{s['version']} {s['status']} at {s['release']} ({rows}) in {s['seconds']:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
