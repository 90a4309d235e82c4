"""Rules across columns, named in tables.yaml (`rules:` of a table, with their
columns) and implemented here, once: pandera runs them at build and validation time.
Each rule takes a pandas DataFrame and returns a boolean Series, True where a row holds."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa_

from schema import load


def _ordered(df, columns, strict=False):
    a, b = df[columns[0]], df[columns[1]]
    both = a.notna() & b.notna()
    ok = (a < b) if strict else (a <= b)
    return ~both | ok.fillna(False).astype(bool)


def _not_after(df, columns):
    a, b = df[columns[0]], df[columns[1]]
    later = pd.Series([x is not None and y is not pd.NaT and y is not None and not pd.isna(y) and x > y.date()
                       for x, y in zip(a, b)], index=df.index)
    return ~later


def _length_of(df, columns):
    return df[columns[0]] == df[columns[1]].map(len)


def _true_implies_value(df, columns):
    """Where the flag (first column) is true, the second column is not null."""
    return ~df[columns[0]].astype(bool) | df[columns[1]].notna()


def _unit_allowed(df):
    sch = load()
    return df.apply(lambda r: r["metric"] in sch.vocab["metric"] and r["unit"] in sch.units_for(r["metric"]), axis=1)


def _non_negative(df, columns):
    ok = True
    for c in columns:
        ok = ok & ((df[c] >= 0) | df["is_change"].astype(bool))
    return ok


def _share_0_100(df):
    share = df["metric"].isin(load().terms_with("metric", "share")) & ~df["is_change"].astype(bool)
    return ~share | ((df["value"] >= 0) & (df["value"] <= 100))


def _within_bounds(df):
    low_ok = df["value_low"].isna() | (df["value_low"] <= df["value"])
    high_ok = df["value_high"].isna() | (df["value"] <= df["value_high"])
    return low_ok & high_ok


def _bound_matches_range(df):
    b = df["bound"]
    lower = b.isin(["more_than", "at_least"])
    upper = b.isin(["less_than", "at_most"])
    return (~lower | df["value_low"].notna()) & (~upper | df["value_high"].notna()) & \
        ((b != "exact") | (df["value_low"].isna() & df["value_high"].isna()))


def _supported_within_tolerance(df):
    """A supported verdict cannot rest on values further apart than the rule allows;
    one without facts must be not_enough_info."""
    supported = df["verdict"] == "supported"
    err_ok = df["relative_error"].isna() | (df["relative_error"] <= df["tolerance"] + 1e-12)
    has_facts = df["fact_ids"].map(len) > 0
    return (~supported | (err_ok & has_facts)) & ((df["verdict"] != "not_enough_info") | ~has_facts)


RULES = {
    "ordered": _ordered, "not_after": _not_after, "length_of": _length_of, "true_implies_value": _true_implies_value,
    "unit_allowed_for_metric": lambda df: _unit_allowed(df),
    "non_negative_unless_change": _non_negative,
    "percent_share_within_0_100": lambda df: _share_0_100(df),
    "value_within_bounds": lambda df: _within_bounds(df),
    "bound_matches_range": lambda df: _bound_matches_range(df),
    "supported_within_tolerance": lambda df: _supported_within_tolerance(df),
}


def pandera_checks(table: str) -> list:
    """The table's declared rules as pandera DataFrame checks, each named after its rule."""
    out = []
    for spec in load().tables[table].rules:
        spec = dict(spec)
        kind = spec.pop("kind")
        fn = RULES[kind]
        label = kind + (f"({', '.join(spec['columns'])})" if "columns" in spec else "")
        out.append(pa_.Check(lambda df, fn=fn, spec=spec: fn(df, **spec), name=label, error=label))
    return out
