"""The generator (scripts/generate.py) and the generated train/validation splits of the task configs."""
import json
import re
from collections import Counter

import datasets
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, tree_digest

import schema
from scripts import generate, paths
from scripts.benchmark.generator.corpus import compose
from scripts.benchmark.generator.material import load
from scripts.inputs.spans import locate
from scripts.release import splits
from scripts.validate import validate

TASKS = ("extraction", "verification", "noise_detection")


@pytest.fixture(scope="module")
def corpus(generated_corpus):
    return generated_corpus


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(corpus, tmp_path):
    generate.main(["--docs", "12", "--seed", "5", "--out", str(tmp_path / "again")])
    generate.main(["--docs", "12", "--seed", "6", "--out", str(tmp_path / "other")])
    first = {k: v for k, v in tree_digest(corpus).items() if not k.startswith(("dataset/", "DATASHEET"))}
    # texts; one JSON-lines annotation file; sources, entities, events, facts, gaps, pyproject; the list of them
    assert len(first) == 12 + 1 + 6 + 1 and "seeds/annotations/documents.jsonl" in first
    assert tree_digest(tmp_path / "again") == first
    other = tree_digest(tmp_path / "other")
    assert other.keys() != first.keys() and other["seeds/annotations/entities.yaml"] == first["seeds/annotations/entities.yaml"]


def test_every_gold_quote_is_the_inserted_text_and_locates_back_to_it():
    mat = load(ROOT)
    kinds: Counter = Counter()
    for number in range(100, 220):  # 120 documents: a wrong scale (exact figures only) is rarer since v0.10.0
        _, doc, _ = compose(mat, 11, number)
        text = doc.text
        ann = doc.annotations("x")
        for section in ("claims", "noise"):
            for item, written in zip(getattr(doc, section), ann[section]):
                s = item["_start"]
                assert text[s:s + len(item["quote"])] == item["quote"]
                assert locate(text, written["quote"], written.get("occurrence")) == (s, s + len(item["quote"]))
        for c, written in zip(doc.claims, ann["claims"]):
            v = c["_value_at"]
            assert text[v:v + len(c["value"])] == c["value"]
            k = locate(written["quote"], written["value"], written.get("value_occurrence"))[0]
            assert c["_start"] + k == v
        kinds.update(n["type"] for n in doc.noise)
        kinds.update("homophone" for n in doc.noise if n["explanation"].startswith("Homophone"))
        kinds.update("chinese numerals" for c in doc.claims if re.search("[一二三四五六七八九十百千]", c["value"]))
        kinds.update("share" for c in doc.claims if c["metric"] == "revenue_share")
        kinds.update("invented" for c in doc.claims if c["subject"].startswith("inv_"))
        kinds.update("list" for c in doc.claims if "period" in c and not c["quote"].startswith(c["period"])
                     and not re.search("增|降|YoY", c["quote"]))  # a level listed after another, not the level of a change
    # the v0.11.0 grammar: homophone names, Chinese numerals, shares, invented companies, lists of one period
    for kind in ("homophone", "chinese numerals", "share", "invented", "list"):
        assert kinds[kind] > 5, (kind, kinds[kind])
    # every noise kind the issue names is injected
    for kind in ("antonym_substitution", "synonym_substitution", "unit_error", "garbled_name", "date_mismatch",
                 "boilerplate", "seo_spam", "machine_translation"):
        assert kinds[kind] > 0, kind


def test_a_generated_corpus_builds_and_validates_with_one_noise_row_per_injected_noise(corpus):
    release = paths.release_dir(paths.version(corpus), corpus / "dataset")
    assert validate(release, gx=False) == []
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert "splits" not in manifest  # a generated corpus has no generated splits of its own
    docs = pq.read_table(release / "documents.parquet").to_pylist()
    assert len(docs) == 12 and all(d["doc_id"].split("_")[0] >= "100" for d in docs)
    noise = Counter(pq.read_table(release / "noise.parquet").column("noise_type").to_pylist())
    lines = [json.loads(line) for line in (corpus / "seeds" / "annotations" / "documents.jsonl").open(encoding="utf-8")]
    assert [d["doc_id"] for d in lines] == [d["doc_id"] for d in docs]
    assert noise == Counter(n["type"] for d in lines for n in d["noise"])
    assert pq.read_table(release / "claims.parquet").num_rows == sum(len(d["claims"]) for d in lines)


