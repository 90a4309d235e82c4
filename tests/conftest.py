import contextlib
import copy
import hashlib
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

import __main__

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = Path(__file__).resolve().parent.parent

# pytest-xdist's workers run under a __main__ without a file, which pyspark's connect module (imported by pandera and
# Great Expectations) takes for its own doctest run and exits the worker with status 0. Give it a file.
if getattr(__main__, "__spec__", None) is None and not hasattr(__main__, "__file__"):
    __main__.__file__ = __file__

# load_dataset writes Arrow caches: keep them out of the user's home and the repo. Set before any test
# module is collected: `datasets` reads the cache folder once, when the first module that imports it
# (schema.derive, through scripts.build) is imported, and a shared ~/.cache returns another checkout's
# release of the same version under the same cache key.
_HF = tempfile.mkdtemp(prefix="kec-hf-")
os.environ["HF_DATASETS_CACHE"] = os.path.join(_HF, "hf-cache")
os.environ["HF_HOME"] = os.path.join(_HF, "hf-home")


@pytest.fixture(scope="session", autouse=True)
def _hf_cache():
    yield
    shutil.rmtree(_HF, ignore_errors=True)


@pytest.fixture(scope="session")
def version():
    from scripts import paths
    return paths.version()


@pytest.fixture(scope="session")
def release(version):
    """The committed current release."""
    path = ROOT / "dataset" / f"v{version}"
    assert path.is_dir(), f"{path} missing: run `make dataset` and commit the release"
    return path


def copy_project(dst: Path, with_dataset: bool = True) -> Path:
    """A scratch copy of what the build reads (and, optionally, the releases)."""
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "pyproject.toml", dst / "pyproject.toml")
    shutil.copytree(ROOT / "seeds", dst / "seeds")
    if with_dataset:
        shutil.copytree(ROOT / "dataset", dst / "dataset", ignore=shutil.ignore_patterns(".staging-*"))
    _copy_split_cache(dst)
    return dst


def _copy_split_cache(dst: Path) -> None:
    """The checkout's cached generated splits of this code and these inputs, copied into the scratch project's own
    cache (a build writes only under its --root): its build then reads them instead of generating them again."""
    from scripts.release import splits
    for key in splits.cache_keys(dst).values():
        entry = splits.cache_root(ROOT) / key
        if entry.is_dir() and not (splits.cache_root(dst) / key).exists():
            shutil.copytree(entry, splits.cache_root(dst) / key)


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def fresh_release(tmp_path_factory, version):
    """A release built from scratch into an empty dataset folder."""
    from scripts.build import build
    root = copy_project(tmp_path_factory.mktemp("fresh") / "project", with_dataset=False)
    build(root=root, quiet=True)
    return root / "dataset" / f"v{version}"


@pytest.fixture(scope="session")
def generated_corpus(tmp_path_factory):
    """A small generated project (12 documents, seed 5), built in-process once per session."""
    from scripts import generate
    from scripts.build import build
    out = tmp_path_factory.mktemp("generated")
    assert generate.main(["--docs", "12", "--seed", "5", "--out", str(out)]) == 0
    build(root=out, quiet=True)
    return out


def tree_digest(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


# files no manifest or card names, laid beside the named ones in the publish fixture below (none inside the
# release folder: a file there that its manifest does not name makes the release damaged, tests/test_faults.py)
STRAY = ("notes.txt", "figures/draft.svg")


@pytest.fixture(scope="session")
def publish_dry_run(tmp_path_factory, version):
    """`publish --dry-run --repo-id acme-lab/kec-claims`, run once in-process (the validation with Great
    Expectations is its long part) on a scratch copy of the project in which the STRAY files lie beside
    the named ones. Returns its exit status, stdout, stderr and the rendered folder it printed."""
    from scripts.publish import main
    project = copy_project(tmp_path_factory.mktemp("publish") / "project")
    for name in STRAY:
        (project / "dataset" / name.format(release=f"v{version}")).write_text("stray", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["--dry-run", "--repo-id", "acme-lab/kec-claims", "--root", str(project)])
    printed = re.search(r"^rendered repository for acme-lab/kec-claims .*: (\S+)$", out.getvalue(), re.M)
    rendered = Path(printed.group(1)) if printed else None
    yield rc, out.getvalue(), err.getvalue(), rendered
    if rendered:
        shutil.rmtree(rendered, ignore_errors=True)


@pytest.fixture(scope="session")
def gx_defect_report(release, tmp_path_factory):
    """`python -m scripts.validate COPY --docs DIR`, run once in-process with Great Expectations, on a copy
    of the release whose first claim_verdicts.verdict is "maybe" (outside its vocabulary), into a report
    folder that an earlier run left (its marker and a stale page). Returns exit status, stdout, stderr
    and the report folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from scripts.release import gx_report
    from scripts.release.write import write_parquet
    from scripts.validate import main
    broken = tmp_path_factory.mktemp("gx-defect") / release.name
    shutil.copytree(release, broken)
    t = pq.read_table(broken / "claim_verdicts.parquet")
    verdicts = t.column("verdict").to_pylist()
    verdicts[0] = "maybe"
    i = t.schema.get_field_index("verdict")
    write_parquet(t.set_column(i, t.schema.field(i), pa.array(verdicts)), broken / "claim_verdicts.parquet")
    docs = broken.parent / "report"
    docs.mkdir()
    (docs / gx_report.MARKER).write_text("", encoding="utf-8")
    (docs / "stale.html").write_text("an earlier run", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([str(broken), "--docs", str(docs)])
    return rc, out.getvalue(), err.getvalue(), docs


@pytest.fixture(scope="module")
def pandera_once_per_content():
    """For suites that validate many copies of the release, each differing from it in a table or two:
    the real pandera check runs once per distinct (table, content) in the module, and a table identical
    to one already checked gets a copy of that check's findings. Sound because pandera_problems is a
    function of the table's name and content alone (the schema is fixed for the session)."""
    import pyarrow as pa

    from scripts.release import conformance
    real = conformance.pandera_problems
    found: dict = {}

    def once(name, tbl):
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, tbl.schema) as w:
            w.write_table(tbl)
        key = (name, hashlib.sha256(sink.getvalue()).hexdigest())
        if key not in found:
            found[key] = real(name, tbl)
        return copy.deepcopy(found[key])

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(conformance, "pandera_problems", once)
        yield
