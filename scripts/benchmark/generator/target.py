"""Where `generate --out` may write, and what it may remove there.

A generated corpus is marked by a file listing what the generator wrote; a rerun into it removes only
those files. Any other non-empty folder is refused (unless forced), and a folder holding this project's
own seeds is refused always: a generator run must never cost a user a file they made."""
from __future__ import annotations

import json
from pathlib import Path

MARKER = ".kec-generated.json"


class TargetError(Exception):
    """The output folder cannot be written; the message says why and what to do."""


def _is_project(folder: Path, project_root: Path) -> bool:
    seeds = project_root / "seeds"
    try:
        if folder.resolve() == project_root.resolve():
            return True
        return (folder / "seeds").exists() and (folder / "seeds").resolve() == seeds.resolve()
    except OSError:
        return False


def prepare(out: Path, project_root: Path, force: bool = False) -> None:
    """Check `out` and clear what an earlier run wrote there; raise TargetError when it must not be touched."""
    if out.exists() and not out.is_dir():
        raise TargetError(f"--out {out} is a file, not a folder: give a new or empty folder")
    resolved = out.resolve()
    root = project_root.resolve()
    if _is_project(out, project_root) or resolved in root.parents or (root / "seeds") in (resolved, *resolved.parents):
        raise TargetError(f"--out {out} holds (or is inside) this project's own seeds: give a new folder, e.g. --out build/corpus")
    if not out.exists() or not any(out.iterdir()):
        return
    marker = out / MARKER
    if marker.is_file():
        remove_written(out)
    elif not force:
        raise TargetError(f"--out {out} is not empty and was not written by generate: give a new or empty folder, "
                          "or --force to write into it (files it writes are replaced, nothing else is removed)")


def remove_written(out: Path) -> None:
    """Remove the files the marker lists (and folders left empty by that), nothing else."""
    marker = out / MARKER
    try:
        written = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise TargetError(f"{marker}: unreadable marker ({e}): remove it or give a new folder") from e
    base = out.resolve()
    for rel in written:
        p = (out / rel).resolve()
        if base in p.parents and p.is_file():
            p.unlink()
    for d in sorted({(out / rel).parent for rel in written}, key=lambda q: len(q.parts), reverse=True):
        while d != out and d.is_dir() and not any(d.iterdir()):
            d.rmdir()
            d = d.parent
    marker.unlink()


def mark(out: Path, before: set[Path]) -> None:
    """Record every file under `out` that was not there before the run: the rerun removes exactly these."""
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p not in before)
    (out / MARKER).write_text(json.dumps({"files": files}, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
