"""Benchmark tasks: loadable configs with ClassLabel vocabularies, the verification pool without the label leak,
the scorer's contract (exact, partial and typed spans, one to one; overlapping or repeated predictions refused),
the submission format and the baselines."""
import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT

import schema
from schema.hf import hf_features
from scripts import baselines
from scripts.benchmark import submission
from scripts.evaluate import PredictionError, evaluate, main, score
from scripts.tables import tasks

TASKS = ("extraction", "verification", "noise_detection")
DOC000, DOC001, DOC004 = "000_7c51db7d224d44d0", "001_35f7c8b8a9798a98", "004_54b17cd3334fa9d2"


@pytest.fixture(scope="module")
def gold(release):
    return {t: pq.read_table(release / f"{t}.parquet").to_pylist() for t in TASKS}


def run(argv, capsys):
    """The scorer's CLI in process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# --- the configs -------------------------------------------------------------------------------

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


def test_vocabulary_columns_load_as_class_labels(release, gold):
    import datasets
    vocab = schema.load().vocab
    ver = datasets.load_dataset(str(ROOT / "dataset"), "verification", split="test")
    assert ver.features["label"].names == list(vocab["verdict"]) == ["supported", "refuted", "not_enough_info"]
    assert [ver.features["label"].int2str(x) for x in ver["label"]] == [r["label"] for r in gold["verification"]]
    assert ver.features["evidence_pool"].feature["source_tier"].names == list(vocab["source_tier"])
    ext = datasets.load_dataset(str(ROOT / "dataset"), "extraction", split="test")
    target = ext.features["targets"].feature
    assert (target["unit"].names, target["bound"].names, target["metric"].names) == (
        list(vocab["unit"]), list(vocab["bound"]), list(vocab["metric"]))
    noise = datasets.load_dataset(str(ROOT / "dataset"), "noise_detection", split="test")
    assert noise.features["targets"].feature["noise_type"].names == list(vocab["noise_type"])
    first = gold["noise_detection"][0]["targets"][0]["noise_type"]
    assert noise.features["targets"].feature["noise_type"].int2str(noise[0]["targets"][0]["noise_type"]) == first


def test_card_dataset_info_declares_the_class_labels():
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    head = yaml.safe_load(card.split("---\n")[1])
    infos = {i["config_name"]: i for i in head["dataset_info"]}
    assert set(infos) == set(schema.table_names())  # every config; the task configs with ClassLabel
    label = next(f for f in infos["verification"]["features"] if f["name"] == "label")
    assert label["dtype"]["class_label"]["names"] == {"0": "supported", "1": "refuted", "2": "not_enough_info"}
    assert all(str(hf_features(t)) for t in TASKS)


# --- verification: a candidate pool for every claim, the gold apart --------------------------------

def test_every_claim_has_a_pool_of_the_same_size_holding_its_gold_facts(gold, release):
    rows = gold["verification"]
    n_facts = pq.ParquetFile(release / "reference_facts.parquet").metadata.num_rows
    assert {len(r["evidence_pool"]) for r in rows} == {min(tasks.POOL_SIZE, n_facts)} == {12}
    for r in rows:
        pool = [e["fact_id"] for e in r["evidence_pool"]]
        assert len(set(pool)) == len(pool) and set(r["evidence_fact_ids"]) <= set(pool), r["claim_id"]
        assert bool(r["evidence_fact_ids"]) == (r["label"] != "not_enough_info")
    assert sum(1 for r in rows if r["label"] != "not_enough_info") == 37  # 34 supported + 3 refuted (v0.13.0, knowable at writing)


def test_on_the_test_split_the_pool_is_pure_retrieval(release):
    """No gold fact had to be forced into its pool, so the pool's composition does not hint at the gold either."""
    t = {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in ("documents", "claims", "reference_facts", "verification")}
    index = tasks.FactIndex(t["reference_facts"])
    dates = {d["doc_id"]: d["reference_date"] for d in t["documents"]}
    stored = {r["claim_id"]: [e["fact_id"] for e in r["evidence_pool"]] for r in t["verification"]}
    for c in t["claims"]:
        assert tasks.evidence_pool(c, dates[c["doc_id"]], index, gold=[]) == stored[c["claim_id"]], c["claim_id"]
    # e.g. 001-c19, a revenue share, rests on revenue facts: same subject, another metric, still in the pool
    assert {"f_rev_q3_2021", "f_rev_q3_2021_oms"} <= set(stored["001-c19"])


