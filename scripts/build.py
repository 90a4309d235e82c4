"""Build the current release: `python -m scripts.build`.

seeds + annotations -> tables -> validation -> dataset/v<version>/ (atomic).
A failed build writes nothing and leaves every existing release untouched."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import schema
from scripts import hub, paths
from scripts.errors import InputError, ReleaseError
from scripts.progress import Stages


def build(root: Path = paths.ROOT, dataset_root: Path | None = None, quiet: bool = False) -> dict:
    from scripts import release, tables
    from scripts.checks import check_tables

    dataset_root = dataset_root or root / "dataset"
    version = paths.version(root)
    seeds_dir = root / "seeds"
    summary = {"version": version}
    with Stages(quiet) as st:
        with st.stage("read seeds and annotations, derive tables"):
            tbls, completeness = tables.build_tables(seeds_dir)
        with st.stage("validate tables"):
            problems = check_tables(tbls)
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
            # card, Croissant, views, the datasheet's Hub copy and LICENSE.md: paths seen from dataset/ itself
            for name, text in hub.render_files(root, dataset_root, version, ctx=ctx).items():
                release.write_text_atomic(dataset_root / name, text)
            # the GX suites are derived from schema/ too: refresh them so a vocabulary change cannot leave them stale
            from schema import gx_suites
            suites = root / "schema" / "expectations"
            if suites.is_dir():  # a scratch project (tests) has no schema/ of its own
                for name in schema.table_names():
                    release.write_text_atomic(suites / f"{name}.json", gx_suites.render(name))
            release.write_text_atomic(root / "DATASHEET.md", datasheet.render(target, root))
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
    rows = ", ".join(f"{k} {v}" for k, v in s["rows"].items())
    print(f"release v{s['version']} {s['status']} at {s['release']} ({rows}) in {s['seconds']:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
