"""Python's cyclic garbage collector at a corpus's scale.

Each full collection walks every container object alive; a build holds millions of row dicts that live
to the end, so collections triggered while later tables are built walk the earlier ones again and again
(at 100,000 documents mentions, claims and relations took 14-24x their 10,000-document time). Rows are
plain dicts without cycles: once a stage is done, `settle()` moves what is alive out of the collector's
sight (gc.freeze); leaving `settled_objects()` hands everything back (gc.unfreeze), so a process that
builds twice (the tests) still frees the first build."""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def settled_objects() -> Iterator[None]:
    try:
        yield
    finally:
        gc.unfreeze()


def settle() -> None:
    """What is alive now stays alive for the rest of the stage: no later collection walks it."""
    gc.freeze()
