"""Events (seeds/annotations/events.yaml): one entry per real event, with one
evidence item per source that tells of it. Each source's date words resolve
against that source's own reference_date."""
from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

import schema
from scripts.errors import InputError
from scripts.inputs.annotations import not_blank
from scripts.inputs.spans import locate_or_fail
from scripts.inputs.yamlio import parse_list, vocab_validator
from scripts.normalize.periods import PeriodError, context_words, granularity_of, reproduces, resolve
from scripts.tables.context import Stage
from scripts.tables.proof import Findings, Proofs, duplicates, run


class EvidenceAnn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc: str
    quote: str = Field(min_length=1)
    occurrence: Optional[int] = Field(default=None, ge=1, strict=True)
    date: Optional[str] = None          # date words as written, inside the quote
    date_context: Optional[str] = None  # words stated elsewhere that the date needs (同年 -> 去年)
    best: bool = False                  # the evidence whose date the event takes

    _quote = field_validator("quote")(not_blank)


class EventAnn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=schema.load().tables["events"].column("event_id").pattern)
    type: str
    title: str
    en: str
    participants: list[str] = Field(default_factory=list)
    location: Optional[str] = None
    note: Optional[str] = None
    after_writing: Optional[str] = None  # why a date after the telling document's writing date stands (vocab event_after_writing)
    evidence: list[EvidenceAnn] = Field(min_length=1)

    _type = field_validator("type")(vocab_validator("event_type"))
    _after = field_validator("after_writing")(vocab_validator("event_after_writing"))


# how precisely an event is dated, from the granularity of its date words (vocab.yaml period_granularity)
PRECISION = {g: spec["date_precision"] for g, spec in schema.load().vocab["period_granularity"].items()}


READS: tuple[str, ...] = ()


def build(stage: Stage) -> list[dict]:
    inp = stage.inputs
    return build_events(inp.annotations_dir / "events.yaml", inp.seed_by_id, inp.entity_ids)


