"""Which labelled spans contain a span: one sweep over both lists sorted by start,
so the cost grows with spans + items (and the nesting depth), not their product."""
from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Optional


def containing(spans: Iterable[tuple[int, int, Hashable]],
               items: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Hashable]]:
    """For each item (start, end), the keys of the spans (start, end, key) with
    span_start <= start and end <= span_end, innermost (shortest) first, ties by key."""
    by_start = sorted(spans, key=lambda s: (s[0], s[1]))
    open_: list[tuple[int, int, int, Hashable]] = []  # (span_end, span_start, order, key): a heap by end
    out: dict[tuple[int, int], list[Hashable]] = {}
    i = 0
    for s, e in sorted(set(items)):
        while i < len(by_start) and by_start[i][0] <= s:
            a, b, key = by_start[i]
            heapq.heappush(open_, (b, a, i, key))
            i += 1
        # a span ending at or before s cannot contain this item nor any later one (they start at or after s)
        while open_ and open_[0][0] <= s:
            heapq.heappop(open_)
        # what is left is open at s: as many spans as are nested there, not all of them
        hits = sorted((b - a, str(key), key) for b, a, _, key in open_ if e <= b)
        out[(s, e)] = [key for _, _, key in hits]
    return out



def innermost(spans: Sequence[Mapping], items: Iterable[tuple[str, int, int]],
              key: str = "noise_id") -> dict[tuple[str, int, int], Optional[str]]:
    """Per (doc_id, start, end): the key of the shortest row of `spans` (rows with doc_id,
    char_start, char_end) that contains it, the lowest key among equals; None if none does."""
    per_doc: dict[str, list[tuple[int, int, str]]] = {}
    for r in spans:
        per_doc.setdefault(r["doc_id"], []).append((r["char_start"], r["char_end"], r[key]))
    wanted: dict[str, list[tuple[int, int]]] = {}
    for d, s, e in items:
        wanted.setdefault(d, []).append((s, e))
    out: dict[tuple[str, int, int], Optional[str]] = {}
    for d, its in wanted.items():
        hits = containing(per_doc.get(d, []), its)
        for (s, e), keys in hits.items():
            out[(d, s, e)] = str(keys[0]) if keys else None
    return out
