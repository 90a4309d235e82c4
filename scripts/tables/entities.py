"""entities: the registry (seeds/annotations/entities.yaml) with its mention counts. The names the
texts contain that are not entities (seeds/annotations/names.yaml) are checked here too."""
from __future__ import annotations

from collections import Counter

from scripts.inputs.entity_registry import EntityAnn
from scripts.tables.context import Stage

READS = ("mentions",)


def build(stage: Stage) -> list[dict]:
    # names that are not entities: read (a bad row refused with file:line) with the registry
    stage.reports["name_exclusions"] = stage.inputs.name_review.reasons()
    per_entity = Counter(m["entity_id"] for m in stage.rows("mentions"))
    return [{
        "entity_id": e.id, "canonical_name": e.name, "name_en": e.en, "entity_type": e.type,
        "aliases": list(e.aliases) + list(e.noisy), "noisy_aliases": list(e.noisy),
        "noisy_alias_notes": [n.why for n in e.noisy.values()], "parent_id": e.parent, "role": e.role,
        "description": e.description, "n_mentions": per_entity.get(e.id, 0), **_name_source(e)}
        for e in stage.inputs.entities.items]


def _name_source(e: EntityAnn) -> dict:
    src = e.name_source
    return {"name_source": (src.url or src.doc_id) if src else None,
            "name_source_publisher": src.publisher if src else None, "name_source_date": src.date if src else None,
            "name_source_note": src.states if src else e.name_unresolved, "name_unresolved": e.name_unresolved is not None}
