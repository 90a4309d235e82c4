"""Writing a release: deterministic Parquet, a manifest, and an atomic move into
dataset/v<version>/ that never touches a released version's bytes."""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import schema
from scripts import paths
from scripts.errors import ReleaseError
from scripts.files import sha256_file
from scripts.release import source

# Fixed writer settings: with the same pyarrow these give the same bytes for the
# same table (no timestamps are written; created_by names the pyarrow version).
WRITER = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True,
              data_page_version="2.0", version="2.6", row_group_size=1_000_000, store_schema=True)


STAGING = ".staging-"
# what a build writes before it moves or renames it into place; the number is the writing process's id
_DEBRIS = re.compile(r"^\.staging-(?:(?P<pid>[0-9]+)-)?.*$|^\..+?(?:\.(?P<tpid>[0-9]+))?\.tmp$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # an earlier build in this process: it has finished
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_debris(*folders: Path) -> list[Path]:
    """Remove staging folders and temp files left by a build that was killed (its process is
    gone); those of a build still running beside this one are left alone."""
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            m = _DEBRIS.match(p.name)
            if not m:
                continue
            pid = m["pid"] or m["tpid"]
            if pid is not None and _alive(int(pid)):
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def write_parquet(tbl: pa.Table, path: Path) -> None:
    pq.write_table(tbl, path, **WRITER)


def parquet_writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    """WRITER's settings for a file written a row group at a time (the Spark build's merge, scripts/release/merge.py)."""
    return pq.ParquetWriter(path, schema, **{k: v for k, v in WRITER.items() if k != "row_group_size"})


def write_in_groups(rows: pa.Table | Iterable[pa.Table], sizes: Iterable[int], path: Path) -> None:
    """Rows (a table, or tables in order: a file read a batch at a time) in row groups of these sizes, each written
    as the merge writes one: a table the Spark build cut into row groups elsewhere than write_parquet gets the bytes
    of that build (validate --rebuild compares them)."""
    pieces = iter([rows] if isinstance(rows, pa.Table) else rows)
    first = next(pieces, None)
    if first is None:
        return  # no rows: nothing to write in groups (the comparison finds no file)
    with parquet_writer(path, first.schema) as writer:
        for group in regrouped(itertools.chain([first], pieces), sizes):
            writer.write_table(group.combine_chunks(), row_group_size=WRITER["row_group_size"])


def regrouped(tables: Iterable[pa.Table], sizes: Iterable[int]) -> Iterator[pa.Table]:
    """The rows of `tables`, in order, cut into tables of these sizes (the last may be short); holds one size's rows
    and one piece beyond."""
    pieces = iter(tables)
    held: list[pa.Table] = []
    n_held, done = 0, False
    for n in sizes:
        while n_held < n and not done:
            piece = next(pieces, None)
            done = piece is None
            if piece is not None:
                held.append(piece)
                n_held += piece.num_rows
        if not n_held:
            return
        whole = pa.concat_tables(held)
        yield whole.slice(0, n)
        held, n_held = [whole.slice(n)], max(0, n_held - n)


def write_bytes(path: Path, data: bytes | Iterable[bytes]) -> None:
    """The one writer of a release's other files and of its companions (a test makes it fail as a full disk does);
    data: the bytes, or their pieces in order (a manifest streamed)."""
    with path.open("wb") as f:
        for piece in [data] if isinstance(data, bytes) else data:
            f.write(piece)


def read_release(release: Path) -> dict[str, pa.Table]:
    return {p.stem: pq.read_table(p) for p in sorted(release.glob("*.parquet"))}


def _entry(release: Path, file: str) -> dict:
    f = release / file
    return {"file": file, "sha256": sha256_file(f), "rows": pq.ParquetFile(f).metadata.num_rows}


def manifest(version: str, release: Path, inputs: list[Path], root: Path, completeness: list[dict],
             splits: dict[str, dict] | None = None, shipped: dict | None = None) -> dict:
    """splits: split -> {"generator": {seed, docs, first}, "tables": [names]} of the generated splits written;
    shipped: the `source` section (scripts/release/source.py), the build inputs the release carries."""
    tables = {name: _entry(release, schema.load().tables[name].file()) for name in schema.table_names()}
    extra = {"splits": {split: {"generator": spec["generator"],
                                "tables": {n: _entry(release, schema.load().tables[n].file(split)) for n in spec["tables"]}}
                        for split, spec in splits.items()}} if splits else {}
    return {
        "name": "kuaishou-ecommerce-claims",
        "version": version,
        "schema_version": schema.load().schema_version,
        "tables": tables,
        "inputs": {p.relative_to(root).as_posix(): sha256_file(p) for p in inputs},
        # per document: numbers found by the completeness scan and what accounts for each
        "completeness": completeness,
        **({"source": shipped} if shipped else {}),
        **extra,
        # a corpus written by scripts.generate says so (its size, seed, generator); this project's releases do not
        **({"generated_corpus": corpus} if (corpus := paths.generated_corpus(root)) else {}),
    }


def stage(tables: dict[str, pa.Table] | Callable[[Path], None], version: str, inputs: list[Path], root: Path,
          dataset_root: Path, completeness: Iterable[dict], splits: dict[str, dict[str, pa.Table]] | None = None,
          generators: dict[str, dict] | None = None) -> Path:
    """Write the release into a scratch folder beside its final place (same
    filesystem, so the final move is a rename), with the build inputs in source/. splits: the generated splits' tables
    (split -> table -> Arrow), written as <split>/<table>.parquet; generators: their seed and size. tables: the Arrow
    tables, or what writes their files into the release folder (the Spark build's merge of its parts)."""
    dataset_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=dataset_root))
    try:
        release = scratch / f"v{version}"
        release.mkdir()
        if callable(tables):
            tables(release)
        else:
            for name in schema.table_names():
                write_parquet(tables[name], release / f"{name}.parquet")
        for split, tbls in (splits or {}).items():
            (release / split).mkdir()
            for name, tbl in tbls.items():
                write_parquet(tbl, release / schema.load().tables[name].file(split))
        from scripts.release.splits import content_sha256  # noqa: PLC0415 - splits imports the pipeline, which the writer does not need
        written = {s: {"generator": (generators or {}).get(s, {}) | {"content_sha256": {n: content_sha256(tbl) for n, tbl in t.items()}},
                       "tables": list(t)} for s, t in (splits or {}).items()}
        m = manifest(version, release, inputs, root, [], written, source.ship(root, release))
        write_bytes(release / "manifest.json", manifest_json(m, completeness))
    except BaseException:  # disk full, interrupted: nothing half-written stays behind
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return release


