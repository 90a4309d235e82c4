"""The scorer checks each field's form and says what it read (issue 31 item 3): ISO dates only, unknown fields
named in a warning, an empty file refused, ClassLabel integers (what `datasets` gives) read as their names."""
import json

import pytest
from conftest import ROOT

from scripts.benchmark.submission import FORMATS
from scripts.evaluate import PredictionError, PredictionWarning, evaluate, main, read_predictions

EXAMPLE = FORMATS["extraction"][1]  # a real extraction prediction for the test split


@pytest.fixture(scope="module")
def loaded():
    """The task configs as a user loads them: vocabulary columns are ClassLabel integers."""
    import datasets
    return {t: datasets.load_dataset(str(ROOT / "dataset"), t, split="test")
            for t in ("extraction", "verification")}


@pytest.mark.parametrize("bad", ["last year", "2022/01/01", "2022-13-45", "2022-01-01T00:00:00", "20220101", "2022-W01-1"])
@pytest.mark.parametrize("field", ["period_start", "period_end"])
def test_a_date_that_is_not_iso_is_refused_with_its_line_and_field(release, bad, field):
    other = dict(EXAMPLE, char_start=1, char_end=2)  # a valid line first, so the line number is checked
    with pytest.raises(PredictionError) as e:
        read_predictions([other, dict(EXAMPLE, **{field: bad})], "extraction", release)
    assert str(e.value) == (f"<predictions>:2: field {field!r} is {bad!r}, not an ISO date: "
                            "give YYYY-MM-DD (e.g. 2022-01-01) or null")


def test_a_period_ending_before_it_starts_is_refused(release):
    with pytest.raises(PredictionError, match=r":1: period_start 2019-12-31 is after period_end 2019-01-01"):
        read_predictions([dict(EXAMPLE, period_start="2019-12-31", period_end="2019-01-01")], "extraction", release)


def test_iso_dates_and_null_periods_are_read(release):
    got = read_predictions([EXAMPLE, dict(EXAMPLE, char_start=1, char_end=2, period_start=None, period_end=None)],
                           "extraction", release)
    assert [(p["period_start"], p["period_end"]) for p in got] == [("2019-01-01", "2019-12-31"), (None, None)]


def test_unknown_fields_are_named_once_in_a_warning(release):
    lines = [dict(EXAMPLE, confidence=0.9), dict(EXAMPLE, char_start=1, char_end=2, confidence=0.5, Unit="CNY")]
    with pytest.warns(PredictionWarning) as w:
        got = read_predictions(lines, "extraction", release)
    assert len(got) == 2 and len(w) == 1
    assert str(w[0].message).startswith("<predictions>: unknown field(s) ignored: ")
    assert "'confidence' (line 1)" in str(w[0].message) and "'Unit' (line 2)" in str(w[0].message)


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_an_empty_submission_is_an_error(release, tmp_path, capsys, content):
    f = tmp_path / "p.jsonl"
    f.write_text(content, encoding="utf-8")
    assert main(["--task", "verification", "--predictions", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"evaluate: {f}:") and "no predictions" in err and err.count("\n") == 1


def test_class_label_integers_from_datasets_score_like_their_names(release, loaded):
    ver = loaded["verification"]
    as_ints = [{"claim_id": r["claim_id"], "verdict": r["label"]} for r in ver]
    names = ver.features["label"].names
    as_names = [{"claim_id": r["claim_id"], "verdict": names[r["label"]]} for r in ver]
    assert all(isinstance(p["verdict"], int) for p in as_ints)
    with pytest.warns(PredictionWarning, match=r"read ClassLabel integers as their names .*: verdict \(line 1: "):
        by_int = evaluate("verification", as_ints, release)
    assert by_int["accuracy"] == 1.0 and by_int == evaluate("verification", as_names, release)


def test_extraction_targets_from_datasets_score_perfectly(release, loaded):
    ext = loaded["extraction"]
    preds = [{"doc_id": r["doc_id"], "char_start": t["char_start"], "char_end": t["char_end"], "value": t["value"],
              "unit": t["unit"], "metric": t["metric"], "bound": t["bound"],
              "period_start": t["period_start"] and str(t["period_start"]),
              "period_end": t["period_end"] and str(t["period_end"])}
             for r in ext for t in r["targets"]]
    assert isinstance(preds[0]["unit"], int)
    with pytest.warns(PredictionWarning) as w:
        m = evaluate("extraction", preds, release)
    said = str(w[0].message)
    assert all(f in said for f in ("unit (line 1", "metric (line 1", "bound (line 1"))
    assert m["typed_f1"] == m["unit_accuracy"] == m["metric_accuracy"] == m["period_accuracy"] == 1.0


def test_an_integer_outside_the_class_labels_is_refused(release):
    with pytest.raises(PredictionError, match=r":1: field 'verdict' is 3: a ClassLabel index runs from 0 to 2 "
                                              r"\(supported, refuted, not_enough_info\)"):
        read_predictions([{"claim_id": "000-c04", "verdict": 3}], "verification", release)
    with pytest.raises(PredictionError, match="field 'verdict' has the wrong type"):
        read_predictions([{"claim_id": "000-c04", "verdict": True}], "verification", release)


def test_the_command_line_prints_the_warnings_and_the_scores(release, tmp_path, capsys):
    f = tmp_path / "p.jsonl"
    f.write_text(json.dumps({"claim_id": "000-c04", "verdict": 1, "note": "x"}) + "\n", encoding="utf-8")
    assert main(["--task", "verification", "--predictions", str(f)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["n_predictions"] == 1
    assert err.splitlines() == [
        f"evaluate: warning: {f}: unknown field(s) ignored: 'note' (line 1); verification reads claim_id, verdict",
        f"evaluate: warning: {f}: read ClassLabel integers as their names (vocab.yaml order, as `datasets` encodes "
        "them): verdict (line 1: 1 = 'refuted')"]


def test_the_cards_one_line_conversion_joins_a_base_table_with_a_task_config(release, loaded):
    import datasets
    import pyarrow.parquet as pq

    from scripts import paths
    from scripts.docs.card import JOIN_LINE
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert JOIN_LINE.format(repo_id=paths.declared("hub-repo-id")) in card
    ver = datasets.load_dataset(str(ROOT / "dataset"), "verification", split="test")
    # the card's line, with the local folder for the Hub id
    verdicts = datasets.load_dataset(str(ROOT / "dataset"), "claim_verdicts", split="train").cast_column(
        "verdict", ver.features["label"])
    stored = {r["claim_id"]: r["verdict"] for r in pq.read_table(release / "claim_verdicts.parquet").to_pylist()}
    as_int = {r["claim_id"]: r["verdict"] for r in verdicts}
    assert all(isinstance(v, int) for v in as_int.values()) and len(as_int) == 116
    assert {c: ver.features["label"].int2str(v) for c, v in as_int.items()} == stored
    label = {r["claim_id"]: r["label"] for r in ver}  # the join: same claim, same integer
    assert sum(label[c] == as_int[c] for c in label) == sum(r["label"] == stored[r["claim_id"]]
                                                             for r in pq.read_table(release / "verification.parquet").to_pylist())
