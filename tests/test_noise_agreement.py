"""The independent noise pass (seeds/annotations/second_pass/noise/, marked from the raw texts and
GUIDELINES.md only) against the release's noise rows, after reconciliation (RECONCILIATION.md, *Noise*)."""
import re

import pyarrow.parquet as pq

from scripts import paths
from scripts.inputs.agreement import load_noise_pass, noise_agreement

PASS = paths.ROOT / "seeds" / "annotations" / "second_pass" / "noise"
RECONCILIATION = paths.ROOT / "seeds" / "annotations" / "second_pass" / "RECONCILIATION.md"
KEY = re.compile(r"`(\d{3}:\d+-\d+|\d{3}-n\d{2,3})`")


def _section(title: str) -> set[str]:
    """Span keys (`doc:start-end` of a second-pass span, or a release noise_id) listed under a ### heading
    of the noise section."""
    text = RECONCILIATION.read_text(encoding="utf-8").split("## Noise (v0.11.0)", 1)[1]
    part = text.split(f"### {title}", 1)[1].split("\n### ", 1)[0]
    return set(KEY.findall(part))


def _key(r: dict) -> str:
    return f"{r['doc'][:3]}:{r['char_start']}-{r['char_end']}"


def _agreement(release):
    return noise_agreement(pq.read_table(release / "noise.parquet").to_pylist(), load_noise_pass(PASS))


def test_noise_pass_rows_point_at_their_quotes():
    second = load_noise_pass(PASS)
    assert sorted(second) == sorted(p.stem for p in (paths.ROOT / "seeds").glob("*.txt"))
    for doc_id, rows in second.items():
        text = (paths.ROOT / "seeds" / f"{doc_id}.txt").read_text(encoding="utf-8")
        for r in rows:
            assert text[r["char_start"]:r["char_end"]] == r["quote"], (doc_id, r["quote"])
    assert sum(len(rows) for rows in second.values()) == 195


def test_noise_agreement_after_reconciliation(release):
    t = _agreement(release)["total"]
    assert t["f1"] >= 0.85
    # before: 0.708 against v0.10.0, 0.882 against this pass before reconciliation
    assert (t["release"], t["second"], t["precision"], t["recall"], t["f1"], t["type_agreement"]) == \
        (196, 195, 0.979, 0.913, 0.945, 0.911)


def test_every_noise_disagreement_is_resolved_in_the_reconciliation(release):
    a = _agreement(release)
    left = ({_key(r) for r in a["unmatched_second"]} | {n["noise_id"] for n in a["unmatched_release"]}
            | {_key(r) for r, _ in a["type_differs"]})
    kept = _section("Kept, with the reason")
    assert left - kept == set(), "disagreements not settled in RECONCILIATION.md"
    assert kept - left == set(), "listed as kept but no longer a disagreement"
    # what was taken from the second pass is in the release now, with the second pass's type
    taken = _section("Took the second reading")
    second = {_key(r): r for rows in load_noise_pass(PASS).values() for r in rows}
    disagreeing = {_key(r) for r in a["unmatched_second"]} | {_key(r) for r, _ in a["type_differs"]}
    assert len(taken) == 31 and taken <= set(second) and not taken & disagreeing


def test_gold_noise_spans_of_one_type_never_overlap(release):
    # the noise_detection submission contract refuses overlapping spans of one type; the gold keeps to it too
    rows = sorted(pq.read_table(release / "noise.parquet").to_pylist(),
                  key=lambda n: (n["doc_id"], n["noise_type"], n["char_start"]))
    clashes, reach = [], {}  # (doc, type) -> the row reaching furthest so far
    for n in rows:
        k = (n["doc_id"], n["noise_type"])
        if k in reach and n["char_start"] < reach[k]["char_end"]:
            clashes.append((reach[k]["noise_id"], n["noise_id"]))
        if k not in reach or n["char_end"] > reach[k]["char_end"]:
            reach[k] = n
    assert clashes == []
