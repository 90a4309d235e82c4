"""What a table module sees: the inputs read once per build (seeds, annotation
files, the entity registry) and the rows of the tables it declared in READS.
Rows handed to a module are read-only mappings: no stage mutates another's rows."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from scripts.errors import InputError
from scripts.inputs.annotations import LoadedDoc, load_doc_annotations
from scripts.inputs.entity_registry import Entities, load_entities
from scripts.inputs.name_review import NameReview, load_name_review
from scripts.inputs.seeds import Seed, load_seeds
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
    engine: str = "embedded"  # or "spark": the per-document stages as Spark jobs (scripts/spark.py)
    master: str | None = None  # the Spark master (default local[*])

    def map_docs(self, fn: Callable[..., T], args: Sequence[tuple]) -> list[T]:
        if self.engine == "spark":
            from scripts import spark  # noqa: PLC0415 - lazy on purpose: the embedded engine never imports pyspark
            return spark.map_docs(fn, args, self.master or spark.LOCAL)
        return map_docs(fn, args, self.workers)

    @property
    def annotations_dir(self) -> Path:
        return self.seeds_dir / "annotations"

    @cached_property
    def seeds(self) -> list[Seed]:
        return load_seeds(self.seeds_dir)

    @cached_property
    def seed_by_id(self) -> dict[str, Seed]:
        return {s.doc_id: s for s in self.seeds}

    @cached_property
    def annotations(self) -> dict[str, LoadedDoc]:
        for path in sorted(self.annotations_dir.glob("*.yaml")):
            if path.stem not in self.seed_by_id and path.name not in SHARED_ANNOTATIONS:
                raise InputError(path, 1, f"annotation file with no seed: seeds/{path.stem}.txt is not in sources.yaml")
        loaded = self.map_docs(load_doc_annotations, [(s.doc_id, self.annotations_dir) for s in self.seeds])
        return {s.doc_id: doc for s, doc in zip(self.seeds, loaded)}

    @cached_property
    def entities(self) -> Entities:
        return load_entities(self.annotations_dir / "entities.yaml")

    @cached_property
    def name_review(self) -> NameReview:
        path = self.annotations_dir / "names.yaml"
        if not path.is_file():  # a generated or replicated corpus has no reviewed names: nothing is excluded
            return NameReview()
        return load_name_review(path, self.entities, [s.text for s in self.seeds])

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
