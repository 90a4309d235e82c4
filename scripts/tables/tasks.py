"""Benchmark task tables, derived from the release tables (never from the
annotation files): extraction, verification and noise_detection."""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import schema
from scripts.tables.arrow import to_table
from scripts.tables.context import Row, Stage, frozen
from scripts.tables.proof import Check, Findings, ReleaseRows, compare_table

_END = re.compile(r"[。！？!?\n]")
# the evidence a verification item carries: the fact_evidence struct as declared in schema/tables.yaml
EVIDENCE_FIELDS = tuple(c.name for c in schema.load().structs["fact_evidence"])
# Every verification row offers this many reference facts (all of them if there are fewer), drawn by
# one rule for every claim (see evidence_pool), so that the pool's presence or size says nothing of the label.
POOL_SIZE = 12  # v0.11.0: 46 facts, 15 of them GMV levels; at 8 a claim's gold fact ranked below the pool (000-c03)


def sentence(text: str, start: int, end: int) -> str:
    """The sentence(s) containing [start, end): from after the previous terminator to the next one."""
    left = max((m.end() for m in _END.finditer(text, 0, start)), default=0)
    m = _END.search(text, end)
    right = m.end() if m else len(text)
    return text[left:right].strip()


def _by_doc(rows: Iterable[Mapping], order: Callable[[Mapping], tuple]) -> dict[str, list[Mapping]]:
    out: dict[str, list[Mapping]] = defaultdict(list)
    for r in sorted(rows, key=order):
        out[r["doc_id"]].append(r)
    return out


def extraction(docs: Sequence[Mapping], claims: Iterable[Mapping]) -> list[dict]:
    per_doc = _by_doc(claims, lambda c: (c["value_char_start"], c["claim_id"]))
    return [{
        "doc_id": d["doc_id"], "text": d["text"], "reference_date": d["reference_date"],
        "targets": [{"claim_id": c["claim_id"], "char_start": c["value_char_start"], "char_end": c["value_char_end"],
                     "quote": c["value_surface"], "value": c["value"], "unit": c["unit"], "bound": c["bound"],
                     "period_start": c["period_start"], "period_end": c["period_end"], "metric": c["metric"]}
                    for c in per_doc[d["doc_id"]]],
    } for d in docs]


def _midpoint(start: dt.date, end: dt.date) -> float:
    return (start.toordinal() + end.toordinal()) / 2


class FactIndex:
    """Reference facts by subject, by metric, by both and all together, each list sorted by the midpoint
    of the fact's period, so the facts nearest a date are found by bisection, not by a scan."""

    def __init__(self, facts: Iterable[Mapping]):
        self.by_id = {f["fact_id"]: f for f in facts}
        self.buckets: dict[tuple, list[tuple[float, str]]] = defaultdict(list)
        for f in self.by_id.values():
            entry = (_midpoint(f["period_start"], f["period_end"]), f["fact_id"])
            for key in (("subject", f["subject_id"], "metric", f["metric"]), ("subject", f["subject_id"]),
                        ("metric", f["metric"]), ()):
                self.buckets[key].append(entry)
        for entries in self.buckets.values():
            entries.sort()
        self.mids = {key: [m for m, _ in entries] for key, entries in self.buckets.items()}

    def nearest(self, key: tuple, anchor: float, k: int, skip: Collection[str]) -> list[tuple[float, str]]:
        """The k facts of a bucket nearest the anchor (distance in days, then fact_id), leaving out `skip`:
        walk outwards from the anchor's place until k are found and the next one is farther."""
        entries, mids = self.buckets.get(key, []), self.mids.get(key, [])
        hi = bisect_left(mids, anchor)
        lo = hi - 1
        got: list[tuple[float, str]] = []
        while lo >= 0 or hi < len(entries):
            if hi >= len(entries) or (lo >= 0 and anchor - mids[lo] <= mids[hi] - anchor):
                (mid, fid), lo = entries[lo], lo - 1
            else:
                (mid, fid), hi = entries[hi], hi + 1
            d = abs(mid - anchor)
            if len(got) >= k and d > got[k - 1][0]:
                break
            if fid not in skip:
                got.append((d, fid))
        return sorted(got)[:k]


