"""Every entry point answers a newcomer's mistake with one line and the usage exit code, and answers
--help without importing the heavy libraries (issue 31 items 2 and 9)."""
import importlib
import json
import subprocess
import sys

import pytest
from conftest import ROOT

ENTRY_POINTS = ("build", "validate", "view", "diff", "evaluate", "baselines", "generate", "publish", "bench")
HEAVY = ("pyarrow", "pandas", "great_expectations", "pandera", "datasets", "pyspark", "sklearn", "jionlp", "jinja2",
         "huggingface_hub")

# `python -m scripts.<prog> --help` in a fresh interpreter, then the top-level packages it imported
_PROBE = """
import contextlib, io, json, runpy, sys
sys.argv = [sys.argv[1], "--help"]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    except SystemExit as e:
        code = e.code
print(json.dumps({"code": code, "help": out.getvalue(), "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


@pytest.mark.parametrize("prog", ENTRY_POINTS)
def test_help_imports_no_heavy_module(prog):
    r = subprocess.run([sys.executable, "-c", _PROBE, f"scripts.{prog}"], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["code"] == 0 and f"usage: {prog}" in got["help"]
    assert [m for m in HEAVY if m in got["modules"]] == []
    assert "yaml" in got["modules"] or prog in ("generate", "build", "bench")  # the probe sees real imports


def _bad(tmp_path):
    """Things a newcomer passes by mistake: a folder without a release, a file where a folder goes, bad bytes."""
    (tmp_path / "empty").mkdir(exist_ok=True)
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"claim_id": "000-c04", "verdict": "refuted"}\n{"x": "\xe9"}\n')
    return {"{empty}": str(tmp_path / "empty"), "{file}": str(tmp_path / "a-file"),
            "{latin1}": str(tmp_path / "latin1.jsonl"), "{missing}": str(tmp_path / "missing")}


PREDS = str(ROOT / "tests" / "data")  # any existing path; the mistakes below are refused before it is read

MISTAKES = [  # (prog, argv, what the one line must say)
    ("evaluate", ["--task", "verification", "--predictions", "{file}", "--release", "{empty}"], "not a release"),
    ("evaluate", ["--task", "verification", "--predictions", "{file}", "--release", "{missing}"], "no release at"),
    ("evaluate", ["--task", "extraction", "--predictions", "{file}", "--release", "0.2.0"], "has no extraction.parquet"),
    ("evaluate", ["--task", "verification", "--predictions", "{missing}"], "no such file"),
    ("evaluate", ["--task", "verification", "--predictions", "{empty}"], "a folder"),
    ("evaluate", ["--task", "verification", "--predictions", "{latin1}"], "latin1.jsonl:2: not UTF-8"),
    ("evaluate", ["--task", "verification", "--predictions", "{file}", "--split", "bogus"], "invalid choice: 'bogus'"),
    ("evaluate", ["--task", "claims", "--predictions", "{file}"], "invalid choice: 'claims'"),
    ("evaluate", ["--predictions", "{file}"], "required: --task"),
    ("baselines", ["--split", "bogus"], "invalid choice: 'bogus'"),
    ("baselines", ["--release", "{missing}"], "no release at"),
    ("baselines", ["--release", "{empty}"], "not a release"),
    ("baselines", ["--release", "0.5.0"], "has no extraction.parquet"),
    ("baselines", ["--out", "{file}"], "is a file, not a folder"),
    ("build", ["--root", "{missing}"], "holds no pyproject.toml"),
    ("build", ["--root", "{empty}"], "holds no pyproject.toml"),
    ("build", ["--workers", "0"], "--workers must be at least 1"),
    ("build", ["--master", "local[2]"], "--master and --part-docs need --engine spark"),
    ("build", ["--part-docs", "10"], "--master and --part-docs need --engine spark"),
    ("build", ["--engine", "flink"], "invalid choice: 'flink'"),
    ("validate", ["{missing}"], "no release at"),
    ("validate", ["{empty}"], "not a release"),
    ("validate", ["--master", "local[2]"], "--master needs --engine spark"),
    ("view", ["{missing}"], "no release at"),
    ("view", ["--out", "{file}"], "is a file, not a folder"),
    ("diff", ["0.9.0"], "required: new"),
    ("diff", ["0.9.0", "{empty}"], "not a release"),
    ("diff", ["0.9.0", "0.10.0", "--limit", "-1"], "-1 is negative"),
    ("diff", ["0.9.0", "0.10.0", "--limit", "many"], "invalid _count value: 'many'"),
    ("generate", ["--docs", "2", "--seed", "1", "--out", "{file}"], "is a file, not a folder"),
    ("generate", ["--docs", "0", "--seed", "1", "--out", "{missing}"], "--docs must be at least 1"),
    ("generate", ["--docs", "two", "--seed", "1", "--out", "{missing}"], "invalid int value: 'two'"),
    ("publish", ["--repo-id", "just-a-name"], "give the full Hub id, ORG/NAME"),
    ("publish", ["--dryrun"], "unrecognized arguments: --dryrun"),
    ("bench", ["--runs", "0"], "--runs and --workers must be at least 1"),
    ("bench", ["--docs", "10,many"], "invalid _sizes value: '10,many'"),
    ("bench", ["--against", "HEAD^"], "--against needs --docs"),
    ("bench", ["--validate", "{missing}"], "no release at"),
    ("bench", ["--validate", "--docs", "10"], "--validate measures one release: leave out --docs"),
]


@pytest.mark.parametrize("prog, argv, says", MISTAKES, ids=[f"{p}-{'_'.join(a)[:40]}" for p, a, _ in MISTAKES])
def test_a_mistake_is_one_line_and_exit_2(prog, argv, says, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # versions such as 0.9.0 name releases under this project's dataset/
    bad = _bad(tmp_path)
    argv = [bad.get(a, a) for a in argv]
    main = importlib.import_module(f"scripts.{prog}").main
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert err.startswith(f"{prog}: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert says in err, err
    assert out == ""


def test_a_mistake_through_the_command_line_is_one_line(tmp_path):
    """The same answer from a real process (python -m), where a traceback would show."""
    r = subprocess.run([sys.executable, "-m", "scripts.baselines", "--split", "bogus"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("baselines: argument --split: invalid choice: 'bogus'") and r.stderr.count("\n") == 1
