"""Failed API logins are throttled per account and per client address, sharing the web
sign-in's limits and counters (newsloom.web.ratelimit), so an attacker cannot get extra
guesses by switching from the login form to an API."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from newsloom.web.accounts import LOGIN_FAILURES, LOGIN_WINDOW
from newsloom.web.ratelimit import blocked, hit

# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs). Empty: the
# connecting address is the client. Read from settings.NEWSLOOM_TRUSTED_PROXIES when set.
TRUSTED_PROXIES: tuple[str, ...] = ()


def _trusted(address: str) -> bool:
    networks = getattr(settings, "NEWSLOOM_TRUSTED_PROXIES", TRUSTED_PROXIES)
    try:
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)
    except ValueError:
        return False


def client_address(request: HttpRequest) -> str:
    """The client's address: the connecting one, or, when that is a trusted proxy, the
    last address in X-Forwarded-For that is not itself a trusted proxy."""
    address = request.META.get("REMOTE_ADDR", "unknown")
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if a.strip()]
    while _trusted(address) and forwarded:
        address = forwarded.pop()
    return address


def _keys(request: HttpRequest, username: str) -> list[str]:
    keys = [f"login-ip:{client_address(request)}"]
    if username:
        keys.append(f"login-user:{username.strip().lower()}")
    return keys


def is_blocked(request: HttpRequest, username: str = "") -> bool:
    return any(blocked(key, LOGIN_FAILURES, LOGIN_WINDOW) for key in _keys(request, username))


def record_failure(request: HttpRequest, username: str = "") -> None:
    for key in _keys(request, username):
        hit(key, LOGIN_FAILURES, LOGIN_WINDOW)