def _tiers(claim: Mapping) -> list[tuple]:
    """Buckets from the most to the least related: same subject and metric, same subject, same metric, any."""
    s, m = claim["subject_id"], claim["metric"]
    return [("subject", s, "metric", m), ("subject", s), ("metric", m), ()]


def evidence_pool(claim: Mapping, reference_date: dt.date, index: FactIndex, gold: Sequence[str],
                  k: int = POOL_SIZE) -> list[str]:
    """The candidate facts for a claim, FEVER-style: the k reference facts ranked first by (tier of relatedness:
    same subject and metric, same subject, same metric, any other; distance in days between the midpoints of the
    claim's period, or of its document's reference_date when it has none, and of the fact's period; fact_id).
    The gold facts are always in the pool: one ranked below k takes the place of the last retrieved fact, so the
    pool keeps its size (on the test split no gold fact ranks below k: tests/test_benchmark.py)."""
    anchor = (_midpoint(claim["period_start"], claim["period_end"]) if claim["period_start"] is not None
              else float(reference_date.toordinal()))
    rank: dict[str, tuple[int, float, str]] = {}
    tiers = _tiers(claim)
    for tier, key in enumerate(tiers):
        if len(rank) >= k:
            break
        rank.update((fid, (tier, d, fid)) for d, fid in index.nearest(key, anchor, k - len(rank), rank.keys() | _members(index, tiers[:tier])))
    missing = [f for f in gold if f not in rank]
    if missing:
        others = sorted((r for f, r in rank.items() if f not in gold))
        kept = [r[2] for r in others[:max(0, len(rank) - len(gold))]]
        pool = [f for f in gold if f in rank] + kept + missing
        return sorted(pool, key=lambda f: _rank_key(index.by_id[f], claim, anchor, tiers))
    return [f for *_, f in sorted(rank.values())]


def _members(index: FactIndex, keys: Sequence[tuple]) -> set[str]:
    return {fid for key in keys for _, fid in index.buckets.get(key, [])}


def _rank_key(fact: Mapping, claim: Mapping, anchor: float, tiers: Sequence[tuple]) -> tuple[int, float, str]:
    tier = next(i for i, key in enumerate(tiers) if _in_bucket(fact, key))
    return tier, abs(_midpoint(fact["period_start"], fact["period_end"]) - anchor), fact["fact_id"]


def _in_bucket(fact: Mapping, key: tuple) -> bool:
    fields = dict(zip(key[::2], key[1::2]))
    return fact["subject_id"] == fields.get("subject", fact["subject_id"]) and fact["metric"] == fields.get("metric", fact["metric"])


def verification(docs: Sequence[Mapping], claims: Iterable[Mapping], verdicts: Iterable[Mapping],
                 facts: Iterable[Mapping]) -> list[dict]:
    """One row per claim: the claim in context, its candidate evidence pool (input) and, apart, the gold
    verdict and the facts it rests on (labels)."""
    by_doc = {d["doc_id"]: d for d in docs}
    index = FactIndex(facts)
    verdict = {v["claim_id"]: v for v in verdicts}
    rows = []
    for c in claims:
        d = by_doc[c["doc_id"]]
        v = verdict[c["claim_id"]]
        pool = evidence_pool(c, d["reference_date"], index, v["fact_ids"])
        rows.append({
            "claim_id": c["claim_id"], "doc_id": c["doc_id"], "quote": c["quote"],
            "context": sentence(d["text"], c["char_start"], c["char_end"]),
            "reference_date": d["reference_date"], "site": d["site"],
            "evidence_pool": [{k: index.by_id[f][k] for k in EVIDENCE_FIELDS} for f in pool],
            "label": v["verdict"], "evidence_fact_ids": list(v["fact_ids"]),
        })
    return rows


