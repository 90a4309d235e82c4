"""Faults and damaged releases (issue #30), one parametrised test per kind, each probe as an adversary
would try it: a full disk at the n-th file, writes outside the built --root, damaged release folders
handed to `validate`, bad build inputs, hostile text in the datasheet, an aware timestamp after pandera.
No probe may print a traceback, and after each the committed release and the files that describe it hash
as they did (the autouse fixture below)."""
import contextlib
import json
import os
import shutil
import signal

import pyarrow as pa
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
