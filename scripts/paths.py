"""Where things are, and the release version (declared once, in pyproject.toml)."""
from __future__ import annotations

import os
import re
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
    """The release folder an entry point works on, by the one rule every entry point uses: a folder given
    as a path; else a version, with or without its `v` (0.9.0, v0.9.0), under dataset/; none: the current version's."""
    if given is None or str(given) == "":
        return release_dir(version())
    p = Path(given)
    if p.is_dir() or re.fullmatch(r"v?\d+\.\d+\.\d+", str(given)) is None:
        return p
    return release_dir(str(given).removeprefix("v"))


def no_release(release: Path) -> str | None:
    """What is wrong with a release argument, in one line for `prog: ...`; None when it names a release."""
    if not release.is_dir():
        return f"no release at {release}: give a release folder or a version such as {version()} or v{version()}"
    if not os.path.lexists(release / "manifest.json"):  # one that is there but not a file: validate says what it is
        return f"{release} is not a release (no manifest.json): give a folder such as {release_dir(version())}"
    return None


CORPUS = "generated-corpus"  # the section scripts.generate writes into a corpus's pyproject.toml


def generated_corpus(root: Path = ROOT) -> dict | None:
    """What a corpus written by `python -m scripts.generate` is (docs, seed, first, generator), as its
    pyproject.toml declares it; None for this project, whose documents are the five web articles."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f).get("tool", {}).get("kuaishou-ecommerce-claims", {}).get(CORPUS)


def corpus_line(corpus: dict) -> str:
    """One sentence saying what a generated corpus is, for its card, datasheet and viewer (Markdown)."""
    return (f"A generated corpus: {corpus['docs']} noisy Chinese documents about Kuaishou (快手) e-commerce written by "
            f"`python -m scripts.generate --docs {corpus['docs']} --seed {corpus['seed']}` ({corpus['generator']}), "
            "composed from that project's reference facts, entities, seed-text clauses and templates, with the noise "
            "of the web injected and every gold span exact by construction; not the five web articles it was "
            "generated from")


def declared(key: str, root: Path = ROOT) -> str:
    """A project setting declared once in pyproject.toml's [tool.kuaishou-ecommerce-claims] (hub-repo-id, code-url)."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["tool"]["kuaishou-ecommerce-claims"][key]
