"""No import cycles inside kpi_engine: every module's imports, read with ``ast``, form a graph without a cycle.

Counted: imports at module level and inside functions (a lazy import that only hides a cycle is still one),
under ``if TYPE_CHECKING:`` too, absolute and relative; ``from pkg import name`` imports the module ``pkg.name``
when there is one, else ``pkg``. A cycle is a strongly connected component of more than one module; the failure
lists each with the import lines that close it. Break one along its seam (a leaf module for what both need, or
the dependency turned one way), not with a lazy import.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "kpi_engine"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """{imported module of kpi_engine: first line that imports it} for one module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        if target in modules and target != name:
            found.setdefault(target, line)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                add(sub if sub in modules else base, node.lineno)
    return found


def _graph() -> tuple[dict[str, dict[str, int]], dict[str, Path]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}, modules


def _components(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return sorted(out)


def test_the_scan_sees_imports_of_every_kind() -> None:
    edges, modules = _graph()
    assert len(modules) > 100 and "kpi_engine" in modules and "kpi_engine.plans" in modules
    assert "kpi_engine.schema" in edges["kpi_engine.store"]  # from kpi_engine import schema: the module
    assert "kpi_engine.plans.checks" in edges["kpi_engine.plans.store"]  # from kpi_engine.plans.checks import ...
    assert "kpi_engine.metrics.query" in edges["kpi_engine.pacing"]  # inside a function
    assert "kpi_engine.plans.model" in edges["kpi_engine.pacing"]  # under TYPE_CHECKING
    assert _components({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1, "d": 1}, "d": {}}) == [["a", "b", "c"]]


def test_kpi_engine_has_no_import_cycle() -> None:
    edges, modules = _graph()
    cycles = _components(edges)
    lines = []
    for component in cycles:
        lines.append(" <-> ".join(component))
        for name in component:
            for target, line in sorted(edges[name].items()):
                if target in component:
                    lines.append(f"    {modules[name].relative_to(ROOT)}:{line} imports {target}")
    assert not cycles, f"{len(cycles)} import cycle(s) in {PACKAGE}:\n" + "\n".join(lines)
