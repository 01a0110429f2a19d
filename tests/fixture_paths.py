"""Where the recorded Graph API responses are: `tests/graph_fixtures`, inside the checkout."""

from __future__ import annotations

from pathlib import Path

GRAPH_FIXTURES = Path(__file__).resolve().parent / "graph_fixtures"
