"""DATASHEET.md, rendered from scripts/templates/DATASHEET.md.j2 and the release:
every count and table in it comes from the release files, so a datasheet that no
longer matches the data fails the test suite."""
from __future__ import annotations

import functools
import json
from collections import Counter, defaultdict
from pathlib import Path

import jinja2
import pyarrow.parquet as pq
from markupsafe import Markup

import schema
from schema.derive import data_dictionary, vocab_table
from scripts import paths
from scripts.benchmark import learned
from scripts.benchmark import rule_baselines as baselines
from scripts.docs import card, licence, rai
from scripts.docs.markdown import md_code, md_text
from scripts.inputs.agreement import agreement, load_noise_pass, load_second_pass, noise_agreement
from scripts.inputs.name_review import read_name_review
from scripts.tables import claim_relations

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
FIGURE = "figures/gmv_timeline.svg"


def _esc(s: str | None) -> str:
    return s or ""  # printed through md_text (the template's finalize), which escapes it for HTML and Markdown


def context(release: Path, root: Path) -> dict:
    sch = schema.load()
    t = {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in schema.table_names()}
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    docs = {d["doc_id"]: d for d in t["documents"]}
    claims = {c["claim_id"]: c for c in t["claims"]}
    noise_types = sch.vocab["noise_type"]
    counts: defaultdict[str, Counter] = defaultdict(Counter)
    examples: defaultdict[str, list] = defaultdict(list)
    per_type = Counter(n["noise_type"] for n in t["noise"])
    for n in sorted(t["noise"], key=lambda n: n["noise_id"]):
        counts[n["noise_type"]][n["doc_id"]] += 1
        ex = examples[n["noise_type"]]
        if len(ex) < 2 and (not ex or ex[0]["doc_id"] != n["doc_id"] or per_type[n["noise_type"]] < 3):
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
                {"doc": x["doc_id"][:3], "quote": _esc(x["quote"]), "surface": x["stated_date_surface"],
                 "start": x["stated_date_start"], "end": x["stated_date_end"]} for x in e["evidence"]]})
    names = root / "seeds" / "annotations" / "names.yaml"
    name_exclusions = read_name_review(names).reasons() if names.is_file() else {}
    second_dir = root / "seeds" / "annotations" / "second_pass"
    agree = agreement(t["claims"], {d: docs[d]["text"] for d in docs}, load_second_pass(second_dir)) if second_dir.is_dir() else None
    noise_pass = second_dir / "noise"
    noise_agree = noise_agreement(t["noise"], load_noise_pass(noise_pass)) if noise_pass.is_dir() else None
    rel_counts = Counter((r["rule"], r["relation"]) for r in t["claim_relations"])
    verification = _verification(t, claims, noise_by_claim, docs)
    return {
        "version": manifest["version"], "schema_version": manifest["schema_version"],
        "tables": [{"name": n, "rows": manifest["tables"][n]["rows"], "row": sch.tables[n].row,
                    "description": sch.tables[n].description} for n in schema.table_names()],
        "docs": [dict(d, n_mentions=d["n_mentions"]) for d in sorted(docs.values(), key=lambda d: d["doc_id"])],
        "doc_ids": sorted(docs), "completeness": manifest["completeness"],
        "catalog": catalog, "contradictions": contradictions, "date_disagreements": date_disagreements,
        "relation_counts": sorted(rel_counts.items()), "neighbours": claim_relations.NEIGHBOURS,
        "agreement": agree, "noise_agreement": noise_agree, "figure": FIGURE,
        "verification": verification, "name_exclusions": name_exclusions,
        "baselines": _baselines(release),
        "n_claims": len(t["claims"]), "n_reconciled": sum(1 for c in t["claims"] if c["reconciled_by"]),
        "dictionary": {n: data_dictionary(n) for n in schema.table_names()},
        "noise_vocab": vocab_table("noise_type"), "kinds": Counter(c["claim_kind"] for c in t["claims"]),
        "confidence": Counter(c["confidence"] for c in t["claims"]),
        "period_unknown": sum(1 for c in t["claims"] if c["period_resolution"] == "unknown"),
    }


