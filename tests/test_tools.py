"""The tools tell the truth: `validate --docs` writes a self-contained report at the path it prints, fresh
each run, that shows failures; tolerance columns carry their unit."""
import re
import sys

import pyarrow.parquet as pq

import schema
from schema import gx_suites
from scripts.normalize import tolerances
from scripts.release import gx_report
from scripts.validate import main as validate_main


def test_validate_docs_refuses_a_folder_it_did_not_write(release, tmp_path, capsys):
    docs = tmp_path / "report"
    docs.mkdir()
    (docs / "notes.txt").write_text("someone else's file", encoding="utf-8")
    assert validate_main([str(release), "--docs", str(docs)]) == 2
    assert "no earlier report wrote" in capsys.readouterr().err and (docs / "notes.txt").exists()


def test_validate_docs_writes_a_fresh_self_contained_report_that_shows_failures(gx_defect_report):
    rc, out, err, docs = gx_defect_report  # claim_verdicts.verdict "maybe"; the folder held a stale page
    assert rc == 1, err
    printed = re.search(r"Great Expectations report: (\S+)", out).group(1)
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
    # a rate's change in percentage points; a change stated as an amount (001-c06 净增近1亿) as a fraction
    assert units["change_match"] == {(tolerances.TOLERANCES["change_match"], "percentage_points"),
                                     (tolerances.TOLERANCES["value_match"], "fraction")}
    assert units["value_match"] == {(tolerances.TOLERANCES["value_match"], "fraction")}


def test_bench_times_a_whole_process_by_its_own_accounting(tmp_path):
    """bench --validate's figures are the finished child's own: a process that fills 200 MiB and spins shows that
    much peak RSS and CPU time, and a failing command stops the bench with its output. Run from a small process, as
    `python -m scripts.bench` is: Linux keeps a child's RSS high-water mark from before its exec, when it was a copy
    of its launcher (this test's pytest worker holds a gigabyte)."""
    probe = tmp_path / "probe.py"
    probe.write_text("""import json, sys
from scripts.bench import whole_process
spin = "import time; x = bytearray(200 * 2**20); t = time.process_time()\\nwhile time.process_time() - t < 0.3: pass"
big = whole_process([sys.executable, "-c", spin])
small = whole_process([sys.executable, "-c", "pass"])
try:
    whole_process([sys.executable, "-c", "import sys; print('gone'); sys.exit(3)"])
    failed = ""
except SystemExit as e:
    failed = str(e)
print(json.dumps([big, small, failed]))
""", encoding="utf-8")
    import json
    import subprocess

    from conftest import ROOT
    out = subprocess.run([sys.executable, str(probe)], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(ROOT)}).stdout
    r, small, failed = json.loads(out)
    assert r["rss_mib"] >= 200 and r["cpu"] >= 0.3 and r["wall"] >= r["cpu"] * 0.9, r
    assert small["rss_mib"] < 100 and small["cpu"] < r["cpu"], small
    assert re.search(r"exited 3:\n.*gone", failed), failed
