"""`assert_same_shape(fixture, answer)`: same keys and value types, recursively (values may differ)."""

from __future__ import annotations

from typing import Any

_NUMBER = (int, float)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, _NUMBER):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def shape_problems(fixture: Any, answer: Any, path: str = "$") -> list[str]:
    """Every difference in keys or value types between a recorded response and an answer."""
    if _kind(fixture) != _kind(answer):
        return [f"{path}: expected {_kind(fixture)}, got {_kind(answer)}"]
    if isinstance(fixture, dict):
        problems = [f"{path}.{key}: missing" for key in fixture if key not in answer]
        problems += [f"{path}.{key}: unexpected" for key in answer if key not in fixture]
        for key in fixture:
            if key in answer:
                problems += shape_problems(fixture[key], answer[key], f"{path}.{key}")
        return problems
    if isinstance(fixture, list) and fixture and answer:
        # Items of a recorded list share one shape: compare every answered item to the first recorded.
        return [
            p
            for index, item in enumerate(answer)
            for p in shape_problems(fixture[0], item, f"{path}[{index}]")
        ]
    return []


def assert_same_shape(fixture: Any, answer: Any, *, ignore: tuple[str, ...] = ()) -> None:
    """Fail with every difference (paths listed in `ignore`, like `$.summary`, are skipped)."""
    problems = [p for p in shape_problems(fixture, answer) if not (ignore and p.startswith(ignore))]
    assert not problems, "shape differs from the recording:\n" + "\n".join(problems)
