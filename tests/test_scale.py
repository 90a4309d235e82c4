"""What broke when the corpus grew past the five seeds: more documents than markers,
ids with more digits (or only digits), colliding relation ids; and what keeps it linear: relations
found within blocks (the all-pairs oracles below), per-document stages in parallel processes."""
import datetime as dt
import itertools
import re
from itertools import combinations

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT, tree_digest

import schema
from scripts.benchmark.replicate import replicate
from scripts.build import build
from scripts.errors import InputError, ReleaseError
from scripts.inputs import yamlio
from scripts.inputs.yamlio import load_yaml
from scripts.normalize.intervals import previous_period, scope_key
from scripts.pipeline import build_tables
from scripts.tables import claim_relations
from scripts.tables.events import dates_disagree

FOUR_DIGITS = "1005_0123456789abcdef"
ALL_DIGITS = "006_9671518887900496"


@pytest.fixture(scope="module")
def seven(tmp_path_factory):
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
    monkeypatch.setattr(claim_relations, "rid", lambda rule, a, b: "rel-0000000000000000")
    with pytest.raises(ReleaseError, match=r"rel-0000000000000000 collides: .+ / .+ and .+ / .+"):
        build(root=project, quiet=True)


# --- linear by design: relations within a block, corroboration summarised by reading, each reading compared
# with its NEIGHBOURS nearest in value order ---------------------------------------------------------------

def all_pairs_same_quantity(claims):
    """The oracle: every pair of claims, compared when they are about the same quantity."""
    dated = sorted((c for c in claims if c["period_start"] is not None), key=lambda c: c["claim_id"])
    return [claim_relations.same_quantity_row(a, b) for a, b in combinations(dated, 2)
            if claim_relations.block(a) == claim_relations.block(b)]


def all_triples_direction(claims):
    """The oracle: every change claim against every pair of levels, the first usable earlier level kept."""
    out = []
    for c in claims:
        if not (c["is_change"] and c["unit"] == "percent" and c["direction_stated"] in ("increase", "decrease")
                and c["period_start"] is not None):
            continue
        prev = previous_period(c["period_start"], c["period_end"], c["change_basis"], c["period_granularity"])
        same = lambda x, period: (not x["is_change"] and x["period_start"] is not None and (x["subject_id"], x["metric"], scope_key(x["scope"]))
                                  == (c["subject_id"], c["metric"], scope_key(c["scope"])) and (x["period_start"], x["period_end"]) == period)
        for now in claims:
            if prev and same(now, (c["period_start"], c["period_end"])):
                row = claim_relations.direction_row(c, now, [b for b in claims if same(b, prev)])
                if row:
                    out.append(row)
    return out


def by_id(rows):
    return {r["relation_id"]: r for r in rows}


def test_blocked_relations_equal_all_pairs_on_the_release(release):
    claims = pq.read_table(release / "claims.parquet").to_pylist()
    assert by_id(claim_relations.same_quantity(claims)) == by_id(all_pairs_same_quantity(claims))
    assert len(claim_relations.same_quantity(claims)) == 3  # 000-c04/c06 contradict since both are 2022 (v0.9.0)
    assert by_id(claim_relations.direction_vs_values(claims)) == by_id(all_triples_direction(claims))
    stored = pq.read_table(release / "claim_relations.parquet").to_pylist()
    assert {r["relation_id"] for r in stored if r["rule"] == "same_quantity"} == set(by_id(all_pairs_same_quantity(claims)))


def test_a_block_of_many_readings_compares_each_with_its_neighbours_in_value_order():
    import random
    ids = [f"{i:03d}-c01" for i in range(90)]
    random.Random(0).shuffle(ids)  # value order is not id order

    def figure(i, cid, value):
        return {"claim_id": cid, "doc_id": cid[:3], "subject_id": "s", "metric": "gmv", "unit": "CNY", "scope": "GMV",
                "value": value, "value_surface": f"{value / 1e8:g}亿", "bound": "exact", "value_low": None,
                "value_high": None, "is_change": False, "change_basis": "none", "direction_stated": "none",
                "period_start": dt.date(2022, 1, 1), "period_end": dt.date(2022, 12, 31), "period_granularity": "year"}

    def block_of(n):
        return [figure(i, ids[i], (i + 1) * 1e8) for i in range(n)]

    k = claim_relations.NEIGHBOURS
    assert k == 8
    few = block_of(k + 1)  # every pair while a block holds NEIGHBOURS + 1 readings
    assert by_id(claim_relations.same_quantity(few)) == by_id(all_pairs_same_quantity(few))
    for n in (40, 80):
        claims = block_of(n) + [figure(0, "999-c01", 5e8)]  # 999 repeats the fifth figure: one row to it
        rows = claim_relations.same_quantity(claims)
        oracle = by_id(all_pairs_same_quantity(claims))
        assert all(oracle[r["relation_id"]] == r for r in rows)  # each row is the all-pairs row of its pair
        rank = {c["claim_id"]: int(c["value"] / 1e8) for c in claims}
        pairs = {frozenset((r["claim_id_a"], r["claim_id_b"])) for r in rows}
        assert pairs == {frozenset((a, b)) for a, b in combinations(ids[:n], 2) if abs(rank[a] - rank[b]) <= k} \
            | {frozenset((ids[4], "999-c01"))}
        assert len(rows) == k * n - k * (k + 1) // 2 + 1  # 285 and 605: linear in the block, not n(n - 1)/2
    # the figure far from the rest (100亿 against 1亿..9亿) contradicts its neighbours, as every pair would say
    odd = block_of(k) + [figure(k, ids[k], 100e8)]
    assert {r["relation"] for r in claim_relations.same_quantity(odd) if ids[k] in (r["claim_id_a"], r["claim_id_b"])} \
        == {"contradicts"}


