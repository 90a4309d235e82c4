"""Run the stored Great Expectations suites (schema/expectations/*.json) over a
release's Parquet files, offline. Imported only by validation: GX is heavy."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from schema import HERE
from scripts import gx_report
from scripts.checks import Problem

SUITES = HERE / "expectations"


def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # never phone home
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # always ephemeral: --docs renders its own static report from the results (gx_report), since GX's
    # Data Docs load their styles and scripts from CDNs and keep every earlier run
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)  # keep CI logs clean
    return gx, ctx


def run(release: Path, docs_dir: Path | None = None) -> list[Problem]:
    """Problems found by the stored suites; with docs_dir, also a fresh HTML report there (index.html)."""
    import pyarrow.parquet as pq

    from schema.derive import to_frame

    gx, ctx = _context()
    source = ctx.data_sources.add_or_update_pandas("release")
    problems = []
    results = []
    for suite_file in sorted(SUITES.glob("*.json")):
        name = suite_file.stem
        path = release / f"{name}.parquet"
        if not path.exists():
            problems.append(Problem(name, "(file)", "great_expectations: file missing"))
            continue
        try:
            df = to_frame(pq.read_table(path))
        except Exception as e:  # an unreadable file is reported once, by the pandera pass too
            problems.append(Problem(name, "(file)", f"great_expectations: unreadable: {e}"))
            continue
        spec = json.loads(suite_file.read_text(encoding="utf-8"))
        suite = ctx.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=spec["expectations"]))
        asset = source.add_dataframe_asset(name=name)
        batch = asset.add_batch_definition_whole_dataframe(f"{name}-all")
        vd = ctx.validation_definitions.add_or_update(gx.ValidationDefinition(data=batch, suite=suite, name=name))
        result = vd.run(batch_parameters={"dataframe": df})
        results.append((name, result))
        for r in result.results:
            if not r.success:
                cfg = r.expectation_config
                col = cfg.kwargs.get("column", "(table)")
                ex = (r.result or {}).get("partial_unexpected_list") or (r.result or {}).get("observed_value")
                problems.append(Problem(name, str(col), f"great_expectations {cfg.type}",
                                        [repr(x) for x in (ex if isinstance(ex, list) else [ex])][:3]))
    if docs_dir:
        gx_report.write(docs_dir, release, results)
    return problems
