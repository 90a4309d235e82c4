"""What the Spark build (scripts/release/spark_build.py) rests on, checked without Spark: the relations found part by
part and group by group are the relations found at once; the corpus is cut into parts an event never straddles;
sorted parts merge into the embedded build's file, byte for byte while a table fits one row group and row for row
beyond; the manifest streamed is the manifest dumped whole; a part's build reads its own documents only."""
import json
import random
from collections import defaultdict

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

import schema
from schema.derive import arrow_schema
from scripts.inputs.seeds import load_seeds
from scripts.pipeline import build_tables, to_table
from scripts.release import merge, spark_build
from scripts.release.write import manifest_json, write_in_groups, write_parquet
from scripts.tables import claim_relations as cr


def _parts(tbl: pa.Table, n: int, tmp_path, seed: int = 0) -> list:
    """tbl's rows dealt at random into n parts, each sorted by the key (as a part's build writes it)."""
    key = schema.load().tables[tbl.schema.metadata[b"table"].decode()].key
    rng = random.Random(seed)
    idx: list[list[int]] = [[] for _ in range(n)]
    for i in range(tbl.num_rows):
        idx[rng.randrange(n)].append(i)
    out = []
    for j, rows in enumerate(idx):
        part = tbl.take(pa.array(rows, pa.int64())).sort_by([(k, "ascending") for k in key])
        merge.write_part(part, tmp_path / f"{j:03d}.parquet")
        out.append(tmp_path / f"{j:03d}.parquet")
    return out


def test_relations_found_per_part_and_per_group_are_the_relations_found_at_once(release):
    claims = pq.read_table(release / "claims.parquet").to_pylist()
    declared = cr.declared_from_rows(claims, pq.read_table(release / "claim_relations.parquet").to_pylist())
    at_once = cr.find_relations(claims, declared)
    by_doc, by_key = defaultdict(list), defaultdict(list)
    for c in claims:
        by_doc[c["doc_id"]].append(c)
        for rule, key in cr.ACROSS_DOCUMENTS:
            by_key[rule, key(c)].append(c)
    ids = {c["claim_id"]: c["doc_id"] for c in claims}
    within = [r for d, cs in by_doc.items()
              for r in cr.find_relations(cs, [x for x in declared if ids[next(iter(x[1].values()))["claim_id"]] == d],
                                         cr.WITHIN_DOCUMENT)]
    across = [r for (rule, _), cs in by_key.items() for r in cr.find_relations(cs, [], (rule,))]
    assert sorted(within + across, key=lambda r: r["relation_id"]) == at_once
    assert {r["rule"] for r in across} and {r["rule"] for r in within}  # both halves find something in the release
    assert len(at_once) == pq.read_table(release / "claim_relations.parquet").num_rows == 15


def test_a_part_holds_whole_documents_and_every_document_of_an_event():
    ids = [f"{i:03d}_x" for i in range(10)]
    events = [{"evidence": [{"doc_id": "001_x"}, {"doc_id": "008_x"}]}, {"evidence": [{"doc_id": "008_x"}, {"doc_id": "009_x"}]}]
    parts = spark_build.parts_of(ids, events, 3)
    assert sorted(d for p in parts for d in p) == ids
    part_of = {d: i for i, p in enumerate(parts) for d in p}
    assert part_of["001_x"] == part_of["008_x"] == part_of["009_x"]
    assert parts == [["000_x", "001_x", "002_x", "008_x", "009_x"], ["003_x", "004_x", "005_x"], ["006_x", "007_x"]]
    assert spark_build.parts_of(ids, [], 4) == [ids[:4], ids[4:8], ids[8:]]


@pytest.mark.parametrize("name", ["mentions", "claims", "documents", "claim_relations"])
def test_sorted_parts_merge_into_the_embedded_builds_bytes(release, tmp_path, name):
    whole = pq.read_table(release / f"{name}.parquet")
    out = tmp_path / "merged.parquet"
    rows, repeated = merge.merge_parts(_parts(whole, 4, tmp_path), list(schema.load().tables[name].key),
                                       arrow_schema(name), out)
    assert (rows, repeated) == (whole.num_rows, [])
    assert out.read_bytes() == (release / f"{name}.parquet").read_bytes()


