"""Validation's pandera pyspark.sql checks as Spark jobs (`python -m scripts.validate --engine spark`), in the
session of the Spark engine (scripts/spark.py). Here, in the release stage, not in the engine: the engine is
below the release stage (the Spark build, scripts/release/spark_build.py, uses it too), and a Problem is a
release's finding."""
from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from schema.spark import pandera_pyspark_schema
from scripts.release.conformance import Problem
from scripts.spark import LOCAL, session

CHECK_THREADS = 8  # tables validated at once: Spark runs the jobs of several threads side by side


def form_problems(release: Path, tables: Sequence[str], master: str = LOCAL) -> list[Problem]:
    """The pandera pyspark.sql schemas (schema/spark.py) run as Spark jobs on the release's Parquet files
    of `tables`, read by spark.read.parquet; each failed check is a Problem naming table and column."""
    spark = session(master)
    schemas = {name: pandera_pyspark_schema(name) for name in tables}  # here: pandera's imports are not thread-safe

    def check(name: str) -> list[Problem]:
        try:
            df = spark.read.parquet(str(release / f"{name}.parquet")).cache()  # read once for its many checks
            try:
                errors = schemas[name].validate(df).pandera.errors
            finally:
                df.unpersist()
        except Exception as e:  # a file Spark cannot read is a finding, not a crash
            return [Problem(name, "(file)", f"Spark could not check it: {str(e).strip().splitlines()[0]}")]
        return [Problem(name, e["column"] or "(rows)", f"pandera pyspark.sql: {e['check']}", [e["error"]])
                for reasons in errors.values() for found in reasons.values() for e in found]

    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        return [p for found in pool.map(check, tables) for p in found]
