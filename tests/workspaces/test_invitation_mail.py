"""With SMTP_URL set, an invitation is mailed (not shown to the inviter); a refusing server revokes it.

The mail server is a minimal SMTP receiver on a real local socket: the product speaks to it with smtplib.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import httpx
import pytest

from clipper.config import Settings
from clipper.workspaces.mail import parse_smtp_url
from tests.fixtures.auth import signup
from tests.workspaces.helpers import WORKSPACES, accept, make_team


@dataclass
class MailCatcher:
    """Accepts every mail (or refuses every recipient) and keeps what it received."""

    refuse_recipients: bool = False
    received: list[bytes] = field(default_factory=list)

    async def converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 localhost ESMTP test receiver\r\n")
        while line := await reader.readline():
            verb = line.strip().split(b" ", 1)[0].upper()
            if verb == b"RCPT" and self.refuse_recipients:
                writer.write(b"550 5.1.1 no such mailbox\r\n")
            elif verb in {b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"}:
                writer.write(b"250 OK\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                lines = []
                while (data := await reader.readline()) not in {b".\r\n", b""}:
                    lines.append(data)
                self.received.append(b"".join(lines))
                writer.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"502 not implemented\r\n")
            await writer.drain()
        writer.close()


@pytest.fixture
async def catcher(settings: Settings) -> AsyncIterator[MailCatcher]:
    """A local SMTP receiver that SMTP_URL points at."""
    mail_catcher = MailCatcher()
    server = await asyncio.start_server(mail_catcher.converse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings.smtp_url = f"smtp://127.0.0.1:{port}"
    settings.smtp_from = "Clipper <invites@example.com>"
    async with server:
        yield mail_catcher


async def test_the_link_is_mailed_and_not_shown(client: httpx.AsyncClient, catcher: MailCatcher) -> None:
    team = await make_team(client)
    response = await client.post(
        f"{WORKSPACES}/{team.workspace_id}/invitations",
        json={"role": "editor", "email": "Guest@Example.com"},
        headers=team.owner.headers,
    )
    assert response.status_code == 201, response.text
    assert (response.json()["link"], response.json()["emailed"], response.json()["email"]) == (
        None,
        True,
        "guest@example.com",
    )
    [raw] = catcher.received
    message = message_from_bytes(raw, policy=policy.default)
    assert (message["To"], message["From"]) == ("guest@example.com", "Clipper <invites@example.com>")
    assert "Acme agency" in message["Subject"]
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"http://testserver/invite/(\S+)", body.get_content())
    assert found is not None
    guest = await signup(client)
    joined = await accept(client, guest, found.group(1))
    assert (joined.status_code, joined.json()["role"]) == (200, "editor")


async def test_without_an_email_the_link_is_returned(client: httpx.AsyncClient, catcher: MailCatcher) -> None:
    team = await make_team(client)
    response = await client.post(
        f"{WORKSPACES}/{team.workspace_id}/invitations", json={"role": "viewer"}, headers=team.owner.headers
    )
    assert response.json()["link"].startswith("http://testserver/invite/")
    assert catcher.received == []


async def test_a_refusing_mail_server_is_a_503_and_the_invitation_is_revoked(
    client: httpx.AsyncClient, catcher: MailCatcher
) -> None:
    catcher.refuse_recipients = True
    team = await make_team(client)
    url = f"{WORKSPACES}/{team.workspace_id}/invitations"
    response = await client.post(
        url, json={"role": "viewer", "email": "nobody@example.com"}, headers=team.owner.headers
    )
    assert response.status_code == 503
    assert "SMTP_URL" in response.json()["detail"]
    pending = await client.get(url, headers=team.owner.headers)
    assert pending.json()["items"] == []


async def test_an_unreachable_mail_server_is_a_503(client: httpx.AsyncClient, settings: Settings) -> None:
    server = await asyncio.start_server(lambda _reader, _writer: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    settings.smtp_url = f"smtp://127.0.0.1:{port}"
    team = await make_team(client)
    response = await client.post(
        f"{WORKSPACES}/{team.workspace_id}/invitations",
        json={"role": "viewer", "email": "nobody@example.com"},
        headers=team.owner.headers,
    )
    assert response.status_code == 503


def test_a_malformed_smtp_url_is_refused_without_showing_it() -> None:
    with pytest.raises(ValueError, match="SMTP_URL must look like") as caught:
        parse_smtp_url("http://user:s3cret@host")
    assert "s3cret" not in str(caught.value)
    parsed = parse_smtp_url("smtp+starttls://me%40x.com:p%40ss@mail.example.com")
    assert (parsed.host, parsed.port, parsed.username, parsed.password) == (
        "mail.example.com",
        587,
        "me@x.com",
        "p@ss",
    )
