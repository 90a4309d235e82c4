"""Validation of a set of tables: pandera schemas derived from schema/, then the
cross-table rules no single-table schema can see (foreign keys, spans that must
equal their quotes, the manifest). Used by the build before anything is moved
into place, and by `python -m scripts.validate` on a written release."""
from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

import schema
from schema.derive import arrow_schema, pandera_schema, to_frame
from scripts.files import not_regular, sha256_bytes, sha256_file
from scripts.tables.proof import Problem


def pandera_problems(name: str, tbl: pa.Table) -> list[Problem]:

    if tbl.schema.remove_metadata() != arrow_schema(name).remove_metadata():
        want, got = arrow_schema(name), tbl.schema
        diffs = [f"{f.name}: {got.field(f.name).type if f.name in got.names else 'missing'} (want {f.type})"
                 for f in want if f.name not in got.names or got.field(f.name).type != f.type]
        diffs += [f"{f.name}: nullable, but declared required (a null in a required column)" for f in want
                  if f.name in got.names and got.field(f.name).type == f.type and got.field(f.name).nullable and not f.nullable]
        diffs += [f"{n}: not declared" for n in got.names if n not in want.names]
        return [Problem(name, "(schema)", "Arrow schema differs from schema/tables.yaml", diffs or ["column order"])]
    try:
        pandera_schema(name).validate(to_frame(tbl), lazy=True)
    except pandera.errors.SchemaErrors as e:
        out = []
        fc = e.failure_cases
        for (col, check), grp in fc.groupby(["column", "check"], dropna=False, sort=True):
            rows = [f"row {i}: {v!r}" for i, v in zip(grp["index"].tolist()[:3], grp["failure_case"].tolist()[:3])]
            column = "(rows)" if col is None or col != col or col == name else str(col)
            out.append(Problem(name, column, str(check), rows))
        return out
    return []


def _span_problems(name: str, rows: list[dict], texts: dict[str, str], prefix: str = "") -> list[Problem]:
    bad_fk, bad_span = [], []
    for i, r in enumerate(rows):
        text = texts.get(r["doc_id"])
        if text is None:
            bad_fk.append(f"row {i}: {r['doc_id']}")
            continue
        s, e = r["char_start"], r["char_end"]
        if s is None or e is None or not (0 <= s < e <= len(text)) or text[s:e] != r["quote"]:
            bad_span.append(f"row {i}: [{s}:{e}] {r['quote']!r}")
    out = []
    if bad_fk:
        out.append(Problem(name, f"{prefix}doc_id", "references documents.doc_id", bad_fk))
    if bad_span:
        out.append(Problem(name, f"{prefix}quote", "text[char_start:char_end] == quote", bad_span))
    return out


def cross_table_problems(tables: dict[str, pa.Table], skip: frozenset[str] | set[str] = frozenset(),
                         unreferenced: Collection[str] = ()) -> list[Problem]:
    """skip: tables whose Arrow schema is already wrong; their rows cannot be trusted to have the declared types.
    unreferenced: tables whose references to other tables are not checked here (check_tables' corpus_wide)."""
    sch = schema.load()
    problems: list[Problem] = []
    if "documents" not in tables:
        return [Problem("documents", "(table)", "table missing")]
    texts = dict(zip(tables["documents"].column("doc_id").to_pylist(), tables["documents"].column("text").to_pylist()))
    altered = [f"{d}: text no longer hashes to documents.sha256" for d, h in
               zip(tables["documents"].column("doc_id").to_pylist(), tables["documents"].column("sha256").to_pylist())
               if sha256_bytes(texts[d].encode("utf-8")) != h]
    if altered:
        problems.append(Problem("documents", "text", "sha256(text) == sha256", altered))
    for name, tbl in tables.items():
        if name in skip or name not in sch.tables:
            continue
        spec = sch.tables[name]
        cols = set(tbl.column_names)
        has_spans = {"doc_id", "char_start", "char_end", "quote"} <= cols
        if has_spans:
            problems += _span_problems(name, tbl.select(["doc_id", "char_start", "char_end", "quote"]).to_pylist(), texts)
        if spec.total_over:
            other, ocol = spec.total_over.split(".")
            if other in tables:
                key = spec.key[0]
                missing = sorted(set(tables[other].column(ocol).to_pylist()) - set(tbl.column(key).to_pylist()))
                if missing:
                    problems.append(Problem(name, key, f"every {spec.total_over} has a row", missing))
        for col in spec.columns:
            if col.name not in cols:
                continue
            if col.references and not (col.name == "doc_id" and has_spans) and name not in unreferenced:  # spans check doc_id
                problems += _fk_problems(name, col.name, col.references, tbl, tables)
            struct = sch.structs.get(col.type[5:-1]) if col.type.startswith("list<") else None
            # only a struct that declares a span is made Python rows (verification's fact pools need not be)
            if struct and {"quote", "char_start", "char_end"} <= {f.name for f in struct}:
                row_docs = tbl.column("doc_id").to_pylist() if "doc_id" in cols else [None] * tbl.num_rows
                items = [{"doc_id": d, **x} for d, lst in zip(row_docs, tbl.column(col.name).to_pylist()) for x in (lst or [])]
                if items and {"quote", "char_start", "char_end"} <= set(items[0]):
                    problems += _span_problems(name, items, texts, prefix=f"{col.name}.")
    return problems


