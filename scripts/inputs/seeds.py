"""The seed articles and their provenance record (seeds/sources.yaml)."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

import schema
from scripts import paths
from scripts.errors import InputError
from scripts.files import sha256_file
from scripts.inputs.yamlio import decode_utf8, parse_list, vocab_validator


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_id: str = Field(pattern=schema.load().tables["documents"].column("doc_id").pattern)
    sha256: str = Field(pattern=schema.load().tables["documents"].column("sha256").pattern)
    title: str
    site: str
    author: Optional[str]
    url: Optional[str]
    published_at: Optional[dt.datetime]
    published_at_basis: str
    reference_date: dt.date
    reference_date_precision: str
    reference_date_basis: str = Field(min_length=20)

    _basis = field_validator("published_at_basis")(vocab_validator("date_basis"))
    _precision = field_validator("reference_date_precision")(vocab_validator("date_precision"))

    @field_validator("published_at")
    @classmethod
    def _tz(cls, v):
        if v is not None and v.utcoffset() != dt.timedelta(hours=8):
            raise ValueError("published_at must carry the +08:00 offset")
        return v


class Seed(BaseModel):
    source: Source
    text: str
    path: Path

    @property
    def doc_id(self) -> str:
        return self.source.doc_id


def load_seeds(seeds_dir: Path = paths.SEEDS, only: Collection[str] | None = None) -> list[Seed]:
    """Every source in sources.yaml with its text; refuses a seed whose bytes
    differ from the recorded hash, a seed without an entry and vice versa.
    only: the documents of one part of the corpus (a Spark task's): the others' texts are not read."""
    manifest = seeds_dir / "sources.yaml"
    seeds, seen = [], set()
    for src, line in source_entries(manifest):
        seen.add(src.doc_id)
        if only is not None and src.doc_id not in only:
            continue
        path = seeds_dir / f"{src.doc_id}.txt"
        if not path.exists():
            raise InputError(manifest, line, f"seed file {path.name} is missing")
        actual = sha256_file(path)
        if actual != src.sha256:
            raise InputError(manifest, line, f"sha256 of {path.name} is {actual}, sources.yaml says {src.sha256}: "
                                             "seeds are byte-exact copies and must never be edited")
        if src.published_at and src.reference_date > src.published_at.date():
            raise InputError(manifest, line, "reference_date is after published_at")
        text = decode_utf8(path, path.read_bytes())
        if not text.strip():
            raise InputError(path, 1, "seed text is empty or whitespace only")
        seeds.append(Seed(source=src, text=text, path=path))
    for extra in sorted(set(p.stem for p in seeds_dir.glob("*.txt")) - seen):
        raise InputError(manifest, 0, f"seed {extra}.txt has no entry in sources.yaml")
    return sorted(seeds, key=lambda s: s.doc_id)


def source_entries(manifest: Path) -> list[tuple[Source, int]]:
    """sources.yaml's entries and their lines, parsed once per process for the same bytes: a Spark worker
    building several parts of a corpus parses the one list once (hashing it costs a hundredth of parsing it)."""
    if not manifest.is_file():  # refused, with its reason, by the parser
        return [(src, line) for src, line, _ in parse_list(manifest, Source, lambda s: s.doc_id, "sources")]
    key = (str(manifest.resolve()), sha256_file(manifest))
    if key not in _ENTRIES:
        _ENTRIES.clear()
        _ENTRIES[key] = [(src, line) for src, line, _ in parse_list(manifest, Source, lambda s: s.doc_id, "sources")]
    return _ENTRIES[key]


_ENTRIES: dict[tuple, list[tuple[Source, int]]] = {}


def refuse_outside_root(seeds_dir: Path) -> None:
    """Inputs are read only from inside the project root (seeds_dir's parent): a seed, an annotation file or a
    folder of them that is a symlink resolving elsewhere would make the release depend on a file the project does
    not hold (and could read any file the builder can). A symlink that stays inside the root is fine."""
    root = seeds_dir.parent.resolve()
    if not seeds_dir.resolve().is_relative_to(root):
        raise InputError(seeds_dir, 1, f"resolves to {seeds_dir.resolve()}, outside the project root {root}: "
                                       "inputs are read only from inside it")
    for folder, dirs, files in os.walk(seeds_dir):  # symlinked folders are not descended: each is checked here
        for name in sorted(dirs + files):
            p = Path(folder) / name
            if p.is_symlink() and not p.resolve().is_relative_to(root):
                raise InputError(p, 1, f"a symlink to {p.resolve()}, outside the project root {root}: inputs are read "
                                       "only from inside it (copy the file into the project)")
