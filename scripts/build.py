"""Build the current release: `python -m scripts.build`.

seeds + annotations -> tables -> validation -> dataset/v<version>/ (atomic).
A failed build writes nothing and leaves every existing release untouched."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import schema
from scripts import paths, rederive, release
from scripts.checks import sha256_bytes
from scripts.errors import InputError, ReleaseError
from scripts.progress import Stages


def build(root: Path = paths.ROOT, dataset_root: Path | None = None, quiet: bool = False) -> dict:
    from scripts import card, tables
    from scripts.checks import check_tables

    dataset_root = dataset_root or root / "dataset"
    # what a killed build left behind goes first (a build running beside this one keeps its own)
    release.remove_debris(dataset_root, dataset_root / "figures", root, root / "schema" / "expectations")
    version = paths.version(root)
    seeds_dir = root / "seeds"
    summary = {"version": version}
    with Stages(quiet) as st:
        with st.stage("read seeds and annotations, derive tables"):
            tbls, completeness = tables.build_tables(seeds_dir)
        with st.stage("validate tables"):
            problems = check_tables(tbls)
            # the release must prove itself as `scripts.validate` will ask it to: re-derive what it derived
            inputs = {p.relative_to(root).as_posix(): sha256_bytes(p) for p in tables.input_files(seeds_dir)}
            problems += rederive.problems(tbls, {"inputs": inputs}, untrusted={p.table for p in problems})
            if problems:
                raise ReleaseError("validation failed:\n  " + "\n  ".join(str(p) for p in problems))
        with st.stage("write Parquet and manifest"):
            staged = release.stage(tbls, version, tables.input_files(seeds_dir), root, dataset_root, completeness)
        with st.stage("move release into place"):
            target = paths.release_dir(version, dataset_root)
            summary["status"] = release.publish_staged(staged, target)
        with st.stage("figure, card, Croissant, views and datasheet"):
            from scripts import datasheet, figures
            rows = {n: t.num_rows for n, t in tbls.items()}
            ctx = datasheet.context(target, root)
            figures.gmv_timeline(tbls["claims"].to_pylist(), tbls["claim_relations"].to_pylist(),
                                 {d: {} for d in tbls["documents"].column("doc_id").to_pylist()},
                                 dataset_root / datasheet.FIGURE)
            release.write_text_atomic(dataset_root / "README.md", card.render(version, rows, ctx, target))
            from scripts import croissant, views
            release.write_text_atomic(dataset_root / "croissant.json", croissant.render(target))
            release.write_text_atomic(dataset_root / "views.sql", views.render(version))
            # the GX suites are derived from schema/ too: refresh them so a vocabulary change cannot leave them stale
            from schema import gx_suites
            suites = root / "schema" / "expectations"
            if suites.is_dir():  # a scratch project (tests) has no schema/ of its own
                for name in schema.table_names():
                    release.write_text_atomic(suites / f"{name}.json", gx_suites.render(name))
            release.write_text_atomic(root / "DATASHEET.md", datasheet.render(target, root))
            # the Hub repository is dataset/ alone: it gets its own copy, with links seen from there
            release.write_text_atomic(dataset_root / "DATASHEET.md", datasheet.render(target, root, prefix=""))
    summary.update(release=str(target), rows=rows, seconds=st.total)
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quiet", action="store_true", help="no progress output (CI)")
    ap.add_argument("--root", type=Path, default=paths.ROOT, help="project folder to build (default: this repository)")
    args = ap.parse_args(argv)
    try:
        s = build(root=args.root.resolve(), quiet=args.quiet)
    except (InputError, ReleaseError) as e:
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
