"""Where the recorded Graph API responses are: `shared/graph-fixtures` beside the project checkout."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_CANDIDATES = [
    Path(os.environ["GRAPH_FIXTURES"]) if os.environ.get("GRAPH_FIXTURES") else None,
    _ROOT.parent / "shared" / "graph-fixtures",
    Path("/work/shared/graph-fixtures"),
]


def _find() -> Path:
    for candidate in _CANDIDATES:
        if candidate is not None and (candidate / "README.md").is_file():
            return candidate
    searched = ", ".join(str(c) for c in _CANDIDATES if c is not None)
    raise RuntimeError(f"graph-fixtures not found (looked in {searched}); set GRAPH_FIXTURES")


GRAPH_FIXTURES = _find()
