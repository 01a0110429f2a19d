"""bench/comment_sync.py still runs (tiny sizes) and its fetch figures keep their order."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "comment_sync.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("comment_sync_bench", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
async def test_comment_sync_bench_runs_and_expansion_needs_the_fewest_calls(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = load_bench()
    figures = await bench.main(bench.parse_args(["--media", "3", "--comments", "2", "--replies", "1"]))
    calls = {name: made for name, (made, _) in figures.items()}
    items = {name: found for name, (_, found) in figures.items()}
    # 3 media x (2 comments + 2 replies): every strategy sees the same 12 items.
    assert set(items.values()) == {12}
    assert calls["expansion+batch"] < calls["per-media"] < calls["per-comment"]
    assert calls["per-media"] == 1 + 3  # the media list, then one call per media
    printed = capsys.readouterr().out
    assert "expansion+batch" in printed
    assert "write bulk (known)" in printed
