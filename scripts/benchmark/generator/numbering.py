"""The ids and random streams of generated documents, by (seed, document number): what a validator re-derives
to check a split holds the documents its declaration numbers, without importing the generator's material
(templates, homophone tables through pypinyin), which only writing documents needs."""
from __future__ import annotations

import hashlib
import random


def doc_id(seed: int, number: int) -> str:
    return f"{number:03d}_{hashlib.sha256(f'generated|{seed}|{number}'.encode()).hexdigest()[:16]}"


def rng_for(seed: int, number: int) -> random.Random:
    # one stream per document: a document does not change when the corpus grows
    return random.Random(int.from_bytes(hashlib.sha256(f"{seed}|{number}".encode()).digest()[:8], "big"))
