"""documents.text_clean: the text without the spans labelled as page noise."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

import schema

# Noise types that are not the article's content at all; removing them leaves
# the article. Spun or garbled wording is content and stays (it is labelled).
REMOVED_TYPES = tuple(t for t, spec in schema.load().vocab["noise_type"].items() if spec.get("removed_from_text_clean"))


def merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def clean_text(text: str, spans: list[tuple[int, int]]) -> str:
    parts, pos = [], 0
    for s, e in merge(spans):
        parts.append(text[pos:s])
        pos = e
    parts.append(text[pos:])
    cleaned = "".join(parts)
    cleaned = "\n".join(line.rstrip() for line in cleaned.split("\n"))
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned)
    return cleaned.strip()


def page_noise_spans(noise: Iterable[Mapping]) -> dict[str, list[tuple[int, int]]]:
    """Per document, the spans of noise that is not article content (REMOVED_TYPES)."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in noise:
        if r["noise_type"] in REMOVED_TYPES:
            out[r["doc_id"]].append((r["char_start"], r["char_end"]))
    return out
