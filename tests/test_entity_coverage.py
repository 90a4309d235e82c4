"""Every name in the texts is an entity or a reviewed exclusion (a name finder proposes, the reviewed
lists decide), and every garbled-name mention lies in its noise span and carries its id."""
import logging
from collections import Counter

import jieba
import jieba.posseg as pseg
import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from helpers import build_fails, edit

from scripts.inputs.entity_registry import load_entities
from scripts.inputs.name_review import load_name_review
from scripts.inputs.seeds import load_seeds

jieba.setLogLevel(logging.WARNING)

# jieba's tags for person (nr, nrt: transliterated, nrfg), place (ns), organisation (nt) and other proper nouns (nz)
NAME_TAGS = {"nr", "nrt", "nrfg", "ns", "nt", "nz"}
NAMES = "seeds/annotations/names.yaml"


def proposals(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every word the tagger marks as a name."""
    out, pos = [], 0
    for w in pseg.cut(text):
        if w.flag in NAME_TAGS and w.word.strip():
            out.append((pos, pos + len(w.word), w.word))
        pos += len(w.word)
    return out


def occurrences(text: str, names) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        i = text.find(name)
        while i != -1:
            spans.append((i, i + len(name)))
            i = text.find(name, i + 1)
    return spans


@pytest.fixture(scope="module")
def tables(release):
    return {n: pq.read_table(release / f"{n}.parquet").to_pylist() for n in ("documents", "entities", "mentions", "noise")}


@pytest.fixture(scope="module")
def review():
    seeds = load_seeds(ROOT / "seeds")
    return load_name_review(ROOT / NAMES, load_entities(ROOT / "seeds/annotations/entities.yaml"), [s.text for s in seeds])


@pytest.fixture(scope="module")
def verdicts(tables, review):
    """Per document, how each proposal of the finder is accounted for (or not)."""
    stop = {x.word for x in review.not_names}
    out = {}
    for d in tables["documents"]:
        text = d["text"]
        names = [False] * len(text)
        for m in tables["mentions"]:
            if m["doc_id"] == d["doc_id"]:
                names[m["char_start"]:m["char_end"]] = [True] * (m["char_end"] - m["char_start"])
        excluded = [False] * len(text)
        for s, e in occurrences(text, [x.name for x in review.excluded]):
            excluded[s:e] = [True] * (e - s)
        got = []
        for s, e, w in proposals(text):
            how = ("entity" if any(names[s:e]) else "excluded" if any(excluded[s:e])
                   else "not_a_name" if w in stop else "unaccounted")
            got.append((w, how))
        out[d["doc_id"][:3]] = got
    return out


def test_every_name_the_finder_proposes_is_an_entity_or_a_reviewed_exclusion(verdicts):
    missing = {doc: [w for w, how in got if how == "unaccounted"] for doc, got in verdicts.items()}
    assert missing == {doc: [] for doc in verdicts}
    counts = {doc: dict(Counter(how for _, how in got)) for doc, got in verdicts.items()}
    assert counts == {
        "000": {"entity": 12, "excluded": 12, "not_a_name": 18},
        "001": {"entity": 40, "excluded": 8, "not_a_name": 20},
        "002": {"entity": 43, "excluded": 10, "not_a_name": 18},
        "003": {"entity": 16, "not_a_name": 22},
        "004": {"entity": 4, "excluded": 2, "not_a_name": 12},
    }


def test_the_stop_list_holds_only_words_the_finder_proposes(verdicts, review):
    """A stop-list word no proposal needs is stale: the list is what the finder made us review."""
    used = {w for got in verdicts.values() for w, how in got if how == "not_a_name"}
    assert [x.word for x in review.not_names if x.word not in used] == []


@pytest.mark.parametrize("name, entity", [
    ("董明珠", "dong_mingzhu"), ("丁磊", "ding_lei"), ("卢伟冰", "lu_weibing"),      # executives quoted in 003
    ("王祖蓝", "wang_zulan"),                                                          # the host in 002
    ("卡美啦", "kameila"), ("网红猫", "wanghongmao"), ("遥望", "yaowang"),           # service companies
    ("新商业情报NBT", "nbt"), ("三声", "sansheng"), ("36氪", "kr36"),                # media
    ("孟美岐", "meng_meiqi"), ("张雨绮", "zhang_yuqi"), ("陈佩斯", "chen_peisi"),    # celebrities in 001
    ("快手新知识广播", "xinzhibo"),
])
def test_names_the_review_found_missing_are_entities_with_their_mentions(tables, name, entity):
    hits = [m for m in tables["mentions"] if m["quote"] == name]
    assert hits and {m["entity_id"] for m in hits} == {entity}


def test_counts(tables, review):
    assert (len(tables["entities"]), len(tables["mentions"]), len(tables["noise"])) == (106, 606, 196)
    assert review.reasons() == {"background_event": 3, "byline": 3, "collective": 1, "merchandise": 4,
                                "page_noise": 8, "place": 9, "unresolved_garbling": 1}


def test_every_noisy_mention_lies_in_its_noise_span_and_carries_its_id(tables):
    noise = {n["noise_id"]: n for n in tables["noise"]}
    noisy = [m for m in tables["mentions"] if m["is_noisy_variant"]]
    assert len(noisy) == 17
    for m in noisy:
        n = noise[m["noise_id"]]
        assert n["doc_id"] == m["doc_id"] and n["char_start"] <= m["char_start"] and m["char_end"] <= n["char_end"]
        assert n["noise_type"] in ("garbled_name", "synonym_substitution", "machine_translation"), m
    by_quote = Counter((m["quote"], noise[m["noise_id"]]["noise_type"]) for m in noisy)
    assert by_quote[("程以晓", "garbled_name")] == 3 and by_quote[("苏华", "garbled_name")] == 2
    # a mention inside any noise span carries the innermost one, inside none carries none
    assert sum(m["noise_id"] is not None for m in tables["mentions"]) == 66  # 50 in v0.10.0, before the noise pass


def test_a_noisy_alias_occurrence_without_its_noise_span_stops_the_build(project):
    edit(project / "seeds/annotations/001_35f7c8b8a9798a98.yaml",
         "  - id: n34\n    quote: 宁愿让程以晓掌权\n", "  - id: n34\n    quote: 双核管理模式\n    occurrence: 2\n")
    text = (project / "seeds/001_35f7c8b8a9798a98.txt").read_text(encoding="utf-8")
    err = build_fails(project, "001_35f7c8b8a9798a98.txt", "noisy alias '程以晓' of cheng_yixiao")
    assert err.line == text[: text.index("宁愿让程以晓掌权")].count("\n") + 1
    assert "garbled_name noise span" in err.reason


def test_a_noisy_alias_in_a_span_of_another_type_stops_the_build(project):
    edit(project / "seeds/annotations/001_35f7c8b8a9798a98.yaml", "    quote: 宁愿让程以晓掌权\n    type: garbled_name\n",
         "    quote: 宁愿让程以晓掌权\n    type: machine_translation\n")
    build_fails(project, "001_35f7c8b8a9798a98.txt", "its innermost noise span is 001-n34 (machine_translation)")


@pytest.mark.parametrize("old, new, reason", [
    ("  - {name: 南京, reason: place}\n", "  - {name: 南京, reason: town}\n", "'town' is not in vocabulary name_exclusion_reason"),
    ("  - {name: 南京, reason: place}\n", "  - {name: 戴珊, reason: place}\n", "'戴珊' is an alias of entity dai_shan"),
    ("  - {name: 南京, reason: place}\n", "  - {name: 上海, reason: place}\n", "'上海' occurs in none of the texts"),
    ("  - {name: 东京奥运会, reason: background_event}\n", "  - {name: 南京, reason: place}\n", "'南京' is listed twice"),
    ("  - {word: 沙发, reason: common_word}\n", "  - {word: 沙发, reason: common_word, why: x}\n", "Extra inputs are not permitted"),
])
def test_a_bad_row_of_the_name_review_stops_the_build_with_its_line(project, old, new, reason):
    line = edit(project / NAMES, old, new)
    build_fails(project, "names.yaml", reason, line=line)
