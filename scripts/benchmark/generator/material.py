"""What the generator composes from: the reference facts (figures), the entity registry (names and
garbled aliases) and the project's own templates (templates.py). No text of the five seed documents
(the test set) is read: until v0.9.0 their clauses, page noise and events were re-used, and 40.7%
of the test characters were in the generated splits (scripts/benchmark/leak.py)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from scripts.benchmark.generator import templates as T
from scripts.inputs.entity_registry import Entities, load_entities
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
    published: dt.date | None = None  # the fact's source_date: a document restating it is written after it


@dataclass(frozen=True)
class Piece:
    """A stretch of seed text with the alias exclusions that fall inside it (offsets relative)."""
    text: str
    alias_exclusions: tuple[tuple[int, int, str], ...] = ()


@dataclass
class Material:
    entities: Entities
    figures: list[Figure]
    clauses: list[Piece]                          # clean seed sentences without numbers or labelled noise
    page_noise: dict[str, list[tuple[str, Piece]]]  # seed doc -> [(noise type, piece)] in text order
    seo: list[str]                                 # short seo_spam strings of the seeds
    events: list[dict] = field(default_factory=list)  # {event_id, quote, date}
    names: dict[str, str] = field(default_factory=dict)    # entity id -> canonical name
    entities_en: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    garbled: dict[str, list[str]] = field(default_factory=dict)  # entity id -> noisy aliases
    avoid: set[str] = field(default_factory=set)  # every registered name and alias: a homophone must be none of them


def _fact_figures(facts: list[dict]) -> list[Figure]:
    out = []
    for f in facts:
        if f["source_tier"] == "derived" or f["bound"] == "less_than":
            continue
        if f.get("source_date_basis") == "forecast":
            continue  # a recorded target is no measured figure: the templates would restate it as an actual level
        if len(f["scope"]) >= 8:
            continue  # a long scope is a source's own wording (近12个月活跃购买用户数): test text, not a name
        if f["change_basis"] != "none" and f["unit"] != "percent":
            continue  # a change stated as a count (净增) has no plain template here
        change = (f["change_basis"], "increase") if f["change_basis"] != "none" else None
        out.append(Figure(f["fact_id"], f["subject_id"], f["metric"], f["scope"], f["value"], None, f["unit"],
                          f["bound"], "actual", f["period_start"], f["period_end"], change, published=f["source_date"]))
    return out


def _share_figures(figures: list[Figure]) -> list[Figure]:
    """Shares computed from two revenue levels of one subject and period, a part and the total (广告收入占总收入,
    53.2%): the verdict rules check such a share against the same two facts (claim_verdicts._judge_share)."""
    out = []
    for total in figures:
        if total.metric != "revenue" or total.change or not total.scope.startswith("总") or not total.value:
            continue
        for part in figures:
            if (part.metric, part.subject, part.period_start, part.period_end) == ("revenue", total.subject, total.period_start,
                                                                                   total.period_end) \
                    and part is not total and not part.change and part.value and part.value < total.value:
                out.append(Figure(f"share:{part.origin}/{total.origin}", part.subject, "revenue_share",
                                  f"{part.scope}占{total.scope}", round(part.value / total.value * 100, 1), None, "percent",
                                  "exact", "actual", part.period_start, part.period_end, None,
                                  published=max((d for d in (part.published, total.published) if d), default=None)))
    return out


def load(root: Path) -> Material:
    """v0.10.0: figures from the reference facts and names from the entity registry only; every
    sentence, page line and keyword comes from templates.py (the five seed texts are the test set
    and no stretch of them may reach a generated split: scripts/benchmark/leak.py)."""
    seeds_dir = root / "seeds"
    ann_dir = seeds_dir / "annotations"
    ents = load_entities(ann_dir / "entities.yaml")
    figures = _fact_figures(load_facts(seeds_dir / "reference" / "facts.yaml", ents.ids()))
    figures += _share_figures(figures)
    clauses = [Piece(t) for t in T.CLAUSES]
    page_noise = {host: [(kind, Piece(text)) for kind, text in lines] for host, lines in T.HOSTS.items()}
    names = {e.id: e.name for e in ents.items} | {k: v[0] for k, v in T.INVENTED_COMPANIES.items()}
    # short garbled aliases only: a long one (快手 电子商务, 快手新知识广播) is a test noise span verbatim
    garbled = {e.id: sorted(a for a in e.noisy if len(a) < 6) for e in ents.items}
    garbled = {k: v for k, v in garbled.items() if v}
    en = {e.id: e.en for e in ents.items} | {k: v[1] for k, v in T.INVENTED_COMPANIES.items()}
    types = {e.id: e.type for e in ents.items} | dict.fromkeys(T.INVENTED_COMPANIES, "organization")
    avoid = {a for e in ents.items for a in (e.name, *e.aliases, *e.noisy)} | set(names.values())
    return Material(ents, figures, clauses, page_noise, [], [], names, en, types, garbled, avoid)
