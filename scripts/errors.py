"""The one error type for bad input: it always names a file and a line."""
from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    def __init__(self, path: Path | str, line: int, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line}: {reason}")


class ReleaseError(Exception):
    """A release that must not be written (immutable version changed, validation failed)."""
