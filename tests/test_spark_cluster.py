"""The Spark engine on a real standalone cluster: a master and two workers started on 127.0.0.1 from pyspark's own
launch script (`spark-class …deploy.master.Master` / `…deploy.worker.Worker`), the build's tasks (three parts of two
documents, then the across-document relations) run by executors in those workers (the code shipped to them as a
zip, not imported from this checkout), and a generated corpus built that way equals the embedded build byte for byte. The daemons this test started are
stopped by their pids, whatever the outcome."""
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

import schema
from scripts.benchmark.generator.project import generate
from scripts.build import build

pyspark = pytest.importorskip("pyspark")
SPARK_CLASS = Path(pyspark.__file__).parent / "bin" / "spark-class"
DOCS = 6
READY = 90  # seconds a cold JVM may take to register on a loaded 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _daemon(cls: str, args: list[str], log: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([str(SPARK_CLASS), f"org.apache.spark.deploy.{cls}", *args], env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for(log: Path, pattern: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY
    while time.monotonic() < deadline:
        if re.search(pattern, log.read_text(encoding="utf-8", errors="replace")):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.25)
    raise AssertionError(f"{log.name}: no {pattern!r} within {READY} s:\n{log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """spark://127.0.0.1:PORT with two one-core workers; yields (master URL, [master, worker, worker] processes)."""
    where = tmp_path_factory.mktemp("cluster")
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_LOG_DIR": str(where), "PYSPARK_PYTHON": sys.executable,
           "SPARK_WORKER_DIR": str(where / "work"), "SPARK_NO_DAEMONIZE": "1"}
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[subprocess.Popen] = []
    try:
        procs.append(_daemon("master.Master", ["--host", "127.0.0.1", "--port", str(port), "--webui-port", str(_free_port())],
                             where / "master.log", env))
        _wait_for(where / "master.log", r"I have been elected leader|Starting Spark master", procs[0])
        for i in range(2):
            log = where / f"worker{i}.log"
            procs.append(_daemon("worker.Worker", [url, "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                                                   "--webui-port", str(_free_port()), "--work-dir", str(where / f"work{i}")],
                                 log, env))
        for i, proc in enumerate(procs[1:]):
            _wait_for(where / f"worker{i}.log", r"Successfully registered with master", proc)
        yield url, procs, where
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_a_build_on_a_standalone_cluster_equals_the_embedded_build(cluster, tmp_path, version, monkeypatch):
    from scripts import spark
    url, procs, where = cluster
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # the executors' Python: the project's venv
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    root = tmp_path / "project"
    generate(root, DOCS, 3, ROOT)
    build(root=root, dataset_root=root / "embedded", quiet=True, workers=1, docs=False)
    try:
        build(root=root, dataset_root=root / "cluster", quiet=True, docs=False, engine="spark", master=url, part_docs=2)
        executors = spark.session(url).sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1  # minus the driver
    finally:
        spark.stop()
    assert executors == 2
    # the executors ran in the workers' own folders, with the shipped code zip
    assert list(where.glob("work*/app-*/*/kec_code.zip")), "no executor of the cluster received the code"
    one, two = root / "embedded" / f"v{version}", root / "cluster" / f"v{version}"
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file()) == names
    assert {f"{t}.parquet" for t in schema.table_names()} <= set(names)
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert all(p.poll() is None for p in procs)  # the cluster outlived the build; the fixture stops it
