"""The tools tell the truth: `validate --docs` writes a self-contained report at the path it prints, fresh
each run, that shows failures; tolerance columns carry their unit."""
import re
import shutil
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import ROOT

import schema
from schema import gx_suites
from scripts.normalize import tolerances
from scripts.release import gx_report
from scripts.release.write import write_parquet


def test_validate_docs_writes_a_fresh_self_contained_report_that_shows_failures(release, tmp_path):
    broken = tmp_path / release.name
    shutil.copytree(release, broken)
    t = pq.read_table(broken / "claim_verdicts.parquet")
    verdicts = t.column("verdict").to_pylist()
    verdicts[0] = "maybe"
    write_parquet(t.set_column(t.schema.get_field_index("verdict"), t.schema.field("verdict"), pa.array(verdicts)),
                  broken / "claim_verdicts.parquet")
    docs = tmp_path / "report"
    docs.mkdir()
    (docs / "notes.txt").write_text("someone else's file", encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "scripts.validate", str(broken), "--docs", str(docs)],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "no earlier report wrote" in refused.stderr and (docs / "notes.txt").exists()
    (docs / "notes.txt").unlink()
    (docs / gx_report.MARKER).write_text("", encoding="utf-8")  # as an earlier run leaves it
    (docs / "stale.html").write_text("an earlier run", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "scripts.validate", str(broken), "--docs", str(docs)],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 1
    printed = re.search(r"Great Expectations report: (\S+)", r.stdout).group(1)
    assert printed == str(docs / "index.html")
    assert sorted(p.name for p in docs.iterdir()) == [gx_report.MARKER, "index.html"]  # nothing left from earlier runs
    html = (docs / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|src=|@import|url\(", html), "the report must not load anything"
    n = sum(len(gx_suites.suite(name)["expectations"]) for name in schema.table_names())
    assert f"{n - 1} of {n} expectations passed" in html
    section = html[html.index('<h2 id="claim_verdicts">'):html.index("</table>", html.index('<h2 id="claim_verdicts">'))]
    assert "FAILED" in section and "maybe" in section
    assert html.count(">FAILED<") == 2  # the suite in the summary, and its expectation


def test_every_tolerance_has_a_unit_and_the_tables_carry_it(release):
    assert set(tolerances.UNITS) == set(tolerances.TOLERANCES)
    assert set(tolerances.UNITS.values()) <= set(schema.load().terms("tolerance_unit"))
    for row in pq.read_table(release / "claim_relations.parquet").to_pylist():
        assert (row["tolerance"], row["tolerance_unit"]) == (tolerances.TOLERANCES[row["rule"]], tolerances.UNITS[row["rule"]])
    units = {}
    for row in pq.read_table(release / "claim_verdicts.parquet").to_pylist():
        units.setdefault(row["rule"], set()).add((row["tolerance"], row["tolerance_unit"]))
        if row["verdict"] == "not_enough_info" and not row["fact_ids"]:
            assert (row["tolerance"], row["tolerance_unit"]) == (0.0, "none")
    assert units["change_match"] == {(tolerances.TOLERANCES["change_match"], "percentage_points")}
    assert units["value_match"] == {(tolerances.TOLERANCES["value_match"], "fraction")}
