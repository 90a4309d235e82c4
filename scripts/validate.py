"""Validate a written release: `python -m scripts.validate [RELEASE_DIR]`.

Form (manifest, files, pandera, cross-table rules), then meaning (every derived column
re-derived by each table module's proof, scripts/release/proof.py; what only an input states compared with the
inputs the release ships in source/, scripts/release/source.py), then Great Expectations.
`--rebuild` also rebuilds every table from source/ and compares byte for byte (scripts/release/rebuild.py).
Needs only the release folder. Exit 0 when clean; otherwise 1 with a short report
naming table, column, check and example rows (key: expected, found). Defaults to the
current release, dataset/v<version>/. `--engine spark [--master URL]` runs form, meaning and GX as Spark jobs, a part of
the corpus a task (scripts/release/spark_validate.py), with the pandera pyspark.sql schemas (schema/spark.py)
beside them; with --rebuild, the Spark build remakes the tables (scripts/release/spark_rebuild.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import schema
from scripts import cli, parallel, paths
from scripts.tables.proof import Problem


def check_folder(release: Path) -> tuple[dict | None, list, bool]:
    """The manifest, and what is wrong with the folder: its layout, the manifest and the files it lists, the
    version. The last value says whether the folder is damaged: what it holds is not what a release holds, and
    nothing in it is opened further."""
    from scripts.release import layout
    from scripts.release.conformance import Problem, manifest_problems, read_manifest

    if not release.is_dir():
        return None, [Problem("release", "(dir)", f"{release} is not a directory")], True
    manifest, damaged = read_manifest(release)
    damaged += layout.problems(release, manifest) if manifest is not None else []
    if damaged:
        return manifest, damaged, True
    return manifest, manifest_problems(release) + version_problems(release, manifest), False


def check_form(release: Path) -> tuple[dict, list]:
    """The release's tables as read, and what is wrong with their form: the folder (check_folder), the files,
    pandera and the cross-table rules (what re-derivation then builds on)."""
    import pyarrow.parquet as pq  # the slow imports here, not at the top: --help and a mistake answer at once

    from scripts.release import splits
    from scripts.release.conformance import Problem, check_tables

    manifest, problems, damaged = check_folder(release)
    if damaged:
        return {}, problems
    tables = {}
    for p in sorted(release.glob("*.parquet")):
        if p.stem not in schema.load().tables:
            problems.append(Problem(p.stem, "(file)", f"{p.name} is not a declared table"))
            continue
        try:
            tables[p.stem] = pq.read_table(p)
        except Exception as e:  # a truncated or foreign file is a finding, not a crash
            problems.append(Problem(p.stem, "(file)", f"unreadable Parquet: {e}"))
    problems += splits.problems(release, manifest, tables)
    return tables, problems + check_tables(tables)


def check_with_spark(release: Path, master: str | None = None, gx: bool = True) -> list:
    """Every check of form, meaning and (with gx) Great Expectations as Spark jobs on `master`, beside the pandera
    pyspark.sql schemas: the tables are read by the executors a part of the corpus at a time, never whole here
    (scripts/release/spark_validate.py)."""
    from scripts.release import spark_validate  # noqa: PLC0415 - lazy on purpose: the embedded engine never imports pyspark

    manifest, problems, damaged = check_folder(release)
    if damaged:
        return problems
    problems += [Problem(p.stem, "(file)", f"{p.name} is not a declared table")
                 for p in sorted(release.glob("*.parquet")) if p.stem not in schema.load().tables]
    return problems + spark_validate.problems(release, manifest or {}, master or spark_validate.spark.LOCAL, gx)


def version_problems(release: Path, manifest: dict | None) -> list[Problem]:
    """A release folder v<version> holds the manifest of that version."""
    version = (manifest or {}).get("version")
    if version is None or release.name == f"v{version}" or not release.name.startswith("v"):
        return []
    return [Problem("manifest", "version", "the version its folder names",
                    [f"version: expected {release.name[1:]!r} (folder {release.name}), found {version!r}"])]


def check_meaning(release: Path, tables: dict, form: list) -> list:
    """What the data means: every derived column recomputed by the build's own code and compared, and what
    only an input states compared with the inputs shipped in source/."""
    from scripts.release import proof, source
    from scripts.release.conformance import read_manifest
    return proof.problems(tables, read_manifest(release)[0],
                          untrusted={p.table for p in form if p.column == "(schema)"}) + source.problems(release, tables)


def validate(release: Path, gx: bool = True, docs_dir: Path | None = None, first_failure: bool = False,
             engine: str = "embedded", master: str | None = None, rebuild: bool = False) -> list:
    """Every problem of form, meaning, (with rebuild) the byte-for-byte rebuild from source/ and (with gx)
    Great Expectations. With first_failure, stop after
    the first stage that finds one: enough to refuse a release, without the long stages after it.
    engine="spark": form, meaning and GX as Spark jobs (check_with_spark), the rebuild by the Spark build
    (scripts/release/spark_rebuild.py); a docs_dir report is made by the embedded GX."""
    if engine == "spark":
        problems = check_with_spark(release, master, gx and docs_dir is None)
        if gx and docs_dir is not None and not (first_failure and problems):  # the report: GX of the embedded engine
            from scripts.release import expectations as gx_check
            problems += gx_check.run(release, docs_dir)
    else:
        tables, problems = check_form(release)
        if not release.is_dir() or not tables or (first_failure and problems):
            return problems
        problems += check_meaning(release, tables, problems)
        if gx and not (first_failure and problems):
            from scripts.release import expectations as gx_check
            problems += gx_check.run(release, docs_dir, tables)
    if rebuild and release.is_dir() and not (first_failure and problems):
        if engine == "spark":  # the Spark build of source/, compared a window of rows at a time
            from scripts.release import spark_rebuild
            problems += spark_rebuild.rebuild(release, master)
        else:
            from scripts.release.rebuild import rebuild as rebuild_problems
            problems += rebuild_problems(release)
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="validate", description=__doc__)
    ap.add_argument("release", nargs="?", default=None,
                    help="a release folder, or a version (0.9.0 or v0.9.0) under dataset/; default: the current version's")
    ap.add_argument("--docs", nargs="?", type=Path, const=paths.BUILD / "gx", default=None, metavar="DIR",
                    help="also write a self-contained HTML report of the Great Expectations results to DIR/index.html "
                         "(default build/gx/; replaced on every run)")
    ap.add_argument("--json", action="store_true", help="the problems as JSON, grouped by rule, cause first (for machines)")
    ap.add_argument("--rebuild", action="store_true",
                    help="also rebuild every table from the inputs the release ships (source/) and compare byte for byte, "
                         "naming the first differing table, row and column")
    ap.add_argument("--no-gx", action="store_true", help="pandera and cross-table checks only (fast)")
    ap.add_argument("--engine", choices=parallel.ENGINES, default="embedded",
                    help="spark: every check as Spark jobs, a part of the corpus a task, with the pandera pyspark.sql "
                         "schemas beside them (with --docs, the report is the embedded engine's)")
    ap.add_argument("--master", default=None, metavar="URL", help="Spark master for --engine spark (default local[*])")
    args = ap.parse_args(argv)
    if args.master and args.engine != "spark":
        ap.error("--master needs --engine spark")
    release = paths.current_release(args.release)
    if why := paths.no_release(release):
        print(f"validate: {why}", file=sys.stderr)
        return 2
    from scripts.release import gx_report, report  # after parsing: --help and a mistake answer at once
    from scripts.release.conformance import read_manifest

    docs_dir = args.docs.resolve() if args.docs else None
    why = gx_report.refusal(docs_dir) if docs_dir else None
    if why:
        print(f"validate: --docs: {why}", file=sys.stderr)
        return 2
    problems = validate(release, gx=not args.no_gx, docs_dir=docs_dir, engine=args.engine, master=args.master,
                        rebuild=args.rebuild)
    if args.json:
        print(report.as_json(str(release), problems))
        return 1 if problems else 0
    if docs_dir and not args.no_gx:
        print(f"Great Expectations report: {docs_dir / 'index.html'}")
    if problems:
        grouped = report.group(problems)
        print(f"{release}: {len(grouped)} problem(s), cause first; one line per row (table.column: rule — key: found)")
        for p in grouped:
            for line in p.lines():
                print(f"  - {line}")
        made_by = (read_manifest(release)[0] or {}).get("version")
        if made_by and made_by != paths.version():
            print(f"  (re-derivation applies this code's rules, v{paths.version()}, to a v{made_by} release: "
                  "a rule changed since then shows as a difference; see dataset/CHANGELOG.md)")
        return 1
    print(f"{release}: valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
