"""Failed API logins are throttled with the web sign-in's counters and limits
(newsloom.web.signin_throttle), so switching from the login form to an API gives an
attacker no extra guesses, and a forwarded address counts only from a trusted proxy
(newsloom.web.client_address).

Every credential an app sends (password, Fever key, token) is checked through `checked`:
the attempt is counted atomically *before* the check, so parallel guesses cannot all pass
a check made before any of them counted, and a correct credential gives its count back, so
an app that authenticates every request never uses up its own limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from newsloom.web.client_address import client_ip
from newsloom.web.ratelimit import hit, refund
from newsloom.web.signin_throttle import (
    PER_ACCOUNT_AND_ADDRESS,
    PER_ADDRESS,
    WINDOW,
    account_key,
    normalized,
)


@dataclass(frozen=True)
class Outcome:
    user: AbstractBaseUser | None
    throttled: bool  # refused before the credential was checked: answer 429


def _limits(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    address = client_ip(request)
    limits = [(f"signin-ip:{address}", PER_ADDRESS)]
    if normalized(username):
        limits.append((account_key(request, username), PER_ACCOUNT_AND_ADDRESS))
    return limits


def checked(request: HttpRequest, username: str,
            check: Callable[[], AbstractBaseUser | None]) -> Outcome:
    """Count the attempt, then run `check` (the credential lookup) unless a limit is used
    up; a user found gives the attempt back. A credential that names no account (a Fever
    key, a token) still meets its account's limit once the account is known, so a reader
    locked out of the login form is locked out of every API from that address too."""
    counted: list[str] = []
    for key, limit in _limits(request, username):
        counted.append(key)
        if not hit(key, limit, WINDOW):
            return Outcome(None, throttled=True)
    user = check()
    if user is None:
        return Outcome(None, throttled=False)
    if not normalized(username):
        key = account_key(request, user.get_username())
        counted.append(key)
        if not hit(key, PER_ACCOUNT_AND_ADDRESS, WINDOW):
            refund(key, WINDOW)
            return Outcome(None, throttled=True)
    for key in counted:
        refund(key, WINDOW)
    return Outcome(user, throttled=False)
