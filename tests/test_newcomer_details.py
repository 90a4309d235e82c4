"""Smaller things a newcomer met (issue 31 item 9): a per-type F1 only for a type the split has, diff covers the
generated splits, dataset_info for every config."""
import pyarrow.parquet as pq
import yaml
from conftest import ROOT

import schema
from scripts import diff
from scripts.evaluate import evaluate, score_noise


def test_no_per_type_f1_for_a_type_absent_from_the_split(release):
    gold = pq.read_table(release / "noise_detection.parquet").to_pylist()
    only = [dict(g, targets=[t for t in g["targets"] if t["noise_type"] == "page_furniture"]) for g in gold]
    preds = [{"doc_id": g["doc_id"], "char_start": t["char_start"], "char_end": t["char_end"], "noise_type": t["noise_type"]}
             for g in only for t in g["targets"]]
    m = score_noise(preds, only)
    assert [k for k in m if k.endswith("_f1") and k.split("_f1")[0] in schema.load().vocab["noise_type"]] == ["page_furniture_f1"]
    assert m["page_furniture_f1"] == 1.0
    full = evaluate("noise_detection", preds, release)  # the test split has every type: each gets its F1, with an interval
    present = {t["noise_type"] for g in gold for t in g["targets"]}
    assert {k for k in full if k.removesuffix("_f1") in schema.load().vocab["noise_type"]} == {f"{t}_f1" for t in present}
    assert full["boilerplate_f1"] == 0.0 and "boilerplate_f1" in full["ci95"]


def test_diff_compares_the_generated_splits(release):
    old = ROOT / "dataset" / "v0.9.0"
    d = diff.diff(old, release)
    splits = [k for k in d if " (" in k]
    assert splits == [f"{n} ({s})" for s, names in schema.generated_splits().items() for n in names]
    train = d["verification (train)"]
    ids_old = {r["claim_id"] for r in pq.read_table(old / "train" / "verification.parquet").to_pylist()}
    ids_new = {r["claim_id"] for r in pq.read_table(release / "train" / "verification.parquet").to_pylist()}
    assert set(train["added"]) == ids_new - ids_old and set(train["removed"]) == ids_old - ids_new
    assert "verification (train):" in diff.report(d, old, release)
    assert d["verification (train)"] != diff.diff(release, release)["verification (train)"]


def test_dataset_info_covers_every_config():
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    head = yaml.safe_load(card.split("---\n")[1])
    assert [i["config_name"] for i in head["dataset_info"]] == [c["config_name"] for c in head["configs"]] == schema.table_names()
    claims = next(i for i in head["dataset_info"] if i["config_name"] == "claims")
    assert {"name": "unit", "dtype": "string"} in claims["features"]
