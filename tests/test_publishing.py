"""Publishing: every config loads with its types, Croissant reads, documented queries run,
releases diff, publish dry-runs (the token and dirty-tree refusals: test_hub.py)."""
import re
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, STRAY

import schema

DOCS = ["README.md", "dataset/README.md", "DATASHEET.md"]


def _terms(feature, value):
    """A loaded value with its ClassLabel ints (the task configs' vocabularies) read back as the stored terms."""
    import datasets
    if value is None:
        return None
    if isinstance(feature, datasets.ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, datasets.List):
        return [_terms(feature.feature, v) for v in value]
    if isinstance(feature, dict):
        return {k: _terms(f, value[k]) for k, f in feature.items()}
    return value


@pytest.mark.parametrize("name", schema.table_names())
def test_every_config_loads_offline_value_for_value(release, name):
    import datasets
    ds = datasets.load_dataset(str(ROOT / "dataset"), name, split=schema.load().tables[name].split)
    loaded = [{k: _terms(ds.features[k], v) for k, v in row.items()} for row in ds.to_list()]
    assert loaded == pq.read_table(release / f"{name}.parquet").to_pylist()


def test_card_yaml_has_one_config_per_table(version):
    import yaml
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    head = yaml.safe_load(card.split("---")[1])
    assert [c["config_name"] for c in head["configs"]] == schema.table_names()
    assert all(c["data_files"][0]["path"] == f"v{version}/{c['config_name']}.parquet" for c in head["configs"])
    assert head["language"] == ["zh", "en"] and head["size_categories"] == ["1K<n<10K"]
    assert sum(1 for c in head["configs"] if c.get("default")) == 1
    assert head["license"] == "other" and (ROOT / "dataset" / head["license_link"]).is_file()
    assert card.count("<summary>Example row</summary>") == len(schema.table_names())
    assert "## Citation" in card and "@misc{kuaishou_ecommerce_claims" in card


def test_croissant_reads_every_record_set(release):
    import json

    import mlcroissant as mlc
    ds = mlc.Dataset(jsonld=str(ROOT / "dataset" / "croissant.json"))
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    for name in schema.table_names():
        records = list(ds.records(record_set=name))
        assert len(records) == manifest["tables"][name]["rows"], name
        assert set(records[0]) == {f"{name}/{c}" for c in schema.load().tables[name].column_names}
    ev = next(r for r in ds.records(record_set="events") if r["events/event_id"] == b"ev_yinli_2021")
    assert {x["events/evidence/doc_id"] for x in ev["events/evidence"]} == {b"003_c2ea40f74879899f", b"004_54b17cd3334fa9d2"}


def _sql_blocks():
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        for i, block in enumerate(re.findall(r"```sql\n(.*?)```", text, re.S)):
            if "hf://" not in block:  # the remote form is checked against its local twin in test_hub.py
                yield pytest.param(doc, block, id=f"{doc}#{i}")


@pytest.mark.parametrize("doc, sql", list(_sql_blocks()))
def test_documented_queries_run_from_the_project_root(release, doc, sql, monkeypatch):
    """The README's route from the project root: DuckDB's file search path set to dataset/."""
    import duckdb
    monkeypatch.chdir(ROOT)
    con = duckdb.connect()
    con.execute("SET file_search_path = 'dataset'")
    con.execute((ROOT / "dataset" / "views.sql").read_text(encoding="utf-8"))
    rows = con.sql(sql).fetchall()
    assert rows, f"query in {doc} returned nothing"


