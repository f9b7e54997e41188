"""The `calculate` tool: tau2's results and error texts, without ever running eval."""

from __future__ import annotations

import ast
import inspect
import time
from typing import Any

import pytest

from domains.airline import calculator
from domains.airline.calculator import calculate


@pytest.mark.parametrize(
    ("expression", "result"),
    [
        ("2+3*4", "14.0"),
        ("10/3", "3.33"),
        ("0.1+0.2", "0.3"),
        ("2**10", "1024.0"),
        ("2**-1", "0.5"),
        ("10//3", "3.0"),
        ("-7.5//2", "-4.0"),
        ("7-10", "-3.0"),
        ("2.675*1", "2.67"),  # Python's float rounding, as in tau2
        ("999999*999999", "999998000001.0"),
        (".5+.5", "1.0"),
        ("5.", "5.0"),
        ("  (1 + 2) * 3", "9.0"),  # leading blanks are stripped, as eval does
        ("-(-(3))", "3.0"),
        ("+4", "4.0"),
        ("1**99999999999", "1.0"),
        ("10**400/10**399", "10.0"),  # big integers divide exactly
        ("(327 + 1000) / 3", "442.33"),
    ],
)
def test_results(expression: str, result: str) -> None:
    assert calculate(expression) == result


@pytest.mark.parametrize(
    ("expression", "error", "message"),
    [
        ("abc", ValueError, "Invalid characters in expression"),
        ("1e3", ValueError, "Invalid characters in expression"),
        ("1,000+1", ValueError, "Invalid characters in expression"),
        ("2%3", ValueError, "Invalid characters in expression"),
        ("__import__('os')", ValueError, "Invalid characters in expression"),
        ("1/0", ZeroDivisionError, "division by zero"),
        ("1.0/0", ZeroDivisionError, "float division by zero"),
        ("1//0", ZeroDivisionError, "integer division or modulo by zero"),
        ("0**-1", ZeroDivisionError, "0.0 cannot be raised to a negative power"),
        ("   ", SyntaxError, "invalid syntax (<string>, line 0)"),
        ("", SyntaxError, "invalid syntax (<string>, line 0)"),
        ("1.2.3", SyntaxError, "invalid syntax (<string>, line 1)"),
        ("3-", SyntaxError, "invalid syntax (<string>, line 1)"),
        ("*1", SyntaxError, "invalid syntax (<string>, line 1)"),
        ("(1)(2)", TypeError, "'int' object is not callable"),
        ("2(*3)", TypeError, "2 argument after * must be an iterable, not int"),
        ("2(**3)", TypeError, "2 argument after ** must be a mapping, not int"),
        ("()", TypeError, "float() argument must be a string or a real number, not 'tuple'"),
        ("...", TypeError, "float() argument must be a string or a real number, not 'ellipsis'"),
        ("...+1", TypeError, "unsupported operand type(s) for +: 'ellipsis' and 'int'"),
        ("-()", TypeError, "bad operand type for unary -: 'tuple'"),
        (
            "(-8)**0.5",
            TypeError,
            "float() argument must be a string or a real number, not 'complex'",
        ),
        ("2.0**10000", OverflowError, "(34, 'Numerical result out of range')"),
        ("9**9**9", OverflowError, "int too large to convert to float"),  # refused, not computed
        ("10**400", OverflowError, "int too large to convert to float"),
    ],
)
def test_errors(expression: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        calculate(expression)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (42, "'int' object is not iterable"),
        (None, "'NoneType' object is not iterable"),
        (["12"], "eval() arg 1 must be a string, bytes or code object"),
        ({"1": 2}, "eval() arg 1 must be a string, bytes or code object"),
    ],
)
def test_non_string_arguments_fail_as_in_tau2(argument: Any, message: str) -> None:
    with pytest.raises(TypeError) as caught:
        calculate(argument)
    assert str(caught.value) == message


def test_dict_with_letters_is_invalid_characters() -> None:
    with pytest.raises(ValueError, match="Invalid characters in expression"):
        calculate({"a": 1})


def test_the_module_never_calls_eval_or_exec() -> None:
    tree = ast.parse(inspect.getsource(calculator))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec"}


def _balanced(n: int, term: str, op: str) -> str:
    """n copies of `term` combined pairwise: ((t*t)*(t*t))*... (the shape that hurts most)."""
    terms = [term] * n
    while len(terms) > 1:
        terms = [f"({op.join(terms[i : i + 2])})" for i in range(0, len(terms), 2)]
    return terms[0]


@pytest.mark.parametrize("n", [256, 1024])  # 3.8 KB and 15 KB: 16.7 s / 428 MB and 75.7 s / 1.2 GB
def test_products_of_huge_powers_are_refused_before_they_are_computed(n: int) -> None:
    expression = _balanced(n, "(2**2000000)", "*")
    started = time.monotonic()
    with pytest.raises((OverflowError, ValueError), match="int too large|too complex"):
        calculate(expression)
    # Refused at the first product, whose result would pass the bound; generous for a busy box.
    assert time.monotonic() - started < 5.0


def test_every_integer_result_stays_within_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """No operation ever produces an integer far past MAX_INT_BITS (memory is bounded)."""
    biggest = 0
    real = dict(calculator._BINARY)

    def watch(op: Any) -> Any:
        def run(a: Any, b: Any) -> Any:
            nonlocal biggest
            out = op(a, b)
            if type(out) is int:
                biggest = max(biggest, out.bit_length())
            return out

        return run

    monkeypatch.setattr(calculator, "_BINARY", {k: watch(v) for k, v in real.items()})
    for expression in (
        _balanced(64, "(9**20000)", "*"),
        _balanced(64, "(2**60000)", "+"),
        "(3**40000)*(3**40000)",
        "2**2**2**2**2",
    ):
        with pytest.raises(OverflowError):
            calculate(expression)
    assert 0 < biggest <= 2 * calculator.MAX_INT_BITS


def test_deep_long_or_slow_expressions_are_refused_as_too_complex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ValueError, match="too complex.*characters"):
        calculate("1+" * calculator.MAX_CHARS + "1")
    with pytest.raises(ValueError, match="too complex.*nested deeper"):
        calculate("+".join(["1"] * (calculator.MAX_DEPTH + 5)))
    monkeypatch.setattr(calculator, "MAX_SECONDS", 0.0)  # every expression is now "too slow"
    with pytest.raises(ValueError, match="too complex.*not done"):
        calculate("1+2")


def test_big_but_bounded_integers_still_compute_exactly() -> None:
    assert calculate("(2**60000)/(2**59990)") == "1024.0"  # eval's answer, within the bound
    assert calculate("(12345678901234567890*98765432109876543210)/10**38") == "12.19"
