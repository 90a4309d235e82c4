"""The build inputs a release ships in `source/`: every file of seeds/ (texts, annotations, entity registry,
events, names, second pass, reference facts and gaps, sources.yaml) and the schema declarations, with their
hashes and the project version that built the release in the manifest's `source` section.

What needs only the release is checked here: the shipped files hash as the manifest says; the metadata that
only an input states (documents' titles, sites, authors, URLs and dates; entities' names, types and parents;
every reference fact and gap) is what the build's own loaders and table code make of source/; the inputs keep
their own rules (a figure is published on or after the end of its period unless the fact says why; every
timestamp carries a timezone). The full rebuild from these files is scripts/release/rebuild.py."""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa

import schema
from scripts import paths
from scripts.errors import InputError
from scripts.files import sha256_file
from scripts.inputs.yamlio import load_yaml
from scripts.pipeline import to_table
from scripts.release.compare import first_difference
from scripts.release.conformance import Problem, read_manifest
from scripts.release.layout import SOURCE
from scripts.tables import modules
from scripts.tables.context import Inputs, Stage
from scripts.tables.documents import document_row, stated
from scripts.tables.reference_facts import load_facts, load_gaps, may_precede_period

FOLDER = SOURCE  # declared in layout.py, which the damaged-release check reads without pyarrow
SCHEMA_FILES = ("tables.yaml", "vocab.yaml")
PROJECT = "kuaishou-ecommerce-claims"
# an ISO 8601 date with a time of day, and the offset it must end with
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")
_ANY_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def files(root: Path) -> dict[str, Path]:
    """Name inside source/ -> the project file it is a copy of: every file of root/seeds/ (dotfiles aside) and
    the schema declarations of this code (a generated corpus has no schema/ of its own)."""
    seeds = root / "seeds"
    out = {f"seeds/{p.relative_to(seeds).as_posix()}": p for p in sorted(seeds.rglob("*"))
           if p.is_file() and not any(part.startswith(".") for part in p.relative_to(seeds).parts)}
    out.update({f"schema/{n}": schema.HERE / n for n in SCHEMA_FILES})
    return out


def code_version() -> str:
    """This code's project version: the checkout's pyproject.toml, or the installed package's metadata."""
    try:
        return paths.version(paths.ROOT)
    except FileNotFoundError:
        return importlib.metadata.version(PROJECT)


def ship(root: Path, release: Path) -> dict:
    """Copy the build inputs into release/source/; the manifest's `source` section (what built it, and the files)."""
    shipped = {}
    for name, path in files(root).items():
        dst = release / FOLDER / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dst)
        shipped[name] = sha256_file(dst)
    return {"built_by": {"project": PROJECT, "version": code_version(), "pyarrow": pa.__version__},
            "folder": FOLDER, "files": shipped}


def shipped(manifest: dict | None) -> dict[str, str]:
    return ((manifest or {}).get("source") or {}).get("files") or {}


def hash_problems(release: Path, manifest: dict | None) -> list[Problem]:
    """source/ holds exactly the files the manifest lists, inside the release, each with its hash."""
    listed = shipped(manifest)
    if not listed:
        return [Problem("source", "(manifest)", "manifest.json lists no `source` files: a release ships the inputs "
                                                "it was built from (from v0.11.0 on)")]
    out = []
    folder = (release / FOLDER).resolve()
    for name, digest in sorted(listed.items()):
        p = release / FOLDER / name
        if p.is_symlink() or not p.resolve().is_relative_to(folder):
            out.append(Problem("source", name, "a source file must lie inside source/, not be a symlink or leave it"))
        elif not p.is_file():
            out.append(Problem("source", name, "listed in manifest.json `source` but missing from source/"))
        elif sha256_file(p) != digest:
            out.append(Problem("source", name, "sha256 differs from manifest.json `source`"))
    on_disk = {p.relative_to(release / FOLDER).as_posix() for p in (release / FOLDER).rglob("*") if p.is_file()}
    out += [Problem("source", n, "in source/ but not listed in manifest.json `source`") for n in sorted(on_disk - set(listed))]
    return out


def problems(release: Path, tables: dict[str, pa.Table]) -> list[Problem]:
    """The shipped inputs hash as listed; the tables state what they state; the inputs keep their own rules."""
    found = hash_problems(release, read_manifest(release)[0])
    if found:
        return found  # an input that is not what was built from cannot vouch for anything
    seeds_dir = release / FOLDER / "seeds"
    try:
        found = stated_problems(seeds_dir, tables)
    except InputError as e:
        return [input_problem(release, e)]
    return found + source_date_problems(seeds_dir / "reference" / "facts.yaml", release) \
        + timezone_problems(seeds_dir, release) + [p for name, t in sorted(tables.items()) for p in naive_timestamps(name, t)]


def input_problem(release: Path, e: InputError) -> Problem:
    """A shipped input the build's loaders refuse, named by its path in the release."""
    path = Path(e.path).relative_to(release).as_posix() if Path(e.path).is_relative_to(release) else e.path
    return Problem("source", str(path), f"line {e.line}: {e.reason}")


