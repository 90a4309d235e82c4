"""The Spark engine's session: the one the build's Spark jobs run in (scripts/release/spark_build.py,
`python -m scripts.build --engine spark [--master URL]`) and the pandera pyspark.sql checks of validation
(scripts/release/spark_checks.py, `python -m scripts.validate --engine spark`).

One session per process, started on first use and stopped at exit (or by `stop()`); the embedded engine never
imports this module, so a build or validation without `--engine spark` never starts a JVM.

On a cluster (`--master spark://host:7077`, `yarn`, `k8s://...`) the executors need this project's
dependencies in their Python (PYSPARK_PYTHON); the project's own packages, `schema` and `scripts`, are
shipped to them as a zip (SparkContext.addPyFile). `local[*]` runs the workers with this interpreter."""
from __future__ import annotations

import atexit
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyspark import SparkConf, SparkContext
from pyspark.sql import SparkSession

from scripts import paths

LOCAL = "local[*]"
PACKAGES = ("schema", "scripts")  # what the executors import: the per-document functions and the schema they read
SLICES_PER_CORE = 4  # a few partitions per core, so that one slow partition does not leave a core idle
CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # no progress bars in CI logs
    "spark.driver.memory": "4g",  # in local mode the driver JVM is the executor too; the heap grows only as needed
    "spark.sql.session.timeZone": "UTC",  # dates read back as the dates written, whatever the machine's zone
    "spark.python.worker.reuse": "true",
}
# On one machine the validation is hundreds of small jobs (pandera runs one per check and per required column), where
# planning costs more than the scan: no adaptive re-planning, no whole-stage code generation, few shuffle partitions.
# Halves it here; a cluster keeps Spark's defaults, made for large scans.
LOCAL_CONF = {
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.shuffle.partitions": "8",
}
# the local JVM lives for one build or validation, and Python does the heavy work: the quick JIT compiler only
# (starts in about half the time; the validation's small jobs take a quarter less)
LOCAL_JAVA = "-XX:TieredStopAtLevel=1"

# Spark's own log4j default prints INFO lines before setLogLevel("ERROR") can act. Warnings until then: a
# shell's root level other than WARN makes Spark announce it (pyspark counts as a shell); the one warning
# every local start gives (no native Hadoop library) is dropped.
LOG4J = """rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader
logger.hadoop.level = error
"""

_session: tuple[str, SparkSession, tempfile.TemporaryDirectory] | None = None


def session(master: str = LOCAL) -> SparkSession:
    """The process's Spark session on `master`, started on first use (a session on another master is stopped first)."""
    global _session
    if _session is not None:
        if _session[0] == master:
            return _session[1]
        stop()
    scratch = tempfile.TemporaryDirectory(prefix="kec-spark-")  # the log configuration and the code zip
    conf = SparkConf().setAppName("kuaishou-ecommerce-claims").setMaster(master).setAll(list(CONF.items()))
    log4j = Path(scratch.name) / "log4j2.properties"
    log4j.write_text(LOG4J, encoding="utf-8")
    java = f"-Dlog4j2.configurationFile={log4j.as_uri()}"
    if master.startswith("local"):
        java += " " + LOCAL_JAVA
        conf.setAll(list(LOCAL_CONF.items()))
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # not the host name's address, nor a warning about it
        # the workers import what this interpreter imports (pyspark reads the variable, not spark.pyspark.python)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf.set("spark.driver.extraJavaOptions", java)
    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if not master.startswith("local"):
        spark.sparkContext.addPyFile(str(_code_zip(Path(scratch.name))))
    _session = (master, spark, scratch)
    return spark


def stop() -> None:
    """Stop the session and its JVM (a later session starts a new one): nothing of Spark is left running."""
    global _session
    if _session is None:
        return
    _, spark, scratch = _session
    _session = None
    spark.stop()
    gateway = SparkContext._gateway
    if gateway is not None:
        gateway.shutdown()
        proc = getattr(gateway, "proc", None)  # the JVM pyspark launched: it exits when its stdin closes
        if proc is not None:
            proc.stdin.close()
            proc.wait(timeout=30)
        SparkContext._gateway = SparkContext._jvm = None
    scratch.cleanup()


atexit.register(stop)


def _code_zip(where: Path) -> Path:
    """schema/ and scripts/ (sources and the data files they read) as one zip for the executors."""
    out = where / "kec_code.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for pkg in PACKAGES:
            for p in sorted((paths.ROOT / pkg).rglob("*")):
                if p.is_file() and "__pycache__" not in p.parts:
                    z.write(p, p.relative_to(paths.ROOT).as_posix())
    return out


def guarded(fn: Callable[..., Any], args: tuple) -> tuple[bool, Any]:
    """fn(*args), or the exception it raised as a value: an InputError comes back to the driver whole
    (file, line, reason), not as the text of a Python worker's traceback."""
    try:
        return True, fn(*args)
    except Exception as e:
        return False, e
