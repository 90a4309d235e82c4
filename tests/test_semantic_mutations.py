"""Semantic mutation suite: each case rewrites a copy of the release *consistently*
(valid types, vocabularies, keys, spans; manifest.json re-hashed), so that only what
the data means can betray it. Validation must fail and name the defect; the form
checks alone (pandera, cross-table, manifest) must not see it. (validate() is form then
meaning; each exit status follows from it: see tests/test_mutations.py.) Run in-process and
without Great Expectations (no case here is about GX: tests/test_mutations.py runs the whole
command once as a process on an intact copy, and checks there that validation opens nothing
outside the release)."""
import datetime as dt
import hashlib
import json
import shutil

import pytest
from test_mutations import edit, first, rows, write

import schema
from scripts.normalize.values import parse_value
from scripts.validate import check_form, check_meaning
from scripts.validate import main as validate_main

# pandera runs once per distinct table content: each case differs from the release in a table or two
pytestmark = pytest.mark.usefixtures("pandera_once_per_content")


def _year(d: dt.date, n: int) -> dt.date:
    return d.replace(year=d.year + n)


def _value_times(surface, factor):
    def fn(d):
        c = first(lambda r: r["value_surface"] == surface)(d)
        c.update(value=c["value"] * factor, value_reconciled=c["value_reconciled"] * factor)
    return edit("claims", fn)


def _surface_and_value(d):
    c = first(lambda r: r["value_surface"] == "596亿")(d)
    c.update(value_surface="597亿", value=597e8, value_reconciled=597e8)


def _span_shift(d):
    c = first(lambda r: r["value_surface"] == "596亿")(d)
    c.update(value_char_start=c["value_char_start"] + 2, value_char_end=c["value_char_end"] + 2)


def _span_outside(d):
    c = first(lambda r: r["value_char_end"] == r["char_end"])(d)
    c.update(char_end=c["char_end"] - 1, quote=c["quote"][:-1])


def _other_unit(d):
    units = {m: v["units"] for m, v in schema.load().vocab["metric"].items()}
    c = first(lambda r: parse_value(r["value_surface"]).unit and len(units[r["metric"]]) > 1 and not r["is_change"]
              and r["metric"] not in ("share", "revenue_share", "repurchase_rate", "penetration_rate"))(d)
    c["unit"] = next(u for u in units[c["metric"]] if u != c["unit"])


def _bound_changed(d):
    c = first(lambda r: r["bound"] == "more_than")(d)
    c["bound"] = "at_least"


def _low_changed(d):
    c = first(lambda r: r["bound"] == "more_than" and r["value"] > 0)(d)
    c["value_low"] = c["value"] / 2


def _period_year(d):
    c = first(lambda r: r["period_surface"] == "2020年" or (r["period_resolution"] == "explicit" and r["period_granularity"] == "year"))(d)
    c.update(period_start=_year(c["period_start"], 1), period_end=_year(c["period_end"], 1),
             period_start_reconciled=_year(c["period_start_reconciled"], 1), period_end_reconciled=_year(c["period_end_reconciled"], 1))


def _granularity_day(d):
    first(lambda r: r["period_granularity"] == "year")(d)["period_granularity"] = "day"


def _resolution(d):
    first(lambda r: r["period_resolution"] == "explicit")(d)["period_resolution"] = "relative"


def _context_period(d):
    c = first(lambda r: r["period_resolution"] == "context" and r["period_granularity"] == "quarter" and not r["reconciled_by"])(d)
    c.update(period_start=dt.date(2029, 1, 1), period_end=dt.date(2029, 3, 31),
             period_start_reconciled=dt.date(2029, 1, 1), period_end_reconciled=dt.date(2029, 3, 31))


def _document_date(d):
    c = first(lambda r: r["period_resolution"] == "document_date")(d)
    day = c["period_start"] - dt.timedelta(days=30)
    c.update(period_start=day, period_end=day, period_start_reconciled=day, period_end_reconciled=day)


def _unknown_period(d):
    c = first(lambda r: r["period_resolution"] == "unknown")(d)
    c.update(period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31), period_granularity="year",
             period_start_reconciled=dt.date(2021, 1, 1), period_end_reconciled=dt.date(2021, 12, 31))


