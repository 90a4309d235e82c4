"""A self-contained HTML report of Great Expectations results (`validate --docs`): one static page,
styles inline, no script and nothing from a CDN, so it renders offline. Written fresh on every run."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import jinja2

from scripts import paths

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
MARKER = ".gx-report"  # marks a folder this module wrote, which the next run may replace


def _short(v: Any, width: int = 160) -> str:
    s = json.dumps(v, ensure_ascii=False, default=str)
    return s if len(s) <= width else s[:width - 1] + "…"


def _row(r: Any) -> dict[str, Any]:
    cfg = r.expectation_config
    kwargs = {k: v for k, v in cfg.kwargs.items() if k not in ("batch_id", "column")}
    res = r.result or {}
    observed = res.get("observed_value", res.get("partial_unexpected_list") if not r.success else None)
    if r.success and "unexpected_count" in res:
        observed = f"{res.get('element_count', '?')} values, {res['unexpected_count']} unexpected"
    return {"type": cfg.type, "column": cfg.kwargs.get("column", "(table)"), "kwargs": _short(kwargs),
            "success": bool(r.success), "observed": _short(observed) if observed is not None else ""}


def refusal(docs_dir: Path) -> str | None:
    """Why docs_dir may not be replaced by a report (it holds other files), or None."""
    if not docs_dir.exists() or docs_dir.resolve().is_relative_to(paths.BUILD.resolve()):
        return None
    if docs_dir.is_dir() and (not any(docs_dir.iterdir()) or (docs_dir / MARKER).exists()):
        return None
    return f"{docs_dir} holds files that no earlier report wrote; give an empty or new folder"


def write(docs_dir: Path, release: Path, results: list[tuple[str, Any]]) -> Path:
    """Replace docs_dir with a report of results ((suite name, ExpectationSuiteValidationResult) pairs);
    returns the path of its index.html."""
    suites = []
    for name, res in results:
        rows = [_row(r) for r in res.results]
        passed = sum(r["success"] for r in rows)
        suites.append({"name": name, "evaluated": len(rows), "passed": passed, "failed": len(rows) - passed,
                       "success": passed == len(rows), "results": rows})
    total = {k: sum(s[k] for s in suites) for k in ("evaluated", "passed", "failed")}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    html = env.get_template("gx_report.html.j2").render(
        release=release.as_posix(), suites=suites, total=total,
        run_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    why = refusal(docs_dir)
    if why:
        raise ValueError(why)
    shutil.rmtree(docs_dir, ignore_errors=True)  # fresh each run: no results pile up
    docs_dir.mkdir(parents=True)
    (docs_dir / MARKER).write_text("written by scripts/release/gx_report.py; replaced on every run\n", encoding="utf-8")
    index = docs_dir / "index.html"
    index.write_text(html, encoding="utf-8")
    return index
