"""Claims: exact provenance, values derived by code, completeness, bad annotations."""
import json

import pyarrow.parquet as pq
import pytest
from helpers import build_fails, edit

ANN = "seeds/annotations"
D000, D001, D004 = "000_7c51db7d224d44d0.yaml", "001_35f7c8b8a9798a98.yaml", "004_54b17cd3334fa9d2.yaml"


@pytest.fixture(scope="module")
def claims(release):
    return {r["claim_id"]: r for r in pq.read_table(release / "claims.parquet").to_pylist()}


@pytest.fixture(scope="module")
def texts(release):
    return {r["doc_id"]: r["text"] for r in pq.read_table(release / "documents.parquet").to_pylist()}


def test_counts_per_document(claims):
    per_doc = {}
    for c in claims.values():
        per_doc[c["doc_id"][:3]] = per_doc.get(c["doc_id"][:3], 0) + 1
    assert per_doc == {"000": 19, "001": 41, "002": 25, "003": 13, "004": 18}


def test_every_claim_quotes_its_text_exactly(claims, texts):
    for c in claims.values():
        t = texts[c["doc_id"]]
        assert t[c["char_start"]:c["char_end"]] == c["quote"]
        assert t[c["value_char_start"]:c["value_char_end"]] == c["value_surface"]
        assert c["char_start"] <= c["value_char_start"] < c["value_char_end"] <= c["char_end"]


def test_spun_gmv_claim_is_recorded_as_stated(claims):
    level, change = claims["000-c04"], claims["000-c03"]
    assert (level["value"], level["unit"], level["value_surface"]) == (90_120_000.0, "CNY", "9012万元")
    assert (change["value"], change["unit"], change["change_basis"], change["direction_stated"]) == \
        (32.5, "percent", "qoq", "decrease")
    assert (str(level["period_start"]), str(level["period_end"]), level["period_granularity"]) == \
        ("2022-01-01", "2022-12-31", "year")


def test_relative_periods_use_the_content_date_not_the_repost_date(claims):
    # doc 001 is a 2023 repost of a March 2022 text: 去年第四季度 is Q4 2021
    c = claims["001-c09"]
    assert (str(c["period_start"]), str(c["period_end"]), c["period_resolution"]) == ("2021-10-01", "2021-12-31", "relative")
    # doc 002 (June 2019): 明年春节前 ends the day before the 2020 Spring Festival (25 January)
    assert str(claims["002-c01"]["period_end"]) == "2020-01-24"
    # doc 001 (March 2022, known to the month): 一年前 is March 2021, not all of 2021
    c = claims["001-c01"]
    assert (str(c["period_start"]), str(c["period_end"]), c["period_granularity"]) == ("2021-03-01", "2021-03-31", "month")


def _period(c):
    return (str(c["period_start"]) if c["period_start"] else None, str(c["period_end"]) if c["period_end"] else None,
            c["period_resolution"])


def test_period_policy_cases(claims):
    """GUIDELINES.md, Periods: one claim for each rule."""
    # rule 2: the sentence runs the two-year growth from 2018 to 2020
    assert _period(claims["004-c16"]) == ("2018-01-01", "2020-12-31", "context")
    assert claims["004-c16"]["period_surface"] == "2018年…2020年"
    # rule 2: a plan dated by the day the sentence names
    assert _period(claims["002-c18"]) == ("2019-07-02", "2019-07-02", "context")
    # rule 3: the sentence's 目前 dates both DAU levels; rule 5: neither GMV of that sentence has a year
    assert [_period(claims[i]) for i in ("001-c10", "001-c12")] == [("2022-03-20", "2022-03-20", "document_date")] * 2
    assert [_period(claims[i]) for i in ("001-c11", "001-c13")] == [(None, None, "unknown")] * 2
    # rule 5: annual and monthly amounts and undated changes have no period, not the writing date
    for i in ("000-c09", "000-c10", "002-c09", "002-c25", "003-c07", "004-c09", "004-c10"):
        assert _period(claims[i]) == (None, None, "unknown"), i
    # rule 6: the Yiwu figures inherit the visit's month; a plain level is taken at the writing date
    assert _period(claims["002-c21"]) == ("2019-04-01", "2019-04-30", "context")
    assert _period(claims["002-c04"]) == ("2019-06-26", "2019-06-26", "document_date")
    # rule 7: undated past
    assert _period(claims["002-c15"]) == (None, None, "unknown")


