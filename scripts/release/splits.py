"""The benchmark's generated splits (train, validation): documents written by the generator
(scripts/benchmark/generator/) from the seed and size pyproject.toml declares, built by the same
pipeline and checked like any release, of which the task tables that declare the split
(schema/tables.yaml `generated_splits`) are kept. They share no document with the test split.

A split's tables are a pure function of the project's inputs and code, so they are cached under
<root>/build/splits/<hash of both>/ of the project folder being built (never in the code's checkout, when
that is another folder) and a build whose inputs did not change does not regenerate them. Each build keeps
only the entries of its own keys, and removes what a killed build left half-written."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import schema
from scripts import paths, pipeline
from scripts.benchmark import leak
from scripts.benchmark.generator.numbering import doc_id
from scripts.errors import ReleaseError
from scripts.files import not_regular, sha256_file
from scripts.normalize.values import SurfaceValueError, parse_value
from scripts.release import conformance, proof
from scripts.release.conformance import Problem, check_tables
from scripts.release.write import remove_debris
from scripts.tables.proof import Findings

SECTION = "generated-splits"


def declared(root: Path) -> dict[str, dict[str, int]]:
    """split -> {seed, docs, first}, as pyproject.toml declares them (none when it does not)."""
    with open(root / "pyproject.toml", "rb") as f:
        tool = tomllib.load(f).get("tool", {}).get("kuaishou-ecommerce-claims", {})
    spec = tool.get(SECTION, {})
    unknown = sorted(set(spec) - set(schema.generated_splits()))
    if unknown:
        raise ReleaseError(f"pyproject.toml [{SECTION}]: no table declares split(s) {', '.join(unknown)}")
    return {s: {k: int(spec[s][k]) for k in ("seed", "docs", "first")} for s in sorted(spec)}


def _cache_key(root: Path, split: str, spec: dict[str, int]) -> str:
    h = hashlib.sha256(f"{split}|{sorted(spec.items())}|{pa.__version__}|{sys.version_info[:2]}".encode())
    code = [p for d in ("scripts", "schema") for p in sorted((paths.ROOT / d).rglob("*")) if p.suffix in (".py", ".yaml")]
    # the split's own declaration (spec) is in the key, not the whole pyproject.toml: a version bump alone
    # does not change a generated document
    for p in code + pipeline.input_files(root / "seeds"):
        h.update(p.name.encode() + sha256_file(p).encode())
    return h.hexdigest()[:20]


def cache_root(root: Path) -> Path:
    return root / "build" / "splits"


def cache_keys(root: Path) -> dict[str, str]:
    """split -> the folder name of its cache entry under cache_root(root)."""
    return {split: _cache_key(root, split, spec) for split, spec in declared(root).items()}


def _clean_cache(folder: Path, keep: set[str]) -> None:
    """Entries of other keys (older code or inputs) go; a staging folder goes only when its build is dead."""
    remove_debris(folder)
    for p in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not p.name.startswith(".") and p.name not in keep:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def _build_split(root: Path, spec: dict[str, int], names: list[str]) -> dict[str, pa.Table]:
    from scripts.benchmark.generator.project import generate  # noqa: PLC0415 - only a build generates; validation does not

    with tempfile.TemporaryDirectory(prefix="kec-split-") as tmp:
        project = Path(tmp)
        generate(project, spec["docs"], spec["seed"], root, spec["first"])
        tables, completeness = pipeline.build_tables(project / "seeds")
        inputs = {p.relative_to(project).as_posix(): sha256_file(p) for p in pipeline.input_files(project / "seeds")}
        found = check_tables(tables)
        found += proof.problems(tables, {"inputs": inputs, "completeness": completeness}, untrusted={p.table for p in found})
        if found:
            raise ReleaseError("generated split does not validate:\n  " + "\n  ".join(str(p) for p in found[:20]))
        return {n: tables[n] for n in names}


def build(root: Path, test_doc_ids: set[str]) -> dict[str, dict[str, pa.Table]]:
    """split -> table -> Arrow table, for every split the project declares."""
    out: dict[str, dict[str, pa.Table]] = {}
    by_split = schema.generated_splits()
    keys = cache_keys(root)
    _clean_cache(cache_root(root), set(keys.values()))
    for split, spec in declared(root).items():
        names = by_split[split]
        cache = cache_root(root) / keys[split]
        if not all((cache / f"{n}.parquet").exists() for n in names):
            tables = _build_split(root, spec, names)
            cache.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{cache.name}.", suffix=f".{os.getpid()}.tmp", dir=cache.parent))
            for n, t in tables.items():
                pq.write_table(t, staging / f"{n}.parquet")
            try:
                os.rename(staging, cache)
            except OSError:  # another build put the same split in place first
                shutil.rmtree(staging, ignore_errors=True)
        out[split] = {n: pq.read_table(cache / f"{n}.parquet") for n in names}
    problems = disjoint({"test": test_doc_ids} | {s: doc_ids(t) for s, t in out.items()})
    if problems:
        raise ReleaseError("; ".join(str(p) for p in problems))
    return out


def doc_ids(tables: dict[str, pa.Table]) -> set[str]:
    return {d for t in tables.values() for d in t.column("doc_id").to_pylist()}


def disjoint(ids: dict[str, set[str]]) -> list[Problem]:
    """No document (and so no doc_id) in two splits."""
    names = sorted(ids)
    return [Problem(f"split {a}", "doc_id", f"shares documents with split {b}", sorted(ids[a] & ids[b])[:3])
            for i, a in enumerate(names) for b in names[i + 1:] if ids[a] & ids[b]]


def _span_problems(name: str, split: str, rows: list[dict]) -> list[Problem]:
    """Within a split's row, every target's quote is its text's slice (verification: the quote is in its context)."""
    bad = []
    for r in rows:
        if name == "verification":
            if r["quote"] not in r["context"]:
                bad.append(f"{r['claim_id']}: quote not in context")
            continue
        for x in r["targets"]:
            if r["text"][x["char_start"]:x["char_end"]] != x["quote"]:
                bad.append(f"{r['doc_id']} [{x['char_start']}:{x['char_end']}] {x['quote']!r}")
    return [Problem(f"{name} ({split})", "targets", "text[char_start:char_end] == quote", bad)] if bad else []


