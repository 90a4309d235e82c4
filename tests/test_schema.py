"""One schema source: every derived form agrees with schema/tables.yaml and with the files."""
import pyarrow.parquet as pq
import pytest
from conftest import ROOT

import schema
from schema.derive import arrow_schema, data_dictionary, pandera_schema
from schema.hf import hf_features

TABLES = schema.table_names()


@pytest.mark.parametrize("name", TABLES)
def test_parquet_schema_is_the_declared_one(release, name):
    written = pq.read_schema(release / f"{name}.parquet")
    assert written.remove_metadata() == arrow_schema(name).remove_metadata()
    assert [f.metadata[b"description"].decode() for f in written] == \
        [c.description for c in schema.load().tables[name].columns]


@pytest.mark.parametrize("name", TABLES)
def test_pandera_and_dictionary_cover_exactly_the_declared_columns(name):
    declared = schema.load().tables[name].column_names
    assert list(pandera_schema(name).columns) == declared
    doc = data_dictionary(name)
    assert [line.split("`")[1] for line in doc.splitlines()[2:]] == declared


@pytest.mark.parametrize("name", TABLES)
def test_hf_features_match_what_load_dataset_returns(release, name):
    import datasets
    ds = datasets.load_dataset(str(ROOT / "dataset"), name, split=schema.load().tables[name].split)
    assert ds.features == hf_features(name)
    assert ds.num_rows == pq.ParquetFile(release / f"{name}.parquet").metadata.num_rows


def test_every_vocab_named_by_a_column_exists():
    sch = schema.load()
    for t in sch.tables.values():
        for c in t.columns:
            if c.vocab:
                assert c.vocab in sch.vocab


@pytest.mark.parametrize("name", TABLES)
def test_gx_suite_carries_every_declared_constraint(name):
    from schema import gx_suites
    t = schema.load().tables[name]
    kinds = {(e["type"], e["kwargs"].get("column")) for e in gx_suites.suite(name)["expectations"]}
    for c in t.columns:
        assert (not c.nullable) == (("expect_column_values_to_not_be_null", c.name) in kinds), c.name
        assert bool(c.pattern) == (("expect_column_values_to_match_regex", c.name) in kinds), c.name
        if c.vocab and not c.type.startswith("list<"):
            assert ("expect_column_values_to_be_in_set", c.name) in kinds, c.name


def test_declared_rules_exist():
    from schema.rules import RULES
    for t in schema.load().tables.values():
        for spec in t.rules:
            assert spec["kind"] in RULES
