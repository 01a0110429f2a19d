"""Package boundaries: graph_sandbox stands alone, it never imports clipper (DESIGN.md §3), neither at
import time nor lazily; nothing in clipper imports itself round a loop, module by module or domain
package by domain package; and every router reaches behaviour through its own package's `service`."""

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


CLIPPER_SOURCES = SANDBOX_SOURCES.parent / "clipper"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(CLIPPER_SOURCES.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _only_for_type_checking(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, a function's lazy ones included, but none under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        pending.extend(child for child in ast.iter_child_nodes(node) if not _only_for_type_checking(child))
    return found


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        base = ".".join([*package[: len(package) - node.level + 1], *([base] if base else [])])
    # `package.name`: the submodule when there is one, else the caller trims it to `package`.
    return [f"{base}.{alias.name}" for alias in node.names]


def clipper_import_graph() -> dict[str, set[str]]:
    """Module → the clipper modules it imports (at import time or lazily in a function)."""
    paths = {_module_name(path): path for path in CLIPPER_SOURCES.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in paths.items():
        edges: set[str] = set()
        for node in _imports(ast.parse(path.read_text(), filename=str(path))):
            for target in _targets(node, module, path.name == "__init__.py"):
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != module:
                    edges.add(target)
        graph[module] = edges
    return graph


def _cycle_in(graph: dict[str, set[str]], members: set[str]) -> list[str]:
    """One cycle through the strongly connected `members`, as a path back to its start."""
    start = min(members)
    path, seen = [start], {start}
    while True:
        following = sorted(graph[path[-1]] & members)
        if start in following and len(path) > 1:
            return [*path, start]
        step = next((node for node in following if node not in seen), None)
        if step is None:  # every neighbour already on the path: close the loop where it re-enters
            loop_to = following[0]
            return [*path[path.index(loop_to) :], loop_to]
        path.append(step)
        seen.add(step)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of two or more nodes that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _domain_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """`clipper.<package>` → the other packages it imports, not counting their `models`: the mapped
    tables are one shared schema (`db.load_models` loads them all, relationships cross packages)."""
    packages = {
        module for module in graph if module.count(".") == 1 and (CLIPPER_SOURCES / module[8:]).is_dir()
    }

    def package_of(module: str) -> str:
        return ".".join(module.split(".")[:2])

    domains: dict[str, set[str]] = {package: set() for package in packages}
    for module, imported in graph.items():
        if package_of(module) in packages:
            domains[package_of(module)] |= {
                package_of(target)
                for target in imported
                if package_of(target) in packages
                and package_of(target) != package_of(module)
                and not target.endswith(".models")
            }
    return domains


def test_no_clipper_module_imports_itself_round_a_loop() -> None:
    graph = clipper_import_graph()
    assert len(graph) > 100
    assert "clipper.social.finish" in graph["clipper.social.engine"]  # `from package import module`
    assert "clipper.main" in graph["clipper.smoke.cli"]  # an import inside a function
    cycles = [" → ".join(_cycle_in(graph, group)) for group in strongly_connected(graph)]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_no_clipper_package_imports_itself_round_a_loop() -> None:
    domains = _domain_graph(clipper_import_graph())
    assert "clipper.social" in domains
    assert "clipper.worker" not in domains  # top-level modules are checked module by module only
    cycles = [" → ".join(_cycle_in(domains, group)) for group in strongly_connected(domains)]
    assert cycles == [], "package import cycles:\n" + "\n".join(cycles)


def test_the_cycle_finder_sees_a_lazy_import_loop() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [{"a", "b", "c"}]
    assert _cycle_in(graph, {"a", "b", "c"}) == ["a", "b", "c", "a"]


# What a domain package's router may import from clipper besides its own `service` (the front door for
# behaviour), `schemas` and `models`: plumbing and edge types, never behaviour.
ROUTER_PLUMBING = {"clipper.config", "clipper.deps", "clipper.errors", "clipper.inputs", "clipper.openapi"}
# Per router, by name: the modules that are only about the HTTP exchange (cookies, the callback's page),
# and another package's tables and response bodies the endpoints return.
ROUTER_EXTRAS = {
    "clipper.oauth.router": {"clipper.oauth.pages", "clipper.accounts.models", "clipper.accounts.schemas"},
    "clipper.users.router": {"clipper.users.cookies"},
}


def _allowed_for(router: str) -> set[str]:
    package = router.rpartition(".")[0]
    own = {f"{package}.{name}" for name in ("service", "schemas", "models")}
    return own | ROUTER_PLUMBING | ROUTER_EXTRAS.get(router, set())


def test_every_router_reaches_behaviour_only_through_its_own_service() -> None:
    graph = clipper_import_graph()
    routers = sorted(module for module in graph if module.count(".") == 2 and module.endswith(".router"))
    assert len(routers) >= 9
    without_front_door = [
        router for router in routers if router.replace(".router", ".service") not in graph[router]
    ]
    assert without_front_door == []
    stray = {router: sorted(graph[router] - _allowed_for(router)) for router in routers}
    assert {router: found for router, found in stray.items() if found} == {}


def test_every_router_exception_is_still_needed() -> None:
    graph = clipper_import_graph()
    unused = {router: sorted(extras - graph[router]) for router, extras in ROUTER_EXTRAS.items()}
    assert {router: found for router, found in unused.items() if found} == {}


# Where a token is handed to the Graph client: the gateway (an account's behalf) and the login's code
# exchange (before any account exists). Everywhere else goes through `clipper.accounts.graph.AccountGraph`.
TOKEN_CLIENT_BUILDERS = {"accounts/graph.py", "oauth/exchange.py"}
TOKEN_CLIENT_METHODS = {"with_token", "for_instagram_login"}


def test_only_the_gateway_hands_a_token_to_the_graph_client() -> None:
    builders = set()
    for path in CLIPPER_SOURCES.rglob("*.py"):
        relative = path.relative_to(CLIPPER_SOURCES).as_posix()
        if relative.startswith("instagram/"):
            continue  # the client itself
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in TOKEN_CLIENT_METHODS:
                builders.add(relative)
    assert builders == TOKEN_CLIENT_BUILDERS
