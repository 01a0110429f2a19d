"""The engine's Graph calls bundled as batch requests (GRAPH_API.md §11), so a post costs the floor.

An image costs three HTTP calls: create the container; one batch reading {container status, publishing
limit} (DESIGN.md §5 step 4 and the quota check, both right before publishing); one batch holding
{media_publish named "pub", the new media's permalink depending on "pub"}. A publish inside a batch is
never re-sent: a dropped batch, or a publish item that did not run, is `OutcomeUnknownError`.

The HTTP layer counts a batch as one call (`POST /`); each item is also counted here, as
`graph_api_calls_total{endpoint="batch:<method> <template>"}` with its own status and Meta error code, so
Graph operations (what Meta's rate limits count) and errors inside a batch (a refused `media_publish`)
show up by endpoint too.
"""

from __future__ import annotations

from dataclasses import dataclass

from clipper.instagram import InstagramGraphAPI
from clipper.instagram.batch import BatchRequest, BatchResponse
from clipper.instagram.errors import OutcomeUnknownError
from clipper.instagram.schemas import ContainerStatus, PublishingLimit
from clipper.instagram.transport import endpoint_template
from clipper.observability import GRAPH_API_CALLS

BATCH_ENDPOINT_PREFIX = "batch:"


@dataclass(frozen=True)
class Published:
    """What one publish batch returned: the media id, and its permalink when it could be read."""

    media_id: str
    permalink: str | None


def _count_items(requests: list[BatchRequest], answers: list[BatchResponse]) -> None:
    """One `graph_api_calls_total` sample per batch item (status `not_run` when Meta did not run it)."""
    for request, answer in zip(requests, answers, strict=False):
        path = request.relative_url.split("?", 1)[0]
        code = answer.error.code if answer.error is not None else None
        GRAPH_API_CALLS.labels(
            endpoint=f"{BATCH_ENDPOINT_PREFIX}{request.method.upper()} {endpoint_template(path)}",
            status=str(answer.code) if answer.code is not None else "not_run",
            code=str(code) if code is not None else "",
        ).inc()


async def _batch(api: InstagramGraphAPI, requests: list[BatchRequest]) -> list[BatchResponse]:
    answers = await api.batch(requests)
    _count_items(requests, answers)
    return answers


async def status_and_limit(
    api: InstagramGraphAPI, container_id: str, ig: str
) -> tuple[ContainerStatus, PublishingLimit]:
    """The container's status and the account's publishing limit, in one HTTP call."""
    status, limit = await _batch(
        api,
        [
            BatchRequest(f"{container_id}?fields=id,status_code,status"),
            BatchRequest(f"{ig}/content_publishing_limit?fields=quota_usage,config"),
        ],
    )
    rows = limit.result().get("data") or [{}]
    return ContainerStatus.model_validate(status.result()), PublishingLimit.model_validate(rows[0])


async def publish(api: InstagramGraphAPI, ig: str, container_id: str) -> Published:
    """`media_publish` and the new media's permalink in one HTTP call; never retried."""
    sent, link = await _batch(
        api,
        [
            BatchRequest(
                f"{ig}/media_publish",
                method="POST",
                body={"creation_id": container_id},
                name="pub",
                # Meta leaves a named item's answer out by default; we need the media id.
                omit_response_on_success=False,
            ),
            BatchRequest(
                "{result=pub:$.id}?fields=permalink", depends_on="pub", omit_response_on_success=False
            ),
        ],
    )
    body = sent.result()
    if not isinstance(body, dict) or not body.get("id"):
        raise OutcomeUnknownError("media_publish answered without a media id; it may have been applied.")
    permalink = link.body.get("permalink") if link.ok and isinstance(link.body, dict) else None
    return Published(str(body["id"]), str(permalink) if permalink else None)
