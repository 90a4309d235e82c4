"""Quotes to offsets. Annotators write the quote, never offsets: code finds it."""
from __future__ import annotations


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