def test_a_table_larger_than_a_row_group_merges_into_the_same_rows_in_more_groups(release, tmp_path, monkeypatch):
    whole = pq.read_table(release / "mentions.parquet")
    monkeypatch.setattr(merge, "GROUP_BYTES", whole.nbytes // 5)
    monkeypatch.setattr(merge, "BATCH_ROWS", 50)
    out = tmp_path / "merged.parquet"
    merge.merge_parts(_parts(whole, 3, tmp_path), ["mention_id"], arrow_schema("mentions"), out)
    assert pq.ParquetFile(out).metadata.num_row_groups >= 4
    assert pq.read_table(out).equals(whole)


def test_a_key_in_two_parts_is_reported(release, tmp_path):
    whole = pq.read_table(release / "claims.parquet")
    parts = _parts(whole, 2, tmp_path)
    again = whole.slice(7, 1)
    merge.write_part(again, tmp_path / "again.parquet")
    rows, repeated = merge.merge_parts(parts + [tmp_path / "again.parquet"], ["claim_id"], arrow_schema("claims"),
                                       tmp_path / "merged.parquet")
    assert rows == whole.num_rows + 1 and repeated == [again.column("claim_id")[0].as_py()]


def test_parts_with_no_rows_give_the_embedded_builds_empty_file(tmp_path):
    empty = arrow_schema("events").empty_table()
    write_parquet(empty, tmp_path / "whole.parquet")
    merge.write_part(empty, tmp_path / "p.parquet")
    merge.merge_parts([tmp_path / "p.parquet"], ["event_id"], arrow_schema("events"), tmp_path / "merged.parquet")
    assert (tmp_path / "merged.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()


def test_the_streamed_manifest_is_the_manifest_dumped_whole(release, tmp_path):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    completeness = m.pop("completeness")
    assert b"".join(manifest_json(m, iter(completeness))) == (release / "manifest.json").read_bytes()
    parts = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    merge.write_lines(completeness[1::2], parts[0])
    merge.write_lines(completeness[::2], parts[1])
    assert list(merge.merged_lines(parts, "doc_id")) == completeness
    assert b"".join(manifest_json(m, [])).decode().count('"completeness": []') == 1


def test_a_parts_build_reads_only_its_documents_and_equals_the_whole_builds_rows(tmp_path):
    seeds = load_seeds(ROOT / "seeds")
    one = frozenset({seeds[2].doc_id})
    assert [s.doc_id for s in load_seeds(ROOT / "seeds", one)] == [seeds[2].doc_id]
    whole, _ = build_tables(ROOT / "seeds")
    _, events = spark_build.corpus(ROOT / "seeds")
    part, completeness = build_tables(ROOT / "seeds", only=one, given={"events": lambda stage: events,
                                                                        "reference_gaps": spark_build._gaps})
    assert [c["doc_id"] for c in completeness] == [seeds[2].doc_id]
    assert to_table("events", events).equals(whole["events"])  # built from the documents events.yaml quotes only
    for name in ("noise", "mentions", "claims"):  # the document's rows are the whole build's
        mine = whole[name].filter(pa.compute.equal(whole[name]["doc_id"], seeds[2].doc_id))
        assert part[name].equals(mine), name


def test_a_part_out_of_key_order_is_refused(release, tmp_path):
    whole = pq.read_table(release / "claims.parquet")
    merge.write_part(whole.take(pa.array([3, 1, 2])), tmp_path / "p.parquet")
    with pytest.raises(ValueError, match=r"p\.parquet: a part not sorted by claim_id"):
        merge.merge_parts([tmp_path / "p.parquet"], ["claim_id"], arrow_schema("claims"), tmp_path / "m.parquet")


def test_a_table_merged_in_many_row_groups_is_rebuilt_to_its_bytes(release, tmp_path, monkeypatch):
    """validate --rebuild writes the rebuilt table in the released file's row groups: a large Spark-built table,
    cut where the merge cut it, is equal; the same rows cut elsewhere are not."""
    whole = pq.read_table(release / "mentions.parquet")
    monkeypatch.setattr(merge, "GROUP_BYTES", whole.nbytes // 3)
    monkeypatch.setattr(merge, "BATCH_ROWS", 50)
    out = tmp_path / "merged.parquet"
    merge.merge_parts(_parts(whole, 3, tmp_path), ["mention_id"], arrow_schema("mentions"), out)
    meta = pq.ParquetFile(out).metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert len(sizes) >= 3
    write_in_groups(whole, sizes, tmp_path / "again.parquet")
    assert (tmp_path / "again.parquet").read_bytes() == out.read_bytes()
    write_in_groups(whole, [sizes[0] + 1, sum(sizes) - sizes[0] - 1], tmp_path / "other.parquet")
    assert (tmp_path / "other.parquet").read_bytes() != out.read_bytes()
    # the Spark rebuild streams the rebuilt file instead of holding it: batches of any size, the same bytes
    batches = (pa.Table.from_batches([b]) for b in pq.ParquetFile(tmp_path / "other.parquet").iter_batches(batch_size=97))
    write_in_groups(batches, sizes, tmp_path / "streamed.parquet")
    assert (tmp_path / "streamed.parquet").read_bytes() == out.read_bytes()


def test_the_streamed_comparison_names_a_row_and_survives_a_damaged_page(release, tmp_path, monkeypatch):
    """validate --rebuild --engine spark compares files a window at a time (spark_rebuild.window_difference): an
    edited row in the second window is named by its key and column; a file whose pages are damaged behind an intact
    footer is reported unreadable, not raised."""
    from scripts.release import spark_rebuild
    monkeypatch.setattr(spark_rebuild, "WINDOW", 100)
    rows = pq.read_table(release / "mentions.parquet").to_pylist()
    write_parquet(pa.Table.from_pylist(rows, schema=arrow_schema("mentions")), tmp_path / "a.parquet")
    assert spark_rebuild.window_difference("mentions", tmp_path / "a.parquet", tmp_path / "a.parquet") is None
    rows[150]["quote"] += "X"
    write_parquet(pa.Table.from_pylist(rows, schema=arrow_schema("mentions")), tmp_path / "b.parquet")
    diff = spark_rebuild.window_difference("mentions", tmp_path / "a.parquet", tmp_path / "b.parquet")
    assert diff is not None and diff.column == "quote" and rows[150]["mention_id"] in diff.examples[0]
    data = bytearray((tmp_path / "a.parquet").read_bytes())
    data[100:4000] = b"\x00" * 3900  # the first pages, the footer kept
    (tmp_path / "c.parquet").write_bytes(bytes(data))
    diff = spark_rebuild.window_difference("mentions", tmp_path / "a.parquet", tmp_path / "c.parquet")
    assert diff is not None and diff.column == "(file)" and "unreadable Parquet" in diff.examples[0]
