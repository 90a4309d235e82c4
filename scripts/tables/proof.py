"""What a table's proof reports, and the rules every table's proof shares.

A table module's `prove(t, manifest, f)` re-derives the columns it builds from what the release stores, by
the same functions its build uses, and checks them against the text and the rules. Its `PROOFS` lists the
checks `prove` runs, each with the tables it reads: scripts/release/proof.py runs each check only when all
of those tables are present and their form is sound, so a table untrusted yields no finding in another.
A finding names table, key and column and the rule that failed, and says what was expected and what was
found. Problem and the row comparison live here, below scripts/release/, so that a table module can
report one without importing a higher stage (and light: an entry point imports Problem before parsing)."""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # validate imports Problem before parsing its arguments: no pyarrow here
    import pyarrow as pa

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


# --- a module's checks --------------------------------------------------------------------------------

Check = Callable[[Mapping[str, Rows], "dict | None", "Findings"], None]
# (tables a check reads, the check): a module's PROOFS
Proofs = Sequence[tuple[tuple[str, ...], Check]]


def run(proofs: Proofs, t: Mapping[str, Rows], manifest: dict | None, f: Findings) -> None:
    """A module's checks, each when every table it reads is there (a module's `prove`)."""
    for needs, check in proofs:
        if all(n in t for n in needs):
            check(t, manifest, f)


# --- comparing rows -------------------------------------------------------------------------------------

def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def first_difference(expected: Any, found: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """Where two values first differ: (path inside the value, expected part, found part)."""
    if same(expected, found):
        return None
    if isinstance(expected, list) and isinstance(found, list):
        for i, (x, y) in enumerate(zip(expected, found)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return (f"{path} length", len(expected), len(found))
    if isinstance(expected, dict) and isinstance(found, dict):
        for k in list(expected) + [k for k in found if k not in expected]:
            d = first_difference(expected.get(k, MISSING), found.get(k, MISSING), f"{path}.{k}")
            if d:
                return d
    return (path, expected, found)


def compare_table(f: Findings, table: str, key: list[str], t: Mapping[str, Rows], rebuilt: Sequence[Mapping[str, Any]],
                  check: str) -> None:
    """Rebuilt rows against the stored table: as Arrow when the release's tables are at hand (ReleaseRows), so that
    neither side becomes Python rows while they agree; row by row (compare_rows) to name what differs."""
    from scripts.tables.arrow import to_table  # noqa: PLC0415 - pyarrow only when a proof runs (see the module docstring)

    rebuilt_table = to_table(table, rebuilt)
    if isinstance(t, ReleaseRows) and rebuilt_table.equals(t.arrow[table]):
        return
    compare_rows(f, table, key, t[table], rebuilt_table.to_pylist(), check)


def compare_rows(f: Findings, table: str, key: list[str], stored: Rows, rebuilt: Rows, check: str) -> None:
    """Rebuilt rows against stored rows: rows missing on either side, then every column
    (the union of both sides' columns) of every row present on both."""
    # The common case first, in C: rows equal by == are equal by same() too, as both sides hold the values of
    # one declared Arrow type per column (NaN is the exception, and fails == into the comparison below).
    if stored == rebuilt:
        return

    def k(r: dict) -> Any:
        return r[key[0]] if len(key) == 1 else tuple(r[c] for c in key)
    got = {k(r): r for r in reversed(stored)}  # the first of duplicates; duplicates are a key finding
    want = {k(r): r for r in reversed(rebuilt)}
    for key_ in sorted(want.keys() - got.keys(), key=str):
        f.add(table, key_, "(row)", f"{check}: a row the rules derive is missing")
    for key_ in sorted(got.keys() - want.keys(), key=str):
        f.add(table, key_, "(row)", f"{check}: a row the rules do not derive")
    for key_ in sorted(want.keys() & got.keys(), key=str):
        w, g = want[key_], got[key_]
        for col in list(w) + [c for c in g if c not in w]:
            d = first_difference(w.get(col, MISSING), g.get(col, MISSING))
            if d:
                path, exp, fnd = d
                f.add(table, key_ if not path else f"{show_key(key_)} {col}{path}", col, check, exp, fnd)


class ReleaseRows(Mapping[str, Rows]):
    """The release's tables as Python rows, each converted on first use and kept: a check that needs no
    rows of a table (the task tables, compared as Arrow) never pays for them. `arrow`: the tables themselves."""

    def __init__(self, tables: Mapping[str, pa.Table]) -> None:
        self.arrow, self._rows = tables, {}  # type: ignore[var-annotated]

    def __getitem__(self, name: str) -> Rows:
        if name not in self._rows:
            self._rows[name] = self.arrow[name].to_pylist()
        return self._rows[name]

    def release(self, name: str) -> None:
        """Let a table's Python rows go (its Arrow table stays): a later read converts it again."""
        self._rows.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.arrow

    def __iter__(self) -> Iterator[str]:
        return iter(self.arrow)

    def __len__(self) -> int:
        return len(self.arrow)