def _amount_pinned_to_writing_date(d):
    """An annual amount with no year (年营业额, 002-c09) read as holding on the writing date."""
    c = first(lambda r: r["claim_id"] == "002-c09")(d)
    day = dt.date(2019, 6, 26)
    c.update(period_start=day, period_end=day, period_granularity="point", period_resolution="document_date",
             period_start_reconciled=day, period_end_reconciled=day)


def _reconciled_value(d):
    c = first(lambda r: not r["reconciled_by"] and r["unit"] == "CNY")(d)
    c["value_reconciled"] = c["value"] * 10


def _reconciled_by_dropped(d):
    c = first(lambda r: r["reconciled_by"] and r["value_reconciled"] == r["value"])(d)
    c["reconciled_by"] = []


def _supported(d):
    v = first(lambda r: r["verdict"] == "refuted")(d)
    v.update(verdict="supported", relative_error=0.0)


def _refuted(d):
    first(lambda r: r["verdict"] == "supported")(d)["verdict"] = "refuted"


def _fact_ids(d):
    used = {f for r in d for f in r["fact_ids"]}
    v = first(lambda r: r["verdict"] == "supported" and len(r["fact_ids"]) == 1)(d)
    v["fact_ids"] = [next(f for f in sorted(used) if f not in v["fact_ids"])]


def _verdict_reconciled(d):
    v = first(lambda r: r["verdict_reconciled"] != r["verdict"])(d)
    v["verdict_reconciled"] = v["verdict"]


def _fact_value(d):
    f = first(lambda r: r["bound"] == "exact" and r["change_basis"] == "none")(d)
    f["value"] *= 10


def _fact_bound(d):
    f = first(lambda r: r["bound"] == "exact")(d)
    f.update(bound="approx")


def _fact_printed(d):
    f = first(lambda r: r["bound"] == "exact" and r["unit"] == "CNY" and r["value_as_printed"])(d)
    f["value_as_printed"] = "人民币1亿元"


def _relation(d):
    first(lambda r: r["relation"] == "corroborates")(d)["relation"] = "contradicts"


def _relation_dropped(d):
    d.remove(first(lambda r: not r["curated"])(d))


def _curated(d):
    first(lambda r: r["curated"] and r["relation"] == "arithmetic_consistent")(d)["relation"] = "arithmetic_inconsistent"


def _relation_expected(d):
    r = first(lambda r: r["expected"] is not None and not r["curated"])(d)
    r["expected"] = r["expected"] * 2


def _cross_document(d):
    r = first(lambda r: True)(d)
    r["cross_document"] = not r["cross_document"]


def _label(d):
    first(lambda r: r["label"] == "refuted")(d)["label"] = "supported"


def _target_value(d):
    t = first(lambda r: r["targets"])(d)["targets"][0]
    t["value"] = t["value"] * 100


def _target_claim(d):
    first(lambda r: r["targets"])(d)["targets"][0]["claim_id"] = "999-c99"


def _dup_task(d):
    d.append(dict(d[-1]))


def _noise_target(d):
    t = first(lambda r: r["targets"])(d)["targets"][0]
    t["noise_type"] = "typo" if t["noise_type"] != "typo" else "seo_spam"


def _evidence_fact(d):
    first(lambda r: r["evidence_pool"])(d)["evidence_pool"][0]["fact_id"] = "f_nowhere"


def _evidence_value(d):
    e = first(lambda r: r["evidence_pool"])(d)["evidence_pool"][0]
    e["value"] = e["value"] * 10


def _pool_swapped(d):
    """A pool that is not the one the rule draws: its last fact swapped for another claim's."""
    a = first(lambda r: r["label"] == "not_enough_info")(d)
    b = next(r for r in d if r["evidence_pool"][-1]["fact_id"] != a["evidence_pool"][-1]["fact_id"]
             and r["evidence_pool"][-1]["fact_id"] not in [e["fact_id"] for e in a["evidence_pool"]])
    a["evidence_pool"][-1] = dict(b["evidence_pool"][-1])


def _gold_facts_dropped(d):
    first(lambda r: r["evidence_fact_ids"])(d)["evidence_fact_ids"] = []


def _context_changed(d):
    v = first(lambda r: len(r["context"]) > 10)(d)
    v["context"] = v["context"][1:]


