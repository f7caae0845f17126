"""Outbound HTTP to URLs a tenant influences (their IdP's discovery, JWKS, token and
userinfo endpoints; their webhooks): checked at use, not at save, in every environment.

- https only; plain http only to a loopback host, and only when
  ``PHANTOM_OUTBOUND_ALLOW_LOOPBACK`` is on (tests run a real IdP on 127.0.0.1).
- The host is resolved once, every address it resolves to must be public (loopback only
  with the same setting), and the connection goes to the address that was checked: the
  TLS handshake still names and verifies the host, but there is no second lookup for a
  rebinding DNS server to answer differently.
- Webhooks pass their own policy (``private``): public https only, or, under
  ``PHANTOM_WEBHOOK_ALLOW_PRIVATE``, http and private, loopback and link-local addresses
  too; the loopback setting does not apply to them.
- No proxy from the environment, no redirects: each request goes where it says or not
  at all. Answers are capped at ``MAX_RESPONSE_BYTES`` while they stream in.

A refusal raises ``OutboundRefused``, an ``httpx2.ConnectError``: callers treat it exactly
like an unreachable host, so the person signing in cannot tell a refused address from a
closed port (no port scanner). The reason goes to the server log only.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator, Iterable

import httpcore2
import httpx2

from phantom.config import settings

MAX_RESPONSE_BYTES = 1024 * 1024  # JWKS, token and userinfo answers are a few KB
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(httpx2.ConnectError):
    """A URL the policy refuses; the message is for the server log."""


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the gateway connects to the IPv4
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d


def embedded_ipv4(address: Address) -> Address:
    """The IPv4 address an IPv6 one reaches (IPv4-mapped, NAT64, 6to4, IPv4-compatible),
    else the address itself: Python calls ``64:ff9b::a00:1`` global, yet on a network
    with a NAT64 gateway (IPv6-only clusters) it is 10.0.0.1."""
    if not isinstance(address, ipaddress.IPv6Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _allowed(address: Address, allow_loopback: bool, allow_private: bool = False) -> bool:
    address = embedded_ipv4(address)
    if allow_private:  # an operator's choice (webhooks): anything but "no address" or a group
        return not (address.is_unspecified or address.is_multicast)
    if address.is_loopback:
        return allow_loopback
    return address.is_global and not address.is_multicast


async def checked_address(
    host: str, port: int, *, allow_loopback: bool | None = None, allow_private: bool = False
) -> str:
    """The one address to connect to for ``host``: every address it resolves to must be
    allowed (one private answer refuses the name), and the first is used. ``allow_private``
    (webhooks under ``PHANTOM_WEBHOOK_ALLOW_PRIVATE``) also allows private, loopback and
    link-local addresses."""
    allow = settings.outbound_loopback_allowed() if allow_loopback is None else allow_loopback
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise OutboundRefused(f"{host!r} does not resolve") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not addresses:
        raise OutboundRefused(f"{host!r} does not resolve")
    for address in addresses:
        if not _allowed(address, allow, allow_private):
            raise OutboundRefused(f"{host!r} resolves to the non-public address {address}")
    return str(addresses[0])


def check_url(url: httpx2.URL, *, private: bool | None = None) -> None:
    """https, or plain http to a loopback host when loopback is allowed. ``private`` is a
    caller's own policy instead of the loopback setting (webhooks): True allows http to
    any host, False allows https only."""
    if url.scheme == "https" or (url.scheme == "http" and private):
        return
    host = url.host
    loopback_host = host in LOOPBACK_NAMES or _is_loopback_literal(host)
    if (
        private is None
        and url.scheme == "http"
        and loopback_host
        and settings.outbound_loopback_allowed()
    ):
        return
    raise OutboundRefused(f"{url.scheme}://{host} refused: https is required")


def _is_loopback_literal(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _PinnedBackend(httpcore2.AsyncNetworkBackend):
    """Resolves and checks the host, then connects to that very address."""

    def __init__(self, private: bool | None = None) -> None:
        self._inner = httpcore2.AnyIOBackend()
        self._private = private

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore2's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        address = await checked_address(
            host,
            port,
            allow_loopback=None if self._private is None else self._private,
            allow_private=bool(self._private),
        )
        return await self._inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore2's interface
        socket_options: Iterable[httpcore2.SOCKET_OPTION] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        raise OutboundRefused("unix sockets are not an outbound destination")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx2.AsyncHTTPTransport):
    """httpx2's transport with the checks above. Its connection pool is rebuilt on our
    network backend (httpx2 has no argument for it; the version is locked in uv.lock and
    tests/security/test_sso_ssrf.py fails if this stops pinning)."""

    def __init__(self, private: bool | None = None) -> None:
        super().__init__(trust_env=False)
        self._private = private
        self._pool = httpcore2.AsyncConnectionPool(
            ssl_context=httpx2.create_ssl_context(),  # SSL_CERT_FILE still honoured
            network_backend=_PinnedBackend(private),
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        check_url(request.url, private=self._private)
        response = await super().handle_async_request(request)
        assert isinstance(response.stream, httpx2.AsyncByteStream)  # noqa: S101 - ours
        response.stream = _CappedStream(response.stream)
        return response


class _CappedStream(httpx2.AsyncByteStream):
    """A response body that fails once it exceeds ``MAX_RESPONSE_BYTES``."""

    def __init__(self, inner: httpx2.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > MAX_RESPONSE_BYTES:
                raise OutboundRefused(f"answer larger than {MAX_RESPONSE_BYTES} bytes")
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def client_options(*, private: bool | None = None) -> dict[str, object]:
    """httpx2 client arguments for requests to tenant-influenced URLs. ``private``: None
    for the loopback setting's policy (the IdP's endpoints), else the caller's own (True:
    private networks and http allowed; False: public https only)."""
    return {
        "transport": GuardedTransport(private),
        "follow_redirects": False,
        "trust_env": False,
    }
