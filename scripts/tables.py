"""Seeds + reviewed annotations -> Arrow tables, one per schema/tables.yaml entry.
Every span is located by code from its quote; nothing is typed as an offset."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa

import schema
from schema.derive import arrow_schema
from scripts import paths
from scripts.annotations import LoadedDoc, doc_number, load_doc_annotations
from scripts.cleaning import REMOVED_TYPES, clean_text
from scripts.errors import InputError
from scripts.seeds import Seed, load_seeds
from scripts.spans import SpanError, find_all, locate


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


def _exclusion_spans(seed: Seed, doc: LoadedDoc, section: str) -> list[tuple[int, int, str]]:
    out = []
    for i, x in enumerate(getattr(doc.ann, section)):
        if x.all:
            starts = find_all(seed.text, x.quote)
            if not starts:
                raise InputError(doc.path, doc.line(section, i), f"{section}[{i}].quote: not found in the document text")
            out += [(st, st + len(x.quote), x.reason) for st in starts]
        else:
            st, en = span_of(doc, seed.text, section, i, x.quote, x.occurrence)
            out.append((st, en, x.reason))
    return out


def build_tables(seeds_dir: Path = paths.SEEDS) -> tuple[dict[str, pa.Table], list[dict]]:
    """All tables, and the completeness report per document."""
    from scripts import coverage
    from scripts.claims import claim_row
    from scripts.entities import alias_table, find_mentions, load_entities
    from scripts.events import build_events

    seeds = load_seeds(seeds_dir)
    by_id = {s.doc_id: s for s in seeds}
    ann_dir = seeds_dir / "annotations"
    ents = load_entities(ann_dir / "entities.yaml")
    entity_ids = ents.ids()
    events, event_dates = build_events(ann_dir / "events.yaml", by_id, entity_ids)
    aliases = alias_table(ents)
    docs, noise, claims, mentions, reports, declared = [], [], [], [], [], []
    for seed in seeds:
        doc = load_doc_annotations(seed.doc_id, ann_dir)
        n = noise_rows(seed, doc)
        known_claims = {f"{doc_number(seed.doc_id)}-{c.id}" for c in doc.ann.claims}
        for i, (ann, row) in enumerate(zip(doc.ann.noise, n)):
            for cid in row["claim_ids"]:
                if cid not in known_claims:
                    raise InputError(doc.path, doc.line("noise", i), f"noise[{i}].claims: unknown claim {cid}")
            for eid in row["entity_ids"]:
                if eid not in entity_ids:
                    raise InputError(doc.path, doc.line("noise", i), f"noise[{i}].entities: unknown entity {eid}")
        c_rows, covered = [], []
        for i, c in enumerate(doc.ann.claims):
            row, spans = claim_row(seed, doc, i, c, entity_ids)
            c_rows.append(row)
            covered += spans
        page_noise = [(r["char_start"], r["char_end"]) for r in n if r["noise_type"] in REMOVED_TYPES]
        excl = _exclusion_spans(seed, doc, "excluded")
        report = coverage.check(seed.doc_id, seed.text, covered,
                                [(s, e) for d, s, e in event_dates if d == seed.doc_id], page_noise, excl)
        if report.missing:
            s, e, tok = report.missing[0]
            line, col = coverage.line_col(seed.text, s)
            more = f" (and {len(report.missing) - 1} more)" if len(report.missing) > 1 else ""
            raise InputError(seed.path, line, f"column {col}: number {tok!r} at [{s}:{e}] "
                             f"(…{seed.text[max(0, s - 12):e + 12]}…) is not covered by a claim, an event date, "
                             f"page noise or an exclusion in {doc.path.name}{more}")
        reports.append(report.as_dict() | {"claims": len(c_rows)})
        alias_excl = [(s, e) for s, e, _ in _exclusion_spans(seed, doc, "alias_exclusions")]
        m_rows = []
        for m in find_mentions(seed.text, aliases, alias_excl):
            # keyed by position, not rank, so adding an alias elsewhere renumbers nothing
            m_rows.append({"mention_id": f"{doc_number(seed.doc_id)}-m{m['char_start']:05d}", "entity_id": m["entity_id"],
                           "doc_id": seed.doc_id, "char_start": m["char_start"], "char_end": m["char_end"],
                           "quote": m["quote"], "is_noisy_variant": m["is_noisy_variant"],
                           "in_page_noise": any(a <= m["char_start"] and m["char_end"] <= b for a, b in page_noise)})
        by_claim = {r["claim_id"]: r for r in c_rows}
        for i, chk in enumerate(doc.ann.checks):
            roles = {}
            for role, cid in chk.roles().items():
                full = f"{doc_number(seed.doc_id)}-{cid}"
                if full not in by_claim:
                    raise InputError(doc.path, doc.line("checks", i), f"checks[{i}].{role}: unknown claim {cid}")
                roles[role] = by_claim[full]
            declared.append((chk.rule, roles))
        noise.extend(n)
        claims.extend(c_rows)
        mentions.extend(m_rows)
        n_ev = sum(1 for ev in events for x in ev["evidence"] if x["doc_id"] == seed.doc_id)
        docs.append(document_row(seed, n, {"claims": len(c_rows), "mentions": len(m_rows), "events": n_ev}))
    per_entity = {}
    for m in mentions:
        per_entity[m["entity_id"]] = per_entity.get(m["entity_id"], 0) + 1
    entity_rows = [{
        "entity_id": e.id, "canonical_name": e.name, "name_en": e.en, "entity_type": e.type,
        "aliases": list(e.aliases) + list(e.noisy), "noisy_aliases": list(e.noisy),
        "noisy_alias_notes": list(e.noisy.values()), "parent_id": e.parent, "role": e.role,
        "description": e.description, "n_mentions": per_entity.get(e.id, 0)} for e in ents.items]
    from scripts.reconcile import reconcile
    from scripts.relations import find_relations
    relations = find_relations(claims, declared)
    reconcile(claims, noise, {s.doc_id: s.source.reference_date for s in seeds})
    from scripts.reference import load_facts, load_gaps
    from scripts.verdicts import verdicts
    facts = load_facts(seeds_dir / "reference" / "facts.yaml", entity_ids)
    multiples = {r["multiple"]["claim_id"]: (r["numerator"]["claim_id"], r["denominator"]["claim_id"])
                 for rule, r in declared if rule == "ratio_multiple"}
    claim_verdicts = verdicts(claims, facts, {s.doc_id: s.source.reference_date for s in seeds}, multiples)
    gaps = load_gaps(seeds_dir / "reference" / "gaps.yaml", entity_ids, {c["claim_id"] for c in claims},
                     {f["fact_id"] for f in facts})
    tables = {"documents": to_table("documents", docs), "entities": to_table("entities", entity_rows),
              "claims": to_table("claims", claims), "mentions": to_table("mentions", mentions),
              "events": to_table("events", events), "noise": to_table("noise", noise),
              "claim_relations": to_table("claim_relations", relations),
              "reference_facts": to_table("reference_facts", facts),
              "claim_verdicts": to_table("claim_verdicts", claim_verdicts),
              "reference_gaps": to_table("reference_gaps", gaps)}
    from scripts import tasks
    # tasks are derived from the tables as written (documents carry their final columns by now)
    derived = tasks.build(tables["documents"].to_pylist(), tables["claims"].to_pylist(), tables["noise"].to_pylist(),
                          tables["claim_verdicts"].to_pylist(), tables["reference_facts"].to_pylist())
    tables.update({name: to_table(name, rows) for name, rows in derived.items()})
    return tables, reports


def input_files(seeds_dir: Path = paths.SEEDS) -> list[Path]:
    """Every file the build reads from seeds/: its hash goes in the manifest."""
    return sorted(p for p in seeds_dir.rglob("*") if p.is_file() and p.suffix in (".txt", ".yaml", ".yml", ".md"))
