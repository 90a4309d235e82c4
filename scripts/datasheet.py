"""DATASHEET.md, rendered from scripts/templates/DATASHEET.md.j2 and the release:
every count and table in it comes from the release files, so a datasheet that no
longer matches the data fails the test suite."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq

import schema
from schema.derive import data_dictionary, vocab_table
from scripts.agreement import agreement, load_second_pass

TEMPLATE_DIR = Path(__file__).parent / "templates"
FIGURE = "figures/gmv_timeline.svg"


def _esc(s: str | None) -> str:
    return (s or "").replace("|", "\\|").replace("\n", "⏎")


def context(release: Path, root: Path) -> dict:
    sch = schema.load()
    t = {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in schema.table_names()}
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    docs = {d["doc_id"]: d for d in t["documents"]}
    claims = {c["claim_id"]: c for c in t["claims"]}
    noise_types = sch.vocab["noise_type"]
    counts = defaultdict(Counter)
    examples = defaultdict(list)
    for n in sorted(t["noise"], key=lambda n: n["noise_id"]):
        counts[n["noise_type"]][n["doc_id"]] += 1
        ex = examples[n["noise_type"]]
        if len(ex) < 2 and (not ex or ex[0]["doc_id"] != n["doc_id"] or len([x for x in t["noise"] if x["noise_type"] == n["noise_type"]]) < 3):
            ex.append(n)
    catalog = [{"type": k, "definition": v["definition"], "counts": [counts[k][d] for d in sorted(docs)],
                "total": sum(counts[k].values()), "examples": [
                    {"doc": e["doc_id"][:3], "quote": _esc(e["quote"][:60] + ("…" if len(e["quote"]) > 60 else "")),
                     "reading": _esc(e["likely_reading"]) or "—", "basis": e["basis"], "why": _esc(e["explanation"])}
                    for e in examples[k]]} for k, v in noise_types.items()]
    contradictions = []
    noise_by_claim = defaultdict(list)
    for n in t["noise"]:
        for cid in n["claim_ids"]:
            noise_by_claim[cid].append(n)
    for r in sorted(t["claim_relations"], key=lambda r: (r["rule"], r["claim_id_a"], r["claim_id_b"])):
        if r["relation"] not in ("contradicts", "arithmetic_inconsistent"):
            continue
        a, b = claims[r["claim_id_a"]], claims[r["claim_id_b"]]
        labels = [n for cid in (a["claim_id"], b["claim_id"]) for n in noise_by_claim[cid]]
        contradictions.append({"rule": r["rule"], "relation": r["relation"], "a": a, "b": b,
                               "qa": _esc(a["quote"]), "qb": _esc(b["quote"]), "explanation": _esc(r["explanation"]),
                               "likely": "; ".join(f"{n['noise_id']} ({n['noise_type']}): {_esc(n['likely_reading'])} — {_esc(n['explanation'])}"
                                                   for n in labels if n["likely_reading"]) or "no noise label: see the explanation"})
    date_disagreements = []
    for e in t["events"]:
        if e["date_disagreement"]:
            date_disagreements.append({"event": e, "evidence": [
                {"doc": x["doc_id"][:3], "quote": _esc(x["quote"]), "surface": x["date_surface"],
                 "start": x["date_start"], "end": x["date_end"]} for x in e["evidence"]]})
    second_dir = root / "seeds" / "annotations" / "second_pass"
    agree = agreement(t["claims"], {d: docs[d]["text"] for d in docs}, load_second_pass(second_dir)) if second_dir.is_dir() else None
    rel_counts = Counter((r["rule"], r["relation"]) for r in t["claim_relations"])
    verification = _verification(t, claims, noise_by_claim, docs)
    return {
        "version": manifest["version"], "schema_version": manifest["schema_version"],
        "tables": [{"name": n, "rows": manifest["tables"][n]["rows"], "row": sch.tables[n].row,
                    "description": sch.tables[n].description} for n in schema.table_names()],
        "docs": [dict(d, n_mentions=d["n_mentions"]) for d in sorted(docs.values(), key=lambda d: d["doc_id"])],
        "doc_ids": sorted(docs), "completeness": manifest["completeness"],
        "catalog": catalog, "contradictions": contradictions, "date_disagreements": date_disagreements,
        "relation_counts": sorted(rel_counts.items()), "agreement": agree, "figure": FIGURE,
        "verification": verification,
        "baselines": _baselines(release),
        "n_claims": len(t["claims"]), "n_reconciled": sum(1 for c in t["claims"] if c["reconciled_by"]),
        "dictionary": {n: data_dictionary(n) for n in schema.table_names()},
        "noise_vocab": vocab_table("noise_type"), "kinds": Counter(c["claim_kind"] for c in t["claims"]),
        "confidence": Counter(c["confidence"] for c in t["claims"]),
        "period_unknown": sum(1 for c in t["claims"] if c["period_resolution"] == "unknown"),
    }


def render(release: Path, root: Path, prefix: str = "dataset/") -> str:
    """prefix: where dataset/ is seen from the file being written (the root copy, or the Hub copy inside dataset/)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template("DATASHEET.md.j2").render(**context(release, root), figure_path=prefix + FIGURE)


