"""Webhook delivery (§10): payload builders, `X-Hub-Signature-256` signing, a deliverer with a log.

Events are entries of `{"object": "instagram", "entry": [...]}`: `changes[]` for comments, mentions and
story_insights, `messaging[]` for messages. `emit(sandbox, entries)` signs the exact body bytes with
the app secret and POSTs them through `sandbox.http_client` to `config.webhook_callback_url`,
retrying failures, optionally twice (duplicate delivery) or held back and sent as one batch on
`flush`. Every POST is recorded in `webhook_state(world).deliveries` for `GET /_admin/webhooks/deliveries`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx

from graph_sandbox.world import Comment, Media, Message, World

if TYPE_CHECKING:
    from graph_sandbox.state import Sandbox

SIGNATURE_256 = "X-Hub-Signature-256"
SIGNATURE_SHA1 = "X-Hub-Signature"
_STATE_KEY = "webhooks"


@dataclass
class WebhookSettings:
    """Delivery knobs, changed through `PATCH /_admin/webhooks/settings`."""

    duplicate: bool = False
    include_sha1: bool = True
    max_attempts: int = 3
    retry_delay_seconds: float = 0.0
    hold: bool = False
    # Meta only delivers for Pages that installed the app (`POST /{page-id}/subscribed_apps`).
    require_page_subscription: bool = False


@dataclass
class Delivery:
    """One POST of a webhook body (with all its attempts)."""

    id: int
    url: str | None
    body: str
    signature_256: str
    fields: list[str]
    created_at: datetime
    status: str = "pending"  # delivered, failed, no_callback
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The admin API's view of this delivery."""
        return {
            "id": self.id,
            "url": self.url,
            "status": self.status,
            "fields": self.fields,
            "created_at": self.created_at.isoformat(),
            "signature_256": self.signature_256,
            "attempts": self.attempts,
            "payload": json.loads(self.body),
        }


@dataclass
class WebhookState:
    """Settings, the delivery log and entries held for a batch."""

    settings: WebhookSettings = field(default_factory=WebhookSettings)
    deliveries: list[Delivery] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)


def webhook_state(world: World) -> WebhookState:
    """This world's webhook state (created on first use; a reset world starts empty)."""
    state = world.extra.get(_STATE_KEY)
    if not isinstance(state, WebhookState):
        state = WebhookState()
        world.extra[_STATE_KEY] = state
    return state


# --- signing -------------------------------------------------------------------------------------------


def sign_sha256(body: bytes, secret: str) -> str:
    """`sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign_sha1(body: bytes, secret: str) -> str:
    """The legacy `sha1=<hex>` header value."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """Constant-time check of an `X-Hub-Signature-256` value against the raw body."""
    return header is not None and hmac.compare_digest(header, sign_sha256(body, secret))


# --- payloads --------------------------------------------------------------------------------------------


def comment_change(comment: Comment, media: Media) -> dict[str, Any]:
    """A `comments` change for a new comment or reply (parent_id only on replies)."""
    value: dict[str, Any] = {
        "from": {"id": comment.from_id, "username": comment.username},
        "id": comment.id,
        "text": comment.text,
        "media": {"id": media.id, "media_product_type": media.media_product_type},
    }
    if comment.parent_id:
        value["parent_id"] = comment.parent_id
    return {"field": "comments", "value": value}


def mention_change(media_id: str, comment_id: str | None = None) -> dict[str, Any]:
    """A `mentions` change: in a comment (`comment_id` + `media_id`) or in a caption (`media_id`)."""
    value = {"comment_id": comment_id, "media_id": media_id} if comment_id else {"media_id": media_id}
    return {"field": "mentions", "value": value}


def story_insights_change(media_id: str, metrics: dict[str, int]) -> dict[str, Any]:
    """A `story_insights` change; values below 5 are sent as -1 (§10.3)."""
    value: dict[str, Any] = {"media_id": media_id}
    value.update({name: (number if number >= 5 else -1) for name, number in metrics.items()})
    return {"field": "story_insights", "value": value}


def changes_entry(ig_user_id: str, now: datetime, changes: list[dict[str, Any]]) -> dict[str, Any]:
    """An entry of the `changes[]` form (`time` in seconds)."""
    return {"id": ig_user_id, "time": int(now.timestamp()), "changes": changes}


def message_event(message: Message, *, ig_user_id: str) -> dict[str, Any]:
    """One `messaging[]` item for a message; `is_echo` when the business sent it."""
    body: dict[str, Any] = {"mid": message.id}
    if message.text is not None:
        body["text"] = message.text
    if message.attachments:
        body["attachments"] = [
            {"type": a.get("type"), "payload": a.get("payload", {})} for a in message.attachments
        ]
    if message.is_echo:
        body["is_echo"] = True
    sender, recipient = (ig_user_id, message.to_id) if message.is_echo else (message.from_id, ig_user_id)
    return {
        "sender": {"id": sender},
        "recipient": {"id": recipient},
        "timestamp": int(message.created_time.timestamp() * 1000),
        "message": body,
    }


def messaging_entry(ig_user_id: str, now: datetime, events: list[dict[str, Any]]) -> dict[str, Any]:
    """An entry of the `messaging[]` form (`time` in milliseconds)."""
    return {"id": ig_user_id, "time": int(now.timestamp() * 1000), "messaging": events}


def envelope(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The POST body for one or more entries."""
    return {"object": "instagram", "entry": entries}


