"""The build as Spark jobs (`python -m scripts.build --engine spark [--master URL]`), with the rows on the executors.

The corpus is cut into parts of whole documents, at most PART_DOCS each (the documents an event is told in stay
in one part). One task per part builds every table of its documents with the embedded pipeline (the same table
modules, scripts/pipeline.py), checks their form and runs every table's proof on them but the relations' (which
compares across documents), and writes them as Parquet parts sorted by key. The relations between claims of
different documents are found by a second job: for each rule of claim_relations.ACROSS_DOCUMENTS, the claims grouped
by the key that rule compares within (a block for same_quantity, subject/metric/scope for direction_vs_values).
What the whole corpus has once is made once: events by one task (from events.yaml and the documents it quotes),
entities from the registry with the parts' mention counts summed, reference facts and gaps from the reference
files, the gaps' claims and the reviewed names checked against what the parts report holding.

The driver gets the doc ids, the events and each part's summary (row counts, findings, counts per entity), and
merges each table's sorted parts into its file a batch at a time (scripts/release/merge.py): it never holds a
table. A table that fits one row group is written with the embedded build's bytes; a larger one is cut into
row groups elsewhere (same rows, same order; scripts.diff reports it equal).

The parts are written under the dataset folder (`.staging-<pid>-parts/`): executors on other machines need it on
storage they share with the driver."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

import schema
from schema.derive import arrow_schema
from scripts import spark
from scripts.errors import ReleaseError
from scripts.files import sha256_file
from scripts.inputs.name_review import load_name_review, read_name_review
from scripts.inputs.seeds import source_entries
from scripts.inputs.yamlio import parse_list
from scripts.pipeline import build_tables, to_table
from scripts.release import merge, proof
from scripts.release.conformance import Problem, check_tables
from scripts.release.write import STAGING, write_parquet
from scripts.tables import claim_relations, events
from scripts.tables.context import Inputs, Stage
from scripts.tables.reference_facts import load_gaps

PART_DOCS = 2000  # a part's task holds its documents' rows: about 0.6 GB at 2,000 generated documents
ONCE = ("events", "entities", "reference_facts", "reference_gaps")  # made once for the corpus, not per part
RELATION_BUCKETS = 64  # the across-document relations are written in this many ranges of relation_id


@dataclass
class Built:
    """What the driver holds of a Spark build: where the parts are, and the corpus's small tables."""
    scratch: Path
    doc_ids: list[str]
    rows: dict[str, int]
    once: dict[str, pa.Table]
    problems: list[Problem] = field(default_factory=list)

    def parts(self, name: str) -> list[Path]:
        return sorted((self.scratch / name).glob("*.parquet"))

    def write_into(self, release: Path) -> None:
        """Every table's file in the release folder: the corpus's small tables whole, the others merged."""
        for name in schema.table_names():
            out = release / schema.load().tables[name].file()
            if name in self.once:
                write_parquet(self.once[name], out)
                continue
            rows, repeated = merge.merge_parts(self.parts(name), list(schema.load().tables[name].key), arrow_schema(name), out)
            if repeated:
                raise ReleaseError(f"validation failed:\n  {name}: key unique — {len(repeated)} key(s) in more than "
                                   f"one row, e.g. {', '.join(map(str, repeated[:3]))}")
            if rows != self.rows[name]:  # the parts as written are the parts as counted
                raise ReleaseError(f"{name}: the parts hold {rows} rows, their tasks counted {self.rows[name]}")

    def completeness(self) -> Iterator[dict]:
        return merge.merged_lines(sorted((self.scratch / "completeness").glob("*.jsonl")), "doc_id")

    def cleanup(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)


# --- executors --------------------------------------------------------------------------------------

def corpus(seeds_dir: Path) -> tuple[list[str], list[dict]]:
    """The doc ids sources.yaml lists, sorted, and the events (built from the documents events.yaml quotes only)."""
    ids = sorted(src.doc_id for src, _ in source_entries(seeds_dir / "sources.yaml"))
    path = seeds_dir / "annotations" / "events.yaml"
    quoted = {e.doc for ev, _, _ in parse_list(path, events.EventAnn, lambda e: e.id, "events") for e in ev.evidence}
    inputs = Inputs(seeds_dir, only=frozenset(quoted))
    return ids, events.build(Stage("events", (), inputs, {}))


