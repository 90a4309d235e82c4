"""The one error type for bad input: it always names a file and a line."""
from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    def __init__(self, path: Path | str, line: int, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{self.path}:{line}: {reason}")

    def __reduce__(self):  # raised in a worker process, it is pickled back with its three parts
        return InputError, (self.path, self.line, self.reason)


class ReleaseError(Exception):
    """A release that must not be written (immutable version changed, validation failed)."""