KUAISHOU = ("kuaishou", "kuaishou_ecommerce")


def _verification(t: dict, claims: dict, noise_by_claim: dict, docs: dict) -> dict:
    facts = {f["fact_id"]: f for f in t["reference_facts"]}
    verdicts = {v["claim_id"]: v for v in t["claim_verdicts"]}
    labels = ("supported", "refuted", "not_enough_info")
    per_doc = [{"doc": d[:3], **{k: sum(1 for v in verdicts.values() if v["claim_id"].startswith(d[:3]) and v["verdict"] == k)
                                for k in labels},
                "reconciled_supported": sum(1 for v in verdicts.values() if v["claim_id"].startswith(d[:3])
                                            and v["verdict_reconciled"] == "supported")} for d in sorted(docs)]
    refuted = []
    for cid, v in sorted(verdicts.items()):
        if v["verdict"] != "refuted":
            continue
        c = claims[cid]
        refuted.append({"claim": c, "quote": _esc(c["quote"]), "verdict": v,
                        "official": "; ".join(f"{facts[f]['value_as_printed'] or round(facts[f]['value'])} ({facts[f]['source_tier']}: "
                                              f"{facts[f]['source_publisher']}, {facts[f]['source_date']})"
                                              for f in v["fact_ids"]),
                        "noise": "; ".join(f"{n['noise_id']} {n['noise_type']}: {_esc(n['likely_reading'])}"
                                           for n in noise_by_claim.get(cid, []) if n["likely_reading"]) or "none labelled"})
    own = [c for c in claims.values() if c["subject_id"] in KUAISHOU]
    own_with_fact = [c for c in own if verdicts[c["claim_id"]]["fact_ids"]]
    unverified = [{"claim": c, "quote": _esc(c["quote"]), "why": verdicts[c["claim_id"]]["explanation"]}
                  for c in own if not verdicts[c["claim_id"]]["fact_ids"] and c["metric"] in
                  ("gmv", "revenue", "revenue_share", "user_count", "follow_pairs", "repurchase_rate", "merchant_count")]
    return {"per_doc": per_doc, "refuted": refuted, "n_facts": len(facts),
            "fact_kinds": sorted(Counter(f["source_kind"] for f in facts.values()).items()),
            "fact_tiers": sorted(Counter(f["source_tier"] for f in facts.values()).items()),
            "basis": sorted(Counter(v["verdict_basis"] for v in verdicts.values() if v["fact_ids"]).items()),
            "gaps": [dict(g, claims=", ".join(g["claim_ids"]) or "none") for g in t["reference_gaps"]],
            "own": len(own), "own_with_fact": len(own_with_fact), "unverified": unverified,
            "totals": {k: sum(1 for v in verdicts.values() if v["verdict"] == k) for k in labels},
            "totals_reconciled": {k: sum(1 for v in verdicts.values() if v["verdict_reconciled"] == k) for k in labels}}


def _baselines(release: Path) -> str:
    from scripts import baselines
    return baselines.table(baselines.run_all(release))
