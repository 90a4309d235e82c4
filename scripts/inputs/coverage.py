"""Completeness: every number in a document must be accounted for, by a claim
(value or period words), an event's date, a page-noise span, or an explained
exclusion. No library finds 'every numeric expression' in Chinese text the way
this check needs: jionlp's extractors skip bare counts and ordinals, and
cn2an.transform rewrites every numeral character it meets (程一笑 -> 程1笑,
零售宝 -> 0售宝, 一直 -> 1直), so it cannot tell a count from a word. The scanner
is a small regex, tested in tests/test_claims.py; the values it finds are read
by jionlp (scripts/normalize/values.py) once they are claims."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from scripts.normalize.numbers import MEASURE_WORDS, NUMBER  # noqa: F401 - the scanner's grammar, owned by normalize


@dataclass
class Report:
    doc_id: str
    found: int = 0
    by_claims: int = 0
    by_events: int = 0
    by_noise: int = 0
    excluded: Counter = field(default_factory=Counter)
    missing: list = field(default_factory=list)  # (start, end, token)

    def as_dict(self) -> dict:
        return {"doc_id": self.doc_id, "numbers": self.found, "covered_by_claims": self.by_claims,
                "covered_by_events": self.by_events, "in_page_noise": self.by_noise,
                "excluded": dict(sorted(self.excluded.items()))}


def numbers(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in NUMBER.finditer(text)]


def _inside(s: int, e: int, spans) -> bool:
    return any(a <= s and e <= b for a, b in spans)


def check(doc_id: str, text: str, claim_spans, event_spans, noise_spans, exclusions) -> Report:
    """exclusions: list of (start, end, reason)."""
    r = Report(doc_id)
    for s, e, tok in numbers(text):
        r.found += 1
        if _inside(s, e, claim_spans):
            r.by_claims += 1
        elif _inside(s, e, event_spans):
            r.by_events += 1
        elif _inside(s, e, noise_spans):
            r.by_noise += 1
        else:
            reason = next((why for a, b, why in exclusions if a <= s and e <= b), None)
            if reason:
                r.excluded[reason] += 1
            else:
                r.missing.append((s, e, tok))
    return r


def line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1
