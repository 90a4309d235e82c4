"""Annotations as JSON lines (what the generator writes, one document a line): the same tables as the
per-document YAML, and every mistake still reported as file:line: reason, nothing written."""
import json
import shutil

import pytest
import yaml

from scripts import generate
from scripts.build import build
from scripts.errors import InputError
from scripts.pipeline import build_tables

LINES = "documents.jsonl"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("jsonl") / "project"
    assert generate.main(["--docs", "4", "--seed", "11", "--out", str(out)]) == 0
    return out


@pytest.fixture
def copy(corpus, tmp_path):
    dst = tmp_path / "project"
    shutil.copytree(corpus, dst)
    return dst


def _docs(root):
    return [json.loads(line) for line in (root / "seeds" / "annotations" / LINES).read_text(encoding="utf-8").splitlines()]


def _write(root, docs):
    (root / "seeds" / "annotations" / LINES).write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")


def test_json_lines_and_yaml_give_the_same_tables(corpus, copy):
    docs = _docs(copy)
    assert len(docs) == 4 and all(d["claims"] for d in docs)
    # the same annotations, one YAML file per document
    for d in docs:
        (copy / "seeds" / "annotations" / f"{d['doc_id']}.yaml").write_text(
            yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (copy / "seeds" / "annotations" / LINES).unlink()
    from_yaml, _ = build_tables(copy / "seeds")
    from_lines, _ = build_tables(corpus / "seeds")
    assert from_lines["claims"].num_rows == sum(len(d["claims"]) for d in docs)
    assert from_yaml == from_lines


def test_a_bad_field_names_the_file_line_and_field(copy):
    docs = _docs(copy)
    docs[2]["claims"][0]["metric"] = "no_such_metric"
    _write(copy, docs)
    with pytest.raises(InputError, match=rf"{LINES}:3: claims\.0\.metric: 'no_such_metric' is not in vocabulary metric"):
        build(root=copy, quiet=True)
    assert not (copy / "dataset").exists()


def test_a_line_that_is_not_json_is_refused_with_its_line(copy):
    text = (copy / "seeds" / "annotations" / LINES).read_text(encoding="utf-8").splitlines(keepends=True)
    text[1] = text[1][:40] + "\n"
    (copy / "seeds" / "annotations" / LINES).write_text("".join(text), encoding="utf-8")
    with pytest.raises(InputError, match=rf"{LINES}:2: \(document\): Invalid JSON"):
        build_tables(copy / "seeds")


def test_a_quote_not_in_the_text_names_the_documents_line(copy):
    docs = _docs(copy)
    docs[3]["noise"][0]["quote"] = "这句话不在文中"
    _write(copy, docs)
    with pytest.raises(InputError, match=rf"{LINES}:4: noise\[0\]\.quote: "):
        build_tables(copy / "seeds", workers=2)


@pytest.mark.parametrize("change, reason", [
    (lambda docs: docs.append(dict(docs[0])), rf"{LINES}:5: doc_id \S+ is annotated twice \(first on line 1\)"),
    (lambda docs: docs[1].update(doc_id="999_0000000000000000"), rf"{LINES}:2: annotations with no seed: seeds/999_"),
    (lambda docs: docs[0].update(doc_id=123), rf"{LINES}:1: doc_id: Input should be a valid string"),
    (lambda docs: docs[0]["claims"].append(dict(docs[0]["claims"][0])), rf"{LINES}:1: claims\[\d+\]\.id: duplicate id"),
])
def test_bad_documents_are_refused(copy, change, reason):
    docs = _docs(copy)
    change(docs)
    _write(copy, docs)
    with pytest.raises(InputError, match=reason):
        build_tables(copy / "seeds")


def test_a_document_annotated_in_both_forms_is_refused(copy):
    first = _docs(copy)[0]
    (copy / "seeds" / "annotations" / f"{first['doc_id']}.yaml").write_text(yaml.safe_dump(first), encoding="utf-8")
    with pytest.raises(InputError, match=rf"{first['doc_id']}\.yaml:1: \S+ is also annotated in {LINES}:1"):
        build_tables(copy / "seeds")
