"""The Spark engine (scripts/release/spark_build.py, schema/spark.py) in local[*]: a generated corpus built by Spark
jobs, five documents a task, gives the embedded build's bytes; its release validates clean with the pandera pyspark.sql schemas beside
everything else; a defect written into a copy is named by table and column. Spark starts once for the module
(after the embedded build, which forks its workers) and is stopped at its end."""
import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

import schema
from schema.derive import arrow_schema
from scripts import spark
from scripts.benchmark.generator.project import generate
from scripts.build import build
from scripts.files import sha256_file
from scripts.release import spark_checks
from scripts.release.write import write_parquet
from scripts.validate import validate

DOCS = 24
PART_DOCS = 5  # five parts: what crosses documents is found across parts


@pytest.fixture(scope="module")
def releases(tmp_path_factory, version):
    root = tmp_path_factory.mktemp("spark") / "project"
    generate(root, DOCS, 11, ROOT)
    build(root=root, dataset_root=root / "embedded", quiet=True, workers=2, docs=False)
    with_spark = build(root=root, dataset_root=root / "spark", quiet=True, docs=False, engine="spark", part_docs=PART_DOCS)
    yield root / "embedded" / f"v{version}", root / "spark" / f"v{version}", with_spark
    spark.stop()


def test_the_spark_build_equals_the_embedded_build_row_for_row_and_byte_for_byte(releases):
    embedded, with_spark, summary = releases
    assert summary["rows"]["documents"] == DOCS
    for name in schema.table_names():
        a, b = pq.read_table(embedded / f"{name}.parquet"), pq.read_table(with_spark / f"{name}.parquet")
        assert a.num_rows == b.num_rows and a.to_pylist() == b.to_pylist(), name
        assert (embedded / f"{name}.parquet").read_bytes() == (with_spark / f"{name}.parquet").read_bytes(), name
    assert (embedded / "manifest.json").read_bytes() == (with_spark / "manifest.json").read_bytes()


def test_the_spark_built_release_validates_clean_with_the_spark_engine(releases):
    _, with_spark, _ = releases
    assert validate(with_spark, gx=False, engine="spark") == []


