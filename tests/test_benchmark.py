"""Benchmark tasks: loadable configs, the scorer's contract, baselines."""
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

from scripts.evaluate import PredictionError, evaluate


@pytest.fixture(scope="module")
def gold(release):
    return {t: pq.read_table(release / f"{t}.parquet").to_pylist() for t in ("extraction", "verification", "noise_detection")}


@pytest.mark.parametrize("task, source, rows", [("extraction", "documents", 5), ("verification", "claims", 116),
                                                ("noise_detection", "documents", 5)])
def test_task_configs_load_as_test_splits(release, task, source, rows):
    import datasets
    ds = datasets.load_dataset(str(ROOT / "dataset"), task, split="test")
    assert ds.num_rows == rows == pq.ParquetFile(release / f"{source}.parquet").metadata.num_rows
    if task == "extraction":
        assert sum(len(r["targets"]) for r in ds) == pq.ParquetFile(release / "claims.parquet").metadata.num_rows
    if task == "noise_detection":
        assert sum(len(r["targets"]) for r in ds) == pq.ParquetFile(release / "noise.parquet").metadata.num_rows


def gold_predictions(task, gold):
    if task == "verification":
        return [{"claim_id": r["claim_id"], "verdict": r["label"]} for r in gold[task]]
    out = []
    for r in gold[task]:
        for t in r["targets"]:
            p = {"doc_id": r["doc_id"], "char_start": t["char_start"], "char_end": t["char_end"]}
            if task == "extraction":
                p.update(value=t["value"], unit=t["unit"],
                         period_start=str(t["period_start"]) if t["period_start"] else None,
                         period_end=str(t["period_end"]) if t["period_end"] else None)
            else:
                p["noise_type"] = t["noise_type"]
            out.append(p)
    return out


@pytest.mark.parametrize("task", ["extraction", "verification", "noise_detection"])
def test_gold_scores_exactly_one(release, gold, task):
    m = evaluate(task, gold_predictions(task, gold), release)
    headline = {"extraction": ["span_precision", "span_recall", "span_f1", "value_accuracy", "unit_accuracy", "period_accuracy"],
                "verification": ["accuracy", "macro_f1", "supported_f1", "refuted_f1", "not_enough_info_f1"],
                "noise_detection": ["span_precision", "span_recall", "span_f1"]}[task]
    assert all(m[k] == 1.0 for k in headline), m
    if task == "noise_detection":
        types = {t["noise_type"] for r in gold[task] for t in r["targets"]}
        assert all(m[f"{t}_f1"] == 1.0 for t in types)


@pytest.mark.parametrize("task", ["extraction", "noise_detection"])
def test_empty_predictions_recall_nothing(release, task):
    m = evaluate(task, [], release)
    assert m["span_recall"] == 0.0 and m["span_precision"] == 0.0 and m["n_predictions"] == 0


def test_hand_made_extraction_file(release, gold):
    doc = gold["extraction"][4]  # doc 004: 18 targets
    t = {x["claim_id"]: x for x in doc["targets"]}
    d = doc["doc_id"]
    preds = [
        # exact span, right value, unit and period
        {"doc_id": d, "char_start": t["004-c14"]["char_start"], "char_end": t["004-c14"]["char_end"], "value": 5.96e10,
         "unit": "CNY", "period_start": "2019-01-01", "period_end": "2019-12-31"},
        # overlapping span, value off by 10%, period missing
        {"doc_id": d, "char_start": t["004-c15"]["char_start"] + 1, "char_end": t["004-c15"]["char_end"] + 3, "value": 4.2e11,
         "unit": "CNY", "period_start": None, "period_end": None},
        # a second prediction on the same target: nothing left for it
        {"doc_id": d, "char_start": t["004-c14"]["char_start"], "char_end": t["004-c14"]["char_end"], "value": 5.96e10,
         "unit": "CNY", "period_start": None, "period_end": None},
        # no target there
        {"doc_id": d, "char_start": 0, "char_end": 4, "value": 100.0, "unit": "count", "period_start": None, "period_end": None},
    ]
    m = evaluate("extraction", preds, release)
    # on paper: 2 of 4 predictions match, of 116 targets; of the 2 matches, 1 value right, 2 units right, 1 period right
    assert m["span_precision"] == 0.5 and m["span_recall"] == round(2 / 116, 6)
    assert m["span_f1"] == round(2 * 0.5 * (2 / 116) / (0.5 + 2 / 116), 6)
    assert (m["value_accuracy"], m["unit_accuracy"], m["period_accuracy"]) == (0.5, 1.0, 0.5)


