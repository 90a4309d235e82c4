"""Noise labels, claim relations found by code, and the reconciled reading."""
import datetime as dt

import pyarrow.parquet as pq
import pytest

import schema
from scripts.tables import claim_relations as R


@pytest.fixture(scope="module")
def t(release):
    return {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in ("documents", "noise", "claims", "claim_relations")}


def test_every_noise_type_in_the_vocabulary_has_rows(t):
    found = {n["noise_type"] for n in t["noise"]}
    assert found == set(schema.load().terms("noise_type"))


def test_noise_spans_match_and_text_clean_is_consistent(t):
    docs = {d["doc_id"]: d for d in t["documents"]}
    for n in t["noise"]:
        d = docs[n["doc_id"]]
        assert d["text"][n["char_start"]:n["char_end"]] == n["quote"]
        if n["noise_type"] in ("boilerplate", "advertisement", "page_furniture", "seo_spam") and len(n["quote"].strip()) > 4:
            # the labelled occurrence is gone; the same words elsewhere in the body stay (an image caption
            # 快手红人娃娃 repeats the sentence it illustrates)
            q = n["quote"].strip()
            assert d["text_clean"].count(q) < d["text"].count(q), n["noise_id"]
    assert {d["doc_id"][:3]: d["n_noise"] for d in t["documents"]} == \
        {k: sum(1 for n in t["noise"] if n["doc_id"][:3] == k) for k in ("000", "001", "002", "003", "004")}


def test_real_contradictions_are_found_by_code(t):
    rel = {(r["claim_id_a"], r["claim_id_b"], r["rule"]): r["relation"] for r in t["claim_relations"]}
    # within one document: 9012万元 against 步入万亿规模
    assert rel[("000-c04", "000-c06", "scale_mismatch")] == "contradicts"
    # arithmetic: 62% of 8.8亿 is 5.46亿, not 约6.1亿
    assert rel[("004-c02", "004-c03", "share_of_base")] == "arithmetic_inconsistent"
    # across documents: 2020 GMV of 3812亿 in both 003 and 004
    assert rel[("003-c01", "004-c15", "same_quantity")] == "corroborates"
    # the Q3 2021 revenue split adds up
    assert {rel[("001-c17", p, "parts_sum_to_total")] for p in ("001-c18", "001-c20", "001-c22")} == {"arithmetic_consistent"}
    # both about 2022 (万亿规模 comments on the 2022 GMV just given): also the same quantity, contradicted
    assert rel[("000-c04", "000-c06", "same_quantity")] == "contradicts"
    assert sum(1 for r in t["claim_relations"] if r["relation"] in ("contradicts", "arithmetic_inconsistent")) == 3


def test_reconciled_reading_sits_beside_the_stated_one(t):
    c = {x["claim_id"]: x for x in t["claims"]}
    assert (c["000-c04"]["value"], c["000-c04"]["value_reconciled"]) == (90_120_000.0, 901_200_000_000.0)
    assert (c["000-c03"]["direction_stated"], c["000-c03"]["direction_reconciled"]) == ("decrease", "increase")
    assert (c["000-c03"]["change_basis"], c["000-c03"]["change_basis_reconciled"]) == ("qoq", "yoy")
    assert str(c["000-c01"]["period_start_reconciled"]) == "2023-01-01" and str(c["000-c01"]["period_start"]) == "2022-01-01"
    untouched = [x for x in t["claims"] if not x["reconciled_by"]]
    assert all(x["value_reconciled"] == x["value"] and x["direction_reconciled"] == x["direction_stated"] for x in untouched)


# --- each rule on synthetic claims: fires when values disagree, quiet when they agree ---

def claim(cid, value, surface, *, doc="d1", subject="s", metric="gmv", unit="CNY", scope="GMV", bound="exact",
          low=None, high=None, start=dt.date(2022, 1, 1), end=dt.date(2022, 12, 31), gran="year",
          change=None, direction="none"):
    return {"claim_id": cid, "doc_id": doc, "subject_id": subject, "metric": metric, "unit": unit, "scope": scope,
            "value": value, "value_surface": surface, "bound": bound, "value_low": low, "value_high": high,
            "is_change": change is not None, "change_basis": change or "none", "direction_stated": direction,
            "period_start": start, "period_end": end, "period_granularity": gran}


def relations_of(rows):
    return {(r["claim_id_a"], r["claim_id_b"]): r["relation"] for r in rows}


