"""What broke when the corpus grew past the five seeds: more documents than markers,
ids with more digits (or only digits), colliding relation ids."""
import re

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

import schema
from scripts.build import build
from scripts.errors import ReleaseError
from scripts.inputs.yamlio import load_yaml
from scripts.tables import claim_relations

FOUR_DIGITS = "1005_0123456789abcdef"
ALL_DIGITS = "006_9671518887900496"


@pytest.fixture(scope="module")
def seven(tmp_path_factory):
    from scripts.benchmark.replicate import replicate
    root = tmp_path_factory.mktemp("seven") / "project"
    replicate(root, 7, ids=[FOUR_DIGITS, ALL_DIGITS])
    return root


def test_a_seven_document_project_builds_with_its_figure(seven, version):
    s = build(root=seven, quiet=True)
    assert s["rows"]["documents"] == 7
    docs = pq.read_table(seven / "dataset" / f"v{version}" / "documents.parquet").column("doc_id").to_pylist()
    assert FOUR_DIGITS in docs and ALL_DIGITS in docs  # the all-digit id stayed a string
    svg = (seven / "dataset" / "figures" / "gmv_timeline.svg").read_text(encoding="utf-8")
    five = (ROOT / "dataset" / "figures" / "gmv_timeline.svg").read_text(encoding="utf-8")
    assert svg.count("<use ") > five.count("<use ")  # the copies' GMV points (and labels) are drawn too
    claims = pq.read_table(seven / "dataset" / f"v{version}" / "claims.parquet").column("claim_id").to_pylist()
    assert "1005-c01" in claims and "006-c01" in claims


def test_an_all_digit_id_loads_as_a_string(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text(f"- doc_id: {ALL_DIGITS}\n  n: 12\n  f: 0.5\n", encoding="utf-8")
    item = load_yaml(p)[0]
    assert item["doc_id"] == ALL_DIGITS and item["n"] == 12 and item["f"] == 0.5


@pytest.mark.parametrize("table, column, value", [
    ("documents", "doc_id", FOUR_DIGITS), ("claims", "claim_id", "1005-c01"), ("noise", "noise_id", "1005-n01"),
    ("mentions", "mention_id", "1005-m00012"), ("mentions", "mention_id", "1005-m123456"),
])
def test_every_id_pattern_takes_a_four_digit_document_number(table, column, value):
    assert re.match(schema.load().tables[table].column(column).pattern, value)


def test_id_patterns_take_ascii_digits_only():
    # \\d would admit Arabic-Indic or full-width digits in an id
    for t in schema.load().tables.values():
        for c in t.columns:
            assert "\\d" not in (c.pattern or ""), f"{t.name}.{c.name}"
    assert not re.match(schema.load().tables["documents"].column("doc_id").pattern, "٠٠٥_0123456789abcdef")


def test_two_relations_under_one_id_fail_the_build_naming_both(project, monkeypatch):
    monkeypatch.setattr(claim_relations, "rid", lambda rule, a, b: "rel-0000000000")
    with pytest.raises(ReleaseError, match=r"rel-0000000000 collides: .+ / .+ and .+ / .+"):
        build(root=project, quiet=True)
