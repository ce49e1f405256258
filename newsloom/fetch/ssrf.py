"""Server-side request forgery guard, applied when a connection is opened.

Feeds are user input and redirect targets are attacker input, so a URL check alone is not
enough: a public name can resolve to 127.0.0.1 (DNS rebinding) and a public page can redirect
to the metadata service. The guard therefore checks every address the resolver returns, right
before connecting, on every hop, and connects to the address it checked.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges that `ipaddress.is_global` treats as global but that no public news site lives in.
_EXTRA_BLOCKED: tuple[Network, ...] = (
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT (also not is_global; explicit)
    ipaddress.ip_network("192.0.0.0/24"),
    ipaddress.ip_network("198.18.0.0/15"),
    ipaddress.ip_network("64:ff9b::/96"),  # NAT64 can reach any IPv4 address
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215)
    # IPv4 in IPv6 clothing that `is_global` misses: IPv4-compatible (::a.b.c.d, deprecated
    # by RFC 4291) and IPv4-translated (::ffff:0:a.b.c.d, RFC 2765) addresses reach IPv4
    # hosts through a translator, and no public web server is addressed that way.
    ipaddress.ip_network("::/96"),
    ipaddress.ip_network("::ffff:0:0:0/96"),
    ipaddress.ip_network("fec0::/10"),  # site-local, deprecated by RFC 3879 but still routed
)


class BlockedAddressError(ConnectionError):
    """A connection to a non-public address was refused by the SSRF guard."""


@dataclass(frozen=True)
class AllowList:
    """Networks and host names that the guard lets through (for tests and intranet feeds)."""

    networks: tuple[Network, ...] = ()
    hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, spec: str) -> AllowList:
        """Parse a comma-separated list of CIDRs, IP addresses and host names."""
        networks: list[Network] = []
        hosts: set[str] = set()
        for raw in spec.split(","):
            item = raw.strip()
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    @classmethod
    def from_env(cls) -> AllowList:
        """The allowlist of the configuration (`NEWSLOOM_FETCH_ALLOW`, checked there)."""
        from newsloom.config import current  # here: the configuration module imports this one

        return current().fetch_allow

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".") in self.hosts

    def allows_ip(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.networks)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden inside an IPv4-mapped, 6to4 or Teredo IPv6 address."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True for addresses a public web server may have; False for private, loopback,
    link-local, CGNAT, multicast, reserved, unspecified and their IPv6 disguises."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return is_public_address(embedded)
    if ip.is_multicast or not ip.is_global:
        return False
    return not any(ip.version == net.version and ip in net for net in _EXTRA_BLOCKED)


def resolve_checked(host: str, port: int, allow: AllowList) -> list[str]:
    """Resolve `host` and return the addresses it is safe to connect to, in resolver order.

    Raises BlockedAddressError when any resolved address is not public (one bad address
    is enough: a round-robin answer mixing public and private addresses is an attack).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectionError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        ip = ipaddress.ip_address(text)
        if not (allow.allows_host(host) or allow.allows_ip(ip) or is_public_address(ip)):
            raise BlockedAddressError(
                f"refused to connect to {host!r}: it resolves to non-public address {ip}"
            )
        if text not in addresses:
            addresses.append(text)
    return addresses
