"""Mailing an invitation link: the standard library's smtplib in a worker thread, bounded in time.

SMTP_URL says where and how: `smtp://host:25` (plain), `smtp+starttls://user:pass@host:587`
(STARTTLS), `smtps://user:pass@host:465` (TLS from the start). User and password are URL-encoded.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from clipper.errors import ServiceUnavailable

SMTP_TIMEOUT_SECONDS = 10.0
_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True, slots=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """The server SMTP_URL names; ValueError (without the password) when it names none."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(
            "SMTP_URL must look like smtp://host:25, smtp+starttls://user:pass@host:587 or smtps://…"
        )
    return SmtpServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or _DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def _send(server: SmtpServer, message: EmailMessage) -> None:
    client: smtplib.SMTP
    if server.scheme == "smtps":
        client = smtplib.SMTP_SSL(
            server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        if server.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if server.username is not None:
            client.login(server.username, server.password or "")
        client.send_message(message)


async def send_mail(url: str, *, sender: str, to: str, subject: str, body: str) -> None:
    """Send one plain-text mail; ServiceUnavailable when the server cannot be reached or refuses it."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(body)
    try:
        server = parse_smtp_url(url)
        # smtplib's timeout bounds each socket operation; this bounds the whole conversation.
        await asyncio.wait_for(asyncio.to_thread(_send, server, message), timeout=3 * SMTP_TIMEOUT_SECONDS)
    except (ValueError, OSError, smtplib.SMTPException, TimeoutError) as error:
        raise ServiceUnavailable(
            f"The mail server did not take the invitation ({type(error).__name__}): check SMTP_URL, "
            "or invite without an email to get the link to pass on yourself."
        ) from error
