"""Validation as Spark jobs (`python -m scripts.validate --engine spark [--master URL]`), with the rows on the executors.

The release is cut into the parts a Spark build makes (spark_build.parts_of: whole documents, PART_DOCS to a part,
the documents an event is told in together). One task per part reads its documents' rows of every per-document
table (a Parquet filter on doc_id, or on the part's claim ids), beside the corpus's small tables (the events told in
the part, entities with the part's mention counts, reference facts and gaps), and runs on them what the embedded
validation runs on the whole release: pandera and the cross-table rules, every table's proof but the relations found
across documents, what the shipped inputs state of its documents, Great Expectations, and no test text in the
generated splits. The relations of ACROSS_DOCUMENTS are re-found by a second job (the claims grouped by each rule's
key, as the Spark build finds them) and cogrouped by relation_id with the stored rows. The pandera pyspark.sql
schemas (spark_checks) check every file whole, key uniqueness across parts included.

The driver holds the manifest, the doc ids, the small tables and each part's summary: its rows per table (a row of
no document belongs to no part and is found by the count), mentions per entity, the gaps' claims it holds. A
Problem found in several parts is reported once, with the examples of all."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import schema
from scripts import spark
from scripts.errors import InputError
from scripts.release import expectations, proof, source, spark_build, spark_checks, splits
from scripts.release.conformance import Problem, check_tables, pandera_problems
from scripts.release.spark_build import ONCE
from scripts.tables import claim_relations
from scripts.tables.arrow import arrow_rows
from scripts.tables.proof import Findings, ReleaseRows

PART_DOCS = spark_build.PART_DOCS
ACROSS_RULES = [rule.__name__ for rule, _ in claim_relations.ACROSS_DOCUMENTS]
SEEDS = Path(source.FOLDER) / "seeds"


# --- executors --------------------------------------------------------------------------------------

def _read(path: Path, column: str, ids: Sequence[str], extra: pc.Expression | None = None) -> pa.Table:
    """The rows of `path` whose `column` is one of `ids`; the range bounds let Parquet skip row groups by statistics."""
    wanted = pa.array(sorted(ids), pa.string())
    expr = (pc.field(column) >= wanted[0]) & (pc.field(column) <= wanted[-1]) & pc.field(column).isin(wanted) \
        if len(wanted) else pc.field(column).isin(wanted)
    return pq.read_table(path, filters=expr if extra is None else expr & extra)


def read_part(release: Path, doc_ids: Sequence[str]) -> dict[str, pa.Table]:
    """The part's rows of every table: per document by doc_id, claim_verdicts by the part's claims, claim_relations
    the rows of the within-document rules (and declared checks) whose first claim is the part's; the events whose
    documents are all the part's, entities with the part's mention counts, the reference tables whole."""
    sch = schema.load().tables
    out: dict[str, pa.Table] = {}
    for name in schema.table_names():
        if name not in ONCE and "doc_id" in sch[name].column_names:
            out[name] = _read(release / sch[name].file(), "doc_id", doc_ids)
    claim_ids = out["claims"].column("claim_id").to_pylist()
    out["claim_verdicts"] = _read(release / sch["claim_verdicts"].file(), "claim_id", claim_ids)
    out["claim_relations"] = _read(release / sch["claim_relations"].file(), "claim_id_a", claim_ids,
                                   ~pc.field("rule").isin(pa.array(ACROSS_RULES, pa.string())))
    mine = set(doc_ids)
    events = pq.read_table(release / sch["events"].file())
    told = [bool(ev) and all(x["doc_id"] in mine for x in ev) for ev in events.column("evidence").to_pylist()]
    out["events"] = events.filter(pa.array(told, pa.bool_()))
    entities = pq.read_table(release / sch["entities"].file())
    counts = Counter(out["mentions"].column("entity_id").to_pylist())
    i = entities.schema.get_field_index("n_mentions")
    out["entities"] = entities.set_column(i, entities.schema.field(i), pa.array(
        [counts.get(e, 0) for e in entities.column("entity_id").to_pylist()], entities.schema.field(i).type))
    for name in ("reference_facts", "reference_gaps"):
        out[name] = pq.read_table(release / sch[name].file())
    return out


def check_part(release: Path, doc_ids: Sequence[str], manifest: dict, split_ids: dict[str, set[str]],
               generated: list[str], gx: bool, stated: bool) -> dict:
    """One part's findings and what the driver adds up: rows per table, mentions per entity, the gaps' claims."""
    tables = read_part(release, doc_ids)
    found = check_tables(tables, whole=False, corpus_wide=ONCE)
    untrusted = {p.table for p in found if p.column == "(schema)"}
    found += proof.problems(tables, manifest, untrusted=untrusted, skip={claim_relations.relation_problems})
    if not untrusted & {"claims", "claim_relations"}:
        f = Findings()
        claim_relations.within_document_problems(ReleaseRows(tables), manifest, f)
        found += f.problems()
    part = {n: t for n, t in tables.items() if n not in ONCE}
    if stated:
        try:
            found += source.stated_problems(release / SEEDS, {"documents": tables["documents"]}, only=frozenset(doc_ids))
        except InputError as e:  # the driver reports the shipped input's error once, from its own reading
            del e
    found += [p for name, t in sorted(part.items()) for p in source.naive_timestamps(name, t)]
    found += [p for p in splits.disjoint({"test": set(doc_ids), **split_ids}) if "test" in p.table + p.check]
    found += splits.leak_problems(tables, generated)
    if gx:
        found += expectations.run(release, None, tables, names=list(part))
    claim_ids = set(tables["claims"].column("claim_id").to_pylist())
    return {"rows": {n: t.num_rows for n, t in part.items()}, "events": tables["events"].num_rows,
            "mentions": Counter(tables["mentions"].column("entity_id").to_pylist()), "problems": found,
            "gap_claims": {c for ids in tables["reference_gaps"].column("claim_ids").to_pylist() for c in ids} & claim_ids}


def _guarded_part(job: tuple) -> tuple[bool, Any]:
    return spark.guarded(check_part, job)


def _claims_of(job: tuple[str, int]) -> Iterator[tuple[str, dict]]:
    path, group = job
    return spark_build.keyed_claims(pq.ParquetFile(path).read_row_group(group).to_pylist())


def _refound(group: Any) -> Iterator[tuple[str, dict]]:
    """A group's relations as the release stores them (through the declared Arrow types), by relation_id."""
    rows = spark_build.across(group)
    return ((r["relation_id"], r) for r in (arrow_rows("claim_relations", rows) if rows else []))


