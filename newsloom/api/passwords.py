"""API passwords: issued once, stored only as digests, revoked by deleting the row. Every
API (Google Reader, Fever, Miniflux, newsloom's own) checks its credentials here."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from newsloom.api.models import ApiPassword


def digest_of(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def fever_key(username: str, password: str) -> str:
    """What a Fever client sends as api_key: md5("name:password") (the Fever spec)."""
    return hashlib.md5(f"{username}:{password}".encode()).hexdigest()


def issue(user: AbstractBaseUser) -> str:
    """A new API password for `user`, replacing any earlier one (which stops working)."""
    password = secrets.token_urlsafe(24)
    with transaction.atomic():
        ApiPassword.objects.filter(user=user).delete()
        ApiPassword.objects.create(user=user, digest=digest_of(password),
                                   fever_key=fever_key(user.get_username(), password))
    return password


def revoke(user: AbstractBaseUser) -> bool:
    """Remove the reader's API password; True when there was one."""
    return ApiPassword.objects.filter(user=user).delete()[0] > 0


def user_for_password(username: str, password: str) -> AbstractBaseUser | None:
    """The active reader named `username` whose API password this is."""
    row = (ApiPassword.objects.select_related("user")
           .filter(digest=digest_of(password)).first()) if password else None
    if row and row.user.is_active and hmac.compare_digest(
            row.user.get_username().lower(), username.strip().lower()):
        return row.user
    return None


def user_for_token(token: str) -> AbstractBaseUser | None:
    """The active reader whose API password `token` is (Miniflux X-Auth-Token)."""
    row = (ApiPassword.objects.select_related("user")
           .filter(digest=digest_of(token)).first()) if token else None
    return row.user if row and row.user.is_active else None


def user_for_fever_key(key: str) -> AbstractBaseUser | None:
    row = (ApiPassword.objects.select_related("user")
           .filter(fever_key=key.strip().lower()).first()) if key else None
    return row.user if row and row.user.is_active else None


def _session_mac(row: ApiPassword, purpose: str) -> str:
    """A token bound to the current API password: issuing a new one or revoking it ends
    every session that was opened with the old one."""
    message = f"{purpose}:{row.user_id}:{row.digest}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]


def session_token(user: AbstractBaseUser, purpose: str) -> str:
    """"name/mac": the Google Reader Auth token (purpose "auth") or edit token ("edit")."""
    row = ApiPassword.objects.get(user=user)
    return f"{user.get_username()}/{_session_mac(row, purpose)}"


def user_for_session_token(token: str, purpose: str) -> AbstractBaseUser | None:
    username, _, mac = token.strip().rpartition("/")
    if not username or not mac:
        return None
    row = (ApiPassword.objects.select_related("user")
           .filter(user__username=username).first())
    if row and row.user.is_active and hmac.compare_digest(mac, _session_mac(row, purpose)):
        return row.user
    return None


def create_reader(username: str, password: str, email: str = "",
                  admin: bool = False) -> AbstractBaseUser:
    """A reader account (with the web password), as sign-up makes one."""
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists():
        raise ValueError(f"a reader named {username!r} already exists")
    if admin:
        return model.objects.create_superuser(username=username, email=email, password=password)
    return model.objects.create_user(username=username, email=email, password=password)