def render(release: Path, root: Path, prefix: str = "dataset/", repo_id: str | None = None,
           code_url: str | None = None, ctx: dict | None = None) -> str:
    """prefix: where dataset/ is seen from the file being written (the root copy, or the Hub copy inside dataset/).
    repo_id, code_url: where the Hub copy is published and where the code lives (default: pyproject.toml);
    ctx: the context() of this release, when the caller has it already (the build computes it once)."""
    repo_id = repo_id or paths.declared("hub-repo-id", root)
    code_url = code_url or paths.declared("code-url", root)
    hub = prefix == ""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=md_text)
    env.filters["code"] = md_code
    ctx = dict(ctx or context(release, root))
    # Markdown this code renders from schema/ and the baselines (not from sources): printed as it is
    ctx.update(dictionary={n: Markup(t) for n, t in ctx["dictionary"].items()}, noise_vocab=Markup(ctx["noise_vocab"]),
               baselines=Markup(ctx["baselines"]))
    text = env.get_template("DATASHEET.md.j2").render(
        **ctx, figure_path=prefix + FIGURE, data=prefix,
        corpus=(corpus := paths.generated_corpus(root)), corpus_line=Markup(paths.corpus_line(corpus)) if corpus else "",
        rai={k: Markup(v) for k, v in rai.TEXT.items()},  # the project's own sentences (scripts/docs/rai.py)
        load_id=repo_id if hub else "dataset",
        examples=Markup("`README.md`" if hub else "`README.md` and `dataset/README.md`"),
        code=Markup(f"the [project repository]({code_url})" if hub else "this repository"),
        hub=Markup(f"[{repo_id}](https://huggingface.co/datasets/{repo_id})"),
        licence_statement=Markup(licence.statement(code_url)), takedown=Markup(licence.takedown(code_url)))
    if hub:
        text = card.link_project_paths(text, code_url)
    return text


KUAISHOU = ("kuaishou", "kuaishou_ecommerce")


def _verification(t: dict, claims: dict, noise_by_claim: dict, docs: dict) -> dict:
    facts = {f["fact_id"]: f for f in t["reference_facts"]}
    verdicts = {v["claim_id"]: v for v in t["claim_verdicts"]}
    labels = tuple(schema.load().terms("verdict"))
    stated = Counter((claims[cid]["doc_id"], v["verdict"]) for cid, v in verdicts.items())
    reconciled = Counter(claims[cid]["doc_id"] for cid, v in verdicts.items() if v["verdict_reconciled"] == "supported")
    per_doc = [{"doc": d.split("_")[0], **{k: stated[d, k] for k in labels}, "reconciled_supported": reconciled[d]}
               for d in sorted(docs)]
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
            "totals_reconciled": {k: sum(1 for v in verdicts.values() if v["verdict_reconciled"] == k) for k in labels},
            "totals_hindsight": {k: sum(1 for v in verdicts.values() if v["verdict_hindsight"] == k) for k in labels},
            "hindsight_example": _hindsight_example(verdicts, claims, docs)}


def _hindsight_example(verdicts: dict, claims: dict, docs: dict) -> dict | None:
    """One claim whose verdict then and today differ, for the card: a claim refuted today is preferred
    (it shows a writer who could not have known), then the lowest claim id."""
    differ = sorted((v["verdict_hindsight"] != "refuted", cid) for cid, v in verdicts.items()
                    if v["verdict"] != v["verdict_hindsight"])
    if not differ:
        return None
    cid = differ[0][1]
    c, v = claims[cid], verdicts[cid]
    return {"claim_id": cid, "quote": _esc(c["quote"]), "written": docs[c["doc_id"]]["reference_date"],
            "verdict": v["verdict"], "hindsight": v["verdict_hindsight"], "explanation": _esc(v["explanation"])}


def _baselines(release: Path) -> str:
    return _baselines_of(release.resolve(), _fingerprint(release))


def _fingerprint(release: Path) -> tuple:
    """Each file of the release with its size and modification time: a changed file is another release."""
    return tuple((p.relative_to(release).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                 for p in sorted(release.rglob("*")) if p.is_file())


@functools.lru_cache(maxsize=8)
def _baselines_of(release: Path, fingerprint: tuple) -> str:
    """The baselines on the test split and, to compare, on each generated split the release holds: a generator
    that made the tasks trivial, or unrelated to the real documents, would show as a gap here."""
    parts = ["*test* (the five real documents)\n", baselines.table(baselines.run_all(release))]
    for split in sorted(schema.generated_splits()):
        if (release / split).is_dir():
            parts += [f"*{split}* (generated documents, to compare)\n", baselines.table(baselines.run_all(release, split=split))]
    # learned scores are trained by `baselines --learned` (minutes) and read here only when their inputs key matches
    parts.append(learned.table(release))
    return "\n".join(parts)