def noise_detection(docs: Sequence[Mapping], noise: Iterable[Mapping]) -> list[dict]:
    per_doc = _by_doc(noise, lambda n: (n["char_start"], n["noise_id"]))
    return [{
        "doc_id": d["doc_id"], "text": d["text"],
        "targets": [{"noise_id": n["noise_id"], "char_start": n["char_start"], "char_end": n["char_end"],
                     "quote": n["quote"], "noise_type": n["noise_type"]} for n in per_doc[d["doc_id"]]],
    } for d in docs]


# --- proof ------------------------------------------------------------------------------------------

# what the three task tables' proofs read together (one check before; each is skipped when any is absent)
PROVES = ("documents", "claims", "noise", "claim_verdicts", "reference_facts")


# documents per rebuilt part: the task rows of a part and its Arrow table are held at once, never the whole table's
PART_DOCS = 2000


def _equal_in_parts(name: str, reads: tuple[str, ...], build: Callable[[Stage], list[dict]], t: ReleaseRows) -> bool:
    """Whether the stored task table equals its rebuild, rebuilt PART_DOCS documents at a time and compared as Arrow
    with the stored rows of those documents. A task row depends only on its document's rows (and the reference
    facts), so the parts together are the whole rebuild; a row of no document, or any part that differs, answers
    False, and the caller compares the whole table row by row to name the difference."""
    stored = t.arrow[name]
    doc_ids = [d["doc_id"] for d in t["documents"]]
    # a read table's rows go with their document: by their doc_id column, or through their claim_id (claim_verdicts);
    # a table with neither (reference_facts) is read whole by every part (schema/tables.yaml says which has which)
    cols = {r: schema.load().tables[r].column_names for r in reads}
    by = {r: "doc_id" if "doc_id" in c else "claim_id" if "claim_id" in c else None for r, c in cols.items()}
    doc_of_claim = {c["claim_id"]: c["doc_id"] for c in t["claims"]} if "claim_id" in by.values() else {}
    per_doc: dict[str, dict[str, list[Mapping]]] = {r: defaultdict(list) for r, k in by.items() if k}
    for r, groups in per_doc.items():
        for row in t[r]:
            groups[row["doc_id"] if by[r] == "doc_id" else doc_of_claim.get(row["claim_id"], "")].append(row)
    # each stored row's part, by its document's place in documents; sorted once (stable: key order kept in a part)
    place = pc.index_in(stored.column("doc_id"), value_set=pa.array(doc_ids, pa.string()))
    if place.null_count:
        return False
    part_of = pc.divide(place, PART_DOCS).to_numpy()
    order = np.argsort(part_of, kind="stable")
    bounds = np.searchsorted(part_of[order], np.arange(0, len(doc_ids) // PART_DOCS + 2))
    for k, start in enumerate(range(0, len(doc_ids), PART_DOCS)):
        ids = doc_ids[start:start + PART_DOCS]
        built: dict[str, Sequence[Row]] = {r: frozen([row for d in ids for row in groups[d]]) for r, groups in per_doc.items()}
        built.update((r, frozen(t[r])) for r, k in by.items() if k is None)
        part = to_table(name, build(Stage(name, reads, None, built)))  # type: ignore[arg-type]
        if not part.equals(stored.take(pa.array(order[bounds[k]:bounds[k + 1]]))):
            return False
    return True


def rebuilt_problems(name: str, reads: tuple[str, ...], build: Callable[[Stage], list[dict]]) -> Check:
    """A task table rebuilt by its own module's build from the release's base tables and compared, as Arrow
    when the release's tables are at hand (the task tables, the largest, become rows only when they differ,
    to name the difference; they are rebuilt part by part, so that the rebuild is never held whole)."""
    def check(t: Mapping, manifest: dict | None, f: Findings) -> None:
        if name not in t or any(r not in t for r in reads):
            return
        if isinstance(t, ReleaseRows) and _equal_in_parts(name, reads, build, t):
            return
        built: dict[str, Sequence[Row]] = {r: frozen(t[r]) for r in reads}
        compare_table(f, name, schema.load().tables[name].key, t, build(Stage(name, reads, None, built)),  # type: ignore[arg-type]
                      "rebuilt from the base tables")
    return check
