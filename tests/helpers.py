"""Shared helpers for tests that break an input on purpose, or run the build as a process of its own."""
import multiprocessing
import os
import resource
import signal
import sys
from pathlib import Path

import pytest
from conftest import tree_digest

from scripts.build import build
from scripts.errors import InputError


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in a file; returns the 1-based line where the edit starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def build_fails(project: Path, file_name: str, reason: str, line: int | None = None) -> InputError:
    """The build stops with an InputError naming the file (and line), and leaves
    every existing release byte for byte as it was."""
    before = tree_digest(project / "dataset")
    with pytest.raises(InputError) as e:
        build(root=project, quiet=True)
    err = e.value
    assert Path(err.path).name == file_name, str(err)
    assert reason in err.reason, str(err)
    if line is not None:
        assert err.line == line, str(err)
    assert tree_digest(project / "dataset") == before
    return err


# Children forked from a server that has imported the build once: a build process starts in milliseconds
# instead of paying the imports again (the build's own entry point, `python -m scripts.build`, keeps one
# test of its own as a plain subprocess: tests/test_bad_input.py).
_FORKS = multiprocessing.get_context("forkserver")
_FORKS.set_forkserver_preload(["scripts.build"])


def _build_child(root: str, output: str, max_file_bytes: int | None) -> None:
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout, sys.stderr = open(1, "w", closefd=False), open(2, "w", closefd=False)
    sys.dont_write_bytecode = True
    if max_file_bytes is not None:  # a full disk: writes past the limit fail with EFBIG instead of killing us
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))
    from scripts.build import main
    code = main(["--quiet", "--root", root])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def build_process(root: Path, output: Path, max_file_bytes: int | None = None) -> multiprocessing.process.BaseProcess:
    """A started process running `scripts.build` main() on root (as `python -m scripts.build --quiet --root
    root` does), stdout and stderr into output, optionally with a file size limit. Its exitcode is main()'s."""
    p = _FORKS.Process(target=_build_child, args=(str(root), str(output), max_file_bytes), daemon=True)
    p.start()
    return p
