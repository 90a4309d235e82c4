"""Faults and damaged releases (issue #30), one parametrised test per kind, each probe as an adversary
would try it: a full disk at the n-th file, writes outside the built --root, damaged release folders
handed to `validate`, bad build inputs, hostile text in the datasheet, an aware timestamp after pandera.
No probe may print a traceback, and after each the committed release and the files that describe it hash
as they did (the autouse fixture below)."""
import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, tree_digest

from scripts.files import sha256_file
from scripts.release.write import write_parquet

COMPANIONS = ("README.md", "croissant.json", "views.sql", "DATASHEET.md", "LICENSE.md", "figures/gmv_timeline.svg")


def _described(dataset, version):
    """The release folder and the files that describe it, as hashes."""
    out = {f"v{version}/{k}": v for k, v in tree_digest(dataset / f"v{version}").items()}
    return out | {name: sha256_file(dataset / name) for name in COMPANIONS if (dataset / name).is_file()}


@pytest.fixture(autouse=True)
def _committed_release_untouched(version):
    before = _described(ROOT / "dataset", version)
    yield
    assert _described(ROOT / "dataset", version) == before


@contextlib.contextmanager
def _deadline(seconds=60):
    """A probe that blocks (a FIFO opened for reading) fails the test instead of hanging it."""
    def hung(*_):
        raise TimeoutError(f"no answer within {seconds}s")
    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- 3. validate on damaged releases

def _manifest(release, change):
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    change(m)
    (release / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def _replace(release, name, make):
    p = release / name
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p)
    elif os.path.lexists(p):
        p.unlink()
    make(p)


def _truncate(release, name, keep=100):
    p = release / name
    p.write_bytes(p.read_bytes()[:keep])


def _emptied(table):
    def mutate(release):
        from schema.derive import arrow_schema
        path = release / f"{table}.parquet"
        write_parquet(pa.Table.from_pylist([], schema=arrow_schema(table)), path)
        _manifest(release, lambda m: m["tables"][table].update(sha256=sha256_file(path), rows=0))
    return mutate


def _split_dir_unnamed(release):
    _manifest(release, lambda m: m.pop("splits"))


DAMAGE = {
    # the probes
    "table path is a directory": (lambda r: _replace(r, "claims.parquet", lambda p: p.mkdir()),
                                  "claims.parquet/: a folder, where manifest.json names a file"),
    "split file truncated": (lambda r: _truncate(r, "train/extraction.parquet"),
                             "extraction (train).(file): unreadable Parquet"),
    "manifest.splits is a list": (lambda r: _manifest(r, lambda m: m.update(splits=list(m["splits"]))),
                                  "manifest.json: `splits` must map each split to {generator, tables}, not a list"),
    "split entry lacks tables": (lambda r: _manifest(r, lambda m: m["splits"]["train"].pop("tables")),
                                 "manifest.json: `splits.train` must be {generator, tables}"),
    "manifest.json is a directory": (lambda r: _replace(r, "manifest.json", lambda p: p.mkdir()),
                                     "manifest.json is a folder"),
    "table file is a FIFO": (lambda r: _replace(r, "noise.parquet", os.mkfifo),
                             "noise.parquet: a FIFO, where manifest.json names a regular file"),
    "extra file": (lambda r: (r / "extra.csv").write_text("a,b\n", encoding="utf-8"),
                   "extra.csv: a file that manifest.json does not name"),
    "symlink to a system file": (lambda r: (r / "passwd").symlink_to("/etc/passwd"),
                                 "passwd: a symlink that manifest.json does not name"),
    "splits section removed": (_split_dir_unnamed,
                               "train/: a folder that manifest.json does not name (manifest.json has no `splits` section)"),
    "reference_gaps emptied": (_emptied("reference_gaps"),
                               "reference_gaps.(table): 0 row(s), fewer than the 1 schema/tables.yaml requires"),
    # our own, of the same kinds
    "manifest.json is a FIFO": (lambda r: _replace(r, "manifest.json", os.mkfifo), "manifest.json is a FIFO"),
    "manifest.json links to another release's": (
        lambda r: _replace(r, "manifest.json", lambda p: p.symlink_to(ROOT / "dataset" / "v0.9.0" / "manifest.json")),
        "manifest.json is a symlink"),
    "manifest.json emptied": (lambda r: (r / "manifest.json").write_text("", encoding="utf-8"),
                              "manifest.json is not valid JSON"),
    "manifest is a JSON list": (lambda r: (r / "manifest.json").write_text("[]", encoding="utf-8"),
                                "manifest.json is not a JSON object"),
    "manifest lacks its inputs": (lambda r: _manifest(r, lambda m: m.pop("inputs")),
                                  "manifest.json: section `inputs` missing"),
    "a table's rows is a string": (lambda r: _manifest(r, lambda m: m["tables"]["events"].update(rows="36")),
                                   "`tables` must map each table to {file, sha256, rows}"),
    "split tables is a list": (lambda r: _manifest(r, lambda m: m["splits"]["validation"].update(tables=["extraction"])),
                               "manifest.json: `splits.validation` must be {generator, tables}"),
    "FIFO beside the tables": (lambda r: os.mkfifo(r / "stream.parquet"),
                               "stream.parquet: a FIFO that manifest.json does not name"),
    "FIFO inside a split folder": (lambda r: os.mkfifo(r / "train" / "more.parquet"),
                                   "train/more.parquet: a FIFO that manifest.json does not name"),
    "table replaced by a symlink to its own copy": (
        lambda r: (shutil.move(r / "claims.parquet", r.parent / "claims.parquet"),
                   (r / "claims.parquet").symlink_to(r.parent / "claims.parquet")),
        "claims.parquet: a symlink, where manifest.json names a regular file"),
    "dangling symlink": (lambda r: (r / "gone.parquet").symlink_to(r.parent / "nowhere"),
                         "gone.parquet: a symlink that manifest.json does not name"),
    "extra folder": (lambda r: (r / "notes").mkdir(), "notes/: a folder that manifest.json does not name"),
    "split file is a directory": (lambda r: _replace(r, "validation/verification.parquet", lambda p: p.mkdir()),
                                  "validation/verification.parquet/: a folder, where manifest.json names a file"),
}