def problems(release: Path, manifest: dict | None, test_tables: dict[str, pa.Table]) -> list[Problem]:
    """The generated splits a release lists in its manifest: files, hashes, row counts, schema,
    spans, and no document shared with another split."""
    if not manifest:
        return []
    out: list[Problem] = []
    generated: list[str] = []
    ids: dict[str, set[str]] = {"test": doc_ids({n: t for n, t in test_tables.items()
                                                 if schema.load().tables[n].generated_splits})}
    sch = schema.load().tables
    for split, entry in sorted(manifest.get("splits", {}).items()):
        read: dict[str, pa.Table] = {}
        rows: dict[str, list[dict]] = {}
        for name in schema.generated_splits().get(split, []):
            f = entry["tables"].get(name)
            path = release / sch[name].file(split)
            if f is None or not path.is_file() or f["file"] != sch[name].file(split):
                out.append(Problem(f"{name} ({split})", "(file)", f"{sch[name].file(split)} missing or not in manifest.json"))
                continue
            if kind := not_regular(path):  # never opened (scripts/release/layout.py says what it is)
                out.append(Problem(f"{name} ({split})", "(file)", f"{sch[name].file(split)} is {kind}"))
                continue
            if sha256_file(path) != f["sha256"]:
                out.append(Problem(f"{name} ({split})", "(file)", "sha256 differs from manifest.json"))
            try:
                tbl = pq.read_table(path)
            except Exception as e:  # a truncated or foreign file is a finding, not a crash
                out.append(Problem(f"{name} ({split})", "(file)", f"unreadable Parquet: {e}"))
                continue
            if tbl.num_rows != f["rows"]:
                out.append(Problem(f"{name} ({split})", "(file)", f"row count {tbl.num_rows} differs from manifest.json"))
            found = conformance.pandera_problems(name, tbl)  # through the module: a test may memoize it
            out += [Problem(f"{p.table} ({split})", p.column, p.check, p.examples) for p in found]
            if not found:
                read[name] = tbl
                rows[name] = tbl.to_pylist()  # once: the span, content and task-row checks all read these
                out += _span_problems(name, split, rows[name])
        ids[split] = doc_ids(read)
        out += regenerated_problems(split, entry, rows)
        if "extraction" in read:
            generated += read["extraction"].column("text").to_pylist()
    return out + disjoint(ids) + leak_problems(test_tables, generated)


def content_sha256(tbl: pa.Table | list[dict]) -> dict[str, str]:
    """A split table's content per document (doc_id -> the first 16 hex digits of the sha256 of its rows in key
    order), independent of the file's bytes: recorded in the manifest when the split is written, re-derived from
    the rows on validation, so that a changed row is named by its document."""
    per: dict[str, list[dict]] = {}
    for r in tbl if isinstance(tbl, list) else tbl.to_pylist():
        per.setdefault(r["doc_id"], []).append(r)
    return {d: hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
            .hexdigest()[:16] for d, rows in sorted(per.items())}