def test_empty_pool_heuristic_is_no_better_than_the_majority_class(release, gold):
    rows = gold["verification"]
    empty = evaluate("verification", baselines.verification_empty_pool(rows), release)
    majority = evaluate("verification", baselines.verification_majority(rows), release)
    assert empty["macro_f1"] <= majority["macro_f1"]
    # by hand: every pool is full, so the heuristic answers supported everywhere. 24 of the 113 claims are
    # supported: supported F1 = 2*24/(113 + 24), the other two 0, macro = 48/137/3 = 0.117.
    # Majority (not_enough_info, 85 claims): NEI F1 = 2*85/(113 + 85), macro = 170/198/3 = 0.286.
    # (v0.7.0, evidence only for decided claims: 0.635 against 0.296.)
    # v0.11.0: 24 of 116 supported (48/140/3), 89 not_enough_info (178/205/3)
    # v0.12.0 (new facts decide 000-c06, 000-c14, 001-c08, 001-c09, 002-c01; known_from 001-c20..c23): 33 supported
    # (66/149/3), 80 not_enough_info (160/196/3)
    # v0.13.0 (f_live_commerce_2021_forecast_kpmg decides 004-c04): 34 supported (68/150/3), 79 not_enough_info (158/195/3)
    assert (empty["macro_f1"], majority["macro_f1"]) == (round(68 / 150 / 3, 6), round(158 / 195 / 3, 6))


def test_gold_fact_ids_are_not_an_input_column():
    cols = schema.load().tables["verification"].column_names
    assert cols[-2:] == ["label", "evidence_fact_ids"] and "fact_ids" not in cols and "evidence" not in cols


# --- the scorer ------------------------------------------------------------------------------------

def gold_predictions(task, gold):
    if task == "verification":
        return [{"claim_id": r["claim_id"], "verdict": r["label"]} for r in gold[task]]
    out = []
    for r in gold[task]:
        for t in r["targets"]:
            p = {"doc_id": r["doc_id"], "char_start": t["char_start"], "char_end": t["char_end"]}
            if task == "extraction":
                p.update(value=t["value"], unit=t["unit"], metric=t["metric"], bound=t["bound"],
                         period_start=str(t["period_start"]) if t["period_start"] else None,
                         period_end=str(t["period_end"]) if t["period_end"] else None)
            else:
                p["noise_type"] = t["noise_type"]
            out.append(p)
    return out


HEADLINE = {"extraction": ["span_precision", "span_recall", "span_f1", "partial_precision", "partial_recall", "partial_f1",
                           "typed_precision", "typed_recall", "typed_f1", "value_accuracy", "unit_accuracy", "period_accuracy",
                           "metric_accuracy", "bound_accuracy"],
            "verification": ["accuracy", "macro_f1", "supported_f1", "refuted_f1", "not_enough_info_f1"],
            "noise_detection": ["span_precision", "span_recall", "span_f1", "partial_precision", "partial_recall", "partial_f1",
                                "typed_precision", "typed_recall", "typed_f1"]}


@pytest.mark.parametrize("task", TASKS)
def test_gold_scores_exactly_one(release, gold, task):
    m = evaluate(task, gold_predictions(task, gold), release)
    assert all(m[k] == 1.0 for k in HEADLINE[task]), m
    if task == "noise_detection":
        types = {t["noise_type"] for r in gold[task] for t in r["targets"]}
        assert all(m[f"{t}_f1"] == 1.0 for t in types)


