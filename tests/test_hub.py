"""The dataset repository on its own: only dataset/ is copied elsewhere (what the Hub holds), and every
consumer path the card and README document runs there. Licence fields agree everywhere; struct fields
unnest beside their table's columns; no placeholder survives a publish render."""
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import datasets
import duckdb
import mlcroissant as mlc
import pandas as pd
import polars as pl
import pytest
import yaml
from conftest import ROOT

import schema
from scripts import paths
from scripts.docs import licence

REPO_ID = paths.declared("hub-repo-id")
CODE_URL = paths.declared("code-url")


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """dataset/ alone, copied to a folder that knows nothing of the project."""
    dst = tmp_path_factory.mktemp("hub") / "kuaishou-ecommerce-claims"
    shutil.copytree(ROOT / "dataset", dst, ignore=shutil.ignore_patterns(".staging-*"))
    return dst


@pytest.fixture(scope="module")
def manifest(repo, version) -> dict:
    return json.loads((repo / f"v{version}" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def card(repo) -> str:
    return (repo / "README.md").read_text(encoding="utf-8")


def test_every_config_loads_in_the_copy(repo, card, manifest, monkeypatch):
    monkeypatch.chdir(repo)
    head = yaml.safe_load(card.split("---")[1])
    for c in head["configs"]:
        split = c["data_files"][0]["split"]
        ds = datasets.load_dataset(str(Path.cwd()), c["config_name"], split=split)
        assert ds.num_rows == manifest["tables"][c["config_name"]]["rows"], c["config_name"]


def _documented_sql() -> list:
    out = []
    for doc in ("dataset/README.md", "README.md"):
        for i, block in enumerate(_blocks((ROOT / doc).read_text(encoding="utf-8"), "sql")):
            out.append(pytest.param(block, id=f"{doc}#{i}"))
    return out


@pytest.mark.parametrize("sql", _documented_sql())
def test_views_and_every_documented_query_run_in_the_copy(repo, sql, monkeypatch):
    monkeypatch.chdir(repo)
    con = duckdb.connect()
    con.execute((repo / "views.sql").read_text(encoding="utf-8"))
    # the remote form runs offline as its local twin: the same query on the same file, the path seen from here
    local = sql.replace(f"hf://datasets/{REPO_ID}/", "")
    if local != sql:
        assert re.search(r"'v\d+\.\d+\.\d+/\w+\.parquet'", local), "the hf:// path should name a release file"
    assert con.sql(local).fetchall(), sql


def test_duckdb_command_line_runs_the_card_in_the_copy(repo, card):
    """The card's shell block, run by the `duckdb` command line that `make dataset` installs in the venv."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "duckdb").is_file(), "duckdb-cli is not installed in the venv (pyproject dev extra)"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    (sh,) = _blocks(card, "sh")
    r = subprocess.run(["bash", "-c", sh], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "003_c2ea40f74879899f" in r.stdout


def test_card_python_snippets_run_in_the_copy(repo, card, monkeypatch):
    """Every Python block that does not reach the Hub runs as written, from the copy's root."""
    monkeypatch.chdir(repo)
    local = [b for b in _blocks(card, "python") if REPO_ID not in b]
    assert len(local) >= 3  # datasets, pandas/polars, mlcroissant
    for block in local:
        namespace: dict = {}
        exec(compile(block, "dataset/README.md", "exec"), namespace)  # noqa: S102 - the card's own code
    hub_forms = [b for b in _blocks(card, "python") if REPO_ID in b]
    assert hub_forms and all(f'load_dataset("{REPO_ID}", ' in b for b in hub_forms)


def test_pandas_and_mlcroissant_read_every_table_in_the_copy(repo, manifest):
    ds = mlc.Dataset(jsonld=str(repo / "croissant.json"))
    for name in schema.table_names():
        path = repo / f"v{manifest['version']}" / f"{name}.parquet"
        assert len(pd.read_parquet(path)) == manifest["tables"][name]["rows"], name
        assert sum(1 for _ in ds.records(record_set=name)) == manifest["tables"][name]["rows"], name


def _list_struct_columns() -> list:
    sch = schema.load()
    out = []
    for name in schema.table_names():
        for c in sch.tables[name].columns:
            inner = c.type.replace(" ", "").removeprefix("list<").removesuffix(">")
            if c.type.startswith("list<") and inner in sch.structs:
                out.append(pytest.param(name, c.name, inner, id=f"{name}.{c.name}"))
    return out


def test_there_are_list_of_struct_columns_to_check():
    assert {p.id for p in _list_struct_columns()} >= {"events.evidence", "extraction.targets",
                                                      "verification.evidence_pool", "noise_detection.targets"}


@pytest.mark.parametrize("table, column, struct", _list_struct_columns())
def test_polars_explodes_and_unnests_every_list_of_struct_column(repo, version, table, column, struct):
    fields = [f.name for f in schema.load().structs[struct]]
    others = [c for c in schema.load().tables[table].column_names if c != column]
    assert not set(fields) & set(others), f"{struct} repeats column names of {table}"
    df = pl.read_parquet(repo / f"v{version}" / f"{table}.parquet")
    flat = df.explode(column).unnest(column)
    assert sorted(flat.columns) == sorted(others + fields)
    # one row per item (the first field is an id, never null; polars versions differ on empty lists)
    assert flat[fields[0]].drop_nulls().len() == sum(len(x) for x in df[column].to_list()) > 0


def _relative_links(text: str) -> list[str]:
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    return [ln.split("#")[0] for ln in links if not re.match(r"[a-z]+:", ln) and not ln.startswith("#")]


def test_every_path_resolves_from_the_repository_root(repo, version):
    card, sheet = (repo / "README.md").read_text(encoding="utf-8"), (repo / "DATASHEET.md").read_text(encoding="utf-8")
    for doc, text in (("README.md", card), ("DATASHEET.md", sheet), ("LICENSE.md", (repo / "LICENSE.md").read_text(encoding="utf-8"))):
        links = _relative_links(text)
        for link in links:
            assert (repo / link).exists(), f"{doc} links {link}, which the dataset repository does not hold"
        assert "dataset/" not in text.replace("load_dataset", ""), f"{doc} names a path seen from the project root"
        # project files are linked into the code repository, never named as if they were here
        prose = re.sub(r"```.*?```|<!--.*?-->|\[[^\]]*\]\([^)]*\)", "", text, flags=re.S)
        named = {m for m in re.findall(r"(?<![/\w])((?:seeds|scripts|schema|tests)/[\w./-]*\w)", prose) if (ROOT / m).exists()}
        assert not named, f"{doc} names project files without a link: {sorted(named)}"
    for sql_path in re.findall(r"read_parquet\('([^']+)'\)", (repo / "views.sql").read_text(encoding="utf-8")):
        assert (repo / sql_path).is_file(), sql_path
    head = yaml.safe_load(card.split("---")[1])
    for c in head["configs"]:
        assert (repo / c["data_files"][0]["path"]).is_file()
    meta = json.loads((repo / "croissant.json").read_text(encoding="utf-8"))
    for f in meta["distribution"]:
        assert (repo / f["contentUrl"]).is_file(), f["contentUrl"]
    assert meta["url"] == f"https://huggingface.co/datasets/{REPO_ID}"
    assert CODE_URL in card and f"https://huggingface.co/datasets/{REPO_ID}" in card.split("## Citation")[1]


def test_licence_fields_agree_in_card_croissant_and_datasheet(repo):
    card = (repo / "README.md").read_text(encoding="utf-8")
    head = yaml.safe_load(card.split("---")[1])
    assert (head["license"], head["license_name"], head["license_link"]) == \
        (licence.CARD_LICENSE, licence.CARD_LICENSE_NAME, licence.TERMS_FILE)
    statement = licence.statement(CODE_URL)
    takedown = licence.takedown(CODE_URL)
    for doc in (repo / "README.md", repo / "DATASHEET.md", ROOT / "DATASHEET.md", repo / "LICENSE.md"):
        text = doc.read_text(encoding="utf-8")
        assert statement in text and takedown in text, f"{doc} does not state the declared licence and takedown"
    assert licence.ANNOTATIONS_SPDX == "CC-BY-4.0" and statement.count(licence.ANNOTATIONS_URL) == 1
    meta = json.loads((repo / "croissant.json").read_text(encoding="utf-8"))
    assert meta["license"] == [licence.ANNOTATIONS_URL, licence.terms_url(REPO_ID)]
    per_file = {f["@id"].removesuffix(".parquet"): f["license"] for f in meta["distribution"]}
    assert per_file == {t: licence.file_licences(t, REPO_ID) for t in schema.table_names()} | {
        f"{s}/{t}": licence.file_licences(t, REPO_ID) for s, ts in schema.generated_splits().items() for t in ts}
    # the source texts are where the third-party licence says they are, and only there
    assert licence.terms_url(REPO_ID) in per_file["documents"] and per_file["claim_verdicts"] == [licence.ANNOTATIONS_URL]
    with open(ROOT / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["project"]["license"] == licence.ANNOTATIONS_SPDX


def test_publish_dry_run_renders_the_repository_for_the_given_id(publish_dry_run, version):
    rc, out, err, rendered = publish_dry_run  # publish --dry-run --repo-id acme-lab/kec-claims
    assert rc == 0, err
    card = (rendered / "README.md").read_text(encoding="utf-8")
    meta = json.loads((rendered / "croissant.json").read_text(encoding="utf-8"))
    assert 'load_dataset("acme-lab/kec-claims", "documents"' in card and "hf://datasets/acme-lab/kec-claims/" in card
    assert meta["url"] == "https://huggingface.co/datasets/acme-lab/kec-claims"
    for name in ("README.md", "croissant.json", "DATASHEET.md", "LICENSE.md"):
        text = (rendered / name).read_text(encoding="utf-8")
        assert f"datasets/{REPO_ID}" not in text and f'"{REPO_ID}"' not in text, f"{name} names the declared repository"
        assert not re.search(r"<(this|your|repo|org)\b|ORG/NAME|TODO|FIXME", text, re.I), name
    assert sorted(p.name for p in rendered.iterdir() if p.name.startswith("v")) == [f"v{version}", "views.sql"]


@pytest.mark.parametrize("repo_id", ["bad id", "no-namespace", "org/na me", "a/b/c"])
def test_publish_rejects_an_invalid_repo_id_before_anything_else(repo_id, tmp_path, capsys):
    """The id is checked first: the root given holds nothing, so any step after the check (reading the
    version, the card, the files, validating) would fail differently."""
    from scripts.publish import main
    assert main(["--dry-run", "--repo-id", repo_id, "--root", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"publish: --repo-id {repo_id!r}") and len(err.splitlines()) == 1, err


def test_publish_entry_point_rejects_an_invalid_repo_id():
    """The command as a process of its own (its one such test): exit status and stderr as a shell sees them."""
    r = subprocess.run([sys.executable, "-m", "scripts.publish", "--dry-run", "--repo-id", "bad id"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--repo-id" in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_publish_refuses_a_dirty_tree_and_names_hf_auth_login(project, tmp_path, monkeypatch, capsys):
    """Both refusals come before the long validation (an upload needs a clean tree and a token first)."""
    import huggingface_hub

    from scripts.publish import main
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "token"))
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    git = ["git", "-C", str(project)]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "snapshot"], check=True, env=env)
    argv = ["--repo-id", "acme/kec", "--root", str(project)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "no Hugging Face token" in err and "hf auth login" in err and "huggingface-cli" not in err
    (project / "dataset" / "CHANGELOG.md").write_text("edited\n", encoding="utf-8")
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "uncommitted change" in err and "CHANGELOG.md" in err


def test_readme_analyst_routes_run_from_the_project_root(monkeypatch):
    """The project README's own routes: the shell block (duckdb in dataset/) and the Python blocks (from the root)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    (sh,) = [b for b in _blocks(readme, "sh") if "duckdb" in b]
    r = subprocess.run(["bash", "-c", sh.replace("../.venv/bin/", f"{bin_dir}/")], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "116" in r.stdout, r.stderr
    monkeypatch.chdir(ROOT)
    blocks = _blocks(readme, "python")
    assert any("file_search_path" in b for b in blocks)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - the README's own code
