"""documents: the seed texts with their provenance, a cleaned text and the row
counts of the tables that point at them."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from scripts.inputs.seeds import Seed
from scripts.normalize.cleaning import clean_text, page_noise_spans
from scripts.tables.context import Stage
from scripts.tables.proof import Findings

READS = ("noise", "claims", "mentions", "events")


def stated(seed: Seed) -> dict:
    """The columns only the seed states (sources.yaml and the text file): what validate compares with the
    source/ a release ships (scripts/release/source.py); the rest of a row is derived from the text and the tables."""
    src = seed.source
    return {
        "doc_id": src.doc_id, "source_file": f"seeds/{src.doc_id}.txt", "sha256": src.sha256,
        "title": src.title, "site": src.site, "author": src.author, "url": src.url,
        # epoch milliseconds: pyarrow's conversion of tz-aware datetimes proved
        # unstable across calls in one process (an 8-hour shift on the second build).
        "published_at": round(src.published_at.timestamp() * 1000) if src.published_at else None,
        "published_at_basis": src.published_at_basis, "reference_date": src.reference_date,
        "reference_date_basis": src.reference_date_basis, "reference_date_precision": src.reference_date_precision,
        "text": seed.text,
    }


def document_row(seed: Seed, removed: list[tuple[int, int]], counts: dict[str, int]) -> dict:
    return {
        **stated(seed), "language": "zh", "text_clean": clean_text(seed.text, removed), "char_count": len(seed.text),
        "n_claims": counts.get("claims", 0), "n_mentions": counts.get("mentions", 0),
        "n_event_evidence": counts.get("events", 0), "n_noise": counts.get("noise", 0),
    }


def build(stage: Stage) -> list[dict]:
    removed = page_noise_spans(stage.rows("noise"))
    counts = {
        "noise": Counter(r["doc_id"] for r in stage.rows("noise")),
        "claims": Counter(r["doc_id"] for r in stage.rows("claims")),
        "mentions": Counter(r["doc_id"] for r in stage.rows("mentions")),
        "events": Counter(x["doc_id"] for ev in stage.rows("events") for x in ev["evidence"]),
    }
    return [document_row(seed, removed.get(seed.doc_id, []), {k: c[seed.doc_id] for k, c in counts.items()})
            for seed in stage.inputs.seeds]


# --- proof ------------------------------------------------------------------------------------------

PROVES = ("documents",)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """What the page itself shows: a date only with a basis for it, and each title its own page's."""
    docs = t["documents"]
    for d in docs:
        if (d["published_at"] is None) != (d["published_at_basis"] == "unknown"):
            f.add("documents", d["doc_id"], "published_at", "a page date exactly when its basis is not unknown",
                  f"{'none' if d['published_at_basis'] == 'unknown' else 'a date'} (basis {d['published_at_basis']})",
                  d["published_at"])
        if d["title"] and d["title"] not in d["text"]:
            other = next((o["doc_id"] for o in docs if o is not d and d["title"] in o["text"]), None)
            if other:
                f.add("documents", d["doc_id"], "title", "the title is its own page's, not another document's",
                      "a title in this text", f"{d['title']!r}, the title in {other}")
    # no duplicate-content rule here: the same page under two ids is what a repost is, and what the scale tests'
    # replicated corpus (scripts/benchmark/replicate.py) holds; sources.yaml's sha256 names each text once per id
