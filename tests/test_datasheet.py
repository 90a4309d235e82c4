"""The datasheet, card and figure are generated from the release; stale copies fail here."""
import hashlib
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import ROOT

from schema.derive import arrow_schema
from scripts.docs import datasheet
from scripts.release.write import write_parquet


def test_datasheet_is_up_to_date(release):
    assert (ROOT / "DATASHEET.md").read_text(encoding="utf-8") == datasheet.render(release, ROOT), \
        "DATASHEET.md is stale: run `make dataset` and commit it"
    assert (ROOT / "dataset" / "DATASHEET.md").read_text(encoding="utf-8") == datasheet.render(release, ROOT, prefix=""), \
        "dataset/DATASHEET.md (the Hub copy) is stale"
    assert f"]({datasheet.FIGURE})" in (ROOT / "dataset" / "DATASHEET.md").read_text(encoding="utf-8")


def test_datasheet_answers_every_section_with_facts(release):
    text = (ROOT / "DATASHEET.md").read_text(encoding="utf-8")
    for heading in ("## Motivation", "## Composition", "## Collection process", "## Preprocessing, cleaning, labelling",
                    "## Uses", "## Distribution", "## Maintenance", "## Noise catalog", "## Contradiction catalog"):
        assert heading in text
    assert "000-c04 vs 000-c06 (scale_mismatch: contradicts)" in text
    assert "ev_yinli_2021" in text and "今年3月份" in text
    assert "| `unit_error` | 1 | 0 | 0 | 0 | 1 | 2 |" in text
    # the noise pass's agreement with the release, per document and in all (RECONCILIATION.md, Noise)
    assert "| all | 196 | 195 | 0.979 | 0.913 | 0.945 | 0.911 |" in text


def test_figure_is_deterministic_and_current(fresh_release):
    committed = (ROOT / "dataset" / datasheet.FIGURE).read_bytes()
    rebuilt = (fresh_release.parent / datasheet.FIGURE).read_bytes()
    assert hashlib.sha256(committed).hexdigest() == hashlib.sha256(rebuilt).hexdigest()
    assert b"000-c04" in committed and b"<svg" in committed


def test_card_links_datasheet_and_summarises_noise():
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert "DATASHEET.md" in card and "CHANGELOG.md" in card and "figures/gmv_timeline.svg" in card
    assert "| `antonym_substitution` |" in card


def test_datasheet_escapes_html_from_sources_and_annotations(release, tmp_path):
    """Markup in a source's or an annotation's text is printed as text, never passed through as HTML."""
    copy = tmp_path / release.name
    shutil.copytree(release, copy)
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    for table, columns in (("noise", ("explanation", "likely_reading")), ("documents", ("site", "reference_date_basis"))):
        rows = pq.read_table(copy / f"{table}.parquet").to_pylist()
        for r in rows:
            r.update({c: evil for c in columns})
        write_parquet(pa.Table.from_pylist(rows, schema=arrow_schema(table)), copy / f"{table}.parquet")
    text = datasheet.render(copy, ROOT)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script" not in text and "<img" not in text
