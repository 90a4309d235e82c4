"""Span matching and the one precision/recall/F1 helper of the scorer.

Matching follows SemEval-2013 task 9 and `nervaluate`:
- exact: a prediction matches a target of the same document with the same `char_start` and `char_end`
  (boundaries only; `typed` also asks for the type). Gold is indexed by (doc_id, char_start, char_end),
  so a prediction is looked up, never compared with every target.
- partial: a prediction matches a target of the same document whose intersection over union of characters
  is at least PARTIAL_IOU. A pair with IoU >= 1/2 satisfies |g| <= 2|p| and g overlaps p, so the only
  candidates start in (p.start - 2|p|, p.end): each prediction looks at that window of the document's
  targets sorted by start (bisect), not at every target.
Both are one to one: a target is credited to one prediction at most (highest IoU first, then text order).
Labels (verification) are scored by scikit-learn in scripts/evaluate.py; spans, once matched, leave
counts, and `prf` turns counts into the three figures."""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from scripts.scores import prf

PARTIAL_IOU = 0.5

Span = Mapping  # a dict with doc_id, char_start, char_end (and the task's fields)
Pairs = list[tuple[Span, Span]]


def iou(a: Span, b: Span) -> float:
    inter = min(a["char_end"], b["char_end"]) - max(a["char_start"], b["char_start"])
    if inter <= 0:
        return 0.0
    return inter / (max(a["char_end"], b["char_end"]) - min(a["char_start"], b["char_start"]))


def exact_pairs(preds: Sequence[Span], targets: Sequence[Span],
                same_type: Callable[[Span, Span], bool] | None = None) -> Pairs:
    """One to one on identical boundaries; with same_type, a prediction takes the first free target at its
    boundaries whose type agrees (several gold layers may share boundaries, with different types)."""
    index: dict[tuple, list[Span]] = defaultdict(list)
    for t in targets:
        index[(t["doc_id"], t["char_start"], t["char_end"])].append(t)
    taken: set[int] = set()
    pairs = []
    for p in preds:
        for t in index.get((p["doc_id"], p["char_start"], p["char_end"]), ()):
            if id(t) not in taken and (same_type is None or same_type(p, t)):
                taken.add(id(t))
                pairs.append((p, t))
                break
    return pairs


def partial_pairs(preds: Sequence[Span], targets: Sequence[Span]) -> Pairs:
    """One to one on IoU >= PARTIAL_IOU, greedy from the highest IoU (ties: text order)."""
    by_doc: dict[str, list[Span]] = defaultdict(list)
    for t in targets:
        by_doc[t["doc_id"]].append(t)
    starts: dict[str, list[int]] = {}
    for d, ts in by_doc.items():
        ts.sort(key=lambda t: (t["char_start"], t["char_end"]))
        starts[d] = [t["char_start"] for t in ts]
    candidates = []
    for i, p in enumerate(preds):
        ts, st = by_doc.get(p["doc_id"], []), starts.get(p["doc_id"], [])
        width = p["char_end"] - p["char_start"]
        for j in range(bisect_left(st, p["char_start"] - 2 * width + 1), bisect_left(st, p["char_end"])):
            score = iou(p, ts[j])
            if score >= PARTIAL_IOU:
                candidates.append((-score, p["doc_id"], p["char_start"], ts[j]["char_start"], i, j))
    used_p: set[int] = set()
    used_t: set[tuple[str, int]] = set()
    pairs = []
    for *_, i, j in sorted(candidates):
        doc = preds[i]["doc_id"]
        if i not in used_p and (doc, j) not in used_t:
            used_p.add(i)
            used_t.add((doc, j))
            pairs.append((preds[i], by_doc[doc][j]))
    return pairs


def span_scores(prefix: str, pairs: Pairs, n_pred: int, n_gold: int) -> dict[str, float]:
    """{prefix}precision, {prefix}recall, {prefix}f1 from a matching."""
    p, r, f = prf(len(pairs), n_pred, n_gold)
    return {f"{prefix}precision": p, f"{prefix}recall": r, f"{prefix}f1": f}


def overlapping(spans: Sequence[Span], group: Callable[[Span], tuple]) -> tuple[Span, Span] | None:
    """The first pair of spans of the same group (document, and type where types may nest) that share a
    character, in text order; None if there is none. Sorting, then one pass."""
    last: dict[tuple, Span] = {}
    for s in sorted(spans, key=lambda s: (group(s), s["char_start"], s["char_end"])):
        g = group(s)
        prev = last.get(g)
        if prev is not None and s["char_start"] < prev["char_end"]:
            return prev, s
        if prev is None or s["char_end"] > prev["char_end"]:
            last[g] = s
    return None
