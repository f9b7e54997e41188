"""Safe arithmetic for the `calculate` tool, giving the same results and errors as tau2's eval.

tau2 checks the characters (digits, `+ - * / ( ) .` and space) and then runs Python's `eval` on
the text. We never eval: the text is parsed with `ast` exactly as `eval` would parse it (same
leading-blank stripping, same "<string>" file name, so syntax errors read the same) and the tree is
walked by a tiny interpreter that knows only what those characters can spell: numbers, `...`,
`()`, unary +/-, `+ - * / // **`, and calls (which always fail: nothing is callable). Each
operation is Python's own operator, so results and error texts ("division by zero", "'int'
object is not callable", ...) are Python's. Huge integer powers, which would stall `eval`, are
refused with the overflow error the final float conversion would have raised anyway.
"""

from __future__ import annotations

import ast
import operator
import warnings
from collections.abc import Callable
from typing import Any

ALLOWED_CHARACTERS = "0123456789+-*/(). "
MAX_POWER_BITS = 1 << 22  # ~1.3 million digits: fast to compute, far beyond any float

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
    """Evaluate an arithmetic expression without eval."""
    if not isinstance(expression, str):
        raise TypeError("eval() arg 1 must be a string, bytes or code object")
    source = expression.lstrip(" \t")  # eval() strips leading spaces and tabs
    tree = ast.parse(source, "<string>", mode="eval")
    with warnings.catch_warnings():
        # compile() only to surface compile-time errors eval would raise; nothing is executed.
        warnings.simplefilter("ignore")
        compile(tree, "<string>", "eval")
    return _eval(tree.body)


def _eval(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple) and not node.elts:
        return ()
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _eval(node.left)
        right = _eval(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right)
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        func = _eval(node.func)
        for arg in node.args:  # arguments are evaluated before the call fails
            if isinstance(arg, ast.Starred):
                value = _eval(arg.value)
                if not isinstance(value, tuple):
                    raise TypeError(
                        f"{func} argument after * must be an iterable, not {_type(value)}"
                    )
            else:
                _eval(arg)
        for keyword in node.keywords:  # only `**x` is spellable, and nothing here is a mapping
            value = _eval(keyword.value)
            raise TypeError(f"{func} argument after ** must be a mapping, not {_type(value)}")
        raise TypeError(f"'{_type(func)}' object is not callable")
    raise ValueError(f"unsupported expression element {type(node).__name__}")


def _check_power(base: Any, exponent: Any) -> None:
    if type(base) is int and type(exponent) is int and exponent > 0 and abs(base) > 1:
        if base.bit_length() * exponent > MAX_POWER_BITS:
            raise OverflowError("int too large to convert to float")


def _type(value: Any) -> str:
    return type(value).__name__
