"""Agreement between the release's claims and an independent second annotation
pass (seeds/annotations/second_pass/<doc_id>.jsonl, written by an annotator who
saw only the raw texts and GUIDELINES.md)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from scripts.scores import prf


def load_second_pass(folder: Path) -> dict[str, list[dict]]:
    out = {}
    for f in sorted(folder.glob("*.jsonl")):
        out[f.stem] = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def _spans(text: str, rows: list[dict]) -> list[tuple[int, int, dict]]:
    spans = []
    for r in rows:
        i = text.find(r["quote"])
        if i != -1:
            spans.append((i, i + len(r["quote"]), r))
    return spans


def agreement(claims: list[dict], texts: dict[str, str], second: dict[str, list[dict]]) -> dict:
    """Span precision/recall of the second pass against the release (a second-pass
    claim matches a release claim when their value spans overlap; one-to-one), and,
    over matched pairs, agreement of value (0.5% relative), unit and period."""
    per_doc, tot = {}, dict(first=0, second=0, matched=0, value=0, unit=0, period=0, unplaced=0)
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_doc[c["doc_id"]].append(c)
    for doc_id, rows in sorted(second.items()):
        text = texts[doc_id]
        first = by_doc[doc_id]
        placed = []
        for s, e, r in _spans(text, rows):
            k = text[s:e].find(r.get("value_surface", ""))
            vs = s + max(k, 0)
            placed.append((vs, vs + len(r.get("value_surface", "")) if k != -1 else e, r))
        unplaced = len(rows) - len(placed)
        taken, pairs = set(), []
        for vs, ve, r in placed:
            for c in first:
                if c["claim_id"] in taken:
                    continue
                if c["value_char_start"] < ve and vs < c["value_char_end"]:
                    taken.add(c["claim_id"])
                    pairs.append((c, r))
                    break
        agree_v = sum(1 for c, r in pairs if r.get("value") is not None and abs(r["value"] - c["value"]) <= 0.005 * max(abs(c["value"]), 1e-9))
        agree_u = sum(1 for c, r in pairs if r.get("unit") == c["unit"])
        agree_p = sum(1 for c, r in pairs if (r.get("period_start"), r.get("period_end")) ==
                      (str(c["period_start"]) if c["period_start"] else None, str(c["period_end"]) if c["period_end"] else None))
        d: dict[str, int] = dict(first=len(first), second=len(rows), matched=len(pairs), value=agree_v, unit=agree_u,
                                 period=agree_p, unplaced=unplaced)
        per_doc[doc_id] = d
        for col in tot:
            tot[col] += d[col]
    def rates(d):
        p, r, f = prf(d["matched"], d["second"], d["first"])
        m = d["matched"] or 1
        return dict(d, precision=round(p, 3), recall=round(r, 3), f1=round(f, 3),
                    value_agreement=round(d["value"] / m, 3), unit_agreement=round(d["unit"] / m, 3),
                    period_agreement=round(d["period"] / m, 3))
    return {"per_doc": {k: rates(v) for k, v in per_doc.items()}, "total": rates(tot)}


def load_period_pass(folder: Path) -> dict[str, dict]:
    """The independent period pass (second_pass/periods/<doc_id>.periods.jsonl), by claim id."""
    rows = {}
    for f in sorted(folder.glob("*.periods.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                rows[r["claim_id"]] = r
    return rows


def period_agreement(claims: list[dict], second: dict[str, dict]) -> dict:
    """Share of the release's claims whose period (first and last day, or none) the period pass reads
    the same; the claims it reads otherwise, and the release claims it did not read."""
    def span(start, end):
        return (str(start) if start else None, str(end) if end else None)
    read = [c for c in claims if c["claim_id"] in second]
    differ = sorted(c["claim_id"] for c in read
                    if span(c["period_start"], c["period_end"]) != span(second[c["claim_id"]]["period_start"],
                                                                          second[c["claim_id"]]["period_end"]))
    agree = len(read) - len(differ)
    return {"read": len(read), "agree": agree, "agreement": round(agree / (len(read) or 1), 3), "differ": differ,
            "unread": sorted(c["claim_id"] for c in claims if c["claim_id"] not in second)}


def load_noise_pass(folder: Path) -> dict[str, list[dict]]:
    """The independent noise pass (second_pass/noise/<doc_id>.noise.jsonl), by document; each row's
    quote must be text[char_start:char_end] (checked by the test that reads it against the seeds)."""
    out: dict[str, list[dict]] = {}
    for f in sorted(folder.glob("*.noise.jsonl")):
        out[f.name.removesuffix(".noise.jsonl")] = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()
                                                    if line.strip()]
    return out


def _overlaps(a: dict, b: dict) -> bool:
    return a["char_start"] < b["char_end"] and b["char_start"] < a["char_end"]


def noise_agreement(noise: list[dict], second: dict[str, list[dict]]) -> dict:
    """Span overlap agreement between the release's noise rows and the noise pass, per document and in all.

    Overlap, not one-to-one: the two passes cut the same noise differently (one span for 引力会议在南京, two for
    会议 and 南京; one block of counters, or one per line), so a second-pass span is matched when it overlaps
    some release span (precision) and a release span when some second-pass span overlaps it (recall).
    Type agreement: share of matched second-pass spans whose type is the type of an overlapping release span.
    `unmatched_second` and `unmatched_release` list the disagreements span by span."""
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for n in noise:
        by_doc[n["doc_id"]].append(n)
    per_doc, unmatched_second, unmatched_release, type_differs = {}, [], [], []
    tot = dict(release=0, second=0, second_matched=0, release_matched=0, same_type=0)
    for doc_id in sorted(set(by_doc) | set(second)):
        first, rows = by_doc[doc_id], second.get(doc_id, [])
        d = dict(release=len(first), second=len(rows), second_matched=0, release_matched=0, same_type=0)
        for r in rows:
            hits = [n for n in first if _overlaps(n, r)]
            if not hits:
                unmatched_second.append(r)
                continue
            d["second_matched"] += 1
            if any(n["noise_type"] == r["type"] for n in hits):
                d["same_type"] += 1
            else:
                type_differs.append((r, sorted(n["noise_id"] for n in hits)))
        for n in first:
            if any(_overlaps(n, r) for r in rows):
                d["release_matched"] += 1
            else:
                unmatched_release.append(n)
        per_doc[doc_id] = d
        for k in tot:
            tot[k] += d[k]

    def rates(d: dict) -> dict:
        p = d["second_matched"] / d["second"] if d["second"] else 0.0
        r = d["release_matched"] / d["release"] if d["release"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return dict(d, precision=round(p, 3), recall=round(r, 3), f1=round(f, 3),
                    type_agreement=round(d["same_type"] / (d["second_matched"] or 1), 3))
    return {"per_doc": {k: rates(v) for k, v in per_doc.items()}, "total": rates(tot),
            "unmatched_second": unmatched_second, "unmatched_release": unmatched_release, "type_differs": type_differs}
