import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = Path(__file__).resolve().parent.parent

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
    return dst


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


def tree_digest(path: Path) -> dict[str, str]:
    import hashlib
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}
