"""The official record, third edition (issue 26): verdicts knowable at the writing date beside those of
hindsight, every fact's source_date with its basis, and dates that cannot postdate their telling."""
import datetime as dt

import pyarrow.parquet as pq
import pytest
from helpers import build_fails, edit
from test_verdicts import claim, fact

from scripts.errors import InputError
from scripts.tables.claim_verdicts import knowable, verdicts
from scripts.tables.proof import Findings
from scripts.tables.reference_facts import load_facts, prove

Q3_2021 = (dt.date(2021, 7, 1), dt.date(2021, 9, 30))
Q4_2021 = (dt.date(2021, 10, 1), dt.date(2021, 12, 31))
WRITTEN = dt.date(2022, 3, 20)


@pytest.fixture(scope="module")
def t(release):
    return {n: pq.read_table(release / f"{n}.parquet").to_pylist()
            for n in ("claims", "claim_verdicts", "reference_facts", "events", "documents", "reference_gaps")}


def _now_claim(value, surface):
    c = claim(value, surface, unit="count", resolution="document_date", period=(WRITTEN, WRITTEN), gran="day")
    return dict(c, doc_id="d", reconciled_by=[], metric="gmv")


def test_verdict_uses_only_what_was_published_by_the_writing_date():
    """3.2亿 written on 20 March 2022: the Q3 2021 figure (published November 2021) decides it; the Q4 2021
    figure, published on 29 March, decides verdict_hindsight only."""
    q3 = fact("q3", "320.4mn", period=Q3_2021, unit="count", published=dt.date(2021, 11, 24))
    q4 = fact("q4", "3.233億", period=Q4_2021, unit="count", published=dt.date(2023, 3, 29))
    assert knowable([q3, q4], WRITTEN) == [q3]
    [row] = verdicts([_now_claim(3.2e8, "3.2亿")], [q3, q4], {"d": WRITTEN})
    assert (row["verdict"], row["fact_ids"], row["verdict_hindsight"]) == ("supported", ["q3"], "supported")
    # a figure only published later: not_enough_info then, decided now, and the explanation names the later fact
    [late] = verdicts([_now_claim(3.5e8, "3.5亿")], [q4], {"d": WRITTEN})
    assert (late["verdict"], late["rule"], late["verdict_hindsight"]) == ("not_enough_info", "not_yet_published", "refuted")
    assert "q4" in late["explanation"] and "2022-03-20" in late["explanation"]


def test_hindsight_differs_from_the_verdict_only_through_later_pages(t):
    facts = {f["fact_id"]: f for f in t["reference_facts"]}
    dates = {d["doc_id"]: d["reference_date"] for d in t["documents"]}
    claims = {c["claim_id"]: c for c in t["claims"]}
    differ = [v for v in t["claim_verdicts"] if v["verdict"] != v["verdict_hindsight"]]
    assert {v["claim_id"] for v in differ} >= {"004-c01"}
    for v in t["claim_verdicts"]:
        ref = dates[claims[v["claim_id"]]["doc_id"]]
        assert all(facts[i]["known_from"] <= ref for i in v["fact_ids"]), v["claim_id"]


def test_a_comparative_restated_later_is_known_from_its_periods_results():
    """The Q3 2021 live-streaming revenue (77亿) is read on a page of November 2022 restating the quarter; a broker
    note dated 24 November 2021 shows the quarter's results were out, so 001-c20 (written 20 March 2022) is decided
    at its writing date, and the explanation names the earlier page."""
    note = fact("note", "人民币205亿元", period=Q3_2021, published=dt.date(2021, 11, 24))
    later = dict(fact("live", "77亿元", period=Q3_2021, published=dt.date(2022, 11, 22)), scope="GMV")
    alone = verdicts([_q3_claim()], [later], {"d": WRITTEN})[0]
    assert (alone["verdict"], alone["rule"], alone["verdict_hindsight"]) == ("not_enough_info", "not_yet_published", "supported")
    linked = dict(later, disclosed_with="note", known_from=dt.date(2021, 11, 24))
    [row] = verdicts([_q3_claim()], [linked], {"d": WRITTEN})
    assert (row["verdict"], row["fact_ids"]) == ("supported", ["live"])
    assert "public by 2021-11-24 (note)" in row["explanation"]
    ok, bad = Findings(), Findings()
    prove({"reference_facts": [dict(note, source_tier="primary", disclosed_with=None), linked]}, None, ok)
    assert ok.problems() == []
    prove({"reference_facts": [dict(note, source_tier="primary"), dict(linked, known_from=dt.date(2021, 10, 1))]}, None, bad)
    assert [(p.column, p.examples[0].split(":")[0]) for p in bad.problems()] == [("known_from", "live")]


