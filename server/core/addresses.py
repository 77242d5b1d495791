"""Who is on the other end: the peer's address, or the client named by `X-Forwarded-For` and
`X-Forwarded-Proto` when (and only when) the peer is one of the proxies the centre listed in
PLATEAU_TRUSTED_PROXIES. Pure: no I/O."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Peer:
    address: str  # an IP address, or a name for a non-TCP transport (tests, UNIX socket)
    scheme: str  # "http" or "https", as the client reached the server

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        try:
            return ipaddress.ip_address(self.address)
        except ValueError:
            return None

    @property
    def on_the_network(self) -> bool:
        """A TCP peer that is not this machine: a password must not reach it in clear."""
        ip = self.ip
        return ip is not None and not ip.is_loopback

    @property
    def plain_over_network(self) -> bool:
        return self.scheme != "https" and self.on_the_network


def parse_networks(specs: Sequence[str]) -> list[Network]:
    """'10.0.0.1', '10.0.0.0/24', '::1' → networks; ValueError (French) on a bad entry."""
    out: list[Network] = []
    for spec in specs:
        try:
            out.append(ipaddress.ip_network(spec.strip(), strict=False))
        except ValueError:
            raise ValueError(f"adresse ou réseau de proxy invalide : {spec!r}") from None
    return out


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def resolve_peer(
    peer_address: str | None,
    scheme: str,
    headers: Mapping[str, str],
    proxies: Sequence[Network],
) -> Peer:
    """Walks `X-Forwarded-For` from the right while the hop is a trusted proxy; the first
    untrusted hop is the client. An untrusted peer's forwarded headers are ignored."""
    address = peer_address or "inconnu"
    if not _trusted(address, proxies):
        return Peer(address, scheme)
    hops = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
    client = address
    while hops:
        hop = hops.pop()
        client = hop
        if not _trusted(hop, proxies):
            break
    proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return Peer(client, proto if proto in ("http", "https") else scheme)
