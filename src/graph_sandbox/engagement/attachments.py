"""Message attachments (§6.2): Send API validation and `POST /{page-id}/message_attachments` uploads."""

from __future__ import annotations

from typing import Any

from graph_sandbox.engagement.conversations import MESSAGING_PERMISSIONS
from graph_sandbox.errors import invalid_parameter, missing_parameter
from graph_sandbox.registry import GraphCall, graph_handler
from graph_sandbox.world import TokenKind, World

ATTACHMENT_TYPES = ("image", "video", "audio", "file", "like_heart")
_KEY = "message_attachments"


def saved_attachments(world: World) -> dict[str, dict[str, Any]]:
    """Uploaded reusable attachments by `attachment_id`."""
    saved = world.extra.get(_KEY)
    if not isinstance(saved, dict):
        saved = {}
        world.extra[_KEY] = saved
    return saved


def _url(payload: dict[str, Any]) -> str:
    url = payload.get("url")
    if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        raise invalid_parameter("(#100) Param message[attachment][payload][url] must be a valid URL")
    return url


def parse_attachment(world: World, attachment: Any) -> dict[str, Any]:
    """A validated `{"type", "payload": {"url"}}` from a Send API `message.attachment`."""
    if not isinstance(attachment, dict) or attachment.get("type") not in ATTACHMENT_TYPES:
        raise invalid_parameter("(#100) Message must contain text or an attachment")
    kind = str(attachment["type"])
    if kind == "like_heart":
        return {"type": kind, "payload": {}}
    raw = attachment.get("payload")
    payload: dict[str, Any] = raw if isinstance(raw, dict) else {}
    if payload.get("attachment_id"):
        saved = saved_attachments(world).get(str(payload["attachment_id"]))
        if saved is None or saved["type"] != kind:
            raise invalid_parameter("(#100) Param message[attachment][payload][attachment_id] is invalid")
        return {"type": kind, "payload": {"url": saved["url"]}}
    return {"type": kind, "payload": {"url": _url(payload)}}


@graph_handler(
    "page", "message_attachments", "POST", permissions=MESSAGING_PERMISSIONS, params=("platform", "message"),
    token_kinds=(TokenKind.PAGE,),
)  # fmt: skip
async def upload_attachment(call: GraphCall) -> dict[str, Any]:
    """Save an attachment by URL for later sends; answers `{"attachment_id"}`."""
    if call.param("platform") != "instagram":
        raise missing_parameter("platform")
    message = call.json_param("message")
    if message is None:
        raise missing_parameter("message")
    attachment = message.get("attachment") if isinstance(message, dict) else None
    parsed = parse_attachment(call.world, attachment)
    if parsed["type"] == "like_heart":
        raise invalid_parameter("(#100) Param message[attachment][type] must be image, video, audio or file")
    attachment_id = call.world.ids.media()
    saved_attachments(call.world)[attachment_id] = {"type": parsed["type"], "url": parsed["payload"]["url"]}
    return {"attachment_id": attachment_id}
