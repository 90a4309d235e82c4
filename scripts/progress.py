"""Per-stage progress on a terminal (rich), silent in CI or when piped."""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager

from rich.console import Console


class Stages:
    def __init__(self, quiet: bool = False):
        self.quiet = quiet or bool(os.environ.get("CI")) or not sys.stderr.isatty()
        self.total = 0.0
        self.timings: dict[str, float] = {}

    def __enter__(self):
        if not self.quiet:
            self.console = Console(stderr=True)
        return self

    def __exit__(self, *exc):
        return False

    @contextmanager
    def stage(self, name: str):
        t0 = time.perf_counter()
        if self.quiet:
            yield
        else:
            with self.console.status(f"[bold]{name}…"):
                yield
        dt = time.perf_counter() - t0
        self.timings[name] = dt
        self.total += dt
        if not self.quiet:
            self.console.print(f"[green]✓[/] {name} [dim]{dt:.2f}s[/]")
