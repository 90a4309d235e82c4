"""The dataset's schema: loaded from tables.yaml and vocab.yaml, the one place
where tables, columns and vocabularies are declared. Everything else derives
from the objects defined here (see schema/derive.py)."""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field

HERE = Path(__file__).resolve().parent


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: str
    nullable: bool = False
    unit: Optional[str] = None
    vocab: Optional[str] = None
    description: str
    min: Optional[Any] = None
    max: Optional[Any] = None
    unique: bool = False
    pattern: Optional[str] = None
    references: Optional[str] = None


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    description: str
    row: str
    key: list[str]
    rules: list[dict[str, Any]] = Field(default_factory=list)  # cross-column rules, implemented in schema/rules.py
    total_over: Optional[str] = None  # table.column whose every value must have a row here
    min_rows: int = 0  # fewer is a problem: a table its inputs always fill (an emptied file is damage, not data)
    split: str = "train"  # the Hugging Face split of the table's config
    # further splits of the config, built from generated documents (pyproject.toml declares their seed and size)
    generated_splits: list[str] = Field(default_factory=list)
    columns: list[Column]

    def file(self, split: str | None = None) -> str:
        """The table's file inside a release folder: <table>.parquet for its own split,
        <split>/<table>.parquet for a generated one."""
        if split is None or split == self.split:
            return f"{self.name}.parquet"
        if split not in self.generated_splits:
            raise KeyError(f"{self.name} has no split {split!r}")
        return f"{split}/{self.name}.parquet"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


class TaskContract(BaseModel):
    """The benchmark task configs (scored by scripts/evaluate.py) and the version of their contract."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    configs: list[str]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: str
    task_contract: TaskContract
    structs: dict[str, list[Column]] = Field(default_factory=dict)
    tables: dict[str, Table]
    vocab: dict[str, dict[str, Any]]

    def terms(self, vocab: str) -> list[str]:
        return list(self.vocab[vocab])

    def units_for(self, metric: str) -> list[str]:
        """Units a metric may be stated in (vocab.yaml metric.<term>.units)."""
        return list(self.vocab["metric"][metric]["units"])

    def terms_with(self, vocab: str, attribute: str) -> list[str]:
        """Terms of a vocabulary whose entry sets `attribute: true` (e.g. metric.share)."""
        return [t for t, spec in self.vocab[vocab].items() if isinstance(spec, dict) and spec.get(attribute)]


def _yaml(text: str) -> Any:
    """Safe YAML through libyaml when PyYAML has it: the pure-Python parser takes about a second for the two
    files, which every entry point's --help would wait for (issue 31 item 9); both parsers give the same data."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


@lru_cache(maxsize=1)
def load() -> Schema:
    # read as package resources, so that the package also works from the zip shipped to Spark executors
    raw = _yaml(files("schema").joinpath("tables.yaml").read_text(encoding="utf-8"))
    vocab = _yaml(files("schema").joinpath("vocab.yaml").read_text(encoding="utf-8"))
    tables = {name: Table(name=name, **spec) for name, spec in raw["tables"].items()}
    structs = {name: [Column(**c) for c in cols] for name, cols in raw.get("structs", {}).items()}
    schema = Schema(schema_version=raw["schema_version"], task_contract=TaskContract(**raw["task_contract"]), structs=structs,
                    tables=tables, vocab=vocab)
    for name in schema.task_contract.configs:
        if name not in tables:
            raise ValueError(f"schema/tables.yaml: task_contract names unknown table {name!r}")
    for t in tables.values():
        for c in t.columns:
            if c.vocab and c.vocab not in vocab:
                raise ValueError(f"schema/tables.yaml: {t.name}.{c.name} names unknown vocab {c.vocab!r}")
    return schema


TABLE_ORDER = ("documents", "entities", "claims", "mentions", "events", "noise", "claim_relations",
               "reference_facts", "claim_verdicts", "reference_gaps", "extraction", "verification", "noise_detection")


def generated_splits() -> dict[str, list[str]]:
    """split -> the tables that have it (in table order), as the tables declare them."""
    out: dict[str, list[str]] = {}
    for name in table_names():
        for split in load().tables[name].generated_splits:
            out.setdefault(split, []).append(name)
    return out


def table_names() -> list[str]:
    """Tables in dependency order (documents first), as declared."""
    declared = load().tables
    return [t for t in TABLE_ORDER if t in declared] + sorted(set(declared) - set(TABLE_ORDER))
