"""Run the Great Expectations suites derived from schema/ (schema/gx_suites.py) over a
release's Parquet files, offline. Imported only by validation: GX is heavy."""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import great_expectations as gx
import pyarrow.parquet as pq
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.execution_engine import pandas_execution_engine
from great_expectations.validator.v1_validator import Validator

import schema
from schema import gx_suites
from schema.derive import to_frame
from scripts.release import gx_report
from scripts.release.conformance import Problem


def _context() -> Any:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    # always ephemeral: --docs renders its own static report from the results (gx_report), since GX's
    # Data Docs load their styles and scripts from CDNs and keep every earlier run
    ctx: Any = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)  # keep CI logs clean
    # GX labels each pandas batch with a fingerprint of the frame (pickled whole when a column holds lists): it
    # is metadata of a stored result, and nothing here is stored; at 10,000 documents it took longer than the
    # expectations themselves
    pandas_execution_engine.HASH_THRESHOLD = 0
    return ctx


def run(release: Path, docs_dir: Path | None = None, tables: dict | None = None,
        names: Sequence[str] | None = None) -> list[Problem]:
    """Problems found by the suites; with docs_dir, also a fresh HTML report there (index.html).
    tables: the release's Arrow tables when the caller has read them already; names: the tables to check (default
    all; one part of a corpus, scripts/release/spark_validate.py, checks the tables it holds)."""
    ctx = _context()
    # one asset and one batch definition for every table (each frame is a batch parameter): each one added
    # re-serialises the context's whole configuration
    batches = ctx.data_sources.add_or_update_pandas("release").add_dataframe_asset(name="release") \
        .add_batch_definition_whole_dataframe("whole table")
    problems: list[Problem] = []
    results = []
    for name in schema.table_names() if names is None else names:
        path = release / f"{name}.parquet"
        if not path.exists():
            problems.append(Problem(name, "(file)", "great_expectations: file missing"))
            continue
        try:
            df = to_frame(tables[name] if tables and name in tables else pq.read_table(path))
        except Exception as e:  # an unreadable file is reported once, by the pandera pass too
            problems.append(Problem(name, "(file)", f"great_expectations: unreadable: {e}"))
            continue
        suite = gx.ExpectationSuite(name=name, expectations=gx_suites.suite(name)["expectations"])
        # nothing to store: the batch validated directly (the validator Batch.validate and ValidationDefinition.run
        # both build), which makes the batch once; a pass/fail answer first (a third faster), the details
        # (examples, observed values) only for a table that fails or a report, from the same batch
        validator = Validator(batch_definition=batches, batch_parameters={"dataframe": df},
                              result_format="SUMMARY" if docs_dir else "BOOLEAN_ONLY")
        result = validator.validate_expectation_suite(suite)
        if not result.success and not docs_dir:
            validator.result_format = "SUMMARY"
            result = validator.validate_expectation_suite(suite)
        results.append((name, result))
        for r in result.results:
            if not r.success:
                cfg = r.expectation_config  # always set on a suite's result; typed optional
                col = cfg.kwargs.get("column", "(table)") if cfg else "(table)"
                ex = (r.result or {}).get("partial_unexpected_list") or (r.result or {}).get("observed_value")
                problems.append(Problem(name, str(col), f"great_expectations {cfg.type if cfg else '(unknown)'}",
                                        [repr(x) for x in (ex if isinstance(ex, list) else [ex])][:3]))
    if docs_dir:
        gx_report.write(docs_dir, release, results)
    return problems
