"""One HTTP attempt of a delivery: resolve and check the host once, then POST to that very address.

The request goes to the checked IP address with the URL's name in the `Host` header and, for https, in
the TLS SNI (the certificate is verified against the name), so the connection cannot land elsewhere
than where the check looked. No proxy from the environment, no redirect followed, 10 s for the whole
attempt (a receiver trickling bytes cannot hold it longer), and at most MAX_RESPONSE_BYTES of the
answer read.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from functools import cache

import certifi
import httpx

from clipper import __version__
from clipper.outgoing import targets

TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 1024
USER_AGENT = f"content-clipper-webhooks/{__version__}"


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: the answer's status (None: no answer) or why it failed, and how long it took."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@cache
def _tls() -> ssl.SSLContext:
    # Built once: loading the CA bundle is the costly part of a client.
    return ssl.create_default_context(cafile=certifi.where())


def _answer_error(status_code: int) -> str | None:
    if 200 <= status_code < 300:
        return None
    if 300 <= status_code < 400:
        return f"Answered HTTP {status_code}: redirects are not followed, use the final URL."
    return f"Answered HTTP {status_code}."


async def _post(
    target: targets.Target, address: targets.IPAddress, body: bytes, headers: dict[str, str]
) -> int:
    url = target.url.copy_with(host=str(address))
    sent_headers = {
        **headers,
        "Host": target.url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    extensions = {"sni_hostname": target.host} if target.literal is None and url.scheme == "https" else {}
    async with (
        httpx.AsyncClient(
            verify=_tls(), trust_env=False, follow_redirects=False, timeout=httpx.Timeout(TIMEOUT_SECONDS)
        ) as client,
        client.stream("POST", url, content=body, headers=sent_headers, extensions=extensions) as response,
    ):
        read = 0
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read >= MAX_RESPONSE_BYTES:
                break
        return response.status_code


async def send(
    url: str, *, body: bytes, headers: dict[str, str], allow_http: bool, allow_private: bool
) -> Outcome:
    """POST the body to the endpoint once; never raises for a network or target problem."""
    started = time.monotonic()
    status_code: int | None = None
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            target = targets.parse(url, allow_http=allow_http)
            address = await targets.resolve(target, allow_private=allow_private)
            status_code = await _post(target, address, body, headers)
            error = _answer_error(status_code)
    except targets.TargetRefused as exc:
        error = str(exc)
    except TimeoutError:
        error = f"No answer within {TIMEOUT_SECONDS:.0f} s."
    except httpx.HTTPError as exc:
        error = f"Could not deliver ({type(exc).__name__}): {str(exc)[:200]}".rstrip(": ")
    duration_ms = int((time.monotonic() - started) * 1000)
    return Outcome(status_code=status_code, error=error, duration_ms=duration_ms)
