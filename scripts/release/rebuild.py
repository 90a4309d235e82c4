"""`validate --rebuild`: the tables made again from the inputs a release ships (source/), by the build's own
code, in a temporary project root, and compared with the release byte for byte; where the bytes differ,
pyarrow names the first differing row and column. Needs only the release folder and this code."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import schema
from scripts import pipeline
from scripts.errors import InputError
from scripts.files import sha256_file
from scripts.release import source
from scripts.release.compare import first_difference
from scripts.release.conformance import Problem, read_manifest
from scripts.release.write import write_in_groups, write_parquet
from scripts.tables import DagError

CHECK = "equals the table rebuilt from source/ (validate --rebuild)"


def rebuild(release: Path) -> list[Problem]:
    """Nothing when every table rebuilt from release/source/ has the release's bytes; else one problem per
    differing table (its first differing row and column), or why the release cannot be rebuilt."""
    manifest, built_by, found = preconditions(release)
    if found or manifest is None:
        return found
    with tempfile.TemporaryDirectory(prefix="kec-rebuild-") as tmp:
        root = shipped_root(release, Path(tmp))
        try:
            tables, completeness = pipeline.build_tables(root / "seeds")
        except (InputError, DagError, pipeline.RowShapeError) as e:
            return [refused(e)]
        found = [p for name in schema.table_names() if (p := _compare(name, tables[name], release, root, manifest, built_by))]
        return found + manifest_problems(root, manifest, completeness == manifest.get("completeness"))


def preconditions(release: Path) -> tuple[dict | None, dict, list[Problem]]:
    """The manifest, who built the release, and why it cannot be rebuilt here (its inputs are not what it lists,
    or this code's schema is not the one it was built with)."""
    manifest, found = read_manifest(release)
    if manifest is None:
        return None, {}, found
    found = source.hash_problems(release, manifest)
    built_by = (manifest.get("source") or {}).get("built_by") or {}
    if found:
        return manifest, built_by, found
    made = f"v{built_by.get('version', '?')} of {built_by.get('project', source.PROJECT)}"
    other_schema = [n for n in source.SCHEMA_FILES
                    if sha256_file(release / source.FOLDER / "schema" / n) != sha256_file(schema.HERE / n)]
    return manifest, built_by, [
        Problem("source", f"schema/{n}", f"differs from this code's schema/{n} (v{source.code_version()}): the "
                                         f"release was built by {made}; rebuild it with that version") for n in other_schema]


def shipped_root(release: Path, root: Path) -> Path:
    """A project root holding only what the release ships: nothing of this checkout's seeds/ is read."""
    shutil.copytree(release / source.FOLDER / "seeds", root / "seeds")
    return root


def refused(e: Exception) -> Problem:
    return Problem("source", "(build)", f"the build refuses the shipped inputs: {e}")


def manifest_problems(root: Path, manifest: dict, same_completeness: bool) -> list[Problem]:
    """The manifest's inputs are the files the rebuild read, its completeness report the rebuild's."""
    found = []
    read = {p.relative_to(root).as_posix(): sha256_file(p) for p in pipeline.input_files(root / "seeds")}
    listed = manifest.get("inputs") or {}
    if read != listed:
        odd = sorted(n for n in read.keys() | listed.keys() if read.get(n) != listed.get(n))
        found.append(Problem("manifest", "inputs", "lists the hash of every shipped file the build reads",
                             [f"{n}: manifest {listed.get(n)}, shipped {read.get(n)}" for n in odd]))
    if not same_completeness:
        found.append(Problem("manifest", "completeness", "equals the completeness scan of the rebuilt tables",
                             ["manifest.json `completeness` differs from the scan of the shipped texts"]))
    return found


def released_file(name: str, release: Path, manifest: dict) -> Path | Problem:
    """The released file of the table, or why there is none to compare."""
    entry = manifest["tables"].get(name)
    if entry is None:
        return Problem(name, "(file)", CHECK, ["not listed in manifest.json"])
    released = release / entry["file"]
    if not released.is_file():
        return Problem(name, "(file)", CHECK, [f"{entry['file']} missing"])
    return released


def bytes_differ(name: str, built_by: dict) -> Problem:
    return Problem(name, "(file)", CHECK, [f"every cell is equal but the bytes are not: the release was written with pyarrow "
                                           f"{built_by.get('pyarrow', '?')}, rebuilt with {pa.__version__}"])


def _compare(name: str, rebuilt: pa.Table, release: Path, root: Path, manifest: dict, built_by: dict) -> Problem | None:
    released = released_file(name, release, manifest)
    if isinstance(released, Problem):
        return released
    out = root / "rebuilt" / manifest["tables"][name]["file"]
    out.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(rebuilt, out)
    if out.read_bytes() == released.read_bytes():
        return None
    try:
        found = pq.read_table(released)
    except Exception as e:  # a truncated or foreign file is a finding, not a crash
        return Problem(name, "(file)", CHECK, [f"unreadable Parquet: {e}"])
    diff = first_difference(name, rebuilt, found, CHECK)
    if diff:
        return diff
    groups = pq.ParquetFile(released).metadata
    if groups.num_row_groups > 1:  # the Spark build cuts a large table into row groups of its own (merge.py)
        write_in_groups(rebuilt, [groups.row_group(i).num_rows for i in range(groups.num_row_groups)], out)
        if out.read_bytes() == released.read_bytes():
            return None
    return bytes_differ(name, built_by)