def test_generate_refuses_no_documents(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        generate.main(["--docs", "0", "--seed", "1", "--out", str(tmp_path)])
    assert e.value.code == 2 and "--docs" in capsys.readouterr().err


def test_the_release_declares_and_holds_the_generated_splits(release):
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    declared = splits.declared(ROOT)
    assert set(manifest["splits"]) == set(declared) == {"train", "validation"}
    for split, spec in declared.items():
        recorded = dict(manifest["splits"][split]["generator"])
        hashes = recorded.pop("content_sha256")  # per task table and document, re-derived by validate
        assert recorded == spec
        assert set(hashes) == set(manifest["splits"][split]["tables"])
        assert sorted(manifest["splits"][split]["tables"]) == sorted(TASKS)
        assert manifest["splits"][split]["tables"]["extraction"]["rows"] == spec["docs"]
    assert schema.generated_splits() == {"train": list(TASKS), "validation": list(TASKS)}


@pytest.mark.parametrize("task", TASKS)
def test_load_dataset_reads_train_and_validation_offline_and_they_share_no_document_with_test(release, task):
    by_split = {s: datasets.load_dataset(str(ROOT / "dataset"), task, split=s) for s in ("test", "train", "validation")}
    ids = {s: set(d["doc_id"]) for s, d in by_split.items()}
    assert ids["test"] == set(pq.read_table(release / "documents.parquet").column("doc_id").to_pylist())
    assert len(ids["train"]) == splits.declared(ROOT)["train"]["docs"]
    assert not ids["train"] & ids["test"] and not ids["validation"] & ids["test"] and not ids["train"] & ids["validation"]
    assert by_split["train"].features == by_split["test"].features


def test_validation_finds_a_tampered_split_and_a_shared_document(release, tmp_path):
    import shutil
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    test_ids = {"000_7c51db7d224d44d0"}
    t = pq.read_table(copy / "train" / "noise_detection.parquet").slice(0, 3)
    pq.write_table(t, copy / "train" / "noise_detection.parquet")
    found = [str(p) for p in splits.problems(copy, json.loads((copy / "manifest.json").read_text()), {})]
    assert any("noise_detection (train)" in p and "sha256" in p for p in found)
    assert any("row count 3" in p for p in found)
    assert [str(p) for p in splits.disjoint({"test": test_ids, "train": test_ids | {"1000_x"}})] == [
        "split test.doc_id: shares documents with split train — e.g. 000_7c51db7d224d44d0"]


def test_croissant_reads_the_generated_splits_as_record_sets(release):
    import mlcroissant as mlc
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    ds = mlc.Dataset(jsonld=str(ROOT / "dataset" / "croissant.json"))
    for split, spec in manifest["splits"].items():
        for name, entry in spec["tables"].items():
            assert sum(1 for _ in ds.records(record_set=f"{name}_{split}")) == entry["rows"], (name, split)


@pytest.fixture(scope="module")
def train_docs(release):
    """The generator's own record of every `train` document (number -> Doc), composed once for the tests below."""
    mat = load(ROOT)
    seed = splits.declared(ROOT)["train"]["seed"]
    numbers = {int(d.split("_")[0]) for d in pq.read_table(release / "train" / "verification.parquet").column("doc_id").to_pylist()}
    return {n: compose(mat, seed, n)[1] for n in sorted(numbers)}


def test_the_generators_labels_agree_with_the_verdict_rules_on_every_generated_claim(release, train_docs):
    """Every disagreement would be a defect of the generator or of the verdict rules. Until v0.10.0 a restated
    Q3 2021 GMV (1758亿元) was refuted against the annual f_gmv_2021 (6800亿元) in documents written before the
    quarterly fact's page: claim_verdicts now lets the fact of the claim's own period decide (_tightest)."""
    rows = pq.read_table(release / "train" / "verification.parquet").to_pylist()
    made = {f"{n}-{c['id']}": c["_label"] for n, doc in train_docs.items() for c in doc.claims}
    assert set(made) == {r["claim_id"] for r in rows}
    pairs = Counter((made[r["claim_id"]], r["label"]) for r in rows)
    assert pairs[("supported", "supported")] > 1500 and pairs[("refuted", "refuted")] > 400
    # spun scopes (买家 -> 卖家) and invented companies' figures name no fact's quantity
    assert pairs[("not_enough_info", "not_enough_info")] > 200
    odd = Counter((made[r["claim_id"]], r["label"], ",".join(r["evidence_fact_ids"])) for r in rows
                  if made[r["claim_id"]] != r["label"])
    assert not odd, odd


def test_a_wrong_scale_word_is_refuted_by_construction_and_by_the_rules(release, train_docs):
    """6800亿元 written 6800万亿元 (亿 as 万亿) or 109亿元 as 109万元: the generator labels it refuted and the verdict
    rules refute it against the fact it restates (value_match: ten thousand times off), never as a 万亿规模 scale word."""
    rows = {r["claim_id"]: r for r in pq.read_table(release / "train" / "verification.parquet").to_pylist()}
    wrong: Counter = Counter()
    for number, doc in train_docs.items():
        errors = {cid for n in doc.noise if n["type"] == "unit_error" for cid in n["claims"]}
        for c in doc.claims:
            if c["id"] in errors:
                r = rows[f"{number}-{c['id']}"]
                assert c["_label"] == r["label"] == "refuted", (c["quote"], r["label"])
                wrong["万亿" if "万亿" in c["value"] else "万"] += 1
    assert wrong["万亿"] > 20 and wrong["万"] > 20, wrong
    assert any("6800万亿元" in r["quote"] and r["label"] == "refuted" and r["evidence_fact_ids"] == ["f_gmv_2021"]
               for r in rows.values())


def test_homophone_garbling_swaps_one_character_for_one_read_the_same_way():
    import random  # noqa: PLC0415

    from pypinyin import lazy_pinyin  # noqa: PLC0415

    from scripts.benchmark.generator import homophones  # noqa: PLC0415
    out = homophones.garble("宿华", random.Random(3), set())
    assert out is not None and out != "宿华" and sum(a != b for a, b in zip(out, "宿华")) == 1
    assert lazy_pinyin(out) == lazy_pinyin("宿华")
    assert homophones.garble("GMV", random.Random(3), set()) is None  # no Han character, no homophone
