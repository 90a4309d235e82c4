"""Entities (seeds/annotations/entities.yaml) and their mentions, found by code:
every occurrence of every alias is a mention, unless it is part of a longer
alias (longest match wins) or listed under a document's alias_exclusions."""
from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

import schema
from scripts.errors import InputError
from scripts.inputs.yamlio import parse_list, vocab_validator


class NoisyAlias(BaseModel):
    """A garbled surface form: the noise type every occurrence of it must be labelled with, and why it is this entity."""
    model_config = ConfigDict(extra="forbid")
    type: str
    why: str = Field(min_length=5)

    _type = field_validator("type")(vocab_validator("noise_type"))


class NameSource(BaseModel):
    """Where the canonical form of a garbled name comes from: a stored web page (url, publisher, date as
    printed) or another document of this dataset that prints the name correctly (doc_id, quote)."""
    model_config = ConfigDict(extra="forbid")
    url: Optional[str] = None
    publisher: Optional[str] = None
    date: Optional[str] = None
    doc_id: Optional[str] = None
    quote: Optional[str] = None
    states: str = Field(min_length=10)  # what the source says, in our own words

    @model_validator(mode="after")
    def _one_kind(self):
        if bool(self.url) == bool(self.doc_id):
            raise ValueError("a name source is either a page (url, publisher) or a document (doc_id, quote)")
        if self.url and not self.publisher:
            raise ValueError("a page source needs its publisher")
        if self.doc_id and not self.quote:
            raise ValueError("a document source needs the quote that prints the name")
        return self


class EntityAnn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=schema.load().tables["entities"].column("entity_id").pattern)
    name: str
    en: str
    type: str
    aliases: list[str] = Field(default_factory=list)
    noisy: dict[str, NoisyAlias] = Field(default_factory=dict)  # garbled alias -> its noise type and why
    parent: Optional[str] = None
    role: Optional[str] = None
    description: str
    # a garbled name's canonical form rests on a cited source, or is marked unresolved (with why): never memory
    name_source: Optional[NameSource] = None
    name_unresolved: Optional[str] = Field(default=None, min_length=10)

    def has_garbled_name(self) -> bool:
        return any(n.type == "garbled_name" for n in self.noisy.values())

    @model_validator(mode="after")
    def _garbled_name_sourced(self):
        if self.name_source and self.name_unresolved:
            raise ValueError("name_source and name_unresolved exclude each other")
        if self.has_garbled_name() and not (self.name_source or self.name_unresolved):
            raise ValueError("a garbled_name alias needs name_source (a cited page or document) or name_unresolved")
        return self

    @field_validator("noisy")
    @classmethod
    def _some_alias(cls, v, info):
        if not v and not info.data.get("aliases"):
            raise ValueError("an entity needs at least one alias (correct or noisy)")
        return v

    _type = field_validator("type")(vocab_validator("entity_type"))


class Entities(BaseModel):
    items: list[EntityAnn]

    def ids(self) -> set[str]:
        return {e.id for e in self.items}

    def noisy_types(self) -> dict[str, str]:
        """noisy alias -> the noise type each of its occurrences must lie in."""
        return {a: n.type for e in self.items for a, n in e.noisy.items()}


def load_entities(path: Path) -> Entities:
    parsed = parse_list(path, EntityAnn, lambda e: e.id, "entities")
    items: list[EntityAnn] = []
    seen_alias: dict[str, str] = {}
    for e, line, _ in parsed:
        for a in e.aliases + list(e.noisy):
            if not a.strip() or a != a.strip():
                raise InputError(path, line, f"alias {a!r} of {e.id} is empty or has blanks around it")
            if hidden := invisible(a):
                raise InputError(path, line, f"alias {a!r} of {e.id} holds {hidden}: it would never match the text "
                                             "as read, or match where the text hides the same character")
            if len(a) < 2:
                raise InputError(path, line, f"alias {a!r} of {e.id} is a single character: it would match inside "
                                             "unrelated words; use a longer form")
            if a in seen_alias:
                raise InputError(path, line, f"alias {a!r} of {e.id} is already an alias of {seen_alias[a]}")
            seen_alias[a] = e.id
        items.append(e)
    ents = Entities(items=items)
    parents = {e.id: e.parent for e in items}
    for e, line, _ in parsed:
        if e.parent and e.parent not in ents.ids():
            raise InputError(path, line, f"parent: unknown entity {e.parent!r}")
        chain = [e.id]
        while parents.get(chain[-1]) and len(chain) <= len(parents):
            chain.append(parents[chain[-1]])  # type: ignore[arg-type]  # the while tests it is not None
            if chain[-1] == e.id:
                raise InputError(path, line, f"parent: {' -> '.join(chain)} is a cycle (a parent is a larger whole)")
    return ents


def invisible(text: str) -> str | None:
    """The first character a reader cannot see (a format or control character: U+200B zero-width space,
    U+FEFF, a soft hyphen, a tab or newline), named; None when there is none."""
    for ch in text:
        if unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp"):
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"
    return None


def alias_table(ents: Entities) -> list[tuple[str, str, bool]]:
    """(alias, entity_id, is_noisy), longest alias first so that 快手电商 wins over 快手."""
    rows = [(a, e.id, False) for e in ents.items for a in e.aliases]
    rows += [(a, e.id, True) for e in ents.items for a in e.noisy]
    return sorted(rows, key=lambda r: (-len(r[0]), r[0]))


def find_mentions(text: str, aliases: list[tuple[str, str, bool]], excluded: list[tuple[int, int]]) -> list[dict]:
    """Longest-match scan. A position already covered by a longer alias, or inside an
    excluded span, yields no mention."""
    taken = [False] * len(text)
    blocked = [False] * len(text)
    for s, e in excluded:
        for i in range(s, e):
            blocked[i] = True
    found = []
    for alias, entity_id, noisy in aliases:
        start = text.find(alias)
        while start != -1:
            end = start + len(alias)
            if not any(taken[start:end]) and not any(blocked[start:end]):
                found.append({"char_start": start, "char_end": end, "quote": alias,
                              "entity_id": entity_id, "is_noisy_variant": noisy})
                for i in range(start, end):
                    taken[i] = True
            start = text.find(alias, start + 1)
    return sorted(found, key=lambda m: m["char_start"])