class _Listed(Collection[str]):
    """Every claim id is taken to exist: the gaps' claims are checked against the claims of all parts (_build)."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _within(stage: Stage) -> list[dict]:
    claims = [dict(c) for c in stage.rows("claims")]
    declared = claim_relations.declared_checks(stage.inputs, {c["claim_id"]: c for c in claims})
    return claim_relations.find_relations(claims, declared, claim_relations.WITHIN_DOCUMENT)


def _gaps(stage: Stage) -> list[dict]:
    return load_gaps(stage.inputs.seeds_dir / "reference" / "gaps.yaml", stage.inputs.entity_ids, _Listed(),
                     {f["fact_id"] for f in stage.rows("reference_facts")})


def build_part(index: int, seeds_dir: Path, doc_ids: Sequence[str], all_events: list[dict], scratch: Path) -> dict:
    """One part's tables built, checked, proved and written; its summary for the driver."""
    only = frozenset(doc_ids)
    mine = [e for e in all_events if {x["doc_id"] for x in e["evidence"]} <= only]
    tbls, completeness = build_tables(seeds_dir, only=only, given={
        "events": lambda stage: mine, "claim_relations": _within, "reference_gaps": _gaps})
    problems = check_tables(tbls, whole=False, corpus_wide=ONCE)
    root = seeds_dir.parent
    inputs = {(seeds_dir / f"{d}.txt").relative_to(root).as_posix(): sha256_file(seeds_dir / f"{d}.txt") for d in doc_ids}
    problems += proof.problems(tbls, {"inputs": inputs, "completeness": completeness},
                               untrusted={p.table for p in problems}, skip={claim_relations.relation_problems})
    for name in schema.table_names():
        if name not in ONCE:
            merge.write_part(tbls[name], scratch / name / f"{index:06d}.parquet")
    merge.write_lines(completeness, scratch / "completeness" / f"{index:06d}.jsonl")
    claim_ids = set(tbls["claims"].column("claim_id").to_pylist())
    review = seeds_dir / "annotations" / "names.yaml"
    texts = tbls["documents"].column("text").to_pylist()
    return {
        "rows": {n: t.num_rows for n, t in tbls.items() if n not in ONCE},
        "problems": problems,
        "mentions": Counter(tbls["mentions"].column("entity_id").to_pylist()),
        "gap_claims": {c for ids in tbls["reference_gaps"].column("claim_ids").to_pylist() for c in ids} & claim_ids,
        "names": {x.name for x in read_name_review(review).excluded if any(x.name in t for t in texts)}
        if review.is_file() else set(),
        # the tables every part makes alike: the first part's stand for all
        "once": {n: tbls[n] for n in ("entities", "reference_facts")} if index == 0 else {},
    }


def _relation_bucket(row: dict) -> int:
    return int(row["relation_id"][4:8], 16) * RELATION_BUCKETS // 0x10000


def keyed_claims(claims: list[dict]) -> Iterator[tuple[str, dict]]:
    """Each claim once per rule of ACROSS_DOCUMENTS, under that rule's key (also the Spark validation's,
    scripts/release/spark_validate.py)."""
    for c in claims:
        for i, (_, key) in enumerate(claim_relations.ACROSS_DOCUMENTS):
            yield json.dumps([i, key(c)], default=str), c


def _claims(path: str) -> Iterator[tuple[str, dict]]:
    return keyed_claims(pq.read_table(path).to_pylist())


def across(group: Any) -> list[dict]:
    """The relations of one key's claims (keyed_claims, grouped) by the rule the key is of."""
    rule = claim_relations.ACROSS_DOCUMENTS[json.loads(group[0])[0]][0]
    return claim_relations.find_relations(sorted(group[1], key=lambda c: c["claim_id"]), [], (rule,))


def _write_bucket(scratch: Path) -> Any:
    def write(bucket: int, rows: Iterator[tuple[int, dict]]) -> Iterator[int]:
        found = [r for _, r in rows]
        if found:
            merge.write_part(to_table("claim_relations", found), scratch / "claim_relations" / f"x{bucket:05d}.parquet")
        yield len(found)
    return write


# --- driver -----------------------------------------------------------------------------------------