@pytest.mark.parametrize("task", ["extraction", "noise_detection"])
def test_one_character_per_gold_span_scores_exact_f1_zero(release, gold, task):
    preds = [dict(p, char_end=p["char_start"] + 1) for p in gold_predictions(task, gold)]
    if task == "noise_detection":  # nested gold layers share a first character: keep one prediction per start and type
        preds = list({(p["doc_id"], p["char_start"], p["noise_type"]): p for p in preds}.values())
    m = evaluate(task, preds, release)
    assert m["span_f1"] == m["span_precision"] == m["typed_f1"] == 0.0 and m["n_predictions"] > 80
    # partial credit goes only where a gold span is 2 characters long (IoU of 1 character with it: exactly 1/2)
    two = sum(1 for r in gold[task] for t in r["targets"] if t["char_end"] - t["char_start"] == 2)
    assert m["partial_precision"] <= round(two / m["n_predictions"], 6)
    if task == "extraction":
        assert m["partial_recall"] == round(two / m["n_targets"], 6)


def test_whole_document_noise_spans_score_exact_precision_zero(release, gold):
    kinds = schema.load().terms("noise_type")
    preds = [{"doc_id": r["doc_id"], "char_start": 0, "char_end": len(r["text"]), "noise_type": k}
             for r in gold["noise_detection"] for k in kinds]  # one per type: different types may nest
    m = evaluate("noise_detection", preds, release)
    assert m["n_predictions"] == 5 * len(kinds) == 60
    assert m["span_precision"] == m["partial_precision"] == m["typed_precision"] == 0.0


def test_hand_made_extraction_file(release, gold, tmp_path, capsys):
    t = {x["claim_id"]: x for x in gold["extraction"][4]["targets"]}
    assert gold["extraction"][4]["doc_id"] == DOC004
    assert [(t[c]["char_start"], t[c]["char_end"], t[c]["quote"]) for c in ("004-c13", "004-c14", "004-c15", "004-c16")] == [
        (1647, 1651, "不到1亿"), (1659, 1663, "596亿"), (1672, 1677, "3812亿"), (1691, 1697, "近4000倍")]
    n = dict(doc_id=DOC004, period_start=None, period_end=None)
    preds = [
        # P1 = 004-c14 exactly, every field right
        {**n, "char_start": 1659, "char_end": 1663, "value": 5.96e10, "unit": "CNY", "period_start": "2019-01-01",
         "period_end": "2019-12-31", "metric": "gmv", "bound": "exact"},
        # P2 = "812亿" inside 004-c15 "3812亿": IoU 4/5
        {**n, "char_start": 1673, "char_end": 1677, "value": 8.12e10, "unit": "CNY"},
        # P3 = "不", the first character of 004-c13 "不到1亿": IoU 1/4
        {**n, "char_start": 1647, "char_end": 1648, "value": 1.0, "unit": "count"},
        # P4 = 004-c16 exactly, but value 400 (gold 4000), bound exact (gold approx), no metric; period 2018-2020 is right
        {**n, "char_start": 1691, "char_end": 1697, "value": 400.0, "unit": "times", "bound": "exact",
         "period_start": "2018-01-01", "period_end": "2020-12-31"},
        # P5 = "1亿" of 004-c13: IoU 3/4 (P3 ends where it starts: no overlap)
        {**n, "char_start": 1648, "char_end": 1651, "value": 1e9, "unit": "CNY"},
        # P6: no target there
        {**n, "char_start": 0, "char_end": 4, "value": 100.0, "unit": "count"},
    ]
    f = tmp_path / "p.jsonl"
    f.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8")
    code, out, _ = run(["--task", "extraction", "--predictions", f], capsys)
    m = json.loads(out)
    # on paper, 6 predictions, 116 targets, and F1 = 2*matches/(6 + 116):
    # exact: P1, P4 -> 2: precision 2/6, recall 2/116, F1 4/122
    # partial (IoU >= 1/2, one to one): P1 (1), P4 (1), P2 (4/5), P5 (3/4) -> 4: precision 4/6, recall 4/116, F1 8/122
    # typed (exact, value within 0.5% and same unit): P1 only (P4 says 400) -> 1: precision 1/6, recall 1/116, F1 2/122
    # fields over the 2 exact matches: value 1/2, unit 2/2, period 2/2 (2019; 2018-2020), metric 1/2, bound 1/2
    assert code == 0 and m["n_predictions"] == 6 and m["n_targets"] == 116
    assert (m["span_precision"], m["span_recall"], m["span_f1"]) == (round(2 / 6, 6), round(2 / 116, 6), round(4 / 122, 6))
    assert (m["partial_precision"], m["partial_recall"], m["partial_f1"]) == (round(4 / 6, 6), round(4 / 116, 6), round(8 / 122, 6))
    assert (m["typed_precision"], m["typed_recall"], m["typed_f1"]) == (round(1 / 6, 6), round(1 / 116, 6), round(2 / 122, 6))
    assert [m[f"{k}_accuracy"] for k in ("value", "unit", "period", "metric", "bound")] == [0.5, 1.0, 1.0, 0.5, 0.5]


