"""Quotes to offsets. Annotators write the quote, never offsets: code finds it."""
from __future__ import annotations

from pathlib import Path

from scripts.errors import InputError
from scripts.inputs.annotations import LoadedDoc


class SpanError(ValueError):
    pass


def find_all(text: str, quote: str) -> list[int]:
    starts, i = [], text.find(quote)
    while i != -1:
        starts.append(i)
        i = text.find(quote, i + 1)
    return starts


def locate(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """(char_start, char_end) of the quote; `occurrence` (1-based) picks one of
    several; a repeated quote without it is refused rather than guessed."""
    if not quote:
        raise SpanError("empty quote")
    starts = find_all(text, quote)
    if not starts:
        raise SpanError(f"quote not found in the document text: {quote!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise SpanError(f"quote occurs {len(starts)} times; add occurrence: 1..{len(starts)}: {quote!r}")
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise SpanError(f"occurrence {occurrence} asked, but the quote occurs {len(starts)} time(s): {quote!r}")
    s = starts[occurrence - 1]
    return s, s + len(quote)


def locate_or_fail(text: str, quote: str, occurrence: int | None, path: Path, line: int, where: str) -> tuple[int, int]:
    """locate(), with a failure reported as bad input at the annotation's file and line."""
    try:
        return locate(text, quote, occurrence)
    except SpanError as e:
        raise InputError(path, line, f"{where}: {e}") from None


def exclusion_spans(text: str, doc: LoadedDoc, section: str) -> list[tuple[int, int, str]]:
    """(start, end, reason) of each exclusion in an annotation section; `all` takes every occurrence."""
    out = []
    for i, x in enumerate(getattr(doc.ann, section)):
        if x.all:
            starts = find_all(text, x.quote)
            if not starts:
                raise InputError(doc.path, doc.line(section, i), f"{section}[{i}].quote: not found in the document text")
            out += [(st, st + len(x.quote), x.reason) for st in starts]
        else:
            st, en = locate_or_fail(text, x.quote, x.occurrence, doc.path, doc.line(section, i), f"{section}[{i}].quote")
            out.append((st, en, x.reason))
    return out