@pytest.fixture(scope="module")
def twenty(tmp_path_factory):
    root = tmp_path_factory.mktemp("twenty") / "project"
    replicate(root, 20)
    return root


def test_grouped_corroboration_stands_for_every_pair_and_grows_linearly(twenty):
    tables, _ = build_tables(twenty / "seeds", workers=1)
    claims = tables["claims"].to_pylist()
    oracle = all_pairs_same_quantity(claims)
    grouped = claim_relations.same_quantity(claims)
    rep = {m["claim_id"]: members[0]["claim_id"] for by_reading in claim_relations.readings(claims).values()
           for members in by_reading.values() for m in members}
    found = {(r["claim_id_a"], r["claim_id_b"]): r["relation"] for r in grouped}
    for r in oracle:  # each pair relates as the representatives of its two readings do
        a, b = rep[r["claim_id_a"]], rep[r["claim_id_b"]]
        expected = "corroborates" if a == b else found[min(a, b), max(a, b)]
        assert r["relation"] == expected, r
    dated = sum(1 for c in claims if c["period_start"] is not None)
    assert len(grouped) < dated < len(oracle)  # four copies of each seed: pairs grow as n², one row per repeated figure
    assert set(by_id(grouped)) <= set(by_id(oracle))  # every row is one of the pairs, unchanged
    # the other rules stay within a document (or a declared check): the seeds' 12 relations, once per copy
    assert tables["claim_relations"].num_rows == len(grouped) + 12 * 4


def test_event_dates_disagree_as_pair_by_pair():
    days = [dt.date(2020, 1, d) for d in (1, 5, 9)]
    spans = [{"stated_date_start": s, "stated_date_end": e} for s, e in itertools.product(days, days) if s <= e]
    for k in range(1, 4):
        for dated in itertools.permutations(spans, k):
            pairwise = any(a["stated_date_end"] < b["stated_date_start"] for a in dated for b in dated if a is not b)
            assert dates_disagree(dated) == pairwise


def test_the_parallel_build_equals_the_single_process_build_byte_for_byte(twenty, tmp_path, version):
    one, two = tmp_path / "one", tmp_path / "two"
    build(root=twenty, dataset_root=one, quiet=True, workers=1, docs=False)  # the release folder only: no card
    build(root=twenty, dataset_root=two, quiet=True, workers=3, docs=False)
    files = sorted(p.name for p in (one / f"v{version}").iterdir())
    # the tables, the manifest and source/ (the build inputs the release ships)
    assert "claims.parquet" in files and "source" in files and len(files) == len(schema.table_names()) + 2
    assert tree_digest(one / f"v{version}") == tree_digest(two / f"v{version}")


def test_bad_input_in_a_worker_names_its_file_and_line(twenty):
    ann = sorted((twenty / "seeds" / "annotations").glob("0[1-9]*.yaml"))[-1]
    backup = ann.read_text(encoding="utf-8")
    try:
        lines = backup.splitlines(keepends=True)
        k = next(i for i, line in enumerate(lines) if line.lstrip().startswith("- id: c"))
        lines[k] = lines[k].replace("- id: c", "- id: x")
        ann.write_text("".join(lines), encoding="utf-8")
        with pytest.raises(InputError, match=rf"{ann.name}:{k + 1}: claims\.0\.id"):
            build_tables(twenty / "seeds", workers=2)
    finally:
        ann.write_text(backup, encoding="utf-8")


def test_yaml_is_read_by_libyaml_with_the_right_line_numbers(tmp_path):
    assert yaml.__with_libyaml__ and issubclass(yamlio._Loader, yaml.CSafeLoader)
    p = tmp_path / "x.yaml"
    p.write_text("a: 1\nb:\n  - c: 2\n  - c: 3\n    c: 4\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.yaml:5: duplicate key 'c'"):
        yamlio.load_yaml(p)
    p.write_text("a: 1\nb: [1, 2\nc: 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.yaml:3: YAML syntax error"):
        yamlio.load_yaml(p)
    p.write_text("a:\n  - 1\n  - x: 2\n    y: 3\n", encoding="utf-8")
    data = yamlio.load_yaml(p)
    assert data.key_lines == {"a": 1} and data["a"].item_lines == [2, 3] and data["a"][1].key_lines == {"x": 3, "y": 4}