def test_hand_made_noise_file(release, gold):
    n_gold = sum(len(r["targets"]) for r in gold["noise_detection"])
    spans = {(r["doc_id"], t["char_start"], t["char_end"], t["noise_type"]) for r in gold["noise_detection"] for t in r["targets"]}
    assert {(DOC000, 0, 15, "seo_spam"), (DOC000, 97, 101, "synonym_substitution"), (DOC000, 97, 110, "antonym_substitution"),
            (DOC001, 5960, 6001, "page_furniture"), (DOC001, 5960, 6001, "date_mismatch")} <= spans and n_gold == 196
    preds = [
        {"doc_id": DOC000, "char_start": 97, "char_end": 110, "noise_type": "antonym_substitution"},  # Q1 exact, typed
        {"doc_id": DOC000, "char_start": 97, "char_end": 101, "noise_type": "typo"},  # Q2 exact (synonym_substitution there)
        {"doc_id": DOC001, "char_start": 5960, "char_end": 6001, "noise_type": "page_furniture"},  # Q3 exact, typed
        {"doc_id": DOC001, "char_start": 5960, "char_end": 6001, "noise_type": "date_mismatch"},  # Q4 the other layer: exact, typed
        {"doc_id": DOC000, "char_start": 0, "char_end": 14, "noise_type": "seo_spam"},  # Q5 IoU 14/15 with [0:15]
    ]
    m = evaluate("noise_detection", preds, release)
    # 5 predictions, 196 targets, F1 = 2*matches/(5 + 196):
    # exact Q1-Q4 = 4 (the two gold layers at [5960:6001] are two targets): precision 4/5, recall 4/196, F1 8/201
    # partial Q1-Q5 = 5 (Q1 and Q2 each have IoU 1 with their own span, 4/13 with the other): 1, 5/196, 10/201
    # typed Q1, Q3, Q4 = 3: 3/5, 3/196, 6/201; typo_f1 = 0 (one prediction, no typo there)
    assert (m["span_precision"], m["span_recall"], m["span_f1"]) == (0.8, round(4 / 196, 6), round(8 / 201, 6))
    assert (m["partial_precision"], m["partial_recall"], m["partial_f1"]) == (1.0, round(5 / 196, 6), round(10 / 201, 6))
    assert (m["typed_precision"], m["typed_recall"], m["typed_f1"]) == (0.6, round(3 / 196, 6), round(6 / 201, 6))
    assert m["typo_f1"] == 0.0


def test_hand_made_verification_file(release, gold):
    labels = {r["claim_id"]: r["label"] for r in gold["verification"]}
    preds = [{"claim_id": "000-c04", "verdict": "refuted"}, {"claim_id": "000-c12", "verdict": "refuted"},
             {"claim_id": "003-c08", "verdict": "not_enough_info"}]
    assert (labels["000-c04"], labels["000-c12"], labels["003-c08"]) == ("refuted", "supported", "not_enough_info")
    m = evaluate("verification", preds, release)
    assert m["accuracy"] == round(2 / 116, 6)  # unanswered claims count as wrong
    assert m["refuted_precision"] == 0.5 and m["refuted_recall"] == round(1 / 3, 6)  # 1 of 2 refuted predictions right; 3 refuted claims (v0.11.0)
    assert m["supported_recall"] == 0.0 and m["not_enough_info_precision"] == 1.0


