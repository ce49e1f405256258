"""The "Apps" settings page: create, replace or revoke the reader's API password and see
the addresses to give each kind of app."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from newsloom.api import passwords
from newsloom.api.models import ApiPassword


@never_cache
@login_required
def api_password(request: HttpRequest) -> HttpResponse:
    """POST action=create shows the new password once (it is never stored in clear, so it
    cannot be shown again); action=revoke ends every app's access."""
    new_password = ""
    if request.method == "POST":
        if request.POST.get("action") == "create":
            new_password = passwords.issue(request.user)
        elif request.POST.get("action") == "revoke":
            passwords.revoke(request.user)
    row = ApiPassword.objects.filter(user=request.user).first()
    base = request.build_absolute_uri("/").rstrip("/")
    return render(request, "api/api_password.html", {
        "row": row, "new_password": new_password, "endpoints": [
            ("Google Reader (Reeder, NetNewsWire, Read You, FeedMe, Fluent Reader)",
             f"{base}/api/greader"),
            ("Fever (Unread, Reeder)", f"{base}/api/fever.php"),
            ("Miniflux (newsboat, Miniflux apps)", base),
            ("newsloom API (OpenAPI)", f"{base}/api/v1/docs"),
        ]})
