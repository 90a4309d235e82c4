"""Generate a corpus of noisy documents: `python -m scripts.generate --docs N --seed S --out DIR`.

Writes a project-shaped folder (pyproject.toml, seeds/ with the documents, sources.yaml and
their annotations) that `python -m scripts.build --root DIR` builds into DIR/dataset/. The
documents are composed from this project's reference facts, entities and the generator's own
templates (no text of the five seed documents), with invented companies and figures beside the
facts and the noise kinds the five sources show; every gold span is the inserted text itself. Same seed, same size -> byte-identical folder.

DIR must be new, empty, or a corpus this command wrote (it keeps a list of its files in
.kec-generated.json and a rerun replaces only those); --force writes into another folder
without removing anything. A folder holding this project's own seeds is always refused."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from scripts import cli


def main(argv: list[str] | None = None) -> int:
    ap = cli.Parser(prog="generate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, required=True, help="number of documents (at least 1)")
    ap.add_argument("--seed", type=int, required=True, help="random seed: the same seed writes the same bytes")
    ap.add_argument("--out", type=Path, required=True,
                    help="folder to write: new, empty, or written by generate before (its files are replaced)")
    ap.add_argument("--force", action="store_true",
                    help="write into a non-empty folder generate did not write (nothing in it is removed)")
    ap.add_argument("--first", type=int, default=100,
                    help="number of the first document (ids <number>_<hash>; default 100, clear of the seeds' 000-004)")
    args = ap.parse_args(argv)
    if args.docs < 1 or args.first < 0:
        ap.error("--docs must be at least 1 and --first not negative")
    # imports after parsing: --help and a mistake answer at once
    from scripts import paths
    from scripts.benchmark.generator import target
    from scripts.benchmark.generator.project import generate

    out: Path = args.out
    try:
        target.prepare(out, paths.ROOT, args.force)
        out.mkdir(parents=True, exist_ok=True)
    except (target.TargetError, OSError) as e:
        ap.exit(2, f"{ap.prog}: {e}\n")
    before = {p for p in out.rglob("*") if p.is_file()}
    t = time.perf_counter()
    ids = generate(out.resolve(), args.docs, args.seed, paths.ROOT, args.first)
    target.mark(out, before)
    print(f"wrote {len(ids)} documents to {out} in {time.perf_counter() - t:.1f}s "
          f"(build it: python -m scripts.build --root {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