_LATER = "\x00completeness\x00"


def manifest_json(m: dict, completeness: Iterable[dict]) -> Iterator[bytes]:
    """The bytes json.dumps(m | {"completeness": list(completeness)}, ensure_ascii=False, indent=2, sort_keys=True)
    gives, plus a newline, with the completeness report streamed: a corpus's report is one entry per document."""
    head, tail = json.dumps(m | {"completeness": _LATER}, ensure_ascii=False, indent=2, sort_keys=True).split(
        json.dumps(_LATER))
    yield head.encode("utf-8")
    first = True
    for entry in completeness:
        item = textwrap.indent(json.dumps(entry, ensure_ascii=False, indent=2, sort_keys=True), "    ")
        yield (("[\n" if first else ",\n") + item).encode("utf-8")
        first = False
    yield ("[]" if first else "\n  ]").encode("utf-8") + tail.encode("utf-8") + b"\n"


def differing_files(a: Path, b: Path) -> list[str]:
    """Files (relative paths, generated splits' subfolders included) that differ between two releases."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    names = sorted(files(a) | files(b))
    return [n for n in names if not (a / n).is_file() or not (b / n).is_file()
            or (a / n).read_bytes() != (b / n).read_bytes()]


def _side(path: Path, kind: str = "") -> Path:
    """A scratch name beside path that remove_debris knows: `.name[.kind].<pid>.tmp`."""
    return path.with_name(f".{path.name}{'.' + kind if kind else ''}.{os.getpid()}.tmp")


def publish(staged: Path, target: Path, companions: dict[Path, bytes] | None = None) -> str:
    """Move a validated staged release and the files that describe it (card, Croissant, views, datasheets,
    figure: path -> bytes) into place together, or nothing at all. Returns 'written' or 'unchanged'; refuses
    to alter an existing (released) version.

    Every new file is written in full beside its place first, so a full disk fails before anything moves.
    Then only renames, which need no space: the release folder, then each companion over the old one (a
    reader never sees half a file). Should a rename still fail, the ones done are undone from hard links
    of the old files, and the release folder goes back: the previous release's companions stay as they were."""
    companions = companions or {}
    temps: dict[Path, Path] = {}
    backups: dict[Path, Path] = {}
    moved_release = False
    done: list[Path] = []
    try:
        status = "written"
        if target.exists():
            diff = differing_files(staged, target)
            if diff:
                raise ReleaseError(
                    f"{target} is a released version and this build would change {', '.join(diff)}. "
                    "Released versions are immutable: bump `version` in pyproject.toml and add an entry "
                    "to dataset/CHANGELOG.md.")
            status = "unchanged"
        for path, data in companions.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            temps[path] = _side(path)
            write_bytes(temps[path], data)
            if path.is_file() and not path.is_symlink():
                backups[path] = _side(path, "bak")
                backups[path].unlink(missing_ok=True)
                os.link(path, backups[path])
        try:
            if status == "written":
                os.rename(staged, target)
                moved_release = True
            for path, tmp in temps.items():
                os.replace(tmp, path)
                done.append(path)
        except BaseException:
            for path in reversed(done):
                if path in backups:
                    os.replace(backups.pop(path), path)
                else:
                    path.unlink(missing_ok=True)
            if moved_release:
                os.rename(target, staged)
            raise
        return status
    finally:
        for p in [*temps.values(), *backups.values()]:
            p.unlink(missing_ok=True)
        shutil.rmtree(staged.parent, ignore_errors=True)
