"""documents: the seed texts with their provenance, a cleaned text and the row
counts of the tables that point at them."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping

from scripts.inputs.seeds import Seed
from scripts.normalize.cleaning import clean_text, page_noise_spans
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, run

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


def row_counts(noise: Iterable[Mapping], claims: Iterable[Mapping], mentions: Iterable[Mapping],
               events: Iterable[Mapping]) -> dict[str, Counter]:
    """Per table, the rows that point at each document (an event counts its evidence items)."""
    return {
        "noise": Counter(r["doc_id"] for r in noise),
        "claims": Counter(r["doc_id"] for r in claims),
        "mentions": Counter(r["doc_id"] for r in mentions),
        "events": Counter(x["doc_id"] for ev in events for x in ev["evidence"]),
    }


def build(stage: Stage) -> list[dict]:
    removed = page_noise_spans(stage.rows("noise"))
    counts = row_counts(stage.rows("noise"), stage.rows("claims"), stage.rows("mentions"), stage.rows("events"))
    return [document_row(seed, removed.get(seed.doc_id, []), {k: c[seed.doc_id] for k, c in counts.items()})
            for seed in stage.inputs.seeds]


# --- proof ------------------------------------------------------------------------------------------

COUNTS = {"n_claims": "claims", "n_mentions": "mentions", "n_event_evidence": "events", "n_noise": "noise"}


def derived_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """The counts and the clean text re-derived by the build's functions, and each text against the seed
    hash recorded in manifest.json."""
    per = row_counts(t["noise"], t["claims"], t["mentions"], t["events"])
    inputs = (manifest or {}).get("inputs")
    removed = page_noise_spans(t["noise"])
    for d in t["documents"]:
        did = d["doc_id"]
        for col, table in COUNTS.items():
            if d[col] != per[table][did]:
                f.add("documents", did, col, f"recount of {table} rows", per[table][did], d[col])
        clean = clean_text(d["text"], removed.get(did, []))
        if d["text_clean"] != clean:
            at = next((i for i, (a, b) in enumerate(zip(clean, d["text_clean"])) if a != b),
                      min(len(clean), len(d["text_clean"])))
            f.add("documents", f"{did} text_clean[{at}:]", "text_clean", "re-derived from text and the page-noise spans",
                  clean[at:at + 30], d["text_clean"][at:at + 30])
        source_file = f"seeds/{did}.txt"
        if d["source_file"] != source_file:
            f.add("documents", did, "source_file", "seeds/<doc_id>.txt", source_file, d["source_file"])
        text_hash = hashlib.sha256(d["text"].encode("utf-8")).hexdigest()
        if not isinstance(inputs, dict) or source_file not in inputs:
            f.add("documents", did, "sha256", "the seed hash is recorded in manifest.json inputs",
                  f"inputs[{source_file!r}]", "absent")
            continue
        for what, h in (("documents.sha256", d["sha256"]), ("sha256(text)", text_hash)):
            if h != inputs[source_file]:
                f.add("documents", did, "sha256" if what == "documents.sha256" else "text",
                      f"{what} equals the seed hash in manifest.json inputs", inputs[source_file], h)


def page_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
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


PROOFS: Proofs = (
    (("documents", "claims", "mentions", "noise", "events"), derived_problems),
    (("documents",), page_problems),
)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
