"""Write a generated corpus as a project-shaped folder that `python -m scripts.build --root DIR`
builds: pyproject.toml, seeds/<doc_id>.txt, seeds/sources.yaml, the annotations as JSON lines
(seeds/annotations/documents.jsonl, one document a line: a file per document does not scale),
entities.yaml with the invented companies added (templates.INVENTED_COMPANIES), the reference facts
as they are, events.yaml with the generated tellings,
gaps.yaml without the five seeds' claim ids."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from scripts import paths
from scripts.benchmark.generator import templates as T
from scripts.benchmark.generator.corpus import compose
from scripts.benchmark.generator.doc import occurrence
from scripts.benchmark.generator.material import load


def _dump(data: Any) -> str:
    # PyYAML quotes a string that would read back as another type (an all-digit doc id stays a string)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


ANNOTATIONS = "documents.jsonl"


def without_splits(text: str) -> str:
    """The project's pyproject.toml without its generated splits: a generated or replicated corpus has none of its own."""
    return re.sub(r"(?ms)^\[tool\.kuaishou-ecommerce-claims\.generated-splits\]\n.*?(?=^\[|\Z)", "", text)


def _corpus_section(docs: int, seed: int, first: int, root: Path) -> str:
    """What the corpus is, declared where its card, datasheet and viewer read it (scripts/paths.py generated_corpus)."""
    generator = f"scripts/generate.py of kuaishou-ecommerce-claims {paths.version(root)}"
    return (f"\n[tool.kuaishou-ecommerce-claims.{paths.CORPUS}]\n# written by the generator: what this corpus is\n"
            f"docs = {docs}\nseed = {seed}\nfirst = {first}\ngenerator = {json.dumps(generator)}\n")


def invented_entities() -> list[dict]:
    """Registry entries of the companies the generator invents: every generated figure of theirs is made up."""
    return [{"id": k, "name": name, "en": en, "type": "organization", "aliases": [name],
             "description": "A company invented by the generator (scripts/benchmark/generator/templates.py); no fact is about it."}
            for k, (name, en) in T.INVENTED_COMPANIES.items()]


def _events(root: Path, tellings: dict[str, list[dict]]) -> list[dict]:
    """The seed events that generated documents tell, with those tellings as their only evidence."""
    out = []
    for ev in yaml.safe_load((root / "seeds" / "annotations" / "events.yaml").read_text(encoding="utf-8")):
        if ev["id"] in tellings:
            keep = {k: v for k, v in ev.items() if k not in ("evidence", "note", "location")}
            out.append(keep | {"evidence": tellings[ev["id"]]})
    return out


def generate(out: Path, docs: int, seed: int, root: Path, first: int = 100) -> list[str]:
    """Write `docs` generated documents numbered from `first` into `out`; returns their ids."""
    mat = load(root)
    seeds = out / "seeds"
    # nothing is removed here: scripts/generate.py clears what an earlier run wrote (generator/target.py)
    (seeds / "annotations").mkdir(parents=True, exist_ok=True)
    (seeds / "reference").mkdir(exist_ok=True)
    (out / "pyproject.toml").write_text(without_splits((root / "pyproject.toml").read_text(encoding="utf-8"))
                                        + _corpus_section(docs, seed, first, root), encoding="utf-8")
    (seeds / "annotations" / "entities.yaml").write_text(
        (root / "seeds" / "annotations" / "entities.yaml").read_text(encoding="utf-8") + _dump(invented_entities()),
        encoding="utf-8")
    shutil.copyfile(root / "seeds" / "reference" / "facts.yaml", seeds / "reference" / "facts.yaml")
    gaps = yaml.safe_load((root / "seeds" / "reference" / "gaps.yaml").read_text(encoding="utf-8"))
    (seeds / "reference" / "gaps.yaml").write_text(_dump([{k: v for k, v in g.items() if k != "claims"} for g in gaps]),
                                                   encoding="utf-8")
    entries, ids = [], []
    tellings: dict[str, list[dict]] = {}
    with (seeds / "annotations" / ANNOTATIONS).open("w", encoding="utf-8") as lines:
        for number in range(first, first + docs):
            did, doc, entry = compose(mat, seed, number)
            text = doc.text
            (seeds / f"{did}.txt").write_bytes(text.encode("utf-8"))
            lines.write(json.dumps(doc.annotations(did), ensure_ascii=False, separators=(",", ":")) + "\n")
            for ev in doc.events:
                item = {"doc": did, "quote": ev["quote"], "date": ev["date"]}
                occ = occurrence(text, ev["quote"], ev["_start"])
                if occ is not None:
                    item["occurrence"] = occ
                tellings.setdefault(ev["event_id"], []).append(item)
            entries.append(entry)
            ids.append(did)
    (seeds / "sources.yaml").write_text("# Generated documents (scripts/generate.py); see each reference_date_basis.\n"
                                        + _dump(entries), encoding="utf-8")
    (seeds / "annotations" / "events.yaml").write_text(_dump(_events(root, tellings)), encoding="utf-8")
    return ids