def regenerated_problems(split: str, entry: dict, rows: dict[str, list[dict]]) -> list[Problem]:
    """What the generator decides, re-derived: the documents its declared seed and size number, the content it
    recorded, and the task rows rebuilt from each other (one text per document, every extraction target a
    verification row, its value its quote's, its gold facts in its pool and a label its evidence bears).
    rows: table -> its rows as Python, for the tables whose form is right."""
    f = Findings()
    gen = entry.get("generator", {})
    if {"seed", "docs", "first"} <= gen.keys() and "extraction" in rows:
        want = {doc_id(gen["seed"], n) for n in range(gen["first"], gen["first"] + gen["docs"])}
        have = {r["doc_id"] for r in rows["extraction"]}
        for d in sorted(have - want):
            f.add(f"extraction ({split})", d, "doc_id", f"a document the generator numbers (seed {gen['seed']})", "absent", d)
        for d in sorted(want - have):
            f.add(f"extraction ({split})", d, "(row)", f"every document the generator numbers (seed {gen['seed']}) is present")
    for name, recorded in sorted(gen.get("content_sha256", {}).items()):
        if name not in rows:
            continue
        found = content_sha256(rows[name])  # the rows already read: the same content as the table
        for d in sorted(recorded.keys() | found.keys()):
            if recorded.get(d) != found.get(d):
                keys = [r[schema.load().tables[name].key[0]] for r in rows[name] if r["doc_id"] == d]
                f.add(f"{name} ({split})", f"{d} ({', '.join(keys[:5])})", "(content)",
                      "the rows the generator wrote (manifest.json splits.<split>.generator.content_sha256)",
                      recorded.get(d, "absent"), found.get(d, "absent"))
    _task_row_problems(f, split, rows)
    return f.problems()


def _task_row_problems(f: Findings, split: str, rows: dict[str, list[dict]]) -> None:
    texts = {r["doc_id"]: r["text"] for r in rows.get("extraction", [])}
    for r in rows.get("noise_detection", []):
        if r["doc_id"] in texts and r["text"] != texts[r["doc_id"]]:
            f.add(f"noise_detection ({split})", r["doc_id"], "text", "the document's text as extraction holds it")
    targets = {t["claim_id"]: (r["doc_id"], t) for r in rows.get("extraction", []) for t in r["targets"]}
    values: dict[str, float | None] = {}  # generated documents repeat their figures' words: each read once
    for cid, (did, t) in targets.items():
        if t["quote"] not in values:
            try:
                values[t["quote"]] = parse_value(t["quote"]).value
            except SurfaceValueError:
                values[t["quote"]] = None
        value = values[t["quote"]]
        if value is not None and value != t["value"]:
            f.add(f"extraction ({split})", f"{did} {cid}", "targets.value", "re-read from the target's quote", value, t["value"])
    for v in rows.get("verification", []):
        key = v["claim_id"]
        if key not in targets or targets[key][0] != v["doc_id"]:
            f.add(f"verification ({split})", key, "claim_id", "a claim extraction lists for the same document")
        elif v["quote"] not in texts.get(v["doc_id"], ""):
            f.add(f"verification ({split})", key, "quote", "inside the document's text")
        pool = {p["fact_id"] for p in v["evidence_pool"]}
        if not set(v["evidence_fact_ids"]) <= pool:
            f.add(f"verification ({split})", key, "evidence_fact_ids", "the gold facts are in the evidence pool",
                  sorted(pool), v["evidence_fact_ids"])
        if (v["label"] == "not_enough_info") == bool(v["evidence_fact_ids"]):
            f.add(f"verification ({split})", key, "label", "a decided label rests on evidence, not_enough_info on none",
                  "evidence" if v["label"] != "not_enough_info" else "none", v["evidence_fact_ids"])
    n_claims = Counter(d for d, _ in targets.values())  # counted once: a sum per document is quadratic
    n_rows = Counter(v["doc_id"] for v in rows.get("verification", []))
    for did in sorted(texts):
        if "verification" in rows and n_rows[did] != n_claims[did]:
            f.add(f"verification ({split})", did, "(row)", "one verification row per extraction target", n_claims[did], n_rows[did])


def leak_problems(test_tables: dict[str, pa.Table], generated: list[str]) -> list[Problem]:
    """The generated splits hold no test text: no 12-character run of a test document outside the
    allow-list of names, no test noise span of 6+ characters (scripts/benchmark/leak.py)."""
    if "documents" not in test_tables or not generated:
        return []
    test = {r["doc_id"]: r["text"] for r in test_tables["documents"].select(["doc_id", "text"]).to_pylist()}
    noise = [(r["doc_id"], r["quote"]) for r in test_tables["noise"].select(["doc_id", "quote"]).to_pylist()] \
        if "noise" in test_tables else []
    names = leak.allowed_names(test_tables["entities"].to_pylist()) if "entities" in test_tables else []
    rep = leak.measure(test, generated, noise, names)
    if rep.clean:
        return []
    return [Problem("splits (train, validation)", "text", f"no test text in the generated splits: {rep.summary()}",
                    [f"{d}: {r!r}" for d, r in (rep.runs + rep.noise)[:10]])]