@pytest.fixture
def copy(release, tmp_path):
    dst = tmp_path / release.name
    shutil.copytree(release, dst, symlinks=True)
    return dst


@pytest.mark.usefixtures("pandera_once_per_content")
@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_validate_answers_a_damaged_release_in_one_line_per_problem(copy, kind, capsys):
    from scripts.validate import main
    damage, expected = DAMAGE[kind]
    damage(copy)
    with _deadline():
        rc = main([str(copy), "--no-gx"])
    out, err = capsys.readouterr()
    assert rc == 1, out + err
    assert "Traceback" not in out + err
    lines = out.splitlines()
    assert lines[0].startswith(f"{copy}: ") and "problem(s)" in lines[0], out
    assert all(ln.startswith("  - ") for ln in lines[1:] if not ln.startswith("  (")), out
    assert any(expected in ln for ln in lines[1:]), f"{kind}: {expected!r} not in\n{out}"


# ---------------------------------------------------------------- 1. a full disk: all or nothing

NEW = "0.10.99"  # a version no one releases


def _companion_bytes(dataset, version):
    """What the build would write beside a new release: the current companions, naming the new version."""
    return {dataset / name: (dataset / name).read_bytes().replace(version.encode(), NEW.encode()) for name in COMPANIONS}


@pytest.fixture
def small_repo(release, version, tmp_path):
    """A dataset repository holding the current release and its companions, and the new release staged beside."""
    from scripts import pipeline
    from scripts.release import write
    ds = tmp_path / "dataset"
    shutil.copytree(release, ds / release.name)
    for name in COMPANIONS:
        (ds / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "dataset" / name, ds / name)
    m = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    splits = {s: {n: pq.read_table(release / e["file"]) for n, e in spec["tables"].items()} for s, spec in m["splits"].items()}
    generators = {s: spec["generator"] for s, spec in m["splits"].items()}
    args = (write.read_release(release), NEW, pipeline.input_files(ROOT / "seeds"), ROOT, ds, m["completeness"],
            splits, generators)
    return ds, args


def _writes(monkeypatch, fail_at=None):
    """Count the files the release writer writes; with fail_at, the n-th fails as a full disk does."""
    from scripts.release import write
    seen = []

    def wrap(real):
        def writer(*a):
            path = a[-1] if real is write.write_parquet else a[0]
            seen.append(path)
            if len(seen) == fail_at:
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            return real(*a)
        return writer
    monkeypatch.setattr(write, "write_parquet", wrap(write.write_parquet))
    monkeypatch.setattr(write, "write_bytes", wrap(write.write_bytes))
    return seen


def _stage_and_publish(ds, args, version):
    from scripts.release import write
    staged = write.stage(*args)
    return write.publish(staged, ds / f"v{NEW}", _companion_bytes(ds, version))


def _debris(ds):
    return [p.name for f in (ds, ds / "figures") for p in f.iterdir() if p.name.startswith(".")]


def test_an_undisturbed_publish_switches_the_release_and_every_companion(small_repo, version, monkeypatch):
    ds, args = small_repo
    seen = _writes(monkeypatch)
    expected = _companion_bytes(ds, version)
    assert _stage_and_publish(ds, args, version) == "written"
    assert (ds / f"v{NEW}" / "manifest.json").is_file() and _debris(ds) == []
    assert {p: p.read_bytes() for p in expected} == expected
    assert len(seen) == WRITES  # the count the parametrised probe below walks through


