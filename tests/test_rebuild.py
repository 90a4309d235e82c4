"""A release that can be rebuilt (issue 25, item 4): it ships its build inputs in source/, `validate --rebuild`
makes every table again from them and compares byte for byte, naming the first differing table, row and
column; plain validate compares what only an input states (titles, sites, dates, tiers, URLs) with source/
and holds the inputs to their own rules."""
import datetime as dt
import json
import os
import shutil
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT
from test_mutations import _RECORD_OPENS

import schema
from scripts.files import sha256_file
from scripts.release import source
from scripts.release.rebuild import rebuild
from scripts.release.write import write_parquet


@pytest.fixture
def copy(release, tmp_path):
    """A scratch copy of the committed release, to edit."""
    return shutil.copytree(release, tmp_path / release.name)


def _manifest(release):
    return json.loads((release / "manifest.json").read_text(encoding="utf-8"))


def _rehash(release):
    """manifest.json made to agree with the files again (what a careful forger does)."""
    m = _manifest(release)
    for entry in m["tables"].values():
        entry["sha256"] = sha256_file(release / entry["file"])
        entry["rows"] = pq.ParquetFile(release / entry["file"]).metadata.num_rows
    for name in m["source"]["files"]:
        m["source"]["files"][name] = sha256_file(release / "source" / name)
    (release / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _set_cell(release, table, column, row, value):
    """Set one cell, in the first row from `row` on whose value is not already `value`; returns that row as it was."""
    path = release / f"{table}.parquet"
    t = pq.read_table(path)
    values = t.column(column).to_pylist()
    row = next(i for i in range(row, len(values)) if values[i] != value)
    values[row] = value
    i = t.schema.get_field_index(column)
    write_parquet(t.set_column(i, t.schema.field(i), pa.array(values, t.schema.field(i).type)), path)
    return t.slice(row, 1).to_pylist()[0]


def _tables(release):
    return {p.stem: pq.read_table(p) for p in release.glob("*.parquet")}


def test_the_release_ships_every_seed_file_and_the_schema_with_their_hashes(release):
    m = _manifest(release)
    shipped = m["source"]["files"]
    seeds = {f"seeds/{p.relative_to(ROOT / 'seeds').as_posix()}" for p in (ROOT / "seeds").rglob("*") if p.is_file()}
    assert set(shipped) == seeds | {"schema/tables.yaml", "schema/vocab.yaml"}
    assert {"seeds/sources.yaml", "seeds/annotations/entities.yaml", "seeds/annotations/events.yaml",
            "seeds/annotations/names.yaml", "seeds/reference/facts.yaml", "seeds/reference/gaps.yaml",
            "seeds/annotations/second_pass/000_7c51db7d224d44d0.jsonl"} <= set(shipped)
    for name, digest in shipped.items():
        assert sha256_file(release / "source" / name) == digest == sha256_file(ROOT / name), name
    assert m["source"]["built_by"] == {"project": "kuaishou-ecommerce-claims", "version": m["version"],
                                       "pyarrow": pa.__version__}
    assert source.hash_problems(release, m) == []


def test_publish_uploads_what_the_manifest_names_in_source(release, version):
    from scripts.publish import files_to_upload
    files = files_to_upload(ROOT / "dataset", version)
    shipped = [f"v{version}/source/{n}" for n in _manifest(release)["source"]["files"]]
    assert len(shipped) >= 20 and set(shipped) <= set(files)
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    croissant = json.loads((ROOT / "dataset" / "croissant.json").read_text(encoding="utf-8"))
    assert f"`v{version}/source/`" in card and f"v{version}/source/" in croissant["description"]


def test_the_committed_release_rebuilds_byte_for_byte(release):
    assert rebuild(release) == []


def test_a_one_cell_change_names_the_table_row_and_column(copy):
    row = _set_cell(copy, "claims", "scope", 3, "快手电商的全部GMV")
    _rehash(copy)
    found = rebuild(copy)
    assert [(p.table, p.column) for p in found] == [("claims", "scope")], found
    assert found[0].examples == [f"row claim_id={row['claim_id']!r}: release '快手电商的全部GMV', rebuilt {row['scope']!r}"]
    assert "rebuilt from source/" in found[0].check


def test_a_removed_row_is_named_by_its_key(copy):
    t = pq.read_table(copy / "noise.parquet")
    gone = t.column("noise_id")[0].as_py()
    write_parquet(t.slice(1), copy / "noise.parquet")
    _rehash(copy)
    found = rebuild(copy)
    assert [(p.table, p.column) for p in found] == [("noise", "(rows)")]
    assert f"noise_id={gone!r}" in found[0].examples[0]


def test_an_edited_input_is_refused_before_anything_is_rebuilt(copy):
    facts = copy / "source" / "seeds" / "reference" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("source_tier: secondary", "source_tier: primary", 1),
                     encoding="utf-8")
    found = rebuild(copy)
    assert [(p.table, p.column, p.check) for p in found] == [
        ("source", "seeds/reference/facts.yaml", "sha256 differs from manifest.json `source`")]