def _stored_of(job: tuple[str, int]) -> Iterator[tuple[str, dict]]:
    path, group = job
    tbl = pq.ParquetFile(path).read_row_group(group)
    tbl = tbl.filter(pc.field("rule").isin(pa.array(ACROSS_RULES, pa.string())))
    return ((r["relation_id"], r) for r in tbl.to_pylist())


def _differs(pair: tuple[str, tuple[Any, Any]]) -> bool:
    refound, stored = pair[1]
    return list(refound) != list(stored)


# --- driver -----------------------------------------------------------------------------------------

def across_problems(sc: Any, release: Path, examples: int = 20) -> tuple[int, list[Problem]]:
    """The stored relations of the ACROSS_DOCUMENTS rules against those the rules re-find: their count, and what
    differs (a relation stored and not re-found, re-found and not stored, or its columns)."""
    claims, relations = (str(release / schema.load().tables[n].file()) for n in ("claims", "claim_relations"))
    groups = [(claims, i) for i in range(pq.ParquetFile(claims).num_row_groups)]
    refound = (sc.parallelize(groups, max(1, len(groups))).flatMap(_claims_of)
               .groupByKey(max(1, sc.defaultParallelism * spark.SLICES_PER_CORE)).flatMap(_refound))
    stored_groups = [(relations, i) for i in range(pq.ParquetFile(relations).num_row_groups)]
    stored = sc.parallelize(stored_groups, max(1, len(stored_groups))).flatMap(_stored_of)
    n_stored = stored.count()
    bad = refound.cogroup(stored).filter(_differs)
    f = Findings()
    rule = "re-found by the relation rules"
    for rid, (want, got) in bad.take(examples):
        want, got = list(want), list(got)
        if not want or not got or len(want) + len(got) > 2:
            f.add("claim_relations", rid, "(row)", rule, f"{len(want)} row(s)", f"{len(got)} row(s)")
            continue
        for col in schema.load().tables["claim_relations"].column_names:
            if want[0][col] != got[0][col]:
                f.add("claim_relations", rid, col, rule, want[0][col], got[0][col])
    return n_stored, f.problems()


def _merge(problems: list[Problem]) -> list[Problem]:
    """A rule broken in several parts, once, with every part's examples."""
    merged: dict[tuple[str, str, str], Problem] = {}
    for p in problems:
        key = (p.table, p.column, p.check)
        if key in merged:
            merged[key].examples.extend(e for e in p.examples if e not in merged[key].examples)
        else:
            merged[key] = Problem(p.table, p.column, p.check, list(p.examples))
    return list(merged.values())


def _generated(release: Path, manifest: dict) -> tuple[dict[str, set[str]], list[str]]:
    """The doc ids of each generated split and the texts of their extraction rows (what must hold no test text)."""
    ids: dict[str, set[str]] = {}
    texts: list[str] = []
    for split, names in sorted(schema.generated_splits().items()):
        if split not in manifest.get("splits", {}):
            continue
        ids[split] = set()
        for name in names:
            path = release / schema.load().tables[name].file(split)
            try:
                tbl = pq.read_table(path, columns=["doc_id", "text"] if name == "extraction" else ["doc_id"])
            except Exception:  # noqa: S112 - a missing or unreadable split file is reported by splits.problems
                continue
            ids[split] |= set(tbl.column("doc_id").to_pylist())
            texts += tbl.column("text").to_pylist() if name == "extraction" else []
    return ids, texts