def _fields_of(entries: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for entry in entries:
        names += [change["field"] for change in entry.get("changes", [])]
        names += [str(entry["field"])] if "field" in entry else []
        names += ["messages"] * bool(entry.get("messaging"))
    return list(dict.fromkeys(names))


# --- verification and delivery ---------------------------------------------------------------------


async def emit(sandbox: Sandbox, entries: list[dict[str, Any]]) -> list[Delivery]:
    """Deliver these entries now (one POST, twice when duplicating), or hold them for `flush`."""
    state = webhook_state(sandbox.world)
    if state.settings.require_page_subscription:
        entries = [entry for entry in entries if _subscribed(sandbox.world, str(entry["id"]))]
    entries = _flat(sandbox.world, entries)
    if not entries:
        return []
    if state.settings.hold:
        state.pending.extend(entries)
        return []
    return await _deliver(sandbox, entries)


def _subscribed(world: World, ig_user_id: str) -> bool:
    page = world.page_of_ig_user(ig_user_id)
    ig = world.ig_users.get(ig_user_id)
    return (page is not None and bool(page.subscribed_fields)) or (
        ig is not None and bool(ig.subscribed_fields)
    )


def _flat(world: World, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Content events of accounts subscribed through Instagram Login, in the flat form of that product's
    webhook docs: `entry[].field` + `entry[].value`, no `changes[]` wrapper (the Instagram Login
    example of https://developers.facebook.com/docs/instagram-platform/webhooks/examples; GRAPH_API.md
    §10 notes real deliveries may also use `changes[]`). Messaging entries keep `messaging[]`."""
    out: list[dict[str, Any]] = []
    for entry in entries:
        ig = world.ig_users.get(str(entry.get("id")))
        changes = entry.get("changes")
        if ig is None or not ig.subscribed_fields or not changes:
            out.append(entry)
            continue
        for change in changes:
            out.append(
                {
                    "id": entry["id"],
                    "time": entry.get("time"),
                    "field": change["field"],
                    "value": change["value"],
                }
            )
    return out


_BACKGROUND: set[asyncio.Task[list[Delivery]]] = set()


def emit_soon(sandbox: Sandbox, entries: list[dict[str, Any]]) -> None:
    """Deliver after the current Graph answer, as Meta does: the call never waits for the receiver.

    Delivering inline would make the receiver's webhook handler run while the caller is still inside
    the Graph call that caused it (e.g. the Send API's echo), which is not how Meta behaves.
    """
    task = asyncio.get_running_loop().create_task(emit(sandbox, entries))
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


async def drain() -> None:
    """Wait until every delivery started by `emit_soon` has finished (tests and shutdown)."""
    while _BACKGROUND:
        await asyncio.gather(*list(_BACKGROUND), return_exceptions=True)


async def flush(sandbox: Sandbox) -> list[Delivery]:
    """Send every held entry as one batched POST."""
    state = webhook_state(sandbox.world)
    entries, state.pending = state.pending, []
    return await _deliver(sandbox, entries) if entries else []


async def _deliver(sandbox: Sandbox, entries: list[dict[str, Any]]) -> list[Delivery]:
    state = webhook_state(sandbox.world)
    copies = 2 if state.settings.duplicate else 1
    return [await _post(sandbox, state, entries) for _ in range(copies)]


async def _post(sandbox: Sandbox, state: WebhookState, entries: list[dict[str, Any]]) -> Delivery:
    body = json.dumps(envelope(entries), separators=(",", ":"), ensure_ascii=False).encode()
    secret = sandbox.config.app_secret
    url = sandbox.config.webhook_callback_url
    delivery = Delivery(
        id=len(state.deliveries) + 1,
        url=url,
        body=body.decode(),
        signature_256=sign_sha256(body, secret),
        fields=_fields_of(entries),
        created_at=sandbox.clock.now(),
    )
    state.deliveries.append(delivery)
    if not url:
        delivery.status = "no_callback"
        return delivery
    headers = {"Content-Type": "application/json", SIGNATURE_256: delivery.signature_256}
    if state.settings.include_sha1:
        headers[SIGNATURE_SHA1] = sign_sha1(body, secret)
    for attempt in range(max(1, state.settings.max_attempts)):
        if attempt and state.settings.retry_delay_seconds:
            await asyncio.sleep(state.settings.retry_delay_seconds)
        if await _attempt(sandbox.http_client, url, body, headers, delivery):
            delivery.status = "delivered"
            return delivery
    delivery.status = "failed"
    return delivery


async def _attempt(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], delivery: Delivery
) -> bool:
    try:
        response = await client.post(url, content=body, headers=headers, timeout=10.0)
    except httpx.HTTPError as exc:
        delivery.attempts.append({"status": None, "error": type(exc).__name__})
        return False
    delivery.attempts.append({"status": response.status_code, "error": None})
    return 200 <= response.status_code < 300


async def verify_callback(sandbox: Sandbox) -> dict[str, Any]:
    """The subscription handshake (§10.2): GET the callback with hub.* and expect the challenge echoed."""
    url = sandbox.config.webhook_callback_url
    if not url:
        return {"verified": False, "status": None, "error": "no webhook_callback_url configured"}
    challenge = str(secrets.randbelow(9 * 10**9) + 10**9)
    params = {
        "hub.mode": "subscribe",
        "hub.challenge": challenge,
        "hub.verify_token": sandbox.config.webhook_verify_token,
    }
    try:
        response = await sandbox.http_client.get(url, params=params, timeout=10.0)
    except httpx.HTTPError as exc:
        return {"verified": False, "status": None, "error": type(exc).__name__}
    verified = response.status_code == 200 and response.text.strip() == challenge
    return {"verified": verified, "status": response.status_code, "error": None}
