"""A generated document under construction: text appended piece by piece, every annotation
recorded at the offsets where its text was inserted, then written as quotes with the
occurrence that points back to exactly those offsets (the build locates quotes, not offsets)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scripts.inputs.spans import find_all


def occurrence(text: str, quote: str, start: int) -> int | None:
    """The 1-based occurrence of `quote` that starts at `start` (None when it is the only one)."""
    starts = find_all(text, quote)
    if start not in starts:
        raise AssertionError(f"generator bug: {quote!r} is not at {start}")
    return None if len(starts) == 1 else starts.index(start) + 1


@dataclass
class Doc:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    claims: list[dict[str, Any]] = field(default_factory=list)      # with "_start", "_value_start"
    noise: list[dict[str, Any]] = field(default_factory=list)       # with "_start"
    excluded: list[dict[str, Any]] = field(default_factory=list)    # with "_start"
    alias_exclusions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)      # {event_id, quote, date, _start}

    def add(self, piece: str) -> int:
        """Append text; returns where it starts."""
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def claim(self, start: int, quote: str, value_start: int, ann: dict[str, Any]) -> str:
        cid = f"c{len(self.claims) + 1:02d}"
        self.claims.append({"id": cid, "_start": start, "quote": quote, "_value_at": value_start, **ann})
        return cid

    def add_noise(self, start: int, quote: str, ann: dict[str, Any]) -> None:
        self.noise.append({"_start": start, "quote": quote, **ann})

    def exclude(self, start: int, quote: str, reason: str, section: str = "excluded") -> None:
        getattr(self, section).append({"_start": start, "quote": quote, "reason": reason})

    def annotations(self, doc_id: str) -> dict[str, Any]:
        """The annotation file's content, quotes resolved to occurrences in the final text."""
        text = self.text

        def placed(item: dict[str, Any]) -> dict[str, Any]:
            out = {k: v for k, v in item.items() if not k.startswith("_")}
            occ = occurrence(text, item["quote"], item["_start"])
            if occ is not None:
                out["occurrence"] = occ
            return out

        claims = []
        for c in self.claims:
            out = placed(c)
            rel = c["_value_at"] - c["_start"]
            vocc = occurrence(c["quote"], c["value"], rel)
            if vocc is not None:
                out["value_occurrence"] = vocc
            claims.append(out)
        noise = [{"id": f"n{k + 1:02d}", **placed(n)} for k, n in enumerate(self.noise)]
        doc: dict[str, Any] = {"doc_id": doc_id, "claims": claims, "noise": noise}
        if self.excluded:
            doc["excluded"] = [placed(x) for x in self.excluded]
        if self.alias_exclusions:
            doc["alias_exclusions"] = [placed(x) for x in self.alias_exclusions]
        return doc
