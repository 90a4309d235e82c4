"""A generated document from start to end (host page, title, dateline, body) and its
provenance entry; deterministic from (seed, document number)."""
from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from scripts.benchmark.generator import templates as T
from scripts.benchmark.generator.compose import KUAISHOU_FAMILY, Composer, check_complete
from scripts.benchmark.generator.doc import Doc
from scripts.benchmark.generator.material import Figure, Material
from scripts.benchmark.generator.numbering import doc_id, rng_for
from scripts.normalize.cleaning import REMOVED_TYPES

EARLIEST, LATEST = dt.date(2019, 6, 1), dt.date(2023, 12, 31)


def _pick_figures(mat: Material, rng: random.Random) -> list[tuple[Figure, Figure | None, Figure | None]]:
    """Figures for one document: (figure, the level a change reached, a level of the same period listed after it)."""
    picked = rng.sample(mat.figures, rng.randint(3, 8))
    levels = {(f.subject, f.metric, f.period_start, f.period_end): f for f in mat.figures
              if f.change is None and f.value is not None and f.unit != "percent"}
    by_period: dict[tuple, list[Figure]] = {}
    for f in mat.figures:
        if f.change is None and f.value is not None and f.period_start is not None:
            by_period.setdefault((f.period_start, f.period_end), []).append(f)
    out: list[tuple[Figure, Figure | None, Figure | None]] = []
    used = {f.origin for f in picked}
    for f in picked:
        key = (f.subject, f.metric, f.period_start, f.period_end)
        lv = levels.get(key) if f.change and f.value is not None else None
        if lv is not None and lv.origin not in used and rng.random() < 0.6:
            used.add(lv.origin)
            out.append((f, lv, None))
            continue
        mates = [g for g in by_period.get((f.period_start, f.period_end), [])
                 if g.origin not in used and (g.subject, g.metric, g.scope) != (f.subject, f.metric, f.scope)]
        if f.change is None and mates and rng.random() < 0.35:
            mate = rng.choice(mates)
            used.add(mate.origin)
            out.append((f, None, mate))
        else:
            out.append((f, None, None))
    return out


def _reference_date(figs: list[tuple[Figure, Figure | None, Figure | None]], rng: random.Random) -> dt.date:
    ends = [f.period_end for f, *_ in figs if f.period_end and f.kind == "actual"]
    if not ends:
        return EARLIEST + dt.timedelta(days=rng.randint(0, (LATEST - EARLIEST).days))
    ref = min(max(ends) + dt.timedelta(days=rng.randint(15, 240)), LATEST + dt.timedelta(days=365))
    # a restated figure is known from its page's date on: verdicts judge by what was published by then
    published = [g.published for group in figs for g in group if g is not None and g.published]  # the listed levels too
    return max(ref, max(published) + dt.timedelta(days=rng.randint(1, 30))) if published else ref


def compose(mat: Material, seed: int, number: int) -> tuple[str, Doc, dict[str, Any]]:
    """(doc_id, the document with its annotations, its sources.yaml entry)."""
    rng = rng_for(seed, number)
    did = doc_id(seed, number)
    doc = Doc()
    c = Composer(mat, rng, doc)
    figs = _pick_figures(mat, rng)
    ref = _reference_date(figs, rng)
    host = rng.choice(sorted(mat.page_noise)) if rng.random() < 0.85 else None
    furniture = mat.page_noise[host] if host else []
    sep = rng.choice(("\n", "\n\n"))

    def page_piece(kind: str, piece) -> None:
        at = doc.add(piece.text)
        doc.add_noise(at, piece.text, {"type": kind, "basis": "page_structure",
                                       "explanation": f"{kind.replace('_', ' ').capitalize()} of the host page layout, as in seed {host}."})
        for a, b, why in piece.alias_exclusions:
            doc.exclude(at + a, piece.text[a:b], why, "alias_exclusions")
        doc.add(sep)

    if furniture:
        page_piece(*furniture[0])
    main = next((f.subject for f, *_ in figs if f.subject in KUAISHOU_FAMILY), "kuaishou_ecommerce")
    title = rng.choice(T.TITLES).format(s=mat.names[main])
    doc.add(title + sep)
    repost = rng.random() < 0.35
    published: dt.datetime | None = None
    if repost:
        when = ref + dt.timedelta(days=rng.randint(60, 500))
        published = dt.datetime(when.year, when.month, when.day, rng.randint(0, 23), rng.randint(0, 59),
                                rng.randint(0, 59), tzinfo=dt.timezone(dt.timedelta(hours=8)))
        line = T.REPOST_LINE.format(d=published.strftime(T.REPOST_DATE))
        at = doc.add(line)
        doc.add_noise(at, line, {
            "type": "date_mismatch", "basis": "page_structure",
            "explanation": f"The page date of a repost; the content was written on {ref.isoformat()} (sources.yaml)."})
        doc.exclude(at, line, "minor_date")
        doc.add(sep)
    elif rng.random() < 0.5:
        published = dt.datetime(ref.year, ref.month, ref.day, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    events = [e for e in mat.events if int(e["date"][:4]) <= ref.year]
    units: list = [lambda f=f, lv=lv, mate=mate: c.claim_sentence(f, lv, mate) for f, lv, mate in figs]
    units += [lambda: c.invented_claim(ref) for _ in range(rng.choice((0, 0, 1, 1, 2)))]
    stuffed = [rng.random() < 0.15 for _ in range(rng.randint(2, 6))]  # SEO keywords in some seed clauses
    units += [lambda seo=seo: c.seed_clause(seo) for seo in stuffed]
    units += [c.own_clause for _ in range(rng.randint(0, 2))]
    units += [c.own_clause for _ in range(rng.randint(0, 2))]
    units += [c.entity_clause for _ in range(rng.randint(0, 2))]
    chosen = {e["quote"]: e for e in rng.sample(events, min(len(events), rng.randint(0, 2)))}
    units += [lambda e=e: c.event_clause(e) for e in chosen.values()]
    rng.shuffle(units)
    mid, placed = list(furniture[1:-1]), 0  # furniture that may sit between paragraphs (image placeholders)
    k = 0
    while k < len(units):
        n = rng.randint(1, 3)
        for u in units[k:k + n]:
            u()
        k += n
        doc.add(sep)
        if placed < len(mid) and rng.random() < 0.2:
            page_piece(*mid[placed])
            placed += 1
    for kind, piece in furniture[1 + placed:]:
        page_piece(kind, piece)
    check_complete(doc, set(REMOVED_TYPES))
    text = doc.text
    entry = {
        "doc_id": did, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "title": title, "site": f"generated (layout of {host or 'no host'})",
        "author": None, "url": None, "published_at": published.isoformat() if published else None,
        "published_at_basis": "explicit" if repost else ("inferred" if published else "unknown"),
        "reference_date": ref.isoformat(), "reference_date_precision": "day",
        "reference_date_basis": f"Generated document (scripts/generate.py, seed {seed}): written on this date by construction"
                                f"{'; the page date is a later repost' if repost else ''}.",
    }
    return did, doc, entry
