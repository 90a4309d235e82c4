"""A garbled name's canonical form rests on a cited source (a stored page, or another document of the
dataset that prints it correctly) or is marked unresolved: never on memory (issue 29, item 3)."""
import pyarrow.parquet as pq
import pytest

from scripts import paths
from scripts.errors import InputError
from scripts.inputs.entity_registry import load_entities

ENTITIES = paths.ROOT / "seeds" / "annotations" / "entities.yaml"


def test_no_garbled_name_canonical_form_without_a_source_or_unresolved_mark(release):
    garbled = {e.id for e in load_entities(ENTITIES).items if e.has_garbled_name()}
    rows = {r["entity_id"]: r for r in pq.read_table(release / "entities.parquet").to_pylist()}
    for eid in garbled:
        r = rows[eid]
        assert (r["name_source"] is not None) != r["name_unresolved"], eid
        assert r["name_source_note"], eid
    assert sorted(e for e in garbled if rows[e]["name_unresolved"]) == ["jin_bing", "jt_express", "shen_teng", "zhong_yi"]
    assert sorted(e for e in garbled if rows[e]["name_source"]) == ["cheng_yixiao", "kuai_fenxiao", "su_hua", "xiao_gu"]
    # no entity without a garbled name carries a name source
    assert all(r["name_source"] is None and not r["name_unresolved"] for e, r in rows.items() if e not in garbled)


def test_a_document_source_prints_the_canonical_name():
    for e in load_entities(ENTITIES).items:
        src = e.name_source
        if src and src.doc_id:
            text = (paths.ROOT / "seeds" / f"{src.doc_id}.txt").read_text(encoding="utf-8")
            assert src.quote in text and e.name in src.quote, e.id
        elif src:
            assert src.url.startswith("http") and src.publisher, e.id


def test_a_garbled_name_without_source_is_refused_at_its_line(tmp_path):
    bad = tmp_path / "entities.yaml"
    bad.write_text("- id: someone\n  name: 某人\n  en: Someone\n  type: person\n"
                   "  noisy:\n    某仁: {type: garbled_name, why: \"a garbling with no source\"}\n"
                   "  description: A person.\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_entities(bad)
    assert "entities.yaml:1" in str(e.value) and "name_unresolved" in str(e.value)
