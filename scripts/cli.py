"""What every entry point shares at its door: the one-line answer to a user's mistake.

argparse answers a mistake with its usage block and `prog: error: ...`; a newcomer then reads the
usage to find the one line that matters. Here it is that line alone, `prog: what is wrong (see
prog --help)`, and exit 2, the code every entry point documents for a usage mistake. This module
imports only argparse, so `--help` and a mistake answer before any slow import (issue 31)."""
from __future__ import annotations

import argparse
import sys
from typing import NoReturn

USAGE = 2  # the exit code of a usage mistake, in every entry point


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def refuse(prog: str, why: str) -> int:
    """Print `prog: why` on stderr and give the usage exit code, for a mistake found after parsing."""
    print(f"{prog}: {why}", file=sys.stderr)
    return USAGE