def test_a_release_built_with_another_schema_says_which_version_to_rebuild_it_with(copy):
    vocab = copy / "source" / "schema" / "vocab.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    _rehash(copy)
    found = rebuild(copy)
    assert [(p.table, p.column) for p in found] == [("source", "schema/vocab.yaml")]
    assert f"built by v{_manifest(copy)['version']} of kuaishou-ecommerce-claims" in found[0].check


def test_the_hub_copy_rebuilds_reading_nothing_of_the_checkout(release, tmp_path):
    """dataset/v<version> alone, outside the checkout, validated with --rebuild in a process of its own from a
    folder that is no project (the code is this checkout's, as the installed package is): exit 0, and no file
    of the checkout's seeds/ or dataset/ is opened."""
    hub = tmp_path / "hub" / release.name
    shutil.copytree(release, hub)
    record = tmp_path / "opened.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", _RECORD_OPENS, str(record), str(hub), "--rebuild", "--no-gx"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith(f"{hub}: valid"), r.stdout + r.stderr
    opened = json.loads(record.read_text(encoding="utf-8"))
    assert any(p.startswith(str(hub / "source" / "seeds")) for p in opened)
    assert [p for p in opened if p.startswith((str(ROOT / "seeds"), str(ROOT / "dataset")))] == []


def test_the_command_fails_on_a_one_cell_change_naming_table_row_and_column(copy, capsys):
    from scripts.validate import main
    doc = _set_cell(copy, "noise", "likely_reading", 0, "别的读法")
    _rehash(copy)
    assert main([str(copy), "--rebuild", "--no-gx"]) == 1
    out = capsys.readouterr().out
    assert f"noise.likely_reading: {source.PROJECT}" not in out  # the check, not the project, names the rule
    assert f"noise.likely_reading: equals the table rebuilt from source/ (validate --rebuild) — " \
           f"row noise_id={doc['noise_id']!r}: release '别的读法'" in out, out


# what only an input states, checked by plain validate against source/
@pytest.mark.parametrize("table, column, row, value", [
    ("documents", "site", 2, "tao92.com"),
    ("documents", "title", 0, "快手电商负责人笑古:快手电商里子藏着焦虑"),
    ("documents", "published_at", 1, None),
    # 10:04:01 local time read as UTC: eight hours later
    ("documents", "published_at", 1, dt.datetime(2023, 3, 9, 10, 4, 1, tzinfo=dt.UTC)),
    ("entities", "entity_type", 0, "organization"),
    ("entities", "parent_id", 5, None),
    ("reference_facts", "source_tier", 0, "primary"),
    ("reference_facts", "source_url", 1, "https://lieyunpro.com/archives/471481"),
])
def test_metadata_only_an_input_states_is_checked_against_source(copy, table, column, row, value):
    was = _set_cell(copy, table, column, row, value)
    _rehash(copy)
    found = source.problems(copy, _tables(copy))
    key = schema.load().tables[table].key[0]
    assert [(p.table, p.column) for p in found] == [(table, column)], found
    shown = repr(value) if not isinstance(value, dt.datetime) else "datetime.datetime(2023, 3, 9, 18, 4, 1, tzinfo="
    assert found[0].examples[0].startswith(f"row {key}={was[key]!r}: release {shown}"), found[0].examples
    assert ", source says " in found[0].examples[0]


