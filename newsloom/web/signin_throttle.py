"""Sign-in throttling for every login form (the reader's and /admin/login/).

Three counters, each counted atomically *before* the password is checked (see ratelimit):

- per account and address: 5 tries in 15 minutes. This is what stops guessing one
  reader's password from one place, and it locks out only that place;
- per address: 30 tries in 15 minutes over all accounts (password spraying);
- per account from browsers that have never signed in to it: 100 tries an hour (guessing
  from many addresses). A browser that signed in to the account before carries a signed
  cookie saying so and is exempt, so an attacker flooding a victim's user name does not
  lock the victim out.

A correct password clears the account-and-address counter.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from newsloom.web.client_address import client_ip
from newsloom.web.ratelimit import forget, hit

WINDOW = 15 * 60
PER_ACCOUNT_AND_ADDRESS = 5
PER_ADDRESS = 30
PER_ACCOUNT_HOURLY = 100
KNOWN_COOKIE = "newsloom_signed_in_before"
KNOWN_SALT = "newsloom.signin.known"
KNOWN_MAX_AGE = 365 * 24 * 3600
REFUSAL = _("Too many failed sign-in attempts. Try again in 15 minutes.")


def _known_accounts(request: HttpRequest) -> set[str]:
    value = request.get_signed_cookie(KNOWN_COOKIE, default="", salt=KNOWN_SALT,
                                      max_age=KNOWN_MAX_AGE)
    return {name for name in value.split("\n") if name}


def account_key(request: HttpRequest, username: str) -> str:
    """The per-account-and-address counter's key (the API logins count on it too)."""
    return f"signin:{normalized(username)}:{client_ip(request)}"


def admit(request: HttpRequest, username: str) -> bool:
    """Count one sign-in attempt; False when any of its limits is used up."""
    address = client_ip(request)
    allowed = (hit(account_key(request, username), PER_ACCOUNT_AND_ADDRESS, WINDOW)
               and hit(f"signin-ip:{address}", PER_ADDRESS, WINDOW))
    if allowed and username not in _known_accounts(request):
        allowed = hit(f"signin-account:{username}", PER_ACCOUNT_HOURLY, 3600)
    return allowed


def remember(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a correct password: clear this place's counter and mark the browser as one
    that has signed in to the account."""
    forget(account_key(request, username))
    known = sorted(_known_accounts(request) | {username})[-20:]
    response.set_signed_cookie(KNOWN_COOKIE, "\n".join(known), salt=KNOWN_SALT,
                               max_age=KNOWN_MAX_AGE, httponly=True, samesite="Lax",
                               secure=request.is_secure())


def normalized(username: str | None) -> str:
    return (username or "").strip().lower()


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing attempts over the limits before the password is
    checked. `throttled` tells the view to answer 429."""

    throttled = False

    def clean(self) -> dict[str, object]:
        username = normalized(self.cleaned_data.get("username"))
        if (self.request is not None and username and self.cleaned_data.get("password")
                and not admit(self.request, username)):
            self.throttled = True
            raise forms.ValidationError(REFUSAL, code="throttled")
        return super().clean()


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The same limits for /admin/login/ (staff accounts are the best prize)."""
