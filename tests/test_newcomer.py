"""A newcomer's mistakes cost nothing: generate never deletes what it did not write (issue 31)."""
import json
import re
import subprocess

import pytest
from conftest import ROOT, tree_digest

from scripts import generate
from scripts.benchmark.generator.target import MARKER


def _refused(argv, capsys):
    with pytest.raises(SystemExit) as e:
        generate.main(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2 and "Traceback" not in err
    return err


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout


def test_generate_into_the_project_root_or_its_seeds_is_refused_and_touches_nothing(capsys, monkeypatch):
    before, status = tree_digest(ROOT / "seeds"), _git_status()
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    monkeypatch.chdir(ROOT)
    for out in (".", "seeds", "seeds/annotations", str(ROOT)):
        for force in ([], ["--force"]):
            err = _refused(["--docs", "2", "--seed", "1", "--out", out, *force], capsys)
            assert err.startswith("generate: --out ") and "this project's own seeds" in err
    assert tree_digest(ROOT / "seeds") == before and (ROOT / "pyproject.toml").read_bytes() == pyproject
    assert _git_status() == status


def test_a_folder_the_user_made_is_refused_and_force_keeps_their_files(tmp_path, capsys):
    mine = tmp_path / "mine"
    (mine / "seeds").mkdir(parents=True)
    (mine / "notes.txt").write_text("my notes", encoding="utf-8")
    (mine / "seeds" / "keep.md").write_text("keep me", encoding="utf-8")
    err = _refused(["--docs", "2", "--seed", "1", "--out", str(mine)], capsys)
    assert "not empty and was not written by generate" in err and "--force" in err
    assert sorted(p.name for p in mine.rglob("*")) == ["keep.md", "notes.txt", "seeds"]
    assert generate.main(["--docs", "2", "--seed", "1", "--out", str(mine), "--force"]) == 0
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (mine / "seeds" / "keep.md").read_text(encoding="utf-8") == "keep me"
    written = json.loads((mine / MARKER).read_text(encoding="utf-8"))["files"]
    assert "notes.txt" not in written and "seeds/keep.md" not in written and len(written) == 2 + 1 + 6
    # a rerun (the folder is marked now) removes what generate wrote, not the user's files
    assert generate.main(["--docs", "1", "--seed", "1", "--out", str(mine)]) == 0
    assert (mine / "seeds" / "keep.md").exists() and (mine / "notes.txt").exists()
    assert len(list((mine / "seeds").glob("*.txt"))) == 1


def test_a_rerun_into_a_generated_corpus_gives_the_same_folder_as_a_fresh_one(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert generate.main(["--docs", "3", "--seed", "2", "--out", str(a)]) == 0
    assert generate.main(["--docs", "2", "--seed", "2", "--out", str(a)]) == 0  # fewer docs: no stale text left
    assert generate.main(["--docs", "2", "--seed", "2", "--out", str(b)]) == 0
    assert tree_digest(a) == tree_digest(b)


def test_out_naming_a_file_is_one_line_with_exit_2(tmp_path, capsys):
    f = tmp_path / "f.txt"
    f.write_text("x", encoding="utf-8")
    err = _refused(["--docs", "1", "--seed", "1", "--out", str(f)], capsys)
    assert err == f"generate: --out {f} is a file, not a folder: give a new or empty folder\n"
    assert f.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("prog, argv", [
    ("validate", ["/nonexistent/v9.9.9"]), ("validate", ["9.9.9"]), ("view", ["v9.9.9"]),
    ("diff", ["0.9.0", "/nonexistent"]), ("view", ["seeds"]),
])
def test_a_release_that_is_not_there_is_one_line_with_exit_2(prog, argv, capsys):
    import importlib
    main = importlib.import_module(f"scripts.{prog}").main
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{prog}: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "no release at" in err or "is not a release (no manifest.json)" in err


def test_one_rule_names_a_release_in_every_entry_point(version):
    from scripts import paths
    want = ROOT / "dataset" / f"v{version}"
    assert paths.current_release(version) == paths.current_release(f"v{version}") == paths.current_release(None) == want
    assert paths.current_release(str(want)) == want


def test_diff_refuses_a_negative_limit(capsys):
    from scripts import diff
    with pytest.raises(SystemExit) as e:
        diff.main(["0.8.0", "0.9.0", "--limit", "-1"])
    assert e.value.code == 2 and "-1 is negative" in capsys.readouterr().err



def test_one_edit_is_reported_once_per_rule_with_its_cause_first(release, tmp_path, capsys):
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    from scripts.validate import main
    bad = tmp_path / release.name
    shutil.copytree(release, bad)
    t = pq.read_table(bad / "claims.parquet")
    units = t.column("unit").to_pylist()
    units[0] = "USD"
    i = t.schema.get_field_index("unit")
    pq.write_table(t.set_column(i, t.schema.field(i), pa.array(units, t.schema.field(i).type)), bad / "claims.parquet")
    assert main([str(bad), "--no-gx", "--json"]) == 1
    found = json.loads(capsys.readouterr().out)["problems"]
    assert found[0] == {"table": "claims", "column": "(file)", "check": "sha256 differs from manifest.json",
                        "examples": ["claims.parquet"]}
    claims = [p for p in found if p["table"] == "claims"]
    assert len(found) <= 8 and len(claims) == len({(p["column"], p["check"]) for p in claims})  # one line per rule
    assert [p["table"] for p in found][:len(claims)] == ["claims"] * len(claims)  # the edited table first
    derived = [p for p in found if p["table"] != "claims"]
    assert derived and all("follows from the problem(s) in claims" in p["check"] for p in derived)
    assert any(p["table"] == "extraction" for p in derived)


# a project path as docs name it: scripts/…, schema/…, seeds/…, dataset/… (a template such as v<version> is not one)
_PATH = re.compile(r"(?<![\w./-])(?:scripts|schema|seeds|dataset)/[A-Za-z0-9_./-]*")
# paths that exist inside a generated corpus (scripts.generate writes them), not in this project
_IN_A_GENERATED_CORPUS = {"seeds/annotations/documents.jsonl",
                          "scripts/benchmark/learned_scores.json"}  # and the file `baselines --learned` writes


def _named_paths(text: str) -> set[str]:
    found = {m.group().rstrip(".") for m in _PATH.finditer(text) if text[m.end():m.end() + 1] not in ("<", "{", "*")}
    return found - _IN_A_GENERATED_CORPUS


def test_every_project_path_named_in_docs_descriptions_and_help_exists():
    """README, datasheets, the card, Croissant, views, schema descriptions, docstrings and help texts."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    named = [f for f in tracked if f.endswith((".md", ".py", ".yaml", ".toml", ".json", ".j2", ".sql"))
             and not f.startswith("tests/") and not re.match(r"dataset/v\d", f)]
    assert len(named) > 100
    stale = {(f, p) for f in named for p in _named_paths((ROOT / f).read_text(encoding="utf-8"))
             if not (ROOT / p).exists()}
    assert stale == set()


def test_the_stale_path_check_finds_a_stale_path():
    assert _named_paths("see scripts/tolerances.py and dataset/v<version>/ and schema/tables.yaml.") == {
        "scripts/tolerances.py", "schema/tables.yaml"}


def _leaf_strings(arr) -> list[str]:
    """The strings of an Arrow column (lists and structs walked) that could name a project path."""
    import pyarrow as pa
    import pyarrow.compute as pc
    t = arr.type
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _leaf_strings(arr.flatten())
    if pa.types.is_struct(t):
        return [s for i in range(t.num_fields) for s in _leaf_strings(arr.field(i))]
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        return []
    return arr.filter(pc.fill_null(pc.match_substring_regex(arr, "(scripts|schema|seeds|dataset)/"), False)).to_pylist()


def _field_metadata(field) -> list[str]:
    import pyarrow as pa
    out = [v.decode("utf-8") for v in (field.metadata or {}).values()]
    t = field.type
    subs = [t.value_field] if pa.types.is_list(t) or pa.types.is_large_list(t) else list(t) if pa.types.is_struct(t) else []
    return out + [s for f in subs for s in _field_metadata(f)]


def _release_texts(release) -> dict[str, str]:
    """What a release says in words: every string cell of every table file (the generated splits' too), the
    schema and field metadata stored in each Parquet file, and manifest.json."""
    import pyarrow.parquet as pq
    out = {"manifest.json": (release / "manifest.json").read_text(encoding="utf-8")}
    for p in sorted(release.rglob("*.parquet")):
        name = p.relative_to(release).as_posix()
        f = pq.ParquetFile(p)
        sch = f.schema_arrow
        out[f"{name} (metadata)"] = "\n".join([v.decode("utf-8") for v in (sch.metadata or {}).values()]
                                             + [s for fld in sch for s in _field_metadata(fld)])
        t = f.read()
        for col in t.column_names:
            out[f"{name}:{col}"] = "\n".join(_leaf_strings(t.column(col).combine_chunks()))
    return out


def test_every_project_path_named_in_the_released_parquet_and_manifest_exists(release):
    """Acceptance line 4 of issue 25: released Parquet string columns (e.g. reference_facts.source_publisher
    naming the module that computes derived facts), Parquet metadata and the manifest name no missing path."""
    texts = _release_texts(release)
    assert "reference_facts.parquet:source_publisher" in texts and "train/extraction.parquet:targets" in texts
    named = {(where, p) for where, text in texts.items() for p in _named_paths(text)}
    assert ("reference_facts.parquet:source_publisher", "scripts/tables/reference_facts.py") in named
    assert {(w, p) for w, p in named if not (ROOT / p).exists()} == set()


def test_the_release_path_check_finds_a_stale_module_in_a_cell(release, tmp_path):
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq
    bad = tmp_path / release.name
    shutil.copytree(release, bad)
    t = pq.read_table(bad / "reference_facts.parquet")
    i = t.schema.get_field_index("source_publisher")
    pq.write_table(t.set_column(i, t.schema.field(i), pa.array(["this dataset (scripts/rederive_facts.py)"] * t.num_rows)),
                   bad / "reference_facts.parquet")
    named = {p for text in _release_texts(bad).values() for p in _named_paths(text)}
    assert "scripts/rederive_facts.py" in named and not (ROOT / "scripts/rederive_facts.py").exists()
