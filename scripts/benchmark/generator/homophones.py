"""Homophone garbling of names (the seeds' 快手新知识广播-style slips, written by code): one character of a
name replaced by another character read the same way, found with pypinyin. The replacements come only
from the characters of the generator's own templates (templates.py), so a garbled name is made of common
characters and never of a test document's text."""
from __future__ import annotations

import random
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from scripts.benchmark.generator import templates as T


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _by_reading() -> dict[str, tuple[str, ...]]:
    """Toneless pinyin -> the template characters read that way (sorted: the same seed picks the same one)."""
    pool = sorted({ch for text in T.own_text() for ch in text if _han(ch)})
    out: dict[str, set[str]] = {}
    for ch, py in zip(pool, lazy_pinyin(pool, style=Style.NORMAL)):
        out.setdefault(py, set()).add(ch)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def garble(name: str, rng: random.Random, avoid: set[str]) -> str | None:
    """`name` with one Han character swapped for a homophone, or None when none of its characters has one.
    A result in `avoid` (a registered name or alias) is refused: a homophone must read as a slip, not as
    another entity."""
    readings = _by_reading()
    spots = []
    for i, (ch, py) in enumerate(zip(name, lazy_pinyin(name, style=Style.NORMAL))):
        if _han(ch):
            spots += [(i, other) for other in readings.get(py, ()) if other != ch]
    rng.shuffle(spots)
    for i, other in spots:
        out = name[:i] + other + name[i + 1:]
        if out not in avoid:
            return out
    return None