def test_official_gmv_series_of_doc_004(claims):
    assert [(claims[i]["value"], str(claims[i]["period_start"])[:4], claims[i]["bound"]) for i in ("004-c13", "004-c14", "004-c15")] == \
        [(1e8, "2018", "less_than"), (59_600_000_000.0, "2019", "exact"), (381_200_000_000.0, "2020", "exact")]
    assert claims["004-c16"]["unit"] == "times" and claims["004-c16"]["value_high"] == 4000


def test_completeness_report_accounts_for_every_number(release):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    for doc in m["completeness"]:
        accounted = doc["covered_by_claims"] + doc["covered_by_events"] + doc["in_page_noise"] + sum(doc["excluded"].values())
        assert accounted == doc["numbers"] > 0
    assert {d["doc_id"][:3]: d["claims"] for d in m["completeness"]} == {"000": 19, "001": 41, "002": 25, "003": 13, "004": 18}


def test_the_scan_finds_numerals_before_a_measure_word_and_ordinals():
    from scripts.inputs.coverage import numbers
    found = [tok for _, _, tok in numbers("钻石一元限量、一分钱秒杀、一公斤的真金、两个月、一季度、第三方、一直、程一笑")]
    assert found == ["一", "一", "一", "两", "一", "第三"]


def test_completeness_counts_per_document(release):
    """Numbers the scan finds (v0.8.0 found 51, 130, 52, 55, 68: no 一 + measure word, no ordinal 第X)."""
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert {d["doc_id"][:3]: d["numbers"] for d in m["completeness"]} == {"000": 59, "001": 157, "002": 61, "003": 70, "004": 75}
    assert {d["doc_id"][:3]: d["excluded"].get("indefinite", 0) for d in m["completeness"]} == \
        {"000": 1, "001": 15, "002": 1, "003": 3, "004": 2}


def test_the_gala_prices_and_prize_weight_of_003_are_claims(claims):
    got = {c["value_surface"]: (c["value"], c["unit"], c["metric"]) for c in claims.values() if c["doc_id"].startswith("003")}
    assert got["一分钱"] == (0.01, "CNY", "price") and got["一元"] == (1.0, "CNY", "price")
    assert got["一公斤"] == (1.0, "kg", "weight")


def test_an_unaccounted_numeral_before_a_measure_word_fails_with_its_location(project):
    edit(project / ANN / "003_c2ea40f74879899f.yaml", "  - {quote: 一大重磅产品, reason: indefinite}\n", "")
    text = (project / "seeds" / "003_c2ea40f74879899f.txt").read_text(encoding="utf-8")
    err = build_fails(project, "003_c2ea40f74879899f.txt", "number '一'")
    assert err.line == text[: text.index("一大重磅产品")].count("\n") + 1


def test_an_unaccounted_number_fails_with_its_location(project):
    edit(project / ANN / D000, "  - {quote: 第五个年头, reason: ordinal}\n", "")
    err = build_fails(project, "000_7c51db7d224d44d0.txt", "number '第五'")
    text = (project / "seeds" / "000_7c51db7d224d44d0.txt").read_text(encoding="utf-8")
    assert err.line == text[: text.index("第五个年头")].count("\n") + 1


def test_an_implied_scale_is_stored_and_checked_against_the_text(release):
    """全年流量从300降低到起码600亿: 000-c09's 300 takes 亿 from its neighbour (claims.implied_scale, as annotated);
    the proof reads the value with the stored word, and the text decides the word may be implied: it follows the
    value in the quote and the surface has none of its own. A changed word with a value recomputed to match is refused."""
    import pyarrow.parquet as pq

    from scripts.normalize.values import parse_value
    from scripts.tables import claims as claims_mod
    from scripts.tables.proof import Findings
    t = {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in claims_mod.PROVES}
    c09 = next(c for c in t["claims"] if c["claim_id"] == "000-c09")
    assert (c09["value_surface"], c09["implied_scale"], c09["value"]) == ("300", "亿", 3e10)
    clean = Findings()
    claims_mod.prove(t, None, clean)
    assert clean.problems() == []
    v = parse_value("300", "万")
    bad = dict(c09, implied_scale="万", value=v.value, value_low=v.low, value_high=v.high)
    t["claims"] = [bad if c is c09 else c for c in t["claims"]]
    found = Findings()
    claims_mod.prove(t, None, found)
    named = [(p.column, p.examples[0].split(":")[0]) for p in found.problems()]
    assert ("implied_scale", "000-c09") in named and {k for _, k in named} == {"000-c09"}, named
