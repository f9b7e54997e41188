"""Safe arithmetic for the `calculate` tool, giving the same results and errors as tau2's eval.

tau2 checks the characters (digits, `+ - * / ( ) .` and space) and then runs Python's `eval` on
the text. We never eval: the text is parsed with `ast` exactly as `eval` would parse it (same
leading-blank stripping, same "<string>" file name, so syntax errors read the same) and the tree is
walked by a tiny interpreter that knows only what those characters can spell: numbers, `...`,
`()`, unary +/-, `+ - * / // **`, and calls (which always fail: nothing is callable). Each
operation is Python's own operator, so results and error texts ("division by zero", "'int'
object is not callable", ...) are Python's.

The model under test writes the expression, so it must not be able to stall a worker: the work is
bounded before it is done. An integer operation whose result would exceed `MAX_INT_BITS` (64 times
the float range) is refused with the overflow error the final float conversion raises anyway
(tau2's eval would first spend seconds and gigabytes on e.g. a product of `(2**2000000)` terms);
expressions longer than `MAX_CHARS`, nested deeper than `MAX_DEPTH` or taking longer than
`MAX_SECONDS` are refused as too complex. Realistic arithmetic is far inside every bound.
"""

from __future__ import annotations

import ast
import operator
import time
import warnings
from collections.abc import Callable
from typing import Any

ALLOWED_CHARACTERS = "0123456789+-*/(). "
MAX_INT_BITS = 1 << 16  # ~19,700 digits: microseconds to compute, far beyond any float
MAX_CHARS = 10_000
MAX_DEPTH = 200  # as deep as Python's parser lets parentheses nest
MAX_SECONDS = 1.0
_TOO_BIG = "int too large to convert to float"

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}


def calculate(expression: Any) -> str:
    """The `calculate` tool's body: check the characters, evaluate, round to 2 decimals."""
    # Iterating the raw argument on purpose: a non-string fails as it does in tau2
    # ("'int' object is not iterable").
    if not all(char in ALLOWED_CHARACTERS for char in expression):
        raise ValueError("Invalid characters in expression")
    return str(round(float(evaluate(expression)), 2))


def evaluate(expression: Any) -> Any:
    """Evaluate an arithmetic expression without eval, within the bounds above."""
    if not isinstance(expression, str):
        raise TypeError("eval() arg 1 must be a string, bytes or code object")
    if len(expression) > MAX_CHARS:
        raise ValueError(
            f"expression too complex: {len(expression)} characters (limit {MAX_CHARS})"
        )
    source = expression.lstrip(" \t")  # eval() strips leading spaces and tabs
    tree = ast.parse(source, "<string>", mode="eval")
    with warnings.catch_warnings():
        # compile() only to surface compile-time errors eval would raise; nothing is executed.
        warnings.simplefilter("ignore")
        compile(tree, "<string>", "eval")
    return _Evaluator(time.monotonic() + MAX_SECONDS).eval(tree.body, 0)


class _Evaluator:
    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def eval(self, node: ast.expr, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ValueError(f"expression too complex: nested deeper than {MAX_DEPTH}")
        if time.monotonic() > self.deadline:
            raise ValueError(f"expression too complex: not done in {MAX_SECONDS:g} s")
        depth += 1
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Tuple) and not node.elts:
            return ()
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return _UNARY[type(node.op)](self.eval(node.operand, depth))
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left = self.eval(node.left, depth)
            right = self.eval(node.right, depth)
            _check_size(node.op, left, right)
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise ValueError(f"unsupported expression element {type(node).__name__}")

    def call(self, node: ast.Call, depth: int) -> Any:
        func = self.eval(node.func, depth)
        for arg in node.args:  # arguments are evaluated before the call fails
            if isinstance(arg, ast.Starred):
                value = self.eval(arg.value, depth)
                if not isinstance(value, tuple):
                    raise TypeError(
                        f"{func} argument after * must be an iterable, not {_type(value)}"
                    )
            else:
                self.eval(arg, depth)
        for keyword in node.keywords:  # only `**x` is spellable, and nothing here is a mapping
            value = self.eval(keyword.value, depth)
            raise TypeError(f"{func} argument after ** must be a mapping, not {_type(value)}")
        raise TypeError(f"'{_type(func)}' object is not callable")


def _check_size(op: ast.operator, left: Any, right: Any) -> None:
    """Refuse an integer operation whose result would pass MAX_INT_BITS, before computing it
    (only integers grow without bound; floats overflow by themselves, at once)."""
    if type(left) is not int or type(right) is not int:
        return
    bits = 0
    if isinstance(op, ast.Mult):
        bits = left.bit_length() + right.bit_length()
    elif isinstance(op, ast.Add | ast.Sub):
        bits = max(left.bit_length(), right.bit_length()) + 1
    elif isinstance(op, ast.Pow) and right > 0 and abs(left) > 1:
        bits = (left.bit_length() - 1) * right
    if bits > MAX_INT_BITS:
        raise OverflowError(_TOO_BIG)


def _type(value: Any) -> str:
    return type(value).__name__
