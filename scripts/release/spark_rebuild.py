"""`validate --rebuild --engine spark [--master URL]`: the release made again from the inputs it ships (source/) by the
Spark build (scripts/release/spark_build.py) in a temporary root, and each table's file compared with the released
one. The comparison streams: both files are read WINDOW rows at a time and the first differing window is named by
row and column (compare.first_difference), so the driver holds two windows, never a table. Equal rows in other
bytes are written again in the released file's row groups (an embedded build cuts a large table elsewhere than the
Spark merge) before they are called a difference."""
from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import schema
from scripts.errors import InputError, ReleaseError
from scripts.files import sha256_file
from scripts.pipeline import RowShapeError
from scripts.release import rebuild as embedded
from scripts.release import spark_build
from scripts.release.compare import first_difference
from scripts.release.conformance import Problem
from scripts.release.write import regrouped, write_in_groups
from scripts.tables import DagError

WINDOW = 8192  # rows of each file in hand while comparing: a window of documents (whole texts) is tens of MiB


def rebuild(release: Path, master: str | None = None, part_docs: int | None = None) -> list[Problem]:
    """What embedded.rebuild reports, from a Spark build of release/source/ on `master`."""
    manifest, built_by, found = embedded.preconditions(release)
    if found or manifest is None:
        return found
    with tempfile.TemporaryDirectory(prefix="kec-rebuild-") as tmp:
        root = embedded.shipped_root(release, Path(tmp))
        try:
            parts = spark_build.build(root / "seeds", root / "dataset", master, part_docs or spark_build.PART_DOCS)
        except (InputError, DagError, RowShapeError) as e:
            return [embedded.refused(e)]
        try:
            if parts.problems:
                return [embedded.refused(ReleaseError("; ".join(str(p) for p in parts.problems)))]
            out = root / "rebuilt"
            out.mkdir()
            try:
                parts.write_into(out)
            except ReleaseError as e:
                return [embedded.refused(e)]
            listed = manifest.get("completeness") or []
            same = all(a == b for a, b in itertools.zip_longest(parts.completeness(), listed))
        finally:
            parts.cleanup()
        found = [p for name in schema.table_names() if (p := _compare(name, out, release, manifest, built_by))]
        return found + embedded.manifest_problems(root, manifest, same)


def _compare(name: str, out: Path, release: Path, manifest: dict, built_by: dict) -> Problem | None:
    released = embedded.released_file(name, release, manifest)
    if isinstance(released, Problem):
        return released
    rebuilt = out / manifest["tables"][name]["file"]
    if sha256_file(rebuilt) == sha256_file(released):
        return None
    try:
        groups = pq.ParquetFile(released).metadata
    except Exception as e:  # a truncated or foreign file is a finding, not a crash
        return Problem(name, "(file)", embedded.CHECK, [f"unreadable Parquet: {e}"])
    diff = window_difference(name, rebuilt, released)
    if diff:
        return diff
    if groups.num_row_groups > 1:
        again = out / f"{name}.regrouped.parquet"
        write_in_groups(_batches(rebuilt), [groups.row_group(i).num_rows for i in range(groups.num_row_groups)], again)
        if again.is_file() and sha256_file(again) == sha256_file(released):
            return None
    return embedded.bytes_differ(name, built_by)


def window_difference(name: str, rebuilt: Path, released: Path) -> Problem | None:
    """The first row and column in which the two files differ, read WINDOW rows at a time; a released file whose
    pages cannot be read (its footer can) is a finding, not a crash."""
    try:
        for want, got in itertools.zip_longest(_windows(rebuilt), _windows(released)):
            diff = first_difference(name, _or_empty(want, rebuilt), _or_empty(got, released), embedded.CHECK)
            if diff:
                return diff
    except (OSError, pa.ArrowException) as e:
        return Problem(name, "(file)", embedded.CHECK, [f"unreadable Parquet: {e}"])
    return None


def _batches(path: Path) -> Iterator[pa.Table]:
    for b in pq.ParquetFile(path).iter_batches(batch_size=WINDOW):
        yield pa.Table.from_batches([b])


def _windows(path: Path) -> Iterator[pa.Table]:
    return regrouped(_batches(path), itertools.repeat(WINDOW))


def _or_empty(window: pa.Table | None, path: Path) -> pa.Table:
    """A file that ran out of rows compares as an empty window of its own schema."""
    return window if window is not None else pq.ParquetFile(path).schema_arrow.empty_table()
