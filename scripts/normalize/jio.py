"""jionlp, imported once and quietly: on import it prints a banner to stdout,
which would otherwise land in every build log and CLI output."""
from __future__ import annotations

import contextlib
import io
from functools import lru_cache


@lru_cache(maxsize=1)
def jionlp():
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp as _jionlp  # noqa: PLC0415 - lazy on purpose: the banner is swallowed here, once
    return _jionlp
