"""Derived forms of the schema for Spark: the Spark SQL type of each declared column and a pandera
`pyspark.sql` schema per table, for the release's tables as `spark.read.parquet` reads them.
Nothing here declares a column; it translates what schema/tables.yaml says, as schema/derive.py does.

What a pyspark schema checks, per column: the Spark type (lists and structs whole), nullability, a
vocabulary (isin), min/max (ge/le) and a pattern (str_matches, anchored at the start like re.match;
Spark's rlike is a Java regex, and the declared patterns mean the same in both); and the table's key as
one unique combination. What it cannot express, and the pandas schema of schema/derive.py still checks
(`--engine spark` runs both): a vocabulary over a list's items, uniqueness of a single column that is not
the key, the cross-column rules of schema/rules.py, and the nullability of fields inside lists and
structs (Spark reads every Parquet field as nullable)."""
from __future__ import annotations

import datetime as dt
import sys
import types
from functools import cache

import pyspark.sql.types as T

from schema import Column, load

_SCALARS: dict[str, T.DataType] = {
    "string": T.StringType(),
    "int64": T.LongType(),
    "float64": T.DoubleType(),
    "bool": T.BooleanType(),
    "date32": T.DateType(),
    "timestamp[ms,Asia/Shanghai]": T.TimestampType(),  # an instant; Spark shows it in the session's zone
}


def spark_type(type_name: str) -> T.DataType:
    """The type `spark.read.parquet` gives a column of this declared type (fields inside are all nullable)."""
    type_name = type_name.replace(" ", "")
    if type_name in _SCALARS:
        return _SCALARS[type_name]
    if type_name.startswith("list<") and type_name.endswith(">"):
        return T.ArrayType(spark_type(type_name[5:-1]), containsNull=True)
    structs = load().structs
    if type_name in structs:
        return T.StructType([T.StructField(c.name, spark_type(c.type), nullable=True) for c in structs[type_name]])
    raise ValueError(f"unknown type {type_name!r} in schema/tables.yaml")


def _bound(col: Column, v):
    return dt.date.fromisoformat(v) if col.type == "date32" and isinstance(v, str) else v


def _checks(col: Column, pa_check) -> list:
    checks = []
    scalar = not col.type.replace(" ", "").startswith("list<")
    if col.vocab and scalar:
        checks.append(pa_check.isin(load().terms(col.vocab)))
    if col.min is not None:
        checks.append(pa_check.ge(_bound(col, col.min)))
    if col.max is not None:
        checks.append(pa_check.le(_bound(col, col.max)))
    if col.pattern:
        checks.append(pa_check.str_matches(col.pattern))
    return checks


def pandera_pyspark_schema(table: str):
    """The pandera pyspark.sql DataFrameSchema of a table (see the module docstring for what it covers)."""
    DataFrameSchema, PysparkColumn, Check = pandera_pyspark()
    t = load().tables[table]
    columns = {c.name: PysparkColumn(spark_type(c.type), checks=_checks(c, Check), nullable=c.nullable)
               for c in t.columns}
    return DataFrameSchema(columns, strict=True, unique=list(t.key), name=table)


@cache
def pandera_pyspark():
    """pandera's pyspark.sql API: (DataFrameSchema, Column, Check).

    pandera 0.35 imports pyspark.pandas (pandas-on-Spark) for a type union, and consults it when it looks
    for a check's backend; pyspark 4.3's pandas-on-Spark does not import with pandas 3 (removed pandas
    internals). Nothing here uses pandas-on-Spark, so: a stand-in module for that one import, and a check
    lookup that treats "pandas-on-Spark cannot be imported" as "not a pandas-like frame", after which pandera
    routes pyspark.sql frames to its pyspark.sql backend as it would without pandas-on-Spark installed."""
    try:
        import pyspark.pandas  # noqa: F401, PLC0415 - probed: with pandas 3 it does not import
    except ImportError:
        if "pandera.api.pyspark.types" not in sys.modules:
            stand_in = types.ModuleType("pyspark.pandas")
            stand_in.DataFrame = type("DataFrame", (), {})  # type: ignore[attr-defined]
            sys.modules["pyspark.pandas"] = stand_in
            try:
                import pandera.api.pyspark.types  # noqa: F401, PLC0415 - imported under the stand-in, once
            finally:
                del sys.modules["pyspark.pandas"]
            import pandera.backends.register_checks as reg  # noqa: PLC0415

            pandas_like = reg._load_get_backend_types_from_mro()

            def pandas_like_or_none(cls):
                try:
                    return pandas_like(cls) if pandas_like else None
                except ImportError:  # pandas-on-Spark again: a pyspark.sql frame is not pandas-like
                    return None

            reg._load_get_backend_types_from_mro = lambda: pandas_like_or_none  # type: ignore[assignment]
    import pandera.accessors.pyspark_sql_accessor  # noqa: F401, PLC0415 - registers DataFrame.pandera (the errors)
    from pandera.api.checks import Check  # noqa: PLC0415
    from pandera.api.pyspark import Column as PysparkColumn  # noqa: PLC0415
    from pandera.api.pyspark import DataFrameSchema  # noqa: PLC0415

    return DataFrameSchema, PysparkColumn, Check
