"""Reference facts (seeds/reference/facts.yaml): official figures read on public
pages. Their values are normalized by code from the figure as disclosed, with the
claims' own parser for Chinese forms (人民币9,660万元, 5.7亿) and a small reader
for English results-release forms (RMB381.2 billion, 320.4 million, 53.2%),
which jionlp does not parse."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

import schema
from scripts.errors import InputError
from scripts.inputs.yamlio import parse_list, vocab_validator
from scripts.normalize.values import SurfaceValueError, check_digits, parse_value
from scripts.tables.context import Stage

_EN = re.compile(r"^(?P<q>around|about|nearly|over|more than|exceeded|exceeding)?\s*(?:RMB|US\$|HK\$)?\s*"
                 r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<scale>trillion|billion|million|thousand)?\s*(?P<pct>%|percent)?$", re.I)
_SCALE = {None: 1, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_EN_BOUND = {"around": "approx", "about": "approx", "nearly": "approx", "over": "more_than", "more than": "more_than",
             "exceeded": "more_than", "exceeding": "more_than"}
# Hong Kong releases print traditional characters; only the few that occur in figures are mapped
# (a full converter such as opencc is not needed for 億/萬/幣).
_TRAD = str.maketrans({"億": "亿", "萬": "万", "幣": "币"})


class FactAnn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=schema.load().tables["reference_facts"].column("fact_id").pattern)
    subject: str
    metric: str
    scope: str
    period_start: dt.date
    period_end: dt.date
    value_surface: str
    unit: str
    change_basis: str = "none"
    source_title: str
    source_publisher: str
    source_date: dt.date
    source_url: str = Field(pattern=schema.load().tables["reference_facts"].column("source_url").pattern)
    source_kind: str
    quote: str = Field(min_length=5)
    note: Optional[str] = None

    _metric = field_validator("metric")(vocab_validator("metric"))
    _kind = field_validator("source_kind")(vocab_validator("source_kind"))
    _unit = field_validator("unit")(vocab_validator("unit"))
    _basis = field_validator("change_basis")(vocab_validator("change_basis"))


def whole_number_in(surface: str, quote: str) -> bool:
    """Some occurrence of surface in quote is not cut out of a longer number (96亿 of 596亿, 9 of 9,660)."""
    def digit(i: int) -> bool:
        return 0 <= i < len(quote) and quote[i].isdigit()
    start = quote.find(surface)
    while start != -1:
        end = start + len(surface)
        cut_left = surface[:1].isdigit() and (digit(start - 1) or (quote[start - 1:start] in (".", ",") and digit(start - 2)))
        cut_right = surface[-1:].isdigit() and (digit(end) or (quote[end:end + 1] in (".", ",") and digit(end + 1)))
        if not (cut_left or cut_right):
            return True
        start = quote.find(surface, start + 1)
    return False


def normalize(surface: str) -> dict:
    """value, bound, value_low, value_high of a disclosed figure (bounds matter: 超60%)."""
    s = surface.strip().translate(_TRAD)
    check_digits(s)
    m = _EN.match(s)
    if m:
        v = float(m["num"].replace(",", "")) * _SCALE[(m["scale"] or "").lower() or None]
        bound = _EN_BOUND.get((m["q"] or "").lower(), "exact")
        return {"value": v, "bound": bound, "value_low": v if bound == "more_than" else None,
                "value_high": v if (m["q"] or "").lower() == "nearly" else None}
    pv = parse_value(s.removeprefix("人民币").replace(",", ""))
    return {"value": pv.value, "bound": pv.bound, "value_low": pv.low, "value_high": pv.high}


def load_facts(path: Path, entity_ids: set[str]) -> list[dict]:
    rows = []
    for f, line, _ in parse_list(path, FactAnn, lambda f: f.id, "facts"):
        if f.subject not in entity_ids:
            raise InputError(path, line, f"subject: unknown entity {f.subject!r}")
        if f.unit not in schema.load().units_for(f.metric):
            raise InputError(path, line, f"unit {f.unit} is not allowed for metric {f.metric}")
        if f.period_end < f.period_start:
            raise InputError(path, line, "period_end is before period_start")
        try:
            check_digits(f.value_surface)
        except SurfaceValueError as e:
            raise InputError(path, line, f"value_surface: {e}") from None
        if f.value_surface not in f.quote:
            raise InputError(path, line, f"value_surface {f.value_surface!r} is not in the quote")
        if not whole_number_in(f.value_surface, f.quote):
            raise InputError(path, line, f"value_surface {f.value_surface!r} is only ever a piece of a longer number "
                                         "in the quote: copy the whole figure")
        try:
            norm = normalize(f.value_surface)
        except SurfaceValueError as e:
            raise InputError(path, line, f"value_surface: {e}") from None
        rows.append({"fact_id": f.id, "subject_id": f.subject, "metric": f.metric, "scope": f.scope,
                     "period_start": f.period_start, "period_end": f.period_end, "value": norm["value"],
                     "bound": norm["bound"], "value_low": norm["value_low"], "value_high": norm["value_high"],
                     "unit": f.unit,
                     "change_basis": f.change_basis, "value_surface": f.value_surface, "source_title": f.source_title,
                     "source_publisher": f.source_publisher, "source_date": f.source_date, "source_url": f.source_url,
                     "source_kind": f.source_kind, "quote": f.quote, "note": f.note})
    return rows


READS: tuple[str, ...] = ()


def build(stage: Stage) -> list[dict]:
    return load_facts(stage.inputs.seeds_dir / "reference" / "facts.yaml", stage.inputs.entity_ids)
