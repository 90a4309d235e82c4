"""What the generator composes from, read from the project's own inputs: the reference facts,
the entity registry (with its garbled aliases), the seed annotations' claims, page noise and
events, and clean clauses of the five seed texts. Nothing here comes from anywhere else."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scripts.inputs import coverage
from scripts.inputs.annotations import load_doc_annotations
from scripts.inputs.entity_registry import Entities, load_entities
from scripts.inputs.seeds import load_seeds
from scripts.inputs.spans import exclusion_spans, locate
from scripts.normalize.cleaning import REMOVED_TYPES
from scripts.normalize.periods import PeriodError, resolve
from scripts.tables.reference_facts import load_facts

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]")
_CLEAN_SCOPE = re.compile(r"^[\u4e00-\u9fffA-Za-z]+$")
_PAGE_DATE = re.compile(r"\d{4}[年-]\d")


@dataclass(frozen=True)
class Figure:
    """One stated figure the generator may write: from a reference fact or a seed claim."""
    origin: str               # fact id or release claim id it comes from
    subject: str
    metric: str
    scope: str
    value: float | None       # None: the surface is re-used as written (seed claims)
    surface: str | None
    unit: str
    bound: str
    kind: str
    period_start: dt.date | None
    period_end: dt.date | None
    change: tuple[str, str] | None  # (basis, direction) for a change
    annotated_bound: str | None = None
    undated: bool = False  # the seed marked the period unknown (period_unknown): no date is guessed


@dataclass(frozen=True)
class Piece:
    """A stretch of seed text with the alias exclusions that fall inside it (offsets relative)."""
    text: str
    alias_exclusions: tuple[tuple[int, int, str], ...] = ()


@dataclass(frozen=True)
class Labelled:
    """A seed sentence holding exactly one labelled in-text noise span (typo, spun or garbled wording),
    with that label: re-used with its annotation, so the gold is the seeds' own."""
    text: str
    start: int  # of the noise quote inside text
    noise: tuple[tuple[str, Any], ...]  # the annotation's fields (type, quote, likely_reading, basis, ...)


@dataclass
class Material:
    entities: Entities
    figures: list[Figure]
    clauses: list[Piece]                          # clean seed sentences without numbers or labelled noise
    page_noise: dict[str, list[tuple[str, Piece]]]  # seed doc -> [(noise type, piece)] in text order
    seo: list[str]                                 # short seo_spam strings of the seeds
    events: list[dict] = field(default_factory=list)  # {event_id, quote, date}
    labelled: list[Labelled] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)    # entity id -> canonical name
    entities_en: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    garbled: dict[str, list[str]] = field(default_factory=dict)  # entity id -> noisy aliases


def _fact_figures(facts: list[dict]) -> list[Figure]:
    out = []
    for f in facts:
        if f["source_tier"] == "derived" or f["bound"] == "less_than":
            continue
        if f["change_basis"] != "none" and f["unit"] != "percent":
            continue  # a change stated as a count (净增) has no plain template here
        change = (f["change_basis"], "increase") if f["change_basis"] != "none" else None
        out.append(Figure(f["fact_id"], f["subject_id"], f["metric"], f["scope"], f["value"], None, f["unit"],
                          f["bound"], "actual", f["period_start"], f["period_end"], change))
    return out


def _spans(text: str, items) -> list[tuple[int, int]]:
    out = []
    for x in items:
        try:
            out.append(locate(text, x.quote, x.occurrence))
        except ValueError:
            continue
    return out


def _overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < e and s < b for a, b in spans)


IN_TEXT = ("typo", "synonym_substitution", "antonym_substitution", "machine_translation", "garbled_name")


def _labelled(text: str, doc, busy: list[tuple[int, int]]) -> list[Labelled]:
    """Seed sentences without numbers whose only annotation is one in-text noise span about no claim."""
    out = []
    for n in doc.ann.noise:
        if n.type not in IN_TEXT or n.claims:
            continue
        s, e = locate(text, n.quote, n.occurrence)
        m = next((m for m in _SENTENCE.finditer(text) if m.start() <= s and e <= m.end()), None)
        if m is None or not 8 <= len(m.group()) <= 120 or coverage.numbers(m.group()) or m.group() != m.group().strip():
            continue
        others = [(a, b) for a, b in busy if (a, b) != (s, e)]
        if _overlaps(m.start(), m.end(), others):
            continue
        fields = n.model_dump(exclude={"id", "occurrence", "claims"}, exclude_defaults=True)
        out.append(Labelled(m.group(), s - m.start(), tuple(sorted(fields.items()))))
    return out


