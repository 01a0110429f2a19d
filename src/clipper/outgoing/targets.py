"""Where a delivery may go: the URL's shape, and the addresses its host resolves to (SSRF).

A target is refused when any address of its host is loopback, private, link-local, multicast, reserved,
unspecified or otherwise not globally routable, IPv4 and IPv6 alike, with the IPv4 address inside an
IPv4-mapped (`::ffff:a.b.c.d`), 6to4 (`2002::/16`) or NAT64 (`64:ff9b::/96`) IPv6 address judged as
IPv4 — unless OUTGOING_WEBHOOKS_ALLOW_PRIVATE is set. The check runs when a URL is saved (a quick, clear
error) and again at every send, after resolving the name once: the request then connects to that
checked address (`sender`), so a name that resolves elsewhere a moment later (DNS rebinding) changes
nothing.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2048
RESOLVE_TIMEOUT_SECONDS = 5.0
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class TargetRefused(Exception):
    """The URL or an address of its host may not receive deliveries; the message says why."""


@dataclass(frozen=True)
class Target:
    """A parsed delivery URL: what to connect to is decided at each send (`resolve`)."""

    url: httpx.URL
    host: str  # ASCII (IDNA) form
    port: int
    literal: IPAddress | None  # the host when it is an IP address


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress) -> str | None:
    """Why deliveries may not go to this address (None: a public address)."""
    if isinstance(address, ipaddress.IPv6Address) and (inner := _embedded_ipv4(address)) is not None:
        return refusal(inner)
    checks = (
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "not globally routable"),
    )
    return next((f"{address} is a {kind} address" for flagged, kind in checks if flagged), None)


def parse(url: str, *, allow_http: bool) -> Target:
    """The URL as a target, or TargetRefused: https (http only when allowed), a host, no credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise TargetRefused(f"The URL is not valid: {exc}") from None
    schemes = ("https", "http") if allow_http else ("https",)
    if parsed.scheme not in schemes:
        raise TargetRefused(
            "The URL must start with https://"
            + ("" if allow_http else " (http:// needs OUTGOING_WEBHOOKS_ALLOW_HTTP=true on the server)")
            + "."
        )
    if not host:
        raise TargetRefused("The URL has no host.")
    if parsed.userinfo:
        raise TargetRefused(
            "The URL must not carry a user name or password: sign-in travels in the signature."
        )
    if parsed.fragment:
        raise TargetRefused("The URL must not have a #fragment.")
    try:
        literal: IPAddress | None = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return Target(url=parsed, host=host, port=port, literal=literal)


async def addresses_of(target: Target) -> list[IPAddress]:
    """Every address the host resolves to now (a literal is its own); TargetRefused when none."""
    if target.literal is not None:
        return [target.literal]
    loop = asyncio.get_running_loop()
    try:
        found = await asyncio.wait_for(
            loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_SECONDS
        )
    except (OSError, TimeoutError):
        raise TargetRefused(f"The host {target.host} could not be resolved.") from None
    # The scope of a link-local IPv6 address (`%eth0`) is dropped: such an address is refused anyway.
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]
    if not addresses:
        raise TargetRefused(f"The host {target.host} could not be resolved.")
    return list(dict.fromkeys(addresses))


def check(addresses: list[IPAddress], *, allow_private: bool) -> IPAddress:
    """The address to connect to: the first, once every address passed; TargetRefused otherwise."""
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                raise TargetRefused(
                    f"Deliveries to {reason} are refused (OUTGOING_WEBHOOKS_ALLOW_PRIVATE is off)."
                )
    return addresses[0]


async def resolve(target: Target, *, allow_private: bool) -> IPAddress:
    """Resolve the host once and check every address; → the one to connect to."""
    return check(await addresses_of(target), allow_private=allow_private)


async def check_on_save(url: str, *, allow_http: bool, allow_private: bool) -> str:
    """The URL normalised for storage, refused early when its host is, or resolves to, a refused address.

    A host that does not resolve now is accepted: it is resolved and checked again at every send.
    """
    target = parse(url, allow_http=allow_http)
    try:
        addresses = await addresses_of(target)
    except TargetRefused:
        return str(target.url)
    check(addresses, allow_private=allow_private)
    return str(target.url)
