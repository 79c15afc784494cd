"""No silent fallbacks (issue 15, point 7): an ``except`` whose whole body is ``pass`` or ``continue`` must say why.

Skipping is right only for a named case: the handler's line (or the line after it) carries a comment saying why
skipping is right and where the problem is reported instead (``# an unreadable scope: the plan checks report it``).
Any other failure is reported: logged through ``kpi_engine.logsafe``, or added to the issues the caller shows.
Scanned with ``ast`` and ``tokenize``: kpi_engine, ui, app_pages and app.py.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("kpi_engine", "ui", "app_pages", "app.py")


def _files() -> list[Path]:
    out: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def _comment_lines(source: str) -> set[int]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {tok.start[0] for tok in tokens if tok.type == tokenize.COMMENT}


def silent_handlers(source: str, filename: str = "<source>") -> list[int]:
    """Lines of ``except`` clauses whose body is only ``pass``/``continue`` with no comment from the ``except``
    line to the line after it (the first line of the body, or a comment line above it)."""
    comments = _comment_lines(source)
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.ExceptHandler) and all(isinstance(s, ast.Pass | ast.Continue) for s in node.body):
            said = range(node.lineno, max(node.body[0].lineno, node.lineno + 1) + 1)
            if not comments.intersection(said):
                found.append(node.lineno)
    return found


def test_the_check_tells_a_named_case_from_a_silent_one() -> None:
    silent = "for x in xs:\n    try:\n        f(x)\n    except ValueError:\n        continue\n"
    named_here = "try:\n    f()\nexcept ValueError:  # an unreadable scope: the plan checks report it\n    pass\n"
    named_after = "for x in xs:\n    try:\n        f(x)\n    except ValueError:\n        continue  # reported by g\n"
    reported = "try:\n    f()\nexcept ValueError:\n    log(x)\n    pass\n"
    assert silent_handlers(silent) == [4]
    assert silent_handlers(named_here) == silent_handlers(named_after) == silent_handlers(reported) == []


def test_every_skipping_handler_names_its_case() -> None:
    problems = [f"{path.relative_to(ROOT)}:{line}" for path in _files()
                for line in silent_handlers(path.read_text(encoding="utf-8"), str(path))]
    assert not problems, ("an except that only passes or continues, with no comment saying why skipping is right and "
                          "where the problem is reported (or report it: kpi_engine.logsafe, the caller's issues):\n"
                          + "\n".join(problems))
