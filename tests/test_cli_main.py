"""The command dispatcher: every command reachable, and a named command imports only its own module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kpi_engine.__main__ import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parent.parent


def _choices(parser) -> set[str]:
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    return set(sub.choices)


def test_every_command_is_registered_by_its_module() -> None:
    assert _choices(build_parser()) == set(COMMANDS)
    for name in COMMANDS:
        own = {other for other, module in COMMANDS.items() if module == COMMANDS[name]}
        assert name in _choices(build_parser([name, "--help"])) == own


def test_ingest_does_not_import_the_push_and_chart_libraries() -> None:
    code = ("import sys; from kpi_engine.__main__ import build_parser; build_parser(['ingest', 'x.csv']); "
            "print(sorted(m for m in ('altair', 'kpi_engine.push', 'apscheduler') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_help_lists_every_command() -> None:
    out = subprocess.run([sys.executable, "-m", "kpi_engine", "--help"], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0 and all(name in out.stdout for name in COMMANDS)


def test_runs_from_any_folder(tmp_path: Path) -> None:
    """A cron job starts in the home folder: the venv made by scripts/venv.sh finds the package from anywhere."""
    out = subprocess.run([sys.executable, "-m", "kpi_engine", "--help"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
