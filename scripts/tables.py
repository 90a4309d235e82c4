"""Seeds + reviewed annotations -> Arrow tables, one per schema/tables.yaml entry.
Every span is located by code from its quote; nothing is typed as an offset."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

import schema
from schema.derive import arrow_schema
from scripts import paths
from scripts.annotations import LoadedDoc, doc_number, load_doc_annotations
from scripts.cleaning import REMOVED_TYPES, clean_text
from scripts.errors import InputError
from scripts.seeds import Seed, load_seeds
from scripts.spans import SpanError, locate


def span_of(doc: LoadedDoc, text: str, section: str, index: int, quote: str, occurrence) -> tuple[int, int]:
    try:
        return locate(text, quote, occurrence)
    except SpanError as e:
        raise InputError(doc.path, doc.line(section, index), f"{section}[{index}].quote: {e}") from None


def to_table(name: str, rows: list[dict]) -> pa.Table:
    """Rows -> Arrow table with the declared schema, sorted by the declared key
    so that the same input always gives the same bytes."""
    t = schema.load().tables[name]
    rows = sorted(rows, key=lambda r: tuple(r[k] for k in t.key))
    return pa.Table.from_pylist(rows, schema=arrow_schema(name))


def noise_rows(seed: Seed, doc: LoadedDoc) -> list[dict]:
    rows = []
    for i, n in enumerate(doc.ann.noise):
        s, e = span_of(doc, seed.text, "noise", i, n.quote, n.occurrence)
        rows.append({
            "noise_id": f"{doc_number(seed.doc_id)}-{n.id}", "doc_id": seed.doc_id,
            "char_start": s, "char_end": e, "quote": seed.text[s:e],
            "noise_type": n.type, "likely_reading": n.likely_reading, "basis": n.basis,
            "explanation": n.explanation, "confidence": n.confidence,
            "claim_ids": [f"{doc_number(seed.doc_id)}-{c}" for c in n.claims], "entity_ids": list(n.entities),
        })
    return rows


def document_row(seed: Seed, noise: list[dict], counts: dict[str, int]) -> dict:
    src = seed.source
    removed = [(r["char_start"], r["char_end"]) for r in noise if r["noise_type"] in REMOVED_TYPES]
    return {
        "doc_id": src.doc_id, "source_file": f"seeds/{src.doc_id}.txt", "sha256": src.sha256,
        "title": src.title, "site": src.site, "author": src.author, "url": src.url,
        # epoch milliseconds: pyarrow's conversion of tz-aware datetimes proved
        # unstable across calls in one process (an 8-hour shift on the second build).
        "published_at": round(src.published_at.timestamp() * 1000) if src.published_at else None,
        "published_at_basis": src.published_at_basis, "reference_date": src.reference_date,
        "reference_date_basis": src.reference_date_basis, "reference_date_precision": src.reference_date_precision,
        "language": "zh", "text": seed.text, "text_clean": clean_text(seed.text, removed),
        "char_count": len(seed.text),
        "n_claims": counts.get("claims", 0), "n_mentions": counts.get("mentions", 0),
        "n_event_evidence": counts.get("events", 0), "n_noise": len(noise),
    }


def build_tables(seeds_dir: Path = paths.SEEDS) -> dict[str, pa.Table]:
    seeds = load_seeds(seeds_dir)
    ann_dir = seeds_dir / "annotations"
    docs, noise = [], []
    for seed in seeds:
        doc = load_doc_annotations(seed.doc_id, ann_dir)
        n = noise_rows(seed, doc)
        noise.extend(n)
        docs.append(document_row(seed, n, {}))
    return {"documents": to_table("documents", docs), "noise": to_table("noise", noise)}


def input_files(seeds_dir: Path = paths.SEEDS) -> list[Path]:
    """Every file the build reads from seeds/: its hash goes in the manifest."""
    return sorted(p for p in seeds_dir.rglob("*") if p.is_file() and p.suffix in (".txt", ".yaml", ".yml", ".md"))
