"""The layout rules of DESIGN.md that a careless edit breaks silently: small modules, and
domain knowledge behind `Domain` hooks, never named in the engine."""

from __future__ import annotations

import ast
from pathlib import Path

from domains import registry
from mining.core.paths import REPO_ROOT

LINE_LIMIT = 450  # "no module much over 400 lines"


def _string_literals(path: Path) -> set[str]:
    """String constants of a module, docstrings left out (they may explain with examples)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    }


CODE = ("domains", "mining", "workflows", "activities", "cli")


def test_modules_stay_small() -> None:
    sizes = {
        str(path.relative_to(REPO_ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for top in CODE
        for path in (REPO_ROOT / top).rglob("*.py")
    }
    assert len(sizes) > 200 and not {p: n for p, n in sizes.items() if n > LINE_LIMIT}


def test_the_engine_names_no_domain_vocabulary() -> None:
    """mining/ reaches a domain's subject only through its hooks (`Domain.transfer`,
    `Domain.mistakes`, ...), so no string in it is a domain's tool name, hand-off message, or
    an argument or value its mistakes are about. (Choice kinds are left out: they are plain
    words such as "item" that mining/ may use for its own things.)"""
    names: set[str] = set()
    for name in registry.names():
        domain = registry.get(name)
        names |= set(domain.toolkit_type.tool_names())
        if domain.transfer is not None:
            names.add(domain.transfer.message)
        mistakes = domain.mistakes
        for argument, swap in mistakes.confusions.items():
            names |= {argument, *swap, *swap.values()}
        names |= set(mistakes.miscounts) | set(mistakes.miscounts.values())
    found = {
        f"{path.relative_to(REPO_ROOT)}: {literal!r}"
        for path in (REPO_ROOT / "mining").rglob("*.py")
        for literal in _string_literals(path) & names
    }
    assert not found