# 13 tables, 6 generated split tables, the manifest, 6 companions: a full disk at any one of them
WRITES = 13 + 6 + 1 + len(COMPANIONS)


@pytest.mark.parametrize("n", range(1, WRITES + 1))
def test_a_full_disk_at_the_nth_file_leaves_the_previous_release_and_companions_as_they_were(small_repo, version,
                                                                                               monkeypatch, n):
    ds, args = small_repo
    before = tree_digest(ds)
    _writes(monkeypatch, fail_at=n)
    with pytest.raises(OSError) as e:
        _stage_and_publish(ds, args, version)
    assert e.value.errno == errno.ENOSPC
    assert tree_digest(ds) == before and _debris(ds) == [] and not (ds / f"v{NEW}").exists()


@pytest.mark.parametrize("k", range(len(COMPANIONS) + 1))
def test_a_rename_failing_midway_is_undone(small_repo, version, monkeypatch, k):
    """Renames need no space, but a folder where a companion goes (or a yanked disk) still fails one: the k-th
    (0: the release folder's own) fails, the ones before it are undone."""
    ds, args = small_repo
    before = tree_digest(ds)
    calls = []
    real_rename, real_replace = os.rename, os.replace

    def failing(real):
        def move(src, dst):
            if str(dst).startswith(str(ds)) and ".bak." not in str(src) and not str(dst).endswith(".tmp"):
                calls.append(dst)
                if len(calls) == k + 1:
                    raise OSError(errno.EIO, "Input/output error", str(dst))
            return real(src, dst)
        return move
    from scripts.release import write
    staged = write.stage(*args)
    monkeypatch.setattr(os, "rename", failing(real_rename))
    monkeypatch.setattr(os, "replace", failing(real_replace))
    with pytest.raises(OSError):
        write.publish(staged, ds / f"v{NEW}", _companion_bytes(ds, version))
    monkeypatch.undo()
    assert tree_digest(ds) == before and _debris(ds) == [] and not (ds / f"v{NEW}").exists()


# ---------------------------------------------------------------- 2. nothing written outside --root; the viewer

def _new_version(project, version):
    toml = project / "pyproject.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(f'version = "{version}"', f'version = "{NEW}"', 1),
                    encoding="utf-8")


def _checkout_state():
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout
    build = sorted((p.relative_to(ROOT).as_posix(), p.stat().st_mtime_ns) for p in (ROOT / "build").rglob("*")) \
        if (ROOT / "build").is_dir() else []
    return status, build


def test_a_build_of_another_root_writes_only_there_and_switches_everything(tmp_path, version, capsys):
    """`build --root DIR`: the checkout's `git status` (ignored files included) and build/ stay as they were; the
    split cache is DIR's own; the card, Croissant, views and datasheet describe the new release."""
    from conftest import copy_project

    from scripts.build import main
    from scripts.release import splits
    project = copy_project(tmp_path / "project")
    _new_version(project, version)
    before = _checkout_state()
    assert main(["--quiet", "--root", str(project)]) == 0, capsys.readouterr().err
    assert _checkout_state() == before
    assert sorted(p.name for p in splits.cache_root(project).iterdir()) == sorted(splits.cache_keys(project).values())
    ds = project / "dataset"
    assert f"path: v{NEW}/" in (ds / "README.md").read_text(encoding="utf-8")
    assert json.loads((ds / "croissant.json").read_text(encoding="utf-8"))["version"] == NEW
    assert f"v{NEW}/" in (ds / "views.sql").read_text(encoding="utf-8")
    assert f"v{NEW}" in (project / "DATASHEET.md").read_text(encoding="utf-8")
    # and this code changes no released byte: the new release's tables are the current release's, file for file
    new, current = tree_digest(ds / f"v{NEW}"), tree_digest(ds / f"v{version}")
    assert {k: v for k, v in new.items() if k != "manifest.json"} == {k: v for k, v in current.items() if k != "manifest.json"}