def stated_problems(seeds_dir: Path, tables: dict[str, pa.Table], only: frozenset[str] | None = None,
                    claim_ids: set[str] | None = None) -> list[Problem]:
    """Each released table (part) that an input alone states, against what the build's own loaders and table
    code make of the shipped input: documents' provenance columns (sources.yaml), entities but their mention
    counts (entities.yaml), reference_facts (facts.yaml) and reference_gaps (gaps.yaml). only: the documents of one
    part of a corpus (scripts/release/spark_validate.py); claim_ids: the claims the gaps may list, when the claims
    table is not among `tables`."""
    rule = "states what source/seeds/{} says"
    inputs = Inputs(seeds_dir, only=only)
    want: dict[str, tuple[pa.Table, str]] = {}
    docs = to_table("documents", [document_row(s, [], {}) for s in inputs.seeds])
    columns = list(stated(inputs.seeds[0])) if inputs.seeds else ["doc_id"]
    want["documents"] = (docs.select(columns), rule.format("sources.yaml"))
    # the entities module itself, shown no mentions: every column but the counts is the registry's
    entities = modules()["entities"].build(Stage("entities", ("mentions",), inputs, {"mentions": ()}))
    want["entities"] = (to_table("entities", entities).drop_columns(["n_mentions"]), rule.format("annotations/entities.yaml"))
    facts = load_facts(seeds_dir / "reference" / "facts.yaml", inputs.entity_ids)
    want["reference_facts"] = (to_table("reference_facts", facts), rule.format("reference/facts.yaml"))
    if "claims" in tables or claim_ids is not None:
        listed = claim_ids if claim_ids is not None else set(tables["claims"].column("claim_id").to_pylist())
        gaps = load_gaps(seeds_dir / "reference" / "gaps.yaml", inputs.entity_ids, listed, {f["fact_id"] for f in facts})
        want["reference_gaps"] = (to_table("reference_gaps", gaps), rule.format("reference/gaps.yaml"))
    out = []
    for name, (expected, check) in want.items():
        if name not in tables:
            continue  # a missing table is reported by the form checks
        found = tables[name]
        if not set(expected.column_names) <= set(found.column_names):
            continue  # a wrong schema is reported by the form checks; its cells cannot be compared
        diff = first_difference(name, expected, found.select(expected.column_names), check, "source says")
        if diff:
            out.append(diff)
    return out


def source_date_problems(facts_yaml: Path, release: Path) -> list[Problem]:
    """A figure is published after the period it reports ends: a fact's source_date before its period_end
    needs a `source_date_basis` that may precede it (vocab source_date_basis, may_precede_period: a forecast)."""
    bad = []
    for item in load_yaml(facts_yaml) or []:
        date, end = item.get("source_date"), item.get("period_end")
        if date is None or end is None or may_precede_period(item.get("source_date_basis")):
            continue
        if dt.date.fromisoformat(str(date)) < dt.date.fromisoformat(str(end)):
            bad.append(f"fact_id={item.get('id')} ({facts_yaml.relative_to(release).as_posix()}:{item.key_lines['source_date']}): "
                       f"source_date {date} is before period_end {end}")
    return [Problem("reference_facts", "source_date", "source_date on or after period_end unless source_date_basis "
                                                      "says why", bad)] if bad else []


def timezone_problems(seeds_dir: Path, release: Path) -> list[Problem]:
    """Every timestamp (a date with a time of day) in the shipped YAML inputs carries its UTC offset:
    a local time read as UTC shifts a page's date by eight hours."""
    bad = []
    for path in sorted(seeds_dir.rglob("*.yaml")):
        if not _ANY_TIMESTAMP.search(path.read_text(encoding="utf-8", errors="replace")):
            continue  # most inputs hold dates only: not parsed again for nothing
        for line, key, value in _scalars(load_yaml(path)):
            naive = (isinstance(value, dt.datetime) and value.tzinfo is None) or \
                (isinstance(value, str) and _TIMESTAMP.match(value) and not _OFFSET.search(value.strip()))
            if naive:
                bad.append(f"{path.relative_to(release).as_posix()}:{line}: {key} {value} has no timezone")
    return [Problem("source", "(timestamp)", "every timestamp carries a UTC offset", bad)] if bad else []


def _scalars(node: Any, line: int = 0, key: str = "") -> list[tuple[int, str, Any]]:
    """(line, key, value) of every scalar in a document read by yamlio (which keeps the lines)."""
    if isinstance(node, dict):
        lines = getattr(node, "key_lines", {})
        return [s for k, v in node.items() for s in _scalars(v, lines.get(k, line), str(k))]
    if isinstance(node, list):
        lines = getattr(node, "item_lines", [])
        return [s for i, v in enumerate(node) for s in _scalars(v, lines[i] if i < len(lines) else line, key)]
    return [(line, key, node)]


def naive_timestamps(name: str, tbl: pa.Table) -> list[Problem]:
    return [Problem(name, f.name, "every timestamp carries a timezone", [f"type {f.type}"]) for f in tbl.schema
            if pa.types.is_timestamp(f.type) and f.type.tz is None]
