"""entities: the registry (seeds/annotations/entities.yaml) with its mention counts. The names the
texts contain that are not entities (seeds/annotations/names.yaml) are checked here too."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from scripts.inputs.entity_registry import EntityAnn
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, run

READS = ("mentions",)


def build(stage: Stage) -> list[dict]:
    # names that are not entities: read (a bad row refused with file:line) with the registry
    stage.reports["name_exclusions"] = stage.inputs.name_review.reasons()
    per_entity = mention_counts(stage.rows("mentions"))
    return [{
        "entity_id": e.id, "canonical_name": e.name, "name_en": e.en, "entity_type": e.type,
        "aliases": list(e.aliases) + list(e.noisy), "noisy_aliases": list(e.noisy),
        "noisy_alias_notes": [n.why for n in e.noisy.values()], "parent_id": e.parent, "role": e.role,
        "description": e.description, "n_mentions": per_entity.get(e.id, 0), **_name_source(e)}
        for e in stage.inputs.entities.items]


def mention_counts(mentions: Iterable[Mapping]) -> Counter:
    return Counter(m["entity_id"] for m in mentions)


def _name_source(e: EntityAnn) -> dict:
    src = e.name_source
    return {"name_source": (src.url or src.doc_id) if src else None,
            "name_source_publisher": src.publisher if src else None, "name_source_date": src.date if src else None,
            "name_source_note": src.states if src else e.name_unresolved, "name_unresolved": e.name_unresolved is not None}


# --- proof ------------------------------------------------------------------------------------------

def alias_owner(entities: Iterable[Mapping]) -> dict[str, str]:
    """Which entity each alias names (the first to list it, if two do: a finding of registry_problems)."""
    owner: dict[str, str] = {}
    for e in entities:
        for a in e["aliases"]:
            owner.setdefault(a, e["entity_id"])
    return owner


def registry_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Counts and alias lists of the entities."""
    n = mention_counts(t["mentions"])
    owner: dict[str, str] = {}
    for e in t["entities"]:
        eid = e["entity_id"]
        if e["n_mentions"] != n[eid]:
            f.add("entities", eid, "n_mentions", "recount of mentions rows", n[eid], e["n_mentions"])
        stray = [a for a in e["noisy_aliases"] if a not in e["aliases"]]
        if stray:
            f.add("entities", eid, "noisy_aliases", "a subset of aliases", "aliases only", stray)
        if len(e["noisy_alias_notes"]) != len(e["noisy_aliases"]):
            f.add("entities", eid, "noisy_alias_notes", "one note per noisy alias", len(e["noisy_aliases"]),
                  len(e["noisy_alias_notes"]))
        for a in e["aliases"]:
            if a in owner:
                f.add("entities", eid, "aliases", "each alias names one entity", owner[a], f"{a!r} also of {eid}")
            owner.setdefault(a, eid)


PROOFS: Proofs = ((("documents", "entities", "mentions", "noise"), registry_problems),)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