def test_a_build_that_fails_at_its_companions_leaves_everything_as_it_was(project, version, monkeypatch, capsys):
    """The issue's disk-full probe through the build's own entry point: the third companion cannot be written."""
    from scripts.build import main
    _new_version(project, version)
    before = tree_digest(project / "dataset"), sha256_file(project / "DATASHEET.md") \
        if (project / "DATASHEET.md").exists() else None
    seen = _writes(monkeypatch, fail_at=WRITES - 3)
    assert main(["--quiet", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert len(seen) == WRITES - 3
    assert err.startswith("build failed: ") and "No space left on device" in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
    after = tree_digest(project / "dataset"), sha256_file(project / "DATASHEET.md") \
        if (project / "DATASHEET.md").exists() else None
    assert after == before and not (project / "dataset" / f"v{NEW}").exists()


def _dead_pid():
    pid = max(int(open("/proc/sys/kernel/pid_max").read()) - 1, 2 ** 22)
    while os.path.exists(f"/proc/{pid}"):
        pid -= 1
    return pid


@pytest.fixture(scope="module")
def cached_project(tmp_path_factory):
    """A scratch project whose split cache holds this code's entries (generated once if the checkout had none)."""
    from conftest import copy_project

    from scripts.release import splits
    project = copy_project(tmp_path_factory.mktemp("cache") / "project", with_dataset=False)
    splits.build(project, set())
    return project


# what a killed or an older build leaves in <root>/build/splits/, and whether the next build keeps it
LEFT = {
    "a killed build's staging folder": (lambda c, k: (c / f".{k}.x1y2.{_dead_pid()}.tmp").mkdir(), False),
    "a killed build's staging folder, half-written": (
        lambda c, k: ((c / f".{k}.a.{_dead_pid()}.tmp").mkdir(), (c / f".{k}.a.{_dead_pid()}.tmp" / "x.parquet").write_text("ha")),
        False),
    "a staging folder without a process id": (lambda c, k: (c / f".{k}.legacy.tmp").mkdir(), False),
    "an entry of an older code or input": (lambda c, k: shutil.copytree(c / k, c / "0123456789abcdef0123"), False),
    "an empty entry of another key": (lambda c, k: (c / "ffffffffffffffffffff").mkdir(), False),
    "a stray file": (lambda c, k: (c / "notes.txt").write_text("x"), False),
    "a symlink into the checkout": (lambda c, k: (c / "elsewhere").symlink_to(ROOT / "schema"), False),
    "a live build's staging folder": (lambda c, k: (c / f".{k}.live.{os.getppid()}.tmp").mkdir(), True),
}


@pytest.mark.parametrize("kind", sorted(LEFT))
def test_the_split_cache_lives_under_the_root_keyed_and_cleaned(cached_project, tmp_path, kind):
    from scripts.release import splits
    project = tmp_path / "project"
    shutil.copytree(cached_project, project, symlinks=True)
    cache = splits.cache_root(project)
    keys = splits.cache_keys(project)
    plant, kept = LEFT[kind]
    plant(cache, keys["train"])
    planted = {p.name for p in cache.iterdir()} - set(keys.values())
    before = _checkout_state()
    tables = splits.build(project, set())
    assert _checkout_state() == before
    assert sorted(tables) == sorted(keys) and all(t.num_rows for ts in tables.values() for t in ts.values())
    left = {p.name for p in cache.iterdir()}
    assert left == set(keys.values()) | (planted if kept else set())
    assert (ROOT / "schema" / "tables.yaml").is_file()  # the symlink went, not what it pointed to


# the viewer: a symlink at a page's name is replaced, never written through; no --out inside a release or dataset/
PAGE_LINKS = {
    "index.html to a file elsewhere": ("index.html", True),
    "a document page to a file elsewhere": ("000_7c51db7d224d44d0.html", True),
    "contradictions.html to a file elsewhere": ("contradictions.html", True),
    "a dangling index.html": ("index.html", False),
    "the temporary name of index.html": (f".index.html.{os.getpid()}.tmp", True),
}


@pytest.mark.parametrize("kind", sorted(PAGE_LINKS))
def test_the_viewer_never_writes_through_a_symlink(release, tmp_path, kind):
    from scripts.view import build_site
    name, exists = PAGE_LINKS[kind]
    victim = tmp_path / "victim.txt"
    if exists:
        victim.write_text("precious", encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / name).symlink_to(victim)
    build_site(release, out)
    assert (victim.read_text(encoding="utf-8") == "precious") if exists else not victim.exists()
    page = name if not name.endswith(".tmp") else "index.html"
    assert (out / page).is_file() and not (out / page).is_symlink()
    assert "<html" in (out / page).read_text(encoding="utf-8").lower()


def _in_release(project, version):
    return project / "dataset" / f"v{version}"


OUTS = {
    "the release folder": lambda p, v: _in_release(p, v),
    "a folder inside the release": lambda p, v: _in_release(p, v) / "site",
    "a generated split's folder": lambda p, v: _in_release(p, v) / "train",
    "the dataset repository": lambda p, v: p / "dataset",
    "the figures folder": lambda p, v: p / "dataset" / "figures",
    "a new folder in dataset/": lambda p, v: p / "dataset" / "viewer",
    "a symlink to the release": lambda p, v: (p / "link").symlink_to(_in_release(p, v)) or p / "link",
    "a path through ..": lambda p, v: p / "elsewhere" / ".." / "dataset" / "viewer",
}


@pytest.mark.parametrize("kind", sorted(OUTS))
def test_the_viewer_refuses_an_out_inside_a_release_or_dataset(release, version, tmp_path, kind, capsys):
    from scripts.view import main
    project = tmp_path / "project"
    shutil.copytree(release, _in_release(project, version))
    (project / "dataset" / "figures").mkdir()
    (project / "elsewhere").mkdir()
    before = tree_digest(project / "dataset")
    out = OUTS[kind](project, version)
    assert main([str(_in_release(project, version)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("view: --out: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert tree_digest(project / "dataset") == before
    assert sorted(p.name for p in (project / "dataset").iterdir()) == ["figures", f"v{version}"]


# ---------------------------------------------------------------- 4. build input refused with file:line: reason

A = "seeds/annotations/"
ENT, EVENTS, D0 = A + "entities.yaml", A + "events.yaml", A + "000_7c51db7d224d44d0.yaml"
KUAISHOU = "  aliases: [快手]\n  description: Chinese short-video"
EV1 = '    - {doc: 000_7c51db7d224d44d0, quote: "2018年,快手开启了直播电商业务", date: 2018年}\n'


def _to_lines(project, change=lambda line: line, at=0):
    """Every document's annotations moved from its YAML file into seeds/annotations/documents.jsonl (the
    at-th line changed)."""
    import yaml
    lines = []
    for p in sorted((project / A).glob("[0-9][0-9][0-9]_*.yaml")):
        lines.append(json.dumps(yaml.safe_load(p.read_text(encoding="utf-8")), ensure_ascii=False, default=str))
        p.unlink()
    lines[at] = change(lines[at])
    (project / A / "documents.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _edit(path, old, new):
    def mutate(project):
        text = (project / path).read_text(encoding="utf-8")
        assert old in text, old
        (project / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def _typed(monkeypatch, table, column, new_type):
    """schema/tables.yaml with one column's type changed, as the build's row-to-Arrow step sees it."""
    from schema.derive import arrow_schema
    from scripts.tables import arrow
    real = arrow_schema

    def changed(name):
        s = real(name)
        if name != table:
            return s
        i = s.get_field_index(column)
        return s.set(i, s.field(i).with_type(new_type))
    monkeypatch.setattr(arrow, "arrow_schema", changed)


def _alias(ch):
    return _edit(ENT, "aliases: [得物]", f"aliases: [得{ch}物]")


FACTS, SEED0 = "seeds/reference/facts.yaml", "seeds/000_7c51db7d224d44d0.txt"
# 000-c01 as annotated, to be annotated a second time under c99 (issue 25 item 6: one clause, two claims)
C01 = """  - id: c01
    quote: 去年一季度,快手电商的经营者数目环比下降50%
    value: 50%
    subject: kuaishou_ecommerce
    metric: merchant_count
    scope: 经营者数目
    period: 去年一季度
    change: {basis: qoq, direction: decrease}
    kind: actual
"""


def _read_again(direction="decrease", extra=""):
    twice = C01.replace("c01", "c99").replace("decrease", direction) + '    en: "The same clause read again."\n' + extra
    return _edit(D0, "  - id: c02\n", twice + "  - id: c02\n")


def _outside(project, name=SEED0):
    """The input replaced by a symlink to an identical copy outside the project root: the same bytes and hash."""
    inside = project / name
    outside = project.parent / ("outside-" + inside.name)
    shutil.move(inside, outside)
    inside.symlink_to(outside)


def _fact_field(old, new):
    return _edit(FACTS, old, new)


INPUTS = {
    # the probes: (mutation of the project, file named, reason fragment)
    "entity parent cycle": (_edit(ENT, KUAISHOU, KUAISHOU.replace("  description", "  parent: kuaishou_ecommerce\n  description")),
                            ENT, "is a cycle"),
    "duplicated event evidence item": (_edit(EVENTS, EV1, EV1 + EV1), EVENTS, "the same telling as evidence[0]"),
    "zero-width space inside an alias": (_alias("\u200b"), ENT, "U+200B ZERO WIDTH SPACE"),
    "duplicated key in a JSON-lines object": (lambda p: _to_lines(p, lambda ln: ln[:-1] + ', "doc_id": "000_7c51db7d224d44d0"}'),
                                              A + "documents.jsonl", "duplicate key 'doc_id'"),
    "float column declared int64 (32.5 -> 32)": (lambda p, mp: _typed(mp, "claims", "value", pa.int64()),
                                                 "schema/tables.yaml", "claims.value: declared int64"),
    # our own, of the same kinds
    "entity its own parent": (_edit(ENT, KUAISHOU, KUAISHOU.replace("  description", "  parent: kuaishou\n  description")),
                              ENT, "kuaishou -> kuaishou is a cycle"),
    "three-entity parent cycle": (lambda p: (_edit(ENT, KUAISHOU, KUAISHOU.replace("  description", "  parent: kuaishou_app\n  description"))(p),
                                             _edit(ENT, "  aliases: [快手APP]\n  parent: kuaishou\n", "  aliases: [快手APP]\n  parent: kuaishou_ecommerce\n")(p)),
                                  ENT, "is a cycle"),
    "the same evidence with its occurrence spelled out": (
        _edit(EVENTS, EV1, EV1 + EV1.replace("date: 2018年}", "date: 2018年, occurrence: 1}")), EVENTS, "the same telling"),
    "byte-order mark inside an alias": (_alias("\ufeff"), ENT, "U+FEFF"),
    "zero-width joiner inside an alias": (_alias("\u200d"), ENT, "U+200D ZERO WIDTH JOINER"),
    "soft hyphen inside an alias": (_alias("\u00ad"), ENT, "U+00AD SOFT HYPHEN"),
    "word joiner inside an alias": (_alias("\u2060"), ENT, "U+2060 WORD JOINER"),
    "tab inside an alias": (_edit(ENT, "aliases: [得物]", 'aliases: ["得\\t物"]'), ENT, "U+0009"),
    "zero-width space inside a noisy alias": (_edit(ENT, "    快手 电子商务: {type", "    快手\u200b电子商务: {type"), ENT, "U+200B"),
    "duplicated key inside a claim of a JSON line": (lambda p: _to_lines(p, lambda ln: ln.replace('"quote": ', '"quote": "x", "quote": ', 1)),
                                                     A + "documents.jsonl", "duplicate key 'quote'"),
    "JSON line that is not JSON": (lambda p: _to_lines(p, lambda ln: ln[:-1]), A + "documents.jsonl", "(document): Invalid JSON"),
    "JSON line that is not UTF-8": (lambda p: (_to_lines(p), (p / A / "documents.jsonl").write_bytes(
        (p / A / "documents.jsonl").read_bytes().replace("快手".encode(), b"\xff", 1))), A + "documents.jsonl", "not valid UTF-8"),
    "float column declared float32 (rounds)": (lambda p, mp: _typed(mp, "claims", "value", pa.float32()),
                                               "schema/tables.yaml", "claims.value: declared float"),
    "offset column declared int8 (overflows)": (lambda p, mp: _typed(mp, "mentions", "char_start", pa.int8()),
                                                "schema/tables.yaml", "mentions.char_start"),
    "text column declared int64": (lambda p, mp: _typed(mp, "noise", "quote", pa.int64()), "schema/tables.yaml", "noise.quote"),
    "reference figure declared int32": (lambda p, mp: _typed(mp, "reference_facts", "value", pa.int32()),
                                        "schema/tables.yaml", "reference_facts.value"),
    # issue 25 item 6 (bad input, the same standard): the probes
    "one clause annotated twice as two claims of opposite directions": (
        _read_again("increase"), D0, "is the number c01 already reads ('50%' at [93:96]): one clause annotated as two claims"),
    "a seed that is a symlink to a file outside the project root": (
        lambda p: _outside(p), SEED0, "outside the project root"),
    "a fact whose period ends in 2099 (a forecast)": (
        lambda p: (_fact_field("  period_end: '2018-12-31'\n", "  period_end: '2099-12-31'\n")(p),
                   _fact_field("  source_date_basis: page_date\n", "  source_date_basis: forecast\n")(p)),
        FACTS, "period_end: 2099-12-31 is outside 2015-01-01..2030-12-31"),
    "a share of 1e9 percent": (_fact_field("  value_as_printed: 62.4%\n", "  value_as_printed: 1000000000%\n"),
                               FACTS, "metric share is a share of a whole (schema/vocab.yaml): a level lies within 0..100"),
    "duplicated key inside a claim of the second JSON line": (
        lambda p: _to_lines(p, lambda ln: ln.replace('"value": ', '"value": "1", "value": ', 1), at=1),
        A + "documents.jsonl:2", "duplicate key 'value'"),
    # our own, of the same kinds
    "one clause annotated twice, a copy under a new id": (_read_again(), D0, "one clause annotated as two claims"),
    "one clause annotated twice, the second reading's reason too short": (
        _read_again(extra="    second_reading: why\n"), D0, "second_reading: String should have at least 10 characters"),
    "the annotations folder a symlink to a folder outside the root": (
        lambda p: _outside(p, "seeds/annotations"), "seeds/annotations", "outside the project root"),
    "a fact whose period starts in 2011": (_fact_field("  period_start: '2018-01-01'\n", "  period_start: '2011-01-01'\n"),
                                           FACTS, "period_start: 2011-01-01 is outside 2015-01-01..2030-12-31"),
    "a fact dated after 2030": (_fact_field("  source_date: '2020-11-05'\n", "  source_date: '2031-01-05'\n"),
                                FACTS, "source_date: 2031-01-05 is outside"),
    "a repurchase rate of 165 percent": (_fact_field("  value_as_printed: 65%\n", "  value_as_printed: 165%\n"),
                                        FACTS, "metric repurchase_rate is a share of a whole"),
}


@pytest.mark.parametrize("kind", sorted(INPUTS))
def test_the_build_refuses_the_input_with_file_line_reason(project, kind, monkeypatch, capsys):
    import inspect
    import re

    from scripts.build import main
    mutate, named, reason = INPUTS[kind]
    mutate(*([project, monkeypatch] if len(inspect.signature(mutate).parameters) == 2 else [project]))
    before = tree_digest(project / "dataset")
    rc = main(["--quiet", "--root", str(project), "--workers", "1"])
    err = capsys.readouterr().err
    assert rc == 1, err
    m = re.fullmatch(r"build failed: (\S+?):(\d+): (.*)\n", err, re.S)
    assert m, err
    assert f"{m.group(1)}:{m.group(2)}".endswith(named) or m.group(1).endswith(named), err  # named may give the line
    assert int(m.group(2)) > 0, err
    assert reason in m.group(3), err
    assert "Traceback" not in err
    assert tree_digest(project / "dataset") == before


def _claim_rows(project):
    from scripts.tables.claims import claim_row
    from scripts.tables.context import Inputs
    inp = Inputs(project / "seeds")
    seed, doc = inp.seed_by_id["000_7c51db7d224d44d0"], inp.annotations["000_7c51db7d224d44d0"]
    return doc, [claim_row(seed, doc, i, c, inp.entity_ids)[0] for i, c in enumerate(doc.ann.claims)]


def test_a_second_reading_of_a_number_builds_when_its_annotation_says_why(project):
    """The exception to one number, one claim (GUIDELINES.md, What is a claim): second_reading on the later claim."""
    from scripts.errors import InputError
    from scripts.tables.claims import one_number_one_claim
    _read_again()(project)
    doc, rows = _claim_rows(project)
    with pytest.raises(InputError, match="one clause annotated as two claims"):
        one_number_one_claim(doc, rows)
    project2 = project.parent / "with-reason"
    shutil.copytree(project / "seeds", project2 / "seeds")
    _edit(D0, '    en: "The same clause read again."\n',
          '    en: "The same clause read again."\n    second_reading: "Both readings are kept on purpose here."\n')(project2)
    doc, rows = _claim_rows(project2)
    assert [r["value_surface"] for r in rows[:2]] == ["50%", "50%"]
    one_number_one_claim(doc, rows)  # said why: no error


def test_a_symlink_that_stays_inside_the_root_is_read(project):
    from scripts.inputs.seeds import refuse_outside_root
    seed = project / SEED0
    shutil.move(seed, project / "kept-elsewhere.txt")
    seed.symlink_to(project / "kept-elsewhere.txt")
    refuse_outside_root(project / "seeds")  # inside the root: no error
    (project / "kept-elsewhere.txt").unlink()
    seed.unlink()
    seed.symlink_to("/etc/hostname")
    from scripts.errors import InputError
    with pytest.raises(InputError, match="outside the project root"):
        refuse_outside_root(project / "seeds")


def test_annotations_moved_to_json_lines_build_the_same_tables(project, release):
    """The main project with its five documents' annotations in documents.jsonl, not YAML: the same tables."""
    from scripts.pipeline import build_tables
    from scripts.release.write import read_release
    _to_lines(project)
    tables, _ = build_tables(project / "seeds")
    committed = read_release(release)
    assert {n: t.equals(committed[n]) for n, t in tables.items()} == {n: True for n in tables}


# ---------------------------------------------------------------- 5. Markdown as well as HTML escaped

@pytest.fixture(scope="module")
def datasheet_ctx(release):
    from scripts.docs import datasheet
    return datasheet.context(release, ROOT)


def _tokens(text, value=None):
    """The Markdown structure a GFM renderer builds: block and inline token types, link and image targets, and
    the text of each text or code token with the hostile value (as shown: newlines as ⏎) put back to a plain
    word. Links are not vetted here (markdown-it itself refuses javascript:, a less careful renderer would not)."""
    import html

    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.validateLink = lambda url: True
    shown = (value or "").replace("\n", "⏎")
    out = []
    for t in md.parse(text):
        out.append(t.type)
        for c in t.children or []:
            content = c.content if c.type in ("text", "code_inline") else ""
            if value:
                content = content.replace(shown, "plainword").replace(html.escape(shown, quote=False), "plainword")
            out.append((c.type, content, c.attrs.get("href") or c.attrs.get("src")))
    return out


def _set(path):
    """Put a value at a path in the datasheet's context (from the tables: documents, noise, events, ...)."""
    def put(ctx, value):
        obj = ctx
        for k in path[:-1]:
            obj = obj[k]
        obj[path[-1]] = value
    return put


HOSTILE = {
    # the probes: where, what
    "link in an annotation (noise explanation)": (_set(["catalog", 0, "examples", 0, "why"]), "[x](javascript:alert(1))"),
    "pipe in a document's site": (_set(["docs", 0, "site"]), "evil | site | extra"),
    # our own
    "image in a likely reading": (_set(["catalog", 0, "examples", 0, "reading"]), "![x](https://evil.example/t.png)"),
    "emphasis in a quote shown as code": (_set(["catalog", 1, "examples", 0, "quote"]), "*bold* and `tick` and | pipe"),
    "heading in an author": (_set(["docs", 1, "author"]), "# Heading"),
    "newline and a table row in a site": (_set(["docs", 2, "site"]), "x\n| a | b |\n|---|---|"),
    "strikethrough in a date basis": (_set(["docs", 0, "reference_date_basis"]), "~~gone~~ ~~"),
    "reference link in a contradiction quote": (_set(["contradictions", 0, "qa"]), "[x][1]\n\n[1]: javascript:alert(1)"),
    "autolink in a contradiction explanation": (_set(["contradictions", 0, "explanation"]), "<javascript:alert(1)>"),
    "underscore emphasis in an event quote": (_set(["date_disagreements", 0, "evidence", 0, "quote"]), "_em_ __strong__"),
    "backticks in an event's date words": (_set(["date_disagreements", 0, "evidence", 0, "surface"]), "``2018`` |"),
    "list item in a gap's reason": (_set(["verification", "gaps", 0, "reason"]), "- item | cell"),
    "html and a link in a refuted quote": (_set(["verification", "refuted", 0, "quote"]), '<a href="javascript:1">[x](y)</a>'),
    "escape character before a pipe": (_set(["docs", 3, "site"]), "a\\|b"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_text_from_sources_and_annotations_is_escaped_for_markdown(datasheet_ctx, release, kind):
    """The hostile text changes no Markdown structure: the same tokens as a plain word in its place, no link."""
    import copy as copy_

    from scripts.docs import datasheet
    put, value = HOSTILE[kind]
    plain, evil = copy_.deepcopy(datasheet_ctx), copy_.deepcopy(datasheet_ctx)
    put(plain, "plainword")
    put(evil, value)
    for prefix in ("dataset/", ""):
        a = datasheet.render(release, ROOT, prefix=prefix, ctx=plain)
        b = datasheet.render(release, ROOT, prefix=prefix, ctx=evil)
        assert _tokens(b, value) == _tokens(a), kind
        assert not [t for t in _tokens(b) if isinstance(t, tuple) and "javascript" in str(t[2])]  # no link to script
        assert "<a " not in b and "<javascript" not in b



# ---------------------------------------------------------------- 6. timestamps keep their offset after pandera

def _tz(spec):
    import datetime as dt
    from zoneinfo import ZoneInfo
    return ZoneInfo(spec) if "/" in spec or spec == "UTC" else dt.timezone(dt.timedelta(minutes=int(spec)))


WHEN = {  # page dates in the offset a source might give them (minutes east of UTC, or a zone)
    "China Standard Time (+08:00), the issue's probe": ((2023, 5, 1, 10, 0), "480"),
    "Asia/Shanghai zone": ((2021, 2, 5, 9, 30), "Asia/Shanghai"),
    "UTC": ((2022, 12, 31, 23, 59), "UTC"),
    "New York in summer time": ((2023, 7, 1, 8, 0), "America/New_York"),
    "New York in winter time": ((2023, 1, 15, 8, 0), "America/New_York"),
    "Nepal (+05:45)": ((2020, 3, 1, 0, 0), "345"),
    "Kiribati (+14:00)": ((2019, 1, 1, 0, 30), "840"),
    "Baker Island (-12:00)": ((2019, 1, 1, 23, 30), "-720"),
    "before 1970": ((1969, 12, 31, 20, 0), "480"),
    "a leap day at midnight": ((2024, 2, 29, 0, 0), "480"),
    "milliseconds kept": ((2023, 5, 1, 10, 0, 0, 123000), "480"),
    "the day the offset crosses into the next date": ((2023, 5, 1, 23, 30), "-300"),
}


@pytest.mark.parametrize("kind", sorted(WHEN))
def test_an_aware_timestamp_round_trips_with_its_offset_after_pandera(release, tmp_path, kind):
    import datetime as dt

    import pandera.pandas  # noqa: F401  - first, as the build and validate import it: it sets PYARROW_IGNORE_TIMEZONE

    from scripts.pipeline import to_table
    parts, zone = WHEN[kind]
    when = dt.datetime(*parts, tzinfo=_tz(zone))
    rows = pq.read_table(release / "documents.parquet").to_pylist()
    rows[0]["published_at"] = when
    write_parquet(to_table("documents", rows), tmp_path / "documents.parquet")
    back = {r["doc_id"]: r["published_at"] for r in pq.read_table(tmp_path / "documents.parquet").to_pylist()}
    assert back[rows[0]["doc_id"]] == when  # the same instant (aware datetimes compare as instants)
    assert back[rows[0]["doc_id"]].utcoffset() == dt.timedelta(hours=8)  # shown in the declared zone, Asia/Shanghai
    assert {d: v for d, v in back.items() if d != rows[0]["doc_id"]} == {r["doc_id"]: r["published_at"] for r in rows[1:]}
