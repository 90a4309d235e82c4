"""Entities with their garbled aliases, every mention located, events merged across sources."""
import re

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

import schema


@pytest.fixture(scope="module")
def tables(release):
    return {n: pq.read_table(release / f"{n}.parquet").to_pylist()
            for n in ("documents", "entities", "mentions", "events", "claims", "noise")}


@pytest.mark.parametrize("surface, entity", [
    ("程以晓", "cheng_yixiao"), ("程以潇", "cheng_yixiao"), ("一笑", "cheng_yixiao"),
    ("苏华", "su_hua"), ("小顾", "xiao_gu"), ("肖谷", "xiao_gu"),
    ("钟一奇", "zhong_yi"), ("金兵", "jin_bing"), ("沉腾", "shen_teng"),
    ("快手小店信用卡", "trust_card"), ("快配", "kuai_fenxiao"), ("快手电商引力会议", "yinli_conference"),
    ("快手 电子商务", "kuaishou_ecommerce"),
])
def test_garbled_names_resolve_to_the_entity_of_the_correct_form(tables, surface, entity):
    hits = [m for m in tables["mentions"] if m["quote"] == surface]
    assert hits and {m["entity_id"] for m in hits} == {entity}
    ent = next(e for e in tables["entities"] if e["entity_id"] == entity)
    if surface != "一笑":
        assert surface in ent["noisy_aliases"] and all(m["is_noisy_variant"] for m in hits)


def test_one_person_three_ways(tables):
    xiao_gu = {m["quote"] for m in tables["mentions"] if m["entity_id"] == "xiao_gu"}
    assert xiao_gu == {"笑古", "小顾", "肖谷"}


def test_every_alias_occurrence_is_a_mention_or_excluded(tables):
    texts = {d["doc_id"]: d["text"] for d in tables["documents"]}
    aliases = sorted({a for e in tables["entities"] for a in e["aliases"]}, key=len, reverse=True)
    mentioned = {(m["doc_id"], m["char_start"], m["char_end"]) for m in tables["mentions"]}
    for doc_id, text in texts.items():
        covered = [False] * len(text)
        for s, e in ((m[1], m[2]) for m in mentioned if m[0] == doc_id):
            covered[s:e] = [True] * (e - s)
        for alias in aliases:
            for mo in re.finditer(re.escape(alias), text):
                if not any(covered[mo.start():mo.end()]):
                    # only the explicitly excluded forum name and prize card remain
                    ctx = text[max(0, mo.start() - 2):mo.end() + 8]
                    assert ("淘宝卖家开店运营论坛" in text[mo.start():mo.start() + 10]
                            or "真金信任卡" in text[mo.start() - 2:mo.end()]), (doc_id, alias, ctx)


def test_mentions_quote_their_text(tables):
    texts = {d["doc_id"]: d["text"] for d in tables["documents"]}
    for m in tables["mentions"]:
        assert texts[m["doc_id"]][m["char_start"]:m["char_end"]] == m["quote"]
    assert sum(e["n_mentions"] for e in tables["entities"]) == len(tables["mentions"]) == 606


def test_events_told_by_several_sources_are_merged(tables):
    ev = {e["event_id"]: e for e in tables["events"]}
    launch = ev["ev_kuaishou_ecommerce_launch"]
    assert launch["n_sources"] == 3 and len(launch["evidence"]) == 3
    assert (str(launch["date_start"]), launch["date_precision"]) == ("2018-08-01", "month")
    assert not launch["date_disagreement"]


def test_cross_source_date_disagreement_is_kept(tables):
    yinli = next(e for e in tables["events"] if e["event_id"] == "ev_yinli_2021")
    dates = {x["doc_id"][:3]: (str(x["stated_date_start"]), str(x["stated_date_end"])) for x in yinli["evidence"]}
    assert dates == {"003": ("2021-03-01", "2021-03-31"), "004": ("2021-04-22", "2021-04-22")}
    assert yinli["date_disagreement"] and str(yinli["date_start"]) == "2021-04-22"


def test_claim_subjects_and_speakers_are_entities(tables):
    ids = {e["entity_id"] for e in tables["entities"]}
    for c in tables["claims"]:
        assert c["subject_id"] in ids and (c["speaker_id"] is None or c["speaker_id"] in ids)


@pytest.mark.parametrize("name", ["entities", "mentions", "events"])
def test_load_dataset_keeps_nested_types(release, name):
    import datasets
    ds = datasets.load_dataset(str(ROOT / "dataset"), name, split=schema.load().tables[name].split)
    table = pq.read_table(release / f"{name}.parquet")
    assert ds.num_rows == table.num_rows
    assert ds.to_list() == table.to_pylist()
    if name == "events":
        assert ds.features["evidence"].feature["stated_date_start"].dtype == "date32"


def test_readme_unnest_query_runs(release, monkeypatch):
    import duckdb
    monkeypatch.chdir(ROOT / "dataset")  # views.sql's paths are relative to dataset/
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sql = re.search(r"```sql\n(-- events on a timeline.*?)```", readme, re.S).group(1)
    con = duckdb.connect()
    con.execute((ROOT / "dataset" / "views.sql").read_text(encoding="utf-8"))
    rows = con.sql(sql).fetchall()
    assert ("ev_yinli_2021", "003_c2ea40f74879899f", "今年3月份") in [r[:3] for r in rows]
    assert len(rows) == sum(len(e) for e in pq.read_table(release / "events.parquet").column("evidence").to_pylist())


def test_the_2023_conference_has_one_location_settled_by_a_cited_page(tables):
    """Document 000 spins the place (南京, noise 000-n06); the event takes Shanghai from the stored repost of the
    conference report and speech, cited in the event's note and in the noise row's explanation."""
    ev = {e["event_id"]: e for e in tables["events"]}["ev_yinli_2023"]
    assert ev["location"] == "上海" and "twetclubs.com/post/5673.html" in ev["note"]
    n06 = {n["noise_id"]: n for n in tables["noise"]}["000-n06"]
    assert "在上海举行" in n06["likely_reading"] and "twetclubs.com/post/5673.html" in n06["explanation"]
