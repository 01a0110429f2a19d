"""Batch requests (GRAPH_API.md §11): up to 50 sub-requests per call, string bodies decoded, nulls retried."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from clipper.instagram.core import GraphCore
from clipper.instagram.error_mapping import error_from_response
from clipper.instagram.errors import (
    InstagramGraphAPIError,
    OutcomeUnknownError,
    RequestValidationError,
    TransientError,
    TransportError,
)
from clipper.instagram.transport import encode_params

MAX_BATCH = 50
_VERSIONED = re.compile(r"^v\d+\.\d+(/|$)")
_RESULT_REF = re.compile(r"\{result=([^:}]+):\$\.id\}")


@dataclass(frozen=True)
class BatchRequest:
    """One sub-request; `relative_url` without a version gets the client's version."""

    relative_url: str
    method: str = "GET"
    body: Mapping[str, Any] | None = None
    name: str | None = None
    depends_on: str | None = None
    omit_response_on_success: bool | None = None


@dataclass
class BatchResponse:
    """One sub-response: the decoded body, or the error it maps to."""

    code: int | None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    error: InstagramGraphAPIError | None = None

    @property
    def ok(self) -> bool:
        """True when the sub-request succeeded."""
        return self.error is None

    def result(self) -> Any:
        """The decoded body, raising the sub-request's error if it failed."""
        if self.error is not None:
            raise self.error
        return self.body


def _as_request(item: BatchRequest | Mapping[str, Any]) -> BatchRequest:
    if isinstance(item, BatchRequest):
        return item
    return BatchRequest(**dict(item))


class BatchMixin(GraphCore):
    """Send many calls in few HTTP requests."""

    def _encode(self, request: BatchRequest) -> dict[str, Any]:
        url = request.relative_url.lstrip("/")
        if not _VERSIONED.match(url):
            url = f"{self.api_version}/{url}"
        item: dict[str, Any] = {"method": request.method.upper(), "relative_url": url}
        if request.body:
            item["body"] = urlencode(encode_params(request.body))
        for key in ("name", "depends_on", "omit_response_on_success"):
            if getattr(request, key) is not None:
                item[key] = getattr(request, key)
        return item

    async def batch(self, requests: Sequence[BatchRequest | Mapping[str, Any]]) -> list[BatchResponse]:
        """Run the requests in batches of 50; each result carries its body or its mapped error."""
        items = [_as_request(item) for item in requests]
        if not self.batch_supported:
            # The Instagram Login host documents no batch requests: the items go one by one, same answers.
            return await self._one_by_one(items)
        results: list[BatchResponse] = []
        for start in range(0, len(items), MAX_BATCH):
            chunk = items[start : start + MAX_BATCH]
            names = {item.name for item in chunk if item.name}
            for item in chunk:
                if item.depends_on and item.depends_on not in names:
                    raise RequestValidationError(
                        f"Batch item depends on {item.depends_on!r}, outside its chunk of {MAX_BATCH}.",
                        option="depends_on",
                    )
            results.extend(await self._run_chunk(chunk))
        return results

    async def _one_by_one(self, items: list[BatchRequest]) -> list[BatchResponse]:
        """The batch's items as separate calls, in order; `{result=name:$.id}` from an earlier item."""
        named: dict[str, BatchResponse] = {}
        results: list[BatchResponse] = []
        for item in items:
            source = named.get(item.depends_on) if item.depends_on else None
            if item.depends_on and (source is None or not source.ok or not isinstance(source.body, dict)):
                results.append(self._not_run(item))
                continue
            url = _RESULT_REF.sub(lambda m: str(named[m.group(1)].body.get("id", "")), item.relative_url)
            path, _, query = url.lstrip("/").partition("?")
            params: dict[str, Any] = {**dict(parse_qsl(query)), **dict(item.body or {})}
            method = item.method.upper()
            try:
                body = await self._call(method, path, params, idempotent=method == "GET")
                answer = BatchResponse(code=200, body=body)
            except InstagramGraphAPIError as error:
                answer = BatchResponse(code=getattr(error, "http_status", None), error=error)
            results.append(answer)
            if item.name:
                named[item.name] = answer
        return results

    async def _run_chunk(self, chunk: list[BatchRequest]) -> list[BatchResponse]:
        pending = list(range(len(chunk)))
        results: list[BatchResponse | None] = [None] * len(chunk)
        for attempt in range(self.max_retries + 1):
            if attempt:
                await self._sleep(self._backoff_delay(attempt - 1))
            try:
                answers = await self._send_batch([chunk[i] for i in pending])
            except TransportError:
                if not attempt:
                    raise
                # The first answers stand: a write they left unanswered stays "outcome unknown" (it was
                # sent), never replaced by this failure (which may even say "not sent").
                break
            for index, answer in zip(pending, answers, strict=False):
                results[index] = self._decode_item(answer) if answer is not None else None
            # Only reads are re-run: a write that timed out inside the batch may have been applied.
            pending = [i for i in pending if results[i] is None and chunk[i].method.upper() == "GET"]
            if not pending:
                break
        return [result or self._not_run(chunk[i]) for i, result in enumerate(results)]

    async def _send_batch(self, chunk: list[BatchRequest]) -> list[Any]:
        idempotent = all(item.method.upper() == "GET" for item in chunk)
        params = {
            "batch": [self._encode(item) for item in chunk],
            "include_headers": False,
            "access_token": self._require_token(),
        }
        answers = await self._post("", params, idempotent=idempotent)
        if not isinstance(answers, list):
            raise TransientError("The batch answer was not a list.", retryable=False)
        return answers + [None] * (len(chunk) - len(answers))

    def _decode_item(self, answer: Mapping[str, Any]) -> BatchResponse:
        code = answer.get("code")
        raw = answer.get("body")
        try:
            body = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            body = raw
        headers = {h["name"]: h["value"] for h in answer.get("headers") or [] if isinstance(h, Mapping)}
        status = int(code) if isinstance(code, int) else 200
        failed = status >= 400 or (isinstance(body, dict) and body.get("error") is not None)
        error = error_from_response(status, body, headers, secrets=self._secrets()) if failed else None
        return BatchResponse(code=status, body=body, headers=headers, error=error)

    def _not_run(self, request: BatchRequest) -> BatchResponse:
        what = f"batch {request.method.upper()} item"
        error: InstagramGraphAPIError
        if request.method.upper() == "GET":
            error = TransientError(f"The {what} timed out or was not run.")
        else:
            error = OutcomeUnknownError(f"The {what} timed out or was not run; it may have been applied.")
        return BatchResponse(code=None, error=error)
