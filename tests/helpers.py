"""Shared helpers for tests that break an input on purpose."""
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
