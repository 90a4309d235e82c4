"""The reviewed decisions about names that are not entities (seeds/annotations/names.yaml).

`excluded`: names of people, companies, platforms, outlets or programmes that the texts contain but
that are deliberately not entities, each with a reason. `not_names`: words a name finder (jieba's
part-of-speech tagger, run by tests/test_entity_coverage.py) proposes that are not names at all.
The finder proposes; these lists and entities.yaml decide. Every row is checked with its line."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scripts.errors import InputError
from scripts.inputs.annotations import not_blank
from scripts.inputs.entity_registry import Entities
from scripts.inputs.yamlio import LineDict, load_yaml, parse, vocab_validator


class ExcludedName(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2)
    reason: str
    note: Optional[str] = None

    _name = field_validator("name")(not_blank)
    _reason = field_validator("reason")(vocab_validator("name_exclusion_reason"))


class NotAName(BaseModel):
    model_config = ConfigDict(extra="forbid")
    word: str = Field(min_length=1)
    reason: str
    note: Optional[str] = None

    _word = field_validator("word")(not_blank)
    _reason = field_validator("reason")(vocab_validator("finder_stop_reason"))


class NameReview(BaseModel):
    model_config = ConfigDict(extra="forbid")
    excluded: list[ExcludedName] = Field(default_factory=list)
    not_names: list[NotAName] = Field(default_factory=list)

    def reasons(self) -> dict[str, int]:
        return dict(sorted(Counter(x.reason for x in self.excluded).items()))


def _read(path: Path) -> tuple[NameReview, LineDict]:
    raw = load_yaml(path)
    if not isinstance(raw, LineDict):
        raise InputError(path, 1, "expected a mapping with the sections excluded and not_names")
    return parse(NameReview, raw, path), raw


def read_name_review(path: Path) -> NameReview:
    """names.yaml read on its own (the datasheet counts its reasons); the build uses load_name_review."""
    return _read(path)[0]


def load_name_review(path: Path, entities: Entities, texts: list[str] | None) -> NameReview:
    """names.yaml, refusing with file:line a duplicate, a name that is also an entity alias (an entity
    or an exclusion, not both) and an excluded name that occurs in none of the texts (a stale row)."""
    review, raw = _read(path)
    aliases = {a: e.id for e in entities.items for a in [*e.aliases, *e.noisy]}
    for section, key in (("excluded", "name"), ("not_names", "word")):
        seen: set[str] = set()
        for i, item in enumerate(getattr(review, section)):
            line = raw[section].item_lines[i]
            value = getattr(item, key)
            if value in seen:
                raise InputError(path, line, f"{section}[{i}].{key}: {value!r} is listed twice")
            seen.add(value)
            if value in aliases:
                raise InputError(path, line, f"{section}[{i}].{key}: {value!r} is an alias of entity {aliases[value]}; "
                                             "a name is an entity or an exclusion, not both")
            # texts None: one part of a corpus, whose parts say which names they hold (scripts/release/spark_build.py)
            if section == "excluded" and texts is not None and not any(value in t for t in texts):
                raise InputError(path, line, f"excluded[{i}].name: {value!r} occurs in none of the texts")
    return review
