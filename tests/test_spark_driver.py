"""The Spark build's driver holds no table (issue 28). A generated corpus is built with `--engine spark` in a fresh
process whose resident memory is watched: a thread reads /proc/self/statm every few milliseconds and ends the
process (exit 3) once it has grown CAP_MIB beyond its size with the build's imports loaded, Spark's JVM up (another
process, given spark.driver.memory 1g) and Parquet's codecs warmed once. The merge's budgets (batches in hand, row
group) are set low, as they are what bounds the driver. The corpus's rows as Python objects (what the driver held
when it gathered them, as the embedded build still does) take more than twice the cap, measured here by
tracemalloc on the tables the build wrote; the build finishes under the cap and writes every row."""
import json
import os
import subprocess
import sys
import tracemalloc

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

import schema
from scripts.benchmark.generator.project import generate

pytest.importorskip("pyspark")
DOCS = 300
PART_DOCS = 100
CAP_MIB = 20

PROBE = r"""
import json, os, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
root, cap = Path(sys.argv[2]), float(sys.argv[3]) * 2**20
from scripts import spark
from scripts.build import build
from scripts.release import merge, spark_build, splits, write  # the build's own imports, before the size is taken
merge.READ_BYTES, merge.GROUP_BYTES = 4 * 2**20, 2 * 2**20  # what bounds the driver: the merge's batches and row groups
spark.CONF["spark.driver.memory"] = "1g"
spark.session()
# what a process pays once for Parquet, whatever the corpus: the codecs' state at full size (zstd level 9 on MiBs of
# text, lz4 read back) and the sort kernels, before the size is taken
import random, tempfile
import pyarrow as pa
import pyarrow.parquet as pq
text = pa.table({"t": ["".join(random.choice("快手电商直播的一二三") for _ in range(2000)) for _ in range(2000)]}).sort_by("t")
warm = Path(tempfile.mkdtemp())
write.write_parquet(text, warm / "w.parquet")
merge.write_part(text, warm / "p.parquet")
merge.merge_parts([warm / "p.parquet"], ["t"], text.schema, warm / "m.parquet")
del text
page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page
base = rss()
peak = [base]
def watch():
    while True:
        now = rss()
        peak[0] = max(peak[0], now)
        if now > base + cap:
            print(json.dumps({"stopped_at_mib": (now - base) / 2**20}), flush=True)
            os._exit(3)
        time.sleep(0.002)
threading.Thread(target=watch, daemon=True).start()
s = build(root=root, dataset_root=root / "spark", quiet=True, docs=False, engine="spark", part_docs=int(sys.argv[4]))
spark.stop()
print(json.dumps({"grew_mib": (peak[0] - base) / 2**20, "rows": s["rows"], "release": s["release"]}), flush=True)
"""


def test_the_driver_builds_a_corpus_whose_rows_it_could_not_hold(tmp_path):
    root = tmp_path / "project"
    generate(root, DOCS, 3, ROOT)
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    run = subprocess.run([sys.executable, str(probe), str(ROOT), str(root), str(CAP_MIB), str(PART_DOCS)],
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["grew_mib"] <= CAP_MIB and got["rows"]["documents"] == DOCS
    tables = {n: pq.read_table(os.path.join(got["release"], f"{n}.parquet")) for n in schema.table_names()}
    assert {n: t.num_rows for n, t in tables.items()} == got["rows"]
    tracemalloc.start()
    try:
        rows = [t.to_pylist() for t in tables.values()]
        held = tracemalloc.get_traced_memory()[0] / 2**20
    finally:
        tracemalloc.stop()
    assert sum(map(len, rows)) == sum(got["rows"].values())
    assert held > 2 * CAP_MIB, f"the corpus's rows take {held:.0f} MiB as Python: too few to show the driver holds none"
