"""The reader's network address, for throttles and rate limits.

Behind the documented reverse proxy every request arrives from the proxy's address, so keying
limits on REMOTE_ADDR would make all readers one client. X-Forwarded-For is believed only when
the connection comes from a configured trusted proxy (anyone else could write any address into
it), and only as far as the chain of trusted hops goes: the right-most address that is not a
trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries
                 if entry.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def trusted_proxies() -> tuple[Network, ...]:
    """settings.NEWSLOOM_TRUSTED_PROXIES (NEWSLOOM_TRUSTED_PROXIES, none by default: a portal
    exposed directly must not let readers choose their own address)."""
    return _networks(tuple(settings.NEWSLOOM_TRUSTED_PROXIES))


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the forwarded address a trusted proxy reports."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return "unknown"
    proxies = trusted_proxies()
    if not any(remote in network for network in proxies):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _parse(hop)
        if address is None:  # a garbled hop: nothing left of it can be trusted
            break
        if not any(address in network for network in proxies):
            return str(address)
        remote = address
    return str(remote)