def test_same_quantity_rounding_and_bounds():
    a = claim("a", 59_640_000_000, "596.4亿")
    assert relations_of(R.same_quantity([a, claim("b", 59_600_000_000, "596亿", doc="d2")])) == {("a", "b"): "corroborates"}
    assert relations_of(R.same_quantity([a, claim("b", 61_200_000_000, "612亿", doc="d2")])) == {("a", "b"): "contradicts"}
    # trailing zeros before a scale word are rounding: 600亿 admits 596.4亿
    assert relations_of(R.same_quantity([a, claim("b", 60_000_000_000, "600亿", doc="d2")])) == {("a", "b"): "corroborates"}
    near = claim("b", 700_000_000_000, "近7000亿", bound="approx", high=700_000_000_000, doc="d2")
    assert relations_of(R.same_quantity([claim("a", 680_300_000_000, "6803亿"), near]))[("a", "b")] == "corroborates"
    under = claim("b", 100_000_000, "不到1亿", bound="less_than", high=100_000_000, doc="d2")
    assert relations_of(R.same_quantity([claim("a", 96_600_000, "9660万"), under]))[("a", "b")] == "corroborates"
    assert relations_of(R.same_quantity([claim("a", 196_600_000, "1.966亿"), under]))[("a", "b")] == "contradicts"
    other_year = claim("b", 1.0, "1", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
    assert R.same_quantity([a, other_year]) == []


def test_same_quantity_opposite_directions_contradict():
    up = claim("a", 32.5, "32.5%", unit="percent", change="yoy", direction="increase")
    down = claim("b", 32.5, "32.5%", unit="percent", change="yoy", direction="decrease", doc="d2")
    assert relations_of(R.same_quantity([up, down])) == {("a", "b"): "contradicts"}


def test_scale_mismatch_fires_on_restated_levels_only():
    wrong = claim("a", 90_120_000, "9012万元")
    now = claim("b", 1e12, "万亿规模", bound="approx", start=dt.date(2023, 5, 10), end=dt.date(2023, 5, 10), gran="point")
    assert relations_of(R.scale_mismatch([wrong, now])) == {("a", "b"): "contradicts"}
    fine = claim("a", 901_200_000_000, "9012亿元")
    assert R.scale_mismatch([fine, now]) == []
    series = [claim("a", 1e8, "1亿", start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31)), claim("b", 5.96e10, "596亿", start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))]
    assert R.scale_mismatch(series) == []


def test_direction_vs_values():
    before = claim("l0", 6_800e8, "6800亿", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
    now = claim("l1", 9_012e8, "9012亿")
    up = claim("c", 32.5, "32.5%", unit="percent", change="yoy", direction="increase")
    down = claim("c", 32.5, "32.5%", unit="percent", change="yoy", direction="decrease")
    wrong_size = claim("c", 50, "50%", unit="percent", change="yoy", direction="increase")
    assert relations_of(R.direction_vs_values([before, now, up])) == {("c", "l1"): "arithmetic_consistent"}
    assert relations_of(R.direction_vs_values([before, now, down])) == {("c", "l1"): "contradicts"}
    assert relations_of(R.direction_vs_values([before, now, wrong_size])) == {("c", "l1"): "arithmetic_inconsistent"}
    assert R.direction_vs_values([now, up]) == []


def test_parts_and_shares():
    parts = [claim("t", 205e8, "205亿元", metric="revenue"), claim("p1", 109e8, "109亿元", metric="revenue"),
             claim("p2", 77e8, "77亿元", metric="revenue"), claim("p3", 19e8, "19亿元", metric="revenue")]
    assert set(relations_of(R.parts_sum_to_total(parts)).values()) == {"arithmetic_consistent"}
    parts[3] = claim("p3", 29e8, "29亿元", metric="revenue")
    assert set(relations_of(R.parts_sum_to_total(parts)).values()) == {"arithmetic_inconsistent"}
    shares = [claim(f"s{i}", v, f"{v}%", metric="revenue_share", unit="percent") for i, v in enumerate((53.2, 37.7, 9.1))]
    assert set(relations_of(R.shares_sum_to_100(shares)).values()) == {"arithmetic_consistent"}
    shares[2] = claim("s2", 19.1, "19.1%", metric="revenue_share", unit="percent")
    assert set(relations_of(R.shares_sum_to_100(shares)).values()) == {"arithmetic_inconsistent"}


def test_share_of_base_and_ratio_multiple():
    base = claim("base", 8.8e8, "8.8亿", unit="count")
    share = claim("share", 62, "62%", unit="percent", metric="share")
    assert R.share_of_base(share, base, claim("part", 5.46e8, "5.46亿", unit="count"))["relation"] == "arithmetic_consistent"
    assert R.share_of_base(share, base, claim("part", 6.1e8, "约为6.1亿", unit="count", bound="approx"))["relation"] == "arithmetic_inconsistent"
    small = claim("d", 1e8, "不到1亿", bound="less_than", high=1e8)
    big = claim("n", 3812e8, "3812亿")
    assert R.ratio_multiple(claim("m", 4000, "近4000倍", unit="times", bound="approx", high=4000), big, small)["relation"] == "arithmetic_consistent"
    assert R.ratio_multiple(claim("m", 40, "40倍", unit="times"), big, small)["relation"] == "arithmetic_inconsistent"


def test_tolerances_each_have_a_reason_in_the_source():
    from scripts.normalize import tolerances
    src = open(tolerances.__file__, encoding="utf-8").read()
    block = src[src.index("TOLERANCES = {"):src.index("}", src.index("TOLERANCES = {"))]
    for name in R.TOLERANCES:
        line_no = [i for i, ln in enumerate(block.splitlines()) if ln.strip().startswith(f'"{name}"')][0]
        assert block.splitlines()[line_no - 1].strip().startswith("#"), name
