"""Derived forms of the schema: pyarrow schema, Hugging Face Features, pandera
schema and the Markdown data dictionary. Nothing here declares a column; it
only translates what schema/tables.yaml says."""
from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa

from schema import Column, Table, load

_SCALARS = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "timestamp[ms,Asia/Shanghai]": pa.timestamp("ms", tz="Asia/Shanghai"),
}
_LIST = re.compile(r"^list<(.+)>$")


def arrow_type(type_name: str) -> pa.DataType:
    type_name = type_name.replace(" ", "")
    if type_name in _SCALARS:
        return _SCALARS[type_name]
    m = _LIST.match(type_name)
    if m:
        return pa.list_(arrow_type(m.group(1)))
    structs = load().structs
    if type_name in structs:
        return pa.struct([arrow_field(c) for c in structs[type_name]])
    raise ValueError(f"unknown type {type_name!r} in schema/tables.yaml")


def arrow_field(col: Column) -> pa.Field:
    meta = {"description": col.description}
    if col.unit:
        meta["unit"] = col.unit
    if col.vocab:
        meta["vocab"] = col.vocab
    return pa.field(col.name, arrow_type(col.type), nullable=col.nullable, metadata=meta)


def arrow_schema(table: str | Table) -> pa.Schema:
    t = load().tables[table] if isinstance(table, str) else table
    return pa.schema([arrow_field(c) for c in t.columns], metadata={"table": t.name, "schema_version": load().schema_version})


def hf_features(table: str):
    """datasets.Features for a table, derived from its Arrow schema."""
    import datasets

    return datasets.Features.from_arrow_schema(arrow_schema(table))


# --- pandas / pandera -------------------------------------------------------

def to_frame(tbl: pa.Table):
    """The one pandas view of an Arrow table that the pandera schemas expect:
    nullable integer and boolean columns stay integer/boolean."""
    import pandas as pd

    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return tbl.to_pandas(types_mapper=mapping.get)


def _as_bound(col: Column, v):
    if col.type == "date32" and isinstance(v, str):
        return dt.date.fromisoformat(v)
    return v


def _is_list(value) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, (str, bytes, dict))


def pandera_schema(table: str):
    import pandera.pandas as pa_

    schema = load()
    t = schema.tables[table]
    columns = {}
    for col in t.columns:
        checks = []
        base = col.type.replace(" ", "")
        if col.vocab and not base.startswith("list<"):
            checks.append(pa_.Check.isin(schema.terms(col.vocab), error=f"{col.name} outside vocab {col.vocab}"))
        if col.vocab and base.startswith("list<"):
            allowed = set(schema.terms(col.vocab))
            checks.append(pa_.Check(lambda s, a=allowed: s.map(lambda v: all(x in a for x in v)),
                                    element_wise=False, error=f"{col.name} has a term outside vocab {col.vocab}"))
        if col.min is not None:
            checks.append(pa_.Check.ge(_as_bound(col, col.min), error=f"{col.name} below {col.min}"))
        if col.max is not None:
            checks.append(pa_.Check.le(_as_bound(col, col.max), error=f"{col.name} above {col.max}"))
        if col.pattern:
            checks.append(pa_.Check.str_matches(col.pattern, error=f"{col.name} does not match {col.pattern}"))
        if base.startswith("list<") or base in load().structs:
            shape = _is_list if base.startswith("list<") else (lambda v: isinstance(v, dict))
            checks.append(pa_.Check(lambda s, shape=shape: s.map(shape), error=f"{col.name} is not a {base}"))
        columns[col.name] = pa_.Column(_pandas_dtype(base), checks=checks, nullable=col.nullable,
                                       unique=col.unique, required=True, description=col.description)
    return pa_.DataFrameSchema(columns, checks=table_checks(table), strict=True, ordered=True,
                               unique=t.key if len(t.key) > 1 else None, name=table, coerce=False)


# --- rules across columns, named in tables.yaml `checks:` -----------------------

def _ordered(df, columns, strict=False):
    a, b = df[columns[0]], df[columns[1]]
    both = a.notna() & b.notna()
    ok = (a < b) if strict else (a <= b)
    return ~both | ok.fillna(False).astype(bool)


def _not_after(df, columns):
    import pandas as pd
    a, b = df[columns[0]], df[columns[1]]
    later = pd.Series([x is not None and y is not pd.NaT and y is not None and not pd.isna(y) and x > y.date()
                       for x, y in zip(a, b)], index=df.index)
    return ~later


def _length_of(df, columns):
    return df[columns[0]] == df[columns[1]].map(len)


def _unit_allowed(df):
    units = {m: set(v["units"]) for m, v in load().vocab["metric"].items()}
    return df.apply(lambda r: r["unit"] in units.get(r["metric"], set()), axis=1)


def _non_negative(df, columns):
    ok = True
    for c in columns:
        ok = ok & ((df[c] >= 0) | df["is_change"].astype(bool))
    return ok


SHARE_METRICS = ("share", "revenue_share", "repurchase_rate", "penetration_rate")


def _share_0_100(df):
    share = df["metric"].isin(SHARE_METRICS) & ~df["is_change"].astype(bool)
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


TABLE_CHECKS = {
    "ordered": _ordered, "not_after": _not_after, "length_of": _length_of,
    "unit_allowed_for_metric": lambda df: _unit_allowed(df),
    "non_negative_unless_change": _non_negative,
    "percent_share_within_0_100": lambda df: _share_0_100(df),
    "value_within_bounds": lambda df: _within_bounds(df),
    "bound_matches_range": lambda df: _bound_matches_range(df),
    "supported_within_tolerance": lambda df: _supported_within_tolerance(df),
}


def table_checks(table: str) -> list:
    import pandera.pandas as pa_

    out = []
    for spec in load().tables[table].checks:
        spec = dict(spec)
        kind = spec.pop("kind")
        fn = TABLE_CHECKS[kind]
        label = kind + (f"({', '.join(spec['columns'])})" if "columns" in spec else "")
        out.append(pa_.Check(lambda df, fn=fn, spec=spec: fn(df, **spec), name=label, error=label))
    return out


def _pandas_dtype(base: str):
    import pandas as pd
    import pandera.pandas as pa_

    if base == "string":
        return pd.StringDtype(na_value=float("nan"))
    if base == "int64":
        return pd.Int64Dtype()
    if base == "float64":
        return "float64"
    if base == "bool":
        return pd.BooleanDtype()
    if base == "date32":
        return pa_.Date
    if base.startswith("timestamp"):
        return pd.DatetimeTZDtype(unit="ms", tz="Asia/Shanghai")
    return None  # lists and structs: object columns, checked by shape above


# --- documentation -----------------------------------------------------------

def data_dictionary(table: str) -> str:
    """Markdown table of a table's columns: the card and the datasheet embed it."""
    t = load().tables[table]
    lines = ["| column | type | null | unit / vocabulary | description |", "|---|---|---|---|---|"]
    for c in t.columns:
        unit = c.unit or (f"vocab `{c.vocab}`" if c.vocab else "")
        desc = c.description.replace("|", "\\|")
        lines.append(f"| `{c.name}` | `{c.type}` | {'yes' if c.nullable else 'no'} | {unit} | {desc} |")
    return "\n".join(lines)


def vocab_table(vocab: str) -> str:
    terms = load().vocab[vocab]
    lines = ["| term | definition |", "|---|---|"]
    for term, spec in terms.items():
        definition = spec if isinstance(spec, str) else spec.get("definition", "")
        lines.append(f"| `{term}` | {definition} |")
    return "\n".join(lines)