@pytest.mark.parametrize("task", ["extraction", "noise_detection"])
def test_empty_predictions_recall_nothing(release, gold, task):
    m = score(task, [], gold[task], ci=False)  # what a baseline that finds nothing scores
    assert m["span_recall"] == m["span_precision"] == m["partial_recall"] == 0.0 and m["n_predictions"] == 0
    with pytest.raises(PredictionError, match="no predictions"):  # a submission without one is refused (issue 31)
        evaluate(task, [], release)


EXT = '{"doc_id": "004_54b17cd3334fa9d2", "char_start": %d, "char_end": %d, "value": 1, "unit": "CNY", "period_start": null, "period_end": null}'
NOISE = '{"doc_id": "000_7c51db7d224d44d0", "char_start": %d, "char_end": %d, "noise_type": "%s"}'


@pytest.mark.parametrize("task, lines, line, reason", [
    ("extraction", [EXT % (1659, 1663), EXT % (1660, 1665)], 2, "overlaps the span [1659:1663] on line 1"),
    ("extraction", [EXT % (1660, 1665), "", EXT % (1, 3), EXT % (1659, 1663)], 4, "span [1659:1663] of 004_54b17cd3334fa9d2 overlaps"),
    ("extraction", [EXT % (1659, 1663), EXT % (1, 3), EXT % (1659, 1663)], 3, "overlaps the span [1659:1663] on line 1"),
    ("noise_detection", [NOISE % (0, 15, "seo_spam"), NOISE % (10, 20, "seo_spam")], 2, "of the same noise_type on line 1"),
    ("verification", ['{"claim_id": "000-c01", "verdict": "refuted"}', '{"claim_id": "000-c02", "verdict": "refuted"}',
                      '{"claim_id": "000-c01", "verdict": "supported"}'], 3, "claim_id '000-c01' repeats line 1"),
])
def test_overlapping_or_repeated_predictions_exit_2_naming_the_line(tmp_path, capsys, task, lines, line, reason):
    f = tmp_path / "preds.jsonl"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(["--task", task, "--predictions", f], capsys)
    assert code == 2 and f"{f}:{line}: " in err and reason in err and out == "", err


def test_noise_spans_of_different_types_may_nest(release):
    preds = [json.loads(NOISE % (97, 110, "antonym_substitution")), json.loads(NOISE % (97, 101, "synonym_substitution"))]
    assert evaluate("noise_detection", preds, release)["span_precision"] == 1.0


@pytest.mark.parametrize("task, line, reason", [
    ("extraction", "{not json", "not JSON"),
    ("extraction", '{"doc_id": "nope", "char_start": 0, "char_end": 3, "value": 1, "unit": "CNY", "period_start": null, "period_end": null}', "unknown doc_id"),
    ("extraction", EXT % (0, 99999), "outside the text"),
    ("extraction", EXT.replace("CNY", "USD") % (0, 3), "unknown unit"),
    ("extraction", EXT.replace('"value": 1, ', "") % (0, 3), "missing field 'value'"),
    ("extraction", EXT.replace("null}", 'null, "bound": "roughly"}') % (0, 3), "unknown bound"),
    ("extraction", EXT.replace("null}", 'null, "metric": 7.5}') % (0, 3), "field 'metric' has the wrong type"),
    ("verification", '{"claim_id": "000-c99", "verdict": "supported"}', "unknown claim_id"),
    ("verification", '{"claim_id": "000-c01", "verdict": "true"}', "unknown verdict"),
    ("noise_detection", NOISE % (0, 5, "spam"), "unknown noise_type"),
    ("noise_detection", '[1, 2]', "a prediction is a JSON object"),
])
def test_malformed_predictions_exit_2_naming_the_line(tmp_path, capsys, task, line, reason):
    f = tmp_path / "preds.jsonl"
    f.write_text('{"claim_id": "000-c02", "verdict": "refuted"}\n' + line + "\n" if task == "verification" else "\n" + line + "\n",
                 encoding="utf-8")
    code, out, err = run(["--task", task, "--predictions", f], capsys)
    assert code == 2 and f"{f}:2: " in err and reason in err and out == "", err


