"""Imports every module that registers Graph handlers, node types or routes, core first.

The optional modules belong to the other halves of the sandbox; one that does not exist yet is
skipped (only when that exact module is missing: an import error inside it propagates).
"""

from __future__ import annotations

import importlib

CORE_MODULES = (
    "graph_sandbox.core_nodes",
    "graph_sandbox.user_handlers",
    "graph_sandbox.oauth_tokens",
    "graph_sandbox.graph_root",
    "graph_sandbox.admin",
)
OPTIONAL_MODULES = (
    "graph_sandbox.publishing",
    "graph_sandbox.engagement",
    "graph_sandbox.insights",
    "graph_sandbox.webhooks",
    "graph_sandbox.app_subscriptions",
    "graph_sandbox.hashtags",
    "graph_sandbox.discovery",
)


def import_optional(name: str) -> bool:
    """Import a module; False when that very module does not exist (errors inside it propagate)."""
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return False
    return True


def load_handler_modules() -> list[str]:
    """Import the core and the optional handler modules; return the names that were loaded."""
    for name in CORE_MODULES:
        importlib.import_module(name)
    return [*CORE_MODULES, *(name for name in OPTIONAL_MODULES if import_optional(name))]
