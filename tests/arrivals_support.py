"""Helpers for the arrivals tests: another process holding the DuckDB file."""

from __future__ import annotations

import subprocess
import sys


class Locker:
    """Another process holding the DuckDB file (as the dashboard does while it writes), until released."""

    def __init__(self, path: str) -> None:
        code = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); sys.stdin.read()"
        self.proc = subprocess.Popen([sys.executable, "-c", code, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(30) == 0

