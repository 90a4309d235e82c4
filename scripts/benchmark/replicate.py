"""A larger project made of the five seeds: `python -m scripts.benchmark.replicate --docs N --out DIR`.

Each extra document is a byte-exact copy of a seed under a new id, with the seed's
annotations and provenance: what a maintainer growing the corpus would feed the build,
so that `python -m scripts.build --root DIR` shows how the build scales (and where it breaks).
Ids take any number of digits and may be all digits (YAML must read them as strings)."""
from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

import yaml

from scripts import paths
from scripts.benchmark.generator.project import without_splits


def replica_id(number: int, source_id: str) -> str:
    return f"{number:03d}_{hashlib.sha256(f'{source_id}|{number}'.encode()).hexdigest()[:16]}"


def replicate(out: Path, docs: int, root: Path = paths.ROOT, ids: list[str] | None = None) -> list[str]:
    """Copy the project's inputs to `out` and add documents until there are `docs` of them
    (or add exactly `ids`). Returns the new document ids."""
    seeds = root / "seeds"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text(without_splits((root / "pyproject.toml").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copytree(seeds, out / "seeds", dirs_exist_ok=True)
    sources = yaml.safe_load((seeds / "sources.yaml").read_text(encoding="utf-8"))
    originals = sorted(s["doc_id"] for s in sources)
    by_id = {s["doc_id"]: s for s in sources}
    first = len(originals)
    new_ids = ids if ids is not None else [
        replica_id(n, originals[n % len(originals)]) for n in range(first, max(docs, first))]
    lines = [(seeds / "sources.yaml").read_text(encoding="utf-8").rstrip("\n")]
    for k, new in enumerate(new_ids):
        src = originals[k % len(originals)]
        shutil.copy2(seeds / f"{src}.txt", out / "seeds" / f"{new}.txt")
        ann = (seeds / "annotations" / f"{src}.yaml").read_text(encoding="utf-8")
        (out / "seeds" / "annotations" / f"{new}.yaml").write_text(
            ann.replace(f"doc_id: {src}", f'doc_id: "{new}"', 1), encoding="utf-8")
        entry = dict(by_id[src], doc_id=new)
        # quoted on write: an all-digit id must never be read back as a number
        lines.append(yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=1000, default_style=None)
                     .replace(f"doc_id: '{new}'", f'doc_id: "{new}"').replace(f"doc_id: {new}", f'doc_id: "{new}"').rstrip("\n"))
    (out / "seeds" / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # each copy tells of the same events as its seed (its dates are numbers the completeness scan expects)
    events = yaml.safe_load((seeds / "annotations" / "events.yaml").read_text(encoding="utf-8"))
    copies: dict[str, list[str]] = {}
    for k, new in enumerate(new_ids):
        copies.setdefault(originals[k % len(originals)], []).append(new)
    for ev in events:
        ev["evidence"] += [dict(e, doc=new) for e in ev["evidence"] for new in copies.get(e["doc"], [])]
    (out / "seeds" / "annotations" / "events.yaml").write_text(
        yaml.safe_dump(events, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return new_ids


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, required=True, help="documents in the new project (at least 5)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    new = replicate(args.out, args.docs)
    print(f"wrote {args.out} with {len(new)} replicated documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
