"""A safe formula language for a store's own metrics: text -> a derived expression (never eval).

Grammar (what a user may write)::

    formula := term (("+" | "-") term)*
    term    := factor (("*" | "/") factor)*
    factor  := ("-" | "+") factor | NUMBER | METRIC_ID | ("min" | "max") "(" formula ("," formula)+ ")"
             | "(" formula ")"

``METRIC_ID`` is a metric of the registry (``leads``, ``revenue``, ``spend`` ...) or another custom metric;
numbers are plain decimals (``100``, ``0.3``). Full-width Chinese brackets and operators (``（ ） × ÷ −``) are
read as their ASCII twins. The text is parsed by Python's :mod:`ast` (``mode="eval"``) and only a whitelist of
node types is turned into :class:`~kpi_engine.metrics.declarations.Expr` nodes; anything else (a call other than
``min``/``max``, an attribute, ``**``, a subscript, a lambda, a comparison, a string ...) is a
:class:`Problem`. Nothing is ever evaluated in Python: the expression is compiled to SQL by
``kpi_engine.metrics.compile`` like any derived metric, every ``/`` through ``NULLIF`` (÷ 0 gives no value).

All problems found are reported at once (:class:`FormulaError`), each with its 1-based character position
and a message in English or Chinese that says how to fix it.
"""

from __future__ import annotations

import ast
import difflib
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from kpi_engine.i18n import t
from kpi_engine.metrics.declarations import Const, Expr, Metric, Op, Ref

MAX_LENGTH = 300  # characters
MAX_DEPTH = 12  # nested brackets
MAX_NUMBER = 1e12
FUNCTIONS = {"min": "least", "max": "greatest"}
_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "×": "*", "÷": "/", "−": "-", "，": ",", "＋": "+", "－": "-",
                             "＊": "*", "／": "/", "\u3000": " "})
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_FORBIDDEN_OPS = {ast.Pow: "**", ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
                  ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a formula: ``code`` (``empty``, ``too_long``, ``too_deep``, ``syntax``, ``unknown``,
    ``power``, ``operator``, ``call``, ``arguments``, ``attribute``, ``text``, ``number``, ``not_allowed``,
    ``cycle``), where (1-based character, 0: the whole formula) and the fragment or name concerned."""

    code: str
    position: int = 0
    name: str = ""
    hint: str = ""
    where: str = ""

    def message(self, lang: str = "en") -> str:
        hint = t("cm_err_did_you_mean", lang, name=self.hint) if self.hint else ""
        return t(f"cm_err_{self.code}", lang, pos=self.position, name=self.name, max=_limit(self.code),
                 where=self.where) + hint


def _limit(code: str) -> str:
    return {"too_long": str(MAX_LENGTH), "too_deep": str(MAX_DEPTH), "number": f"{MAX_NUMBER:,.0f}"}.get(code, "")


class FormulaError(ValueError):
    """Every problem of a formula (read :meth:`messages` for the texts in a language)."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message("en") for p in self.problems))

    def messages(self, lang: str = "en") -> list[str]:
        return [p.message(lang) for p in self.problems]


@dataclass(frozen=True)
class Parsed:
    """A formula that passed: its text (full-width signs made ASCII), expression tree and the metrics it reads."""

    text: str
    expr: Expr
    refs: tuple[str, ...]


def normalize(text: str) -> str:
    """``text`` with full-width brackets and operators as ASCII, surrounding blanks removed."""
    return (text or "").translate(_FULL_WIDTH).strip()


def parse(text: str, known: Collection[str]) -> Parsed:
    """Parse ``text`` over the metric ids in ``known``; :class:`FormulaError` listing every problem otherwise."""
    text = normalize(text)
    if not text:
        raise FormulaError([Problem("empty")])
    if len(text) > MAX_LENGTH:
        raise FormulaError([Problem("too_long", MAX_LENGTH + 1)])
    depth, deepest = 0, 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise FormulaError([Problem("too_deep", text.index("(" * (MAX_DEPTH + 1)) + 1 if "(" * (MAX_DEPTH + 1) in text
                                    else 0)])
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        pos = exc.offset if exc.offset and exc.offset <= len(text) else len(text)
        raise FormulaError([Problem("syntax", pos, _near(text, pos))]) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError([Problem("syntax", 0)]) from None
    walker = _Walker(text, known)
    expr = walker.visit(tree.body)
    if walker.problems:
        raise FormulaError(walker.problems)
    assert expr is not None
    return Parsed(text, expr, tuple(dict.fromkeys(walker.refs)))


def _near(text: str, pos: int) -> str:
    return text[max(0, pos - 1): pos + 9].strip() or text[-10:]


class _Walker:
    """Whitelisted ``ast`` nodes -> :data:`Expr`; every other node becomes a :class:`Problem` (none is evaluated)."""

    def __init__(self, text: str, known: Collection[str]) -> None:
        self.text, self.known = text, known
        self.encoded = text.encode("utf-8")
        self.problems: list[Problem] = []
        self.refs: list[str] = []

    def pos(self, node: ast.AST) -> int:
        """1-based character position of ``node`` (``ast`` counts UTF-8 bytes)."""
        offset = getattr(node, "col_offset", 0)
        return len(self.encoded[:offset].decode("utf-8", errors="ignore")) + 1

    def fragment(self, node: ast.AST) -> str:
        found = ast.get_source_segment(self.text, node) or ""
        return found if len(found) <= 30 else found[:29] + "…"

    def fail(self, code: str, node: ast.AST, name: str = "", hint: str = "") -> None:
        self.problems.append(Problem(code, self.pos(node), name or self.fragment(node), hint))

    def visit(self, node: ast.AST) -> Expr | None:
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.visit(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.USub):
                if isinstance(operand, Const):
                    return Const(-operand.value)
                return Op("-", Const(0.0), operand) if operand is not None else None
            self.fail("not_allowed", node)
            return None
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            if node.id in self.known:
                self.refs.append(node.id)
                return Ref(node.id)
            close = difflib.get_close_matches(node.id, list(self.known), n=1, cutoff=0.6)
            self.fail("unknown", node, node.id, close[0] if close else "")
            return None
        if isinstance(node, ast.Call):
            return self.call(node)
        self.fail("attribute" if isinstance(node, ast.Attribute) else "not_allowed", node)
        return None

    def binop(self, node: ast.BinOp) -> Expr | None:
        op = _OPERATORS.get(type(node.op))
        if op is None:  # reported before what it holds: the outermost problem first
            symbol = _FORBIDDEN_OPS.get(type(node.op), "?")
            self.fail("power" if symbol == "**" else "operator", node, symbol)
        left, right = self.visit(node.left), self.visit(node.right)
        if op is None:
            return None
        if left is None or right is None:
            return None
        return Op(op, left, right)  # type: ignore[arg-type]

    def constant(self, node: ast.Constant) -> Expr | None:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail("text", node)
            return None
        if not math.isfinite(float(value)) or abs(float(value)) > MAX_NUMBER:
            self.fail("number", node)
            return None
        return Const(float(value))

    def call(self, node: ast.Call) -> Expr | None:
        func = node.func.id.lower() if isinstance(node.func, ast.Name) else ""
        if func not in FUNCTIONS:
            self.fail("call", node, self.fragment(node.func))
            return None
        if node.keywords or len(node.args) < 2 or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail("arguments", node, func)
            return None
        parts = [self.visit(a) for a in node.args]
        if any(p is None for p in parts):
            return None
        out = parts[0]
        for part in parts[1:]:
            out = Op(FUNCTIONS[func], out, part)  # type: ignore[arg-type]
        return out


# --- Reading an expression back ---------------------------------------------------------------------

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}
_SHOWN = {"+": "+", "-": "−", "*": "×", "/": "÷"}


