"""File helpers every stage shares: one content hash, one atomic text write."""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def sha256_file(path: Path | str) -> str:
    return sha256_bytes(Path(path).read_bytes())


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_text_atomic(path: Path, content: str) -> None:
    """Write beside the target, then rename: a reader never sees half a file. The temp name
    carries the process id, so a concurrent build's file is never taken for debris."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        with open(tmp, "x", encoding="utf-8") as f:  # exclusive: a symlink planted at tmp is not followed
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def not_regular(path: Path | str) -> str | None:
    """None when path is a regular file (not a symlink); else what it is, for a report. Asked before any file
    of a release is opened: a FIFO would block the reader, a folder or a link to a system file is not data."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as e:
        return f"unreadable ({e.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symlink"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    return "not a regular file"
