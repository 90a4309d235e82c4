"""What a table's proof reports, and the rules every table's proof shares.

A table module's `prove(t, manifest, f)` checks the columns it derives against the text and the rules
(scripts/validate.py runs every module's proof, beside scripts/rederive.py's re-derivation). A finding
names table, key and column and the rule that failed, and says what was expected and what was found.
Problem lives here, below scripts/release/, so that a table module can report one without importing
a higher stage."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Rows = list[dict[str, Any]]


@dataclass
class Problem:
    table: str
    column: str
    check: str
    examples: list = field(default_factory=list)

    def __str__(self) -> str:
        ex = "; ".join(str(e) for e in self.examples[:3])
        return f"{self.table}.{self.column}: {self.check}" + (f" — e.g. {ex}" if ex else "")

    def lines(self, limit: int = 20) -> list[str]:
        """One line per row the problem names: table and column, the rule, then the row's key and what was
        expected and found. Beyond `limit` rows, one line says how many more."""
        head = f"{self.table}.{self.column}: {self.check}"
        out = [f"{head} — {e}" for e in self.examples[:limit]] or [head]
        if len(self.examples) > limit:
            out.append(f"{head} — and {len(self.examples) - limit} more row(s)")
        return out


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


MISSING = _Missing()


def show_key(key: Any) -> str:
    return "/".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def short(v: Any, limit: int = 120) -> str:
    s = repr(v)
    return s if len(s) <= limit else s[: limit - 1] + "…"


class Findings:
    """Findings grouped by (table, column, check); each example names the row's key."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)

    def add(self, table: str, key: Any, column: str, check: str, expected: Any = MISSING, found: Any = MISSING) -> None:
        ex = f"{show_key(key)}"
        if expected is not MISSING:
            ex += f": expected {short(expected)}, found {short(found)}"
        self._groups[(table, column, check)].append(ex)

    def problems(self) -> list[Problem]:
        return [Problem(t, c, chk, ex) for (t, c, chk), ex in self._groups.items()]


def duplicates(f: Findings, table: str, rows: Rows, key: str, ignore: tuple[str, ...] = ()) -> None:
    """No two rows with the same content under different ids: a row copied under a new key is refused."""
    seen: dict[str, str] = {}
    for r in rows:
        content = repr(sorted((k, v) for k, v in r.items() if k != key and k not in ignore))
        if content in seen:
            f.add(table, r[key], key, f"no two rows with the same content (as {seen[content]})")
        else:
            seen[content] = r[key]


def by_doc(rows: Rows) -> Mapping[str, Rows]:
    out: dict[str, Rows] = defaultdict(list)
    for r in rows:
        out[r["doc_id"]].append(r)
    return out
