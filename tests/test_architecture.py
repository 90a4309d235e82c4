"""The layout keeps its promises: one module per table, a build order derived from
declared reads, rows checked against the schema, vocabularies declared only in schema/."""
import ast

import pytest
from conftest import ROOT, tree_digest

import schema
from scripts import pipeline
from scripts.build import main as build_main
from scripts.tables import DagError, build_order, dependencies, modules
from scripts.tables.context import Inputs, Stage

TABLES = schema.table_names()


def test_every_table_has_exactly_one_module_named_after_it():
    mods = modules()
    assert sorted(mods) == sorted(TABLES)
    for name, m in mods.items():
        assert m.__file__.endswith(f"scripts/tables/{name}.py")
        assert callable(m.build) and isinstance(m.READS, tuple)
        # and proves what it built: each check with the tables it reads, all of them tables (issue 25)
        assert callable(m.prove) and m.PROOFS, name
        assert all(set(needs) <= set(TABLES) and callable(check) for needs, check in m.PROOFS), name
    assert not (ROOT / "scripts" / "rederive.py").exists()
    # and no other module turns rows into a table: the pipeline writes them (arrow.py); a proof round-trips
    # rebuilt rows to compare them (arrow.arrow_rows) or compares them as Arrow (proof.compare_table; tasks.py, part
    # by part); source.py, the rows of the tables only an input states, read again from the release's source/;
    # spark_build.py, the tables a Spark build makes once for the corpus and each range of across-document relations
    callers = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scripts").rglob("*.py")
                     if "to_table(" in p.read_text(encoding="utf-8"))
    assert callers == ["scripts/pipeline.py", "scripts/release/source.py", "scripts/release/spark_build.py",
                       "scripts/tables/arrow.py", "scripts/tables/proof.py", "scripts/tables/tasks.py"]


def test_build_order_comes_from_declared_reads():
    deps = dependencies()
    order = build_order(deps)
    assert sorted(order) == sorted(TABLES)
    for name, reads in deps.items():
        for r in reads:
            assert order.index(r) < order.index(name), f"{name} is built before {r}, which it reads"
    # what the tables actually read today: a change here is a change of the DAG, made on purpose
    assert deps["claim_verdicts"] == ("claims", "reference_facts", "documents", "entities")  # entities: the subject's names, removed from scopes
    assert deps["documents"] == ("noise", "claims", "mentions", "events")
    assert order[:2] == ["events", "noise"]


def test_a_cycle_is_refused():
    with pytest.raises(DagError, match="cycle"):
        build_order({"a": ("b",), "b": ("c",), "c": ("a",)})


def test_a_read_of_an_unknown_table_is_refused():
    with pytest.raises(DagError, match="reads nowhere"):
        build_order({"a": ("nowhere",)})


def test_an_undeclared_read_is_refused():
    stage = Stage("entities", ("mentions",), Inputs(ROOT / "seeds"), {"mentions": (), "claims": ()})
    assert stage.rows("mentions") == ()
    with pytest.raises(DagError, match="entities reads claims but does not declare it"):
        stage.rows("claims")


def test_rows_handed_to_readers_are_read_only():
    with pytest.raises(TypeError):
        pipeline.frozen([{"a": 1}])[0]["a"] = 2


@pytest.mark.parametrize("change", ["misspelt", "missing"])
def test_a_row_with_a_wrong_key_fails_the_build_naming_table_and_key(project, monkeypatch, capsys, change):
    real = modules()["entities"].build

    def broken(stage):
        rows = real(stage)
        r = rows[0]
        if change == "misspelt":
            r["n_mention"] = r.pop("n_mentions")
        else:
            del r["description"]
        return rows

    monkeypatch.setattr(modules()["entities"], "build", broken)
    before = tree_digest(project / "dataset")
    assert build_main(["--root", str(project), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "table entities, row entity_id=" in err
    assert ("unknown key(s) n_mention" in err and "missing key(s) n_mentions" in err) if change == "misspelt" \
        else "missing key(s) description" in err
    assert tree_digest(project / "dataset") == before


def _model_string_constants(path):
    """String constants inside the module's classes (the annotation models)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.value for cls in ast.walk(tree) if isinstance(cls, ast.ClassDef)
            for n in ast.walk(cls) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


@pytest.mark.parametrize("module", ["scripts/inputs/annotations.py", "scripts/inputs/seeds.py",
                                    "scripts/tables/events.py", "scripts/tables/reference_facts.py",
                                    "scripts/inputs/entity_registry.py", "scripts/normalize/cleaning.py"])
def test_annotation_models_do_not_relist_vocabularies(module):
    """The models read their vocabularies from schema/ (vocab_validator); one term may appear as a
    default (confidence 'high'), but two terms of one vocabulary in the models is a re-declared list."""
    path = ROOT / module
    assert "Literal[" not in path.read_text(encoding="utf-8"), f"{module}: use vocab_validator(<vocab>)"
    consts = _model_string_constants(path)
    for vocab, terms in schema.load().vocab.items():
        listed = sorted(consts & set(terms))
        assert len(listed) < 2, f"{module} spells out terms of vocab {vocab}: {listed}"


def test_the_build_writes_nothing_into_schema(project):
    before = {p.relative_to(ROOT / "schema") for p in (ROOT / "schema").rglob("*") if "__pycache__" not in p.parts}
    assert build_main(["--root", str(project), "--quiet"]) == 0
    after = {p.relative_to(ROOT / "schema") for p in (ROOT / "schema").rglob("*") if "__pycache__" not in p.parts}
    assert after == before


# the stages, lowest first: a module may import its own stage, a lower one, or the foundation (top-level
# helpers that belong to no stage); never a higher one (issue 25)
STAGES = ("normalize", "inputs", "tables")
FOUNDATION = {"errors", "files", "paths", "gc_policy", "progress", "scores",
              "parallel", "spark"}  # the engines that map the per-document stages (imported lazily)
# no exceptions: the task rows the three task tables are built from live with them (scripts/tables/tasks.py)
ALLOWED: set[tuple[str, str]] = set()


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name, []


def test_no_stage_imports_a_higher_one():
    upward = []
    for rank, stage in enumerate(STAGES):
        for path in sorted((ROOT / "scripts" / stage).rglob("*.py")):
            for line, module, names in _imports(path):
                parts = module.split(".")
                if parts[0] != "scripts":
                    continue
                targets = [parts[1]] if len(parts) > 1 else names
                for t in targets:
                    full = ".".join(parts[:2]) if len(parts) > 1 else f"scripts.{t}"
                    named = ".".join(parts[:3]) if len(parts) > 2 else ".".join([*parts[:2], *names[:1]])
                    if t in FOUNDATION or (stage, named) in ALLOWED:
                        continue
                    if t not in STAGES or STAGES.index(t) > rank:
                        upward.append(f"{path.relative_to(ROOT)}:{line}: {full}")
    assert upward == []


def test_the_layer_contract_of_make_lint_holds():
    """import-linter's layers contract ([tool.importlinter] in pyproject.toml, `make lint`): every stage, the
    entry points down to schema/, imports only its own stage or lower ones, function-level imports included."""
    import subprocess
    import sys
    from pathlib import Path
    r = subprocess.run([str(Path(sys.executable).with_name("lint-imports")), "--no-cache"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]
    assert "stages import only downwards KEPT" in r.stdout