def _q3_claim():
    c = claim(77e8, "77亿元", period=Q3_2021, gran="quarter")
    return dict(c, doc_id="d", reconciled_by=[])


@pytest.mark.parametrize("wrong, reason", [
    ("f_rev_q3_2021_oms_cicc_missing", "is not a fact read on a page"),
    ("f_dau_2021", "is not another fact of the same subject and period"),
])
def test_disclosed_with_names_an_earlier_fact_of_the_same_period(project, wrong, reason):
    path = project / "seeds" / "reference" / "facts.yaml"
    edit(path, "  disclosed_with: f_dau_q3_2021_cicc\n", f"  disclosed_with: {wrong}\n")
    build_fails(project, "facts.yaml", reason)


def test_every_fact_states_where_its_date_comes_from(t):
    bases = {f["fact_id"]: f["source_date_basis"] for f in t["reference_facts"]}
    assert all(bases.values())
    assert bases["f_gmv_2020"] == bases["f_repurchase_2020"] == "page_date_before_release"
    assert bases["f_gmv_2020_implied"] == "inputs_latest"
    assert bases["f_short_video_users_2020"] == "address_date"


def test_a_misdated_page_is_never_preferred():
    """Two readings of the same figure: the page dated before the release it reports loses to a dated one."""
    misdated = dict(fact("early", "3812亿元", published=dt.date(2021, 3, 21)), source_date_basis="page_date_before_release")
    dated = dict(fact("dated", "3812亿元", published=dt.date(2021, 3, 20)), source_date_basis="page_date")
    [row] = verdicts([dict(claim(3812e8, "3812亿"), doc_id="d", reconciled_by=[])], [misdated, dated], {"d": dt.date(2021, 6, 1)})
    assert row["fact_ids"] == ["dated"]


def test_a_source_date_before_its_period_ends_needs_a_basis(project):
    path = project / "seeds" / "reference" / "facts.yaml"
    edit(path, "  source_date: '2020-11-05'\n  source_date_basis: page_date\n", "  source_date: '2018-06-30'\n  source_date_basis: page_date\n")
    build_fails(project, "facts.yaml", "before the end of its own period (2018-12-31)")


def test_a_forecast_may_be_dated_before_its_period_ends(tmp_path, t):
    text = (tmp_path / "facts.yaml")
    text.write_text("""- id: f_forecast
  subject: kuaishou_ecommerce
  metric: gmv
  scope: 快手电商GMV
  period_start: '2025-01-01'
  period_end: '2025-12-31'
  value_as_printed: 2万亿元
  bound: exact
  unit: CNY
  source_title: t
  source_publisher: p
  source_date: '2021-04-22'
  source_date_basis: forecast
  source_url: https://example.org/forecast
  source_kind: press
  source_tier: secondary
  statement_en: A forecast for a year not yet begun.
  statement_zh: 对尚未开始年份的预测。
""", encoding="utf-8")
    entity_ids = {e for e in ("kuaishou_ecommerce",)}
    [row] = load_facts(text, entity_ids)
    assert (row["source_date_basis"], row["value"]) == ("forecast", 2e12)
    text.write_text(text.read_text(encoding="utf-8").replace("basis: forecast", "basis: page_date"), encoding="utf-8")
    with pytest.raises(InputError, match="before the end of its own period"):
        load_facts(text, entity_ids)


def test_a_past_event_cannot_postdate_its_only_telling(project):
    path = project / "seeds" / "annotations" / "events.yaml"
    edit(path, "  after_writing: swapped_date_word\n", "")
    build_fails(project, "events.yaml", "after 000_7c51db7d224d44d0's writing date 2023-05-10")


def test_no_single_telling_event_after_its_writing_date_without_a_flag(t):
    """Every event told by one document only and dated after that document was written is a plan or a
    labelled swapped date word (seeds/annotations/events.yaml after_writing; the build refuses others)."""
    dates = {d["doc_id"]: d["reference_date"] for d in t["documents"]}
    late = sorted(e["event_id"] for e in t["events"] if e["n_sources"] == 1 and e["date_start"]
                  and e["date_start"] > dates[e["evidence"][0]["doc_id"]])
    assert "ev_cheng_leads_ecommerce" in late and "ev_mall_entry_test" in late
    import yaml
    from conftest import ROOT
    flags = {e["id"]: e.get("after_writing") for e in yaml.safe_load((ROOT / "seeds/annotations/events.yaml").read_text("utf-8"))}
    assert all(flags[e] for e in late), [e for e in late if not flags[e]]
    assert flags["ev_cheng_leads_ecommerce"] == "swapped_date_word" and flags["ev_mall_entry_test"] == "planned"