def test_queries_return_what_the_docs_promise(release, monkeypatch):
    import duckdb
    monkeypatch.chdir(ROOT / "dataset")
    con = duckdb.connect()
    con.execute((ROOT / "dataset" / "views.sql").read_text(encoding="utf-8"))
    blocks = dict((b.splitlines()[0], b) for b in re.findall(r"```sql\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S))
    gmv = con.sql(next(b for k, b in blocks.items() if "GMV" in k)).fetchall()
    assert ("000-c04", "9012万元") in [(r[2], r[3]) for r in gmv]
    contra = con.sql(next(b for k, b in blocks.items() if "contradictions" in k)).fetchall()
    assert {(r[2], r[4]) for r in contra} == {("000-c04", "000-c06"), ("004-c02", "004-c03")}


def test_diff_between_two_releases():
    from scripts.diff import diff
    d = diff(ROOT / "dataset" / "v0.2.0", ROOT / "dataset" / "v0.3.0")
    assert d["entities"]["added"] == ["jt_express"]
    assert d["claim_relations"]["new_table"] and len(d["claim_relations"]["added"]) == 14
    assert "value_reconciled" in d["claims"]["columns_added"]
    assert d["claims"]["changed"]["000-c06"] == {"scope": ["电商GMV (annual scale)", "快手电商GMV (annual scale; stated as 电商GMV)"]}
    assert d["events"] == {"added": [], "removed": [], "changed": {}, "columns_added": [], "columns_removed": [], "new_table": False}
    r = subprocess.run([sys.executable, "-m", "scripts.diff", "0.2.0", "0.3.0", "--limit", "3"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0 and "+ jt_express" in r.stdout and "noise: +54 added" in r.stdout
    # old → new per cell, and what was left out is counted, not dropped silently
    assert '~ 001-m169.entity_id: "jd_logistics" → "jt_express"' in r.stdout
    assert f"… and {len(d['mentions']['changed']) - 3} more changed rows" in r.stdout
    assert f"… and {len(d['noise']['added']) - 3} more added rows" in r.stdout


def test_diff_json_and_list_of_struct_cells(capsys):
    """The other forms in-process (the command as a process of its own: the test above)."""
    import json

    from scripts.diff import diff, main
    assert main(["0.2.0", "0.3.0", "--json"]) == 0
    added = diff(ROOT / "dataset" / "v0.2.0", ROOT / "dataset" / "v0.3.0")["noise"]["added"]
    assert json.loads(capsys.readouterr().out)["tables"]["noise"]["added"] == added
    # a list of structs: the first item that differs, only its changed fields
    assert main(["0.7.0", "0.8.0"]) == 0
    assert re.search(r'~ ev_\w+\.evidence\[0\]: \{"date_surface": .*→ \{"stated_date_surface"', capsys.readouterr().out)


def test_publish_dry_run_lists_files_and_tag(publish_dry_run, version):
    rc, out, err, _ = publish_dry_run
    assert rc == 0, err
    assert f"tag v{version}" in out
    listed = dict(re.findall(r"^  (\S+)  \((\d[\d.]* [KM]?B)\)$", out, re.M))  # every file with its size
    assert f"v{version}/claims.parquet" in listed and "README.md" in listed and "croissant.json" in listed
    assert not any(f.startswith(".") for f in listed)
    # the takedown policy: only the newest release is uploaded
    assert {f.split("/")[0] for f in listed if re.match(r"v\d", f)} == {f"v{version}"}


def test_publish_refuses_an_invalid_release(project, capsys):
    m = project / "dataset" / f"v{__import__('scripts.paths', fromlist=['version']).version(project)}" / "manifest.json"
    m.write_text(m.read_text(encoding="utf-8").replace('"rows": 5', '"rows": 6'), encoding="utf-8")
    from scripts.publish import main
    assert main(["--repo-id", "acme/kec", "--dry-run", "--root", str(project)]) == 1
    assert "does not validate" in capsys.readouterr().err


def test_publish_refuses_a_card_of_another_release(project, capsys):
    """A build killed between the release and its card leaves an old card: publish must not upload that."""
    from scripts.publish import main
    card = project / "dataset" / "README.md"
    version = __import__('scripts.paths', fromlist=['version']).version(project)
    card.write_text(card.read_text(encoding="utf-8").replace(f"path: v{version}/", "path: v0.6.0/"), encoding="utf-8")
    assert main(["--repo-id", "acme/kec", "--dry-run", "--root", str(project)]) == 1
    assert f"describes 0.6.0, not the newest release v{version}" in capsys.readouterr().err


def test_publish_uploads_only_what_the_manifests_and_the_card_name(publish_dry_run, version):
    rc, out, err, rendered = publish_dry_run  # run on a copy holding STRAY files beside the named ones
    assert rc == 0, err
    listed = {line.strip().split("  (")[0] for line in out.splitlines()[1:] if line.startswith("  ")}
    stray = {name.format(release=f"v{version}") for name in STRAY}
    assert stray == {"notes.txt", "figures/draft.svg"}
    assert not listed & stray and f"v{version}/noise.parquet" in listed
    assert not any((rendered / name).exists() for name in stray)


def test_publish_refuses_a_symlink_among_the_named_files(project, capsys):
    from scripts.publish import main
    dataset = project / "dataset"
    (dataset / "LICENSE.md").unlink()
    (dataset / "LICENSE.md").symlink_to(project / "pyproject.toml")
    assert main(["--repo-id", "acme/kec", "--dry-run", "--root", str(project)]) == 1
    assert "LICENSE.md: a symlink" in capsys.readouterr().err