def problems(release: Path, manifest: dict, master: str = spark.LOCAL, gx: bool = True,
             part_docs: int | None = None) -> list[Problem]:
    """Every finding of the embedded validation's form, meaning and GX stages, as Spark jobs (the module docstring),
    part_docs documents to a part (PART_DOCS, read at the call: a test cuts a small corpus into several parts)."""
    sch = schema.load().tables
    found: list[Problem] = []
    n_rows: dict[str, int] = {}
    for name in schema.table_names():
        try:
            n_rows[name] = pq.ParquetFile(release / sch[name].file()).metadata.num_rows
        except Exception as e:  # a missing, truncated or foreign file: nothing is read from the release beyond it
            found.append(Problem(name, "(file)", f"unreadable Parquet: {e}"))
    found += splits.problems(release, manifest, {})
    found += spark_checks.form_problems(release, sorted(n_rows), master)
    if len(n_rows) < len(sch):
        return found
    once = {n: pq.read_table(release / sch[n].file()) for n in ONCE}
    doc_ids = sorted(pq.read_table(release / sch["documents"].file(), columns=["doc_id"]).column("doc_id").to_pylist())
    hashes = source.hash_problems(release, manifest)
    split_ids, generated = _generated(release, manifest)
    inputs, completeness = manifest.get("inputs") or {}, manifest.get("completeness") or []
    jobs = []
    for part in spark_build.parts_of(doc_ids, once["events"].to_pylist(), part_docs or PART_DOCS):
        mine = set(part)
        jobs.append((release, part, {"inputs": {f: inputs[f] for f in (f"seeds/{d}.txt" for d in part) if f in inputs},
                                     "completeness": [e for e in completeness if e.get("doc_id") in mine]},
                     split_ids, generated, gx, not hashes))
    sc = spark.session(master).sparkContext
    summaries = []
    for ok, got in sc.parallelize(jobs, max(1, len(jobs))).map(_guarded_part).collect() if jobs else []:
        if not ok:
            raise got
        summaries.append(got)
    n_across, across = across_problems(sc, release)
    found += [p for s in summaries for p in s["problems"]] + across
    found += _driver_problems(release, manifest, once, summaries, n_rows, n_across, doc_ids, hashes, gx)
    return _merge(found)


def _driver_problems(release: Path, manifest: dict, once: dict[str, pa.Table], summaries: list[dict],
                     n_rows: dict[str, int], n_across: int, doc_ids: list[str], hashes: list[Problem],
                     gx: bool) -> list[Problem]:
    """What the parts cannot see alone: rows of no part, counts over all parts, the small tables' own checks."""
    found = [p for n, t in once.items() for p in pandera_problems(n, t)] + _count_problems(summaries, n_rows, n_across)
    per_entity: Counter = sum((s["mentions"] for s in summaries), Counter())
    f = Findings()
    for e in once["entities"].select(["entity_id", "n_mentions"]).to_pylist():
        if e["n_mentions"] != per_entity.get(e["entity_id"], 0):
            f.add("entities", e["entity_id"], "n_mentions", "recount of mentions rows", per_entity.get(e["entity_id"], 0),
                  e["n_mentions"])
    held = set().union(*(s["gap_claims"] for s in summaries)) if summaries else set()
    for g in once["reference_gaps"].select(["gap_id", "claim_ids"]).to_pylist():
        for c in g["claim_ids"]:
            if c not in held:
                f.add("reference_gaps", g["gap_id"], "claim_ids", "references claims.claim_id", "an existing claim_id", c)
    ids = set(doc_ids)
    for entry in manifest.get("completeness") or []:
        if entry.get("doc_id") not in ids:
            f.add("documents", entry.get("doc_id"), "(row)", "the manifest's completeness entry names a document")
    found += f.problems()
    if hashes:
        found += hashes
    else:
        try:
            found += source.stated_problems(release / SEEDS, once, claim_ids=held)
        except InputError as e:
            found.append(source.input_problem(release, e))
        found += source.source_date_problems(release / SEEDS / "reference" / "facts.yaml", release) \
            + source.timezone_problems(release / SEEDS, release)
    found += [p for name, t in sorted(once.items()) for p in source.naive_timestamps(name, t)]
    if gx:
        found += expectations.run(release, None, once, names=list(ONCE))
    return found


def _count_problems(summaries: list[dict], n_rows: dict[str, int], n_across: int) -> list[Problem]:
    """Each table's rows, added up over the parts, are its file's: a row that belongs to no document is in none."""
    sch = schema.load().tables
    found: list[Problem] = []
    counted: Counter = Counter()
    for s in summaries:
        counted.update(s["rows"])
    counted["claim_relations"] += n_across
    counted["events"] = sum(s["events"] for s in summaries)
    for name in schema.table_names():
        if name not in ONCE or name == "events":
            if counted[name] != n_rows[name]:
                found.append(Problem(name, "(rows)", "every row belongs to a document of the release (doc_id, claim_id)",
                                     [f"{n_rows[name] - counted[name]} of {n_rows[name]} rows in no part of the corpus"]))
        if n_rows[name] < sch[name].min_rows:
            found.append(Problem(name, "(table)", f"{n_rows[name]} row(s), fewer than the {sch[name].min_rows} "
                                                  "schema/tables.yaml requires"))
    return found