def test_000_c08_is_a_forecast_for_q2_2023(t):
    c = {x["claim_id"]: x for x in t["claims"]}["000-c08"]
    assert (c["period_start"], c["period_end"]) == (dt.date(2023, 4, 1), dt.date(2023, 6, 30))


@pytest.mark.parametrize("cid, fact_id", [
    ("004-c02", "f_live_share_2020"), ("001-c15", "f_market_value_listing_day"), ("004-c08", "f_mobile_mau_2020"),
    ("001-c10", "f_douyin_dau_2020_08"), ("001-c12", "f_dau_q3_2021"), ("001-c18", "f_rev_q3_2021_oms"),
    # v0.12.0: pages dated by the writing date that decide claims of documents 000 and 001
    ("000-c06", "f_gmv_2022_gravity_2023"), ("000-c14", "f_trust_index_indicators_2022"),
    ("001-c08", "f_taote_aac_2021"), ("001-c09", "f_taote_aac_growth_q4_2021"),
    ("002-c01", "f_dau_target_k3"),
    # v0.12.0: the Q3 2021 segments, restated a year later, were public with the quarter's results (known_from)
    ("001-c20", "f_rev_q3_2021_live"), ("001-c22", "f_rev_q3_2021_other"),
    # v0.13.0: a data firm's forecast, dated by the first dated copy of its page (October 2020)
    ("004-c04", "f_live_commerce_2021_forecast_kpmg"),
])
def test_new_facts_decide_the_claims_the_changelog_names(t, cid, fact_id):
    v = {x["claim_id"]: x for x in t["claim_verdicts"]}[cid]
    assert (v["verdict"], v["fact_ids"][0], v["verdict_hindsight"]) == ("supported", fact_id, "supported")


def test_a_count_published_after_the_writing_date_decides_002_c19_only_in_hindsight(t):
    """Kuaishou's MCN count of its 26 June 2019 meeting is on a page first dated 10 July 2019 (v0.13.0): document 002,
    written in late June, could not have checked it, so verdict stays not_enough_info (not_yet_published) while
    verdict_hindsight is supported; the gap row g_open_class_2019 keeps the claim and says so."""
    v = {x["claim_id"]: x for x in t["claim_verdicts"]}["002-c19"]
    assert (v["verdict"], v["rule"], v["verdict_hindsight"]) == ("not_enough_info", "not_yet_published", "supported")
    assert "f_kuaishou_mcn_count_20190626" in v["explanation"]
    gap = next(g for g in t["reference_gaps"] if g["gap_id"] == "g_open_class_2019")
    assert "002-c19" in gap["claim_ids"] and "hindsight" in gap["reason"]


def test_the_release_check_lets_a_recorded_forecast_precede_its_period_and_nothing_else(t):
    """reference_facts.prove applies the build's rule: only a basis that may precede its period (vocab
    source_date_basis may_precede_period, a forecast) lets a source_date fall before the period ends."""
    k3 = next(f for f in t["reference_facts"] if f["fact_id"] == "f_dau_target_k3")
    assert k3["source_date"] < k3["period_end"]
    ok = Findings()
    prove({"reference_facts": [k3]}, None, ok)
    assert ok.problems() == []
    bad = Findings()
    prove({"reference_facts": [dict(k3, source_date_basis="page_date")]}, None, bad)
    assert [p.check for p in bad.problems()] == ["a source dated on or after the end of the period it reports"]


def test_the_proof_refuses_a_disclosed_with_the_build_would_refuse(t):
    """A release edited so that f_rev_q3_2021_live's disclosed_with names a fact of another period (known_from kept
    consistent with it) is refused by the same rule the build applies (reference_facts.link_problem)."""
    facts = {f["fact_id"]: f for f in t["reference_facts"]}
    live, other = facts["f_rev_q3_2021_live"], facts["f_dau_2021"]
    bad = dict(live, disclosed_with="f_dau_2021", known_from=min(live["source_date"], other["source_date"]))
    found = Findings()
    prove({"reference_facts": [bad if f is live else f for f in t["reference_facts"]]}, None, found)
    assert [(p.column, p.examples[0].split(":")[0]) for p in found.problems()] == [("disclosed_with", "f_rev_q3_2021_live")]
