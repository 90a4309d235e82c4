"""Annotations, read through pydantic so that every mistake is reported with its file, line and field.

Two forms of the same model (DocAnnotations): a reviewed YAML file per document
(seeds/annotations/<doc_id>.yaml, what people edit) and JSON lines, one document per line, in any
seeds/annotations/*.jsonl (what a generator writes: 100,000 documents are a few files, parsed by
pydantic's own JSON reader; the line of a mistake is the document's line)."""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

import schema
from scripts import paths
from scripts.errors import InputError
from scripts.inputs.yamlio import LineDict, error_reason, load_yaml, parse, vocab_validator
from scripts.normalize.values import SCALE_WORDS


def not_blank(v: str) -> str:
    """A quote of nothing but whitespace matches blanks anywhere: refuse it."""
    if not v.strip():
        raise ValueError("empty or whitespace only")
    return v


class Span(BaseModel):
    """A quote in the document text; `occurrence` (1-based) when it repeats."""
    model_config = ConfigDict(extra="forbid")
    quote: str = Field(min_length=1)
    occurrence: Optional[int] = Field(default=None, ge=1, strict=True)  # strict: `true` is not 1

    _quote = field_validator("quote")(not_blank)


class NoiseAnn(Span):
    id: str = Field(pattern=r"^n[0-9]{2,3}$")
    type: str
    likely_reading: Optional[str] = None
    basis: str
    explanation: str = Field(min_length=5)
    confidence: str = "high"
    claims: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)

    _type = field_validator("type")(vocab_validator("noise_type"))
    _basis = field_validator("basis")(vocab_validator("noise_basis"))
    _confidence = field_validator("confidence")(vocab_validator("confidence"))


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")
    basis: str
    direction: str

    _basis = field_validator("basis")(vocab_validator("change_basis"))
    _direction = field_validator("direction")(vocab_validator("direction"))