def _seed_figures(seed, doc) -> list[Figure]:
    """The seed's claims that no noise label touches, with a scope in plain words and a period that
    needs nothing stated elsewhere: figures the generator may restate."""
    num = seed.doc_id.split("_", 1)[0]
    noisy_claims = {c for n in doc.ann.noise for c in n.claims}
    out = []
    for c in doc.ann.claims:
        if c.id in noisy_claims or c.implied_scale or c.period_context or not _CLEAN_SCOPE.match(c.scope):
            continue
        try:
            p = None if c.period_unknown or not c.period else resolve(c.period, seed.source.reference_date)
        except PeriodError:
            continue
        if p is not None and p.resolution == "document_date":
            p = None  # 目前: the figure holds at whatever date the new document is written
        out.append(Figure(f"{num}-{c.id}", c.subject, c.metric, c.scope, None, c.value, c.unit or "",
                          "", c.kind, p.start if p else None, p.end if p else None,
                          (c.change.basis, c.change.direction) if c.change else None, c.bound, c.period_unknown))
    return out


def _clauses(text: str, busy: list[tuple[int, int]]) -> list[Piece]:
    """Whole sentences with no number, no annotation and balanced quotation marks."""
    out = []
    for m in _SENTENCE.finditer(text):
        s, e = m.span()
        sent = m.group()
        if not 12 <= len(sent.strip()) <= 90 or sent != sent.strip() or coverage.numbers(sent):
            continue
        if sent.count("“") != sent.count("”") or sent.count("‘") != sent.count("’") or sent[0] in "”’":
            continue
        if not _overlaps(s, e, busy):
            out.append(Piece(sent))
    return out


def _page_pieces(text: str, doc, alias_x) -> tuple[list[tuple[str, Piece]], list[str]]:
    """The seed's page noise in text order (its host layout), and its short SEO keywords."""
    pieces, seo = [], []
    for k, n in enumerate(doc.ann.noise):
        if n.type not in REMOVED_TYPES or (n.type == "seo_spam" and n.quote.strip() != n.quote):
            continue
        s, e = locate(text, n.quote, n.occurrence)
        # fragments of a garbled sentence (< @, 快手@的), keywords stuffed mid-sentence and page dates
        # (they would contradict the new document's own) are no furniture to carry over
        if "@" in n.quote or len(n.quote) < 6 or (n.type == "seo_spam" and k > 0) or _PAGE_DATE.search(n.quote):
            if n.type == "seo_spam" and len(n.quote) <= 40 and "\n" not in n.quote:
                seo.append(n.quote)
            continue
        inner = tuple((a - s, b - s, why) for a, b, why in alias_x if s <= a and b <= e)
        pieces.append((s, n.type, Piece(text[s:e], inner)))
    return [(t, p) for _, t, p in sorted(pieces, key=lambda x: x[0])], seo


def _events(path: Path, noise_at: dict[str, tuple[str, list[tuple[int, int]]]]) -> list[dict]:
    """Seed event clauses that open with an absolute date (a relative one would move with the new
    document's date), read as a sentence, carry no noise and no number but their date."""
    out = []
    for ev in yaml.safe_load(path.read_text(encoding="utf-8")):
        for x in ev["evidence"]:
            date, q = x.get("date"), x["quote"]
            if not date or not re.search(r"\d{4}年", date) or not q.startswith(date) or q[-1] in "后上的":
                continue
            text, noisy = noise_at[x["doc"]]
            s = text.find(q)
            if _overlaps(s, s + len(q), noisy) or any(b > len(date) for _, b, _ in coverage.numbers(q)):
                continue
            out.append({"event_id": ev["id"], "quote": q, "date": date, "doc": x["doc"]})
    return out


def load(root: Path) -> Material:
    seeds_dir = root / "seeds"
    ann_dir = seeds_dir / "annotations"
    ents = load_entities(ann_dir / "entities.yaml")
    figures = _fact_figures(load_facts(seeds_dir / "reference" / "facts.yaml", ents.ids()))
    clauses: list[Piece] = []
    page_noise: dict[str, list[tuple[str, Piece]]] = {}
    seo: list[str] = []
    labelled: list[Labelled] = []
    noise_at: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    for seed in load_seeds(seeds_dir):
        doc = load_doc_annotations(seed.doc_id, ann_dir)
        text = seed.text
        busy = _spans(text, doc.ann.noise) + _spans(text, doc.ann.claims) + \
            [(s, e) for s, e, _ in exclusion_spans(text, doc, "excluded")]
        alias_x = exclusion_spans(text, doc, "alias_exclusions")
        noise_at[seed.doc_id] = (text, _spans(text, doc.ann.noise))
        figures += _seed_figures(seed, doc)
        labelled += _labelled(text, doc, busy)
        clauses += _clauses(text, busy + [(a, b) for a, b, _ in alias_x])
        page_noise[seed.doc_id], keywords = _page_pieces(text, doc, alias_x)
        seo += keywords
    events = _events(ann_dir / "events.yaml", noise_at)
    names = {e.id: e.name for e in ents.items}
    garbled = {e.id: sorted(e.noisy) for e in ents.items if e.noisy}
    return Material(ents, figures, sorted(set(clauses), key=lambda p: p.text), page_noise, sorted(set(seo)),
                    events, labelled, names, {e.id: e.en for e in ents.items},
                    {e.id: e.type for e in ents.items}, garbled)
