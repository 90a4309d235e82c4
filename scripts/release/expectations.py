"""Run the Great Expectations suites derived from schema/ (schema/gx_suites.py) over a
release's Parquet files, offline. Imported only by validation: GX is heavy."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import great_expectations as gx
import pyarrow.parquet as pq
from great_expectations.data_context.types.base import ProgressBarsConfig

import schema
from schema import gx_suites
from schema.derive import to_frame
from scripts.release.conformance import Problem


def _context(docs_dir: Path | None) -> tuple[Any, Any]:
    logging.getLogger("great_expectations").setLevel(logging.ERROR)

    ctx: Any = (gx.get_context(mode="file", project_root_dir=str(docs_dir)) if docs_dir
                else gx.get_context(mode="ephemeral"))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)  # keep CI logs clean
    return gx, ctx


def run(release: Path, docs_dir: Path | None = None, tables: dict | None = None) -> list[Problem]:
    """tables: the release's Arrow tables when the caller has read them already."""
    gx, ctx = _context(docs_dir)
    source = ctx.data_sources.add_or_update_pandas("release")
    problems = []
    for name in schema.table_names():
        path = release / f"{name}.parquet"
        if not path.exists():
            problems.append(Problem(name, "(file)", "great_expectations: file missing"))
            continue
        try:
            df = to_frame(tables[name] if tables and name in tables else pq.read_table(path))
        except Exception as e:  # an unreadable file is reported once, by the pandera pass too
            problems.append(Problem(name, "(file)", f"great_expectations: unreadable: {e}"))
            continue
        spec = gx_suites.suite(name)
        suite = gx.ExpectationSuite(name=name, expectations=spec["expectations"])
        asset = source.add_dataframe_asset(name=name)
        batch = asset.add_batch_definition_whole_dataframe(f"{name}-all")
        if docs_dir:  # Data Docs render stored suites and validation results
            suite = ctx.suites.add_or_update(suite)
            vd = ctx.validation_definitions.add_or_update(gx.ValidationDefinition(data=batch, suite=suite, name=name))
            result = vd.run(batch_parameters={"dataframe": df})
        else:  # nothing to store: validating the batch directly halves the time GX takes
            result = batch.get_batch(batch_parameters={"dataframe": df}).validate(suite)
        for r in result.results:
            if not r.success:
                cfg = r.expectation_config
                col = cfg.kwargs.get("column", "(table)")
                ex = (r.result or {}).get("partial_unexpected_list") or (r.result or {}).get("observed_value")
                problems.append(Problem(name, str(col), f"great_expectations {cfg.type}",
                                        [repr(x) for x in (ex if isinstance(ex, list) else [ex])][:3]))
    if docs_dir:
        ctx.build_data_docs()
    return problems