class ClaimAnn(Span):
    id: str = Field(pattern=r"^c[0-9]{2,3}$")
    value: str = Field(min_length=1, description="the number as written, a substring of quote")
    value_occurrence: Optional[int] = Field(default=None, ge=1, strict=True)
    unit: Optional[str] = None
    implied_scale: Optional[str] = None  # a scale word the text leaves out (万, 亿, 万亿)
    bound: Optional[str] = None  # only `approx`, to mark a bare round figure (百亿, 万亿) as an order of magnitude
    subject: str
    metric: str
    scope: str = Field(min_length=1)
    period: Optional[str] = None
    period_context: Optional[str] = None
    period_unknown: bool = False
    kind: str
    change: Optional[Change] = None
    speaker: Optional[str] = None
    en: str = Field(min_length=5)
    confidence: str = "high"
    note: Optional[str] = None
    expect: Optional[float] = Field(default=None, allow_inf_nan=False)  # .nan would compare unequal to nothing
    # why this claim reads a number another claim of the document already reads: without
    # it two claims on the same number are one clause annotated twice, and the build refuses the second
    second_reading: Optional[str] = Field(default=None, min_length=10)

    _value = field_validator("value")(not_blank)

    _metric = field_validator("metric")(vocab_validator("metric"))
    _unit = field_validator("unit")(vocab_validator("unit"))
    _kind = field_validator("kind")(vocab_validator("claim_kind"))
    _confidence = field_validator("confidence")(vocab_validator("confidence"))
    _bound = field_validator("bound")(vocab_validator("bound"))

    @field_validator("implied_scale")
    @classmethod
    def _scale(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and v not in SCALE_WORDS:
            raise ValueError(f"{v!r} is not a scale word ({', '.join(SCALE_WORDS)})")
        return v

    @field_validator("bound")
    @classmethod
    def _only_approx(cls, v: Optional[str]) -> Optional[str]:
        # other bounds come from the qualifier words of the value itself (超, 近, 以上)
        allowed = schema.load().terms_with("bound", "annotatable")
        if v is not None and v not in allowed:
            raise ValueError(f"bound {v!r}: only {', '.join(allowed)} may be annotated; "
                             "other bounds are read from the value's own words")
        return v


class Exclusion(Span):
    all: bool = False  # every occurrence of the quote in the document (十分 'very' three times)
    reason: str
    note: Optional[str] = None

    _reason = field_validator("reason")(vocab_validator("exclusion_reason"))


class CheckAnn(BaseModel):
    """Which claims an arithmetic check links; code computes whether they agree."""
    model_config = ConfigDict(extra="forbid")
    rule: str
    share: Optional[str] = None
    base: Optional[str] = None
    part: Optional[str] = None
    multiple: Optional[str] = None
    numerator: Optional[str] = None
    denominator: Optional[str] = None

    @model_validator(mode="after")
    def _roles(self) -> CheckAnn:
        declarable = schema.load().terms_with("relation_rule", "roles")
        if self.rule not in declarable:
            raise ValueError(f"rule {self.rule!r} cannot be declared (declarable: {', '.join(declarable)})")
        roles = schema.load().vocab["relation_rule"][self.rule]["roles"]
        missing = [r for r in roles if getattr(self, r) is None]
        if missing:
            raise ValueError(f"{self.rule} needs {', '.join(missing)}")
        return self

    def roles(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if k != "rule" and v is not None}


class DocAnnotations(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_id: str
    claims: list[ClaimAnn] = Field(default_factory=list)
    noise: list[NoiseAnn] = Field(default_factory=list)
    excluded: list[Exclusion] = Field(default_factory=list)
    alias_exclusions: list[Exclusion] = Field(default_factory=list)
    checks: list[CheckAnn] = Field(default_factory=list)


class LoadedDoc(BaseModel):
    """A document's annotations with what locates them: the raw YAML (each item's own line), or the
    line of a JSON-lines file that holds the whole document."""
    model_config = ConfigDict(arbitrary_types_allowed=True)
    path: Path
    ann: DocAnnotations
    raw: Optional[LineDict] = None
    line_no: int = 0  # JSON lines: the document's line

    def line(self, section: str, index: int) -> int:
        return self.raw[section].item_lines[index] if self.raw is not None else self.line_no


def doc_number(doc_id: str) -> str:
    return doc_id.split("_", 1)[0]


def load_doc_annotations(doc_id: str, ann_dir: Path = paths.ANNOTATIONS) -> LoadedDoc:
    path = ann_dir / f"{doc_id}.yaml"
    if not path.exists():
        raise InputError(path, 0, "annotation file missing for this seed")
    raw = load_yaml(path)
    if not isinstance(raw, LineDict):
        raise InputError(path, 1, "expected a mapping with doc_id and sections")
    ann = parse(DocAnnotations, raw, path)
    if ann.doc_id != doc_id:
        raise InputError(path, raw.key_lines.get("doc_id", 1), f"doc_id {ann.doc_id} does not match the file name")
    return _unique_ids(LoadedDoc(path=path, ann=ann, raw=raw))


def _unique_ids(doc: LoadedDoc) -> LoadedDoc:
    for section in ("claims", "noise"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(doc.ann, section)):
            if item.id in seen:
                raise InputError(doc.path, doc.line(section, i), f"{section}[{i}].id: duplicate id {item.id}")
            seen.add(item.id)
    return doc


def _unique_keys(path: Path, line: int, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (json.loads would keep the last one silently)."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise InputError(path, line, f"duplicate key {k!r} in one JSON object (the last would win); give it once")
        out[k] = v
    return out


# a line that opens with its doc_id (as scripts.generate writes them) is sorted to its part before it is parsed
_LEADING_ID = re.compile(rb'\{\s*"doc_id"\s*:\s*"([A-Za-z0-9_.-]+)"\s*,')


def load_jsonl_annotations(path: Path, keep: Callable[[Any], bool] | None = None) -> dict[str, LoadedDoc]:
    """doc_id -> annotations, from a file of one JSON document per line (blank lines allowed).
    keep: which doc_ids to read further than their JSON (a Spark task's part of the corpus)."""
    out: dict[str, LoadedDoc] = {}
    with path.open("rb") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                if keep is not None and (m := _LEADING_ID.match(line)) and not keep(m[1].decode("utf-8")):
                    continue  # another part's document: its line is not even parsed
                obj = json.loads(line.decode("utf-8"), object_pairs_hook=functools.partial(_unique_keys, path, n))
                if keep is not None and isinstance(obj, dict) and not keep(obj.get("doc_id")):
                    continue
                ann = DocAnnotations.model_validate(obj)
            except UnicodeDecodeError as e:
                raise InputError(path, n, f"not valid UTF-8: byte {line[e.start]:#04x} at column {e.start + 1}") from None
            except json.JSONDecodeError as e:
                raise InputError(path, n, f"(document): Invalid JSON: {e.msg} (column {e.colno})") from None
            except ValidationError as e:
                raise InputError(path, n, error_reason(e)) from None
            if ann.doc_id in out:
                raise InputError(path, n, f"doc_id {ann.doc_id} is annotated twice (first on line {out[ann.doc_id].line_no})")
            out[ann.doc_id] = _unique_ids(LoadedDoc(path=path, ann=ann, line_no=n))
    return out
