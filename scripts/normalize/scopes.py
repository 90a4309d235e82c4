"""Scope normalisation for matching a claim to a fact (claim_verdicts): never raw string equality.

A scope is compared after (1) the annotator's parenthetical remarks are dropped, (2) the filler words
of vocab scope_filler are removed, (3) every variant of vocab scope_synonym is replaced by its canonical
phrase and (4) the subject's own name and aliases are removed (快手电商的复购率 of kuaishou_ecommerce says
no more than 复购率); synonyms come before names so that a whole canonical phrase is never cut.
Synonyms and fillers are declared once, in schema/vocab.yaml."""
from __future__ import annotations

import functools
import re

from schema import load
from scripts.normalize.intervals import scope_key


@functools.lru_cache(maxsize=1)
def _synonyms() -> tuple[tuple[str, str], ...]:
    """(variant, canonical), longest variant first so that a longer wording wins over a part of it."""
    pairs = [(v, canon) for canon, spec in load().vocab["scope_synonym"].items() for v in spec["variants"]]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@functools.lru_cache(maxsize=1 << 14)
def normalized_scope(scope: str, names: tuple[str, ...] = ()) -> str:
    """The scope as claim_verdicts compares it; names: the subject's name and aliases."""
    s = scope_key(scope)
    for w in load().vocab["scope_filler"]:
        s = s.replace(w, "")
    for variant, canon in _synonyms():
        if variant in s:
            s = s.replace(variant, canon)
    for n in sorted(names, key=len, reverse=True):
        if n and len(s) > len(n):  # a scope that is only the name stays as written
            s = s.replace(n, "")
    return re.sub(r"^的+|的+$", "", s.strip())
