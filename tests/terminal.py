"""A stderr that says it is a terminal: progress is only said to one (``kpi_engine.cli.stage_printer``).

Put in place inside the test (``monkeypatch.setattr(sys, "stderr", Terminal())``): pytest's capture sets its own
stderr again when the test starts, after fixtures ran.
"""

from __future__ import annotations

import io


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True