def test_hand_made_verification_file(release, gold):
    labels = {r["claim_id"]: r["label"] for r in gold["verification"]}
    preds = [{"claim_id": "000-c04", "verdict": "refuted"}, {"claim_id": "000-c12", "verdict": "refuted"},
             {"claim_id": "003-c08", "verdict": "not_enough_info"}]
    assert (labels["000-c04"], labels["000-c12"], labels["003-c08"]) == ("refuted", "supported", "not_enough_info")
    m = evaluate("verification", preds, release)
    assert m["accuracy"] == round(2 / 116, 6)  # unanswered claims count as wrong
    assert m["refuted_precision"] == 0.5 and m["refuted_recall"] == 0.25  # 1 of 2 refuted predictions right; 4 refuted claims
    assert m["supported_recall"] == 0.0 and m["not_enough_info_precision"] == 1.0


@pytest.mark.parametrize("task, line, reason", [
    ("extraction", "{not json", "not JSON"),
    ("extraction", '{"doc_id": "nope", "char_start": 0, "char_end": 3, "value": 1, "unit": "CNY", "period_start": null, "period_end": null}', "unknown doc_id"),
    ("extraction", '{"doc_id": "004_54b17cd3334fa9d2", "char_start": 0, "char_end": 99999, "value": 1, "unit": "CNY", "period_start": null, "period_end": null}', "outside the text"),
    ("extraction", '{"doc_id": "004_54b17cd3334fa9d2", "char_start": 0, "char_end": 3, "value": 1, "unit": "USD", "period_start": null, "period_end": null}', "unknown unit"),
    ("extraction", '{"doc_id": "004_54b17cd3334fa9d2", "char_start": 0, "char_end": 3, "unit": "CNY", "period_start": null, "period_end": null}', "missing field 'value'"),
    ("verification", '{"claim_id": "000-c99", "verdict": "supported"}', "unknown claim_id"),
    ("verification", '{"claim_id": "000-c01", "verdict": "true"}', "unknown verdict"),
    ("noise_detection", '{"doc_id": "000_7c51db7d224d44d0", "char_start": 0, "char_end": 5, "noise_type": "spam"}', "unknown noise_type"),
    ("noise_detection", '[1, 2]', "a prediction is a JSON object"),
])
def test_malformed_predictions_exit_nonzero_naming_the_line(tmp_path, task, line, reason):
    f = tmp_path / "preds.jsonl"
    f.write_text('{"claim_id": "000-c01", "verdict": "refuted"}\n' + line + "\n" if task == "verification" else "\n" + line + "\n",
                 encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "scripts.evaluate", "--task", task, "--predictions", str(f)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and f"{f}:2: " in r.stderr and reason in r.stderr, r.stderr
    assert r.stdout == ""


def test_cli_prints_one_json_object(tmp_path, gold):
    f = tmp_path / "p.jsonl"
    f.write_text("".join(json.dumps(p) + "\n" for p in gold_predictions("verification", gold)), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "scripts.evaluate", "--task", "verification", "--predictions", str(f)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["accuracy"] == 1.0


def test_baselines_are_in_the_card_and_datasheet(release):
    from scripts import baselines
    t = baselines.table(baselines.run_all(release))
    assert t in (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert t in (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    with pytest.raises(PredictionError):
        evaluate("verification", ["oops"], release)
