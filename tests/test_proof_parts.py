"""The proofs that compare as Arrow (issue 28: the build's and validation's peak memory): the task tables rebuilt
part by part, the relations and verdicts compared as tables. Same findings as the row-by-row comparison: nothing
on the release as committed, and a changed row named by table, key and column in whichever part it sits."""
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import schema
from scripts.release import proof
from scripts.tables import proof as table_proof
from scripts.tables import tasks


@pytest.fixture
def tables(release):
    return {n: pq.read_table(release / f"{n}.parquet") for n in schema.table_names()}


@pytest.fixture
def row_comparisons(monkeypatch):
    """The tables the proofs had to read row by row (every Arrow comparison that disagreed falls back to it)."""
    seen: list[str] = []
    orig = table_proof.compare_rows

    def spy(f, table, *args):
        seen.append(table)
        return orig(f, table, *args)
    monkeypatch.setattr(table_proof, "compare_rows", spy)
    return seen


def _findings(tables, table):
    return [p for p in proof.problems(tables, None) if p.table == table]


@pytest.mark.parametrize("part_docs", [2000, 2, 1])
def test_an_intact_release_is_proved_without_reading_the_large_tables_row_by_row(tables, row_comparisons, monkeypatch,
                                                                               part_docs):
    monkeypatch.setattr(tasks, "PART_DOCS", part_docs)  # five documents: one part, three parts, five parts
    for name in ("extraction", "verification", "noise_detection", "claim_relations", "claim_verdicts"):
        assert _findings(tables, name) == []
    assert not {"extraction", "verification", "noise_detection", "claim_relations", "claim_verdicts"} & set(row_comparisons)


def _set_label(tbl: pa.Table, claim_id: str, label: str) -> pa.Table:
    i = tbl.column_names.index("label")
    hit = pc.equal(tbl["claim_id"], claim_id)
    assert pc.sum(hit).as_py() == 1
    return tbl.set_column(i, "label", pc.if_else(hit, label, tbl["label"]))


def test_a_label_changed_in_the_last_part_is_named(tables, row_comparisons, monkeypatch):
    monkeypatch.setattr(tasks, "PART_DOCS", 2)  # documents 000-001, 002-003, 004
    tables["verification"] = _set_label(tables["verification"], "004-c01", "supported")  # stored: refuted
    found = _findings(tables, "verification")
    assert [(p.column, p.check) for p in found] == [("label", "rebuilt from the base tables")]
    assert "004-c01" in str(found[0].examples[0])
    assert row_comparisons.count("verification") == 1


def test_a_task_row_of_no_document_is_named(tables, monkeypatch):
    monkeypatch.setattr(tasks, "PART_DOCS", 2)
    extra = tables["noise_detection"].slice(0, 1)
    field = extra.schema.field("doc_id")
    extra = extra.set_column(extra.column_names.index("doc_id"), field, pa.array(["999_0000000000000000"], field.type))
    tables["noise_detection"] = pa.concat_tables([tables["noise_detection"], extra])
    found = _findings(tables, "noise_detection")
    assert any(p.column == "(row)" and "999_0000000000000000" in str(p.examples) for p in found), found


def test_a_relation_changed_is_named_by_the_arrow_comparison_s_fallback(tables, row_comparisons):
    rel = tables["claim_relations"]
    i = rel.column_names.index("expected")
    first = pc.equal(pa.array(range(rel.num_rows)), 0)
    tables["claim_relations"] = rel.set_column(i, "expected", pc.if_else(first, pa.scalar(123456.0, rel["expected"].type),
                                                                          rel["expected"]))
    found = _findings(tables, "claim_relations")
    assert [p.column for p in found] == ["expected"] and row_comparisons.count("claim_relations") == 1
