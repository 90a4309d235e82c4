"""The foundation: seeds, documents, deterministic and immutable releases."""
import hashlib
import json

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import ROOT, copy_project, tree_digest

from scripts.build import build
from scripts.build import main as build_main
from scripts.errors import InputError, ReleaseError

SHARED = ROOT.parent / "shared" / "seeds"
DOC_IDS = ["000_7c51db7d224d44d0", "001_35f7c8b8a9798a98", "002_caaaa08c57994287",
           "003_c2ea40f74879899f", "004_54b17cd3334fa9d2"]


def test_seeds_are_byte_exact_copies():
    sources = yaml.safe_load((ROOT / "seeds" / "sources.yaml").read_text(encoding="utf-8"))
    assert [s["doc_id"] for s in sources] == DOC_IDS
    for s in sources:
        data = (ROOT / "seeds" / f"{s['doc_id']}.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == s["sha256"]
        if SHARED.is_dir():
            assert data == (SHARED / f"{s['doc_id']}.txt").read_bytes()


def test_reposts_are_dated_by_content_not_page():
    sources = {s["doc_id"]: s for s in yaml.safe_load((ROOT / "seeds" / "sources.yaml").read_text(encoding="utf-8"))}
    # 001 was reposted 2023-03-09 but written a year after the Feb 2021 listing, in March 2022.
    assert sources["001_35f7c8b8a9798a98"]["published_at"].startswith("2023-03-09")
    assert sources["001_35f7c8b8a9798a98"]["reference_date"].startswith("2022-03")
    # 002 is a forum repost of 2019-11-11 of a June 2019 article.
    assert sources["002_caaaa08c57994287"]["reference_date"].startswith("2019-06")


def test_load_dataset_documents_offline(release):
    import datasets
    ds = datasets.load_dataset(str(ROOT / "dataset"), "documents", split="train")
    assert ds.num_rows == 5
    by_id = {r["doc_id"]: r for r in ds}
    assert sorted(by_id) == DOC_IDS
    for doc_id, row in by_id.items():
        assert row["text"] == (ROOT / "seeds" / f"{doc_id}.txt").read_bytes().decode("utf-8")
        assert row["char_count"] == len(row["text"])
    assert str(by_id["004_54b17cd3334fa9d2"]["published_at"]) == "2021-04-22 13:02:58+08:00"


def test_duckdb_reads_documents_of_every_release(release, version):
    import duckdb
    rows = duckdb.sql(f"""
        SELECT regexp_extract(filename, 'v[0-9.]+[0-9]') AS release, list(doc_id ORDER BY doc_id)
        FROM read_parquet('{ROOT}/dataset/v*/documents.parquet', filename = true)
        GROUP BY ALL ORDER BY release""").fetchall()
    assert all(ids == DOC_IDS for _, ids in rows)
    assert f"v{version}" in [r for r, _ in rows]


def test_text_clean_drops_page_noise_and_keeps_the_article(release):
    docs = {r["doc_id"]: r for r in pq.read_table(release / "documents.parquet").to_pylist()}
    spam = docs["000_7c51db7d224d44d0"]
    assert "阿泽卡盟" in spam["text"] and "阿泽卡盟" not in spam["text_clean"]
    assert "请登录后发表评论" not in spam["text_clean"]
    assert "快手财报显示" in spam["text_clean"]
    farm = docs["001_35f7c8b8a9798a98"]
    assert "粉丝数" not in farm["text_clean"] and "qifu0860" not in farm["text_clean"]
    assert "快手电商运营快速起量" not in farm["text_clean"]
    assert farm["text_clean"].startswith("快手电商负责人笑古:快手电商里子藏着焦虑\n")
    assert "网盛生意宝" not in docs["004_54b17cd3334fa9d2"]["text_clean"]


def test_two_builds_are_byte_identical(tmp_path, version, fresh_release):
    """A second build from scratch, in another folder, against the session's fresh one."""
    b = copy_project(tmp_path / "b", with_dataset=False)
    build(root=b, quiet=True)
    da, db = tree_digest(fresh_release), tree_digest(b / "dataset" / f"v{version}")
    assert da == db and len(da) >= 3
    assert (fresh_release.parent / "README.md").read_bytes() == (b / "dataset" / "README.md").read_bytes()


def test_committed_release_equals_fresh_build(release, fresh_release):
    assert tree_digest(release) == tree_digest(fresh_release)
    assert (ROOT / "dataset" / "README.md").read_text(encoding="utf-8") == \
        (fresh_release.parent / "README.md").read_text(encoding="utf-8")


def test_seed_hash_mismatch_is_refused_and_writes_nothing(tmp_path):
    root = copy_project(tmp_path / "p", with_dataset=False)
    seed = root / "seeds" / "003_c2ea40f74879899f.txt"
    seed.write_bytes(seed.read_bytes().replace("3812亿".encode(), "3821亿".encode()))
    with pytest.raises(InputError) as e:
        build(root=root, quiet=True)
    assert "sources.yaml" in e.value.path and "003_c2ea40f74879899f.txt" in e.value.reason
    assert e.value.line > 1
    assert not (root / "dataset").exists() or not any((root / "dataset").iterdir())


def test_changing_a_released_version_without_a_bump_is_refused(project, version):
    target = project / "dataset" / f"v{version}"
    before = tree_digest(project / "dataset")
    ann = project / "seeds" / "annotations" / "002_caaaa08c57994287.yaml"
    ann.write_text(ann.read_text(encoding="utf-8").replace("Forum-wide takedown disclaimer.",
                                                           "Forum-wide disclaimer."), encoding="utf-8")
    with pytest.raises(ReleaseError, match="immutable: bump"):
        build(root=project, quiet=True)
    assert tree_digest(project / "dataset") == before
    assert target.is_dir()


def test_bump_writes_a_new_release_beside_the_old(project, version):
    pp = project / "pyproject.toml"
    pp.write_text(pp.read_text(encoding="utf-8").replace(f'version = "{version}"', 'version = "99.0.0"'), encoding="utf-8")
    old = tree_digest(project / "dataset" / f"v{version}")
    s = build(root=project, quiet=True)
    assert s["status"] == "written"
    assert (project / "dataset" / "v99.0.0" / "documents.parquet").exists()
    assert tree_digest(project / "dataset" / f"v{version}") == old
    assert "v99.0.0/documents.parquet" in (project / "dataset" / "README.md").read_text(encoding="utf-8")


def test_manifest_records_inputs_and_tables(release):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert m["inputs"]["seeds/sources.yaml"] == hashlib.sha256((ROOT / "seeds/sources.yaml").read_bytes()).hexdigest()
    for entry in m["tables"].values():
        assert pq.ParquetFile(release / entry["file"]).metadata.num_rows == entry["rows"]


def test_build_cli_reports_file_and_line_and_exits_nonzero(tmp_path, capsys):
    root = copy_project(tmp_path / "p", with_dataset=False)
    ann = root / "seeds" / "annotations" / "004_54b17cd3334fa9d2.yaml"
    text = ann.read_text(encoding="utf-8")
    ann.write_text(text.replace("quote: 图片.png", "quote: 图片.jpg"), encoding="utf-8")
    line = text.splitlines().index("  - id: n03") + 1
    assert build_main(["--quiet", "--root", str(root)]) == 1
    assert f"004_54b17cd3334fa9d2.yaml:{line}: noise[2].quote: quote not found" in capsys.readouterr().err
