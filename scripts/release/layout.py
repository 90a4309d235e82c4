"""What a release folder may hold, checked before any of its files is opened: manifest.json, the files it
names (regular files inside the folder) and the generated splits' folders it names; nothing else. An
extra file, a symlink (even to a system file), a FIFO, a folder where a table belongs, or a split folder the
manifest does not list makes the release damaged: `validate` reports these, one line each, and stops."""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from scripts.files import not_regular
from scripts.release.conformance import Problem

SOURCE = "source"  # the folder of build inputs a release ships (scripts/release/source.py)


def _problem(rel: str, reason: str, table: str = "release") -> Problem:
    return Problem(table, "(file)", f"{rel}: {reason}")


def named_files(manifest: dict) -> dict[str, str]:
    """Relative path -> the table (or split table) manifest.json names it for."""
    out = {e["file"]: name for name, e in manifest["tables"].items()}
    for split, entry in manifest.get("splits", {}).items():
        out |= {e["file"]: f"{name} ({split})" for name, e in entry["tables"].items()}
    # the build inputs the release ships (scripts/release/source.py); their hashes are checked there
    out |= {f"{SOURCE}/{name}": "source" for name in (manifest.get("source") or {}).get("files", {})}
    return out


def _named_folders(named: dict[str, str]) -> set[str]:
    """Every folder on the way to a named file below source/ (source, source/seeds, source/seeds/annotations, ...)."""
    return {PurePosixPath(rel).parents[i].as_posix() for rel in named if rel.startswith(SOURCE + "/")
            for i in range(len(PurePosixPath(rel).parents) - 1)}


def problems(release: Path, manifest: dict) -> list[Problem]:
    named = named_files(manifest)
    out = [Problem(table, "(file)", f"{rel!r} in manifest.json leaves the release folder")
           for rel, table in named.items()
           if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts]
    split_dirs = set(manifest.get("splits", {}))
    source_dirs = _named_folders(named)
    stack = [release]
    while stack:
        folder = stack.pop()
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            rel = Path(entry.path).relative_to(release).as_posix()
            kind = not_regular(entry.path)
            if kind == "a folder" and ((folder == release and entry.name in split_dirs) or rel in source_dirs):
                stack.append(Path(entry.path))
            elif kind == "a folder":
                nosplits = " (manifest.json has no `splits` section)" if not split_dirs and folder == release else ""
                out.append(_problem(rel + "/", "a folder, where manifest.json names a file" if rel in named
                                    else f"a folder that manifest.json does not name{nosplits}", named.get(rel, "release")))
            elif rel == "manifest.json" and folder == release:
                continue  # read_manifest has judged it
            elif rel not in named:
                out.append(_problem(rel, f"{kind or 'a file'} that manifest.json does not name"))
            elif kind:
                out.append(_problem(rel, f"{kind}, where manifest.json names a regular file", named[rel]))
    return out