def _edit_source(release, name, old, new):
    p = release / "source" / name
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    _rehash(release)


def test_a_source_date_before_its_period_end_needs_a_basis(copy):
    """The build's own loader (scripts/tables/reference_facts.py) refuses it first, at the shipped file and line;
    the check of the raw YAML (source.source_date_problems) says the same for a loader that would let it pass."""
    _edit_source(copy, "seeds/reference/facts.yaml", "source_date: '2020-11-05'", "source_date: '2018-11-05'")
    found = source.problems(copy, _tables(copy))
    assert [(p.table, p.column) for p in found] == [("source", "source/seeds/reference/facts.yaml")], found
    assert found[0].check.startswith("line 20: ") and "source_date_basis" in found[0].check
    facts = copy / "source" / "seeds" / "reference" / "facts.yaml"
    raw = source.source_date_problems(facts, copy)
    assert [(p.table, p.column) for p in raw] == [("reference_facts", "source_date")]
    assert raw[0].examples == ["fact_id=f_gmv_2018 (source/seeds/reference/facts.yaml:20): "
                               "source_date 2018-11-05 is before period_end 2018-12-31"]


def test_a_timestamp_without_a_timezone_in_the_inputs_is_refused(copy):
    _edit_source(copy, "seeds/sources.yaml", '"2023-03-09T10:04:01+08:00"', '"2023-03-09T10:04:01"')
    found = source.problems(copy, _tables(copy))
    assert [(p.table, p.column) for p in found] == [("source", "source/seeds/sources.yaml")], found
    assert "published_at" in found[0].check and "+08:00" in found[0].check and found[0].check.startswith("line 21:")


def test_the_timezone_rule_reads_every_scalar_of_every_yaml_input(tmp_path):
    seeds = tmp_path / "source" / "seeds"
    (seeds / "annotations").mkdir(parents=True)
    (seeds / "annotations" / "events.yaml").write_text(
        "- id: ev_a\n  evidence:\n    - seen: '2021-06-18 20:00'\n    - seen: '2021-06-18T20:00:00+08:00'\n"
        "  day: '2021-06-18'\n", encoding="utf-8")
    found = source.timezone_problems(seeds, tmp_path)
    assert [(p.table, p.column, p.examples) for p in found] == [
        ("source", "(timestamp)", ["source/seeds/annotations/events.yaml:3: seen 2021-06-18 20:00 has no timezone"])]


def test_manifest_inputs_that_disagree_with_the_shipped_files_are_named(copy):
    m = _manifest(copy)
    m["inputs"]["seeds/sources.yaml"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(m, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    found = rebuild(copy)
    assert [(p.table, p.column) for p in found] == [("manifest", "inputs")]
    assert found[0].examples == [f"seeds/sources.yaml: manifest {'0' * 64}, shipped {sha256_file(ROOT / 'seeds/sources.yaml')}"]


def test_an_annotation_that_disagrees_with_the_tables_is_found_by_the_rebuild_alone(copy):
    """A shipped annotation edited and re-hashed: nothing but the rebuild reads it, and the rebuild names the
    table, row and column that it would change."""
    _edit_source(copy, "seeds/annotations/000_7c51db7d224d44d0.yaml", "    confidence: medium\n", "    confidence: high\n")
    assert source.problems(copy, _tables(copy)) == []
    found = rebuild(copy)
    assert (found[0].table, found[0].column) == ("claims", "confidence")
    assert found[0].examples == ["row claim_id='000-c01': release 'medium', rebuilt 'high'"]