def _claim_dropped(release):
    """A claim without relations or noise links removed with its verdict and its verification
    row, documents.n_claims lowered: only extraction still lists it."""
    linked = {r[k] for r in rows(release, "claim_relations") for k in ("claim_id_a", "claim_id_b")}
    linked |= {c for n in rows(release, "noise") for c in n["claim_ids"]}
    claims = rows(release, "claims")
    gone = first(lambda r: r["claim_id"] not in linked)(claims)
    write(release, "claims", [c for c in claims if c is not gone])
    for table in ("claim_verdicts", "verification"):
        write(release, table, [r for r in rows(release, table) if r["claim_id"] != gone["claim_id"]])
    docs = rows(release, "documents")
    first(lambda r: r["doc_id"] == gone["doc_id"])(docs)["n_claims"] -= 1
    write(release, "documents", docs)


def _n_claims(d):
    d[0]["n_claims"] += 1


def _n_noise(d):
    d[1]["n_noise"] -= 1


def _n_mentions(d):
    d[0]["n_mentions"] += 1


def _n_sources(d):
    first(lambda r: r["n_sources"] >= 1)(d)["n_sources"] += 1


def _text_outside_spans(release):
    """One character of a document changed where no span points, sha256 recomputed to match."""
    docs = rows(release, "documents")
    d = docs[0]
    covered = set()
    for table in ("claims", "noise", "mentions"):
        for r in rows(release, table):
            if r["doc_id"] == d["doc_id"]:
                covered |= set(range(r["char_start"], r["char_end"]))
    for e in rows(release, "events"):
        for x in e["evidence"]:
            if x["doc_id"] == d["doc_id"]:
                covered |= set(range(x["char_start"], x["char_end"]))
    i = next(i for i, ch in enumerate(d["text"]) if i not in covered and ch == "的")
    d["text"] = d["text"][:i] + "地" + d["text"][i + 1:]
    d["sha256"] = hashlib.sha256(d["text"].encode("utf-8")).hexdigest()
    write(release, "documents", docs)