def date_spans(events: Iterable[Mapping]) -> dict[str, list[tuple[int, int]]]:
    """Per document, the spans of every date surface in the events' evidence: they
    count as covered numbers for the completeness check."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for ev in events:
        for x in ev["evidence"]:
            if x["stated_date_surface"]:
                k = x["char_start"] + x["quote"].find(x["stated_date_surface"])
                out[x["doc_id"]].append((k, k + len(x["stated_date_surface"])))
    return out


def evidence_order(x: Mapping) -> tuple[str, int]:
    """Evidence is stored by document, then offset."""
    return (x["doc_id"], x["char_start"])


def n_sources(evidence: Iterable[Mapping]) -> int:
    """The documents that tell an event."""
    return len({x["doc_id"] for x in evidence})


def dates_disagree(dated: Sequence[Mapping]) -> bool:
    """Do two different tellings give dates that cannot both hold (one ends before the other starts)?
    Only the two earliest ends and the two latest starts can make such a pair: an event told by
    every copy of a document is compared in linear time, not pair by pair."""
    ends = heapq.nsmallest(2, range(len(dated)), key=lambda i: dated[i]["stated_date_end"])
    starts = heapq.nlargest(2, range(len(dated)), key=lambda i: dated[i]["stated_date_start"])
    return any(a != b and dated[a]["stated_date_end"] < dated[b]["stated_date_start"] for a in ends for b in starts)


def _after_writing(evidence: list[dict], seeds: dict) -> tuple[str, dt.date, dt.date] | None:
    """(doc, date, writing date) when every telling comes from one document and dates the event after
    that document was written; None otherwise (other documents may date it independently)."""
    docs = {x["doc_id"] for x in evidence}
    if len(docs) != 1:
        return None
    doc = docs.pop()
    ref = seeds[doc].source.reference_date
    starts = [x["stated_date_start"] for x in evidence if x["stated_date_start"]]
    return (doc, min(starts), ref) if starts and min(starts) > ref else None


def build_events(path: Path, seeds: dict, entity_ids: set[str]) -> list[dict]:
    rows = []
    for ev, line, item in parse_list(path, EventAnn, lambda e: e.id, "events"):
        for p in ev.participants:
            if p not in entity_ids:
                raise InputError(path, line, f"participants: unknown entity {p!r}")
        evidence: list[dict] = []
        best = None
        for j, e in enumerate(ev.evidence):
            eline = item["evidence"].item_lines[j]
            if e.doc not in seeds:
                raise InputError(path, eline, f"evidence[{j}].doc: unknown document {e.doc!r}")
            seed = seeds[e.doc]
            s, t = locate_or_fail(seed.text, e.quote, e.occurrence, path, eline, f"evidence[{j}].quote")
            same = next((k for k, x in enumerate(evidence) if (x["doc_id"], x["char_start"], x["char_end"]) == (e.doc, s, t)), None)
            if same is not None:  # one telling counted twice would make n_sources and the date checks lie
                raise InputError(path, eline, f"evidence[{j}]: the same telling as evidence[{same}] "
                                              f"({e.doc} [{s}:{t}]); give each telling once")
            d_start = d_end = None
            gran = None
            if e.date:
                k = seed.text[s:t].find(e.date)
                if k == -1:
                    raise InputError(path, eline, f"evidence[{j}].date: {e.date!r} is not inside the quote")
                try:
                    per = resolve(e.date, seed.source.reference_date, e.date_context)
                except PeriodError as err:
                    raise InputError(path, eline, f"evidence[{j}].date: {err}") from None
                d_start, d_end, gran = per.start, per.end, per.granularity
            item_row = {"doc_id": e.doc, "char_start": s, "char_end": t, "quote": seed.text[s:t],
                        "stated_date_surface": e.date, "stated_date_start": d_start, "stated_date_end": d_end}
            evidence.append(item_row)
            if e.best or (best is None and d_start is not None):
                if e.best or best is None or not best[1]:
                    best = (item_row, e.best, gran)
        late = _after_writing(evidence, seeds)
        if late and not ev.after_writing:
            raise InputError(path, line, f"dated {late[1]}, after {late[0]}'s writing date {late[2]}, and told by no other "
                             f"document: a past event cannot postdate its telling; set after_writing (a plan, or a date word "
                             f"the page swapped) or fix the date")
        disagreement = dates_disagree([x for x in evidence if x["stated_date_start"]])
        b_row, _, gran = best if best else (None, False, None)
        rows.append({
            "event_id": ev.id, "event_type": ev.type, "title_zh": ev.title, "summary_en": ev.en,
            "date_start": b_row["stated_date_start"] if b_row else None, "date_end": b_row["stated_date_end"] if b_row else None,
            "date_precision": PRECISION.get(gran or "", "unknown") if b_row else "unknown",
            "date_surface": b_row["stated_date_surface"] if b_row else None,
            "participants": list(ev.participants), "location": ev.location,
            "evidence": sorted(evidence, key=evidence_order),
            "n_sources": n_sources(evidence), "date_disagreement": disagreement, "note": ev.note,
        })
    return rows


# --- proof ------------------------------------------------------------------------------------------

PROVES = ("events", "mentions")


def date_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Counts, evidence order and every date re-derived from the evidence and the documents' reference dates."""
    docs = {d["doc_id"]: d for d in t["documents"]}
    for ev in t["events"]:
        eid, items = ev["event_id"], ev["evidence"]
        sources = n_sources(items)
        if ev["n_sources"] != sources:
            f.add("events", eid, "n_sources", "recount of the evidence's documents", sources, ev["n_sources"])
        order = sorted(items, key=evidence_order)
        if items != order:
            f.add("events", eid, "evidence", "evidence ordered by document and offset")
        for i, x in enumerate(items):
            doc = docs.get(x["doc_id"])
            if doc is None:
                continue
            key = f"{eid} evidence[{i}]"
            if x["stated_date_surface"] is None:
                if x["stated_date_start"] is not None or x["stated_date_end"] is not None:
                    f.add("events", key, "evidence.stated_date_start", "no date without date words", None, x["stated_date_start"])
                continue
            if x["stated_date_surface"] not in x["quote"]:
                f.add("events", key, "evidence.stated_date_surface", "inside the evidence quote", x["stated_date_surface"], x["quote"])
            if not reproduces(x["stated_date_surface"], doc["reference_date"], x["stated_date_start"], x["stated_date_end"],
                               context_words(doc["text"])):
                f.add("events", key, "evidence.stated_date_start", "re-resolved from date_surface and reference_date",
                      f"a date {x['stated_date_surface']!r} can mean", f"{x['stated_date_start']}..{x['stated_date_end']}")
        dated = [x for x in items if x["stated_date_start"] is not None]
        disagree = dates_disagree(dated)
        if ev["date_disagreement"] != disagree:
            f.add("events", eid, "date_disagreement", "recomputed from the evidence dates", disagree,
                  ev["date_disagreement"])
        best = (ev["date_start"], ev["date_end"], ev["date_surface"])
        if ev["date_start"] is None:
            want_precision = "unknown"
        else:
            if best not in [(x["stated_date_start"], x["stated_date_end"], x["stated_date_surface"]) for x in dated]:
                f.add("events", eid, "date_start", "the date of one evidence item", "one of the evidence dates",
                      f"{best[0]}..{best[1]} ({best[2]!r})")
            want_precision = PRECISION[granularity_of(ev["date_start"], ev["date_end"])] \
                if ev["date_start"] <= ev["date_end"] else ev["date_precision"]
        if ev["date_precision"] != want_precision:
            f.add("events", eid, "date_precision", "consistent with the event's dates", want_precision,
                  ev["date_precision"])


def participant_problems(t: Mapping, manifest: dict | None, f: Findings) -> None:
    """Each participant is named in a document that tells the event; no event told twice under two ids."""
    mentioned: dict[str, set[str]] = defaultdict(set)
    for m in t["mentions"]:
        mentioned[m["doc_id"]].add(m["entity_id"])
    for ev in t["events"]:
        docs = {x["doc_id"] for x in ev["evidence"]}
        for p in ev["participants"]:
            if not any(p in mentioned[d] for d in docs):
                f.add("events", ev["event_id"], "participants", "a participant is mentioned in a document telling the event",
                      f"an entity mentioned in {', '.join(sorted(docs))}", p)
    duplicates(f, "events", t["events"], "event_id")


PROOFS: Proofs = (
    (("documents", "events"), date_problems),
    (PROVES, participant_problems),
)


def prove(t: Mapping, manifest: dict | None, f: Findings) -> None:
    run(PROOFS, t, manifest, f)
