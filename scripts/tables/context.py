"""What a table module sees: the inputs read once per build (seeds, annotation
files, the entity registry) and the rows of the tables it declared in READS.
Rows handed to a module are read-only mappings: no stage mutates another's rows."""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from scripts.errors import InputError
from scripts.inputs.annotations import LoadedDoc, load_doc_annotations, load_jsonl_annotations
from scripts.inputs.entity_registry import Entities, load_entities
from scripts.inputs.name_review import NameReview, load_name_review
from scripts.inputs.seeds import Seed, load_seeds, source_entries
from scripts.parallel import map_docs
from scripts.tables import DagError

T = TypeVar("T")

Row = Mapping[str, Any]
SHARED_ANNOTATIONS = ("entities.yaml", "events.yaml", "names.yaml")  # the annotation files that belong to no one seed


@dataclass
class Inputs:
    """Everything the build reads from seeds/, loaded once and shared by every table module."""
    seeds_dir: Path
    workers: int = 1  # processes for the per-document stages (scripts/parallel.py)
    # one part of the corpus (scripts/release/spark_build.py): these documents' seeds and annotations only; every
    # check of a file's entries against sources.yaml still sees the whole list
    only: frozenset[str] | None = None

    def map_docs(self, fn: Callable[..., T], args: Sequence[tuple]) -> list[T]:
        return map_docs(fn, args, self.workers)

    @property
    def annotations_dir(self) -> Path:
        return self.seeds_dir / "annotations"

    @cached_property
    def seeds(self) -> list[Seed]:
        return load_seeds(self.seeds_dir, self.only)

    @cached_property
    def known_ids(self) -> Collection[str]:
        """Every doc_id sources.yaml lists (of the whole corpus, also when this build is one part of it)."""
        if self.only is None:
            return self.seed_by_id
        return {src.doc_id for src, _ in source_entries(self.seeds_dir / "sources.yaml")}

    def _mine(self, doc_id: object) -> bool:
        """A document whose annotations this build reads: of this part, or one sources.yaml does not list (refused)."""
        return self.only is None or doc_id in self.only or doc_id not in self.known_ids

    @cached_property
    def seed_by_id(self) -> dict[str, Seed]:
        return {s.doc_id: s for s in self.seeds}

    @cached_property
    def annotations(self) -> dict[str, LoadedDoc]:
        """Each seed's annotations: its YAML file, or its line in one of the JSON-lines files, never both."""
        lines: dict[str, LoadedDoc] = {}
        for path in sorted(self.annotations_dir.glob("*.jsonl")):
            for did, doc in load_jsonl_annotations(path, None if self.only is None else self._mine).items():
                if did not in self.seed_by_id:
                    raise InputError(path, doc.line_no, f"annotations with no seed: seeds/{did}.txt is not in sources.yaml")
                if did in lines:
                    raise InputError(path, doc.line_no, f"doc_id {did} is also annotated in {lines[did].path.name}:{lines[did].line_no}")
                lines[did] = doc
        for path in sorted(self.annotations_dir.glob("*.yaml")):
            if path.name in SHARED_ANNOTATIONS or not self._mine(path.stem):
                continue
            if path.stem not in self.seed_by_id:
                raise InputError(path, 1, f"annotation file with no seed: seeds/{path.stem}.txt is not in sources.yaml")
            if path.stem in lines:
                raise InputError(path, 1, f"{path.stem} is also annotated in {lines[path.stem].path.name}:{lines[path.stem].line_no}")
        in_yaml = [s for s in self.seeds if s.doc_id not in lines]
        loaded = self.map_docs(load_doc_annotations, [(s.doc_id, self.annotations_dir) for s in in_yaml])
        lines.update((s.doc_id, doc) for s, doc in zip(in_yaml, loaded))
        return {s.doc_id: lines[s.doc_id] for s in self.seeds}

    @cached_property
    def entities(self) -> Entities:
        return load_entities(self.annotations_dir / "entities.yaml")

    @cached_property
    def name_review(self) -> NameReview:
        path = self.annotations_dir / "names.yaml"
        if not path.is_file():  # a generated or replicated corpus has no reviewed names: nothing is excluded
            return NameReview()
        return load_name_review(path, self.entities, [s.text for s in self.seeds] if self.only is None else None)

    @cached_property
    def entity_ids(self) -> set[str]:
        return self.entities.ids()


@dataclass
class Stage:
    """One table module's view of the build: its declared reads and nothing else."""
    table: str
    reads: tuple[str, ...]
    inputs: Inputs
    _built: dict[str, Sequence[Row]]
    reports: dict[str, Any] = field(default_factory=dict)

    def rows(self, table: str) -> Sequence[Row]:
        if table not in self.reads:
            raise DagError(f"table {self.table} reads {table} but does not declare it in READS")
        return self._built[table]


def frozen(rows: Sequence[Row]) -> tuple[Row, ...]:
    """Read-only views of the rows, not copies: a million mention rows are held once."""
    return tuple(MappingProxyType(r) for r in rows)