def test_cli_prints_one_json_object(tmp_path, gold):
    """The one smoke test through a real subprocess: the module runs as a command."""
    f = tmp_path / "p.jsonl"
    f.write_text("".join(json.dumps(p) + "\n" for p in gold_predictions("verification", gold)), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "scripts.evaluate", "--task", "verification", "--predictions", str(f)],
                       cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["accuracy"] == 1.0


# --- documentation ---------------------------------------------------------------------------------

def test_submission_format_is_in_help_and_card_and_its_examples_score(release, capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    assert submission.text() in capsys.readouterr().out
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert "### Submission format\n" in card and submission.text(markdown=True) in card
    for task, (_, example) in submission.FORMATS.items():
        m = evaluate(task, [example], release)
        assert m["n_predictions"] == 1 and m[{"verification": "accuracy"}.get(task, "typed_precision")] > 0, task


def test_card_links_the_scoring_code_and_names_the_contract():
    from scripts import paths
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    code = paths.declared("code-url")
    assert f"({code}/blob/main/scripts/evaluate.py)" in card and f"({code}/blob/main/scripts/benchmark/metrics.py)" in card
    assert f"task contract **v{schema.load().task_contract.version}**" in card and schema.load().task_contract.version == "2.0"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'kec-evaluate = "scripts.evaluate:main"' in pyproject


def test_baselines_are_in_the_card_and_datasheet(release):
    t = baselines.table(baselines.run_all(release))
    assert t in (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert t in (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    assert "| empty pool → not_enough_info |" in t
    with pytest.raises(PredictionError):
        evaluate("verification", ["oops"], release)


def test_a_gold_fact_ranked_below_the_pool_size_takes_the_last_place(release):
    """004-c16 (近4000倍, no period of its own) rests on the 2018 and 2020 GMV; with a pool of 3 the rule retrieves
    neither 2018 nor all of 2020's facts, so the gold facts replace the last retrieved ones: the size stays 3."""
    t = {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in ("documents", "claims", "reference_facts")}
    claim = next(c for c in t["claims"] if c["claim_id"] == "004-c16")
    date = next(d["reference_date"] for d in t["documents"] if d["doc_id"] == claim["doc_id"])
    index = tasks.FactIndex(t["reference_facts"])
    retrieved = tasks.evidence_pool(claim, date, index, gold=[], k=3)
    assert "f_gmv_2018" not in retrieved and len(retrieved) == 3
    pool = tasks.evidence_pool(claim, date, index, gold=["f_gmv_2018", "f_gmv_2020"], k=3)
    assert len(pool) == 3 and {"f_gmv_2018", "f_gmv_2020"} <= set(pool) and pool[0] == retrieved[0]


def test_partial_matching_is_one_to_one():
    from scripts.benchmark.metrics import exact_pairs, partial_pairs
    gold = [{"doc_id": "d", "char_start": 0, "char_end": 4}]
    halves = [{"doc_id": "d", "char_start": 0, "char_end": 2}, {"doc_id": "d", "char_start": 2, "char_end": 4}]
    assert len(partial_pairs(halves, gold)) == 1 and exact_pairs(halves, gold) == []  # IoU 1/2 each, one gold span
    nested = [{"doc_id": "d", "char_start": 0, "char_end": 4}, {"doc_id": "d", "char_start": 0, "char_end": 3}]
    assert partial_pairs(gold, nested) == [(gold[0], nested[0])]  # the higher IoU wins


@pytest.mark.parametrize("seed", range(5))
def test_label_counts_agree_with_sklearn(seed):
    """The verification scorer counts by itself (speed); it must give sklearn's figures, including a label
    never predicted, a label absent from the gold and answers outside the labels."""
    import random

    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    from scripts.evaluate import label_scores
    rng = random.Random(seed)
    labels = ["supported", "refuted", "not_enough_info"]
    y_true = [rng.choice(labels[:2] if seed == 0 else labels) for _ in range(rng.randint(1, 60))]
    y_pred = [rng.choice([*labels[1:], "(missing)"]) for _ in y_true]
    ours = label_scores(y_true, y_pred, labels)
    prec, rec, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    assert ours["accuracy"] == accuracy_score(y_true, y_pred)
    for i, lab in enumerate(labels):
        assert ours[lab] == (prec[i], rec[i], f1[i], support[i]), lab