def number_text(value: float) -> str:
    """``100`` for 100.0, ``0.3`` for 0.3: as a user would write it."""
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def render(expr: Expr, label: Callable[[str], str] = str) -> str:
    """The expression as text with ``× ÷ −``, metric ids shown through ``label`` (e.g. their names)."""
    def go(e: Expr, parent: int, right: bool) -> str:
        if isinstance(e, Ref):
            return label(e.metric)
        if isinstance(e, Const):
            return number_text(e.value)
        if not isinstance(e, Op):
            return "?"
        if e.op in ("least", "greatest", "coalesce"):
            name = {"least": "min", "greatest": "max"}.get(e.op, e.op)
            return f"{name}({go(e.left, 0, False)}, {go(e.right, 0, False)})"
        if e.op == "-" and e.left == Const(0.0):
            return "−" + go(e.right, 3, True)
        mine = _PRECEDENCE[e.op]
        text = f"{go(e.left, mine, False)} {_SHOWN[e.op]} {go(e.right, mine, True)}"
        needs = mine < parent or (right and mine == parent)
        return f"({text})" if needs else text
    return go(expr, 0, False)


def adds_up(expr: Expr, metrics: Mapping[str, Metric]) -> bool:
    """True when ``expr`` is a sum or difference of metrics that add up over time and across scopes, each times
    or divided by a constant (``revenue − spend``, ``0.3 × revenue``): then so does the result (a constant
    on its own does not: ``leads + 5`` adds 5 to every period)."""
    def linear(e: Expr) -> bool:
        if isinstance(e, Ref):
            m = metrics.get(e.metric)
            return m is not None and m.cumulative and m.additive
        if not isinstance(e, Op):
            return False
        if e.op == "-" and e.left == Const(0.0):
            return linear(e.right)
        if e.op in ("+", "-"):
            return linear(e.left) and linear(e.right)
        if e.op == "*":
            return (isinstance(e.left, Const) and linear(e.right)) or (isinstance(e.right, Const) and linear(e.left))
        if e.op == "/":
            return isinstance(e.right, Const) and e.right.value != 0 and linear(e.left)
        return False
    return linear(expr)
