"""How much of the test set (the five seed documents) the generated splits contain: every
12-character run of a test text that also occurs in a generated text, and every test noise span
of 6+ characters that reappears there. Proper names in the reviewed allow-list (the entity
registry's names and aliases, ALLOWED below) may be shared; anything else is test text a model
would train on. Used by `scripts.validate` (scripts/release/splits.py) and tests/test_leak.py."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

RUN = 12          # characters: a shared run this long is copied text, not a shared word
NOISE_RUN = 6     # a test noise span this long must not reappear at all
MAX_SHARE = 0.005  # acceptance line of issue 24: covered share of test characters
# reviewed by hand: proper names (beyond the entity registry) a generated page may write in full
ALLOWED: tuple[str, ...] = ()


@dataclass
class Report:
    test_chars: int
    covered: int                       # test characters inside some shared run
    covered_allowed: int               # of which inside allow-listed runs only
    runs: list[tuple[str, str]] = field(default_factory=list)   # (doc_id, run) not allow-listed, text order
    noise: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, noise quote) found in generated text

    @property
    def share(self) -> float:
        return self.covered / self.test_chars if self.test_chars else 0.0

    @property
    def clean(self) -> bool:
        return not self.runs and not self.noise and self.share <= MAX_SHARE

    def summary(self, first: int = 5) -> str:
        return (f"{self.share:.2%} of {self.test_chars} test characters lie in {RUN}-character runs found in the "
                f"generated splits ({self.covered_allowed} in allow-listed names); {len(self.runs)} runs outside "
                f"the allow-list, e.g. {[r for _, r in self.runs[:first]]}; {len(self.noise)} test noise spans of "
                f"{NOISE_RUN}+ characters reappear, e.g. {[q for _, q in self.noise[:first]]}")


def _merged_runs(text: str, starts: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s in starts:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], s + RUN))
        else:
            out.append((s, s + RUN))
    return out


def measure(test: dict[str, str], generated: Iterable[str], test_noise: Iterable[tuple[str, str]] = (),
            allowed: Iterable[str] = ()) -> Report:
    """test: doc_id -> text; generated: the generated texts; test_noise: (doc_id, quote) of the test noise;
    allowed: names that may be shared (a run inside one of them is excused)."""
    grams: dict[str, list[tuple[str, int]]] = {}
    for did, text in test.items():
        for i in range(len(text) - RUN + 1):
            grams.setdefault(text[i:i + RUN], []).append((did, i))
    names = sorted({a for a in (*allowed, *ALLOWED) if len(a) >= RUN})
    noise = [(d, q) for d, q in test_noise if len(q.strip()) >= NOISE_RUN]
    hit: set[str] = set()
    found_noise: set[tuple[str, str]] = set()
    gens = list(generated)
    for g in gens:
        for i in range(len(g) - RUN + 1):
            w = g[i:i + RUN]
            if w in grams:
                hit.add(w)
    for d, q in noise:
        if any(q.strip() in g for g in gens):
            found_noise.add((d, q))
    starts: dict[str, list[int]] = {}
    for w in hit:
        for did, i in grams[w]:
            starts.setdefault(did, []).append(i)
    covered = allowed_chars = 0
    runs = []
    for did in sorted(starts):
        text = test[did]
        for s, e in _merged_runs(text, sorted(starts[did])):
            covered += e - s
            run = text[s:e]
            if any(run in n for n in names):
                allowed_chars += e - s
            else:
                runs.append((did, run))
    return Report(sum(len(t) for t in test.values()), covered, allowed_chars, runs,
                  sorted(found_noise, key=lambda x: (x[0], x[1])))


def allowed_names(entities: list[dict]) -> list[str]:
    """The entity registry's canonical names and aliases (entities table rows)."""
    out = []
    for e in entities:
        out.append(e["canonical_name"])
        out += list(e.get("aliases") or [])
    return out


def measure_release(release) -> Report:
    """The release's test documents and noise against its generated splits' texts."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - only the command line reads files

    test = {r["doc_id"]: r["text"] for r in pq.read_table(release / "documents.parquet").to_pylist()}
    gen = [t for split in ("train", "validation")
           for t in pq.read_table(release / split / "extraction.parquet").column("text").to_pylist()]
    noise = [(r["doc_id"], r["quote"]) for r in pq.read_table(release / "noise.parquet").to_pylist()]
    return measure(test, gen, noise, allowed_names(pq.read_table(release / "entities.parquet").to_pylist()))


def main(argv: list[str] | None = None) -> int:
    import argparse  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from scripts import paths  # noqa: PLC0415

    ap = argparse.ArgumentParser(description="Share of the test text found in the generated splits.")
    ap.add_argument("release", nargs="?", type=Path, default=None)
    rep = measure_release(paths.current_release(ap.parse_args(argv).release))
    print(rep.summary(10))
    return 0 if rep.clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
