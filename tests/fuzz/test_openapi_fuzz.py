"""Fuzz every operation of the OpenAPI document (schemathesis): no 5xx, no answer off its documented schema.

The real server runs as a subprocess in sandbox mode with a signed-up user who connected an account,
uploaded a clip, drafted a post and synced the inbox; generated path ids are sometimes replaced by those
real ids so the handlers get past "not found". Examples per operation are few (positive and negative data),
so the whole run stays within a couple of minutes on a small CI machine.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.fixtures.auth import signup
from tests.fixtures.live_server import sandbox_mode_server
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import connect_instagram

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
# Operations that would end the fuzzer's own credential part-way through the run.
SPARED = {("DELETE", "/api/v1/auth/tokens/{token_id}"), ("POST", "/api/v1/auth/logout")}
# Infinite streams: their answer never ends, so the fuzzer could not read it.
STREAMS = {("GET", "/api/v1/events")}


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data_dir = tmp_path_factory.mktemp("fuzz")
    with sandbox_mode_server(data_dir, log_level="WARNING") as origin:
        yield origin, data_dir / "server.log"


async def _seed(origin: str) -> tuple[str, dict[str, Any]]:
    """A user with real data; their API token and the ids worth aiming at."""
    async with httpx.AsyncClient(base_url=origin, timeout=60) as client:
        user = await signup(client)
        account = await connect_instagram(client, user.headers)
        token = await client.post("/api/v1/auth/tokens", json={"name": "fuzz"}, headers=user.headers)
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        files = {"file": ("photo.jpg", jpeg(), "image/jpeg")}
        clip = (await client.post("/api/v1/clips", files=files, headers=headers)).json()
        post = await client.post(
            "/api/v1/social/",
            json={"account_id": account["id"], "media_type": "IMAGE", "clip_id": clip["id"]},
            headers=headers,
        )
        inbox = f"/api/v1/instagram/accounts/{account['id']}/inbox/sync"
        await client.post(inbox, headers=headers)
        comments = (await client.get("/api/v1/instagram/comments", headers=headers)).json()["items"]
        conversations = (await client.get("/api/v1/instagram/conversations", headers=headers)).json()
        rule = await client.post(
            f"/api/v1/instagram/accounts/{account['id']}/moderation-rules",
            json={"name": "Spam", "kind": "keyword", "patterns": ["spam"]},
            headers=headers,
        )
        endpoint = await client.post(
            "/api/v1/webhook-endpoints",
            json={"url": "https://receiver.example/hook", "events": ["post.published"]},
            headers=headers,
        )
    ids: dict[str, Any] = {
        "account_id": account["id"],
        "clip_id": clip["id"],
        "post_id": post.json()["id"],
        "comment_id": comments[0]["id"],
        "media_id": comments[0]["media_id"],
        "conversation_id": conversations["items"][0]["id"],
        "rule_id": rule.json()["id"],
        "endpoint_id": endpoint.json()["id"],
        "platform": "instagram",
    }
    return headers["Authorization"], ids


@pytest.fixture(scope="module")
def fuzz_target(fuzz_server: tuple[str, Path]) -> tuple[str, dict[str, Any]]:
    return asyncio.run(_seed(fuzz_server[0]))


def _operations(origin: str) -> Iterator[Any]:
    schema = schemathesis.openapi.from_url(f"{origin}/openapi.json")
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SPARED | STREAMS:
            yield operation


def _fuzz(operation: Any, strategy: Any, authorization: str) -> str | None:
    """Run `strategy`'s cases against the server; the first failure's report, or None."""

    @given(strategy)
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(
            headers={"Authorization": authorization},
            checks=[not_a_server_error, response_schema_conformance],
            timeout=30,
        )

    try:
        run()
    except Unsatisfiable:
        return None  # negative data for an operation without inputs: nothing to send
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup, a check's AssertionError
        return f"{operation.method.upper()} {operation.path}: {exc}"[:3000]
    return None


@pytest.mark.timeout(600)
def test_no_server_error_and_no_schema_violation(
    fuzz_server: tuple[str, Path], fuzz_target: tuple[str, dict[str, Any]]
) -> None:
    origin, log_path = fuzz_server
    authorization, ids = fuzz_target
    failures = []
    for operation in _operations(origin):
        real = {param.name: ids[param.name] for param in operation.path_parameters if param.name in ids}
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=real),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        for strategy in strategies:
            failure = _fuzz(operation, strategy, authorization)
            if failure is not None:
                failures.append(failure)
                break
    # The server's own account of each 500 (type and traceback) makes a failure actionable.
    errors = [
        line for line in log_path.read_text().splitlines() if "unhandled error" in line or "Error" in line
    ]
    assert not failures, "\n\n".join(failures) + "\n\nServer log:\n" + "\n".join(errors[-40:])
