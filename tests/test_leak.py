"""The generated splits hold no test text (issue 24): measured on the release, and refused by
validation on a copy whose train split was given a test sentence."""
from __future__ import annotations

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq

from scripts.benchmark import leak
from scripts.release import splits


def _test_tables(release):
    return {n: pq.read_table(release / f"{n}.parquet") for n in ("documents", "noise", "entities", "extraction")}


def test_the_release_shares_no_test_run_and_no_test_noise_span():
    from scripts import paths  # noqa: PLC0415
    from tests.conftest import ROOT  # noqa: PLC0415
    rep = leak.measure_release(paths.release_dir(paths.version(ROOT), ROOT / "dataset"))
    assert rep.test_chars > 18000
    assert rep.share <= leak.MAX_SHARE and rep.runs == [] and rep.noise == [], rep.summary()


def test_measure_counts_a_copied_run_and_excuses_an_allowed_name():
    test = {"t": "前言。快手电商正在加码货架电商,补齐确定性消费的场景。结尾"}
    gen = ["别的话。快手电商正在加码货架电商,补齐确定性消费的场景。别的"]
    rep = leak.measure(test, gen)
    assert rep.runs == [("t", "。快手电商正在加码货架电商,补齐确定性消费的场景。")] and rep.covered == 25
    assert not rep.clean
    name = "一个很长的专有名称一二三四五"
    allowed = leak.measure({"t": f"甲{name}乙"}, [f"丙{name}丁"], allowed=[name])
    assert allowed.runs == [] and allowed.covered_allowed == len(name) and allowed.covered == len(name)
    assert leak.measure({"t": "噪声:阿泽卡盟刷赞"}, ["正文阿泽卡盟刷赞"], [("t", "阿泽卡盟刷赞")]).noise == [("t", "阿泽卡盟刷赞")]


def test_validation_refuses_a_copy_whose_train_split_holds_a_test_sentence(release, tmp_path):
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    tables = _test_tables(copy)
    assert [p for p in splits.problems(copy, manifest, tables) if p.table.startswith("splits")] == []
    test_text = tables["documents"].column("text")[1].as_py()
    sentence = max(test_text.split("。"), key=len)[:40]
    path = copy / "train" / "extraction.parquet"
    t = pq.read_table(path)
    texts = t.column("text").to_pylist()
    texts[0] += sentence  # targets keep their offsets: the text only grows at its end
    pq.write_table(t.set_column(t.schema.get_field_index("text"), t.schema.field("text"), pa.array(texts)), path)
    every = splits.problems(copy, manifest, tables)
    found = [p for p in every if p.table.startswith("splits")]
    assert len(found) == 1, every
    assert sentence[:12] in " ".join(found[0].examples), found
    assert "no test text" in found[0].check