def test_the_pyspark_schemas_name_table_and_column_of_a_defect(releases, tmp_path):
    _, with_spark, _ = releases
    broken = tmp_path / with_spark.name
    shutil.copytree(with_spark, broken)
    rows = pq.read_table(broken / "claims.parquet").to_pylist()
    rows[0]["metric"] = "mood"  # outside the vocabulary `metric`
    rows[1]["quote"] = None  # a null in a required column (the Arrow field is made nullable to hold it)
    nullable = pa.schema([f.with_nullable(True) if f.name == "quote" else f for f in arrow_schema("claims")])
    path = broken / "claims.parquet"
    write_parquet(pa.Table.from_pylist(rows, schema=nullable), path)
    manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["claims"]["sha256"] = sha256_file(path)  # only the defects are wrong, not the manifest
    (broken / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    found = {(p.table, p.column): p for p in spark_checks.form_problems(broken, ["claims"])}
    assert set(found) == {("claims", "metric"), ("claims", "quote")}
    assert "isin" in found["claims", "metric"].check
    assert "null" in " ".join(found["claims", "quote"].examples)
    assert all(p.check.startswith("pandera pyspark.sql: ") for p in found.values())


def test_bad_input_in_a_spark_task_stops_with_its_file_and_line(releases, tmp_path, version):
    """An InputError in a part's task comes back from the Python worker whole (file:line: reason), as the embedded
    build raises it, not as the text of a Spark task failure; nothing is written."""
    from scripts.errors import InputError
    project = tmp_path / "project"
    shutil.copytree(releases[0].parent.parent, project, ignore=shutil.ignore_patterns("embedded", "spark"))
    lines = (project / "seeds" / "annotations" / "documents.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    lines[16] = lines[16].replace('"quote":"', '"quote":"文中没有的一句话', 1)
    (project / "seeds" / "annotations" / "documents.jsonl").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=r"documents\.jsonl:17: .*quote"):
        build(root=project, dataset_root=project / "spark", quiet=True, docs=False, engine="spark", part_docs=PART_DOCS)
    assert not (project / "spark" / f"v{version}").exists()
    assert not [p for p in (project / "spark").iterdir() if p.name.startswith(".staging-")]


def test_the_five_seeds_built_a_document_a_task_are_the_release_byte_for_byte(releases, tmp_path, release):
    """The seeds have what generated corpora lack: events told in several documents (which keep those in one part),
    reviewed names, curated relations and gaps listing claims of several parts."""
    from conftest import copy_project

    from scripts.release import spark_build
    from scripts.release.write import differing_files
    project = copy_project(tmp_path / "project", with_dataset=False)
    ids, events = spark_build.corpus(project / "seeds")
    assert [len(p) for p in spark_build.parts_of(ids, events, 1)] == [4, 1]
    s = build(root=project, dataset_root=project / "dataset", quiet=True, docs=False, engine="spark", part_docs=1)
    assert differing_files(project / "dataset" / release.name, release) == []
    assert s["rows"]["claims"] == 116 and s["rows"]["events"] == 36


def _named(found, table: str, key: str) -> bool:
    lines = [f"{p.table} {p.column} {p.check} {' '.join(str(e) for e in p.examples)}" for p in found]
    return any(line.startswith(table + " ") and key in line for line in lines)


def test_the_spark_validation_names_what_crosses_parts(releases, tmp_path, monkeypatch):
    """Defects only the whole corpus shows, in a release the validation cuts into five parts: a relation across
    documents dropped and another turned round (the re-finding job), a row of no document (the count over the
    parts), an entity's mention count off by one (the sum of the parts' counts)."""
    from scripts.release import spark_validate
    from scripts.validate import check_with_spark
    _, with_spark, _ = releases
    broken = tmp_path / with_spark.name
    shutil.copytree(with_spark, broken)
    rows = {n: pq.read_table(broken / f"{n}.parquet").to_pylist() for n in ("claim_relations", "mentions", "entities")}
    across = [r for r in rows["claim_relations"] if r["cross_document"] and r["rule"] == "same_quantity"]
    dropped, turned = across[0], next(r for r in across[1:] if r["relation"] == "corroborates")
    rows["claim_relations"].remove(dropped)
    turned["relation"] = "contradicts"
    stray = dict(rows["mentions"][-1], doc_id="999", mention_id="999-m00001")
    rows["mentions"].append(stray)
    entity = next(e for e in rows["entities"] if e["n_mentions"] > 0 and e["entity_id"] != stray["entity_id"])
    entity["n_mentions"] += 1
    manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    for name, table_rows in rows.items():
        path = broken / f"{name}.parquet"
        write_parquet(pa.Table.from_pylist(table_rows, schema=arrow_schema(name)), path)
        manifest["tables"][name].update(sha256=sha256_file(path), rows=len(table_rows))
    (broken / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    monkeypatch.setattr(spark_validate, "PART_DOCS", PART_DOCS)
    found = check_with_spark(broken, gx=False)
    assert _named(found, "claim_relations", dropped["relation_id"])
    assert _named(found, "claim_relations", turned["relation_id"])
    assert any(p.table == "claim_relations" and p.column == "relation" and turned["relation_id"] in " ".join(p.examples)
               for p in found)
    assert any(p.table == "mentions" and p.column == "(rows)" and "1 of" in p.examples[0] for p in found)
    assert _named(found, "entities", entity["entity_id"])


FIVE_SEED_CASES = ("direction flipped, quote says 下降 (000-c01)", "claim deleted with every row naming it (001-c31)",
                   "mention deleted, counts lowered (last of 004)", "event duplicated under a new id",
                   "noise row duplicated under a new id (garbled name)", "person typed as an organisation",
                   "titles swapped between two documents", "fact tier secondary to primary",
                   "gap listing a claim that is supported", "a test row copied into train",
                   "completeness: in_page_noise off by one")


def test_the_spark_validation_names_each_corruption_the_embedded_one_names(release, tmp_path):
    """Eleven of tests/test_corruptions.py's cases, written together into one copy of the current release (each in its
    own rows and, where a check reports its first differing row, its own table, so none hides another; a claim
    some gap lists would make the shipped gaps.yaml refuse, and hide what the other inputs state): the Spark validation names each by table and key, as the embedded one does."""
    from test_corruptions import CASES, Release

    from scripts.validate import check_form, check_meaning, check_with_spark
    dst = tmp_path / release.name
    shutil.copytree(release, dst)
    r = Release(dst)
    named = {kind: CASES[kind](r) for kind in FIVE_SEED_CASES}
    r.save()
    tables, form = check_form(dst)
    embedded = form + check_meaning(dst, tables, form)
    found = check_with_spark(dst, gx=False)
    for kind, (table, key) in named.items():
        assert _named(embedded, table, str(key)), f"{kind}: the embedded validation does not name {table} {key}"
        assert _named(found, table, str(key)), f"{kind}: the Spark validation does not name {table} {key}"


def test_a_spark_rebuild_of_the_shipped_inputs_names_a_consistent_edit(releases, tmp_path, monkeypatch):
    """validate --rebuild --engine spark: the release made again by the Spark build from the source/ it ships, five
    documents a task, and compared a window of rows at a time (three windows here). A mention moved to another
    entity with every hash and count kept consistent passes every other check; the rebuild names its row."""
    from scripts.release import spark_rebuild
    _, with_spark, _ = releases
    assert spark_rebuild.rebuild(with_spark, part_docs=PART_DOCS) == []
    broken = tmp_path / with_spark.name
    shutil.copytree(with_spark, broken)
    rows = pq.read_table(broken / "mentions.parquet").to_pylist()
    moved = rows[len(rows) // 2]
    moved["entity_id"] = next(r["entity_id"] for r in rows if r["entity_id"] != moved["entity_id"])
    path = broken / "mentions.parquet"
    write_parquet(pa.Table.from_pylist(rows, schema=arrow_schema("mentions")), path)
    manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["mentions"]["sha256"] = sha256_file(path)
    (broken / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(spark_rebuild, "WINDOW", len(rows) // 3 + 1)
    found = spark_rebuild.rebuild(broken, part_docs=PART_DOCS)
    assert [(p.table, p.column) for p in found] == [("mentions", "entity_id")]
    assert moved["mention_id"] in found[0].examples[0]