def _fk_problems(name, col, ref, tbl, tables) -> list[Problem]:
    ref_table, ref_col = ref.split(".")
    if ref_table not in tables:
        return [Problem(name, col, f"references {ref}: table {ref_table} missing")]
    allowed = set(tables[ref_table].column(ref_col).to_pylist())
    values = tbl.column(col).to_pylist()
    bad = []
    for i, v in enumerate(values):
        for x in (v if isinstance(v, list) else [v]):
            if x is not None and x not in allowed:
                bad.append(f"row {i}: {x!r}")
    return [Problem(name, col, f"references {ref}", bad)] if bad else []




SECTIONS = ("name", "version", "schema_version", "tables", "inputs", "completeness")  # every manifest has these


def _entries_ok(tables: object) -> bool:
    return isinstance(tables, dict) and all(
        isinstance(e, dict) and isinstance(e.get("file"), str) and isinstance(e.get("sha256"), str)
        and isinstance(e.get("rows"), int) for e in tables.values())


def _shape_problems(manifest: object) -> list[Problem]:
    """What keeps manifest.json from being read as a manifest: its sections and the shape of each entry."""
    if not isinstance(manifest, dict):
        return [Problem("manifest", "(file)", "manifest.json is not a JSON object")]
    out = [Problem("manifest", "(file)", f"manifest.json: section `{k}` missing") for k in SECTIONS if k not in manifest]
    if "tables" in manifest and not _entries_ok(manifest["tables"]):
        out.append(Problem("manifest", "(file)", "manifest.json: `tables` must map each table to {file, sha256, rows}"))
    splits = manifest.get("splits", {})
    if not isinstance(splits, dict):
        out.append(Problem("manifest", "(file)", f"manifest.json: `splits` must map each split to {{generator, tables}}, "
                                                 f"not a {type(splits).__name__}"))
        return out
    for split, entry in sorted(splits.items()):
        if not isinstance(entry, dict) or not isinstance(entry.get("generator"), dict) or not _entries_ok(entry.get("tables")):
            out.append(Problem("manifest", "(file)", f"manifest.json: `splits.{split}` must be {{generator, tables}}, "
                                                     "tables mapping each table to {file, sha256, rows}"))
    return out


def read_manifest(release: Path) -> tuple[dict | None, list[Problem]]:
    """manifest.json as a dict, or None and the reasons it cannot be read (it is opened only when it is a
    regular file: a FIFO would block, a folder or a symlink is not the release's own manifest)."""
    mpath = release / "manifest.json"
    if (kind := not_regular(mpath)) is not None:
        return None, [Problem("manifest", "(file)", f"manifest.json {kind}" if kind == "missing" else f"manifest.json is {kind}")]
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, [Problem("manifest", "(file)", f"manifest.json is not valid JSON: {e}")]
    shape = _shape_problems(manifest)
    return (None, shape) if shape else (manifest, [])


def manifest_problems(release: Path) -> list[Problem]:
    manifest, out = read_manifest(release)
    if manifest is None:
        return out
    inside = release.resolve()
    for name, entry in manifest["tables"].items():
        path = release / entry["file"]
        if path.resolve().parent != inside or path.is_symlink():
            out.append(Problem(name, "(file)", f"{entry['file']!r} in manifest.json leaves the release folder"))
            continue
        if not path.exists():
            out.append(Problem(name, "(file)", f"{entry['file']} listed in the manifest is missing"))
            continue
        if kind := not_regular(path):  # never opened: scripts/release/layout.py reports what it is
            out.append(Problem(name, "(file)", f"{entry['file']} is {kind}"))
            continue
        if sha256_file(path) != entry["sha256"]:
            out.append(Problem(name, "(file)", "sha256 differs from manifest.json", [entry["file"]]))
        try:
            rows = pq.ParquetFile(path).metadata.num_rows
        except Exception as e:  # a truncated or foreign file is a finding, not a crash
            out.append(Problem(name, "(file)", f"unreadable Parquet: {e}"))
            continue
        if rows != entry["rows"]:
            out.append(Problem(name, "(file)", f"row count {rows} differs from manifest.json ({entry['rows']})"))
    for name in schema.load().tables:
        if name not in manifest["tables"]:
            out.append(Problem(name, "(file)", "declared table missing from manifest.json"))
    return out


def check_tables(tables: dict[str, pa.Table], whole: bool = True, corpus_wide: Collection[str] = ()) -> list[Problem]:
    """whole=False: the tables of one part of a corpus (scripts/release/spark_build.py), whose row counts are
    checked against min_rows once the parts are added up; corpus_wide: tables beside the part that hold the whole
    corpus's rows, whose references into the part's tables are checked against all parts instead."""
    problems = []
    for name in schema.table_names():
        if name not in tables:
            problems.append(Problem(name, "(table)", "declared table missing"))
            continue
        problems += pandera_problems(name, tables[name])
        if whole and tables[name].num_rows < schema.load().tables[name].min_rows:
            problems.append(Problem(name, "(table)", f"{tables[name].num_rows} row(s), fewer than the "
                                                     f"{schema.load().tables[name].min_rows} schema/tables.yaml requires"))
    wrong_schema = {p.table for p in problems if p.column == "(schema)"}
    return problems + cross_table_problems(tables, skip=wrong_schema, unreferenced=corpus_wide)
