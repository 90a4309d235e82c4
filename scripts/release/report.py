"""A validation report that puts the cause first: one line per broken rule, the table the change was
made in before the tables derived from it, and those derived problems named as consequences.

pandera reports a check over several columns once per column (an edit of claims.unit fails
`unit_allowed_for_metric` on all 34 columns of the row); a reader needs the rule and the row once."""
from __future__ import annotations

import json
import re

import schema
from scripts.release.conformance import Problem
from scripts.tables import dependencies


def _upstream() -> dict[str, set[str]]:
    """table -> every table it is derived from, directly or not."""
    deps = dependencies()
    out: dict[str, set[str]] = {}

    def walk(t: str) -> set[str]:
        if t not in out:
            out[t] = set()
            for d in deps.get(t, ()):
                out[t] |= {d} | walk(d)
        return out[t]
    for t in deps:
        walk(t)
    return out


def _merged(table: str, check: str, ps: list[Problem]) -> Problem:
    if len(ps) == 1:
        return ps[0]
    # the columns the rule is named after (unit_allowed_for_metric: unit, metric) show the row's values
    named = [p for p in ps if re.search(rf"(^|_){re.escape(p.column)}(_|$)", check)] or ps[:1]
    examples = [f"{p.column} {p.examples[0]}" if p.examples else p.column for p in named]
    return Problem(table, "(row)", f"{check} (fails on {len(ps)} columns of the same rows)", examples)


def group(problems: list[Problem]) -> list[Problem]:
    """Problems grouped by rule, in the order cause first."""
    by_rule: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        by_rule.setdefault((p.table, p.check), []).append(p)
    merged = [_merged(t, c, ps) for (t, c), ps in by_rule.items()]
    order = {t: i for i, t in enumerate(schema.table_names())}
    merged.sort(key=lambda p: order.get(p.table, -1))  # stable: within a table, the validation's own order
    broken = {p.table for p in merged}
    up = _upstream()
    out = []
    for p in merged:
        causes = sorted(up.get(p.table, set()) & broken, key=lambda t: order.get(t, -1))
        if causes and p.column != "(file)":
            p = Problem(p.table, p.column, f"{p.check} [follows from the problem(s) in {', '.join(causes)} above: "
                                           f"'expected' is what {p.table} would be if built from {', '.join(causes)} as found]",
                        p.examples)
        out.append(p)
    return out


def as_json(release: str, problems: list[Problem]) -> str:
    rows = [{"table": p.table, "column": p.column, "check": p.check, "examples": [str(e) for e in p.examples[:5]]}
            for p in group(problems)]
    return json.dumps({"release": release, "valid": not rows, "problems": rows}, ensure_ascii=False, indent=1)
