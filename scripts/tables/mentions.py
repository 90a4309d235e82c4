"""mentions: every occurrence of every entity alias, found by code (longest match),
unless an alias exclusion in the annotation file covers it."""
from __future__ import annotations

from scripts.inputs.annotations import LoadedDoc, doc_number
from scripts.inputs.entity_registry import alias_table, find_mentions
from scripts.inputs.seeds import Seed
from scripts.inputs.spans import exclusion_spans
from scripts.normalize.cleaning import page_noise_spans
from scripts.tables.context import Stage

READS = ("noise",)


def mention_rows(seed: Seed, doc: LoadedDoc, aliases: list[tuple[str, str, bool]], noise_here: list[tuple[int, int]]) -> list[dict]:
    excluded = [(s, e) for s, e, _ in exclusion_spans(seed.text, doc, "alias_exclusions")]
    # keyed by position, not rank, so adding an alias elsewhere renumbers nothing
    return [{"mention_id": f"{doc_number(seed.doc_id)}-m{m['char_start']:05d}", "entity_id": m["entity_id"],
             "doc_id": seed.doc_id, "char_start": m["char_start"], "char_end": m["char_end"],
             "quote": m["quote"], "is_noisy_variant": m["is_noisy_variant"],
             "in_page_noise": any(a <= m["char_start"] and m["char_end"] <= b for a, b in noise_here)}
            for m in find_mentions(seed.text, aliases, excluded)]


def build(stage: Stage) -> list[dict]:
    inp = stage.inputs
    aliases = alias_table(inp.entities)
    page_noise = page_noise_spans(stage.rows("noise"))
    per_doc = inp.map_docs(mention_rows, [(seed, inp.annotations[seed.doc_id], aliases, page_noise.get(seed.doc_id, []))
                                          for seed in inp.seeds])
    return [r for rows in per_doc for r in rows]