def _seed_hash_in_manifest(release):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    seed = sorted(k for k in m["inputs"] if k.endswith(".txt"))[0]
    m["inputs"][seed] = "0" * 64
    (release / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def _mention_entity(release):
    """A mention pointed at another existing entity, both entities' counts kept consistent."""
    mentions = rows(release, "mentions")
    m = mentions[0]
    ents = rows(release, "entities")
    old = first(lambda e: e["entity_id"] == m["entity_id"])(ents)
    new = first(lambda e: e["entity_id"] != m["entity_id"])(ents)
    m["entity_id"] = new["entity_id"]
    old["n_mentions"] -= 1
    new["n_mentions"] += 1
    write(release, "mentions", mentions)
    write(release, "entities", ents)


def _noisy_variant(d):
    m = first(lambda r: r["is_noisy_variant"])(d)
    m["is_noisy_variant"] = False


def _noise_id_other(d):
    m = first(lambda r: r["noise_id"] == "001-n34")(d)
    m["noise_id"] = "001-n18"  # a garbled-name span of the same document and entity, elsewhere


def _in_page_noise(d):
    m = first(lambda r: not r["in_page_noise"])(d)
    m["in_page_noise"] = True


def _mention_id(d):
    m = d[0]
    m["mention_id"] = m["mention_id"][:-1] + ("1" if m["mention_id"][-1] != "1" else "2")


def _text_clean(d):
    d[0]["text_clean"] = d[0]["text_clean"] + "。"


def _noise_other_doc(d):
    n = first(lambda r: r["claim_ids"])(d)
    other = first(lambda r: r["doc_id"] != n["doc_id"] and r["claim_ids"])(d)
    n["claim_ids"] = [other["claim_ids"][0]]


def _disagreement(d):
    e = first(lambda r: True)(d)
    e["date_disagreement"] = not e["date_disagreement"]


def _evidence_date(d):
    x = first(lambda r: any(x["stated_date_start"] for x in r["evidence"]))(d)
    item = next(i for i in x["evidence"] if i["stated_date_start"])
    item["stated_date_start"], item["stated_date_end"] = _year(item["stated_date_start"], 3), _year(item["stated_date_end"], 3)


def _event_precision(d):
    e = first(lambda r: r["date_precision"] == "day")(d)
    e["date_precision"] = "year"


def _event_date(d):
    e = first(lambda r: r["date_start"] and r["date_precision"] == "month")(d)
    e["date_start"], e["date_end"] = _year(e["date_start"], -1), _year(e["date_end"], -1)


# kind: (mutation, the finding that must name it)
SEMANTIC = {
    "claim value x10, surface unchanged": (_value_times("596亿", 10), "claims.value: re-derived from value_surface — e.g. 004-c14: expected 59600000000.0, found 596000000000.0"),
    "claim surface and value rewritten together": (edit("claims", _surface_and_value), "claims.value_surface: text[value_char_start:value_char_end] == value_surface"),
    "value span shifted by two characters": (edit("claims", _span_shift), "claims.value_surface: text[value_char_start:value_char_end] == value_surface"),
    "value span outside the claim span": (edit("claims", _span_outside), "claims.value_char_start: value span inside the claim span"),
    "unit contradicting the surface": (edit("claims", _other_unit), "claims.unit: re-derived from value_surface"),
    "bound contradicting the surface": (edit("claims", _bound_changed), "claims.bound: re-derived from value_surface"),
    "value_low contradicting the surface": (edit("claims", _low_changed), "claims.value_low: re-derived from value_surface"),
    "period shifted by a year": (edit("claims", _period_year), "claims.period_start: re-resolved from period_surface and reference_date"),
    "granularity day on a year period": (edit("claims", _granularity_day), "claims.period_granularity: consistent with the period's length"),
    "resolution relabelled": (edit("claims", _resolution), "claims.period_resolution: re-resolved from period_surface"),
    "context period no context can give": (edit("claims", _context_period), "claims.period_start: re-resolved from period_surface and reference_date (with context words)"),
    "'now' claim moved off the reference date": (edit("claims", _document_date), "claims.period_start: re-resolved from period_surface and reference_date"),
    "period on a claim without one": (edit("claims", _unknown_period), "claims.period_start: empty when period_resolution is unknown"),
    "annual amount pinned to the writing date": (edit("claims", _amount_pinned_to_writing_date),
                                                 "claims.period_resolution: a claim without period words is a level in a sentence without period words — e.g. 002-c09"),
    "reconciled value without a noise label": (edit("claims", _reconciled_value), "claims.value_reconciled: re-derived from the noise labels"),
    "reconciled_by dropped": (edit("claims", _reconciled_by_dropped), "claims.reconciled_by: re-derived from the noise labels"),
    "refuted verdict set to supported": (edit("claim_verdicts", _supported), "claim_verdicts.verdict: re-judged against reference_facts"),
    "supported verdict set to refuted": (edit("claim_verdicts", _refuted), "claim_verdicts.verdict: re-judged against reference_facts"),
    "verdict resting on another fact": (edit("claim_verdicts", _fact_ids), "claim_verdicts.fact_ids: re-judged against reference_facts"),
    "verdict_reconciled copied from verdict": (edit("claim_verdicts", _verdict_reconciled), "claim_verdicts.verdict_reconciled: re-judged"),
    "reference fact value x10": (edit("reference_facts", _fact_value), "reference_facts.value: re-derived from value_as_printed"),
    "reference fact bound": (edit("reference_facts", _fact_bound), "reference_facts.bound: re-derived from value_as_printed"),
    "reference fact printed figure rewritten": (edit("reference_facts", _fact_printed), "reference_facts.value: re-derived from value_as_printed"),
    "corroborates turned into contradicts": (edit("claim_relations", _relation), "claim_relations.relation: re-found by the relation rules"),
    "relation the rules find dropped": (edit("claim_relations", _relation_dropped), "claim_relations.(row): re-found by the relation rules: a row the rules derive is missing"),
    "curated check outcome flipped": (edit("claim_relations", _curated), "claim_relations.relation: re-found by the relation rules"),
    "relation expected value": (edit("claim_relations", _relation_expected), "claim_relations.expected: re-found by the relation rules"),
    "relation cross_document flag": (edit("claim_relations", _cross_document), "claim_relations.cross_document: re-found"),
    "verification label differs from the verdict": (edit("verification", _label), "verification.label: rebuilt from the base tables"),
    "verification evidence figure": (edit("verification", _evidence_value), "verification.evidence_pool: rebuilt from the base tables"),
    "verification evidence names no fact": (edit("verification", _evidence_fact), "verification.evidence_pool.fact_id: references reference_facts.fact_id"),
    "verification pool not drawn by the rule": (edit("verification", _pool_swapped), "verification.evidence_pool: rebuilt from the base tables"),
    "verification gold facts dropped": (edit("verification", _gold_facts_dropped), "verification.evidence_fact_ids: rebuilt from the base tables"),
    "verification context": (edit("verification", _context_changed), "verification.context: rebuilt from the base tables"),
    "extraction target value x100": (edit("extraction", _target_value), "extraction.targets: rebuilt from the base tables"),
    "extraction target names no claim": (edit("extraction", _target_claim), "extraction.targets.claim_id: references claims.claim_id"),
    "duplicate row in a task table": (edit("verification", _dup_task), "verification.claim_id: key unique"),
    "duplicate document in extraction": (edit("extraction", _dup_task), "extraction.doc_id: key unique"),
    "claim dropped, extraction still lists it": (_claim_dropped, "extraction.targets.claim_id: references claims.claim_id"),
    "noise target type": (edit("noise_detection", _noise_target), "noise_detection.targets: rebuilt from the base tables"),
    "documents.n_claims wrong": (edit("documents", _n_claims), "documents.n_claims: recount of claims rows"),
    "documents.n_noise wrong": (edit("documents", _n_noise), "documents.n_noise: recount of noise rows"),
    "entities.n_mentions wrong": (edit("entities", _n_mentions), "entities.n_mentions: recount of mentions rows"),
    "events.n_sources wrong": (edit("events", _n_sources), "events.n_sources: recount"),
    "text changed outside every span, sha256 recomputed": (_text_outside_spans, "documents.sha256: documents.sha256 equals the seed hash in manifest.json inputs"),
    "seed hash in the manifest differs": (_seed_hash_in_manifest, "equals the seed hash in manifest.json inputs"),
    "mention pointed at another entity": (_mention_entity, "mentions.entity_id: the quote is an alias of the entity"),
    "mention no longer flagged noisy": (edit("mentions", _noisy_variant), "mentions.is_noisy_variant"),
    "mention flagged as page noise": (edit("mentions", _in_page_noise), "mentions.in_page_noise: inside a page-noise span"),
    "mention pointed at another noise span": (edit("mentions", _noise_id_other), "mentions.noise_id: the shortest noise span containing the mention"),
    "mention id not its position": (edit("mentions", _mention_id), "mentions.mention_id: <doc number>-m<char_start>"),
    "text_clean altered": (edit("documents", _text_clean), "documents.text_clean: re-derived from text"),
    "noise linked to another document's claim": (edit("noise", _noise_other_doc), "noise.claim_ids: claims of the same document"),
    "event date_disagreement flipped": (edit("events", _disagreement), "events.date_disagreement: recomputed"),
    "event evidence date shifted": (edit("events", _evidence_date), "events.evidence.stated_date_start: re-resolved from date_surface"),
    "event precision wrong": (edit("events", _event_precision), "events.date_precision: consistent with the event's dates"),
    "event date from no evidence": (edit("events", _event_date), "events.date_start: the date of one evidence item"),
}


@pytest.fixture
def copy(release, tmp_path):
    dst = tmp_path / release.name
    shutil.copytree(release, dst)
    return dst


def test_at_least_30_semantic_kinds():
    assert len(SEMANTIC) >= 30


def test_intact_copy_passes_without_gx(copy, capsys):
    assert validate_main([str(copy), "--no-gx"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("kind", sorted(SEMANTIC))
def test_validation_names_the_semantic_defect(copy, kind):
    mutate, expected = SEMANTIC[kind]
    mutate(copy)
    tables, form = check_form(copy)  # the two halves of validate(), so that the form pass runs once
    assert form == [], f"{kind}: the form checks already see it, so it proves nothing about meaning: {form}"
    found = check_meaning(copy, tables, form)
    assert found, f"{kind}: validation passes"
    report = "\n".join(str(p) for p in found)
    assert expected in report, f"{kind}: {expected!r} not in\n{report}"
