"""Hugging Face Features derived from the schema. Kept apart from schema/derive.py because importing
`datasets` costs about 1.7 s, which validation (and the build's own re-derivation) never needs."""
from __future__ import annotations

import datasets

from schema import load
from schema.derive import LIST, arrow_schema


def hf_features(table: str) -> datasets.Features:
    """datasets.Features for a table, derived from its Arrow schema; in the benchmark task configs every
    vocabulary column (nested ones too) is a ClassLabel whose names are the vocabulary's terms in vocab.yaml
    order (the Parquet stores the term; the card's dataset_info tells `datasets` to encode it)."""
    features = datasets.Features.from_arrow_schema(arrow_schema(table))
    if table not in load().task_contract.configs:
        return features
    return datasets.Features({c.name: _class_labels(c.type, c.vocab, features[c.name]) for c in load().tables[table].columns})


def _class_labels(type_name: str, vocab: str | None, feature):
    type_name = type_name.replace(" ", "")
    if type_name == "string" and vocab:
        return datasets.ClassLabel(names=load().terms(vocab))
    m = LIST.match(type_name)
    if m:
        return datasets.List(_class_labels(m.group(1), vocab, feature.feature))
    structs = load().structs
    if type_name in structs:
        return {c.name: _class_labels(c.type, c.vocab, feature[c.name]) for c in structs[type_name]}
    return feature
