"""Where things are, and the release version (declared once, in pyproject.toml)."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ANNOTATIONS = SEEDS / "annotations"
DATASET = ROOT / "dataset"
BUILD = ROOT / "build"


def version(root: Path = ROOT) -> str:
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def release_dir(version_: str, dataset_root: Path = DATASET) -> Path:
    return dataset_root / f"v{version_}"


def current_release(given: Path | str | None = None) -> Path:
    """The release folder an entry point works on: the one given, else the current version's."""
    return Path(given) if given else release_dir(version())


def declared(key: str, root: Path = ROOT) -> str:
    """A project setting declared once in pyproject.toml's [tool.kuaishou-ecommerce-claims] (hub-repo-id, code-url)."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["kuaishou-ecommerce-claims"][key]