def parts_of(doc_ids: Sequence[str], all_events: list[dict], part_docs: int) -> list[list[str]]:
    """Documents in id order, PART_DOCS to a part; a document an event shares with an earlier one joins its part."""
    root: dict[str, str] = {}

    def find(d: str) -> str:
        while root.get(d, d) != d:
            d = root[d]
        return d
    for ev in all_events:
        docs = sorted({x["doc_id"] for x in ev["evidence"]})
        for d in docs[1:]:
            root[find(d)] = find(docs[0])
    part_of: dict[str, int] = {}
    parts: list[list[str]] = []
    for d in doc_ids:
        r = find(d)
        if r not in part_of:
            if not parts or len(parts[-1]) >= part_docs:
                parts.append([])
            part_of[r] = len(parts) - 1
        parts[part_of[r]].append(d)
    return parts


def _guarded_part(job: tuple) -> tuple[bool, Any]:
    return spark.guarded(build_part, job)


def build(seeds_dir: Path, dataset_root: Path, master: str | None = None, part_docs: int = PART_DOCS) -> Built:
    """The parts built, checked and written by Spark tasks; raises the first InputError a task raised."""
    sc = spark.session(master or spark.LOCAL).sparkContext
    ok, got = sc.parallelize([seeds_dir], 1).map(lambda s: spark.guarded(corpus, (s,))).collect()[0]
    if not ok:
        raise got
    doc_ids, all_events = got
    dataset_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-parts-", dir=dataset_root))
    try:
        return _build(sc, seeds_dir, scratch, doc_ids, all_events, part_docs)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def _build(sc: Any, seeds_dir: Path, scratch: Path, doc_ids: list[str], all_events: list[dict], part_docs: int) -> Built:
    parts = parts_of(doc_ids, all_events, part_docs)
    jobs = [(i, seeds_dir, p, all_events, scratch) for i, p in enumerate(parts)]
    summaries = []
    for ok, got in sc.parallelize(jobs, len(jobs)).map(_guarded_part).collect():
        if not ok:
            raise got
        summaries.append(got)
    claim_parts = [str(p) for p in sorted((scratch / "claims").glob("*.parquet"))]
    n_across = 0 if not claim_parts else (sc.parallelize(claim_parts, len(claim_parts)).flatMap(_claims)
              .groupByKey(max(1, sc.defaultParallelism * spark.SLICES_PER_CORE)).flatMap(across)
              .keyBy(_relation_bucket).partitionBy(RELATION_BUCKETS, lambda b: b)
              .mapPartitionsWithIndex(_write_bucket(scratch)).sum())
    rows: Counter = Counter()
    for s in summaries:
        rows.update(s["rows"])
    rows["claim_relations"] += n_across
    problems = [p for s in summaries for p in s["problems"]]
    once = summaries[0]["once"] if summaries else {}
    per_entity: Counter = sum((s["mentions"] for s in summaries), Counter())
    entities = once["entities"].to_pylist()
    for e in entities:
        e["n_mentions"] = per_entity.get(e["entity_id"], 0)
    inputs = Inputs(seeds_dir)  # the registry and the reference files: what the corpus has once
    gaps = load_gaps(seeds_dir / "reference" / "gaps.yaml", inputs.entity_ids, set().union(*(s["gap_claims"] for s in summaries)),
                     set(once["reference_facts"].column("fact_id").to_pylist()))
    review = inputs.annotations_dir / "names.yaml"
    if review.is_file():  # an excluded name that no part's texts hold is a stale row, refused with its line
        load_name_review(review, inputs.entities, sorted(set().union(*(s["names"] for s in summaries))))
    tables = {"events": to_table("events", all_events), "entities": to_table("entities", entities),
              "reference_facts": once["reference_facts"], "reference_gaps": to_table("reference_gaps", gaps)}
    for name, tbl in tables.items():
        rows[name] = tbl.num_rows
    for name in schema.table_names():
        if rows[name] < schema.load().tables[name].min_rows:
            problems.append(Problem(name, "(table)", f"{rows[name]} row(s), fewer than the "
                                                     f"{schema.load().tables[name].min_rows} schema/tables.yaml requires"))
    return Built(scratch, doc_ids, {n: rows[n] for n in schema.table_names()}, tables, problems)

