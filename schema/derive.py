"""Derived forms of the schema: pyarrow schema, pandera schema and the Markdown data
dictionary (the Hugging Face Features are in schema/hf.py, so validation never imports `datasets`). Nothing here declares a column; it
only translates what schema/tables.yaml says."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pandera.pandas as pa_
import pyarrow as pa

from schema import Column, Table, load
from schema.rules import pandera_checks

_SCALARS = {
    "string": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date32": pa.date32(),
    "timestamp[ms,Asia/Shanghai]": pa.timestamp("ms", tz="Asia/Shanghai"),
}
LIST = re.compile(r"^list<(.+)>$")


def arrow_type(type_name: str) -> pa.DataType:
    type_name = type_name.replace(" ", "")
    if type_name in _SCALARS:
        return _SCALARS[type_name]
    m = LIST.match(type_name)
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


# --- pandas / pandera -------------------------------------------------------

def to_frame(tbl: pa.Table):
    """The one pandas view of an Arrow table that the pandera schemas expect:
    nullable integer and boolean columns stay integer/boolean."""

    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return tbl.to_pandas(types_mapper=mapping.get)


def _as_bound(col: Column, v):
    if col.type == "date32" and isinstance(v, str):
        return dt.date.fromisoformat(v)
    return v


def _is_list(value) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, (str, bytes, dict))


def pandera_schema(table: str):

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
    return pa_.DataFrameSchema(columns, checks=pandera_checks(table), strict=True, ordered=True,
                               unique=t.key if len(t.key) > 1 else None, name=table, coerce=False)


def _pandas_dtype(base: str):
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
