"""graph_sandbox stands alone: it never imports clipper (DESIGN.md §3), neither at import time nor lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import graph_sandbox

SANDBOX_SOURCES = Path(graph_sandbox.__file__).resolve().parent

IMPORT_EVERY_SANDBOX_MODULE = """
import importlib, pkgutil, sys
import graph_sandbox
for module in pkgutil.walk_packages(graph_sandbox.__path__, "graph_sandbox."):
    if module.name != "graph_sandbox.__main__":
        importlib.import_module(module.name)
print(len([m for m in sys.modules if m.startswith("graph_sandbox")]))
print(",".join(sorted(m for m in sys.modules if m == "clipper" or m.startswith("clipper."))))
"""


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                roots.add(node.args[0].value.split(".")[0])
    return roots


def test_importing_every_sandbox_module_loads_no_clipper_module() -> None:
    result = subprocess.run(  # noqa: S603 - the test's own interpreter and script
        [sys.executable, "-c", IMPORT_EVERY_SANDBOX_MODULE], capture_output=True, text=True, check=True
    )
    loaded, clipper_modules = result.stdout.splitlines()
    assert int(loaded) > 30  # the walk really imported the package, sub-packages included
    assert clipper_modules == ""


def test_no_sandbox_source_mentions_a_clipper_import() -> None:
    sources = sorted(SANDBOX_SOURCES.rglob("*.py"))
    assert len(sources) > 30
    offenders = [
        str(path.relative_to(SANDBOX_SOURCES))
        for path in sources
        if "clipper" in _imported_roots(ast.parse(path.read_text(), filename=str(path)))
    ]
    assert offenders == []
